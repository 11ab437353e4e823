"""One small graph per worked example, for its lesson's picture and for `micrograd-lite examples
NAME --play DIR`: the loss of the example's first training sample at its initial weights, the
graph of its first update, built with the example's own network, loss and constants, with
every leaf labelled.

    >>> loss = GRAPHS["inverter"]()
    >>> loss.label, round(loss.data, 7)
    ('E', 0.5460125)
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_lite.losses import half_squared_error, squared_error
from micrograd_lite.nn import MLP, Neuron
from micrograd_lite.value import Value
from micrograd_lite.worked import adding_neuron_training, inverter, single_weight, xor


def name_parameters(model: MLP) -> None:
    """Label each parameter of `model` by its place, shortly: `L0n1.w0` is weight 0 of neuron 1
    of layer 0 (`layers.0.neurons.1.w.0` in `named_parameters()`), `L1n0.b` a bias."""
    for name, p in model.named_parameters():
        short = name.replace("layers.", "L").replace(".neurons.", "n").replace(".w.", ".w")
        p.label = short


def single_weight_graph(w: float = single_weight.INITIAL_WEIGHT) -> Value:
    """C = (i·w - y)² at w = 0.8 (or the `w` given), i = 1.5, y = 0.5, in the article's names."""
    neuron = Neuron(1, activation="linear", bias=False, weights=[w])
    (neuron.w[0]).label = "w"
    a = neuron([Value(single_weight.INPUT, label="i")])
    a.label = "a"
    cost = squared_error(a, Value(single_weight.TARGET, label="y"))
    cost.label = "C"
    return cost


def inverter_graph(w_ih: float = inverter.W_IH, w_ho: float = inverter.W_HO) -> Value:
    """E = ½(X·w_ih·w_ho - Y)² at w_ih = 0.15, w_ho = 0.3 (or those given), X = 1, Y = -1."""
    hidden = Neuron(1, activation="linear", bias=False, weights=[w_ih])
    output = Neuron(1, activation="linear", bias=False, weights=[w_ho])
    hidden.w[0].label, output.w[0].label = "w_ih", "w_ho"
    h = hidden([Value(inverter.X, label="X")])
    h.label = "h"
    out = output([h])
    out.label = "out"
    error = half_squared_error(out, Value(inverter.Y, label="Y"))
    error.label = "E"
    return error


def xor_error(
    model: MLP,
    sample: tuple[float, float],
    target: float,
    loss: Callable[[Value, Value], Value] = squared_error,
) -> Value:
    """E = loss(O, target), (O - target)² by default, for one sample, labelled with the
    article's names: inputs A and B, hidden unit j's pre-activation zj = A·w_ih_A + B·w_ih_B
    and output Hj = relu(zj), the output O = Σ Hj·w_ho_j, the error E. Built with the model's
    own layers, so the nodes and floats are those of `model(sample)`."""
    first, last = model.layers
    hidden = first([Value(sample[0], label="A"), Value(sample[1], label="B")])
    assert isinstance(hidden, list)  # the talk's hidden layer has 3 units
    for j, h in enumerate(hidden, 1):
        h.label = f"H{j}"
        (z,) = h.inputs  # relu's input: the unit's weighted sum
        z.label = f"z{j}"
    out = last(hidden)
    assert isinstance(out, Value)  # one output neuron
    out.label = "O"
    error = loss(out, Value(target, label="target"))
    error.label = "E"
    return error


def xor_graph() -> Value:
    """The talk's 2-3-1 ReLU network on the sample (0, 1) -> 1, squared error: the run's first
    update that moves a weight (the row (0, 0) before it changes none)."""
    model = xor.talk_network()
    name_parameters(model)
    return xor_error(model, xor.INPUTS[1], xor.TARGETS[1])


def adding_neuron_graph() -> Value:
    """C = (label - out)² for the first training row at the article's initial weights, where
    out = w0·x0 + w1·x1 is the article's aggregation (its activation f(x) = x adds no node).

    Written as the article's cost, not as the training's `row_cost` ((out - label)·(out -
    label)): the same floats for C and for dC/dw_k = -2(label - out)·x_k, but one path per
    weight, whose first factor dC/dout is the article's `dc = cost_derivative(label, output)`.
    """
    data = adding_neuron_training.article_data()
    w0, w1 = (Value(w, label=f"w{k}") for k, w in enumerate(data.initial_weights))
    x0 = Value(data.train_x0[0], label="x0")
    x1 = Value(data.train_x1[0], label="x1")
    label = Value(data.train_label[0], label="label")
    out = w0 * x0 + w1 * x1
    out.label = "out"
    cost = (label - out) ** 2
    cost.label = "C"
    return cost


GRAPHS: dict[str, Callable[[], Value]] = {
    "single-weight": single_weight_graph,
    "inverter": inverter_graph,
    "xor": xor_graph,
    "adding-neuron": adding_neuron_graph,
}
