"""traced: what a trace may read, so that compile never returns a number eager would not.

While `compile` runs the user's function on Values, three kinds of Value meet:

* **traced** Values depend on an argument: the arguments, and every node made from one. Their
  numbers change from call to call, so reading one from the user's code (`.data`, `.grad`,
  `local_grads`, `float()`, `int()`, `round()`, `format()`, comparisons, `bool()`) would bake
  the traced number into the compiled function: it raises TraceError naming the line. The
  library's own reads (an op reading its inputs) go on. `repr` and `str` stay: they change
  no result. A creation hook (chained as `anomaly` chains it) makes each such node a
  `Traced` subclass of its own class, with the same slots, whose `data` and `grad` shadow the
  slots and check who reads; the classes go back when the trace ends. Outside a trace no
  Value pays anything for this.
* **captured** Values existed before the trace (a closure's parameter, a model's weight).
  An op on one reads it live: the compiled function reads its `.data` at every call. If the
  user's code reads one's data (or compares it, or reads a node made from it), the trace
  depends on that number: it is remembered, and a call after it changed raises TraceError
  (`session.captured_check`). To see those reads, `Value.data` is a property for the
  length of the trace only (no Value pays for it outside one).
* **constants** are made during the trace from numbers alone (the 2.0 lifted in `x * 2.0`):
  the same on every call, so they become literals.

Writing `.data` of any Value, or reading `.grad`, from the user's code while tracing raises:
the compiled function could not replay it.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Mapping
from types import CodeType, FrameType
from typing import Any, Protocol

from micrograd_lite.errors import TraceError
from micrograd_lite.node import Node
from micrograd_lite.value import Value

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_OUTSIDE = (os.path.join(_PACKAGE, "worked") + os.sep,)  # the package's own users of compile
# On a traced node, each conversion to a number (or text) refuses, as a read of .data does
_CONVERTS = {
    "__float__": "float()",
    "__int__": "int()",
    "__index__": "using it as an index",
    "__complex__": "complex()",
    "__round__": "round()",
    "__trunc__": "math.trunc()",
    "__floor__": "math.floor()",
    "__ceil__": "math.ceil()",
    "__format__": "formatting",
}
# A conversion reads `data` for its caller: a Node.__float__ counts as the user's read
_CONVERSIONS = frozenset([*_CONVERTS, "__bool__"])
_DATA: Any = Node.__dict__["data"]  # the slots' own descriptors, read and written directly
_GRAD: Any = Node.__dict__["grad"]
_get_data, _set_data = _DATA.__get__, _DATA.__set__
_get_grad, _set_grad = _GRAD.__get__, _GRAD.__set__
_in_package: dict[str, bool] = {}


def _file_inside(filename: str) -> bool:
    hit = _in_package.get(filename)
    if hit is None:
        path = os.path.abspath(filename)
        hit = _in_package[filename] = path.startswith(_PACKAGE) and not path.startswith(_OUTSIDE)
    return hit


_internal_codes: dict[CodeType, bool] = {}  # one lookup per read: reads are the trace's hot path


def _internal(code: CodeType) -> bool:
    """Is a read from `code` the library's own (an op reading its inputs)?"""
    hit = _internal_codes.get(code)
    if hit is None:
        hit = _file_inside(code.co_filename) and code.co_name not in _CONVERSIONS
        _internal_codes[code] = hit
    return hit


def user_site(frame: FrameType | None) -> str:
    """`file:line` of the innermost frame from `frame` outward that is outside the package."""
    while frame is not None and _file_inside(frame.f_code.co_filename):
        frame = frame.f_back
    return "<unknown>" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"


def same_bits(x: float, y: float) -> bool:
    """x and y are the same float (-0.0 is not 0.0; NaN is NaN)."""
    if x != x:
        return y != y
    return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)


# -- the classes a traced node takes on ---------------------------------------------------------


def _guarded(slot: Any, name: str) -> property:
    """A property over a slot that refuses the user's reads and writes (not the library's)."""
    get, put = slot.__get__, slot.__set__

    def read(self: Value) -> float:
        frame = sys._getframe(1)
        if _internal(frame.f_code):
            x: float = get(self)
            return x
        return _refused(f".{name}", frame)

    def write(self: Value, x: float) -> None:
        frame = sys._getframe(1)
        if not _internal(frame.f_code):
            _refused(f"setting .{name}", frame)
        put(self, x)

    return property(read, write)


class _Traced:
    """What a traced node adds to its class: reads from outside the package are refused."""

    __slots__ = ()

    data = _guarded(_DATA, "data")
    grad = _guarded(_GRAD, "grad")

    @property
    def local_grads(self) -> tuple[float, ...]:
        frame = sys._getframe(1)
        if not _internal(frame.f_code):
            _refused("local_grads", frame)
        grads: tuple[float, ...] = super().local_grads  # type: ignore[misc]
        return grads


def _refusing(what: str) -> Any:
    def convert(self: Value, *args: object) -> float:
        return _refused(what, sys._getframe(1))

    return convert


for _name, _what in _CONVERTS.items():
    setattr(_Traced, _name, _refusing(_what))


def _refused(what: str, frame: FrameType) -> float:
    session = active
    if session is None:  # cannot happen: the trace's end turns its nodes back
        raise TraceError(f"{what} of a traced Value after its trace ended")
    session.refuse(f"{what} of a traced Value", frame)
    raise AssertionError("unreachable: refuse() raises")


_traced_classes: dict[type, type] = {}
_plain_classes: dict[type, type] = {}


def make_traced(node: Value) -> None:
    """Turn `node` into its class's Traced twin (same slots: a `__class__` change is allowed)."""
    cls = type(node)
    traced = _traced_classes.get(cls)
    if traced is None:
        traced = type(f"Traced{cls.__name__}", (_Traced, cls), {"__slots__": ()})
        _traced_classes[cls] = traced
        _plain_classes[traced] = cls
    node.__class__ = traced


def make_plain(node: Value) -> None:
    """Undo `make_traced`."""
    node.__class__ = _plain_classes[type(node)]


def is_traced(x: object) -> bool:
    return x.__class__ in _plain_classes


def traced_classes() -> Mapping[type, type]:
    """The Traced classes made so far (a live view): `node.__class__ in` it tells a traced node."""
    return _plain_classes


def plain_data(value: Value) -> float:
    """`value.data`, read past any property (what the library's own reads amount to)."""
    data: float = _get_data(value)
    return data


# -- Value.data and Value.grad for the length of a trace ----------------------------------------


class Reader(Protocol):
    """What the properties below report to: the trace in progress (`session.Session`)."""

    thread: int

    def read(self, value: Value, frame: FrameType | None) -> None: ...

    def refuse(self, what: str, frame: FrameType | None) -> None: ...


active: Reader | None = None  # the trace in progress (one at a time)


def watch_reads(session: Reader | None) -> None:
    """Make `Value.data` and `Value.grad` properties reporting to `session` (None: undo)."""
    global active
    active = session
    if session is not None:
        # shadows Node's slot descriptors until undone (setattr: mypy refuses a slot's name)
        setattr(Value, "data", _WATCHED_DATA)  # noqa: B010
        setattr(Value, "grad", _WATCHED_GRAD)  # noqa: B010
    else:
        delattr(Value, "data")
        delattr(Value, "grad")


def _user(frame: FrameType) -> Reader | None:
    """The session to report to, if this read is the user's (not the library's, not another
    thread's)."""
    session = active
    if session is None or _internal(frame.f_code) or threading.get_ident() != session.thread:
        return None
    return session


def _watched_data(self: Value) -> float:
    frame = sys._getframe(1)
    data: float = _get_data(self)
    if _internal_codes.get(frame.f_code) is not True:
        session = _user(frame)
        if session is not None:
            session.read(self, frame)
    return data


def _set_watched_data(self: Value, x: float) -> None:
    frame = sys._getframe(1)
    if _internal_codes.get(frame.f_code) is not True:  # every new node's data is set here
        session = _user(frame)
        if session is not None:
            session.refuse("setting .data while tracing", frame)
    _set_data(self, x)


def _watched_grad(self: Value) -> float:
    frame = sys._getframe(1)
    session = _user(frame)
    if session is not None:  # backward() may have run through traced nodes
        session.refuse("reading .grad while tracing", frame)
    grad: float = _get_grad(self)
    return grad


_WATCHED_DATA = property(_watched_data, _set_watched_data)
_WATCHED_GRAD = property(_watched_grad, _set_grad)
