"""detect_anomaly(): turn every non-finite value, local derivative or gradient into an error.

Outside the context nothing is checked and nothing costs extra: NaN and inf propagate by IEEE
rules, as in PyTorch. Inside it, every op that makes a node is wrapped by a checking version
(the methods are swapped on the class on entry and restored on exit), and `backward()` checks
each gradient as it is sent. The error is a `FloatingPointError` naming the op, the values and
the file:line of your code that made the node.

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
import functools
import math
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from micrograd_lite import backward as _backward
from micrograd_lite.errors import AnomalyError
from micrograd_lite.value import NODE_MAKERS, Value

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_depth = 0
_saved: dict[str, Any] = {}
_sites: dict[int, tuple[Value, str]] = {}  # id -> (node kept alive so the id stays its own, site)


def is_enabled() -> bool:
    """True inside `detect_anomaly()`."""
    return _depth > 0


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Check every forward value, local derivative and gradient for NaN/inf while active."""
    global _depth
    if _depth == 0:
        _install()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _uninstall()
            _sites.clear()


def user_site() -> str:
    """`file:line` of the innermost caller outside this package: where the user made the node."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def site_of(node: Value) -> str:
    entry = _sites.get(id(node))
    if entry is not None and entry[0] is node:
        return entry[1]
    return "outside detect_anomaly()"


def _check_node(out: Value, site: str) -> None:
    shown = ", ".join(repr(v.data) for v in out.inputs)
    if not math.isfinite(out.data):
        raise AnomalyError(f"{out.op}: result is {out.data} for inputs ({shown}), made at {site}")
    for i, d in enumerate(out.local_grads):
        if not math.isfinite(d):
            raise AnomalyError(
                f"{out.op}: local derivative d out/d input {i} is {d} for inputs ({shown}), "
                f"made at {site}"
            )


def _checking(method: Callable[..., Value]) -> Callable[..., Value]:
    @functools.wraps(method)
    def checked(*args: Any, **kwargs: Any) -> Value:
        out = method(*args, **kwargs)
        site = user_site()
        _check_node(out, site)
        _sites[id(out)] = (out, site)
        return out

    return checked


def _checked_init(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def checked(self: Value, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if not math.isfinite(self.data):
            raise AnomalyError(f"Value: data is {self.data}, made at {user_site()}")

    return checked


def checked_backward(root: Value) -> None:
    """`backward()` that raises on the first non-finite gradient, naming the node that sent it."""
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


def _install() -> None:
    for name in NODE_MAKERS:
        attr = Value.__dict__[name]
        _saved[name] = attr
        if isinstance(attr, staticmethod):
            setattr(Value, name, staticmethod(_checking(attr.__func__)))
        else:
            setattr(Value, name, _checking(attr))
    _saved["__init__"] = Value.__dict__["__init__"]
    Value.__init__ = _checked_init(_saved["__init__"])  # type: ignore[method-assign]
    _saved["backward"] = Value.__dict__["backward"]
    Value.backward = checked_backward  # type: ignore[method-assign, assignment]


def _uninstall() -> None:
    for name, attr in _saved.items():
        setattr(Value, name, attr)
    _saved.clear()
