"""Group a network's Values by the Neuron that made them, so a big MLP draws as one box per neuron.

`draw_dot(..., groups=neuron_groups(model.layers, order))` hands the map to `collapse.plan_cut`,
which draws each group as one box. Membership is read from the graph's shape, not stored on the
Values: a Neuron's parameters, the fused `affine` node (or micrograd's chain of `w * x` and `+`)
over its weights, and the activation applied to that sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from micrograd_lite.ops import Op, activations
from micrograd_lite.state import ParameterName, Stateful, names
from micrograd_lite.value import Value


class NeuronLike(Protocol):
    """What `neuron_groups` reads of a Neuron (read-only, so nn's classes match as they are)."""

    @property
    def w(self) -> Sequence[Value]: ...
    @property
    def b(self) -> Value | None: ...
    @property
    def activation(self) -> str: ...


class LayerLike(Protocol):
    @property
    def neurons(self) -> Sequence[NeuronLike]: ...


def neuron_groups(layers: Iterable[LayerLike], order: Iterable[Value]) -> dict[Value, str]:
    """Map each Value a Neuron made (and its parameters) to "layer L neuron N" (from 1).

    `layers` is an MLP's `.layers` (or any list of Layers); `order` the graph's Values with inputs
    first (e.g. `graph.topo_order(loss, lambda v: v.inputs)`). A Value belongs to a neuron when
    it is one of its parameters, the fused `affine` node of its weights, a product `w * x` of one
    of its weights, a `+` of its running sum (micrograd's unfused neuron), or its activation.
    """
    owner: dict[Value, str] = {}
    activation: dict[str, Op | None] = {}
    for li, layer in enumerate(layers, start=1):
        for ni, neuron in enumerate(layer.neurons, start=1):
            name = f"layer {li} neuron {ni}"
            activation[name] = activations().get(neuron.activation)  # None for "linear"
            for p in [*neuron.w, *([neuron.b] if neuron.b is not None else [])]:
                owner[p] = name
    weights = set(owner)
    for v in order:
        ins = v.inputs
        if not ins or v in owner:
            continue
        first = owner.get(ins[0])
        if v.op in ("affine", "*") and ins[0] in weights:
            owner[v] = owner[ins[0]]
        elif v.op == "+" and len(ins) == 2 and ins[1].op == "*" and ins[1] in owner:
            if first == owner[ins[1]] or (ins[0].is_leaf and not ins[0].label and first is None):
                owner[v] = owner[ins[1]]  # b + w1*x1, s + w_k*x_k, or micrograd's 0 + w1*x1
        elif first is not None and _made_by(v, activation[first]) and ins[0].op in ("affine", "+"):
            owner[v] = first  # the activation of its own sum, not a later op on its output
    return owner


def _made_by(v: Value, op: Op | None) -> bool:
    """True when `v` is a node of `op` (of any of its parameters: leaky_relu(0.2) too)."""
    rule = v.rule
    return op is not None and rule is not None and (rule.family or rule) is op


# -- the neuron-level view ---------------------------------------------------------------------

_PARAM = re.compile(r"(?:(?P<owner>.+)\.)?(?:w\.(?P<k>\d+)|b)")


@dataclass
class NeuronCard:
    """What one neuron's box shows: its name, what it computes, each call's result, its weights.

    `name` is the path of its parameters without the last part (`layers.0.neurons.3` for
    `layers.0.neurons.3.w.1`; `neuron` for a Neuron drawn alone); `params` its parameters by
    their short names (`w.0`, ..., `b`); `outputs` the Value each call produced, in call order.
    """

    name: str
    params: list[tuple[str, Value]]
    activation: str = ""  # the activation's name, '' when linear
    outputs: list[Value] = field(default_factory=list)

    @property
    def formula(self) -> str:
        has_bias = any(short == "b" for short, _ in self.params)
        total = "b + w·x" if has_bias else "w·x"
        return f"{self.activation}({total})" if self.activation else total

    def tooltip(self, digits: int) -> str:
        """The weights on demand (hover the box): each parameter's data and grad, and each
        call's result when there are several. Lines are joined with DOT's escaped newline."""
        calls = len(self.outputs)
        lines = [f"{self.name} = {self.formula}, {calls} call{'s' if calls != 1 else ''}"]
        lines += [
            f"{short} = {p.data:.{digits}g}   grad {p.grad:.{digits}g}" for short, p in self.params
        ]
        if calls > 1:
            lines += [f"call {i + 1}: data {o.data:.{digits}g}   grad {o.grad:.{digits}g}"
                      for i, o in enumerate(self.outputs)]  # fmt: skip
        return "\\n".join(lines)


def find_neurons(order: Sequence[Value], model: Stateful | None = None) -> dict[Value, NeuronCard]:
    """Each Value of `order` (inputs first) that a neuron made, mapped to that neuron's card.

    Parameters are recognised by name: from `model` (any Module: the names of its
    `named_parameters()`), else from their labels (a Module's parameters are labelled with
    those names when it is built). Parameters `...w.<k>` and `...b` of one owner are a neuron's,
    and it owns the fused `affine` node of its weights (or micrograd's chain of `w_k * x_k` and
    `+` from the bias) and the activation applied to that sum: the model's activation for the
    neuron when `model` says, else any activation op of the table.
    """
    if model is not None:
        named = names(model)
    else:
        named = {v: str(v.label) for v in order if not v.inputs and type(v.label) is ParameterName}
    cards: dict[str, NeuronCard] = {}
    owner: dict[Value, NeuronCard] = {}
    weights: set[Value] = set()
    for v, name in named.items():
        m = _PARAM.fullmatch(name)
        if m is None:
            continue
        key = m.group("owner") or "neuron"
        found = cards.setdefault(key, NeuronCard(key, []))
        found.params.append(("b" if m.group("k") is None else f"w.{m.group('k')}", v))
        owner[v] = found
        if m.group("k") is not None:
            weights.add(v)
    wanted: dict[str, Op | None] = {}  # the activation each neuron says it has (None: linear)
    for key in cards if model is not None else ():
        act = getattr(_resolve(model, key), "activation", None)
        if isinstance(act, str):
            wanted[key] = activations().get(act)
    for v in order:
        ins = v.inputs
        if not ins or v in owner:
            continue
        card = owner.get(ins[0])
        if v.op == "affine" and ins[0] in weights:
            assert card is not None
            if all(owner.get(w) is card for w in ins[: len(ins) // 2]):
                owner[v] = card
        elif v.op == "*" and ins[0] in weights and ins[1] not in named:
            owner[v] = owner[ins[0]]
        elif v.op == "+" and len(ins) == 2 and ins[1].op == "*" and ins[1] in owner:
            if card is owner[ins[1]] or (not ins[0].inputs and not ins[0].label and card is None):
                owner[v] = owner[ins[1]]  # b + w1*x1, s + w_k*x_k, or micrograd's 0 + w1*x1
        elif card is not None and len(ins) == 1 and ins[0].op in ("affine", "+"):
            if card.name in wanted:
                if _made_by(v, wanted[card.name]):
                    owner[v] = card
            elif v.rule is not None and (v.rule.family or v.rule).activation:
                owner[v] = card  # not told: any activation of the table on its own sum
    return _finish(order, owner)


def _resolve(model: object, path: str) -> object:
    """The object at attribute path `path` (`layers.0.neurons.3`) in `model`, or None."""
    obj = model
    for part in path.split(".") if path != "neuron" else []:
        if part.isdigit() and isinstance(obj, list | tuple):
            obj = obj[int(part)] if int(part) < len(obj) else None
        else:
            obj = getattr(obj, part, None)
    return obj


def _finish(order: Sequence[Value], owner: dict[Value, NeuronCard]) -> dict[Value, NeuronCard]:
    """Drop what no neuron's sum uses (a `w * 2` of the user's: not a neuron's product), drop
    neurons that did nothing here, then fill in each card's activation and per-call outputs."""
    used = {v.inputs[1] for v in owner if v.op == "+" and v.inputs}
    owner = {v: c for v, c in owner.items() if v.op != "*" or v in used}
    busy = {c.name for v, c in owner.items() if v.inputs}
    owner = {v: c for v, c in owner.items() if c.name in busy}
    consumed = {(p, c.name) for v, c in owner.items() for p in v.inputs}
    for each in {id(c): c for c in owner.values()}.values():  # w.0, w.1, ..., w.10, then b
        each.params.sort(key=lambda sp: (sp[0] == "b", int(sp[0][2:] or 0)))
    for v in order:
        card = owner.get(v)
        if card is None or not v.inputs:
            continue
        if v.op not in ("affine", "+", "*"):
            rule = v.rule.family or v.rule if v.rule is not None else None
            card.activation = (rule.function if rule is not None else None) or v.op
        if (v, card.name) not in consumed:
            card.outputs.append(v)
    return owner
