"""The fast paths change no float and no graph: each is checked against the plain way.

`nn.Layer` builds its fused neurons through `value.affine_nodes` (shared input tuples, cached
weight tuples, relu inlined); `backward()` skips the loops of nodes whose gradient is zero and
places nodes without inputs to wait for at once; `interior_order` skips input tuples it has
seen. None of this is timed here (benchmarks/ time it); these tests pin the bits and the
object counts the speed comes from.
"""

from __future__ import annotations

import gc
import math
import random
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import Value
from micrograd_lite.backward import topo_order
from micrograd_lite.backward_fast import interior_order
from micrograd_lite.fused import affine_nodes, plain_sum
from micrograd_lite.nn import MLP, Layer, Neuron
from micrograd_lite.ops import AFFINE, RELU


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def reference_backward(root: Value) -> None:
    """The chain rule with no shortcut: every term of every node, in backward()'s order."""
    order = [v for v in topo_order(root) if not v.is_leaf]
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for v in reversed(order):
        for p, d in zip(v.inputs, v.local_grads, strict=True):
            p.grad += d * v.grad


def snapshot(root: Value) -> list[tuple[str, bytes, bytes, tuple[bytes, ...], tuple[int, ...]]]:
    """Every node of the graph: op, data and grad bits, local derivatives, input positions."""
    order = topo_order(root)
    index = {v: i for i, v in enumerate(order)}
    return [
        (
            v.op,
            bits(v.data),
            bits(v.grad),
            tuple(bits(d) for d in (v.local_grads if not v.is_leaf else ())),
            tuple(index[p] for p in v.inputs),
        )
        for v in order
    ]


@contextmanager
def gc_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def layer_both_ways(layer: Layer, x: list[Value]) -> tuple[list[Value], list[Value]]:
    fast = layer(x)
    plain = [n(x) for n in layer.neurons]  # Neuron.__call__: Value.affine, then the method
    return (fast if isinstance(fast, list) else [fast]), plain


@pytest.mark.parametrize("activation", ["relu", "linear", "tanh", "sigmoid"])
@pytest.mark.parametrize("bias", [True, False])
def test_layer_fast_path_builds_the_nodes_the_neurons_build(activation: str, bias: bool) -> None:
    layer = Layer(3, 4, seed=1, activation=activation, bias=bias)
    x = [Value(0.5), Value(-1.5), Value(2.0)]
    for _ in range(2):  # the second call reuses the cached tuples
        fast, plain = layer_both_ways(layer, x)
        for f, p in zip(fast, plain, strict=True):
            assert snapshot(f) == snapshot(p)
            assert f.rule is p.rule
            assert (f.inputs[0] if activation != "linear" else f).rule is AFFINE


def test_fast_relu_equals_the_relu_method_at_its_edges() -> None:
    for total in (0.0, -0.0, 1e-300, -1e-300, 2.5, -2.5, math.inf, -math.inf, math.nan):
        w, b = Value(1.0), Value(total)
        (fast,) = affine_nodes([((w,), b, (1.0,), True)], (Value(0.0),), (0.0,))
        plain = Value.affine([w], [Value(0.0)], b).relu()
        assert fast.rule is RELU and plain.rule is RELU
        assert bits(fast.data) == bits(plain.data) or (
            math.isnan(fast.data) and math.isnan(plain.data)
        )
        assert fast.local_grads == plain.local_grads


def test_layer_sees_every_change_to_its_neurons() -> None:
    layer = Layer(2, 3, seed=2)
    x = [Value(1.0), Value(-2.0)]

    def check() -> None:
        fast, plain = layer_both_ways(layer, x)
        for f, p in zip(fast, plain, strict=True):
            assert snapshot(f) == snapshot(p)
            assert f.inputs[0].inputs == p.inputs[0].inputs  # the same Values, in order

    check()
    n0, n1, n2 = layer.neurons
    n0.w[0].data = 0.25  # a weight's data
    check()
    n0.w[1].data = 0.0
    check()
    n0.w[1].data = -0.0  # equal to 0.0, other bits: must not reuse the cached 0.0
    check()
    n1.w[0].data = math.nan
    check()
    n1.w[0] = Value(3.0)  # a weight replaced in place
    check()
    n2.w = [Value(-1.0), Value(1.0)]  # the list replaced
    check()
    n2.b = Value(0.5)  # the bias replaced
    check()
    n2.b = None
    check()
    n0.fused = False  # back to micrograd's graph for one neuron
    fast, plain = layer_both_ways(layer, x)
    assert fast[0].op == "ReLU" and fast[0].inputs[0].op == "+"
    assert snapshot(fast[0]) == snapshot(plain[0])
    n0.fused = True
    layer.neurons.append(Neuron(2, seed=3))
    check()


def test_a_bias_that_is_also_an_input_keeps_the_order_gradients_add_in() -> None:
    # d/d(shared) gets w_2 (as an input) then 1 (as the bias): in that order, as unfused
    shared = Value(0.1)
    w = [Value(1e16), Value(1.0)]
    for fused in (True, False):
        n = Neuron(2, weights=[1e16, 1.0], bias=0.0, activation="linear", fused=fused)
        n.w, n.b = w, shared
        out = Layer.__new__(Layer)
        out.neurons, out._plan = [n], None
        y = out([Value(3.0), shared])
        assert isinstance(y, Value)
        for v in [*w, shared]:
            v.grad = 0.0
        y.backward()
        if fused:
            assert y.inputs == (*w, y.inputs[2], shared, shared)
            fused_grads = [bits(v.grad) for v in [*w, shared]]
        else:
            assert fused_grads == [bits(v.grad) for v in [*w, shared]]


@given(
    xs=st.lists(st.floats(allow_nan=False, width=64), min_size=0, max_size=40),
    start=st.floats(allow_nan=False),
)
def testplain_sum_adds_left_to_right_with_one_rounding_per_step(
    xs: list[float], start: float
) -> None:
    total = start
    for x in xs:
        total += x
    got = plain_sum(iter(xs), start)
    assert bits(got) == bits(total) or (math.isnan(got) and math.isnan(total))


def moons_like_loss(model: MLP, points: int, seed: int) -> Value:
    rng = random.Random(seed)
    losses = []
    for _ in range(points):
        score = model([Value(rng.gauss(0, 1)), Value(rng.gauss(0, 1))])
        losses.append((1 + -rng.choice([-1.0, 1.0]) * score).relu())  # type: ignore[operator]
    total = sum(losses) * (1.0 / points) + 1e-4 * sum(p * p for p in model.parameters())
    assert isinstance(total, Value)
    return total


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("poison", [None, math.inf, math.nan])
def test_backward_shortcuts_give_the_full_chain_rules_bits(
    fused: bool, poison: float | None
) -> None:
    # dead relus (zero gradients) everywhere; with `poison`, one weight is inf or nan, so
    # some zero gradients meet non-finite local derivatives and must not be skipped
    model = MLP(2, [8, 8, 1], seed=4, fused=fused)
    if poison is not None:
        model.layers[1].neurons[3].w[2].data = poison
    loss = moons_like_loss(model, 12, seed=5)
    params = model.parameters()
    loss.backward()
    fast = [bits(p.grad) for p in params]
    order_fast = interior_order(loss)
    model.zero_grad()
    reference_backward(loss)
    assert fast == [bits(p.grad) for p in params]
    assert order_fast == [v for v in topo_order(loss) if not v.is_leaf]


@pytest.mark.parametrize("fused", [True, False])
def test_interior_order_is_the_generic_order_without_leaves(fused: bool) -> None:
    model = MLP(3, [5, 4, 1], seed=6, fused=fused)
    rng = random.Random(8)
    outs = [model([Value(rng.uniform(-1, 1)) for _ in range(3)]) for _ in range(6)]
    loss = sum(outs, Value(0.0))
    assert isinstance(loss, Value)
    assert interior_order(loss) == [v for v in topo_order(loss) if not v.is_leaf]


def tracked_allocations(fn: Callable[[], object]) -> int:
    """Net GC-tracked objects `fn` leaves allocated (the collector's own counter), beyond
    what a call of a function that does nothing leaves (the harness's own, if any)."""
    with gc_paused():
        before = gc.get_count()[0]
        idle = (lambda: None)()
        baseline = gc.get_count()[0] - before
        before = gc.get_count()[0]
        kept = fn()
        count = gc.get_count()[0] - before - baseline
        del kept, idle
        return count


def test_a_fused_neuron_adds_two_tracked_objects_a_layer_call_a_few_more() -> None:
    layer = Layer(16, 16, seed=9)
    x = [Value(float(i)) for i in range(16)]
    layer(x)  # builds the plan: tuples of weights, their data
    count = tracked_allocations(lambda: [layer(x) for _ in range(10)])
    # per neuron: its affine node and its relu node; per call a few: the inputs' tuple, their
    # data (+1.0 for the bias), the (inputs, data) pair, the output list
    assert 10 * 2 * 16 <= count <= 10 * (2 * 16 + 6), count


def test_an_op_node_is_one_tracked_object() -> None:
    def chain() -> list[Value]:
        w = Value(0.5)
        y = Value(1.0)
        kept = []
        for _ in range(1000):
            y = (y * w).relu()
            kept.append(y)
        return kept

    count = tracked_allocations(chain)
    assert 2000 <= count <= 2000 + 8, count  # the float results are not tracked
