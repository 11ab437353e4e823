"""session: one trace in progress: the nodes it made, the traced ones, what it read outside.

`Session.start` marks the arguments traced and hooks node creation (chaining the hook it finds,
as `anomaly` does), branches (`tracing.set_branch_policy`) and reads of `Value.data`
(`traced.watch_reads`); `end` undoes all of it, whatever the function did. See `traced` for
the three kinds of Value a trace meets and what each may do.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import NamedTuple

from micrograd_lite import tracing
from micrograd_lite.compile import traced
from micrograd_lite.compile.traced import is_traced, same_bits, user_site
from micrograd_lite.errors import TraceError
from micrograd_lite.value import Value, set_creation_hook


class Watch(NamedTuple):
    """A captured Value whose data the user's code read while tracing: `data` then, and where."""

    value: Value
    data: float
    site: str


class Session:
    """One trace (see the module docstring)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.thread = threading.get_ident()
        self.made: dict[Value, None] = {}  # every node made by the trace, in creation order
        self.traced: list[Value] = []  # nodes made Traced, made plain again by `end`
        self.watches: dict[Value, Watch] = {}  # captured Values whose data the code read
        self.used: dict[Value, float] = {}  # captured Values ops read: data at first use
        self.refusal: TraceError | None = None
        self._hook: Callable[[Value], None] | None = None
        self._policy: tracing.BranchPolicy | None = None
        self._traced_classes = traced.traced_classes()  # kept up to date as classes are made

    def start(self, args: list[Value]) -> None:
        if traced.active is not None:
            raise TraceError("called while another function is being traced")
        for arg in args:
            self.made[arg] = None
            self._make_traced(arg)
        self._hook = set_creation_hook(self._on_create)
        self._policy = tracing.set_branch_policy(self._on_branch)
        traced.watch_reads(self)

    def end(self) -> None:
        """Undo `start`: the previous hook and policy, plain `Value.data`, plain classes."""
        traced.watch_reads(None)
        set_creation_hook(self._hook)
        tracing.set_branch_policy(self._policy)
        for node in self.traced:
            traced.make_plain(node)

    def verify(self) -> None:
        """After `end`: a refusal the function swallowed still fails the trace, and so does a
        captured Value that changed while it ran (a side effect a replay cannot repeat)."""
        if self.refusal is not None:
            raise self.refusal
        firsts = [(v, w.data) for v, w in self.watches.items()] + list(self.used.items())
        for value, data in firsts:
            if not same_bits(value.data, data):
                raise TraceError(
                    f"{captured_name(value)} changed while the function was traced (from "
                    f"{data!r} to {value.data!r}): a compiled function cannot repeat that"
                )

    # -- what the hooks report -----------------------------------------------------------------

    def _on_create(self, node: Value) -> None:
        if self._hook is not None:
            self._hook(node)
        if threading.get_ident() != self.thread:
            return
        made = self.made
        made[node] = None
        if type(node) is Value:
            a = node._a
            if a is None:
                return  # a leaf made during the trace: a constant
            b = node._b
            inputs: tuple[Value, ...] = (a,) if b is None else (a, b)
        else:
            inputs = node.inputs
        depends = False
        traced_classes = self._traced_classes
        for p in inputs:
            if p.__class__ in traced_classes:
                depends = True
            elif p not in made and p not in self.used:
                self.used[p] = traced.plain_data(p)  # captured: the compiled function reads it live
        if depends:
            self._make_traced(node)

    def _make_traced(self, node: Value) -> None:
        traced.make_traced(node)
        self.traced.append(node)

    def _on_branch(self, value: object, what: str, other: object) -> None:
        if threading.get_ident() != self.thread:
            return  # another thread's Values: not this trace's business
        frame = sys._getframe(1)
        for v in (value, other):
            if is_traced(v):
                self.refuse(f"{what} on a traced Value", frame)
        for v in (value, other):
            if isinstance(v, Value):
                self.read(v, frame)

    def read(self, value: Value, frame: FrameType | None) -> None:
        """The user's code read `value`'s data: remember the captured Values it comes from."""
        made = self.made
        stack = [value]
        seen: set[Value] = set()
        while stack:
            v = stack.pop()
            if v not in made:  # captured: the trace now depends on its data
                if v not in self.watches:
                    self.watches[v] = Watch(v, traced.plain_data(v), user_site(frame))
            elif v not in seen:  # made by the trace from captured Values and constants
                seen.add(v)
                stack.extend(v.inputs)

    def refuse(self, what: str, frame: FrameType | None) -> None:
        error = TraceError(
            f"{what} at {user_site(frame)}: a traced Value depends on an argument, so the "
            "compiled function would bake in the number seen while tracing. Use the Value as "
            "an operand (a choice as an op: relu, abs, ...), or run the function eagerly"
        )
        if self.refusal is None:
            self.refusal = error
        raise error


def captured_name(value: Value) -> str:
    label = value.label
    return f"the captured Value {label!r}" if label else f"a captured Value ({value!r})"


def captured_check(watches: tuple[Watch, ...], where: str) -> Callable[[], None]:
    """What a compiled function calls first: raises TraceError if a watched Value changed."""

    def check_captured() -> None:
        for value, data, site in watches:
            now = value.data
            if not same_bits(now, data):
                raise TraceError(
                    f"{captured_name(value)} changed since {where} (its data was {data!r} and "
                    f"is now {now!r}; the trace read it at {site}): pass it as an argument or "
                    "compile again"
                )

    return check_captured
