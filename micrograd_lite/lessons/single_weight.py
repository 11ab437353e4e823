"""The lesson on "Understanding Neural Network Backpropagation Learning Algorithm": one weight,
a = i·w, trained by gradient descent on C = (a - y)².

What the article leaves implicit, derived here with exact fractions of its decimals: dC/dw =
2i(iw - y) is linear in w, so one step w ← w - r·dC/dw is an affine map with fixed point y/i,

    w_{k+1} - y/i = (1 - 2ri²)·(w_k - y/i),   so   w_k - 1/3 = (7/15)·0.55^k

at i = 3/2, y = 1/2, r = 1/10, w0 = 4/5; it converges iff |1 - 2ri²| < 1, i.e. 0 < r < 1/i².

    >>> lesson = single_weight_lesson()
    >>> lesson.ok, lesson.figures["contraction"], lesson.figures["steps to 1e-6"]
    (True, 0.55, 22.0)
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from micrograd_lite.backward import topo_order
from micrograd_lite.check import explain
from micrograd_lite.lessons.graphs import single_weight_graph
from micrograd_lite.lessons.lesson import Lesson, Source, Step, wrap
from micrograd_lite.lessons.single_weight_exercises import EXERCISES
from micrograd_lite.lessons.steps import chain as chain_step
from micrograd_lite.lessons.steps import hand_check, notation, paragraph, short, table
from micrograd_lite.losses import squared_error
from micrograd_lite.value import Value
from micrograd_lite.worked import single_weight
from micrograd_lite.worked.single_weight import INITIAL_WEIGHT, INPUT, LR, TARGET

SOURCE = Source(
    "Understanding Neural Network Backpropagation Learning Algorithm",
    credits=(
        'a YouTube video, "all credits go to that great channel" (neither is named)',
        'for more, "this article" (not named)',
    ),
)
TABLE_STEPS = 8  # the training table's rows k = 0..8: enough to see the ratio hold


def labelled(root: Value) -> dict[str, Value]:
    """The nodes of `root`'s graph that carry a label, by label."""
    return {v.label: v for v in topo_order(root) if v.label}


def factors(root: Value, wrt: Value, *through: str) -> list[tuple[float, ...]]:
    """explain's local derivatives along the only path from `root` to `wrt`, cut at the nodes
    labelled `through` (root side first): the groups whose products are d root/d t1, d t1/d t2,
    ..., d tn/d wrt. So the article's grouping holds however many steps explain shows."""
    path = explain(root, wrt).paths[0]
    names = [v.label for v in path.nodes]
    cuts = [0, *(names.index(t) for t in through), len(path.locals)]
    return [path.locals[a:b] for a, b in itertools.pairwise(cuts)]


def hanging(line: str) -> list[str]:
    """`line` wrapped to the lesson's width, its continuation lines indented under its text."""
    indent = line[: len(line) - len(line.lstrip())]
    return wrap(line.lstrip(), indent=indent, after=indent + "  ") if line else [""]


def graph_step(what: str) -> Step:
    """The step after which the CLI places the picture files (its heading starts 'The graph')."""
    return Step("The graph of the first update", tuple(paragraph(what)))


def exact() -> dict[str, Fraction]:
    """The algebra of one step, in fractions of the article's decimals (0.8 is 4/5, not the
    double nearest it): the limit y/i, the contraction 1 - 2ri², the offset 2riy, the first
    distance w0 - y/i, and the largest learning rate that converges, 1/i²."""
    i, y, r, w0 = (Fraction(str(x)) for x in (INPUT, TARGET, LR, INITIAL_WEIGHT))
    return {
        "limit": y / i,
        "contraction": 1 - 2 * r * i**2,
        "offset": 2 * r * i * y,
        "start": w0 - y / i,
        "max lr": 1 / i**2,
        "one-step lr": 1 / (2 * i**2),
    }


def cost(w: Value) -> Value:
    """C = (i·w - y)², the article's cost as a function of its weight."""
    return squared_error(Value(INPUT, label="i") * w, Value(TARGET, label="y"))


def gradient_at(w: float) -> float:
    """dC/dw at `w`, by backward()."""
    leaf = Value(w, label="w")
    cost(leaf).backward()
    return leaf.grad


def steps_from_closed_form(tol: float, q: dict[str, Fraction]) -> float:
    """The real k at which (7/15)·0.55^k = tol: the first whole step past it is the first
    within `tol`."""
    return math.log(tol / float(q["start"])) / math.log(float(q["contraction"]))


def single_weight_lesson() -> Lesson:
    """The article walked: its notation, the chain dC/dw = dC/da·da/dw, its formula checked,
    w1 by hand, the contraction it leaves implicit, the training, exercises."""
    q = exact()
    result = single_weight.run()
    w = result.weights
    root = single_weight_graph()
    root.backward()
    nodes = labelled(root)
    above_a, below_a = factors(root, nodes["w"], "a")
    dc_da, da_dw = math.prod(above_a), math.prod(below_a)
    a = nodes["a"].data

    steps = [
        notation(
            [
                ("a = i * w", "a = Neuron(1, activation='linear', bias=False)([i])", "the output"),
                ("w = 0.8", "the neuron's weight, labelled w", "the initial weight w0"),
                ("i = 1.5, y = 0.5", "INPUT, TARGET", "the one training pair"),
                ("C = (y - a)^2", "squared_error(a, y) = (a - y)**2", "the cost (MSE, n = 1)"),
                ("r = 0.1", "SGD(..., lr=0.1)", "the learning rate"),
                ("w1 = w0 - r·dC/dw", "optimizer.step()", "one update"),
            ],
            "One neuron, one weight, no bias, the identity as activation: the article's 'two "
            "nodes on two layers'.",
        ),
        graph_step("C at w0 = 0.8, every node named as the article names it."),
        chain_step(
            root,
            nodes["w"],
            [
                "The article writes dC/dw = dC/da · da/dw = 2(a - y) · i:",
                f"  dC/da = 2(a - y) = 2({short(a)} - {short(TARGET)}) = {short(dc_da)}: "
                f"our factors from C down to a, {' · '.join(map(short, above_a))}",
                f"  da/dw = i = {short(da_dw)}",
                f"  dC/dw = {short(dc_da)} · {short(da_dw)} = {short(dc_da * da_dw)}: w.grad "
                f"after backward() (as a float, {nodes['w'].grad!r})",
            ],
        ),
    ]
    checked, report = hand_check(
        cost,
        [INITIAL_WEIGHT],
        ["w"],
        lambda w: [2 * (INPUT * w - TARGET) * INPUT],
        ["dC/dw = 2(a - y)·i = 2(i·w - y)·i"],
    )
    by_hand = INITIAL_WEIGHT - LR * result.first_gradient
    steps += [
        checked,
        Step(
            "One update by hand",
            (
                f"w1 = w0 - r·dC/dw = {short(INITIAL_WEIGHT)} - {short(LR)} · "
                f"{short(result.first_gradient)} = {short(by_hand)}",
                f"the optimizer's step gave {w[1]!r}"
                + (": the same float" if by_hand == w[1] else f", by hand {by_hand!r}"),
                *paragraph(
                    "The article stops here; its list of the next weights is a picture. The "
                    "table below continues from 0.59."
                ),
            ),
        ),
        implicit(q, result),
        training(q, result),
    ]
    closed = {tol: math.ceil(steps_from_closed_form(tol, q)) for tol in (1e-6, 1e-12)}
    ratios = [(w[k + 1] - 1 / 3) / (w[k] - 1 / 3) for k in range(TABLE_STEPS)]
    return Lesson(
        "single-weight",
        SOURCE,
        "One weight learns a = y by gradient descent: the chain rule for dC/dw, one update by "
        f"hand, and why every step lands {short(float(q['contraction']))} times as far from "
        f"{q['limit']}.",
        steps=tuple(steps),
        exercises=EXERCISES,
        figures={
            "dC/da": dc_da,
            "da/dw": da_dw,
            "dC/dw": nodes["w"].grad,
            "w1": w[1],
            "contraction": float(q["contraction"]),
            "limit": float(q["limit"]),
            "max lr": float(q["max lr"]),
            "steps to 1e-6": float(result.steps_to_1e6 or math.nan),
            "steps to 1e-12": float(result.steps_to_1e12 or math.nan),
            "settled": w[-1],
        },
        checks=(
            ("gradcheck of the article's formula: PASS", bool(report)),
            ("dC/da · da/dw equals backward()'s dC/dw", dc_da * da_dw == nodes["w"].grad),
            ("w1 by hand equals the optimizer's step", by_hand == w[1]),
            ("the run's ratio is 0.55 at every step shown", max_gap(ratios, 0.55) < 1e-9),
            (
                "the closed form gives the run's step counts (22, 45)",
                (closed[1e-6], closed[1e-12]) == (result.steps_to_1e6, result.steps_to_1e12),
            ),
            ("the run settles one ulp above 1/3", w[-1] == math.nextafter(1 / 3, 1.0)),
        ),
        graph=single_weight_graph,
    )


def max_gap(xs: list[float], target: float) -> float:
    return max(abs(x - target) for x in xs)


def implicit(q: dict[str, Fraction], result: single_weight.Result) -> Step:
    """What the article leaves implicit: its typo, the exact limit, the contraction and the
    learning rates it allows, the step counts, where the floats settle."""
    c, start = q["contraction"], q["start"]
    one_step = single_weight.run(lr=float(q["one-step lr"]), steps=1).weights[1]
    settled = result.weights[-1]
    settled_at = next(k for k, x in enumerate(result.weights) if x == settled)
    lines = [
        *paragraph(
            'The article wants the network "to produce the value of 4": a typo, the target is '
            f'y = {short(TARGET)}. It says w "needs to be near 0.3": a = y exactly at w = y/i '
            f"= {short(TARGET)}/{short(INPUT)} = {q['limit']}."
        ),
        "",
        *paragraph(
            "Why the weights go to 1/3, and how fast: dC/dw = 2i(iw - y) is linear in w, so one "
            f"step is w_(k+1) = w_k - r·2i(i·w_k - y) = (1 - 2ri²)·w_k + 2riy = {c}·w_k + "
            f"{q['offset']}, and subtracting 1/3 from both sides:"
        ),
        f"  w_(k+1) - 1/3 = (1 - 2ri²)·(w_k - 1/3) = {short(float(c))}·(w_k - 1/3)",
        f"  w_k - 1/3 = ({start})·{short(float(c))}^k   (w0 - 1/3 = {start + q['limit']} - 1/3 "
        f"= {start})",
        *paragraph(
            f"Each step lands {short(float(c))} times as far from 1/3 (the ratio column "
            "below). It converges "
            f"for any r with |1 - 2ri²| < 1, i.e. 0 < r < 1/i² = {q['max lr']} = "
            f"{short(float(q['max lr']))}: the article's \"the speed of getting the best "
            'weight depends on the learning rate" is this factor. At r = 1/(2i²) = '
            f"{q['one-step lr']} it is 0 and one step "
            f"lands on 1/3 (the run gives w1 = {short(one_step)}); at r = 1/i² it is -1 and w "
            f"jumps between {start + q['limit']} and {q['limit'] - start} forever; above it, "
            "|w_k - 1/3| grows."
        ),
        "",
        *paragraph(
            f"The run is within 1e-6 of 1/3 at step {result.steps_to_1e6} and within 1e-12 at "
            f"step {result.steps_to_1e12}. The closed form says the same: ({start})·"
            f"{short(float(c))}^k < tol from k > log(tol/({start}))/log({short(float(c))}) = "
            f"{steps_from_closed_form(1e-6, q):.2f} "
            f"(1e-6) and {steps_from_closed_form(1e-12, q):.2f} (1e-12)."
        ),
        "",
        *paragraph(
            f"In floats the iteration stops moving at step {settled_at}, on {settled!r}: one "
            f"ulp above {1 / 3!r}, the double nearest 1/3, so a test must not ask w == 1/3."
        ),
    ]
    return Step("What the article leaves implicit", tuple(lines))


def training(q: dict[str, Fraction], result: single_weight.Result) -> Step:
    """The run's first steps: w_k, the gradient there, the distance to 1/3 and its ratio."""
    w = result.weights
    rows = [
        (k, w[k], gradient_at(w[k]), w[k] - 1 / 3, (w[k + 1] - 1 / 3) / (w[k] - 1 / 3))
        for k in range(TABLE_STEPS + 1)
    ]
    header = ("k", "w_k", "dC/dw at w_k", "w_k - 1/3", "(w_(k+1) - 1/3)/(w_k - 1/3)")
    return Step(
        f"The training (single_weight.run(), r = {short(LR)})",
        (*table(header, [(k, a, g, d, f"{r:.9f}") for k, a, g, d, r in rows]),),
    )
