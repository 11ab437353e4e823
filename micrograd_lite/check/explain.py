"""The chain rule behind one gradient, path by path and node by node.

`explain(root, wrt)` writes d root/d wrt as the chain rule does: a sum over every path from
`root` down to `wrt` of the product of the local derivatives along it (the inverter article's
`dE/dw_ih = dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135`), and the same sum done
the way backward() does it, node by node (linear in the graph, where paths can be exponential).
Every step of a path is a factor: a node without a label is named by its expression (`x*x`),
and each factor by its rule in the operands' own names (`d(h*w_ho)/dh = w_ho`).

    >>> from micrograd_lite import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> print(explain(y, x))
    d(x*x)/dx = 3 + 3 = 6  (2 paths)
      path 1: d(x*x)/dx = 3    [d(x*x)/dx = x]
      path 2: d(x*x)/dx = 3    [d(x*x)/dx = x]
    per node (grad = sum over consumers of local derivative * consumer's grad):
      x*x  1  (the root)
      x    3 * 1 [x*x, input 1] + 3 * 1 [x*x, input 2] = 6
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.check.naming import Names, node_names
from micrograd_lite.check.trace_text import format_trace
from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.value import Value


@dataclass(frozen=True)
class ChainPath:
    """One path from the root down to `wrt`: `nodes[0]` is the root, `nodes[-1]` is `wrt`.

    `indices[k]` is which input of `nodes[k]` the path takes, `locals[k]` the local derivative
    d nodes[k]/d nodes[k+1] on that step, `rules[k]` its rule from the op table, and `product`
    the product of `locals`, multiplied from the root down as backward() does.
    """

    nodes: tuple[Value, ...]
    indices: tuple[int, ...]
    locals: tuple[float, ...]
    rules: tuple[str, ...]
    product: float


@dataclass(frozen=True)
class Contribution:
    """`local * consumer_grad`: what `consumer` (through its input `index`) adds to a grad."""

    consumer: Value
    index: int
    local: float
    consumer_grad: float


@dataclass(frozen=True)
class NodeGrad:
    """d root/d node, summed over the node's consumers in backward()'s order."""

    node: Value
    name: str
    grad: float
    terms: tuple[Contribution, ...]


@dataclass(frozen=True)
class ChainRuleTrace:
    """How d root/d wrt is built: `paths` (at most `max_paths`), their sum `total`, the count of
    paths left out, and `per_node`, the node-by-node accumulation (root first, wrt last)."""

    root: Value
    wrt: Value
    paths: tuple[ChainPath, ...]
    path_count: int
    total: float
    per_node: tuple[NodeGrad, ...]
    naming: Names

    @property
    def names(self) -> dict[Value, str]:
        return self.naming.names

    @property
    def omitted(self) -> int:
        """How many paths were left out of `paths` by the cap."""
        return self.path_count - len(self.paths)

    def __str__(self) -> str:
        return self.format()

    def format(self, *, full: bool = False) -> str:
        """The trace as printed: numbers to 5 significant digits, or every digit (`full`)."""
        return format_trace(self, full=full)


def explain(root: Value, wrt: Value, *, max_paths: int = 20) -> ChainRuleTrace:
    """How `wrt.grad` was built by `root.backward()`: every path root -> wrt with its local
    derivatives and their product (at most `max_paths` listed; all are counted), their sum, and
    the per-node accumulation. The local derivatives were recorded in the forward pass, so the
    trace is the same whether or not backward() ran; the `.grad` it explains is read only to
    warn when it does not match (e.g. after two backward() calls).
    """
    for what, v in (("root", root), ("wrt", wrt)):
        if not isinstance(v, Value):
            raise OperandTypeError(f"explain: {what} must be a Value, got {describe(v)}")
    if max_paths < 0:
        raise ValueError(f"explain: max_paths must be >= 0, got {describe(max_paths)}")
    order = topo_order(root)
    # counts[v]: number of paths v -> wrt, one per edge use (x*x has 2); 0 off the paths
    counts: dict[Value, int] = {}
    for node in order:
        counts[node] = 1 if node is wrt else sum(counts[p] for p in node.inputs)
    on_path = [node for node in reversed(order) if counts[node]]
    graph = order if counts.get(wrt) else [*order, wrt]  # wrt may be elsewhere
    naming = node_names(graph, keep=(root, wrt))
    names = naming.names
    paths = _enumerate_paths(root, wrt, counts, max_paths)
    per_node = _accumulate(on_path, root, names)
    # all paths listed: their exact sum (fsum adds no rounding of its own); capped: backward()'s
    # node-by-node sum, which covers every path
    complete = len(paths) == counts[root]
    total = _exact_sum([p.product for p in paths]) if complete else per_node[-1].grad
    return ChainRuleTrace(root, wrt, tuple(paths), counts[root], total, tuple(per_node), naming)


def _enumerate_paths(
    root: Value, wrt: Value, counts: dict[Value, int], cap: int
) -> list[ChainPath]:
    """Depth first, in operand order; iterative (a path can be a million steps long), and only
    through inputs that lead to `wrt`, so every descent ends in a path."""
    found: list[ChainPath] = []
    if not counts.get(root) or cap == 0:
        return found
    nodes: list[Value] = [root]
    indices: list[int] = []
    next_input: list[int] = [0]  # per node on the current path: the next input to try
    while nodes and len(found) < cap:
        node = nodes[-1]
        if node is wrt:
            found.append(_path(nodes, indices))
            nodes.pop()
            next_input.pop()
            if indices:
                indices.pop()
            continue
        inputs = node.inputs
        k = next_input[-1]
        while k < len(inputs) and not counts[inputs[k]]:
            k += 1
        if k == len(inputs):
            nodes.pop()
            next_input.pop()
            if indices:
                indices.pop()
            continue
        next_input[-1] = k + 1
        nodes.append(inputs[k])
        indices.append(k)
        next_input.append(0)
    return found


def _path(nodes: list[Value], indices: list[int]) -> ChainPath:
    locals_: list[float] = []
    rules: list[str] = []
    product = 1.0
    for node, k in zip(nodes, indices, strict=False):
        local = node.local_grads[k]
        locals_.append(local)
        rules.append(node.rule.rule(k) if node.rule is not None else "")
        product = local * product  # root first, as backward() multiplies
    return ChainPath(tuple(nodes), tuple(indices), tuple(locals_), tuple(rules), product)


def _accumulate(on_path: list[Value], root: Value, names: dict[Value, str]) -> list[NodeGrad]:
    """backward()'s sums restricted to the nodes between root and wrt (every consumer of such a
    node that root reaches is itself between them, so each sum is complete)."""
    grads: dict[Value, float] = {node: 0.0 for node in on_path}
    terms: dict[Value, list[Contribution]] = {node: [] for node in on_path}
    grads[root] = 1.0
    for node in on_path:  # root first: each node's grad is final before it is passed on
        g = grads[node]
        for k, (p, local) in enumerate(zip(node.inputs, node.local_grads, strict=True)):
            if p in grads:
                grads[p] += local * g
                terms[p].append(Contribution(node, k, local, g))
    return [NodeGrad(n, names[n], grads[n], tuple(terms[n])) for n in on_path]


def _exact_sum(products: list[float]) -> float:
    """The sum with no rounding of its own (fsum); where a product is inf or nan, or the sum
    overflows, what IEEE's left-to-right sum gives (fsum raises there)."""
    try:
        return math.fsum(products)
    except (OverflowError, ValueError):
        return sum(products)
