"""The chain rule behind one gradient, path by path and node by node.

`explain(root, wrt)` writes d root/d wrt as the chain rule does: a sum over every path from
`root` down to `wrt` of the product of the local derivatives along it (the inverter article's
`dE/dw_ih = dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135`), and the same sum done
the way backward() does it, node by node (linear in the graph, where paths can be exponential).

    >>> from micrograd_lite import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> print(explain(y, x))
    d(x*x)/dx = 3 + 3 = 6  (2 paths)
      path 1: d(x*x)/dx = 3    [d(a*b)/da = b]
      path 2: d(x*x)/dx = 3    [d(a*b)/db = a]
    per node (grad = sum over consumers of local derivative * consumer's grad):
      x*x  1  (the root)
      x    3 * 1 [x*x, input 1] + 3 * 1 [x*x, input 2] = 6
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.check.naming import Names, factor, node_names, num, wrap
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
        top, bottom = self.names[self.root], self.names[self.wrt]
        whole = f"d{wrap(top)}/d{wrap(bottom)}"
        if self.path_count == 0:
            return f"{whole} = 0: {top} does not depend on {bottom}"
        if self.path_count == 1 and len(self.paths) == 1:
            lines = [f"{whole} = {self._chain(self.paths[0], with_symbols=False)}"]
        else:
            products = " + ".join(factor(p.product) for p in self.paths)
            more = f" + ... ({self.omitted} more)" if self.omitted else ""
            lines = [f"{whole} = {products}{more} = {num(self.total)}  ({self.path_count} paths)"]
            for k, path in enumerate(self.paths, 1):
                lines.append(f"  path {k}: {self._chain(path, with_symbols=True)}    {_via(path)}")
            if self.omitted:
                lines.append(
                    f"  ... {self.omitted} more paths not listed "
                    "(the per-node sums below cover all of them)"
                )
            lines.extend(self._per_node_lines())
        where = self.naming.where(_words("\n".join(lines)))
        if where:
            lines.append(where)
        if not _close(self.wrt.grad, self.total):
            lines.append(
                f"note: {bottom}.grad is {self.wrt.grad!r}, but the chain rule gives "
                f"{self.total!r}: was backward() called exactly once since the grads were zeroed?"
            )
        return "\n".join(lines)

    def _chain(self, path: ChainPath, *, with_symbols: bool) -> str:
        """`dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135`: unlabelled interior nodes
        are folded into the factor around them, as a derivation by hand skips them. A lone
        factor is written `d(x*x)/dx = 3` (with_symbols) or just `3` (after the headline)."""
        factors: list[tuple[str, str, float]] = []  # (from, to, product of the folded locals)
        start, product = path.nodes[0], 1.0
        for node, local in zip(path.nodes[1:], path.locals, strict=True):
            product = local * product
            if node.label or node is path.nodes[-1]:
                factors.append((self.names[start], self.names[node], product))
                start, product = node, 1.0
        symbols = " * ".join(f"d{wrap(a)}/d{wrap(b)}" for a, b, _ in factors)
        result = num(path.product)
        if len(factors) <= 1:  # root is wrt (no factor), or one folded factor
            return f"{symbols} = {result}" if with_symbols and symbols else result
        numbers = " * ".join(factor(p) for _, _, p in factors)
        return f"{symbols} = {numbers} = {result}"

    def _per_node_lines(self, limit: int = 30) -> list[str]:
        lines = ["per node (grad = sum over consumers of local derivative * consumer's grad):"]
        width = max(len(n.name) for n in self.per_node[:limit])
        for entry in self.per_node[:limit]:
            if entry.node is self.root:
                lines.append(f"  {entry.name.ljust(width)}  1  (the root)")
                continue
            terms = " + ".join(
                f"{factor(t.local)} * {factor(t.consumer_grad)} "
                f"[{self.names[t.consumer]}, input {t.index + 1}]"
                for t in entry.terms
            )
            lines.append(f"  {entry.name.ljust(width)}  {terms} = {num(entry.grad)}")
        if len(self.per_node) > limit:
            lines.append(f"  ... {len(self.per_node) - limit} more nodes")
        return lines


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


def _via(path: ChainPath) -> str:
    """The rules a short path applies (`[d(a*b)/da = b]`), or the inputs a long one takes."""
    if len(path.rules) <= 3:
        return "[" + "; ".join(r for r in path.rules if r) + "]"
    return "[inputs " + ",".join(str(k + 1) for k in path.indices) + "]"


def _exact_sum(products: list[float]) -> float:
    """The sum with no rounding of its own (fsum); where a product is inf or nan, or the sum
    overflows, what IEEE's left-to-right sum gives (fsum raises there)."""
    try:
        return math.fsum(products)
    except (OverflowError, ValueError):
        return sum(products)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z_]\w*", text)


def _close(a: float, b: float) -> bool:
    """Equal up to the rounding of summing the same terms in another order."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
