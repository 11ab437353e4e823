"""micrograd's own way of adding an op: `Value(data, _children, _op)` records a node by hand.

Such a node knows its inputs but not their local derivatives (micrograd keeps them in a
`_backward` closure the user writes), so `backward()` cannot pass through it and says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lite.backward import opaque_node_error
from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.ops import table
from micrograd_lite.value import Value


class Opaque(Value):
    """A node made by micrograd's `Value(data, _children, _op)`: inputs known, local
    derivatives not, so `backward()` cannot pass it (and says so). Value's layout (the
    constructor turns itself into one), its inputs a tuple in `_b`, `_a` None."""

    __slots__ = ()

    @staticmethod
    def adopt(node: Value, children: Sequence[Value], name: object) -> None:
        for child in children:
            if not isinstance(child, Value):
                raise OperandTypeError(f"Value: _children must be Values, got {describe(child)}")
        node.__class__ = Opaque
        node._b = tuple(children)  # type: ignore[assignment]  # see the class docstring
        node._rule = table.opaque(name)

    @property
    def inputs(self) -> tuple[Value, ...]:
        children: tuple[Value, ...] = self._b  # type: ignore[assignment]
        return children

    @property
    def local_grads(self) -> tuple[float, ...]:
        raise opaque_node_error(self)
