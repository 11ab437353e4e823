"""The single-weight lesson: its numbers against worked-examples.md and exact fractions, its
exercises' checks run as a student runs them (right answers pass, wrong ones fail), and
`examples single-weight --explain`."""

from __future__ import annotations

import contextlib
import io
import math
import pathlib
import shutil
from fractions import Fraction

import pytest

from micrograd_lite import cli
from micrograd_lite.lessons import LESSONS, format_lesson
from micrograd_lite.lessons import single_weight_exercises as ex
from micrograd_lite.lessons.single_weight import exact, single_weight_lesson, steps_from_closed_form
from micrograd_lite.worked import single_weight


@pytest.fixture(scope="module")
def text() -> str:
    return format_lesson(single_weight_lesson())


def run_check(line: str, answer: str) -> str:
    """What the student sees after pasting the check `line` with `answer` for ANSWER."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(line.replace("ANSWER", answer), {})
    return out.getvalue()


def assert_taught(name: str, root: str, checks: int) -> None:
    """LESSONS[name] builds a lesson whose claims all hold, with `checks` claims, three
    exercises and a graph whose root is labelled `root`."""
    lesson = LESSONS[name]()
    assert lesson.ok, lesson.failed
    assert len(lesson.checks) == checks and len(lesson.exercises) == 3
    assert lesson.graph is not None and lesson.graph().label == root


def explain_cli(capsys: pytest.CaptureFixture[str], directory: pathlib.Path, name: str) -> str:
    """`examples NAME --explain --pictures DIR`: exits 0, writes NAME.svg and NAME.html into
    DIR and names them; returns what it printed."""
    code = cli.main(["examples", name, "--explain", "--pictures", str(directory)])
    out = capsys.readouterr().out
    assert code == 0
    assert {p.name for p in directory.iterdir()} == {f"{name}.svg", f"{name}.html"}
    assert f"{directory / name}.svg" in out
    return out


def test_the_lesson_is_registered_and_its_claims_hold() -> None:
    assert_taught("single-weight", "C", checks=6)


def test_the_figures_are_the_articles_and_worked_examples() -> None:
    f = single_weight_lesson().figures
    assert f["dC/dw"] == 2.1000000000000005  # worked-examples.md: 2·(1.2 - 0.5)·1.5 as a float
    assert f["dC/da"] == pytest.approx(1.4, rel=1e-15) and f["da/dw"] == 1.5
    assert f["dC/da"] * f["da/dw"] == f["dC/dw"]
    assert f["w1"] == 0.59  # the article's w1, bit-exact
    assert (f["steps to 1e-6"], f["steps to 1e-12"]) == (22, 45)
    assert f["settled"] == 0.33333333333333337 == math.nextafter(1 / 3, 1.0)
    assert (f["contraction"], f["limit"], f["max lr"]) == (0.55, 1 / 3, 4 / 9)


def test_the_algebra_is_exact() -> None:
    q = exact()
    i, y, r, w0 = Fraction(3, 2), Fraction(1, 2), Fraction(1, 10), Fraction(4, 5)
    assert q["contraction"] == 1 - 2 * r * i * i == Fraction(11, 20)
    assert q["offset"] == 2 * r * i * y == Fraction(3, 20)
    assert q["start"] == w0 - y / i == Fraction(7, 15)
    assert (q["max lr"], q["one-step lr"]) == (Fraction(4, 9), Fraction(2, 9))
    w = w0  # the affine map it derives reproduces the worked-examples' exact table
    for k in range(13):
        assert w - q["limit"] == q["start"] * q["contraction"] ** k
        assert float(w) == pytest.approx(single_weight.REFERENCE_WEIGHTS[k], abs=1e-15)
        w = q["contraction"] * w + q["offset"]
    assert math.ceil(steps_from_closed_form(1e-6, q)) == 22
    assert math.ceil(steps_from_closed_form(1e-12, q)) == 45


def test_the_lesson_prints_the_articles_steps_with_their_numbers(text: str) -> None:
    assert text.startswith(
        'single-weight: a lesson on "Understanding Neural Network Backpropagation Learning '
        'Algorithm"\n  the article names no author or date and credits: a YouTube video'
    )
    assert "seed" not in text.lower()
    for line in (
        "dC/da = 2(a - y) = 2(1.2 - 0.5) = 1.4",
        "da/dw = i = 1.5",
        "w1 = w0 - r·dC/dw = 0.8 - 0.1 · 2.1 = 0.59",
        "the optimizer's step gave 0.59: the same float",
        "w_(k+1) - 1/3 = (1 - 2ri²)·(w_k - 1/3) = 0.55·(w_k - 1/3)",
        "w_k - 1/3 = (7/15)·0.55^k",
        "PASS",
    ):
        assert line in text, line
    assert '"to produce the value of 4"' in text and "= 21.83 (1e-6) and 44.94 (1e-12)" in text
    table = text[text.index("The training") :].splitlines()[2:11]
    assert [row.split()[0] for row in table] == [str(k) for k in range(9)]
    assert all(row.split()[-1] == "0.550000000" for row in table)
    assert table[2].split()[1:3] == ["0.4745", "0.63525"]  # w2 and dC/dw there: 2·i·(i·w2 - y)


def test_each_exercise_verifies_its_own_answer() -> None:
    assert [e.verify() for e in ex.EXERCISES] == [True, True, True]
    assert (ex.answer_gradient(), ex.answer_w2(), ex.answer_r()) == (1.155, 0.4745, 4 / 9)
    for exercise, placeholder in zip(
        ex.EXERCISES, ("YOUR_NUMBER", "YOUR_W2", "YOUR_R"), strict=True
    ):
        assert placeholder in exercise.check


def test_the_gradient_check_passes_the_right_number_and_fails_a_wrong_one() -> None:
    assert "PASS:" in run_check(ex.CHECK_GRADIENT, repr(ex.answer_gradient()))
    assert "FAIL:" in run_check(ex.CHECK_GRADIENT, "0.77")  # 2(a - y) without the ·i


def test_the_w2_check_tells_right_from_wrong() -> None:
    assert run_check(ex.CHECK_W2, repr(ex.answer_w2())) == "True\n"
    assert run_check(ex.CHECK_W2, "0.59 - 0.1 * 2.1") == "False\n"  # w0's gradient again


def test_the_oscillation_check_shows_one_distance_only_at_one_over_i_squared() -> None:
    assert run_check(ex.CHECK_OSCILLATION, "4/9") == "{0.466666667}\n"  # |w0 - 1/3| = 7/15
    assert len(eval(run_check(ex.CHECK_OSCILLATION, "0.4"))) > 1  # converges
    assert not ex.oscillates(0.5)  # grows


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")
def test_cli_explain_prints_the_lesson_and_writes_its_pictures(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    out = explain_cli(capsys, tmp_path, "single-weight")
    assert out.index("1. The article's notation") < out.index("w1 = w0 - r·dC/dw = 0.8")
    assert out.index("Exercises") < out.index("gradient descent on one weight")  # then the table
