"""micrograd's own way of adding an op: `Value(data, _children, _op)` and a `_backward` you write.

    out = Value(math.sin(x.data), (x,), "sin")
    def _backward():
        x.grad += math.cos(x.data) * out.grad
    out._backward = _backward

`backward()` calls such a node's `_backward` in its place in the order, as micrograd does. Its
local derivatives are not recorded, but they can be read off the closure: with the node's grad
set to 1 and its inputs' to 0, what `_backward` adds to each input is d out/d input
(`local_grads` does that, leaving every grad as it was), so render, explain and gradcheck see
it as an opaque op with known slopes. A node with no `_backward` cannot be passed by the chain
rule; `backward()` says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lite.backward import opaque_node_error
from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.ops import table
from micrograd_lite.value import Number, Value, as_float, creation_hook


class Custom(Value):
    """A node made by `Value(data, _children, _op)`: its inputs, its op's name, and the
    `_backward` the user assigns (an attribute, as anything else the user sets on it)."""

    __slots__ = ("__dict__",)

    _children: tuple[Value, ...]

    def __init__(
        self, data: Number, _children: Sequence[Value] = (), _op: str = "", label: str = ""
    ) -> None:
        children = tuple(_children)
        for child in children:
            if not isinstance(child, Value):
                raise OperandTypeError(f"Value: _children must be Values, got {describe(child)}")
        self.data = data if type(data) is float else as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._rule = table.opaque(_op)  # not a leaf: set before the hook sees the node
        self._a = self._b = None
        self._children = children
        hook = creation_hook()
        if hook is not None:
            hook(self)

    @property
    def inputs(self) -> tuple[Value, ...]:
        return self._children

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self/d input for each input, read off the user's `_backward` (module docstring)."""
        backward = self.__dict__.get("_backward")
        if backward is None:
            raise opaque_node_error(self)
        saved = [(c, c.grad) for c in self._children]
        own = self.grad
        try:
            for c in self._children:
                c.grad = 0.0
            self.grad = 1.0
            backward()
            found: dict[int, float] = {}
            for c in self._children:  # an input used twice gets its whole slope once
                found.setdefault(id(c), c.grad)
            seen: set[int] = set()
            slopes = []
            for c in self._children:
                slopes.append(found[id(c)] if id(c) not in seen else 0.0)
                seen.add(id(c))
            return tuple(slopes)
        finally:
            self.grad = own
            for c, g in saved:
                c.grad = g

    def send_grads(self) -> None:
        """The user's `_backward`, as micrograd calls it (an error without one)."""
        backward = self.__dict__.get("_backward")
        if backward is None:
            raise opaque_node_error(self)
        backward()
