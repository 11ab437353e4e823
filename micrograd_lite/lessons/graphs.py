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


def single_weight_graph() -> Value:
    """C = (i·w - y)² at w = 0.8, i = 1.5, y = 0.5."""
    neuron = Neuron(1, activation="linear", bias=False, weights=[single_weight.INITIAL_WEIGHT])
    (neuron.w[0]).label = "w"
    a = neuron([Value(single_weight.INPUT, label="i")])
    a.label = "a"
    cost = squared_error(a, single_weight.TARGET)
    cost.label = "C"
    return cost


def inverter_graph() -> Value:
    """E = ½(X·w_ih·w_ho - Y)² at w_ih = 0.15, w_ho = 0.3, X = 1, Y = -1."""
    hidden = Neuron(1, activation="linear", bias=False, weights=[inverter.W_IH])
    output = Neuron(1, activation="linear", bias=False, weights=[inverter.W_HO])
    hidden.w[0].label, output.w[0].label = "w_ih", "w_ho"
    h = hidden([Value(inverter.X, label="X")])
    h.label = "h"
    out = output([h])
    out.label = "out"
    error = half_squared_error(out, inverter.Y)
    error.label = "E"
    return error


def xor_graph() -> Value:
    """The talk's 2-3-1 ReLU network on the sample (0, 1) -> 1, squared error."""
    model = xor.talk_network()
    name_parameters(model)
    (a, b), target = xor.INPUTS[1], xor.TARGETS[1]
    out = model([Value(a, label="A"), Value(b, label="B")])
    assert isinstance(out, Value)  # one output neuron
    out.label = "out"
    loss = squared_error(out, target)
    loss.label = "E"
    return loss


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
