"""backward(): the chain rule in reverse topological order, PyTorch's accumulation rule."""

from __future__ import annotations

import math
import random
import struct

from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import Value, zero_grad_graph
from micrograd_lite.backward import reference_backward, topo_order
from micrograd_lite.backward_fast import interior_order
from micrograd_lite.graph import is_topological
from micrograd_lite.graph import topo_order as generic_topo_order


def test_a_node_reached_by_two_paths_accumulates_once_per_path() -> None:
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0


def test_second_backward_adds_exactly_one_more_gradient_to_leaves() -> None:
    # micrograd's issue #53: stale interior grads make this 32 -> 96
    a = Value(2.0)
    d = (a * a) ** 2
    d.backward()
    assert a.grad == 32.0
    d.backward()
    assert a.grad == 64.0


def test_interior_grads_are_recomputed_not_accumulated() -> None:
    a = Value(2.0)
    b = a * a
    c = b * 3
    c.backward()
    c.backward()
    assert b.grad == 3.0 and c.grad == 1.0


def test_backward_of_a_leaf_accumulates_one() -> None:
    a = Value(2.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_zero_grad_graph_clears_every_node() -> None:
    a, b = Value(2.0), Value(3.0)
    c = (a * b).tanh()
    c.backward()
    zero_grad_graph(c)
    assert a.grad == b.grad == c.grad == 0.0


def test_tiny_network_against_hand_derived_gradients() -> None:
    # out = tanh(w1*x1 + w2*x2 + b); L = (out - y)^2
    x1, x2, y = 2.0, -1.0, 0.5
    w1, w2, b = Value(0.3), Value(-0.2), Value(0.1)
    z = w1 * x1 + w2 * x2 + b
    out = z.tanh()
    loss = (out - y) ** 2
    loss.backward()
    t = math.tanh(0.3 * 2.0 + -0.2 * -1.0 + 0.1)
    dloss_dz = 2 * (t - y) * (1 - t * t)
    assert out.data == t
    assert w1.grad == dloss_dz * x1
    assert w2.grad == dloss_dz * x2
    assert b.grad == dloss_dz


def test_a_chain_of_a_million_ops_backpropagates_without_recursion_error() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    del y  # freeing a million-deep chain must not overflow the C stack either


def random_dag(seed: int, n: int) -> Value:
    """A random graph of every kind of node: binary, unary (relu's zero gradients included),
    fused neurons sharing input tuples, leaves used many times."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    for _ in range(n):
        a, b = rng.choice(nodes), rng.choice(nodes)
        xs = rng.sample(nodes, min(len(nodes), 3))
        ws = [Value(rng.uniform(-1, 1)) for _ in xs]
        kinds = [a + b, a * b, a - b, a.tanh(), a.relu(), Value.affine(ws, xs, b)]
        nodes.append(rng.choice(kinds))
    return nodes[-1]


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60))
def test_the_fast_backward_is_the_reference_bit_for_bit(seed: int, n: int) -> None:
    root = random_dag(seed, n)
    order = topo_order(root)
    assert interior_order(root) == [v for v in order if not v.is_leaf]  # the same list
    root.backward()
    fast = [bits(v.grad) for v in order]
    for v in order:
        v.grad = 0.0
    reference_backward(root)
    assert [bits(v.grad) for v in order] == fast


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60))
def test_fast_orders_are_topological_and_agree_with_the_generic_walk(seed: int, n: int) -> None:
    root = random_dag(seed, n)
    generic = generic_topo_order(root, lambda v: v.inputs)
    fast = topo_order(root)
    inner = interior_order(root)
    for order in (generic, fast, inner):
        members = set(order)
        assert is_topological(order, lambda v, m=members: [p for p in v.inputs if p in m])  # type: ignore[misc]
    assert set(fast) == set(generic)
    assert set(inner) == {v for v in generic if not v.is_leaf}
    assert all(v.grad == 0.0 for v in inner)
