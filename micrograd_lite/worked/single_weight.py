"""One weight converging to 1/3, from "Understanding Neural Network Backpropagation Learning
Algorithm" (the article names no author).

The network is one linear neuron without bias, a = i·w, with input i = 1.5, target y = 0.5,
cost C = (a - y)² and plain gradient descent w ← w - r·dC/dw, r = 0.1, from w0 = 0.8.
Autograd gives dC/dw = (2(a - y))·i (2.1 at w0). In exact arithmetic w_{k+1} = 0.55·w_k + 0.15,
so w_k - 1/3 = (7/15)·0.55^k: every step shrinks the error by 0.55. The article prints
w1 = 0.59 and says the weight tends to 0.3333…; it needs 22 steps to get within 1e-6 of 1/3
and 45 to get within 1e-12. The report's other references (†) are derived from this algebra;
docs/worked/single-weight.md works each one out.

At another rate r the same algebra gives w_{k+1} - 1/3 = (1 - 2·r·i²)(w_k - 1/3): the run
converges iff |1 - 2·r·i²| < 1, i.e. 0 < r < 1/i² = 4/9 (`stable_rate`); at r = 1/i² it
oscillates forever, beyond it diverges (`divergence.py` finds where, from the costs).

    >>> result = run(steps=2)
    >>> result.weights
    (0.8, 0.59, 0.4745)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from micrograd_lite.losses import squared_error
from micrograd_lite.nn import Neuron
from micrograd_lite.optim import SGD
from micrograd_lite.worked.divergence import Divergence, diverged
from micrograd_lite.worked.report import (
    Figure,
    Options,
    Report,
    Section,
    article,
    print_comparison,
)

INPUT = 1.5
TARGET = 0.5
INITIAL_WEIGHT = 0.8
LR = 0.1
LIMIT = TARGET / INPUT  # the weight that makes a = y: 1/3

ARTICLE = article("Understanding Neural Network Backpropagation Learning Algorithm")
DERIVATIONS = "docs/worked/single-weight.md"  # where each † reference below comes from

# w_k in autograd order (w - r·((2(i·w - y))·i)), k = 0..12: the closed form, rounded as the
# float iteration rounds it (within one ulp of the exact decimals; see DERIVATIONS).
REFERENCE_WEIGHTS = (
    0.8,
    0.59,
    0.4745,
    0.410975,
    0.37603625,
    0.3568199375,
    0.346250965625,
    0.34043803109375,
    0.3372409171015625,
    0.33548250440585936,
    0.3345153774232226,
    0.3339834575827724,
    0.33369090167052484,
)
REFERENCE_STEPS = {1e-6: 22, 1e-12: 45}
SETTLED = 0.33333333333333337  # one ulp above the double nearest 1/3


@dataclass(frozen=True)
class Result:
    """The weight after each step (`weights[0]` is w0), the first gradient, the step counts,
    and the cost C(w_k) = (i·w_k - y)² that step k + 1 descended from (`costs[0]` is C(w0))."""

    weights: tuple[float, ...]
    first_gradient: float
    steps_to_1e6: int | None  # first k with |w_k - 1/3| < 1e-6 (None: not within `steps`)
    steps_to_1e12: int | None
    costs: tuple[float, ...]  # one per step, taken before its update (for the plots)
    lr: float = LR
    overflowed: bool = False  # the run stopped because the cost (i·w - y)² overflowed

    @property
    def final(self) -> float:
        return self.weights[-1]


def first_within(weights: tuple[float, ...], tol: float) -> int | None:
    """The first step k with |w_k - 1/3| < tol, or None."""
    return next((k for k, w in enumerate(weights) if abs(w - LIMIT) < tol), None)


def run(*, w0: float = INITIAL_WEIGHT, lr: float = LR, steps: int = 80) -> Result:
    """Train the single weight for `steps` updates (the float iteration settles at step 61).

    A run that diverges stops early: at a cost that is not finite or that overflows.
    """
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not math.isfinite(lr):
        raise ValueError(f"single-weight: lr must be a finite number, got {lr!r}")
    neuron = Neuron(1, activation="linear", bias=False, weights=[w0])
    (w,) = neuron.parameters()
    optimizer = SGD(neuron.parameters(), lr)
    weights = [w.data]
    costs: list[float] = []
    first_gradient = float("nan")
    overflowed = False
    for k in range(steps):
        try:
            cost = squared_error(neuron([INPUT]), TARGET)
        except OverflowError:  # r beyond 1/i²: |w| grew until (i·w - y)² left the floats
            overflowed = True
            break
        costs.append(cost.data)
        if not math.isfinite(cost.data):
            break
        optimizer.zero_grad()
        cost.backward()
        if k == 0:
            first_gradient = w.grad
        optimizer.step()
        weights.append(w.data)
    history = tuple(weights)
    return Result(
        history,
        first_gradient,
        first_within(history, 1e-6),
        first_within(history, 1e-12),
        costs=tuple(costs),
        lr=float(lr),
        overflowed=overflowed,
    )


def contraction(lr: float) -> float:
    """1 - 2·r·i²: what each step multiplies w - 1/3 by (0.55 at r = 0.1)."""
    return 1 - 2 * lr * INPUT**2


def stable_rate() -> Fraction:
    """1/i² = 4/9: |1 - 2·r·i²| < 1 exactly for 0 < r < 1/i² (exact, from the article's i)."""
    return 1 / Fraction(repr(INPUT)) ** 2


def divergence(result: Result) -> Divergence | None:
    """Whether the run diverged, from its costs (`divergence.py`'s rule)."""
    return diverged(
        result.costs, rate=f"r = {result.lr:g}", unit="step", overflowed=result.overflowed
    )


def stability(lr: float, steps: int) -> str:
    """What the algebra says about rate `lr` over `steps` steps: the contraction factor, what
    it does to the distance to 1/3, and the bound 1/i²."""
    bound = stable_rate()
    c = contraction(lr)
    if c == -1:
        fate = "w jumps between the same two values forever"
    elif c == 1:  # r = 0 is refused by the CLI, but run() accepts it
        fate = "w never moves"
    else:
        try:
            factor = f"{abs(c) ** steps:.3g}"
        except OverflowError:  # a huge r over many steps: past the floats, which is the point
            factor = "more than 1e308"
        plural = "s" * (steps != 1)
        fate = f"after {steps} step{plural} w is |{c:.4g}|^{steps} = {factor} times as far from "
        fate += "1/3 as w0"
    return (
        f"each step multiplies w - 1/3 by 1 - 2·r·i² = {c:.4g}: {fate} (it converges only for "
        f"0 < r < 1/i² = {bound} ≈ {float(bound):.4g})"
    )


def _at(weights: tuple[float, ...], k: int) -> float:
    """w_k, or NaN when the run stopped before step k."""
    return weights[k] if k < len(weights) else math.nan


def report(result: Result) -> Report:
    """The article's figures beside ours; at another r than 0.1, shown but not judged."""
    other = "" if result.lr == LR else f"r = {result.lr:g}, not the article's {LR:g}"
    finding = divergence(result)
    figures = [
        Figure(
            "dC/dw at w0 = 2(1.2 - 0.5)·1.5",
            2.1000000000000005,
            result.first_gradient,
            printed=False,
        ),
        Figure("w1", 0.59, _at(result.weights, 1), not_judged=other),
        Figure("w2", 0.4745, _at(result.weights, 2), printed=False, not_judged=other),
    ]
    figures += [
        Figure(
            f"w{k}",
            REFERENCE_WEIGHTS[k],
            result.weights[k],
            abs_tol=1e-15,
            printed=False,
            not_judged=other,
        )
        for k in range(3, min(len(REFERENCE_WEIGHTS), len(result.weights)))
    ]
    for tol, steps in ((1e-6, result.steps_to_1e6), (1e-12, result.steps_to_1e12)):
        ours = "not reached" if steps is None else steps
        figures.append(
            Figure(
                f"steps until |w - 1/3| < {tol:g}",
                REFERENCE_STEPS[tol],
                ours,
                printed=False,
                not_judged=other,
            )
        )
    figures.append(
        Figure(
            f"w after {len(result.weights) - 1} step{'s' * (len(result.weights) != 2)} (→ 0.3333…)",
            LIMIT,
            result.final,
            abs_tol=1e-15,
            not_judged=other,
        )
    )
    steps = len(result.weights) - 1
    notes = () if not other or finding else (stability(result.lr, steps),)
    return Report(
        "single-weight",
        ARTICLE,
        f"a = i·w, i = 1.5, y = 0.5, C = (a - y)², r = {result.lr:g}, w0 = 0.8: "
        "w tends to y/i = 1/3",
        (Section("gradient descent on one weight", tuple(figures), notes),),
        derivations=DERIVATIONS,
        finding=""
        if finding is None
        else finding.sentence("single-weight", "cost", stability(result.lr, steps)),
    )


def results(options: Options) -> tuple[Result]:
    """The run with r = `options.lr` (default the article's 0.1)."""
    return (run(lr=LR if options.lr is None else options.lr),)


def compare(options: Options) -> Report:
    """Run with the article's setup and compare."""
    return report(*results(options))


def main() -> int:
    """Print the comparison; 0 when every figure matches, else 1."""
    return print_comparison(compare)


if __name__ == "__main__":
    raise SystemExit(main())
