"""codegen: a traced `Program` turned into a callable Python function (and its batch replay).

`build` renders the program for the scalar dialect, compiles and runs that text, and hangs
on the function what users look at: its source (elided past SOURCE_LIMIT ops), the program,
and `batch`, the numpy replay, loaded on first use. `compile` is `trace` then `build`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from micrograd_lite.compile.dialect import IEEE, SCALAR
from micrograd_lite.compile.program import SOURCE_LIMIT, Program
from micrograd_lite.compile.replay import first_error
from micrograd_lite.compile.tracer import trace
from micrograd_lite.value import Number, Value


class Compiled(Protocol):
    """What `compile` returns: the generated function, with its source and a batch replay."""

    n_args: int
    n_ops: int
    source: str  # readable for small graphs; elided past SOURCE_LIMIT ops
    full_source: str
    program: Program

    def __call__(self, *xs: float) -> tuple[float, tuple[float, ...]]: ...

    def batch(self, *arrays: Any) -> tuple[Any, tuple[Any, ...]]: ...


def compile(  # shadows the builtin on purpose: the name users look for
    fn: Callable[..., Value],
    example_args: Sequence[Number],
    *,
    unpack: bool = True,
    wrt: Sequence[int] | None = None,
) -> Compiled:
    """Trace `fn` on `example_args` and return `cf(*floats) -> (value, grads)`.

    `grads[i]` is d value / d argument i (0.0 for an argument the function does not use).
    With `wrt` (argument positions), only those gradients are computed and returned, in that
    order: `wrt=(0, 1)` for the weights of `fn(w0, w1, x, y)` skips the data's gradients.
    A Value captured from outside `fn` is read at every call (one whose data `fn`'s code read
    must be unchanged, else TraceError); while tracing, `fn`'s code may not read the data of a
    Value that depends on an argument (TraceError names the line). Errors are the eager run's
    (class and message). `cf.source` shows the code; `cf.batch` replays it on numpy arrays.
    """
    program = trace(fn, example_args, unpack=unpack, wrt=wrt)
    return build(program)


def build(program: Program, *, fold: bool | None = None) -> Compiled:
    """Generate, compile and return the function for `program`.

    `fold` (default: past SOURCE_LIMIT ops) writes fewer, longer lines (see `Program.render`):
    the same floats, compiled faster, but no longer a line per op.
    """
    small = program.n_ops <= SOURCE_LIMIT
    full = program.render(comments=small, fold=fold)
    name = f"<micrograd_lite.compile: {program.n_ops} ops>"
    fn = _eager_errors(SCALAR.define(full, name, program.bindings()), program, fold)
    fn.n_args = len(program.args)
    fn.n_ops = program.n_ops
    fn.program = program
    fn.full_source = full
    fn.source = full if small else _elide(full, program.n_ops)
    fn.batch = functools.partial(_batch, program, {})
    return cast(Compiled, fn)


def _eager_errors(plain: Callable[..., Any], program: Program, fold: bool | None) -> Any:
    """`plain`, but where it raises, the eager run's answer: its error if the forward pass
    fails there (found by `replay.first_error`: same class, same message, same op first), else
    a rerun by the same program with IEEE local derivatives (sqrt's slope at 0 is inf), as
    eager computes a local derivative (see `ops.Op.local_fn`). A function: build() gives it
    its attributes."""
    ieee: list[Callable[..., Any]] = []  # built on first need

    def compiled(*xs: float) -> Any:
        try:
            return plain(*xs)
        except (ArithmeticError, ValueError):
            error = first_error(program, xs)
            if error is not None:
                raise error from None
            if not ieee:
                source = program.render(comments=False, fold=fold, dialect=IEEE)
                name = f"<micrograd_lite.compile ieee: {program.n_ops} ops>"
                ieee.append(IEEE.define(source, name, program.bindings()))
            return ieee[0](*xs)

    return compiled


def _elide(full: str, n_ops: int, keep: int = 12) -> str:
    lines = full.splitlines()
    if len(lines) <= 2 * keep:
        return full
    note = (
        f"    # ... {len(lines) - 2 * keep} lines elided: the graph has {n_ops} ops "
        f"(source is shown in full up to {SOURCE_LIMIT}; see full_source) ..."
    )
    return "\n".join([*lines[:keep], note, *lines[-keep:]])


def _batch(program: Program, cache: dict[str, Any], *arrays: Any) -> tuple[Any, tuple[Any, ...]]:
    run = cache.get("run")
    if run is None:
        from micrograd_lite.compile.batch import run_batch  # numpy is optional: on first use

        run = cache["run"] = run_batch
    return run(program, cache, arrays)
