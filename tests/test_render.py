"""Rendering: the pictures must carry the numbers, so these tests read them back out.

SVG tests really run Graphviz's `dot` (CI installs it): each one parses the SVG with
xml.etree and checks the text inside each node and edge, not that a file was produced.
"""

from __future__ import annotations

import html
import importlib.util
import itertools
import random
import re
import struct
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from types import ModuleType

import graphviz
import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import MLP, Layer, Neuron, Value
from micrograd_lite.backward import topo_order
from micrograd_lite.render import (
    HIGHLIGHT,
    draw_dot,
    fmt,
    neuron_groups,
    render_to_file,
    to_dot,
    to_svg,
)
from micrograd_lite.render.collapse import plan_cut

SVG = "{http://www.w3.org/2000/svg}"


# -- helpers -----------------------------------------------------------------------------------


def seed_004() -> dict[str, Value]:
    """Seed article 004: X = 1 -> h = X*w_ih -> out = h*w_ho, E = 1/2 (out - Y)^2, Y = -1."""
    x = Value(1.0, label="X")
    w_ih = Value(0.15, label="w_ih")
    w_ho = Value(0.3, label="w_ho")
    h = x * w_ih
    h.label = "h"
    out = h * w_ho
    out.label = "out"
    e = 0.5 * (out - -1.0) ** 2
    e.label = "E"
    e.backward()
    return {"X": x, "w_ih": w_ih, "w_ho": w_ho, "h": h, "out": out, "E": e}


def svg_items(svg: str, cls: str) -> dict[str, list[str]]:
    """{title: texts} of every SVG group of class `cls` ('node' or 'edge')."""
    root = ET.fromstring(svg)
    items: dict[str, list[str]] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == cls:
            title = g.findtext(f"{SVG}title") or ""
            items[title] = [t.text or "" for t in g.iter(f"{SVG}text")]
    return items


ATTR = re.compile(r'(\w+)=(<.*>(?=\s\w+=|$)|"(?:[^"\\]|\\.)*"|[^\s\]]+)')
PORT = re.compile(r'<td port="(i\d+)"[^>]*><font[^>]*>(.*?)</font></td>')


def dot_items(
    source: str,
) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """Nodes {id: attrs} and edges [(tail, head, attrs)] of draw_dot's DOT text.

    An edge that ends on a port of an op node (`n2op:i0:w`) is given with the op node as its
    head, the port as attrs["port"], and the text of that port's cell as attrs["label"]: the
    local derivative drawn where that edge lands."""
    nodes: dict[str, dict[str, str]] = {}
    raw: list[tuple[str, str, dict[str, str]]] = []
    for line in source.splitlines():
        m = re.match(r"^\s+(\S+)(?: -> (\S+))?(?: \[(.*)\])?$", line)
        if not m or m.group(1) in ("graph", "node", "edge") or not (m.group(2) or m.group(3)):
            continue
        attrs = {k: v.strip('"') for k, v in ATTR.findall(m.group(3) or "")}
        if m.group(2):
            raw.append((m.group(1), m.group(2), attrs))
        else:
            nodes[m.group(1)] = attrs
    edges = []
    for tail, head, attrs in raw:
        node, _, port = head.partition(":")
        if port:
            cells = dict(PORT.findall(nodes[node]["label"]))
            k = port.split(":")[0]
            attrs = {**attrs, "port": k, "label": html.unescape(cells[k])}
        edges.append((tail, node, attrs))
    return nodes, edges


def op_symbol(attrs: dict[str, str]) -> str:
    """The symbol of an op node: the table cell beside its ports (or a plain ellipse's label)."""
    m = re.search(r'<td (?:rowspan|colspan)="\d+">(.*?)</td>', attrs["label"])
    return html.unescape(m.group(1)) if m else attrs["label"]


def mlp_loss(*, fused: bool, points: int = 100) -> tuple[MLP, Value]:
    model = MLP(2, [16, 16, 1], seed=0, fused=fused)
    rng = random.Random(1)
    data = [[Value(rng.uniform(-1, 1)), Value(rng.uniform(-1, 1))] for _ in range(points)]
    loss = Value(0.0)
    for x in data:
        pred = model(x)
        assert isinstance(pred, Value)  # one output neuron: a Value, not a list
        loss = loss + (pred - 1.0) ** 2
    loss.backward()
    return model, loss


# -- the issue's acceptance test ---------------------------------------------------------------


def test_seed_004_svg_shows_labels_values_grads_and_local_derivatives() -> None:
    v = seed_004()
    svg = to_svg(v["E"], params=[v["w_ih"], v["w_ho"]])
    nodes = svg_items(svg, "node")
    by_label = {texts[0]: texts for texts in nodes.values() if texts}
    for name in ("X", "w_ih", "w_ho", "h", "out", "E"):
        assert name in by_label, f"label {name} missing from the SVG"
    # the article's figures: out = 0.045, dE/dout = out - Y = 1.045,
    # dE/dw_ih = 1.045 * 0.3 * 1 = 0.3135, dE/dw_ho = 1.045 * 0.15 = 0.15675 (float ...74999)
    assert by_label["out"][1:] == ["data 0.045", "grad 1.045"]
    assert by_label["h"][1:] == ["data 0.15", "grad 0.3135"]
    assert by_label["w_ih"][1:] == ["data 0.15", "grad 0.3135"]
    assert by_label["w_ho"][1:] == ["data 0.3", "grad 0.1567"]
    assert by_label["X"][1:] == ["data 1", "grad 0.04702"]  # 0.3135 * 0.15
    assert by_label["E"][1:] == ["data 0.546", "grad 1"]  # 1/2 * 1.045^2 = 0.5460125
    ops = {title: texts for title, texts in nodes.items() if title.endswith("op")}
    # an op node reads: its first port's number, its symbol, its other ports' numbers
    assert Counter(texts[1] for texts in ops.values()) == Counter({"*": 3, "-": 1, "**2": 1})
    ports = {title: [texts[0], *texts[2:]] for title, texts in ops.items()}
    ids = {texts[0]: title for title, texts in nodes.items() if not title.endswith("op")}
    out_op, h_op = ids["out"] + "op", ids["h"] + "op"
    # d(h*w_ho)/dh = w_ho, d(h*w_ho)/dw_ho = h, d(X*w_ih)/dX = w_ih, d(X*w_ih)/dw_ih = X
    assert ports[out_op] == ["0.3", "0.15"]
    assert ports[h_op] == ["0.15", "1"]
    # ... and each operand's edge lands on its own port (the DOT says which)
    _, edges = dot_items(to_dot(v["E"], params=[v["w_ih"], v["w_ho"]]))
    lands = {(t, h): a["port"] for t, h, a in edges if h.endswith("op")}
    assert len(lands) == 9  # 2 per binary op (*, *, -, and 0.5 * ...), 1 for **2
    assert lands[ids["h"], out_op] == lands[ids["X"], h_op] == "i0"
    assert lands[ids["w_ho"], out_op] == lands[ids["w_ih"], h_op] == "i1"
    assert ports["n7op"] == ["1", "-1"]  # d(out - Y)/dout, d(out - Y)/dY
    # the rest: d(a^2)/da = 2 * 1.045, d(0.5*s)/d0.5 = s = 1.092025, d/ds = 0.5
    assert Counter(p for texts in ports.values() for p in texts) == Counter(
        {"0.15": 2, "1": 2, "0.3": 1, "-1": 1, "2.09": 1, "1.092": 1, "0.5": 1}
    )


def test_figures_keep_four_significant_digits() -> None:
    assert fmt(0.15674999999999997) == "0.1567"
    assert fmt(0.3135) == "0.3135"
    assert fmt(-1.0) == "-1"
    assert fmt(123456.0) == "1.235e+05"
    assert fmt(0.15674999999999997, digits=8) == "0.15675"


# -- DOT text, stable ids, no binary -----------------------------------------------------------


def test_dot_text_needs_no_binary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    v = seed_004()
    source = draw_dot(v["E"]).source
    assert '"{ out | data 0.045 | grad 1.045 }"' in source
    written = render_to_file(v["E"], tmp_path / "deep" / "dir" / "seed.dot")
    assert written.read_text(encoding="utf-8") == source
    assert render_to_file(v["E"], tmp_path / "seed.gv").read_text(encoding="utf-8") == source


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_missing_dot_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, suffix: str
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    target = tmp_path / "new" / f"seed{suffix}"
    with pytest.raises(graphviz.ExecutableNotFound) as info:
        render_to_file(seed_004()["E"], target)
    message = str(info.value)
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert "graphviz.org" in message
    assert str(target) in message
    assert not target.parent.exists()  # nothing half-made


def test_to_svg_without_dot_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(graphviz.ExecutableNotFound, match="apt-get install graphviz"):
        to_svg(seed_004()["E"])


def test_same_graph_gives_identical_dot_text() -> None:
    first = to_dot(seed_004()["E"], legend=True)
    second = to_dot(seed_004()["E"], legend=True)  # new Values, new id()s
    assert first == second
    nodes, _ = dot_items(first)
    values = [k for k in nodes if re.fullmatch(r"n\d+", k)]
    assert values == [f"n{i}" for i in range(10)]  # topological indices, in order
    _, loss = mlp_loss(fused=True, points=5)
    _, again = mlp_loss(fused=True, points=5)
    assert to_dot(loss, max_nodes=60) == to_dot(again, max_nodes=60)


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_render_to_file_by_suffix(tmp_path: Path, suffix: str, magic: bytes) -> None:
    path = render_to_file(seed_004()["E"], tmp_path / "a" / "b" / f"g{suffix}")
    assert path == tmp_path / "a" / "b" / f"g{suffix}"
    assert path.read_bytes().startswith(magic)


def test_render_to_file_refuses_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown suffix '\.jpeg'.*\.svg, \.png, \.pdf"):
        render_to_file(seed_004()["E"], tmp_path / "g.jpeg")


def test_jupyter_displays_svg() -> None:
    g = draw_dot(seed_004()["E"])
    bundle = g._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert "w_ih" in svg_items(svg, "node")["n2"]
    # the plain-text form is the DOT text, the same on every run (not `<... at 0x7f...>`)
    assert bundle["text/plain"] == g.source == to_dot(seed_004()["E"])
    assert isinstance(g, graphviz.Digraph)


# -- roles, legend, options --------------------------------------------------------------------


def test_roles_are_told_apart() -> None:
    v = seed_004()
    nodes, _ = dot_items(to_dot(v["E"], params=[v["w_ih"], v["w_ho"]]))
    kind = {
        a["label"].split(" | ")[0].strip("{ "): a["tooltip"]
        for a in nodes.values()
        if "tooltip" in a
    }
    assert kind["w_ih"] == kind["w_ho"] == "parameter"
    assert kind["X"] == "input"
    assert kind["E"] == "output"
    assert kind["h"] == kind["out"] == "intermediate"
    assert kind["data 0.5"] == kind["data -1"] == "constant"
    fills = {k: nodes[k]["fillcolor"] for k in ("n0", "n1", "n2", "n3", "n9")}
    assert len(set(fills.values())) == 5  # constant, input, parameter, intermediate, output
    plain, _ = dot_items(to_dot(v["E"]))  # without params=: labelled leaves are just "leaf"
    assert plain["n1"]["tooltip"] == plain["n2"]["tooltip"] == "leaf"


def test_params_accepts_a_module_and_inputs_marks_inputs() -> None:
    neuron = Neuron(2, weights=[0.5, -1.0], bias=0.25, activation="tanh")
    x = [Value(2.0), Value(3.0)]
    y = neuron(x)
    nodes, _ = dot_items(to_dot(y, params=neuron, inputs=x))
    kinds = Counter(a["tooltip"] for k, a in nodes.items() if re.fullmatch(r"n\d+", k))
    assert kinds == Counter({"parameter": 3, "input": 2, "intermediate": 1, "output": 1})


def test_legend_lists_the_roles_drawn() -> None:
    v = seed_004()
    svg = to_svg(v["E"], params=[v["w_ih"]], legend=True)
    legend = svg_items(svg, "node")["legend"]
    assert legend[0] == "legend"
    assert "parameter (trained)" in legend
    assert "input (not trained)" in legend  # X and, without params=, w_ho
    assert "output (the root)" in legend
    assert "constant (unlabelled leaf, dashed)" in legend
    assert not any(t.startswith("leaf") for t in legend)  # no unclassified leaves with params=
    assert any("local derivative" in t for t in legend)
    assert "legend" not in to_dot(v["E"])


def test_show_local_grads_off_keeps_rules_as_tooltips() -> None:
    _, edges = dot_items(to_dot(seed_004()["E"], show_local_grads=False))
    into_ops = [a for _, head, a in edges if head.endswith("op")]
    assert len(into_ops) == 9
    assert all("label" not in a for a in into_ops)
    assert {a["tooltip"] for a in into_ops} >= {"d(a*b)/da = b  (here 0.3)"}


def test_labels_with_dot_syntax_are_escaped() -> None:
    a = Value(1.5, label='a|b{c}<d> "q" \\ e')
    b = a * 2.0
    b.label = "2a"
    texts = svg_items(to_svg(b), "node")["n0"]
    assert texts == ['a|b{c}<d> "q" \\ e', "data 1.5", "grad 0"]


def test_rankdir_is_checked() -> None:
    top_down = to_dot(seed_004()["E"], rankdir="TB")
    assert "rankdir=TB" in top_down
    assert '"out | data 0.045 | grad 1.045"' in top_down  # no braces: fields stay side by side
    with pytest.raises(ValueError, match="rankdir must be"):
        draw_dot(seed_004()["E"], rankdir="sideways")


# -- highlight ----------------------------------------------------------------------------------


def test_highlight_marks_every_path_from_the_output_to_the_input() -> None:
    v = seed_004()
    nodes, edges = dot_items(to_dot(v["E"], highlight=v["w_ih"]))
    red_nodes = {k for k, a in nodes.items() if a.get("color") == HIGHLIGHT}
    red_nodes |= {k for k, a in nodes.items() if f'color="{HIGHLIGHT}"' in a.get("label", "")}
    red_edges = {(t, h) for t, h, a in edges if a.get("color") == HIGHLIGHT}
    # w_ih (n2) -> * -> h (n3) -> * -> out (n5) -> - -> n7 -> **2 -> n8 -> * -> E (n9)
    path = ["n2", "n3", "n5", "n7", "n8", "n9"]
    assert red_nodes == set(path) | {f"{n}op" for n in path[1:]}
    assert red_edges == {(a, f"{b}op") for a, b in itertools.pairwise(path)} | {
        (f"{n}op", n) for n in path[1:]
    }


def test_highlight_follows_both_branches_of_a_diamond() -> None:
    x = Value(2.0, label="x")
    a = x * 3.0
    b = x.tanh()
    y = a + b
    y.backward()
    _, edges = dot_items(to_dot(y, highlight=x))
    red = {(t, h) for t, h, attrs in edges if attrs.get("color") == HIGHLIGHT}
    ids = {"x": "n0", "a": "n2", "b": "n3", "y": "n4"}
    assert red == {
        (ids["x"], "n2op"), ("n2op", ids["a"]), (ids["a"], "n4op"),
        (ids["x"], "n3op"), ("n3op", ids["b"]), (ids["b"], "n4op"), ("n4op", ids["y"]),
    }  # fmt: skip
    with pytest.raises(ValueError, match="not in the graph"):
        draw_dot(y, highlight=Value(1.0))


# -- the fused neuron, expanded -----------------------------------------------------------------


def _picture(source: str) -> tuple[Counter[str], Counter[tuple[str, str, str, str]]]:
    """A DOT picture without its ids: node labels, and edges as (tail, head, label, tooltip)."""
    nodes, edges = dot_items(source)
    labels = Counter(a["label"] for a in nodes.values())
    named = Counter(
        (nodes[t]["label"], nodes[h]["label"], a.get("label", ""), a.get("tooltip", ""))
        for t, h, a in edges
    )
    return labels, named


@pytest.mark.parametrize("bias", [True, False])
def test_expand_fused_matches_micrograds_unfused_graph(bias: bool) -> None:
    weights = [0.5, -1.25, 0.75]
    xs = [0.3, -2.0, 1.1]
    outs = []
    for fused in (True, False):
        neuron = Neuron(
            3, weights=weights, bias=0.2 if bias else False, fused=fused, activation="tanh"
        )
        y = neuron([Value(x) for x in xs])
        z = y * y
        z.backward()
        outs.append(z)
    fused_graph, micrograd_graph = outs
    expanded = to_dot(fused_graph, expand_fused=True)
    unfused = to_dot(micrograd_graph)
    assert _picture(expanded) == _picture(unfused)  # every box, op and edge label, no ids
    # the partial sums, from the bias, left to right, and their grads = the affine node's grad
    affine = fused_graph.inputs[0].inputs[0]
    assert affine.op == "affine"
    partial = 0.2 if bias else 0.0
    chain: Counter[str] = Counter()
    for w, x in zip(weights, xs, strict=True):
        partial = partial + w * x
        for data in (w * x, partial):
            chain[f"{{ data {fmt(data)} | grad {fmt(affine.grad)} }}"] += 1
    assert partial == affine.data  # same floats, same order
    labels, _ = _picture(expanded)
    assert all(labels[box] >= k for box, k in chain.items()), (chain, labels)
    assert "affine" not in expanded
    assert draw_dot(fused_graph).source.count("affine") == 1


def test_fused_neuron_edges_carry_its_local_derivatives() -> None:
    neuron = Neuron(2, weights=[0.5, -1.0], bias=0.25, activation="linear")
    y = neuron([Value(2.0, label="x1"), Value(3.0, label="x2")])
    y.backward()
    _, edges = dot_items(to_dot(y))
    into = [(a["label"], a["tooltip"]) for _, head, a in edges if head.endswith("op")]
    # inputs (w1, w2, x1, x2, b); locals (x1, x2, w1, w2, 1)
    assert into == [
        ("2", "d(b + w.x)/dw1 = x1  (here 2)"),
        ("3", "d(b + w.x)/dw2 = x2  (here 3)"),
        ("0.5", "d(b + w.x)/dx1 = w1  (here 0.5)"),
        ("-1", "d(b + w.x)/dx2 = w2  (here -1)"),
        ("1", "d(b + w.x)/db = 1  (here 1)"),
    ]


# -- micrograd's own node constructor ----------------------------------------------------------


def test_micrograd_style_node_renders_without_local_derivatives() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = Value(6.0, (a, b), "*")  # micrograd's way: inputs and op name, derivatives unknown
    c.label = "c"
    d = Value(7.0, (c,), "")  # not even an op name
    svg = to_svg(d)
    nodes = svg_items(svg, "node")
    assert nodes["n2op"] == ["?", "*", "?"]  # ports: an unknown derivative on each edge
    assert nodes["n3op"] == ["?", "?"]
    assert nodes["n2"] == ["c", "data 6", "grad 0"]
    _, dot_edges = dot_items(to_dot(d))
    tips = {a["tooltip"] for _, head, a in dot_edges if head.endswith("op")}
    assert tips == {
        "unknown: * was built with Value(data, _children, _op)",
        "unknown: this node was built with Value(data, _children, _op)",
    }


# -- big graphs ---------------------------------------------------------------------------------


def _drawn(source: str) -> tuple[list[str], list[str]]:
    """Ids of drawn Values (and their op nodes) and of summary/group boxes in a DOT text."""
    nodes, _ = dot_items(source)
    values = [k for k in nodes if re.fullmatch(r"n\d+(op)?", k)]
    boxes = [k for k in nodes if re.fullmatch(r"(more|group)\d+", k)]
    return values, boxes


def test_big_unfused_mlp_loss_is_collapsed_within_budget() -> None:
    _, loss = mlp_loss(fused=False)
    order = topo_order(loss)
    assert len(order) > 64_000  # the issue's ~65,000-node graph
    g = draw_dot(loss, max_nodes=200, view="values")  # the neuron view is tested below
    values, boxes = _drawn(g.source)
    assert 150 <= len(values) + len(boxes) <= 200
    nodes, _ = dot_items(g.source)
    summaries = [nodes[b]["label"] for b in boxes]
    hidden = 0
    for text in summaries:  # "… 67,790 more nodes\nops: * x33,800, ..." (x: the times sign)
        m = re.match(r"… ([\d,]+) more nodes?", text)
        assert m, text
        hidden += int(m.group(1).replace(",", ""))
        assert "left out to stay within max_nodes=200" in text
    shown = sum(1 for k in values if not k.endswith("op"))
    assert shown + hidden == len(order)
    assert f"showing {shown:,} of {len(order):,} values" in g.source
    # every * of the graph is drawn or counted in a summary
    stars = sum(1 for v in order if v.op == "*")
    drawn_stars = sum(1 for k in values if k.endswith("op") and op_symbol(nodes[k]) == "*")
    counted = sum(
        int(n.replace(",", "")) for n in re.findall(r"\* \u00d7([\d,]+)", " ".join(summaries))
    )
    assert drawn_stars + counted == stars
    start = time.perf_counter()
    svg = g.pipe(format="svg", encoding="utf-8")
    elapsed = time.perf_counter() - start
    assert elapsed < 20.0  # ~0.1 s here; only a runaway layout (the whole graph) gets near this
    assert len(svg_items(svg, "node")) == len(values) + len(boxes)


def test_big_fused_mlp_loss_merges_parallel_edges_from_a_summary() -> None:
    _, loss = mlp_loss(fused=True)
    source = to_dot(loss, max_nodes=120, view="values")
    values, boxes = _drawn(source)
    assert len(values) + len(boxes) <= 120
    _, edges = dot_items(source)
    pairs = Counter((t, h) for t, h, a in edges if t.startswith("more") and h.endswith("op"))
    assert pairs and max(pairs.values()) == 1  # one edge per (summary, op)...
    merged = [a for t, h, a in edges if t.startswith("more") and "inputs" in a.get("label", "")]
    assert merged  # ...saying how many inputs it stands for, each rule in the tooltip
    k = int(merged[0]["label"].split()[0])
    assert merged[0]["tooltip"].count("\\n") == k - 1


def test_small_graph_is_never_collapsed() -> None:
    _, loss = mlp_loss(fused=True, points=1)  # 337 parameters, 2 inputs, 65 ops, 3 loss ops
    values, boxes = _drawn(to_dot(loss, max_nodes=600))
    assert boxes == []
    assert len([k for k in values if not k.endswith("op")]) == len(topo_order(loss))


def test_neuron_groups_box_each_neuron() -> None:
    for fused, per_call in ((True, 2), (False, 5)):  # affine+ReLU | 2 *, 2 +, ReLU (2 inputs)
        model, loss = mlp_loss(fused=fused, points=10)
        order = topo_order(loss)
        groups = neuron_groups(model.layers, order)
        sizes = Counter(groups.values())
        assert len(sizes) == 16 + 16 + 1
        assert sizes["layer 1 neuron 1"] == 10 * per_call + 3  # 2 weights and a bias
        per_call_2 = 2 if fused else 16 * 2 + 1  # 16 products, 16 sums, ReLU
        assert sizes["layer 2 neuron 7"] == 10 * per_call_2 + 17
        per_call_3 = 1 if fused else 16 * 2  # linear output: no activation node
        assert sizes["layer 3 neuron 1"] == 10 * per_call_3 + 17
        source = to_dot(loss, groups=groups)
        nodes, _ = dot_items(source)
        box = next(
            a["label"]
            for a in nodes.values()
            if a.get("label", "").startswith("layer 1 neuron 1\\n")
        )
        assert box.startswith(f"layer 1 neuron 1\\n{10 * per_call + 3} nodes")
        _, boxes = _drawn(source)
        assert len(boxes) == 33  # everything else (the loss) fits in the budget
        svg_items(graphviz.Source(source).pipe(format="svg", encoding="utf-8"), "node")


def test_highlight_reaches_into_a_summary_box() -> None:
    model, loss = mlp_loss(fused=True, points=20)
    w = model.layers[0].neurons[0].w[0]
    nodes, edges = dot_items(to_dot(loss, max_nodes=40, highlight=w, view="values"))
    assert nodes["more0"]["color"] == HIGHLIGHT
    assert any(t == "more0" and a.get("color") == HIGHLIGHT for t, _, a in edges)


@given(
    st.lists(st.lists(st.integers(0, 10_000), max_size=3), min_size=1, max_size=40),
    st.integers(2, 30),
)
def test_plan_cut_partitions_the_graph_within_budget(raw: list[list[int]], budget: int) -> None:
    inputs = [tuple(sorted({p % i for p in ps})) if i else () for i, ps in enumerate(raw)]
    n = len(inputs)
    reach = {n - 1}
    for i in range(n - 1, -1, -1):  # keep only what the root depends on, as a graph walk would
        if i in reach:
            reach.update(inputs[i])
    keep = sorted(reach)
    renumber = {old: new for new, old in enumerate(keep)}
    inputs = [tuple(renumber[p] for p in inputs[i]) for i in keep]
    ops = ["+" if ins else "" for ins in inputs]
    costs = [2 if ins else 1 for ins in inputs]
    cut = plan_cut(inputs, ops, costs, budget=budget)
    root = len(inputs) - 1
    assert root in cut.kept
    assert set(cut.kept).isdisjoint(cut.bundle_of)
    assert set(cut.kept) | set(cut.bundle_of) == set(range(len(inputs)))
    assert sum(b.count for b in cut.bundles) == len(cut.bundle_of)
    spent = sum(costs[i] for i in cut.kept) + len(cut.bundles)
    assert spent <= budget or cut.kept == {root}
    if sum(costs) <= budget:
        assert not cut.bundles


# -- the example script and the README's picture -----------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _load(relative: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_renders_a_neuron_to_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _load("examples/render_graph.py").main([str(tmp_path / "out" / "neuron.svg")])
    nodes = {texts[0]: texts[1:] for texts in svg_items(path.read_text(), "node").values()}
    # micrograd's lecture neuron: o = tanh(0.8814) = 0.7071, do/dn = 1 - o^2 = 0.5,
    # do/dw1 = 0.5 * x1 = 1, do/dx1 = 0.5 * w1 = -1.5, do/dw2 = 0.5 * x2 = 0
    assert nodes["o"] == ["data 0.7071", "grad 1"]
    assert nodes["w1"] == ["data -3", "grad 1"]
    assert nodes["x1"] == ["data 2", "grad -1.5"]
    assert nodes["w2"] == ["data 1", "grad 0"]
    assert "dO/dw1 = 1.0000" in capsys.readouterr().out


def test_example_writes_dot_text_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = _load("examples/render_graph.py").main([str(tmp_path / "neuron.svg")])
    assert path == tmp_path / "neuron.dot"
    assert '"{ o | data 0.7071 | grad 1 }"' in path.read_text()
    assert "apt-get install graphviz" in capsys.readouterr().out


def test_docs_picture_is_seed_004_after_backward() -> None:
    svg = (ROOT / "docs" / "graph.svg").read_text(encoding="utf-8")
    nodes = {texts[0]: texts[1:] for texts in svg_items(svg, "node").values() if texts}
    assert nodes["out"] == ["data 0.045", "grad 1.045"]
    assert nodes["w_ih"] == ["data 0.15", "grad 0.3135"]
    assert nodes["w_ho"] == ["data 0.3", "grad 0.1567"]
    # the committed file is what docs/make_graph.py draws today (DOT compared: layout varies by
    # Graphviz version, the graph must not)
    e, weights = _load("docs/make_graph.py").build()
    # an edge's title names the port it lands on (`n2->n3op:w`; the syntax varies by version)
    edges = {re.sub(r"(:\w+)+$", "", title) for title in svg_items(svg, "edge")}
    titles = set(svg_items(svg, "node")) | edges
    nodes_now, edges_now = dot_items(to_dot(e, params=weights, legend=True))
    assert titles == set(nodes_now) | {f"{t}->{h}" for t, h, _ in edges_now}


# -- a network's picture -----------------------------------------------------------------------


@pytest.mark.parametrize("fused", [True, False])
def test_a_layer_lifts_each_number_once_per_call(fused: bool) -> None:
    layer = Layer(2, 3, seed=4, fused=fused)
    outs = layer([0.5, -1.5])
    assert isinstance(outs, list)
    y = outs[0] + outs[1] + outs[2]
    leaves = [v for v in topo_order(y) if v.is_leaf and not v.label]  # parameters are named
    assert sorted(v.data for v in leaves) == [-1.5, 0.5]  # one leaf per input, not per neuron
    # ... with micrograd's numbers: the same as each neuron lifting its own leaves
    alone = [n([0.5, -1.5]) for n in layer.neurons]
    assert [o.data for o in outs] == [o.data for o in alone]
    if fused:  # one input given bare: one leaf too
        single = Layer(1, 3, seed=4)(2.0)
        assert isinstance(single, list)
        lifted = {p for o in single for p in o.inputs[0].inputs if not p.label}
        assert [v.data for v in lifted] == [2.0]


def test_each_local_derivative_sits_on_its_own_edge() -> None:
    """Two edges into one op (x*y, x*x, x - y): each lands on its own port, whose cell holds
    that edge's local derivative, so no label can be read as the other edge's."""
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    z = x * y + x * x - y
    z.backward()
    order = topo_order(z)
    nodes, edges = dot_items(to_dot(z))
    into: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for tail, head, attrs in edges:
        if head.endswith("op"):
            into.setdefault(head, []).append((tail, attrs))
    for i, v in enumerate(order):
        if not v.inputs:
            continue
        landed = into[f"n{i}op"]
        assert [a["port"] for _, a in landed] == [f"i{k}" for k in range(len(v.inputs))]
        cells = PORT.findall(nodes[f"n{i}op"]["label"])
        assert len(cells) == len(v.inputs)  # one cell per edge, not one label for two
        for (tail, attrs), p, local in zip(landed, v.inputs, v.local_grads, strict=True):
            assert tail == f"n{order.index(p)}"
            assert attrs["label"] == fmt(local)
    square = next(i for i, v in enumerate(order) if v.inputs == (x, x))
    assert [a["label"] for _, a in into[f"n{square}op"]] == ["2", "2"]  # d(x*x)/dx, twice


def small_net() -> tuple[MLP, Value]:
    net = MLP(2, [3, 1], seed=5)
    pred = net([0.5, -1.2])
    assert isinstance(pred, Value)
    loss = (pred - 1.0) ** 2
    loss.backward()
    return net, loss


def roles(source: str) -> dict[str, str]:
    """{label or id: role} of the Value boxes of a DOT text."""
    nodes, _ = dot_items(source)
    found = {}
    for key, a in nodes.items():
        if re.fullmatch(r"n\d+", key):
            first = a["label"].strip("{ ").split(" | ")[0]
            found[first if not first.startswith(("data", "grad")) else key] = a["tooltip"]
    return found


def test_a_models_parameters_are_named_and_recognised_without_params() -> None:
    net, loss = small_net()
    found = roles(to_dot(loss, view="values"))
    names = [name for name, _ in net.named_parameters()]
    assert {n: found[n] for n in names} == dict.fromkeys(names, "parameter")  # not constants
    assert "layers.0.neurons.2.w.1" in found
    kinds = Counter(r for n, r in found.items() if n not in names)
    # 0.5 and -1.2 once each (a Layer lifts each number once per call), the target 1.0,
    # 3 affine + 3 relu, the output's affine, the loss's `-`; `**2` is the output
    assert kinds == Counter({"input": 2, "constant": 1, "intermediate": 8, "output": 1})


def test_model_tells_renamed_parameters_and_inputs() -> None:
    net, loss = small_net()
    w = net.layers[0].neurons[0].w[0]
    w.label = "my weight"  # a user's label: no longer a parameter's name
    found = roles(to_dot(loss, view="values"))
    assert found["my weight"] == "leaf"
    told = roles(to_dot(loss, view="values", model=net))
    assert told["my weight"] == "parameter"
    assert Counter(told.values())["parameter"] == len(net.parameters()) == 13


def one_sample_loss(*, fused: bool = True) -> tuple[MLP, Value]:
    """The issue's picture: MLP(2, [16, 16, 1]) on one sample, squared error."""
    net = MLP(2, [16, 16, 1], seed=0, fused=fused)
    pred = net([0.5, -1.2])
    assert isinstance(pred, Value)
    loss = (pred - 1.0) ** 2
    loss.backward()
    return net, loss


def neuron_boxes(source: str) -> dict[str, dict[str, str]]:
    """{neuron name: attrs, with "id"} of the neuron boxes of a DOT text (3-row HTML tables)."""
    nodes, _ = dot_items(source)
    found = {}
    for key, a in nodes.items():
        m = re.match(r"<<table [^>]*><tr><td[^>]*>([^<]+)</td>", a.get("label", ""))
        if m and a["label"].count("<tr>") == 3:
            found[html.unescape(m.group(1))] = {**a, "id": key}
    return found


@pytest.mark.parametrize("fused", [True, False])
def test_a_big_network_is_drawn_one_box_per_neuron(fused: bool) -> None:
    net, loss = one_sample_loss(fused=fused)
    source = to_dot(loss)
    boxes = neuron_boxes(source)
    assert len(boxes) == 16 + 16 + 1
    first = net.layers[0].neurons[3]
    assert first.b is not None
    box = boxes["layers.0.neurons.3"]
    assert "relu(b + w·x)" in box["label"]
    assert "b + w·x<" in boxes["layers.2.neurons.0"]["label"]  # the linear output
    out = loss.inputs[0].inputs[0]  # (pred - 1) ** 2: pred is the output neuron's sum
    assert f"data {fmt(out.data)}" in boxes["layers.2.neurons.0"]["label"]
    # its weights on demand: the tooltip lists each parameter's data and grad
    tip = box["tooltip"].split("\\n")
    assert tip[0] == "layers.0.neurons.3 = relu(b + w·x), 1 call"
    assert tip[1:] == [
        f"{n} = {p.data:.4g}   grad {p.grad:.4g}"
        for n, p in (("w.0", first.w[0]), ("w.1", first.w[1]), ("b", first.b))
    ]
    _, edges = dot_items(source)
    ids = {b["id"] for b in boxes.values()}
    between = {(t, h) for t, h, a in edges if t in ids and h in ids and "style" not in a}
    assert len(between) == 16 * 16 + 16  # layer to layer: every neuron feeds every next one
    inputs = [k for k, r in roles(source).items() if r == "input"]
    assert len(inputs) == 2  # one box per input, read by all 16 first-layer neurons
    assert sum(1 for t, h, _ in edges if t in inputs and h in ids) == 2 * 16
    assert "layers.0.neurons.3.w.0" not in source  # weights drawn only on demand
    assert to_dot(loss) == to_dot(one_sample_loss(fused=fused)[1])  # stable text


def test_small_graphs_stay_value_by_value_and_views_can_be_chosen() -> None:
    _, loss = small_net()  # 13 parameters: fits in max_nodes
    assert neuron_boxes(to_dot(loss)) == {}
    boxes = neuron_boxes(to_dot(loss, view="neurons"))
    assert sorted(boxes) == [
        "layers.0.neurons.0",
        "layers.0.neurons.1",
        "layers.0.neurons.2",
        "layers.1.neurons.0",
    ]
    _, big = one_sample_loss()
    every = to_dot(big, view="values", max_nodes=10_000)
    assert neuron_boxes(every) == {} and "layers.1.neurons.15.w.15" in every
    with pytest.raises(ValueError, match="view must be"):
        draw_dot(loss, view="boxes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="found no neuron"):
        draw_dot(seed_004()["E"], view="neurons")


def test_expand_draws_the_named_neurons_weights() -> None:
    _, loss = one_sample_loss()
    source = to_dot(loss, expand=["layers.1.neurons.3"])
    boxes = neuron_boxes(source)
    assert len(boxes) == 32 and "layers.1.neurons.3" not in boxes
    found = roles(source)
    weights = [f"layers.1.neurons.3.w.{k}" for k in range(16)] + ["layers.1.neurons.3.b"]
    assert {w: found[w] for w in weights} == dict.fromkeys(weights, "parameter")
    with pytest.raises(
        ValueError, match=r"expand names no neuron.*'layers\.9'.*layers\.0\.neurons\.0"
    ):
        draw_dot(loss, expand=["layers.9"])


def test_the_models_own_activation_is_the_neurons() -> None:
    net = MLP(2, [2, 1], seed=1)
    y = net([1.0, 2.0])
    assert isinstance(y, Value)
    z = y.tanh()  # the user's tanh after the linear output neuron
    z.backward()
    guessed = neuron_boxes(to_dot(z, view="neurons"))
    assert "tanh(b + w·x)" in guessed["layers.1.neurons.0"]["label"]  # any activation fits
    told = neuron_boxes(to_dot(z, view="neurons", model=net))
    assert "tanh" not in told["layers.1.neurons.0"]["label"]  # the model says: linear
    assert ">tanh<" in to_dot(z, view="neurons", model=net)  # the tanh is drawn as an op


def test_a_neuron_called_on_a_batch_lists_each_call_on_hover() -> None:
    net = MLP(2, [3, 1], seed=2)
    loss = Value(0.0)
    for x in ([0.5, 1.0], [1.5, -1.0], [0.0, 2.0]):
        pred = net(x)
        assert isinstance(pred, Value)
        loss = loss + (pred - 1.0) ** 2
    loss.backward()
    box = neuron_boxes(to_dot(loss, view="neurons"))["layers.0.neurons.1"]
    assert "3 calls: hover for each" in box["label"]
    assert box["tooltip"].split("\\n")[-3].startswith("call 1: data ")


def test_the_issues_network_fits_3000_px_with_legible_text(tmp_path: Path) -> None:
    _, loss = one_sample_loss()
    path = render_to_file(loss, tmp_path / "mlp.png")
    width, height = struct.unpack(">II", path.read_bytes()[16:24])  # the PNG's IHDR
    assert max(width, height) <= 3000, (width, height)  # value by value: 3477 x 16133
    source = to_dot(loss)
    # not shrunk to fit (no size=): text at its font size, 11 pt (~15 px), 9 at the least
    assert not re.search(r"[\s\[]size=", source)
    sizes = [float(s) for s in re.findall(r'(?:fontsize=|point-size=")"?([\d.]+)', source)]
    assert min(sizes) >= 9
