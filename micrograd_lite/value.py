"""Value: one float, its gradient, and the local derivatives of the op that made it.

Each op computes its result and, in the same step, the local derivative of the result with
respect to each input (the op table's rules, `ops/table.py`); the node keeps both (`node.py`).
The chain rule then needs no closures: `input.grad += local * out.grad` (`backward.py`).
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b
    >>> c.inputs == (a, b), c.local_grads
    (True, (-3.0, 2.0))
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, 2.0)

Every new node, whoever made it, passes one creation hook (`set_creation_hook`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

from micrograd_lite import backward as _backward
from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.node import Node, as_float
from micrograd_lite.operands import Number, is_number
from micrograd_lite.ops import Op, table
from micrograd_lite.ops.table import ADD, DIV, MUL, NEG, POW, RELU, SUB, TANH, pow_const

__all__ = ["Number", "Operand", "Value", "apply", "as_float", "creation_hook", "lift", "record"]
__all__ += ["Leaf", "set_creation_hook"]

Operand: TypeAlias = "Value | Number"


class Value(Node):
    """A scalar in a graph: `data`, `grad` (dL/d this, after `backward()`), `label`. Leaves:
    `Value(3.0, label="x")`; every other node comes from an op."""

    __slots__ = ()  # the slots are Node's: data, grad, label, _rule, _a, _b, _da, _db

    def __new__(
        cls, data: Number = 0.0, _children: Sequence[Value] = (), _op: str = "", label: str = ""
    ) -> Value:
        """`Value(3.0)` is a `Leaf`, which takes attributes as micrograd's do (optimizer state,
        colours); `Value(data, _children, _op)` a hand-made node (custom.py). Op nodes: 96 B."""
        if cls is not Value:
            return object.__new__(cls)  # a subclass of the user's: as they declared it
        if not _children:
            return object.__new__(Leaf)
        from micrograd_lite.custom import Custom  # a Value subclass, built on this one

        return object.__new__(Custom)

    def __init__(
        self, data: Number, _children: Sequence[Value] = (), _op: str = "", label: str = ""
    ) -> None:
        self.data = data if type(data) is float else as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._rule = None
        self._a = None
        self._b = None
        if _on_create is not None:
            _on_create(self)

    # -- the ops, each with its local derivatives -----------------------------------------------
    # + and * build their node inline (the hottest ops skip a call); the others go through
    # `record` or the table's generic `apply`. tests/test_ops.py proves each equals its entry.

    def __add__(self, other: Operand) -> Value:
        """a + b.  d(a+b)/da = 1, d(a+b)/db = 1."""
        if type(other) is not Value and type(other) is not Leaf:
            other = lift(other, ADD)
        out = _new(Value)
        out.data = self.data + other.data
        out.grad = 0.0
        out.label = ""
        out._rule = ADD
        out._a = self
        out._b = other
        out._da = 1.0
        out._db = 1.0
        if _on_create is not None:
            _on_create(out)
        return out

    def __mul__(self, other: Operand) -> Value:
        """a * b.  d(a*b)/da = b, d(a*b)/db = a."""
        if type(other) is not Value and type(other) is not Leaf:
            other = lift(other, MUL)
        out = _new(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.label = ""
        out._rule = MUL
        out._a = self
        out._b = other
        out._da = other.data
        out._db = self.data
        if _on_create is not None:
            _on_create(out)
        return out

    def __pow__(self, other: Operand) -> Value:
        """a ** n for a number n (node `**n`, one input), or a ** b for a Value b (two inputs).

        d(a^n)/da = n*a^(n-1); d(a^b)/db = a^b*ln(a).
        """
        if isinstance(other, Value):
            return apply(POW, self, other)
        return apply(pow_const(as_float(other, "**: exponent")), self)

    def relu(self) -> Value:
        """max(0, a).  d relu(a)/da = 1 if a > 0 else 0 (0 at the kink, as the articles use)."""
        a = self.data
        out = 0.0 if a < 0.0 else a  # micrograd's form: NaN and -0.0 pass through unchanged
        return record(out, RELU, self, None, 1.0 if out > 0.0 else 0.0, 0.0)

    def tanh(self) -> Value:
        """tanh(a).  d tanh(a)/da = 1 - tanh(a)^2."""
        out = _tanh(self.data)
        return record(out, TANH, self, None, 1.0 - out * out, 0.0)

    def __sub__(self, other: Operand) -> Value:
        """a - b.  d(a-b)/da = 1, d(a-b)/db = -1."""
        if type(other) is not Value and type(other) is not Leaf:
            other = lift(other, SUB)
        return record(self.data - other.data, SUB, self, other, 1.0, -1.0)

    def __neg__(self) -> Value:
        """-a.  d(-a)/da = -1."""
        return record(-self.data, NEG, self, None, -1.0, 0.0)

    def __truediv__(self, other: Operand) -> Value:
        """a / b.  d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 (as -out/b).  b = 0 raises."""
        if type(other) is not Value and type(other) is not Leaf:
            other = lift(other, DIV)
        b = other.data
        if b == 0.0:
            DIV.check(self.data, b)  # the table's ZeroDivisionError and message
        out = self.data / b
        return record(out, DIV, self, other, 1.0 / b, -out / b)

    # the table's one-input functions, by their expression names (ops/table.py has the math)
    def exp(self) -> Value:
        """e^a.  d e^a/da = e^a.  OverflowError past a ~ 709.78."""
        return apply(table.EXP, self)

    def log(self) -> Value:
        """ln(a), for a > 0.  d ln(a)/da = 1/a."""
        return apply(table.LOG, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-a).  d sigmoid(a)/da = sigmoid(a) * (1 - sigmoid(a))."""
        return apply(table.SIGMOID, self)

    def softplus(self) -> Value:
        """ln(1 + e^a), exactly and without overflow.  d softplus(a)/da = sigmoid(a)."""
        return apply(table.SOFTPLUS, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """a if a >= 0 else slope * a.  d/da = 1 if a > 0 else slope (slope at 0, as PyTorch)."""
        return apply(table.LEAKY_RELU.bind(slope), self)

    def sqrt(self) -> Value:
        """sqrt(a), for a >= 0.  d sqrt(a)/da = 1 / (2 sqrt(a)): inf at 0, not an error."""
        return apply(table.SQRT, self)

    def sin(self) -> Value:
        """sin(a).  d sin(a)/da = cos(a)."""
        return apply(table.SIN, self)

    def cos(self) -> Value:
        """cos(a).  d cos(a)/da = -sin(a)."""
        return apply(table.COS, self)

    def abs(self) -> Value:
        """|a|.  d|a|/da = sign(a), 0 at the kink a = 0."""
        return apply(table.ABS, self)

    __abs__ = abs

    @staticmethod
    def affine(
        weights: Sequence[Value], xs: Sequence[Value | Number], bias: Value | None = None
    ) -> Value:
        """One node for `bias + w_1*x_1 + ... + w_n*x_n`, summed left to right from the bias:
        the fused neuron (`fused.py`).  d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
        from micrograd_lite.fused import affine  # its node type is built on this one

        return affine(weights, xs, bias)

    # the same ops with the number on the left: 2 * x, 1 - x, 2 ** x (operand order is kept)
    def __radd__(self, other: Operand) -> Value:
        return lift(other, ADD) + self  # `sum(values)` starts from 0

    def __rsub__(self, other: Operand) -> Value:
        return lift(other, SUB) - self

    def __rmul__(self, other: Operand) -> Value:
        return lift(other, MUL) * self

    def __rtruediv__(self, other: Operand) -> Value:
        return lift(other, DIV) / self

    def __rpow__(self, other: Operand) -> Value:
        return apply(POW, lift(other, POW), self)

    def __pos__(self) -> Value:  # +x is x, no node
        return self

    # -- backpropagation -----------------------------------------------------------------------

    def backward(self, *, create_graph: bool = False) -> None:
        """Fill `.grad` of every node this one depends on with d(self)/d(node): interior grads
        afresh, leaf grads accumulated (backward.py); `create_graph=True` also keeps each leaf's
        gradient as a Value, `leaf.grad_value` (higher.py)."""
        if not create_graph:
            return _backward.backward(self)
        from micrograd_lite.higher import backward_with_graph  # above this module: lazy

        backward_with_graph(self)


class Leaf(Value):
    """A Value made by the constructor: it takes attributes (`p.m = 0.0`, `p._vis_color`)."""

    __slots__ = ("__dict__",)
    grad_value: Value  # set by backward(create_graph=True): the gradient as a graph (higher.py)


_new, _tanh = object.__new__, TANH.forward_fn

_on_create: Callable[[Value], None] | None = None  # given every new node: detect_anomaly()'s way in


def set_creation_hook(hook: Callable[[Value], None] | None) -> Callable[[Value], None] | None:
    """Have `hook(node)` called on every new Value (None: no hook); returns the previous one."""
    global _on_create
    previous, _on_create = _on_create, hook
    return previous


def creation_hook() -> Callable[[Value], None] | None:
    """The hook every new Value is passed to, if any (fused.py calls it too)."""
    return _on_create  # read at each call: set_creation_hook may have replaced it


def record(data: float, rule: Op, a: Value, b: Value | None, da: float, db: float) -> Value:
    """The one place (with + and * inline) where an op's node is made."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._rule = rule
    out._a = a
    out._b = b
    out._da = da
    out._db = db
    if _on_create is not None:
        _on_create(out)
    return out


def apply(op: Op, *inputs: Value) -> Value:
    """Run one table op on Values: check its domain, compute `out` and its local derivatives."""
    xs = [v.data for v in inputs]
    if op.checks:
        op.check(*xs)
    try:
        out = op.forward_fn(*xs)
    except ValueError:  # sin(inf): no domain check failed, so IEEE's answer (nan), not an error
        out = op.forward_in("ieee")(*xs)
    except OverflowError:
        raise op.overflow_error(xs) from None
    try:
        local = op.local_plain(*xs, out)
    except (ArithmeticError, ValueError):  # sqrt's slope at 0: IEEE's inf, not an error
        local = op.local_fn(*xs, out)
    if op.arity == 1:
        return record(out, op, inputs[0], None, local[0], 0.0)
    return record(out, op, inputs[0], inputs[1], local[0], local[1])


def lift(x: object, op: Op) -> Value:
    """An operand as a Value: a Value as is, a real number as a new leaf, anything else refused."""
    if type(x) is float:  # the common case: Value(x), inline
        leaf = _new(Value)
        leaf.data = x
        leaf.grad = 0.0
        leaf.label = ""
        leaf._rule = leaf._a = leaf._b = None
        if _on_create is not None:
            _on_create(leaf)
        return leaf
    if isinstance(x, Value):
        return x
    if not is_number(x):
        raise OperandTypeError(f"{op.name}: operand must be a Value or a number, got {describe(x)}")
    return Value(as_float(x, op.name))
