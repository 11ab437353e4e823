"""The chain rule: walk the graph in reverse topological order, `input.grad += local * out.grad`.

    order = topo_order(root, inputs)                   # every node after its inputs
    for node in order: node.grad = 0 unless a leaf     # interior grads are recomputed
    root.grad = 1                                      # d(root)/d(root)
    for node in reversed(order):                       # from the root back to the leaves
        for input, local in zip(node.inputs, node.local_grads):
            input.grad += local * node.grad            # dL/d(in) += d(node)/d(in) * dL/d(node)

That is `reference_backward` below, the whole algorithm (the inner loop is each node's
`send_grads()`, micrograd's `_backward()`; a hand-made micrograd node runs its own there).
`backward()` (what `Value.backward()` runs) does exactly the same additions in exactly the
same order, so it gives the same floats, bit for bit, only faster: its tricks live apart in
`backward_fast.py`, and a property test ties the two together.

Semantics (PyTorch's, not micrograd's): each call first sets every interior node's grad to 0,
seeds the root with 1 and propagates; leaves (Values made by the constructor) keep accumulating
across calls until zeroed. So calling `backward()` twice exactly doubles each leaf gradient,
where micrograd re-sends stale interior gradients (its issue #53: for d = (a*a)**2 at a = 2,
a.grad goes 32 -> 96).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from micrograd_lite import backward_fast
from micrograd_lite.errors import GraphError
from micrograd_lite.graph import topo_order as _generic_topo_order

if TYPE_CHECKING:
    from micrograd_lite.value import Value


def topo_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after its inputs (first operand first); root last."""
    return _generic_topo_order(root, _inputs)


def _inputs(node: Value) -> tuple[Value, ...]:
    return node.inputs


def reference_backward(root: Value) -> None:
    """The chain rule as every backprop article writes it (see the module docstring)."""
    order = topo_order(root)
    for node in order:
        if not node.is_leaf:
            node.grad = 0.0  # a stale interior grad would be sent again (micrograd's #53)
    if root.is_leaf:
        root.grad += 1.0  # d(root)/d(root), accumulated like any leaf gradient
        return
    root.grad = 1.0
    for node in reversed(order):
        node.send_grads()  # for each input: input.grad += local * node.grad (node.py)


# Set by detect_anomaly() while it is active: a backward that checks every gradient it sends.
checking_backward: Callable[[Value], None] | None = None


def backward(root: Value) -> None:
    """Set `node.grad = d(root)/d(node)` for interior nodes; add it to leaves' `.grad`.

    The same floats as `reference_backward`, computed by `backward_fast` (or, inside
    `detect_anomaly()`, by its checking loop)."""
    if checking_backward is not None:
        checking_backward(root)
    else:
        backward_fast.backward(root)


def opaque_node_error(node: Value) -> GraphError:
    return backward_fast.opaque_node_error(node)


def zero_grad(values: Iterable[Value]) -> None:
    """Set `.grad = 0.0` on each Value (e.g. a model's parameters)."""
    for v in values:
        v.grad = 0.0


def zero_grad_graph(root: Value) -> None:
    """Set `.grad = 0.0` on `root` and every node it depends on."""
    zero_grad(topo_order(root))
