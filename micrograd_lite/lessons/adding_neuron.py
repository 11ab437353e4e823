"""The lesson on Rodney Pilgrim's "Learning from Backpropagation": one neuron learns to add.

The article's code: forward(inputs) = activation(aggregation(inputs)) with aggregation the sum
of inputs·weights and activation f(x) = x; dc = cost_derivative(label, output) =
-2·(label - output); backpropagate(dc) = backprop_aggregation(backprop_activation(dc)), i.e.
weight_grads = inputs·(1·dc); learn_from_grads: w ← w - lr·(w_grads - w). Ours: the graph of
C = (label - out)², out = w0·x0 + w1·x1, and dC/dw_k = dC/dout · dout/dw_k = -2(label - out)·x_k.

The training is one run of the example (through `micrograd_lite.compile`, ~2 s after ~2 s of
drawing the data) plus epoch 1 without the regulariser; `runs()` caches both, so a lesson built
twice (the tests) trains once. What the article leaves implicit (the fixed point 35000/34997,
the learning rate where a row overshoots, the accuracy the weights predict) is computed in
`adding_neuron_implicit`; the exercises are in `adding_neuron_exercises`.
"""

from __future__ import annotations

import functools

from micrograd_lite.check import explain
from micrograd_lite.lessons.adding_neuron_exercises import exercises
from micrograd_lite.lessons.adding_neuron_implicit import (
    TOLERANCE,
    exploding_step,
    fixed_point_step,
    plain_step,
    predicted_accuracy,
)
from micrograd_lite.lessons.graphs import adding_neuron_graph
from micrograd_lite.lessons.lesson import Lesson, Source, Step, wrap
from micrograd_lite.lessons.steps import chain, hand_check, notation, paragraph, short, table
from micrograd_lite.lessons.steps import update_by_hand as by_hand
from micrograd_lite.value import Value
from micrograd_lite.worked import adding_neuron as example
from micrograd_lite.worked.adding_neuron_training import (
    Data,
    Result,
    article_data,
    compiled_trainer,
    eager_trainer,
    run,
)

SOURCE = Source(
    "Learning from Backpropagation",
    author="Rodney Pilgrim",
    date="February 21, 2019",
    credits=(
        'Michael Nielsen, "Neuron Networks and Deep Learning" [1] (sic), chapter 5 for the '
        "exploding gradient",
        'Andrej Karpathy, "Hacker\'s Guide to Neural Networks" [2], whose Support Vector '
        "Machine example gave the regularisation",
        'Welch Lab\'s "Demystifying Neural Networks" video series',
    ),
)
CHECKPOINTS = (1, 10, 100, 1000, 10_000, 100_000)  # rows into epoch 1


@functools.lru_cache(maxsize=1)
def runs() -> tuple[Result, Result]:
    """The article's regularised run (10 epochs) and epoch 1 without the regulariser, both
    through the compiled step."""
    regularised = run(trainer=compiled_trainer, checkpoints=CHECKPOINTS)
    plain = run(regularised=False, epochs=1, trainer=compiled_trainer, checkpoints=(100_000,))
    return regularised, plain


def lesson() -> Lesson:
    """The lesson, every number from the library's runs or exact algebra."""
    figures: dict[str, float] = {}
    checks: list[tuple[str, bool]] = []
    data = article_data()
    cost = adding_neuron_graph()
    cost.backward()
    named = {n.label: n for n in nodes(cost) if n.label}
    steps = [
        notation_step(),
        graph_step(named, figures),
        gradient_step(cost, named, figures, checks),
        hand_check_step(data, checks),
        update_step(data, figures, checks),
    ]
    regularised, plain = runs()
    steps += [
        training_step(regularised, figures, checks),
        fixed_point_step(regularised, figures, checks),
        exploding_step(data, figures, checks),
        plain_step(plain, checks),
    ]
    return Lesson(
        "adding-neuron",
        SOURCE,
        "one linear neuron, out = x0·w0 + x1·w1, learns to add from 500,000 rows of seeded "
        "random numbers, ten epochs, with the article's regularised update",
        steps=tuple(steps),
        exercises=exercises(),
        figures=figures,
        checks=tuple(checks),
        graph=adding_neuron_graph,
    )


def notation_step() -> Step:
    rows = [
        ("inputs = [input1, input2]", "x0, x1", "a row, each in (0, 100]"),
        ("weights", "w0, w1", "learned; random at first"),
        ("aggregation(inputs)", "out = w0·x0 + w1·x1", "inputs·weights, summed"),
        ("activation(z) = 1·z", "(no node)", "f(x) = x: out is the sum"),
        ("label", "label", "the row's x0 + x1"),
        ("cost (label - output)²", "C = (label - out)²", "Squared Error, one row"),
        ("dc = cost_derivative(label, output)", "dC/dout = -2·(label - out)", "the cost's slope"),
        ("backprop_activation: 1·grad", "f'(x) = 1", "a factor 1, not drawn"),
        ("backprop_aggregation: inputs·grad", "dC/dw_k = x_k·dC/dout", "weight_grads"),
        ("backprop_aggregation: weights·grad", "dC/dx_k = w_k·dC/dout", "input_grads: unused"),
        ("learn_from_grads(lr)", "SGD(weight_decay=-1)", "w - lr·(w_grads - w)"),
        ("lr = 1/(2·100000·(epoch + 1))", "learning_rate(epoch)", "5e-06 in epoch 1"),
    ]
    intro = (
        "The article shows cost_derivative's call, not its body; its code on GitHub computes "
        "-2·(label - output), the slope of (label - output)²."
    )
    return notation(rows, intro)


def nodes(root: Value) -> list[Value]:
    """Every node of `root`'s graph, root first."""
    found, stack, seen = [], [root], set()
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            found.append(node)
            stack.extend(node.inputs)
    return found


def graph_step(named: dict[str, Value], figures: dict[str, float]) -> Step:
    x0, x1, label, out = (named[k].data for k in ("x0", "x1", "label", "out"))
    w0, w1 = named["w0"].data, named["w1"].data
    figures.update(x0=x0, x1=x1, label=label, w0=w0, w1=w1, out=out)
    return Step(
        "The graph of the first training row's cost",
        (
            f"x0 = {x0!r}, x1 = {x1!r}, label = {label!r}",
            f"w0 = {w0!r}, w1 = {w1!r} (the article's random start)",
            f"out = w0·x0 + w1·x1 = {out!r}; C = (label - out)²",
        ),
    )


def gradient_step(
    cost: Value, named: dict[str, Value], figures: dict[str, float], checks: list[tuple[str, bool]]
) -> Step:
    w0, x0, label, out = named["w0"], named["x0"], named["label"], named["out"]
    dc = -2 * (label.data - out.data)  # the article's cost_derivative(label, output)
    w_grad = x0.data * (1 * dc)  # backprop_aggregation(backprop_activation(dc))
    product = explain(cost, w0).paths[0].product  # the chain's factors, multiplied
    figures.update(dc=dc, dC_dw0=w0.grad, dC_dw1=named["w1"].grad, chain_product=product)
    checks.append(("the article's x0·(1·dc) is w0.grad", w_grad == w0.grad == product))
    said = (
        "dC/dout = dC/d(label-out) · d(label-out)/dout = 2·(label - out)·(-1) = "
        f"-2·({short(label.data)} - {short(out.data)}) = {short(dc)}: the article's "
        "dc = cost_derivative(label, output)",
        f"dout/dw0 = dout/d(w0*x0) · d(w0*x0)/dw0 = 1·x0 = {short(x0.data)}: backprop_activation's "
        "1 (f'(x) = 1, no node in our graph), then backprop_aggregation's inputs·grad, entry 0 "
        "(the sum passes its grad on with a 1, and w0·x0 multiplies it by x0)",
        f"so the article's w_grads[0] = x0·(1·dc) = {short(x0.data)} · {short(dc)} = "
        f"{short(w_grad)} is our w0.grad = {short(w0.grad)}",
    )
    article = [line for text in said for line in wrap(text, after="  ")]
    return chain(cost, w0, article)


def hand_check_step(data: Data, checks: list[tuple[str, bool]]) -> Step:
    x0, x1, label = data.train_x0[0], data.train_x1[0], data.train_label[0]

    def cost(w0: Value, w1: Value) -> Value:
        return (label - (w0 * x0 + w1 * x1)) ** 2

    def article(w0: float, w1: float) -> list[float]:
        dc = -2 * (label - (w0 * x0 + w1 * x1))  # cost_derivative, then ·1 and ·inputs
        return [x0 * (1 * dc), x1 * (1 * dc)]

    step, report = hand_check(
        cost,
        data.initial_weights,
        ("w0", "w1"),
        article,
        ("dC/dw0 = -2·(label - out)·x0", "dC/dw1 = -2·(label - out)·x1"),
        intro="The article's formula is its code, weight_grads[k] = inputs[k]·(1·dc);",
    )
    checks.append(("gradcheck of the article's -2·(label - out)·x_k", report.verdict == "PASS"))
    return step


def update_step(data: Data, figures: dict[str, float], checks: list[tuple[str, bool]]) -> Step:
    x0, x1, labels = data.train_x0[:1], data.train_x1[:1], data.train_label[:1]
    lr = example.learning_rate(0)
    weights = data.initial_weights
    stepped = eager_trainer(weights, x0, x1, labels, lr, regularised=True)  # Value, backward, SGD
    grads = (figures["dC_dw0"], figures["dC_dw1"])
    lines = [
        *paragraph(
            f"learn_from_grads(lr) with lr = 1/(2·100000·1) = {short(lr)} in epoch 1: "
            "regularised_grads = w_grads - weights, then weights - lr·regularised_grads."
        )
    ]
    for k in (0, 1):
        w, g = weights[k], grads[k]
        lines.append(f"dC/dw{k} - w{k} = {short(g)} - {short(w)} = {short(g - w)}")
        step, same = by_hand(
            f"new w{k}", f"w{k}", "lr", f"(dC/dw{k} - w{k})", w, lr, g - w, stepped[k]
        )
        lines += step.lines
        checks.append((f"w{k} by hand equals SGD's step", same))
        figures[f"w{k}_after_row1"] = stepped[k]
    compiled = runs()[0].checkpoints[0]
    checks.append(("the compiled run's first row gives the same", compiled[1:] == stepped))
    lines += paragraph(
        "(The optimizer: SGD with weight_decay = -1 on Values, backward() on the row's graph; the "
        "training's compiled step gives the same floats after row 1.) Subtracting w from the "
        "gradient before a descent step adds lr·w: it pushes the weights away from 0 (the usual "
        "weight decay, +w, pulls them towards 0). Where that push settles is worked out below."
    )
    return Step("One update by hand: the first row", tuple(lines))


def training_step(
    result: Result, figures: dict[str, float], checks: list[tuple[str, bool]]
) -> Step:
    rows = []
    for epoch in result.epochs:
        w0, w1 = epoch.weights
        worst = max(abs(w0 - 1), abs(w1 - 1))
        predicted = 100 * predicted_accuracy(epoch.weights, TOLERANCE)
        rows.append(
            (epoch.epoch, short(epoch.lr), w0, w1, epoch.correct, epoch.percent,
             f"{worst:.3g}", f"{predicted:.2f}")
        )  # fmt: skip
    printed = tuple((e.correct, e.percent) for e in result.epochs)
    checks.append(("the run prints the article's accuracies", printed == example.ARTICLE_ACCURACY))
    checks.append(("and its final demo", result.final_demo == example.ARTICLE_FINAL_DEMO))
    figures.update(final_demo=result.final_demo[0], final_w0=result.final_weights[0])
    headers = ("epoch", "lr", "w0", "w1", "correct", "%", "max|w_k-1|", "% from w")
    lines = [
        *table(headers, rows),
        "",
        *paragraph(
            f"final demo: 2.2 + 1.5 = {result.final_demo[0]!r}, 1024 + 2048 = "
            f"{result.final_demo[1]!r}, as the article prints. 'correct' counts the 50,000 test "
            f"rows with |label - out| <= label·{short(TOLERANCE)}. A row's relative error is "
            "t·(w0 - 1) + (1 - t)·(w1 - 1) with t = x0/(x0 + x1), so max|w_k - 1| is the worst "
            f"row's (one near an axis): some rows fail while it is above {short(TOLERANCE)}. "
            "'% from w' is the share of all of (0, 100]² that the weights alone get right."
        ),
    ]
    return Step("The training: the article's ten epochs, from our run", tuple(lines))
