"""The lesson on "Backpropagation and Gradient Descent": a 1-1-1 linear network learns X = 1 →
Y = -1, its two gradients derived by the chain rule,

    dE/dw_ih = (out - Y)·w_ho·X        dE/dw_ho = (out - Y)·h

What the article leaves implicit, derived here: the net is linear, out = (w_ih·w_ho)·x, so it
can only learn one number; gradient flow conserves w_ho² - w_ih², and one step of size η
multiplies it by exactly 1 - η²(out - Y)²X²; at a minimum (w_ih·w_ho = Y/X) the error curves
across the valley by X²(w_ih² + w_ho²) ≥ 2|XY|, so no η ≥ 1/|XY| = 1 can converge.

    >>> lesson = inverter_lesson()
    >>> lesson.ok, lesson.figures["updates"], lesson.figures["dE/dout"]
    (True, 89.0, 1.045)
"""

from __future__ import annotations

import math
from fractions import Fraction

from micrograd_lite.check import explain
from micrograd_lite.lessons.graphs import inverter_graph
from micrograd_lite.lessons.inverter_exercises import EXERCISES
from micrograd_lite.lessons.lesson import Lesson, Source, Step
from micrograd_lite.lessons.single_weight import factors, graph_step, hanging, labelled
from micrograd_lite.lessons.steps import chain as chain_step
from micrograd_lite.lessons.steps import hand_check, notation, paragraph, short, table
from micrograd_lite.losses import half_squared_error
from micrograd_lite.value import Value
from micrograd_lite.worked import inverter
from micrograd_lite.worked.inverter import LR, W_HO, W_IH, X, Y

SOURCE = Source("Backpropagation and Gradient Descent")
TABLE_AT = (0, 1, 2, 5, 6, 10, 20, 50)  # and the last update: the sign change, then the tail


def error(w_ih: Value, w_ho: Value) -> Value:
    """E = ½((X·w_ih)·w_ho - Y)², the article's error as a function of its two weights."""
    return half_squared_error(Value(X, label="X") * w_ih * w_ho, Value(Y, label="Y"))


def conserved(w_ih: float, w_ho: float) -> float:
    """w_ho² - w_ih², which gradient flow on E keeps constant."""
    return w_ho * w_ho - w_ih * w_ih


def inverter_lesson() -> Lesson:
    """The article walked: its notation, the chain for dE/dw_ih factor by factor, both formulas
    checked, one update of both weights by hand, what it leaves implicit, the training."""
    result = inverter.run()
    root = inverter_graph()
    root.backward()
    n = labelled(root)
    above_out, *below = factors(root, n["w_ih"], "out", "h")
    de_dout, dout_dh, dh_dw = (math.prod(group) for group in (above_out, *below))
    out, h = n["out"].data, n["h"].data

    article = [
        "The article writes δE/δw_{i,h} = δE/δφ(a_o) · δφ(a_o)/δφ(a_h) · δφ(a_h)/δw_{i,h} = "
        "(φ(a_o) - Y)·w_{h,o}·X; at the start:",
        f"  δE/δφ(a_o) = φ(a_o) - Y = {short(out)} - ({short(Y)}) = {short(de_dout)}: our dE/dout,"
        f" the factors from E down to out, {' · '.join(map(short, above_out))}: the ½ of E "
        "cancels the 2 of the square's derivative 2(out - Y)",
        f"  δφ(a_o)/δφ(a_h) = w_{{h,o}} = {short(dout_dh)}: our dout/dh",
        f"  δφ(a_h)/δw_{{i,h}} = X = {short(dh_dw)}: our dh/dw_ih",
        f"  (φ(a_o) - Y)·w_{{h,o}}·X = {short(de_dout)} · {short(dout_dh)} · {short(dh_dw)} = "
        f"{short(n['w_ih'].grad)}, w_ih.grad (as a float, {n['w_ih'].grad!r})",
        "",
        "Its other gradient, δE/δw_{h,o} = δE/δφ(a_o) · δφ(a_o)/δw_{h,o} = (φ(a_o) - Y)·φ(a_h) "
        f"= {short(de_dout)} · {short(h)} = {short(n['w_ho'].grad)}.",
    ]
    article = [*(x for line in article for x in hanging(line)), "explain(E, w_ho) gives:"]
    article += str(explain(root, n["w_ho"])).splitlines()
    checked, report = hand_check(
        error,
        [W_IH, W_HO],
        ["w_ih", "w_ho"],
        lambda a, b: [(X * a * b - Y) * b * X, (X * a * b - Y) * (X * a)],
        ["dE/dw_ih = (φ(a_o) - Y)·w_{h,o}·X", "dE/dw_ho = (φ(a_o) - Y)·φ(a_h)"],
    )
    update, same = one_update(result, n["w_ih"].grad, n["w_ho"].grad)
    lines, figures, claims = implicit(result)
    return Lesson(
        "inverter",
        SOURCE,
        "A 1-1-1 linear network learns to invert its input: the chain rule for both weights, "
        "one update of both at once by hand, what a linear net can learn, and when training "
        "stops converging.",
        steps=(
            notation(
                [
                    ("X = 1, Y = -1", "X, Y", "the one training pair"),
                    ("φ(x) = x", "Neuron(1, activation='linear', bias=False)", "each layer"),
                    ("φ(a_h) = φ(a_i)·w_{i,h}", "h = X·w_ih", "the hidden node (φ(a_i) = X)"),
                    ("φ(a_o) = φ(a_h)·w_{h,o}", "out = h·w_ho", "the output"),
                    ("E = ½(φ(a_o) - Y)²", "half_squared_error(out, Y)", "the error"),
                    ("η", "SGD(..., lr=η)", "the learning rate"),
                    ("w⁺ = w - η·δE/δw", "optimizer.step()", "one epoch's update"),
                ],
                "Three one-node layers, identity activations, no biases; the article's "
                "weights w_{i,h} = 0.15 and w_{h,o} = 0.3 are our w_ih and w_ho.",
            ),
            graph_step("E at the article's initial weights, in its names."),
            chain_step(root, n["w_ih"], article),
            checked,
            update,
            Step("What the article leaves implicit", tuple(lines)),
            training(result),
        ),
        exercises=EXERCISES,
        figures={
            "dE/dout": de_dout,
            "dout/dh": dout_dh,
            "dh/dw_ih": dh_dw,
            "dE/dw_ih": n["w_ih"].grad,
            "dE/dw_ho": n["w_ho"].grad,
            **figures,
        },
        checks=(
            ("gradcheck of both of the article's formulas: PASS", bool(report)),
            ("the three factors multiply to backward()'s dE/dw_ih", same_float(
                de_dout * dout_dh * dh_dw, n["w_ih"].grad)),
            ("both weights by hand equal the optimizer's step", same),
            *claims,
        ),
        graph=inverter_graph,
    )  # fmt: skip


def same_float(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-15)


def one_update(result: inverter.Result, g_ih: float, g_ho: float) -> tuple[Step, bool]:
    """Both weights moved by hand from the gradients at the old weights, beside the optimizer;
    then what updating one weight after the other would have given instead."""
    (w_ih, w_ho), (new_ih, new_ho) = result.weights[0], result.weights[1]
    by_hand = (w_ih - LR * g_ih, w_ho - LR * g_ho)
    other = inverter_graph(by_hand[0], w_ho)  # w_ih already moved: w_ho's gradient there
    other.backward()
    g_after = labelled(other)["w_ho"].grad
    same = by_hand == (new_ih, new_ho)
    lines = [
        f"w_ih⁺ = w_ih - η·dE/dw_ih = {short(w_ih)} - {short(LR)} · {short(g_ih)} = "
        f"{short(by_hand[0])}",
        f"w_ho⁺ = w_ho - η·dE/dw_ho = {short(w_ho)} - {short(LR)} · {short(g_ho)} = "
        f"{short(by_hand[1])}",
        f"the optimizer's step gave {new_ih!r} and {new_ho!r}"
        + (": the same floats" if same else ": they differ"),
        *paragraph(
            f"η = {short(LR)} is ours: the article does not print its own. Both gradients are "
            "taken at the old weights (one forward, one backward(), then every weight moves), "
            "which is what optimizer.step() does. Moving w_ih first and then taking w_ho's "
            f"gradient at the new w_ih = {short(by_hand[0])} would give dE/dw_ho = "
            f"{short(g_after)} and w_ho⁺ = {short(w_ho - LR * g_after)}: a different "
            "algorithm, not a step along the gradient."
        ),
    ]
    return Step("One update by hand, both weights at once", tuple(lines)), same


def implicit(result: inverter.Result) -> tuple[list[str], dict[str, float], list[tuple[str, bool]]]:
    """The lines on what the article leaves unsaid, their numbers, and the claims checked."""
    w = result.weights
    product = result.product
    start = conserved(*w[0])
    end = conserved(*w[-1])
    shrink = math.prod(1 - (LR * (o - Y) * X) ** 2 for o in result.outputs[:-1])
    flip = next(k for k, (w_ih, _) in enumerate(w) if w_ih < 0)
    low = min(w_ho for _, w_ho in w)
    exact_start = Fraction(str(W_HO)) ** 2 - Fraction(str(W_IH)) ** 2
    tol = f"{inverter.TOL:.0e}".replace("e-0", "e-")
    off = [(x, p, abs(p + x), abs(x) * abs(1 + product)) for x, p in result.predictions]
    lines = [
        *paragraph(
            "The article prints neither its η nor how many epochs it ran (its script and its "
            f"output are not in the text). With η = {short(LR)} and the stop |out - Y| < "
            f"{tol}, inverter.run() takes {result.updates} updates. Its second "
            "update line says w_{i,o}: there is no weight from input to output, w_{h,o} is meant."
        ),
        "",
        *paragraph(
            "With φ(x) = x the net computes out = (x·w_ih)·w_ho = (w_ih·w_ho)·x: all it can "
            f"learn is one number, the product, and it ends at w_ih·w_ho = {short(product)}. So "
            "'generalising' to 0.4 and -200 is built into its structure, and the error on an "
            f"input x is |x|·|1 + w_ih·w_ho|: stopping at |out - Y| < {tol} on X = "
            f"{short(X)} leaves up to {short(max(abs(x) for x, *_ in off) / abs(X))} times "
            "that on the inputs it predicts:"
        ),
        *(
            f"  predict({short(x)}) = {short(p)}: off by {e:.3g} = |{short(x)}|·{b / abs(x):.3g}"
            for x, p, e, b in off
        ),
        "",
        *paragraph(
            f"w_ih changes sign between updates {flip - 1} and {flip} ({short(w[flip - 1][0])}, "
            f"then {short(w[flip][0])}) while w_ho stays positive (its lowest: {short(low)}). "
            "Why: gradient flow keeps w_ho² - w_ih² constant, as d/dt w_ih = -(out - Y)·X·w_ho "
            "and d/dt w_ho = -(out - Y)·X·w_ih. A step of size η multiplies it by exactly "
            f"1 - η²(out - Y)²X² (expand both updates): it starts at {short(W_HO)}² - "
            f"{short(W_IH)}² = "
            f"{exact_start} = {short(float(exact_start))}, ends at {short(end)}, and "
            f"{short(start)} times the product of those factors over the run gives "
            f"{short(start * shrink)}. Since "
            f"w_ho² = w_ih² + (w_ho² - w_ih²), |w_ho| never falls below √{short(end)} = "
            f"{short(math.sqrt(end))}; w_ih has no such floor."
        ),
    ]
    figures = {
        "updates": float(result.updates),
        "w_ih·w_ho": product,
        "conserved at start": start,
        "conserved at end": end,
        "sign change": float(flip),
        "off at -200": off[1][2],
    }
    claims = [
        ("each prediction is off by |x|·|1 + w_ih·w_ho|", all(
            math.isclose(e, b, rel_tol=1e-6) for _, _, e, b in off)),
        ("w_ho² - w_ih² shrinks by 1 - η²(out - Y)²X² per step", math.isclose(
            start * shrink, end, rel_tol=1e-9)),
        ("w_ho stays above √(w_ho² - w_ih²)", low >= math.sqrt(end)),
    ]  # fmt: skip
    return lines, figures, claims


def training(result: inverter.Result) -> Step:
    """The run at a few updates: both weights, out, E and w_ho² - w_ih²."""
    rows = [
        (k, *result.weights[k], result.outputs[k], result.errors[k], conserved(*result.weights[k]))
        for k in (*TABLE_AT, result.updates)
    ]
    return Step(
        f"The training (inverter.run(), η = {short(LR)}, both weights at once each update)",
        tuple(table(("update", "w_ih", "w_ho", "out", "E", "w_ho² - w_ih²"), rows)),
    )
