"""Build the picture of a computation graph as DOT text: pure, no `dot` binary needed.

`draw_dot` decides each Value's role (output, parameter, input, constant, leaf, intermediate)
and whether neurons are drawn one box each (`neurons.find_neurons`), asks `collapse.plan_cut`
what fits the node budget, turns the kept Values into `boxes.Box`es and has `emit` write them
as a `graphviz.Digraph`: record boxes `label | data | grad`, a small table per op whose cells
are the ports its edges land on, each holding that edge's local derivative, neuron and
summary boxes for what is not drawn Value by Value, and a legend.
Node ids are topological indices, so the same graph gives the same text.

    >>> from micrograd_lite import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"; c.backward()
    >>> for line in to_dot(c).splitlines()[4:]:  # no Graphviz binary involved
    ...     print(line.strip())  # doctest: +ELLIPSIS
    n0 [label="{ a | data 2 | grad -3 }" ... tooltip=leaf]
    n1 [label="{ b | data -3 | grad 2 }" ... tooltip=leaf]
    n2 [label="{ c | data -6 | grad 1 }" ... tooltip=output]
    n2op [label=<<table ...><td port="i0" ...>-3</font>...*...<td port="i1" ...>2</font>...]
    n0 -> n2op:i0:w [tooltip="d(a*b)/da = b  (here -3)"]
    n1 -> n2op:i1:w [tooltip="d(a*b)/db = a  (here 2)"]
    n2op -> n2
    }
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol

import graphviz

from micrograd_lite.backward import topo_order
from micrograd_lite.render.boxes import (
    Box,
    Kind,
    cost,
    edge_text,
    expand_affine,
    local_grads,
    reaches,
)
from micrograd_lite.render.collapse import Cut, Edge, plan_cut
from micrograd_lite.render.emit import EDGE_LEGEND, HIGHLIGHT, LEGEND, NODE_STYLE, emit
from micrograd_lite.render.neurons import NeuronCard, find_neurons
from micrograd_lite.state import ParameterName, Stateful, names
from micrograd_lite.value import Value

__all__ = [
    "EDGE_LEGEND",
    "HIGHLIGHT",
    "LEGEND",
    "NODE_STYLE",
    "HasParameters",
    "draw_dot",
    "to_dot",
]

View = Literal["auto", "values", "neurons"]


class HasParameters(Protocol):
    def parameters(self) -> list[Value]: ...


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    show_local_grads: bool = True,
    legend: bool = False,
    highlight: Value | None = None,
    max_nodes: int = 200,
    expand_fused: bool = False,
    model: HasParameters | None = None,
    view: View = "auto",
    expand: Iterable[str] = (),
    params: HasParameters | Iterable[Value] | None = None,
    inputs: Iterable[Value] | None = None,
    groups: Mapping[Value, str] | None = None,
    digits: int = 4,
) -> graphviz.Digraph:
    """The graph of everything `root` depends on, as a `graphviz.Digraph` (micrograd's name).

    Roles: `root` is the output. Parameters are the leaves a Module named (its parameters are
    labelled `layers.0.neurons.3.w.1`, ... when it is built), or exactly those of `model` (a
    Module) or `params` (a list or a Module) when given; Values in `inputs` are inputs, and so
    are the leaves a neuron reads. Other labelled leaves are inputs when `model` or `params` is
    given and "leaves" otherwise; unlabelled leaves (the 2 in `x * 2`) are constants.
    `show_local_grads` writes d(out)/d(input) where each edge enters its op (one cell per
    edge); `highlight` (a Value) emphasises every path from the root down to it; `legend` adds
    a key to the colours. `expand_fused` draws each fused `affine` neuron as micrograd's chain
    of `*` and `+` nodes (partial sums from the bias, each with the affine node's grad).

    `view="neurons"` draws each neuron as one box (name, formula, result; its weights on
    hover), except those named in `expand` (`"layers.0.neurons.3"`); `"values"` draws every
    Value; `"auto"` (the default) draws neurons when every Value would not fit in `max_nodes`
    DOT nodes. Beyond `max_nodes`, the Values furthest from the root become summary boxes;
    `groups` (e.g. `neuron_groups(model.layers, order)`) draws each named group of Values as
    one box instead of the neurons. Figures show `digits` significant digits.
    Raises ValueError for a bad option.
    """
    if max_nodes < 2:
        raise ValueError(f"draw_dot: max_nodes must be at least 2, got {max_nodes}")
    order = topo_order(root)
    index = {v: i for i, v in enumerate(order)}
    if highlight is not None and highlight not in index:
        raise ValueError(f"draw_dot: highlight={highlight!r} is not in the graph of {root!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_dot: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if view not in ("auto", "values", "neurons"):
        raise ValueError(f"draw_dot: view must be 'auto', 'values' or 'neurons', got {view!r}")
    told = model is not None or params is not None
    module = model if isinstance(model, Stateful) else None
    cards = find_neurons(order, module)
    param_set = _parameters(order, model, params)
    input_set = set(inputs or ()) | _neuron_inputs(cards, param_set)
    labels = names(module) if module is not None else {}
    costs = [cost(v, expand_fused) for v in order]
    neuron_groups = _neuron_view(cards, view, set(expand), groups, sum(costs) > max_nodes)
    group_ix = {index[v]: name for v, name in (neuron_groups or groups or {}).items() if v in index}
    parents = [tuple(index[p] for p in v.inputs) for v in order]
    cut = plan_cut(parents, [v.op for v in order], costs, budget=max_nodes, groups=group_ix)
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
        return "input" if told else "leaf"

    boxes: list[Box] = []
    for i, v in enumerate(order):
        if i not in cut.kept:
            continue
        ins = [(_source(index[p], cut), p, k, index[p] in hot) for k, p in enumerate(v.inputs)]
        if v.op == "affine" and expand_fused:
            boxes.extend(expand_affine(v, i, ins, kind(v), i in hot, digits))
            continue
        op = (v.op or "?") if v.inputs else ""  # a micrograd-style node may have no op name
        label = v.label or labels.get(v, "")
        box = Box(f"n{i}", label, v.data, v.grad, kind(v), op, hot=i in hot)
        locals_ = local_grads(v)
        for (src, _p, k, is_hot), local in zip(ins, locals_ or [None] * len(ins), strict=True):
            text, tip = edge_text(v, k, local, digits)
            box.ins.append((src, text, tip, is_hot))
        boxes.append(box)
    shown = {c.name: c for c in cards.values()} if neuron_groups else {}
    return emit(
        boxes,
        cut,
        parents,
        hot,
        rankdir=rankdir,
        show_local_grads=show_local_grads,
        legend=legend,
        digits=digits,
        budget=max_nodes,
        cards=shown,
        neuron_ins=_neuron_ins(cut, order, index, hot, digits) if shown else {},
    )


def _parameters(
    order: list[Value], model: HasParameters | None, params: HasParameters | Iterable[Value] | None
) -> set[Value]:
    """`model`'s and `params`' parameters when given, else the leaves a Module has named."""
    if model is None and params is None:
        return {v for v in order if not v.inputs and type(v.label) is ParameterName}
    found = set(model.parameters()) if model is not None else set()
    if isinstance(params, Iterable):
        found.update(params)
    elif params is not None:
        found.update(params.parameters())
    return found


def _neuron_inputs(cards: Mapping[Value, NeuronCard], params: set[Value]) -> set[Value]:
    """The leaves a neuron reads as its x (not its weights): a network's inputs."""
    found: set[Value] = set()
    for v in cards:
        ins = v.inputs
        xs = ins[len(ins) // 2 : 2 * (len(ins) // 2)] if v.op == "affine" else ins[1:]
        if v.op in ("affine", "*"):
            found.update(x for x in xs if not x.inputs and x not in params)
    return found


def _neuron_view(
    cards: Mapping[Value, NeuronCard],
    view: View,
    expand: set[str],
    groups: Mapping[Value, str] | None,
    too_big: bool,
) -> dict[Value, str] | None:
    """The groups of the neuron view (each neuron's Values, but those in `expand`), or None
    when every Value is drawn."""
    known = {c.name for c in cards.values()}
    if not expand <= known:
        listed = ", ".join(sorted(known)[:4]) + (", ..." if len(known) > 4 else "")
        raise ValueError(
            f"draw_dot: expand names no neuron of this graph: {sorted(expand - known)}; "
            f"its neurons are {listed or 'none'}"
        )
    if view == "neurons" and groups is not None:
        raise ValueError("draw_dot: give groups= or view='neurons', not both")
    if view == "neurons" and not cards:
        raise ValueError(
            "draw_dot: view='neurons' found no neuron: their parameters are named by a Module "
            "(Neuron, Layer, MLP) when it is built; pass model= if you renamed them"
        )
    wanted = view == "neurons" or (view == "auto" and groups is None and too_big)
    if not wanted or not cards:
        return None
    return {v: c.name for v, c in cards.items() if c.name not in expand}


def _source(j: int, cut: Cut) -> str:
    """The DOT id that stands for Value j: its own box, or the box that holds it."""
    return f"n{j}" if j in cut.kept else cut.bundles[cut.bundle_of[j]].key


def _neuron_ins(
    cut: Cut, order: list[Value], index: dict[Value, int], hot: set[int], digits: int
) -> dict[str, list[Edge]]:
    """The edges into each neuron box: one per source, its rules (the weights) as tooltip."""
    found: dict[str, list[Edge]] = {}
    for pos, b in enumerate(cut.bundles):
        tips: dict[str, list[str]] = {}
        heat: dict[str, bool] = {}
        for i in b.members:
            v = order[i]
            locals_ = local_grads(v) or [None] * len(v.inputs)
            for k, (p, local) in enumerate(zip(v.inputs, locals_, strict=True)):
                j = index[p]
                if cut.bundle_of.get(j) == pos:
                    continue  # inside the box: its weights, its sum
                src = _source(j, cut)
                tips.setdefault(src, []).append(edge_text(v, k, local, digits)[1])
                heat[src] = heat.get(src, False) or (j in hot and i in hot)
        found[b.key] = [
            (src, "", "\\n".join(t[:6] + ([f"... {len(t) - 6} more"] if len(t) > 6 else [])),
             heat[src])
            for src, t in tips.items()
        ]  # fmt: skip
    return found


def to_dot(root: Value, **draw_kwargs: Any) -> str:
    """The DOT text of `draw_dot(root, **draw_kwargs)`; needs no Graphviz binary."""
    source: str = draw_dot(root, **draw_kwargs).source
    return source
