"""The fused neuron: one node for `b + w_1*x_1 + ... + w_n*x_n`, and how a Layer reuses it.

micrograd builds a neuron's sum from 2n binary nodes; `Affine` is one node with the same
floats (summed left to right from the bias, one rounding per step, as micrograd's
`sum(..., self.b)`) and the local derivatives d/dw_i = x_i, d/dx_i = w_i, d/db = 1. It is a
Value of its own type: its inputs are (w_1..w_n, x_1..x_n[, b]) and its local derivatives
(x_1..x_n, w_1..w_n[, 1]), kept as tuples that nodes share: a Neuron's weights (and, while
they hold, their data) from call to call, a Layer's inputs among its neurons. So a neuron adds
one GC-tracked object per call (two with its relu), and `Layer` builds them in one pass (`Plan`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from operator import is_, mul
from typing import Protocol

from micrograd_lite.errors import ShapeError
from micrograd_lite.ops.table import AFFINE, RELU
from micrograd_lite.value import Number, Value, creation_hook, lift, record

# Python < 3.12 sums floats left to right with one rounding per step, as `+=` in a loop does;
# 3.12's sum() compensates (fewer roundings: other bits), so there the loop is spelt out.
if sys.version_info < (3, 12):
    plain_sum = sum
else:  # pragma: no cover - exercised on 3.12+

    def plain_sum(terms: Iterator[float], start: float) -> float:
        total = start
        for term in terms:
            total += term
        return total


class Affine(Value):
    """`bias + w . x` as one node (see the module docstring).  d/dw_i = x_i, d/dx_i = w_i,
    d/db = 1.  The base slots `_a`, `_b` are None: `backward` tells the kinds apart by them."""

    __slots__ = ("_bias", "_wd", "_ws", "_xd", "_xs")

    # Read, never written: a class attribute shadows Node's slot, so a new node needs no write
    _a = None
    _b = None

    _ws: tuple[Value, ...]  # the weights
    _xs: tuple[Value, ...]  # the inputs
    _bias: Value | None
    _wd: tuple[float, ...]  # the weights' data: d/dx_i
    _xd: tuple[float, ...]  # the inputs' data: d/dw_i

    @property
    def inputs(self) -> tuple[Value, ...]:
        bias = self._bias
        return self._ws + self._xs if bias is None else (*self._ws, *self._xs, bias)

    @property
    def local_grads(self) -> tuple[float, ...]:
        return self._xd + self._wd if self._bias is None else (*self._xd, *self._wd, 1.0)

    def input_groups(self) -> tuple[tuple[Value, ...], ...]:
        bias = self._bias
        return (self._ws, self._xs) if bias is None else (self._ws, self._xs, (bias,))

    def send_grads(self) -> None:
        """This node's step of the chain rule: `input.grad += local * self.grad` for each input,
        in `inputs` order (what `backward()` runs for it)."""
        g = self.grad
        for weight, x_data in zip(self._ws, self._xd, strict=True):
            weight.grad += x_data * g
        for x, w_data in zip(self._xs, self._wd, strict=True):
            x.grad += w_data * g
        if self._bias is not None:
            self._bias.grad += g


def affine(weights: Sequence[Value], xs: Sequence[Value | Number], bias: Value | None) -> Value:
    """`Value.affine`: one node for `bias + w_1*x_1 + ... + w_n*x_n` (numbers in `xs` are
    lifted to leaves, as an op lifts them)."""
    if len(weights) != len(xs):
        raise ShapeError(f"affine: {len(weights)} weights but {len(xs)} inputs")
    xv = tuple([x if isinstance(x, Value) else lift(x, AFFINE) for x in xs])
    ws = tuple(weights)
    row = (ws, bias, tuple([w.data for w in ws]), False)
    return affine_nodes([row], xv, tuple([x.data for x in xv]))[0]


Row = tuple[tuple[Value, ...], Value | None, tuple[float, ...], bool]


def affine_nodes(rows: Sequence[Row], xs: tuple[Value, ...], xd: tuple[float, ...]) -> list[Value]:
    """One affine node per row `(weights, bias, weights' data, relu)`, all on the inputs `xs`
    (data `xd`), each followed by the node `.relu()` makes of it when `relu` is set.

    What `nn.Layer` runs: its neurons share `xs` and `xd`, and each reuses its weight tuples.
    tests/test_perf_invariants.py proves the nodes equal `Value.affine(...).relu()`'s.
    """
    hook = creation_hook()
    new = object.__new__
    out: list[Value] = []
    append = out.append
    for ws, bias, wd, relu in rows:
        node = new(Affine)
        node.data = total = plain_sum(map(mul, wd, xd), 0.0 if bias is None else bias.data)
        node.grad = 0.0
        node.label = ""
        node._rule = AFFINE
        node._ws = ws
        node._xs = xs
        node._bias = bias
        node._wd = wd
        node._xd = xd
        if hook is not None:
            hook(node)
        if not relu:
            append(node)
            continue
        a = 0.0 if total < 0.0 else total  # as Value.relu
        act = record(a, RELU, node, None, 1.0 if a > 0.0 else 0.0, 0.0)
        append(act)
    return out


class NeuronLike(Protocol):
    """What a Plan reads of a neuron (nn.Neuron)."""

    w: list[Value]
    b: Value | None
    fused: bool
    _act: Callable[[Value], Value] | None


_relu = Value.relu


class Plan:
    """What a Layer of fused neurons reuses between calls: each neuron's weights as a tuple,
    and their data as a tuple until some weight's data changes. `fits` checks that the
    neurons, their weight lists, biases and activations are still those it was made for."""

    def __init__(self, neurons: Sequence[NeuronLike], n_in: int) -> None:
        self.neurons = list(neurons)
        self.n_in = n_in
        self.keys = [(n.w, list(n.w), n.b, n._act) for n in neurons]
        self.shapes = [(tuple(n.w), n.b, n._act is _relu) for n in neurons]
        self.other_acts = [
            (k, n._act) for k, n in enumerate(neurons) if n._act is not None and n._act is not _relu
        ]
        self.weights = [w for ws, _, _ in self.shapes for w in ws]
        self.data: list[float] | None = None
        self.rows: list[Row] = []

    @staticmethod
    def of(neurons: Sequence[NeuronLike], n_in: int, plain: type) -> Plan | None:
        """A plan, or None unless every neuron is a fused `plain` one (not a subclass, which
        may override `__call__`) with `n_in` weights (else a shape error is for it to report)."""
        for n in neurons:
            if type(n) is not plain or not n.fused or len(n.w) != n_in:
                return None
        return Plan(neurons, n_in)

    def fits(self, neurons: Sequence[NeuronLike], n_in: int) -> bool:
        if n_in != self.n_in or neurons != self.neurons:  # identity: Values' == is `is`
            return False
        for n, (w, seen, b, act) in zip(neurons, self.keys, strict=True):
            if n.w is not w or n.w != seen or n.b is not b or n._act is not act or not n.fused:
                return False
        return True

    def fire(self, xs: tuple[Value, ...]) -> list[Value]:
        """Every neuron on the inputs `xs`: the nodes `n(xs)` would make, in one pass."""
        data = [w.data for w in self.weights]
        old = self.data
        # equal floats have equal bits, except 0.0 == -0.0 (NaN never equals: it rebuilds)
        if data != old or (0.0 in data and not all(map(is_, data, old or ()))):
            self.data = data
            self.rows = []
            k = 0
            for ws, bias, relu in self.shapes:
                self.rows.append((ws, bias, tuple(data[k : k + len(ws)]), relu))
                k += len(ws)
        out = affine_nodes(self.rows, xs, tuple([v.data for v in xs]))
        for k, act in self.other_acts:  # activations other than relu and linear
            out[k] = act(out[k])
        return out
