"""The inverter lesson's exercises: dE/dw_ho derived and gradchecked, w_ho after the second
update, the smallest η that no longer converges. Each `CHECK_*` is the one line a student
pastes into Python with their answer in place of ANSWER (the lesson prints it with a YOUR_...
placeholder); `verify` runs the same check with the right answer.

The answer to the last one: at a minimum w_ih·w_ho = Y/X, and across that valley E curves by
X²(w_ih² + w_ho²) ≥ 2X²|w_ih·w_ho| = 2|XY|; a step of size η overshoots a valley of curvature
κ without converging unless η·κ < 2, so no η ≥ 1/|XY| = 1 can converge, and just below 1 the
run still does (0.99: 554 updates).

    >>> derivative_checks(), answer_lr()
    (True, 1.0)
"""

from __future__ import annotations

from fractions import Fraction

from micrograd_lite.check import gradcheck
from micrograd_lite.lessons.lesson import Exercise
from micrograd_lite.worked import inverter
from micrograd_lite.worked.inverter import LR, W_HO, W_IH, X, Y

CHECK_GRADIENT = (
    "from micrograd_lite import gradcheck; X, Y = 2.0, -1.0; print(gradcheck("
    "lambda w_ih, w_ho: 0.5 * (X * w_ih * w_ho - Y) ** 2, [0.15, 0.3], "
    "expected=lambda w_ih, w_ho: [(X * w_ih * w_ho - Y) * w_ho * X, ANSWER]))"
)
ANSWER_GRADIENT = "(X * w_ih * w_ho - Y) * X * w_ih"  # (φ(a_o) - Y)·φ(a_h)
CHECK_W_HO = (
    "from micrograd_lite.worked import inverter; "
    "print(abs(inverter.run().weights[2][1] - ANSWER) < 1e-6)"
)
CHECK_LR = (
    "from micrograd_lite.worked import inverter; "
    "print(inverter.run(lr=ANSWER - 0.01).converged, inverter.run(lr=ANSWER).converged)"
)


def derivative_checks(x: float = 2.0) -> bool:
    """gradcheck of (out - Y)·h for dE/dw_ho at input `x` (X = 1 would not tell h from w_ih)."""
    return bool(
        gradcheck(
            lambda a, b: 0.5 * (x * a * b - Y) ** 2,
            [W_IH, W_HO],
            expected=lambda a, b: [(x * a * b - Y) * b * x, (x * a * b - Y) * x * a],
        )
    )


def answer_w_ho2() -> float:
    """w_ho after update 2, in fractions: both updates from the weights before each."""
    w_ih, w_ho, x, y, lr = (Fraction(str(v)) for v in (W_IH, W_HO, X, Y, LR))
    for _ in range(2):
        g = (x * w_ih * w_ho - y) * x
        w_ih, w_ho = w_ih - lr * g * w_ho, w_ho - lr * g * w_ih
    return float(w_ho)


def answer_lr() -> float:
    """The smallest η, to two decimals, that no longer converges: 1/|XY| (see the module)."""
    return 1 / abs(X * Y)


def brackets(lr: float) -> bool:
    """True when training converges at `lr` - 0.01 and not at `lr`."""
    return inverter.run(lr=lr - 0.01).converged and not inverter.run(lr=lr).converged


EXERCISES = (
    Exercise(
        "Derive dE/dw_ho for any input X, as the article does, and check it with gradcheck. "
        "The check uses X = 2: at X = 1, φ(a_h) and w_ih are the same number.",
        CHECK_GRADIENT.replace("ANSWER", "YOUR_FORMULA"),
        derivative_checks,
    ),
    Exercise(
        "Predict w_ho after the second update, from the weights of the update by hand above, "
        "to six decimals.",
        CHECK_W_HO.replace("ANSWER", "YOUR_W_HO"),
        lambda: abs(inverter.run().weights[2][1] - answer_w_ho2()) < 1e-6,
    ),
    Exercise(
        "Find the smallest η, to two decimals, at which training no longer converges. Hint: at "
        "a minimum w_ih·w_ho = -1; how curved is E across that valley? (The check should print "
        "True False; a run that does not converge takes a second or two.)",
        CHECK_LR.replace("ANSWER", "YOUR_ETA"),
        lambda: brackets(answer_lr()),
    ),
)
