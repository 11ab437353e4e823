"""Collapse a big graph before drawing it: keep the Values nearest the output, summarise the rest.

`dot` lays out a few hundred nodes in well under a second, but an MLP(2, [16, 16, 1]) loss over
100 points has ~65,000 Values, which it cannot lay out in any useful time (and no one could read
it). So `dot.draw_dot` asks `plan_cut` which Values to draw. It works on plain integers (node
`i` is the i-th Value in topological order, `inputs[i]` its inputs' indices), so it is pure and
tested without Values or Graphviz:

* Values named in `groups` (e.g. by `neurons.neuron_groups`: one group per Neuron) are drawn
  as one box per group;
* the other Values are kept breadth-first from the root (the output) while their drawing cost
  fits the node budget;
* what is left is split into connected pieces, and each piece becomes one summary box that says
  how many Values and which ops it holds ("… 64,812 more nodes, ops: * x32,000, + x32,000").

    >>> inputs = [(), (), (0, 1), (2,), (3, 0)]  # a chain: 4 depends on 3 and 0, ...
    >>> cut = plan_cut(inputs, ["", "", "*", "tanh", "+"], [1, 1, 2, 2, 2], budget=6)
    >>> sorted(cut.kept), [(b.count, b.ops, b.leaves) for b in cut.bundles]
    ([0, 3, 4], [(2, (('*', 1),), 1)])
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bundle:
    """Hidden Values drawn as one box: a named group, or a summary of what the budget left out."""

    key: str  # DOT node id
    name: str  # the group's name; '' for a summary
    members: tuple[int, ...]  # topological indices, ascending
    ops: tuple[tuple[str, int], ...]  # (op, how many), most frequent first
    leaves: int  # members that are leaves (parameters, inputs, constants)
    parts: int  # disconnected pieces merged into this box (1 unless the budget forced it)

    @property
    def count(self) -> int:
        return len(self.members)

    def describe(self, budget: int) -> list[str]:
        """The box's text, one line each: what it holds and, for a summary, why it is one."""
        ops = ", ".join(f"{op} \N{MULTIPLICATION SIGN}{k:,}" for op, k in self.ops[:6])
        ops += ", …" if len(self.ops) > 6 else ""
        nodes = _plural(self.count, "node", "nodes")
        lines = [self.name, nodes] if self.name else [f"… {self.count:,} more {nodes.split()[1]}"]
        lines += [f"ops: {ops or 'none'}", _plural(self.leaves, "leaf", "leaves")]
        if not self.name:
            pieces = f" ({self.parts} separate subgraphs)" if self.parts > 1 else ""
            lines.append(f"left out to stay within max_nodes={budget}{pieces}")
        return lines


@dataclass(frozen=True)
class Cut:
    """Which Values to draw (`kept`) and which box stands for each hidden one (`bundle_of`)."""

    kept: frozenset[int]
    bundle_of: Mapping[int, int]  # hidden index -> position in `bundles`
    bundles: tuple[Bundle, ...]
    total: int  # Values in the whole graph

    @property
    def summarised(self) -> int:
        """How many Values are in summary boxes (left out by the budget, not grouped)."""
        return sum(b.count for b in self.bundles if not b.name)


def plan_cut(
    inputs: Sequence[tuple[int, ...]],
    ops: Sequence[str],
    costs: Sequence[int],
    *,
    budget: int,
    groups: Mapping[int, str] | None = None,
) -> Cut:
    """Choose what to draw of a graph in topological order (the root is the last index).

    `costs[i]` is how many DOT nodes Value i takes when drawn (its box, its op node, an expanded
    neuron's chain). The drawn Values plus the summary boxes stay within `budget` DOT nodes; the
    root is always drawn. Group boxes are not counted: their number is the caller's choice.
    """
    n = len(inputs)
    root = n - 1
    groups = {i: name for i, name in (groups or {}).items() if i != root}
    # Up to a tenth of the budget goes to summary boxes: enough to keep unrelated pieces apart.
    max_summaries = max(1, budget // 10)
    fits_whole = sum(c for i, c in enumerate(costs) if i not in groups) <= budget
    room = budget if fits_whole else budget - max_summaries

    kept: set[int] = set()
    spent = 0
    seen = {root}
    queue = deque([root])
    while queue:  # breadth-first: the Values nearest the output are the ones a reader starts at
        i = queue.popleft()
        if i not in groups:  # a group is drawn as its box, but what it uses may be drawn
            if kept and spent + costs[i] > room:
                break
            kept.add(i)
            spent += costs[i]
        for p in inputs[i]:
            if p not in seen:
                seen.add(p)
                queue.append(p)

    hidden = [i for i in range(n) if i not in kept and i not in groups]
    pieces = _pieces(hidden, inputs)
    # Number the pieces as a reader meets them: from the root down, inputs in operand order.
    first_seen: dict[int, int] = {}
    for i in sorted(kept, reverse=True):
        for p in inputs[i]:
            if p in pieces:
                first_seen.setdefault(pieces[p], len(first_seen))
    for i in reversed(hidden):  # pieces reached only through a group box
        first_seen.setdefault(pieces[i], len(first_seen))

    bundle_of: dict[int, int] = {}
    n_summaries = min(len(first_seen), max_summaries)
    for i in hidden:  # pieces past the cap share the last summary box
        bundle_of[i] = min(first_seen[pieces[i]], n_summaries - 1)
    parts = Counter(min(k, n_summaries - 1) for k in first_seen.values())

    group_names = list(dict.fromkeys(groups[i] for i in sorted(groups, reverse=True)))
    group_index = {name: n_summaries + k for k, name in enumerate(group_names)}
    for i, name in groups.items():
        bundle_of[i] = group_index[name]

    members: list[list[int]] = [[] for _ in range(n_summaries + len(group_names))]
    for i in sorted(bundle_of):
        members[bundle_of[i]].append(i)
    names = [""] * n_summaries + group_names
    keys = [f"more{k}" for k in range(n_summaries)] + [f"group{k}" for k in range(len(group_names))]
    bundles = tuple(
        _bundle(key, name, m, ops, parts.get(k, 1))
        for k, (key, name, m) in enumerate(zip(keys, names, members, strict=True))
    )
    return Cut(frozenset(kept), bundle_of, bundles, n)


def bundle_sources(cut: Cut, k: int, inputs: Sequence[tuple[int, ...]]) -> list[str]:
    """DOT ids of the drawn Values (`n<i>`) and other boxes whose Values box k's members use."""
    sources: dict[str, None] = {}  # ordered set: one edge per source, however many uses
    for i in cut.bundles[k].members:
        for j in inputs[i]:
            if j in cut.kept:
                sources.setdefault(f"n{j}", None)
            elif cut.bundle_of[j] != k:
                sources.setdefault(cut.bundles[cut.bundle_of[j]].key, None)
    return list(sources)


Edge = tuple[str, str, str, bool]  # source id, label, tooltip, highlighted


def merge_edges(edges: Sequence[Edge], boxes: set[str]) -> list[Edge]:
    """One edge per box among an op's inputs: a fused neuron can take 33 inputs from one box.

    The merged edge is labelled "k inputs"; its tooltip lists each input's rule and number.
    """
    merged: dict[str, list[Edge]] = {}
    out: list[Edge] = []
    for edge in edges:
        if edge[0] not in boxes:
            out.append(edge)
        elif edge[0] not in merged:
            merged[edge[0]] = [edge]
            out.append(edge)  # replaced below if more edges share this source
        else:
            merged[edge[0]].append(edge)
    for i, edge in enumerate(out):
        many = merged.get(edge[0], [])
        if len(many) > 1:
            tip = "\\n".join(e[2] for e in many)  # DOT's escaped newline
            out[i] = (edge[0], f"{len(many)} inputs", tip, any(e[3] for e in many))
    return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _bundle(key: str, name: str, members: list[int], ops: Sequence[str], parts: int) -> Bundle:
    counts = Counter(ops[i] for i in members if ops[i])
    ranked = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    leaves = sum(1 for i in members if not ops[i])
    return Bundle(key, name, tuple(members), ranked, leaves, parts)


def _pieces(hidden: Sequence[int], inputs: Sequence[tuple[int, ...]]) -> dict[int, int]:
    """Connected pieces of the hidden Values (edges between two hidden ones), by union-find."""
    parent = {i: i for i in hidden}

    def find(i: int) -> int:
        while parent[i] != i:  # iterative, with path halving: pieces can be 60,000 long
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in hidden:
        for p in inputs[i]:
            if p in parent:
                a, b = find(i), find(p)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {i: find(i) for i in hidden}
