"""One weight converging to 1/3, from "Understanding Neural Network Backpropagation Learning
Algorithm" (the article names no author).

The network is one linear neuron without bias, a = i·w, with input i = 1.5, target y = 0.5,
cost C = (a - y)² and plain gradient descent w ← w - r·dC/dw, r = 0.1, from w0 = 0.8.
Autograd gives dC/dw = (2(a - y))·i (2.1 at w0). In exact arithmetic w_{k+1} = 0.55·w_k + 0.15,
so w_k - 1/3 = (7/15)·0.55^k: every step shrinks the error by 0.55. The article prints
w1 = 0.59 and says the weight tends to 0.3333…; it needs 22 steps to get within 1e-6 of 1/3
and 45 to get within 1e-12. The report's other references (†) are derived from this algebra;
docs/worked/single-weight.md works each one out.

    >>> result = run(steps=2)
    >>> result.weights
    (0.8, 0.59, 0.4745)
"""

from __future__ import annotations

from dataclasses import dataclass

from micrograd_lite.losses import squared_error
from micrograd_lite.nn import Neuron
from micrograd_lite.optim import SGD
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

    @property
    def final(self) -> float:
        return self.weights[-1]


def first_within(weights: tuple[float, ...], tol: float) -> int | None:
    """The first step k with |w_k - 1/3| < tol, or None."""
    return next((k for k, w in enumerate(weights) if abs(w - LIMIT) < tol), None)


def run(*, w0: float = INITIAL_WEIGHT, lr: float = LR, steps: int = 80) -> Result:
    """Train the single weight for `steps` updates (the float iteration settles at step 61)."""
    neuron = Neuron(1, activation="linear", bias=False, weights=[w0])
    (w,) = neuron.parameters()
    optimizer = SGD(neuron.parameters(), lr)
    weights = [w.data]
    costs: list[float] = []
    first_gradient = float("nan")
    for k in range(steps):
        cost = squared_error(neuron([INPUT]), TARGET)
        costs.append(cost.data)
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
    )


def report(result: Result) -> Report:
    """The article's figures beside ours."""
    figures = [
        Figure(
            "dC/dw at w0 = 2(1.2 - 0.5)·1.5",
            2.1000000000000005,
            result.first_gradient,
            printed=False,
        ),
        Figure("w1", 0.59, result.weights[1]),
        Figure("w2", 0.4745, result.weights[2], printed=False),
    ]
    figures += [
        Figure(f"w{k}", REFERENCE_WEIGHTS[k], result.weights[k], abs_tol=1e-15, printed=False)
        for k in range(3, min(len(REFERENCE_WEIGHTS), len(result.weights)))
    ]
    for tol, steps in ((1e-6, result.steps_to_1e6), (1e-12, result.steps_to_1e12)):
        ours = "not reached" if steps is None else steps
        figures.append(
            Figure(f"steps until |w - 1/3| < {tol:g}", REFERENCE_STEPS[tol], ours, printed=False)
        )
    figures.append(
        Figure(
            f"w after {len(result.weights) - 1} steps (→ 0.3333…)",
            LIMIT,
            result.final,
            abs_tol=1e-15,
        )
    )
    return Report(
        "single-weight",
        ARTICLE,
        "a = i·w, i = 1.5, y = 0.5, C = (a - y)², r = 0.1, w0 = 0.8: w tends to y/i = 1/3",
        (Section("gradient descent on one weight", tuple(figures)),),
        derivations=DERIVATIONS,
    )


def results(options: Options) -> tuple[Result]:
    """The article's run (no option applies to this example)."""
    return (run(),)


def compare(options: Options) -> Report:
    """Run with the article's setup and compare."""
    return report(*results(options))


def main() -> int:
    """Print the comparison; 0 when every figure matches, else 1."""
    return print_comparison(compare)


if __name__ == "__main__":
    raise SystemExit(main())
