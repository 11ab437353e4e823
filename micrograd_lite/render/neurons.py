"""Group a network's Values by the Neuron that made them, so a big MLP draws as one box per neuron.

`draw_dot(..., groups=neuron_groups(model.layers, order))` hands the map to `collapse.plan_cut`,
which draws each group as one box. Membership is read from the graph's shape, not stored on the
Values: a Neuron's parameters, the fused `affine` node (or micrograd's chain of `w * x` and `+`)
over its weights, and the activation applied to that sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from micrograd_lite.ops import Op, activations

if TYPE_CHECKING:
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
