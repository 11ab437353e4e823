"""tracer: run a function of Values once and record the graph it built as a `Program`.

`trace` calls the function inside `tracing.tracing()` (so code that branches on a Value's data
is refused), names every value (its label where that is a usable identifier, else v1, v2, ...)
and walks the graph in `backward()`'s own order: forward steps, then the backward terms that
reach a differentiated argument.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import cast

from micrograd_lite.compile.program import Program
from micrograd_lite.compile.record import Names, gc_paused, record
from micrograd_lite.compile.session import Session
from micrograd_lite.errors import TraceError
from micrograd_lite.tracing import tracing
from micrograd_lite.value import Number, Value, as_float


def _arg_names(fn: Callable[..., object], count: int, unpack: bool) -> list[str]:
    if unpack:
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            params = []
        simple = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(simple) == count and len(params) == count:
            return simple
    return [f"x{i}" for i in range(count)]


def trace(
    fn: Callable[..., Value],
    example_args: Sequence[Number],
    *,
    unpack: bool = True,
    wrt: Sequence[int] | None = None,
) -> Program:
    """Run `fn` once on Values made from `example_args`; return its graph as a `Program`.

    `fn(*values)` is called (or `fn(values)`, a list, with `unpack=False`) inside `tracing()`.
    `wrt` lists the arguments to differentiate (default: all); the others are still inputs.
    """
    where = f"compile({getattr(fn, '__name__', 'fn')})"
    floats = [as_float(x, f"{where}: example argument {i}") for i, x in enumerate(example_args)]
    names = Names()
    wanted = _arg_names(fn, len(floats), unpack)
    arg_names = [names.take(w) for w in wanted]
    args = [Value(x, label=n) for x, n in zip(floats, arg_names, strict=True)]
    session = Session(where)
    try:
        session.start(args)
        try:
            with tracing():
                out = fn(*args) if unpack else cast(Callable[[list[Value]], Value], fn)(list(args))
        finally:
            session.end()
        session.verify()
    except TraceError as e:
        raise TraceError(f"{where}: {e}") from None
    if not isinstance(out, Value):
        raise TraceError(
            f"{where}: the function must return a Value (the quantity to differentiate), "
            f"got {type(out).__name__}"
        )
    wanted_grads = list(range(len(args))) if wrt is None else list(wrt)
    for i in wanted_grads:
        if not 0 <= i < len(args) or wanted_grads.count(i) > 1:
            raise ValueError(
                f"{where}: wrt={wanted_grads}: each entry must be a distinct argument position "
                f"below {len(args)}"
            )
    differentiated = [args[i] for i in wanted_grads]
    with gc_paused():
        return record(out, args, arg_names, differentiated, names, session)
