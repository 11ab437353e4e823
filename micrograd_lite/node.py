"""What a node of the graph stores, and how to read it: the storage half of `Value`.

A node holds its result `data`, its gradient `grad`, a `label`, the table entry `_rule` of the
op that made it (None for a leaf), its inputs `_a`, `_b` (`_b` None for one input) and the
local derivatives `_da`, `_db` = d(node)/d(_a), d(node)/d(_b), floats computed in the forward
pass. `Value` (value.py) adds the ops and `backward()`; nodes with many inputs (the fused
neuron, micrograd-style custom nodes) are their own subclasses and override `inputs` and
`local_grads`. Comparisons and truth read `data`, as micrograd's do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from micrograd_lite.operands import as_float as _as_float
from micrograd_lite.ops import Op
from micrograd_lite.tracing import refuse_branch

if TYPE_CHECKING:
    from micrograd_lite.value import Value


class Node:
    """The slots of a Value and the ways to read them (see the module docstring)."""

    __slots__ = ("data", "grad", "label", "_rule", "_a", "_b", "_da", "_db")  # noqa: RUF023

    data: float
    grad: float
    label: str
    _rule: Op | None
    _a: Value | None
    _b: Value | None
    _da: float
    _db: float

    # -- reading the graph ---------------------------------------------------------------------

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in operand order (empty for a leaf)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        return (a,) if b is None else (a, b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(input) for each of `inputs`, as floats computed in the forward pass."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def rule(self) -> Op | None:
        """The table entry (`ops.Op`) of the op that made this node; None for a leaf."""
        return self._rule

    @property
    def op(self) -> str:
        """The name of the op that made this node: '+', '*', 'ReLU', '**2', ... ('' for a leaf)."""
        rule = self._rule
        return "" if rule is None else rule.name

    @property
    def _op(self) -> str:  # micrograd's name for `op`
        return self.op

    @property
    def _prev(self) -> set[Value]:  # micrograd's (unordered) inputs
        return set(self.inputs)

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the constructor rather than by an op."""
        return self._rule is None

    def input_groups(self) -> tuple[tuple[Value, ...], ...]:
        """`inputs` as the tuples this node shares with others (the fused neuron's weights, a
        Layer's inputs), so a walk can skip a tuple it has already cleared."""
        return (self.inputs,)

    def send_grads(self) -> None:
        """This node's step of the chain rule: `input.grad += local * self.grad` for each
        input, in operand order (nothing for a leaf). `backward()` is this, for every node
        from the root down; `_backward()`, micrograd's name, is this one step."""
        g = self.grad
        for parent, local in zip(self.inputs, self.local_grads, strict=True):
            parent.grad += local * g

    def _backward(self) -> None:
        """micrograd's one step of backprop, as the lecture calls it node by node
        (`o.grad = 1.0; o._backward(); n._backward(); ...`): `send_grads()`."""
        self.send_grads()

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    # -- conversions: read `data` (a traced Value refuses them: compile/traced.py) --------------

    def __float__(self) -> float:
        """`data`, so `float(v)` and `math.isfinite(v)` read the number."""
        return self.data

    def __format__(self, spec: str) -> str:
        """`format(v, ".3f")` formats `data`; an empty spec (`f"{v}"`) stays the repr."""
        return format(self.data, spec) if spec else str(self)

    # -- comparisons and truth: plain bools of `data`, refused while tracing ---------------------

    def __bool__(self) -> bool:
        refuse_branch(self, "bool()")
        return self.data != 0.0

    def __lt__(self, other: object) -> bool:
        refuse_branch(self, "<", other)
        return self.data < _data(other, "<")

    def __le__(self, other: object) -> bool:
        refuse_branch(self, "<=", other)
        return self.data <= _data(other, "<=")

    def __gt__(self, other: object) -> bool:
        refuse_branch(self, ">", other)
        return self.data > _data(other, ">")

    def __ge__(self, other: object) -> bool:
        refuse_branch(self, ">=", other)
        return self.data >= _data(other, ">=")

    # `==` stays identity (as micrograd): Values must stay hashable for sets and dicts.
    __hash__ = object.__hash__


def as_float(x: object, where: str) -> float:
    """`x` as a float if it is a real number (see `operands.as_float`)."""
    if type(x) is float:
        return x
    hint = " (use its .data, or the Value itself as an operand)" if isinstance(x, Node) else ""
    return _as_float(x, where, hint)


def _data(x: object, where: str) -> float:
    return x.data if isinstance(x, Node) else as_float(x, where)
