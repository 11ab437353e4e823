"""What the adding neuron's article leaves implicit, as exact algebra and as the lesson's steps:
where its regularised update settles, which learning rates overshoot, and what it does without
the regulariser.

One row's regularised update is w ← w - lr·(g - w) with g = dC/dw = 2x(x·w - y), y = x·(1, 1).
Averaged over rows, g is E[2x xᵀ(w - 1)] = 2M(w - 1) with M = E[x xᵀ], so the expected step
vanishes where 2M(w - 1) = w, i.e. (2M - I)w = 2M·1. For x uniform on (0, s)², M's diagonal
is s²/3 and its off-diagonal s²/4; s = 100 gives w* = 35000/34997 per weight. Without the
`- w` the fixed point is 2M(w - 1) = 0: w = (1, 1).

    >>> fixed_point(*second_moments(100))
    (Fraction(35000, 34997), Fraction(35000, 34997))
    >>> fixed_point(*second_moments(100), regularised=False)
    (Fraction(1, 1), Fraction(1, 1))

One row's update turns that row's error e = x·w - y into (1 - lr·(2|x|² - 1))·e + lr·y, so
it overshoots (e changes sign and grows) once lr > 2/(2|x|² - 1):

    >>> overshoot_rate(Fraction(2 * 100**2))
    Fraction(2, 39999)
"""

from __future__ import annotations

import math
from fractions import Fraction

from micrograd_lite.lessons.lesson import Step
from micrograd_lite.lessons.steps import paragraph, short, table
from micrograd_lite.worked import adding_neuron as example
from micrograd_lite.worked.adding_neuron_training import ERROR_MARGIN, Data, Result, eager_trainer

SIDE = 100  # inputs are uniform on (0, SIDE]
TOLERANCE = ERROR_MARGIN / 100  # a test row is correct when |label - out| <= label·TOLERANCE
LARGE_LR = 1e-4  # twice the largest stable rate: one row's update at it, never a training


def second_moments(side: int) -> tuple[Fraction, Fraction]:
    """M = E[x xᵀ] for x uniform on (0, side)²: (E[x0²], E[x0·x1]) = (side²/3, side²/4)."""
    return Fraction(side * side, 3), Fraction(side * side, 4)


def expected_step(
    w: tuple[Fraction, Fraction], diag: Fraction, off: Fraction, *, regularised: bool = True
) -> tuple[Fraction, Fraction]:
    """E[g] - w (regularised) or E[g] (not), with E[g] = 2M(w - 1): the update's mean direction,
    before the factor -lr."""
    d0, d1 = w[0] - 1, w[1] - 1
    g0 = 2 * (diag * d0 + off * d1)
    g1 = 2 * (off * d0 + diag * d1)
    return (g0 - w[0], g1 - w[1]) if regularised else (g0, g1)


def fixed_point(
    diag: Fraction, off: Fraction, *, regularised: bool = True
) -> tuple[Fraction, Fraction]:
    """The w where `expected_step` is zero: (2M - c·I)w = 2M·1, c = 1 with the regulariser and
    0 without, solved exactly by Cramer's rule."""
    c = 1 if regularised else 0
    a, b = 2 * diag - c, 2 * off  # 2M - cI = [[a, b], [b, a]]
    r = 2 * (diag + off)  # each entry of 2M·1
    det = a * a - b * b
    return (r * a - b * r) / det, (a * r - r * b) / det


def overshoot_rate(square_norm: Fraction) -> Fraction:
    """The learning rate above which one row with |x|² = `square_norm` overshoots:
    |1 - lr·(2|x|² - 1)| > 1 for lr > 2/(2|x|² - 1)."""
    return 2 / (2 * square_norm - 1)


def along_x_factor(lr: float, square_norm: float) -> float:
    """What one row's update multiplies that row's error x·w - y by: 1 - lr·(2|x|² - 1)."""
    return 1 - lr * (2 * square_norm - 1)


def share_of_t_below(t: float) -> float:
    """P(x0/(x0 + x1) ≤ t) for x0, x1 independent and uniform on (0, s): x0 ≤ k·x1 with
    k = t/(1 - t) covers k/2 of the square for k ≤ 1, and 1 - 1/(2k) beyond."""
    if t <= 0.0:
        return 0.0
    if t >= 1.0:
        return 1.0
    return t / (2 * (1 - t)) if t <= 0.5 else 1 - (1 - t) / (2 * t)


def predicted_accuracy(weights: tuple[float, float], tolerance: float) -> float:
    """The share of rows (x uniform on the square) that the test counts correct at `weights`.

    A row is correct when |label - out| ≤ label·tolerance. With label = x0 + x1 and
    out - label = x0(w0 - 1) + x1(w1 - 1), that is |t·a + (1 - t)·b| ≤ tolerance with
    t = x0/(x0 + x1), a = w0 - 1, b = w1 - 1: an interval of t, whose share is read from the
    distribution of t (`share_of_t_below`).
    """
    a, b = weights[0] - 1, weights[1] - 1
    slope = a - b  # the row's relative error is b + slope·t
    if slope == 0.0:
        return 1.0 if abs(b) <= tolerance else 0.0
    ends = sorted(((-tolerance - b) / slope, (tolerance - b) / slope))
    return share_of_t_below(ends[1]) - share_of_t_below(ends[0])


def fixed_point_step(
    result: Result, figures: dict[str, float], checks: list[tuple[str, bool]]
) -> Step:
    diag, off = second_moments(SIDE)
    star = fixed_point(diag, off)
    checks.append(
        (
            "the expected update is 0 at w*",
            expected_step(star, diag, off) == (Fraction(0), Fraction(0)),
        )
    )
    c = float(star[0])
    bias = star[0] - 1
    demo = example.predict((c, c), *example.DEMO[0])
    gap = TOLERANCE - float(bias)  # how far above w* a weight may jitter with every row right
    figures.update(w_star=c, bias=float(bias), demo_at_w_star=demo, gap=gap)
    rows = [(n, w0, w1, f"{w0 - c:+.2g}", f"{w1 - c:+.2g}") for n, w0, w1 in result.checkpoints]
    near = next(n for n, w0, w1 in result.checkpoints if max(abs(w0 - c), abs(w1 - c)) <= gap)
    passing = [max(abs(w - 1) for w in e.weights) <= TOLERANCE for e in result.epochs]
    first = next(k for k in range(len(passing)) if all(passing[k:])) + 1
    worse = max((0, 1), key=lambda k: result.epochs[0].weights[k])
    last = result.final_weights
    figures.update(rows_to_w_star=near, first_perfect_epoch=first)
    return Step(
        "What the article leaves implicit: where the regularised update settles",
        (
            *paragraph(
                "Averaged over rows, dC/dw = 2x(x·w - y) with y = x·(1, 1) is 2M(w - 1), "
                "M = E[x xᵀ]; the step -lr·(dC/dw - w) vanishes where (2M - I)w = 2M·1. For x "
                f"uniform on (0, 100)², M's diagonal is {diag} and its off-diagonal {off}, so "
                f"(exactly) w* = ({star[0]}, {star[1]}) = {short(c)} per weight."
            ),
            *paragraph(
                f"At w* every output is ({star[0]})·label, {bias} = {float(bias):.3g} too large "
                f"relative to it, just under the test's {short(TOLERANCE)}: 2.2 + 1.5 would give "
                f"{demo!r}. The run is within {gap:.3g} of w* after {near:,} rows of epoch 1, "
                "and then jitters around it:"
            ),
            *table(("rows", "w0", "w1", "w0 - w*", "w1 - w*"), rows),
            *paragraph(
                "So the later epochs do not learn to add. Every row passes only when neither "
                f"weight is above 1 + {short(TOLERANCE)}, i.e. more than {gap:.3g} above w*. "
                f"The SGD fluctuation shrinks with lr, and is that small from epoch {first} on; "
                "before, "
                f"the rows where x{worse} outweighs x{1 - worse} enough fail (w{worse} is the "
                "further from 1): the share that '% from w' computes. The final demo "
                f"{result.final_demo[0]!r} is w* plus what is left of the fluctuation: "
                f"w0 - w* = {last[0] - c:+.2g}, w1 - w* = {last[1] - c:+.2g}."
            ),
        ),
    )


def exploding_step(data: Data, figures: dict[str, float], checks: list[tuple[str, bool]]) -> Step:
    square = [a * a + b * b for a, b in zip(data.train_x0, data.train_x1, strict=True)]
    k = max(range(len(square)), key=square.__getitem__)
    bound = overshoot_rate(Fraction(2 * SIDE * SIDE))
    row_bound = float(overshoot_rate(Fraction(square[k])))
    lr = example.learning_rate(0)
    c = float(fixed_point(*second_moments(SIDE))[0])
    start = data.initial_weights
    rows = []
    for rate in (lr, LARGE_LR):
        after = eager_trainer(
            start, data.train_x0[k : k + 1], data.train_x1[k : k + 1],
            data.train_label[k : k + 1], rate, regularised=True,
        )  # fmt: skip
        factor = along_x_factor(rate, square[k])
        rows.append((short(rate), factor, math.dist(start, (c, c)), math.dist(after, (c, c))))
    figures.update(lr_bound=float(bound), row_lr_bound=row_bound, distance_at_large_lr=rows[1][3])
    checks.append(("the article's lr is under the bound", lr < row_bound < LARGE_LR))
    unit = overshoot_rate(Fraction(2))  # inputs in (0, 1]²
    return Step(
        "What the article leaves implicit: which learning rates explode",
        (
            *paragraph(
                "One row's update turns its error e = x·w - y into (1 - lr·(2|x|² - 1))·e + lr·y. "
                "Once that factor is below -1, the row overshoots: its error changes sign and "
                "comes out larger (but for the small lr·y), the article's 'stepping past its "
                "previous position' before its NaNs. "
                "That is lr > 2/(2|x|² - 1). With x in (0, 100]², |x|² <= 20000, so the rows "
                f"near (100, 100) overshoot for lr > {bound} = {float(bound):.5g}; the largest "
                f"row of the 500,000, ({short(data.train_x0[k])}, {short(data.train_x1[k])}), "
                f"from {row_bound:.4g}. The article's 5e-06 is {float(bound) / lr:.1f}x below. "
                "One update on that row from the initial weights, at 5e-06 and at 1e-4:"
            ),
            *table(
                ("lr", "factor", "|w - w*| before", "after"),
                [(r, f"{f:.4g}", f"{b:.4g}", f"{a:.4g}") for r, f, b, a in rows],
            ),
            *paragraph(
                "As the article says, the cure (a smaller lr) depends on the inputs' range: the "
                f"bound scales with 1/|x|², and inputs in (0, 1]² would allow lr up to {unit}."
            ),
        ),
    )


def plain_step(result: Result, checks: list[tuple[str, bool]]) -> Step:
    epoch = result.epochs[0]
    same = result.checkpoints[0][1:] == epoch.weights  # row 100,000 and the epoch's end
    checks.append(("without the regulariser, epoch 1 is 100 % right", epoch.correct == epoch.total))
    return Step(
        "What the article leaves implicit: without the regulariser",
        tuple(
            paragraph(
                "learn_from_grads without '- weights' (SGD, weight_decay = 0): epoch 1 gives "
                f"{epoch.line}, as the article says, and 2.2 + 1.5 = {result.final_demo[0]!r}, its "
                "final demo: the weights are"
                + (
                    " the same floats at row 100,000 and at the end of epoch 1"
                    if same
                    else " still moving"
                )
                + ". Its 'minuscule error' is in the weights' last digits; exercise 3 asks where "
                "they settle."
            )
        ),
    )
