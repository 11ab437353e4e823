"""replay: a program run op by op on floats, as the eager path runs it, to find its first error.

The generated code is fast, but when it raises it may not say what an eager run would: its
lines overflow with Python's bare OverflowError (eager raises `OpOverflowError` with the
table's text), and folded lines evaluate a pasted op later than eager would. So when a
compiled call (or a sample of a batch) fails, `first_error` runs the forward steps again in
the order the function made them, each with the eager path's checks (`Op.check`) and errors
(`Op.overflow_error`): the error it returns is the one the eager run raises, same class,
same message. None means the forward pass is fine: the failure was in a local derivative,
where eager answers IEEE's inf instead (see `codegen`).
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lite.compile.program import Program
from micrograd_lite.ops import AFFINE


def _number(text: str) -> float:
    """A literal the tracer wrote (`2.0`, `(-1.5)`, `nan`, `(-inf)`) back as its float."""
    return float(text.strip("()"))


def first_error(program: Program, xs: Sequence[float]) -> Exception | None:
    """The error an eager run of the traced function raises at arguments `xs`, or None."""
    env: dict[str, float] = dict(zip(program.args, xs, strict=True))
    for name, value in zip(program.live, program.captured, strict=True):
        env[name] = value.data
    for out, op, operands in program.steps:
        values = [env[o] if o in env else _number(o) for o in operands]
        if op is AFFINE:  # bias + w_1*x_1 + ...: float additions, never an error
            n = len(values) // 2
            total = values[-1] if len(values) % 2 else 0.0
            for w, x in zip(values[:n], values[n : 2 * n], strict=True):
                total = total + w * x
            env[out] = total
            continue
        try:  # as value.apply: the check, then the forward rule, its overflow the table's
            if op.checks:
                op.check(*values)
        except Exception as e:  # whatever eager raises here is the answer
            return e
        try:
            env[out] = op.forward_fn(*values)
        except OverflowError:
            return op.overflow_error(values)
        except ValueError:  # sin(inf): IEEE's nan, as eager's `apply` gives
            env[out] = op.forward_in("ieee")(*values)
    return None
