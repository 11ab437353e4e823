"""The adding-neuron lesson's exercises. Each check is one line of Python the student runs (in
the REPL it prints True, or PASS) after writing their answer in place of ANSWER; `holds` runs
that very line with an answer, so a test can show the right answer passes and a wrong one not.

    >>> holds("from fractions import Fraction as F; 2 * F(ANSWER, 4) == 1", "2")
    True
    >>> holds("from fractions import Fraction as F; 2 * F(ANSWER, 4) == 1", "3")
    False
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from micrograd_lite.lessons.lesson import Exercise
from micrograd_lite.worked.adding_neuron_training import article_data

ANSWER = "ANSWER"


def run_line(line: str) -> object:
    """Run `line` as the REPL would and return the value of its last statement, an expression."""
    tree = ast.parse(line)
    *body, last = tree.body
    if not isinstance(last, ast.Expr):
        raise ValueError(f"a check must end with an expression, got {ast.unparse(last)!r}")
    namespace: dict[str, object] = {}
    exec(compile(ast.Module(body=body, type_ignores=[]), "<check>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<check>", "eval"), namespace)


def holds(check: str, answer: str) -> bool:
    """True when `check`, with `answer` written in place of ANSWER, comes out True."""
    if ANSWER not in check:
        raise ValueError(f"the check {check!r} has no {ANSWER} to fill in")
    return run_line(check.replace(ANSWER, answer)) is True


@dataclass(frozen=True)
class Problem:
    """An exercise with its check line and the answer that passes it (kept for tests)."""

    question: str
    check: str
    answer: str

    def exercise(self) -> Exercise:
        return Exercise(self.question, self.check, lambda: holds(self.check, self.answer))


def problems() -> tuple[Problem, ...]:
    """The three exercises; the first uses the first training row, rounded to 2 decimals."""
    data = article_data()
    x0, x1, y = (f"{v:.2f}" for v in (data.train_x0[0], data.train_x1[0], data.train_label[0]))
    w0, w1 = (f"{w:.2f}" for w in data.initial_weights)
    out = f"(w0*{x0} + w1*{x1})"
    cost = f"lambda w0, w1: ({y} - {out})**2"
    dw0 = f"-2*({y} - {out})*{x0}"
    return (
        Problem(
            "Write dC/dw1 on the first row as the article's code computes it (which factors; "
            "which entry of inputs), and check your formula with gradcheck on that row rounded "
            "to 2 decimals (dC/dw0 is filled in).",
            f"from micrograd_lite import gradcheck; gradcheck({cost}, [{w0}, {w1}], "
            f"expected=lambda w0, w1: [{dw0}, ANSWER]).verdict == 'PASS'",
            f"-2*({y} - {out})*{x1}",
        ),
        Problem(
            "The fixed point depends on the inputs' range. For inputs uniform on (0, 10] "
            "instead (M's diagonal 100/3, off-diagonal 25), find w* per weight as a fraction "
            "F(p, q). Would that neuron pass the article's 0.01 % test?",
            "from fractions import Fraction as F; w = ANSWER; 2*(F(100, 3) + 25)*(w - 1) == w",
            "F(350, 347)",
        ),
        Problem(
            "Without the regulariser (w ← w - lr·w_grads), where does the expected update "
            "2M(w - 1) vanish? Compare your (w0, w1) with the weights after epoch 1 of the run "
            "without it.",
            "from micrograd_lite.worked.adding_neuron import run, compiled_trainer; max(abs(w - a) "
            "for w, a in zip(run(regularised=False, epochs=1, trainer=compiled_trainer)"
            ".final_weights, ANSWER)) < 1e-15",
            "(1, 1)",
        ),
    )


def exercises() -> tuple[Exercise, ...]:
    return tuple(p.exercise() for p in problems())
