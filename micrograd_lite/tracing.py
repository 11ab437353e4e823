"""Tracing mode: while `compile` records a function's graph, branching on a Value is refused.

A tape records ops, not branches: a function that asks `if x > 0` would replay the branch it
took while being traced for every later input. So inside `tracing()` the truth and comparisons
of a Value go through `refuse_branch`, which raises `TraceError` at once, rather than the
compiled function answering wrong later. `compile`'s tracer refines this (`set_branch_policy`):
it refuses a branch on a Value that depends on an argument, and lets one on a Value captured
from outside the function through, remembering that the trace read it (see `compile.traced`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from micrograd_lite.errors import TraceError

_depth = 0  # nesting depth of `tracing()`

# Decides, while tracing, whether a comparison or bool() may go on: (value, what, other)
BranchPolicy = Callable[[object, str, object], None]
_policy: BranchPolicy | None = None


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


def set_branch_policy(policy: BranchPolicy | None) -> BranchPolicy | None:
    """Have `policy(value, what, other)` judge every branch while tracing (None: refuse them
    all); returns the previous policy."""
    global _policy
    previous, _policy = _policy, policy
    return previous


def refuse_branch(value: object, what: str, other: object = None) -> None:
    """While tracing, `what` (`bool()`, `<`, ...) on `value` (and `other`) is a branch: raise
    TraceError, or ask the policy `compile` set."""
    if _depth:
        if _policy is not None:
            _policy(value, what, other)
            return
        raise TraceError(
            f"{what} on {value!r} while tracing: the compiled function would bake in this "
            "branch. Express the choice with an op (relu, abs, ...) or run the function eagerly."
        )
