"""Render a computation graph as a Graphviz picture from which the chain rule can be read.

Every Value is a record box `label | data | grad`; every op is its own small node; every edge
into an op carries the local derivative d(out)/d(input) as a number, with its rule from the op
table as tooltip. Backprop is then visible edge by edge: a Value's grad is the sum, over the edges
leaving it, of (local derivative on the edge) x (grad of the op's result), e.g. for
E = 1/2 (out - Y)^2 with w_ho = 0.3 and h = 0.15:  dE/dw_ho = 0.15 x 1.045 = 0.1567.

* `draw_dot` builds a `graphviz.Digraph`: pure DOT text, no `dot` binary needed (`.source`);
  in Jupyter it displays inline as SVG (which does run `dot`).
* `to_svg` and `render_to_file` run `dot`; if it is missing the error says how to install it.
* Node ids are topological indices (`n0`, `n1`, ...; never `id()`): the same graph gives the same
  DOT text, so pictures can be snapshot-tested.
* Big graphs are collapsed before `dot` sees them (`max_nodes`, `groups`; see render_collapse).

This is the only module that imports `graphviz`.

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
import pathlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

import graphviz

from micrograd_lite.backward import topo_order
from micrograd_lite.errors import GraphError
from micrograd_lite.ops import ADD, MUL
from micrograd_lite.render_collapse import Cut, bundle_sources, merge_edges, neuron_groups, plan_cut
from micrograd_lite.value import Value

__all__ = ["draw_dot", "neuron_groups", "render_to_file", "to_dot", "to_svg"]

Kind = Literal["output", "parameter", "input", "constant", "leaf", "intermediate"]

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
FORMATS = {".svg", ".png", ".pdf"}
INSTALL_HINT = (
    "Graphviz's `dot` program is needed to render {what}, but it is not on PATH. Install it "
    "with `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), or "
    "from https://graphviz.org/download/; or write DOT text instead, which needs no binary "
    "(`draw_dot(root).source`, or a path ending in .dot)."
)


class HasParameters(Protocol):
    def parameters(self) -> list[Value]: ...


@dataclass
class _Box:
    """One value box of the picture, with the op node that made it and its incoming edges."""

    key: str
    label: str
    data: float
    grad: float
    kind: Kind
    op: str = ""  # '' for a leaf
    ins: list[tuple[str, str, str, bool]] = field(default_factory=list)  # key, label, tip, hot
    hot: bool = False  # on a path from the root to `highlight`


def fmt(x: float, digits: int = 4) -> str:
    """`x` to `digits` significant digits, shortest form: 0.15674999999999997 -> '0.1567'."""
    return f"{x:.{digits}g}"


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
    costs = [_cost(v, expand_fused) for v in order]
    group_ix = {index[v]: name for v, name in (groups or {}).items() if v in index}
    parents = [tuple(index[p] for p in v.inputs) for v in order]
    cut = plan_cut(
        parents,
        [v.op for v in order],
        costs,
        budget=max_nodes,
        groups=group_ix,
    )
    hot = _reaches(order, index, highlight)

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

    boxes: list[_Box] = []
    for i, v in enumerate(order):
        if i not in cut.kept:
            continue
        ins = []
        for k, p in enumerate(v.inputs):
            j = index[p]
            src = f"n{j}" if j in cut.kept else cut.bundles[cut.bundle_of[j]].key
            ins.append((src, p, k, j in hot))
        if v.op == "affine" and expand_fused:
            boxes.extend(_expand_affine(v, i, ins, kind(v), i in hot, digits))
            continue
        op = (v.op or "?") if v.inputs else ""  # a micrograd-style node may have no op name
        box = _Box(f"n{i}", v.label, v.data, v.grad, kind(v), op, hot=i in hot)
        locals_ = _local_grads(v)
        for (src, _p, k, is_hot), local in zip(ins, locals_ or [None] * len(ins), strict=True):
            text, tip = _edge_text(v, k, local, digits)
            box.ins.append((src, text, tip, is_hot))
        boxes.append(box)
    return _emit(boxes, cut, parents, hot, rankdir, show_local_grads, legend, digits, max_nodes)


def _cost(v: Value, expand_fused: bool) -> int:
    """DOT nodes Value v takes: its box, its op node, or an affine neuron's expanded chain."""
    if not v.inputs:
        return 1
    if expand_fused and v.op == "affine":
        n = len(v.inputs) // 2  # a box and an op node per product and per sum, + a 0 box
        return 4 * n + (1 if len(v.inputs) == 2 * n else 0)
    return 2


def _reaches(order: list[Value], index: dict[Value, int], target: Value | None) -> set[int]:
    """Indices of the Values from which `target` is reachable (through inputs), itself included."""
    if target is None:
        return set()
    hot: set[int] = set()
    for i, v in enumerate(order):  # inputs come first, so one pass suffices
        if v is target or any(index[p] in hot for p in v.inputs):
            hot.add(i)
    return hot


def _local_grads(v: Value) -> tuple[float, ...] | None:
    try:
        return v.local_grads
    except GraphError:  # micrograd's Value(data, _children, _op): derivatives unknown
        return None


def _edge_text(v: Value, k: int, local: float | None, digits: int) -> tuple[str, str]:
    """The edge label (the local derivative) and its tooltip (the rule that gives it)."""
    if local is None:
        return "?", f"unknown: {v.op or 'this node'} was built with Value(data, _children, _op)"
    shown = fmt(local, digits)
    if v.op == "affine":
        n = len(v.inputs) // 2
        if k < n:
            rule = f"d(b + w.x)/dw{k + 1} = x{k + 1}"
        elif k < 2 * n:
            rule = f"d(b + w.x)/dx{k - n + 1} = w{k - n + 1}"
        else:
            rule = "d(b + w.x)/db = 1"
    else:
        rule = v.rule.rule(k) if v.rule is not None else f"d({v.op})/d(input {k + 1})"
    return shown, f"{rule}  (here {shown})"


def _expand_affine(
    v: Value, i: int, ins: list[tuple[str, Value, int, bool]], kind: Kind, hot: bool, digits: int
) -> list[_Box]:
    """micrograd's chain for one fused neuron: p_k = w_k * x_k, s_k = s_(k-1) + p_k from the bias.

    The partial sums are recomputed left to right from the bias (from a constant 0 without one,
    as micrograd's `sum(..., 0)` and `Value.affine` do), so the last is the affine node's own
    data; every product and sum, and the 0, has the affine node's grad (d(a+b)/da = 1).
    """
    n = len(v.inputs) // 2
    ws, xs = ins[:n], ins[n : 2 * n]
    boxes: list[_Box] = []
    if len(ins) > 2 * n:
        src, bias, _k, b_hot = ins[2 * n]
        total, prev = bias.data, (src, b_hot)
    else:
        boxes.append(_Box(f"n{i}z", "", 0.0, v.grad, "constant"))
        total, prev = 0.0, (f"n{i}z", False)
    for k, (w, x) in enumerate(zip(ws, xs, strict=True)):
        wd, xd = w[1].data, x[1].data
        p_hot = w[3] or x[3]
        prod = _Box(f"n{i}p{k}", "", wd * xd, v.grad, "intermediate", "*", hot=p_hot)
        for side, (src, _v, _k, is_hot), local in ((0, w, xd), (1, x, wd)):
            shown = fmt(local, digits)
            prod.ins.append((src, shown, f"{MUL.rule(side)}  (here {shown})", is_hot))
        total = total + wd * xd
        last = k == n - 1
        s_hot = prev[1] or p_hot
        key = f"n{i}" if last else f"n{i}s{k}"
        s = _Box(key, v.label if last else "", total, v.grad, kind if last else "intermediate")
        s.op, s.hot = "+", (hot if last else s_hot)
        s.ins = [
            (prev[0], "1", f"{ADD.rule(0)}  (here 1)", prev[1]),
            (prod.key, "1", f"{ADD.rule(1)}  (here 1)", p_hot),
        ]
        boxes += [prod, s]
        prev = (key, s_hot)
    return boxes


def _emit(
    boxes: list[_Box],
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


def to_dot(root: Value, **draw_kwargs: object) -> str:
    """The DOT text of `draw_dot(root, **draw_kwargs)`; needs no Graphviz binary."""
    source: str = draw_dot(root, **draw_kwargs).source  # type: ignore[arg-type]
    return source


def to_svg(root: Value, **draw_kwargs: object) -> str:
    """The picture as SVG text (runs `dot`)."""
    g = draw_dot(root, **draw_kwargs)  # type: ignore[arg-type]
    svg: str = _pipe(g, "svg", "SVG").decode("utf-8")
    return svg


def render_to_file(root: Value, path: str | pathlib.Path, **draw_kwargs: object) -> pathlib.Path:
    """Write the picture to `path`, by suffix: .dot/.gv DOT text (no binary), .svg/.png/.pdf (dot).

    Parent directories are created. Returns the path written.
    """
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS | {".dot", ".gv"}:
        raise ValueError(
            f"render_to_file: unknown suffix {path.suffix!r} in {str(path)!r}; "
            "use .svg, .png, .pdf (need Graphviz's dot) or .dot/.gv (DOT text)"
        )
    g = draw_dot(root, **draw_kwargs)  # type: ignore[arg-type]
    if suffix in FORMATS:
        data = _pipe(g, suffix[1:], str(path))  # before mkdir: a failure leaves no empty dirs
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(g.source, encoding="utf-8")
    return path


def _pipe(g: graphviz.Digraph, fmt_: str, what: str) -> bytes:
    try:
        data: bytes = g.pipe(format=fmt_)
    except graphviz.ExecutableNotFound as err:
        # graphviz's own class, so callers' `except ExecutableNotFound` still work
        missing = graphviz.ExecutableNotFound(["dot"])
        missing.args = (INSTALL_HINT.format(what=what),)
        raise missing from err
    return data
