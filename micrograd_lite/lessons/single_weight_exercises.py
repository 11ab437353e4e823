"""The single-weight lesson's exercises: dC/dw at w1, w2 by hand, the learning rate at which the
weight oscillates. Each `CHECK_*` is the one line a student pastes into Python with their
answer in place of ANSWER (the lesson prints it with a YOUR_... placeholder); `verify` runs
the same check with the right answer, worked out here in fractions of the article's decimals.

    >>> answer_gradient(), answer_w2(), all(exercise.verify() for exercise in EXERCISES)
    (1.155, 0.4745, True)
"""

from __future__ import annotations

from fractions import Fraction

from micrograd_lite.check import gradcheck
from micrograd_lite.lessons.lesson import Exercise
from micrograd_lite.worked import single_weight
from micrograd_lite.worked.single_weight import INPUT, LR, TARGET

W1 = "0.59"  # the article's w1, where exercise 1 takes the gradient

CHECK_GRADIENT = (
    "from micrograd_lite import gradcheck; "
    "print(gradcheck(lambda w: (1.5 * w - 0.5) ** 2, [0.59], expected=lambda w: [ANSWER]))"
)
CHECK_W2 = (
    "from micrograd_lite.worked import single_weight; "
    "print(abs(single_weight.run(steps=2).weights[2] - ANSWER) < 1e-9)"
)
CHECK_OSCILLATION = (
    "from micrograd_lite.worked import single_weight; "
    "print({round(abs(w - 1/3), 9) for w in single_weight.run(lr=ANSWER, steps=40).weights})"
)


def answer_gradient() -> float:
    """dC/dw at w = 0.59, by hand: 2(1.5·0.59 - 0.5)·1.5 = 1.155."""
    i, y, w1 = Fraction(str(INPUT)), Fraction(str(TARGET)), Fraction(W1)
    return float(2 * (i * w1 - y) * i)


def answer_w2() -> float:
    """w2 = w1 - r·dC/dw(w1), by hand in fractions: 0.59 - 0.1·1.155 = 0.4745."""
    i, y, r, w1 = (Fraction(x) for x in (str(INPUT), str(TARGET), str(LR), W1))
    return float(w1 - r * 2 * (i * w1 - y) * i)


def answer_r() -> float:
    """r = 1/i² = 4/9: then 1 - 2ri² = -1, and w_k - 1/3 only changes sign."""
    return float(1 / Fraction(str(INPUT)) ** 2)


def oscillates(lr: float) -> bool:
    """True when |w_k - 1/3| stays the same at every step (to 9 digits): no convergence, no
    growth."""
    return len({round(abs(x - 1 / 3), 9) for x in single_weight.run(lr=lr, steps=40).weights}) == 1


EXERCISES = (
    Exercise(
        "Derive dC/dw at the new weight w1 = 0.59 (the article's formula, by hand) and check "
        "your number with gradcheck.",
        CHECK_GRADIENT.replace("ANSWER", "YOUR_NUMBER"),
        lambda: bool(
            gradcheck(
                lambda w: (1.5 * w - 0.5) ** 2, [0.59], expected=lambda w: [answer_gradient()]
            )
        ),
    ),
    Exercise(
        "Predict w2, the weight after the second update, by hand.",
        CHECK_W2.replace("ANSWER", "YOUR_W2"),
        lambda: abs(single_weight.run(steps=2).weights[2] - answer_w2()) < 1e-9,
    ),
    Exercise(
        "For which learning rate r does the weight oscillate around 1/3 forever, neither "
        "converging nor growing? (The check prints the set of |w_k - 1/3| over 40 steps: one "
        "number means the distance never changes.)",
        CHECK_OSCILLATION.replace("ANSWER", "YOUR_R"),
        lambda: oscillates(answer_r()),
    ),
)
