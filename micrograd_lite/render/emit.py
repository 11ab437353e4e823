"""Write the planned picture as DOT: value boxes, op nodes with one input port per edge, the
boxes that stand for neurons, groups and summaries, and the legend.

An op node is a small table: the op's symbol beside one cell per incoming edge, and each edge
ends on its own cell, which holds that edge's local derivative d(result)/d(input). So when two
edges enter one op, each number sits where its own arrow lands (a plain edge label can drift
next to the other arrow). `show_local_grads=False` draws a plain ellipse instead.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import graphviz

from micrograd_lite.render.boxes import Box, Kind, fmt
from micrograd_lite.render.collapse import Cut, Edge, bundle_sources, merge_edges
from micrograd_lite.render.neurons import NeuronCard

# Fill colours tell the roles apart at a glance; dashed borders mark what is not a variable.
NODE_STYLE: dict[Kind, dict[str, str]] = {
    "output": {"style": "filled,bold", "fillcolor": "#f4a6a6", "penwidth": "2"},
    "parameter": {"style": "filled", "fillcolor": "#b7e4c7"},
    "input": {"style": "filled", "fillcolor": "#bcd7f5"},
    "constant": {"style": "filled,dashed", "fillcolor": "#eeeeee"},
    "leaf": {"style": "filled", "fillcolor": "#ffe8a3"},
    "intermediate": {"style": "filled", "fillcolor": "#ffffff"},
    "neuron": {"style": "filled", "fillcolor": "#e4d7f5"},
}
LEGEND: dict[Kind, str] = {
    "output": "output (the root)",
    "parameter": "parameter (trained)",
    "input": "input (not trained)",
    "constant": "constant (unlabelled leaf, dashed)",
    "leaf": "leaf (pass model= or params= to tell parameters from inputs)",
    "intermediate": "intermediate result",
    "neuron": "neuron: hover for its weights; expand= draws them",
}
EDGE_LEGEND = (
    "number where an edge enters an op: d(result)/d(operand), the local derivative",
    "grad of a value = sum over its out-edges of (number on edge) x (grad of the result)",
)
HIGHLIGHT = "#d62828"
_RED = {"color": HIGHLIGHT, "penwidth": "2.5"}
_LIGHT = {"color": "#555555", "penwidth": "0.6", "arrowsize": "0.6"}
_COMPASS = {"LR": "w", "RL": "e", "TB": "n", "BT": "s"}  # the side of an op inputs enter by


class Picture(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
    """What `draw_dot` returns: a `graphviz.Digraph` whose Jupyter output also holds its DOT
    text as the plain-text form (graphviz's would be `<... object at 0x7f...>`, different on
    every run), so a saved notebook's pictures can be checked against a rerun as DOT: the
    SVG beside it varies between Graphviz versions."""

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, bytes | str]:
        bundle: dict[str, bytes | str] = super()._repr_mimebundle_(include, exclude, **kwargs)
        if "text/plain" not in set(exclude or ()):
            bundle["text/plain"] = self.source
        return bundle


def field(text: str) -> str:
    """Text safe inside a record field: `{ } | < >` and quotes would otherwise be syntax."""
    text = text.replace("\\", "\\\\")
    for ch in '{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def emit(
    boxes: list[Box],
    cut: Cut,
    parents: list[tuple[int, ...]],
    hot: set[int],
    *,
    rankdir: str,
    show_local_grads: bool,
    legend: bool,
    digits: int,
    budget: int,
    cards: Mapping[str, NeuronCard],
    neuron_ins: Mapping[str, list[Edge]],
) -> graphviz.Digraph:
    """The Digraph of the planned picture; `cards` are the neurons drawn as one box each, and
    `neuron_ins` the edges into each of those boxes (by box id)."""
    g = Picture(format="svg", graph_attr={"rankdir": rankdir})
    bundle_keys = {b.key for b in cut.bundles}
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9")
    across = rankdir in ("LR", "RL")
    for box in boxes:
        fields = [field(box.label)] if box.label else []
        fields += [f"data {fmt(box.data, digits)}", f"grad {fmt(box.grad, digits)}"]
        attrs = {**NODE_STYLE[box.kind], **(_RED if box.hot else {})}
        record = " | ".join(fields)
        if across:  # braces turn the fields across the rank direction
            record = "{ " + record + " }"
        g.node(box.key, record, shape="record", tooltip=box.kind, **attrs)
        if box.op:
            ins = merge_edges(box.ins, bundle_keys)
            _op_node(g, box, ins, rankdir, show_local_grads)
    kinds: set[Kind] = {box.kind for box in boxes}
    # neurons in their model's order (layers.0.neurons.2 before .10): dot keeps it when it can
    ranked = sorted(
        enumerate(cut.bundles), key=lambda kb: _natural(kb[1].name) if kb[1].name in cards else []
    )
    for k, b in ranked:
        b_hot = any(i in hot for i in b.members)
        card = cards.get(b.name)
        if card is not None:
            kinds.add("neuron")
            _neuron_box(g, b.key, card, digits, b_hot)
            for src, _text, tip, is_hot in neuron_ins.get(b.key, []):  # many: drawn light
                g.edge(src, b.key, tooltip=tip, **(_RED if is_hot else _LIGHT))
            continue
        style = {"style": "filled,dashed", "fillcolor": "#f5f5f5"} if not b.name else {}
        label = "\\n".join(graphviz.escape(line) for line in b.describe(budget))
        g.node(b.key, label, shape="note", **style, **(_RED if b_hot else {}))
        for src in bundle_sources(cut, k, parents):
            g.edge(src, b.key, style="dotted", arrowhead="open")
    if cards:  # wide gaps between ranks: edges from layer to layer fan out, not a wall
        g.attr(ranksep="1.1")
        _keep_in_order(g, [(b.name, b.key) for _, b in ranked if b.name in cards])
    if cut.bundles and cut.summarised:
        shown = len(cut.kept) + sum(b.count for b in cut.bundles if b.name)
        g.attr(label=f"showing {shown:,} of {cut.total:,} values; {cut.summarised:,} are "
               f"summarised in dashed boxes (raise max_nodes={budget} to see more)",
               labelloc="b", fontname="Helvetica", fontsize="10")  # fmt: skip
    if legend:
        _legend(g, kinds)
    return g


def _keep_in_order(g: graphviz.Digraph, boxes: list[tuple[str, str]]) -> None:
    """Neurons of one layer (`layers.0.neurons.*`) side by side in a rank, in their order,
    held there by invisible edges (dot would otherwise order them to cross fewer edges)."""
    layers: dict[str, list[str]] = {}
    for name, key in boxes:
        layers.setdefault(name.rpartition(".")[0], []).append(key)
    for keys in layers.values():
        if len(keys) > 1:
            with g.subgraph() as rank:
                rank.attr(rank="same")
                for a, b in itertools.pairwise(keys):
                    rank.edge(a, b, style="invis")


def _natural(name: str) -> list[tuple[int, str]]:
    """`layers.0.neurons.10` sorts after `layers.0.neurons.9`: numbers compared as numbers."""
    return [(int(p), "") if p.isdigit() else (-1, p) for p in name.split(".")]


def _op_node(g: graphviz.Digraph, box: Box, ins: Sequence[Edge], rankdir: str, ports: bool) -> None:
    """The op's node, the edges into it (each on its own port, labelled in that port's cell)
    and the edge from it to the box of its result."""
    key = box.key + "op"
    red = _RED if box.hot else {}
    if not ports:
        g.node(key, graphviz.escape(box.op), shape="ellipse", fontsize="10", margin="0.02",
               height="0.3", **red)  # fmt: skip
        for src, _text, tip, is_hot in ins:
            g.edge(src, key, tooltip=tip, **(_RED if is_hot else {}))
    else:
        g.node(key, _op_table(box.op, [e[1] for e in ins], rankdir, box.hot), shape="plain")
        for k, (src, _text, tip, is_hot) in enumerate(ins):
            g.edge(src, f"{key}:i{k}:{_COMPASS[rankdir]}", tooltip=tip, **(_RED if is_hot else {}))
    g.edge(key, box.key, **red)


def _op_table(op: str, texts: Sequence[str], rankdir: str, hot: bool) -> str:
    """HTML-like label: the op symbol and one port cell `i<k>` per input edge, on the side the
    edges come from (left for LR, top for TB, ...)."""
    cells = [
        f'<td port="i{k}" bgcolor="#eeeeee"><font point-size="9">{html.escape(t)}</font></td>'
        for k, t in enumerate(texts)
    ]
    n = max(1, len(cells))
    if rankdir in ("LR", "RL"):
        sym = f'<td rowspan="{n}">{html.escape(op)}</td>'
        first = [sym, cells[0]] if rankdir == "RL" else [cells[0], sym]
        rows = ["".join(first), *cells[1:]] if cells else [sym]
    else:
        sym = f'<td colspan="{n}">{html.escape(op)}</td>'
        rows = [sym, "".join(cells)] if rankdir == "BT" else ["".join(cells), sym]
        rows = [r for r in rows if r]
    color = f' color="{HIGHLIGHT}"' if hot else ""
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    return (
        f'<<table border="1" cellborder="0" cellspacing="1" cellpadding="2" style="rounded"'
        f"{color}>{body}</table>>"
    )


def _neuron_box(g: graphviz.Digraph, key: str, card: NeuronCard, digits: int, hot: bool) -> None:
    """One box for a neuron: its name, its formula, and its result (each call's, on hover).
    An HTML-like table, not a record: dot loses the invisible edges that order records."""
    if len(card.outputs) == 1:
        out = card.outputs[0]
        figures = [f"data {fmt(out.data, digits)}", f"grad {fmt(out.grad, digits)}"]
    else:
        figures = [f"{len(card.outputs)} calls: hover for each"]
    cells = "".join(f'<td border="1" sides="t">{html.escape(t)}</td>' for t in figures)
    colspan = f' colspan="{len(figures)}"' if len(figures) > 1 else ""
    colour = HIGHLIGHT if hot else "black"
    table = (
        f'<table border="{2 if hot else 1}" cellborder="0" cellspacing="0" cellpadding="3" '
        f'style="rounded" bgcolor="{NODE_STYLE["neuron"]["fillcolor"]}" color="{colour}">'
        f"<tr><td{colspan}>{html.escape(card.name)}</td></tr>"
        f'<tr><td{colspan} border="1" sides="t">{html.escape(card.formula)}</td></tr>'
        f"<tr>{cells}</tr></table>"
    )
    g.node(key, f"<{table}>", shape="plain", tooltip=card.tooltip(digits))


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
