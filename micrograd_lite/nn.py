"""Neuron, Layer, MLP: micrograd's signatures and numbers, plus explicit and seeded weights.

By default weights are drawn from the global `random` exactly as micrograd draws them
(`random.uniform(-1, 1)` per weight, in neuron order, bias 0, no draw for it), so micrograd code
seeded with `random.seed(s)` gets the same network. `seed=` or `rng=` draw from a private
`random.Random` instead (the global one is left untouched); `weights=` sets them outright.

    >>> n = Neuron(2, weights=[0.5, -1.0], bias=0.25, activation="linear")
    >>> n([2.0, 3.0]).data   # 0.25 + 0.5*2 + (-1)*3
    -1.75
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from micrograd_lite.errors import OperandTypeError, ShapeError, describe
from micrograd_lite.fused import Plan
from micrograd_lite.inputs import Inputs, as_inputs, unarray
from micrograd_lite.operands import is_number
from micrograd_lite.ops import AFFINE, RELU, activations
from micrograd_lite.state import Stateful
from micrograd_lite.value import Number, Value, apply, as_float, lift


class UniformSource(Protocol):
    """Anything with `uniform(a, b)`: the `random` module or a `random.Random`."""

    def uniform(self, a: float, b: float) -> float: ...


def activation_function(name: str) -> Callable[[Value], Value] | None:
    """The activation named `name`: "linear" (None: no op), or any table op marked as an
    activation ("relu", "tanh", "sigmoid", "softplus", "leaky_relu", ...), looked up in the
    table now, so an op registered later is accepted too."""
    if name == "linear":
        return None
    op = activations().get(name)
    if op is None:
        choices = sorted([*activations(), "linear"])
        raise ValueError(f"Neuron: unknown activation {name!r}; choose one of {choices}")
    if op is RELU:
        return Value.relu  # the specialised method: the same node, made faster
    if op.params:
        op = op.bind()  # its default parameters (leaky_relu's slope 0.01)
    return functools.partial(apply, op)


def pick_rng(seed: int | random.Random | None, rng: UniformSource | None) -> UniformSource:
    """The source of initial weights: `rng`, else `random.Random(seed)` (or `seed` itself when
    it is a `random.Random`), else the global `random`."""
    if seed is not None and rng is not None:
        raise ValueError("give seed= or rng=, not both")
    if rng is not None:
        return rng
    if isinstance(seed, random.Random):
        return seed
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise OperandTypeError(f"seed must be an int or a random.Random, got {describe(seed)}")
        return random.Random(seed)
    return random  # the module itself: micrograd draws from the global generator


def _count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise OperandTypeError(f"{what} must be an int, got {describe(n)}")
    if n < 1:
        raise ShapeError(f"{what} must be at least 1, got {n}")
    return n


class Module(Stateful):
    """Something with parameters: `parameters()` lists them, `zero_grad()` clears their grads,
    `named_parameters()`, `state_dict()` and `load_state_dict()` name them (`state.py`)."""

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


_Tuples = tuple[list[Value], Value | None, tuple[Value, ...], tuple[Value, ...], list[Any]]


class Neuron(Module):
    """out = act(b + w_1*x_1 + ... + w_n*x_n).

    `nonlin` is micrograd's switch (relu or linear); `activation` ("relu", "tanh", "sigmoid",
    "linear") overrides it. `bias=False` leaves the bias out; a number sets its initial value.
    `weights` gives the initial weights; otherwise each is drawn `uniform(-1, 1)`.
    `fused=True` builds one `affine` node per call instead of micrograd's 2n binary nodes: the
    same floats, summed in the same order, several times faster.
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool | str = True,
        *,
        activation: str | None = None,
        bias: bool | float = True,
        weights: Sequence[Number] | None = None,
        seed: int | random.Random | None = None,
        rng: UniformSource | None = None,
        fused: bool = True,
    ) -> None:
        nin = _count(nin, "Neuron: nin (the number of inputs)")
        if activation is None:  # micrograd's switch; a name ("tanh", ...) is taken as activation
            activation = nonlin if isinstance(nonlin, str) else "relu" if nonlin else "linear"
        act = activation_function(activation)
        if weights is None:
            source = pick_rng(seed, rng)
            self.w = [Value(source.uniform(-1, 1)) for _ in range(nin)]
        else:
            if len(weights) != nin:
                raise ShapeError(f"Neuron({nin}): expected {nin} weights, got {len(weights)}")
            self.w = [Value(as_float(w, "Neuron: weight")) for w in weights]
        self.b: Value | None
        if isinstance(bias, bool):
            self.b = Value(0.0) if bias else None
        else:
            self.b = Value(as_float(bias, "Neuron: bias"))
        self.activation = activation
        self.nonlin = activation != "linear"  # micrograd's attribute
        self.fused = fused
        self._act = act

    def __call__(self, x: Inputs) -> Value:
        xs = as_inputs(x, len(self.w), f"Neuron({len(self.w)})")
        if self.fused:
            act = Value.affine(self.w, xs, self.b)
        else:  # micrograd's graph: one * and one + per input, summed from the bias
            # sum((wi * xi for ...), start) spelt out: the same nodes, without a generator
            total: Value | float = self.b if self.b is not None else 0.0
            for wi, xi in zip(self.w, xs, strict=True):
                total = total + wi * xi
            act = total if isinstance(total, Value) else Value(total)  # nin >= 1: a Value
        return act if self._act is None else self._act(act)

    def parameters(self) -> list[Value]:
        return self.w + ([self.b] if self.b is not None else [])

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "linear": "Linear"}.get(self.activation, self.activation.title())
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` Neurons reading the same inputs. Returns one Value when nout == 1 (as micrograd).
    Numbers among the inputs become leaves once per call, shared by the neurons.

    `weights` (one list per neuron) and `biases` (one number per neuron) set the initial values;
    other keyword arguments go to every Neuron.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        weights: Sequence[Sequence[Number]] | None = None,
        biases: Sequence[Number] | None = None,
        seed: int | random.Random | None = None,
        rng: UniformSource | None = None,
        **kwargs: Any,  # passed on to each Neuron: activation, nonlin, bias, fused
    ) -> None:
        nout = _count(nout, "Layer: nout (the number of neurons)")
        if weights is not None and len(weights) != nout:
            raise ShapeError(
                f"Layer({nin}, {nout}): expected {nout} weight rows, got {len(weights)}"
            )
        if biases is not None and len(biases) != nout:
            raise ShapeError(f"Layer({nin}, {nout}): expected {nout} biases, got {len(biases)}")
        source = pick_rng(seed, rng) if weights is None else None
        self.neurons = []
        for i in range(nout):
            if biases is not None:
                kwargs["bias"] = as_float(biases[i], "Layer: bias")
            row = None if weights is None else weights[i]
            self.neurons.append(Neuron(nin, weights=row, rng=source, **kwargs))
        self._plan: Plan | None = None

    def __call__(self, x: Inputs) -> Value | list[Value]:
        if type(x) is not list and type(x) is not tuple:
            x = unarray(x, "Layer")  # a numpy array: its numbers, as the list of them
        if type(x) is list or type(x) is tuple:
            out = _fire(self, x)
        elif is_number(x) and all(len(n.w) == 1 for n in self.neurons):
            out = _fire(self, [cast(Number, x)])  # one input, bare: one leaf, as in a list
        else:
            out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes `nouts` after `nin` inputs: relu on hidden layers, linear output (micrograd).

    `activation` sets the hidden layers' activation and `output_activation` the last layer's.
    `weights` gives one list per layer of one list per neuron; `biases` one list per layer.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: str = "relu",
        output_activation: str = "linear",
        bias: bool = True,
        weights: Sequence[Sequence[Sequence[Number]]] | None = None,
        biases: Sequence[Sequence[Number]] | None = None,
        seed: int | random.Random | None = None,
        rng: UniformSource | None = None,
        fused: bool = True,
    ) -> None:
        nin = _count(nin, "MLP: nin (the number of inputs)")
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or len(nouts) == 0:
            raise ShapeError(
                "MLP: nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1]; "
                f"got {nouts!r}"
            )
        sizes = [nin] + [_count(n, "MLP: each layer size") for n in nouts]
        for name, given in (("weights", weights), ("biases", biases)):
            if given is not None and len(given) != len(nouts):
                raise ShapeError(f"MLP: expected {name} for {len(nouts)} layers, got {len(given)}")
        source = pick_rng(seed, rng) if weights is None else None
        last = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation=output_activation if i == last else activation,
                bias=bias,
                weights=None if weights is None else weights[i],
                biases=None if biases is None else biases[i],
                rng=source,
                fused=fused,
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        out = self.layers[0](unarray(x, "MLP"))
        for layer in self.layers[1:]:
            out = layer(out)
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _fire(layer: Layer, x: list[Value | Number] | tuple[Value | Number, ...]) -> list[Value]:
    """`[n(x) for n in layer.neurons]`, node for node, in one pass (see `fused.Plan`)."""
    neurons = layer.neurons
    for v in x:
        if not isinstance(v, Value):
            # Numbers are lifted here, once per call, and the neurons share the leaves, so a
            # picture shows one box per input (micrograd lifts one per neuron: the same floats).
            x = [u if isinstance(u, Value) or not is_number(u) else lift(u, AFFINE) for u in x]
            if any(not isinstance(u, Value) for u in x):  # not a number: the neuron says so
                return [n(x) for n in neurons]
            break
    plan = layer._plan
    if plan is None or not plan.fits(neurons, len(x)):
        plan = layer._plan = Plan.of(neurons, len(x), Neuron)
        if plan is None:
            return [n(x) for n in neurons]
    return plan.fire(cast(tuple[Value, ...], tuple(x)))
