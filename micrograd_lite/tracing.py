"""Tracing mode: while `compile` records a function's graph, branching on a Value is refused.

A tape records ops, not branches: a function that asks `if x > 0` would replay the branch it
took while being traced for every later input. So inside `tracing()` the truth and comparisons
of a Value raise `TraceError` at once, rather than the compiled function answering wrong later.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from micrograd_lite.errors import TraceError

_depth = 0  # nesting depth of `tracing()`


@contextlib.contextmanager
def tracing() -> Iterator[None]:
    """Mark a region where Values are being traced into a tape: branching on data is refused."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1


def is_tracing() -> bool:
    """True inside `tracing()`."""
    return _depth > 0


def refuse_branch(value: object, what: str) -> None:
    """Raise TraceError while tracing: `what` (`bool()`, `<`, ...) on `value` is a branch."""
    if _depth:
        raise TraceError(
            f"{what} on {value!r} while tracing: the compiled function would bake in this "
            "branch. Express the choice with an op (relu, abs, ...) or run the function eagerly."
        )
