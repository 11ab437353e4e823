"""Build the picture of a computation graph as DOT text: pure, no `dot` binary needed.

`draw_dot` decides each Value's role (output, parameter, input, constant, leaf, intermediate),
asks `collapse.plan_cut` what fits the node budget, turns the kept Values into `boxes.Box`es and
writes them as a `graphviz.Digraph`: record boxes `label | data | grad`, an ellipse per op, the
local derivative on every edge into an op, summary boxes for what was left out, and a legend.
Node ids are topological indices, so the same graph gives the same text.

    >>> from micrograd_lite import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"; c.backward()
    >>> for line in to_dot(c).splitlines()[4:]:  # no Graphviz binary involved
    ...     print(line.strip())  # doctest: +ELLIPSIS
    n0 [label="{ a | data 2 | grad -3 }" ... tooltip=leaf]
    n1 [label="{ b | data -3 | grad 2 }" ... tooltip=leaf]
    n2 [label="{ c | data -6 | grad 1 }" ... tooltip=output]
    n2op [label="*" ...]
    n0 -> n2op [label=-3 tooltip="d(a*b)/da = b  (here -3)"]
    n1 -> n2op [label=2 tooltip="d(a*b)/db = a  (here 2)"]
    n2op -> n2
    }
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import graphviz

from micrograd_lite.backward import topo_order
from micrograd_lite.render.boxes import (
    Box,
    Kind,
    cost,
    edge_text,
    expand_affine,
    fmt,
    local_grads,
    reaches,
)
from micrograd_lite.render.collapse import Cut, bundle_sources, merge_edges, plan_cut
from micrograd_lite.value import Value

# Fill colours tell the roles apart at a glance; dashed borders mark what is not a variable.
NODE_STYLE: dict[Kind, dict[str, str]] = {
    "output": {"style": "filled,bold", "fillcolor": "#f4a6a6", "penwidth": "2"},
    "parameter": {"style": "filled", "fillcolor": "#b7e4c7"},
    "input": {"style": "filled", "fillcolor": "#bcd7f5"},
    "constant": {"style": "filled,dashed", "fillcolor": "#eeeeee"},
    "leaf": {"style": "filled", "fillcolor": "#ffe8a3"},
    "intermediate": {"style": "filled", "fillcolor": "#ffffff"},
}
LEGEND: dict[Kind, str] = {
    "output": "output (the root)",
    "parameter": "parameter (trained)",
    "input": "input (labelled leaf, not trained)",
    "constant": "constant (unlabelled leaf, dashed)",
    "leaf": "leaf (pass params= to tell parameters from inputs)",
    "intermediate": "intermediate result",
}
EDGE_LEGEND = (
    "number on an edge into an op: d(result)/d(operand), the local derivative",
    "grad of a value = sum over its out-edges of (number on edge) x (grad of the result)",
)
HIGHLIGHT = "#d62828"


class HasParameters(Protocol):
    def parameters(self) -> list[Value]: ...


def _field(text: str) -> str:
    """Text safe inside a record field: `{ } | < >` and quotes would otherwise be syntax."""
    text = text.replace("\\", "\\\\")
    for ch in '{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    show_local_grads: bool = True,
    legend: bool = False,
    highlight: Value | None = None,
    max_nodes: int = 200,
    expand_fused: bool = False,
    params: HasParameters | Iterable[Value] | None = None,
    inputs: Iterable[Value] | None = None,
    groups: Mapping[Value, str] | None = None,
    digits: int = 4,
) -> graphviz.Digraph:
    """The graph of everything `root` depends on, as a `graphviz.Digraph` (micrograd's name).

    Roles: `root` is the output; Values in `params` (a list or a Module) are parameters, those in
    `inputs` inputs. Without them, labelled leaves are inputs when `params` is given and "leaves"
    otherwise; unlabelled leaves (the 2 in `x * 2`) are constants.
    `show_local_grads` puts d(out)/d(input) on each edge into an op; `highlight` (a Value)
    emphasises every path from the root down to it; `legend` adds a key to the colours.
    `expand_fused` draws each fused `affine` neuron as micrograd's chain of `*` and `+` nodes
    (partial sums from the bias, each with the affine node's grad). `max_nodes` bounds the DOT
    nodes drawn: beyond it, the Values furthest from the root become summary boxes; `groups`
    (e.g. `neuron_groups(model.layers, order)`) draws each named group of Values as one box.
    Figures show `digits` significant digits. Raises ValueError for a bad option.
    """
    if max_nodes < 2:
        raise ValueError(f"draw_dot: max_nodes must be at least 2, got {max_nodes}")
    order = topo_order(root)
    index = {v: i for i, v in enumerate(order)}
    if highlight is not None and highlight not in index:
        raise ValueError(f"draw_dot: highlight={highlight!r} is not in the graph of {root!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_dot: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if params is None or isinstance(params, Iterable):
        param_set = set(params or ())
    else:
        param_set = set(params.parameters())
    input_set = set(inputs or ())
    costs = [cost(v, expand_fused) for v in order]
    group_ix = {index[v]: name for v, name in (groups or {}).items() if v in index}
    parents = [tuple(index[p] for p in v.inputs) for v in order]
    cut = plan_cut(
        parents,
        [v.op for v in order],
        costs,
        budget=max_nodes,
        groups=group_ix,
    )
    hot = reaches(order, index, highlight)

    def kind(v: Value) -> Kind:
        if v is root:
            return "output"
        if v in param_set:
            return "parameter"
        if v in input_set:
            return "input"
        if v.inputs:
            return "intermediate"
        if not v.label:
            return "constant"
        return "input" if params is not None else "leaf"

    boxes: list[Box] = []
    for i, v in enumerate(order):
        if i not in cut.kept:
            continue
        ins = []
        for k, p in enumerate(v.inputs):
            j = index[p]
            src = f"n{j}" if j in cut.kept else cut.bundles[cut.bundle_of[j]].key
            ins.append((src, p, k, j in hot))
        if v.op == "affine" and expand_fused:
            boxes.extend(expand_affine(v, i, ins, kind(v), i in hot, digits))
            continue
        op = (v.op or "?") if v.inputs else ""  # a micrograd-style node may have no op name
        box = Box(f"n{i}", v.label, v.data, v.grad, kind(v), op, hot=i in hot)
        locals_ = local_grads(v)
        for (src, _p, k, is_hot), local in zip(ins, locals_ or [None] * len(ins), strict=True):
            text, tip = edge_text(v, k, local, digits)
            box.ins.append((src, text, tip, is_hot))
        boxes.append(box)
    return _emit(boxes, cut, parents, hot, rankdir, show_local_grads, legend, digits, max_nodes)


def _emit(
    boxes: list[Box],
    cut: Cut,
    parents: list[tuple[int, ...]],
    hot: set[int],
    rankdir: str,
    show_local_grads: bool,
    legend: bool,
    digits: int,
    budget: int,
) -> graphviz.Digraph:
    g = graphviz.Digraph(format="svg", graph_attr={"rankdir": rankdir})
    bundle_keys = {b.key for b in cut.bundles}
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9")
    red = {"color": HIGHLIGHT, "penwidth": "2.5"}
    for box in boxes:
        fields = [_field(box.label)] if box.label else []
        fields += [f"data {fmt(box.data, digits)}", f"grad {fmt(box.grad, digits)}"]
        attrs = {**NODE_STYLE[box.kind], **(red if box.hot else {})}
        record = " | ".join(fields)
        if rankdir in ("LR", "RL"):  # braces turn the fields across the rank direction
            record = "{ " + record + " }"
        g.node(box.key, record, shape="record", tooltip=box.kind, **attrs)
        if box.op:
            op_attrs = red if box.hot else {}
            g.node(box.key + "op", graphviz.escape(box.op), shape="ellipse", fontsize="10",
                   margin="0.02", height="0.3", **op_attrs)  # fmt: skip
            for src, text, tip, is_hot in merge_edges(box.ins, bundle_keys):
                label = text if show_local_grads else None
                g.edge(src, box.key + "op", label, tooltip=tip, **(red if is_hot else {}))
            g.edge(box.key + "op", box.key, **op_attrs)
    for k, b in enumerate(cut.bundles):
        b_hot = any(i in hot for i in b.members)
        style = {"style": "filled,dashed", "fillcolor": "#f5f5f5"} if not b.name else {}
        label = "\\n".join(graphviz.escape(line) for line in b.describe(budget))
        g.node(b.key, label, shape="note", **style, **(red if b_hot else {}))
        for src in bundle_sources(cut, k, parents):
            g.edge(src, b.key, style="dotted", arrowhead="open")
    if cut.bundles and cut.summarised:
        shown = len(cut.kept) + sum(b.count for b in cut.bundles if b.name)
        g.attr(label=f"showing {shown:,} of {cut.total:,} values; {cut.summarised:,} are "
               f"summarised in dashed boxes (raise max_nodes={budget} to see more)",
               labelloc="b", fontname="Helvetica", fontsize="10")  # fmt: skip
    if legend:
        _legend(g, {box.kind for box in boxes})
    return g


def _legend(g: graphviz.Digraph, kinds: set[Kind]) -> None:
    """One table node: a swatch per role drawn, and how to read the edges (HTML-like label)."""
    rows = ['<tr><td></td><td align="left"><b>legend</b></td></tr>']
    for kind in (k for k in NODE_STYLE if k in kinds):
        colour = NODE_STYLE[kind]["fillcolor"]
        rows.append(
            f'<tr><td bgcolor="{colour}" border="1" width="24"> </td>'
            f'<td align="left">{html.escape(LEGEND[kind])}</td></tr>'
        )
    for line in EDGE_LEGEND:
        rows.append(f'<tr><td></td><td align="left">{html.escape(line)}</td></tr>')
    table = '<table border="0" cellborder="0" cellspacing="3">' + "".join(rows) + "</table>"
    g.node("legend", f"<{table}>", shape="plaintext", fontsize="10")


def to_dot(root: Value, **draw_kwargs: Any) -> str:
    """The DOT text of `draw_dot(root, **draw_kwargs)`; needs no Graphviz binary."""
    source: str = draw_dot(root, **draw_kwargs).source
    return source
