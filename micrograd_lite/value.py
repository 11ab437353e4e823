"""Value: one float, its gradient, and the local derivatives of the op that made it.

Each op computes its result and, in the same forward step, the local derivative of the result
with respect to each input (the rules in `ops.py`). It stores both in the new node: `inputs` (in
operand order) and `local_grads` (floats, same order). The chain rule then needs no closures:
`input.grad += local * out.grad` (see `backward.py`).

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b
    >>> c.inputs == (a, b), c.local_grads
    (True, (-3.0, 2.0))
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, 2.0)

Memory: a node is one GC-tracked object (slots, no per-node dict, tuple or closure) of 96 bytes
plus its result float. Unary and binary nodes keep their inputs and local derivatives in fixed
slots. A node with many inputs (the fused neuron, `affine`) keeps two tuples of inputs and one
of local derivatives in those slots: its weights (and bias), which a Neuron reuses from call to
call, and its inputs, which all neurons of a Layer share; the local derivatives are floats only,
so the collector stops tracking those. An affine node is thus one tracked object, as any node.
"""

from __future__ import annotations

import contextlib
import dataclasses
import decimal
import functools
import math
import numbers
import sys
from collections.abc import Iterator, Sequence
from operator import mul as _mul
from typing import TypeAlias

from micrograd_lite import backward as _backward
from micrograd_lite.errors import (
    OperandTypeError,
    OpOverflowError,
    ShapeError,
    TraceError,
    ZeroDivisionDomainError,
    describe,
)
from micrograd_lite.ops import ABS as _ABS
from micrograd_lite.ops import (
    ADD,
    AFFINE,
    DIV,
    EXP,
    LOG,
    MUL,
    NEG,
    OPAQUE,
    POW,
    RELU,
    SIGMOID,
    SUB,
    TANH,
    Op,
    pow_const,
)

Number = int | float | numbers.Real | decimal.Decimal
Operand: TypeAlias = "Value | Number"

# Nesting depth of `tracing()`: while positive, a Value refuses to become a bool (see __bool__).
_trace_depth = 0


@contextlib.contextmanager
def tracing() -> Iterator[None]:
    """Mark a region where Values are being traced into a tape: branching on data is refused."""
    global _trace_depth
    _trace_depth += 1
    try:
        yield
    finally:
        _trace_depth -= 1


def as_float(x: object, where: str) -> float:
    """`x` as a float if it is a real number (int, float, Fraction, Decimal, numpy scalar).

    bool is refused although Python counts it as an int: `Value(True)` is almost always a bug.
    """
    if type(x) is float:
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real | decimal.Decimal):
        hint = " (use its .data, or the Value itself as an operand)" if isinstance(x, Value) else ""
        raise OperandTypeError(f"{where}: expected a real number, got {describe(x)}{hint}")
    try:
        return float(x)
    except OverflowError:
        raise OpOverflowError(f"{where}: {describe(x)} is too large for a float") from None


class Value:
    """A scalar in a computation graph: `data`, `grad` (dL/d this, after `backward()`), `label`.

    Construct leaves with `Value(3.0)` (any real number) or `Value(3.0, label="x")`; every
    other node comes from an op. micrograd's signature `Value(data, _children, _op)` is kept.
    """

    # A unary/binary node: _a, _b its inputs (_b None for unary), _da, _db = d(self)/d(_a),
    # d(self)/d(_b), computed in the forward pass. A leaf: _rule None, _a and _b None.
    # A fan node (affine, or micrograd's opaque node): _a None; _b a tuple of inputs (affine:
    # the weights, then the bias); _da a pair (more inputs, d(self)/d(each of _b)) (affine: the
    # xs and their data, + 1.0 for the bias); _db d(self)/d(each of the more inputs) (affine:
    # the weights' data), None for an opaque node. Each tuple is shared where it can be: a
    # Neuron's weights (and, within a step, their data) across calls, a Layer's inputs across
    # its neurons. The annotations give the unary/binary types, which the hot paths use; the
    # fan paths read the tuples through `_fan()`.
    __slots__ = ("data", "grad", "label", "_rule", "_a", "_b", "_da", "_db")  # noqa: RUF023

    data: float
    grad: float
    label: str
    _rule: Op | None
    _a: Value | None
    _b: Value | tuple[Value, ...] | None
    _da: float
    _db: float

    def __init__(
        self,
        data: Number,
        _children: Sequence[Value] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        self.data = data if type(data) is float else as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._rule = None
        self._a = None
        self._b = None
        if _children:  # micrograd's own way of recording a node; kept so its code runs
            children = tuple(_children)
            for child in children:
                if not isinstance(child, Value):
                    raise OperandTypeError(
                        f"Value: _children must be Values, got {describe(child)}"
                    )
            self._b = children
            self._da = ((), ())  # type: ignore[assignment]  # a fan node: see __slots__
            self._db = None  # type: ignore[assignment]  # derivatives unknown
            self._rule = _opaque(_op)

    # -- reading the graph -------------------------------------------------------------------

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order (empty for a leaf)."""
        a, b = self._a, self._b
        if a is not None:
            return (a,) if b is None else (a, b)  # type: ignore[return-value]
        if b is None:
            return ()
        first, second, _, _ = _fan(self)
        n = len(second)
        if len(first) == n:
            return first + second
        return first[:n] + second + first[n:]  # affine: (w..., x..., bias)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(input) for each of `inputs`, as floats computed in the forward pass."""
        a, b = self._a, self._b
        if a is not None:
            return (self._da,) if b is None else (self._da, self._db)
        if b is None:
            return ()
        first, second, local1, local2 = _fan(self)
        if local2 is None:
            raise _backward.opaque_node_error(self)
        n = len(second)
        if len(first) == n:
            return local1 + local2
        return local1[:n] + local2 + local1[n:]  # (x..., w..., 1.0), as inputs

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

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    # -- backpropagation ---------------------------------------------------------------------

    def backward(self) -> None:
        """Fill `.grad` of every node this one depends on with d(self)/d(node).

        Interior gradients are recomputed from zero on each call; leaf gradients accumulate
        across calls until zeroed (PyTorch's rule). So a second call adds exactly one more
        gradient to each leaf instead of re-sending stale interior ones (micrograd's issue #53).
        """
        _backward.backward(self)

    # -- the ops -----------------------------------------------------------------------------
    # Hot ops build their node inline; tests/test_ops.py proves each equals its table entry.

    def __add__(self, other: Operand) -> Value:
        """a + b.  d(a+b)/da = 1, d(a+b)/db = 1."""
        if type(other) is not Value:
            other = _lift(other, ADD)
        out = _new(Value)  # built inline, not via _node(): the hottest ops skip a call
        out.data = self.data + other.data
        out.grad = 0.0
        out.label = ""
        out._rule = ADD
        out._a = self
        out._b = other
        out._da = 1.0
        out._db = 1.0
        return out

    def __radd__(self, other: Operand) -> Value:
        """other + self (so `sum(values)` works: it starts from 0)."""
        return _lift(other, ADD) + self

    def __sub__(self, other: Operand) -> Value:
        """a - b.  d(a-b)/da = 1, d(a-b)/db = -1."""
        if type(other) is not Value:
            other = _lift(other, SUB)
        return _node(self.data - other.data, SUB, self, other, 1.0, -1.0)

    def __rsub__(self, other: Operand) -> Value:
        return _lift(other, SUB) - self

    def __mul__(self, other: Operand) -> Value:
        """a * b.  d(a*b)/da = b, d(a*b)/db = a."""
        if type(other) is not Value:
            other = _lift(other, MUL)
        out = _new(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.label = ""
        out._rule = MUL
        out._a = self
        out._b = other
        out._da = other.data
        out._db = self.data
        return out

    def __rmul__(self, other: Operand) -> Value:
        return _lift(other, MUL) * self

    def __truediv__(self, other: Operand) -> Value:
        """a / b.  d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 (computed as -out/b)."""
        if type(other) is not Value:
            other = _lift(other, DIV)
        a, b = self.data, other.data
        try:
            out = a / b
        except ZeroDivisionError:
            raise ZeroDivisionDomainError(
                f"/: division by zero: {self!r} / {other!r} (the divisor's data is 0)"
            ) from None
        return _node(out, DIV, self, other, 1.0 / b, -out / b)

    def __rtruediv__(self, other: Operand) -> Value:
        return _lift(other, DIV) / self

    def __neg__(self) -> Value:
        """-a.  d(-a)/da = -1."""
        return _node(-self.data, NEG, self, None, -1.0, 0.0)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        """a ** n for a number n (node `**n`, one input), or a ** b for a Value b (two inputs).

        d(a^n)/da = n*a^(n-1); d(a^b)/db = a^b*ln(a).
        """
        if isinstance(other, Value):
            return apply(POW, self, other)
        return apply(pow_const(as_float(other, "**: exponent")), self)

    def __rpow__(self, other: Operand) -> Value:
        return apply(POW, _lift(other, POW), self)

    def relu(self) -> Value:
        """max(0, a).  d relu(a)/da = 1 if a > 0 else 0 (0 at the kink, as the articles use)."""
        a = self.data
        out = 0.0 if a < 0.0 else a  # micrograd's form: NaN and -0.0 pass through unchanged
        return _node(out, RELU, self, None, 1.0 if out > 0.0 else 0.0, 0.0)

    def tanh(self) -> Value:
        """tanh(a).  d tanh(a)/da = 1 - tanh(a)^2."""
        out = math.tanh(self.data)
        return _node(out, TANH, self, None, 1.0 - out * out, 0.0)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-a).  d sigmoid(a)/da = sigmoid(a) * (1 - sigmoid(a))."""
        return apply(SIGMOID, self)

    def exp(self) -> Value:
        """e^a.  d e^a/da = e^a.  OverflowError past a ~ 709.78."""
        return apply(EXP, self)

    def log(self) -> Value:
        """Natural logarithm, for a > 0.  d ln(a)/da = 1/a.

        >>> round(Value(2.0).log().data, 6)
        0.693147
        """
        return apply(LOG, self)

    def abs(self) -> Value:
        """|a|.  d|a|/da = sign(a), 0 at the kink a = 0."""
        return apply(_ABS, self)

    __abs__ = abs

    @staticmethod
    def affine(
        weights: Sequence[Value], xs: Sequence[Value | Number], bias: Value | None = None
    ) -> Value:
        """One node for `bias + w_1*x_1 + ... + w_n*x_n`, summed left to right from the bias.

        Gives the same floats as micrograd's `sum((wi*xi for ...), b)` with 2n binary nodes:
        d/dw_i = x_i, d/dx_i = w_i, d/db = 1. Its inputs are (w_1..w_n, x_1..x_n[, b]).
        """
        if len(weights) != len(xs):
            raise ShapeError(f"affine: {len(weights)} weights but {len(xs)} inputs")
        xv = tuple([x if type(x) is Value else _lift(x, AFFINE) for x in xs])
        ws = tuple(weights)
        wsb = ws if bias is None else (*ws, bias)
        wd = tuple([w.data for w in ws])
        return affine_node(ws, wsb, xv, tuple([x.data for x in xv]), wd)

    # -- comparisons and truth (plain bools of `data`; refused while tracing) -----------------

    def __bool__(self) -> bool:
        _refuse_branch_while_tracing(self, "bool()")
        return self.data != 0.0

    def __lt__(self, other: Operand) -> bool:
        _refuse_branch_while_tracing(self, "<")
        return self.data < _data(other, "<")

    def __le__(self, other: Operand) -> bool:
        _refuse_branch_while_tracing(self, "<=")
        return self.data <= _data(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        _refuse_branch_while_tracing(self, ">")
        return self.data > _data(other, ">")

    def __ge__(self, other: Operand) -> bool:
        _refuse_branch_while_tracing(self, ">=")
        return self.data >= _data(other, ">=")

    # `==` stays identity (as micrograd): Values must stay hashable for sets and dicts.
    __hash__ = object.__hash__


_new = object.__new__
_init = Value.__init__

# The methods that make nodes, so `detect_anomaly()` can wrap each one while it is active.
NODE_MAKERS = (
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__neg__",
    "__pow__",
    "__rpow__",
    "relu",
    "tanh",
    "sigmoid",
    "exp",
    "log",
    "abs",
    "__abs__",
    "affine",
)


def _node(data: float, rule: Op, a: Value, b: Value | None, da: float, db: float) -> Value:
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._rule = rule
    out._a = a
    out._b = b
    out._da = da
    out._db = db
    return out


# Python < 3.12 sums floats left to right with one rounding per step, as `+=` in a loop does;
# 3.12's sum() compensates (fewer roundings: other bits), so there the loop is spelt out.
if sys.version_info < (3, 12):
    _plain_sum = sum
else:  # pragma: no cover - exercised on 3.12+

    def _plain_sum(terms: Iterator[float], start: float) -> float:
        total = start
        for term in terms:
            total += term
        return total


def affine_node(
    ws: tuple[Value, ...],
    wsb: tuple[Value, ...],
    xs: tuple[Value, ...],
    xd: tuple[float, ...],
    wd: tuple[float, ...],
) -> Value:
    """The node `Value.affine(ws, xs, bias)` makes, from tuples: weights `ws`; `wsb` = ws, then
    the bias if any; inputs `xs` and their data `xd`; the weights' data `wd`."""
    return affine_nodes([(ws, wsb, wd, False)], xs, xd)[0]


def affine_nodes(
    rows: Sequence[tuple[tuple[Value, ...], tuple[Value, ...], tuple[float, ...], bool]],
    xs: tuple[Value, ...],
    xd: tuple[float, ...],
) -> list[Value]:
    """One affine node per row `(ws, wsb, wd, relu)`, all on the inputs `xs` (data `xd`), as
    `Value.affine(ws, xs, bias)` makes it (`wsb` = ws, then the bias if any; `wd` = the
    weights' data), followed by the node `.relu()` makes of it when `relu` is set.

    What `nn.Layer` runs: its neurons share one tuple of inputs and of their data, and each
    reuses its weight tuples from call to call, so a neuron adds two GC-tracked objects (the
    affine and relu nodes). tests/test_perf_invariants.py proves the nodes equal the methods'.
    """
    plain = (xs, xd)  # the inputs, and d/dw_i = x_i
    biased = (xs, (*xd, 1.0))  # ..., and d/db = 1
    xset = set(xs)  # to spot a bias that is also an input (Values hash by identity)
    out: list[Value] = []
    append = out.append
    for ws, wsb, wd, relu in rows:
        node = _new(Value)
        node.grad = 0.0
        node.label = ""
        node._rule = AFFINE
        node._a = None
        node._db = wd  # type: ignore[assignment]  # a fan node: see Value.__slots__
        if wsb is ws:  # no bias: inputs (w..., x...)
            node.data = total = _plain_sum(map(_mul, wd, xd), 0.0)
            node._b = ws
            node._da = plain  # type: ignore[assignment]
        else:
            bias = wsb[-1]
            node.data = total = _plain_sum(map(_mul, wd, xd), bias.data)
            if bias not in xset:  # stored as (w..., bias), (x...): `inputs` reorders them
                node._b = wsb
                node._da = biased  # type: ignore[assignment]
            else:  # the bias is also an x: keep (w..., x..., b), the order backward() adds in
                node._b = (*ws, *xs, bias)
                node._da = ((), (*xd, *wd, 1.0))  # type: ignore[assignment]
                node._db = ()  # type: ignore[assignment]
        if not relu:
            append(node)
            continue
        act = _new(Value)  # as Value.relu
        act.data = a = 0.0 if total < 0.0 else total
        act.grad = 0.0
        act.label = ""
        act._rule = RELU
        act._a = node
        act._b = None
        act._da = 1.0 if a > 0.0 else 0.0
        act._db = 0.0
        append(act)
    return out


def _fan(
    node: Value,
) -> tuple[tuple[Value, ...], tuple[Value, ...], tuple[float, ...], tuple[float, ...] | None]:
    """A fan node's inputs `_b`, more inputs, and their local derivatives (`Value.__slots__`)."""
    pair: tuple[tuple[Value, ...], tuple[float, ...]] = node._da  # type: ignore[assignment]
    return node._b, pair[0], pair[1], node._db  # type: ignore[return-value]


def _opaque(name: str) -> Op:
    """The rule of a node built with `Value(data, _children, _op)`: OPAQUE, named `_op`."""
    if type(name) is str:
        return _opaque_named(name)
    return dataclasses.replace(OPAQUE, name=name)  # whatever micrograd code passed, kept


@functools.lru_cache(maxsize=256)
def _opaque_named(name: str) -> Op:
    return dataclasses.replace(OPAQUE, name=name)


def _lift(x: object, op: Op) -> Value:
    """An operand as a Value: a Value as is, a real number as a new leaf, anything else refused."""
    if type(x) is float and Value.__init__ is _init:  # the common case: Value(x), inline
        leaf = _new(Value)  # (unless detect_anomaly() has wrapped __init__ to check data)
        leaf.data = x
        leaf.grad = 0.0
        leaf.label = ""
        leaf._rule = None
        leaf._a = None
        leaf._b = None
        return leaf
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real | decimal.Decimal):
        raise OperandTypeError(
            f"{op.name}: operand must be a Value or a real number, got {describe(x)}"
        )
    return Value(as_float(x, op.name))


def _data(x: object, where: str) -> float:
    return x.data if isinstance(x, Value) else as_float(x, where)


def _refuse_branch_while_tracing(v: Value, what: str) -> None:
    if _trace_depth:  # a tape records ops, not branches: refuse now rather than replay wrong later
        raise TraceError(
            f"{what} on {v!r} while tracing: the compiled function would bake in this branch. "
            "Express the choice with an op (relu, abs, ...) or run the function eagerly."
        )


def apply(op: Op, *inputs: Value) -> Value:
    """Run one table op on Values: check its domain, compute `out` and its local derivatives."""
    xs = [v.data for v in inputs]
    op.check_fn(*xs)
    try:
        out = op.forward_fn(*xs)
    except OverflowError:
        shown = ", ".join(repr(v) for v in inputs)
        raise OpOverflowError(
            f"{op.name}: the result of {op.forward} overflows a float; got {shown}"
        ) from None
    local = op.local_fn(*xs, out)
    if op.arity == 1:
        return _node(out, op, inputs[0], None, local[0], 0.0)
    return _node(out, op, inputs[0], inputs[1], local[0], local[1])
