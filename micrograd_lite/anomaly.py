"""detect_anomaly(): turn every non-finite value, local derivative or gradient into an error.

Outside the context nothing is checked and nothing costs extra: NaN and inf propagate by IEEE
rules, as in PyTorch. Inside it, every node passes the creation hook every node passes
(`value.set_creation_hook`), whoever made it: an operator, a method, `expr`, a fused neuron,
`compile`'s eager run, a user's subclass, a method reference taken long before. Its data and
local derivatives are checked there, and `backward()` checks each gradient as it is sent.
The error is a `FloatingPointError` naming the op, the values and the file:line of your code
that made the node.

    >>> from micrograd_lite import Value
    >>> x = Value(0.0)
    >>> with detect_anomaly():
    ...     y = x ** 0.5   # sqrt's slope at 0 is infinite
    Traceback (most recent call last):
    ...
    micrograd_lite.errors.AnomalyError: **0.5: local derivative d out/d input 0 is inf ...

Nodes made inside the context remember where they were made (for backward's messages) until the
outermost context exits; long loops inside it hold their graphs that long.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterator

from micrograd_lite import backward as _backward
from micrograd_lite.errors import AnomalyError, GraphError
from micrograd_lite.value import Value, set_creation_hook

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_depth = 0
_outer_hook: Callable[[Value], None] | None = None  # a hook set before we entered, kept on
_sites: dict[int, tuple[Value, str]] = {}  # id -> (node kept alive so the id stays its own, site)


def is_enabled() -> bool:
    """True inside `detect_anomaly()`."""
    return _depth > 0


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Check every forward value, local derivative and gradient for NaN/inf while active."""
    global _depth, _outer_hook
    if _depth == 0:
        _outer_hook = set_creation_hook(_check_new_node)
        _backward.checking_backward = checked_backward
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            set_creation_hook(_outer_hook)
            _backward.checking_backward = None
            _sites.clear()


def user_site() -> str:
    """`file:line` of the innermost caller outside this package: where the user made the node."""
    frame = sys._getframe(1)
    while frame.f_back is not None and _in_package(frame.f_code.co_filename):
        frame = frame.f_back
    if _in_package(frame.f_code.co_filename):
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _in_package(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE_DIR)


def site_of(node: Value) -> str:
    """Where `node` was made, if inside `detect_anomaly()`."""
    entry = _sites.get(id(node))
    if entry is not None and entry[0] is node:
        return entry[1]
    return "outside detect_anomaly()"


def _check_new_node(node: Value) -> None:
    if _outer_hook is not None:
        _outer_hook(node)
    site = user_site()
    if node.is_leaf:
        if not math.isfinite(node.data):
            raise AnomalyError(f"Value: data is {node.data}, made at {site}")
        return
    _sites[id(node)] = (node, site)
    inputs = node.inputs
    shown = ", ".join(repr(v.data) for v in inputs)
    if not math.isfinite(node.data):
        raise AnomalyError(f"{node.op}: result is {node.data} for inputs ({shown}), made at {site}")
    for i, d in enumerate(_local_grads(node)):
        if not math.isfinite(d):
            raise AnomalyError(
                f"{node.op}: local derivative d out/d input {i} is {d} for inputs ({shown}), "
                f"made at {site}"
            )


def _local_grads(node: Value) -> tuple[float, ...]:
    try:
        return node.local_grads
    except GraphError:  # a micrograd-style node: no local derivatives to check
        return ()


def checked_backward(root: Value) -> None:
    """`backward()` that raises on the first non-finite gradient, naming the node that sent it.
    The reference loop of backward.py, with a check after every addition."""
    order = _backward.topo_order(root)
    for node in order:
        if not node.is_leaf:
            node.grad = 0.0
    root.grad = root.grad + 1.0 if root.is_leaf else 1.0
    for node in reversed(order):
        g = node.grad
        for i, (parent, d) in enumerate(zip(node.inputs, node.local_grads, strict=True)):
            sent = d * g
            if not math.isfinite(sent):
                raise AnomalyError(
                    f"backward: {node.op} (made at {site_of(node)}) sends a non-finite gradient "
                    f"{sent} to its input {i} {parent!r}: local derivative {d} * grad {g}"
                )
            parent.grad += sent
            if not math.isfinite(parent.grad):
                raise AnomalyError(
                    f"backward: the gradient of {parent!r} (op {parent.op or 'leaf'!r}, made at "
                    f"{site_of(parent)}) overflowed to {parent.grad}"
                )
