"""The inverter lesson: its numbers against worked-examples.md and exact fractions, its
exercises' checks run as a student runs them (right answers pass, wrong ones fail), and
`examples inverter --explain`."""

from __future__ import annotations

import pathlib
import shutil
from fractions import Fraction

import pytest

from micrograd_lite.lessons import format_lesson
from micrograd_lite.lessons import inverter_exercises as ex
from micrograd_lite.lessons.inverter import inverter_lesson
from micrograd_lite.worked import inverter
from tests.test_lesson_single_weight import assert_taught, explain_cli, run_check


@pytest.fixture(scope="module")
def text() -> str:
    return format_lesson(inverter_lesson())


def test_the_lesson_is_registered_and_its_claims_hold() -> None:
    assert_taught("inverter", "E", checks=6)


def test_the_factors_are_the_articles() -> None:
    f = inverter_lesson().figures
    # worked-examples.md, step 0: (out - Y)·w_ho·X and (out - Y)·φ(a_h), bit-exact
    assert (f["dE/dw_ih"], f["dE/dw_ho"]) == (0.31349999999999995, 0.15674999999999997)
    assert f["dE/dout"] == pytest.approx(1.045, rel=1e-15)  # out - Y = 0.045 + 1
    assert (f["dout/dh"], f["dh/dw_ih"]) == (0.3, 1.0)  # w_ho and X
    assert f["dE/dout"] * f["dout/dh"] * f["dh/dw_ih"] == pytest.approx(f["dE/dw_ih"], rel=1e-15)


def test_the_implicit_figures_match_worked_examples() -> None:
    f = inverter_lesson().figures
    assert f["updates"] == 89 and f["sign change"] == 6  # w_ih crosses 0 between 5 and 6
    assert f["w_ih·w_ho"] == -0.9999990327060448
    assert f["conserved at start"] == pytest.approx(float(Fraction(27, 400)), abs=1e-17)
    assert f["conserved at end"] == pytest.approx(0.0539, abs=5e-5)
    assert f["off at -200"] == pytest.approx(200 - 199.99980654120898, rel=1e-12)  # about 2e-4


def test_the_lesson_prints_the_articles_steps_with_their_numbers(text: str) -> None:
    assert text.startswith(
        'inverter: a lesson on "Backpropagation and Gradient Descent"\n'
        "  the article names no author or date, and credits no sources\n"
    )
    assert "seed" not in text.lower()
    flat = " ".join(text.split())  # phrases may wrap
    for line in (
        "δE/δφ(a_o) = φ(a_o) - Y = 0.045 - (-1) = 1.045",
        "0.5 · 2.09 · 1: the ½ of E cancels the 2",
        "δφ(a_o)/δφ(a_h) = w_{h,o} = 0.3",
        "δφ(a_h)/δw_{i,h} = X = 1",
        "(φ(a_o) - Y)·w_{h,o}·X = 1.045 · 0.3 · 1 = 0.3135",
        "= 1.045 · 0.15 = 0.15675",
        "w_ih⁺ = w_ih - η·dE/dw_ih = 0.15 - 0.1 · 0.3135 = 0.11865",
        "w_ho⁺ = w_ho - η·dE/dw_ho = 0.3 - 0.1 · 0.15675 = 0.284325",
        "the optimizer's step gave 0.11865 and 0.284325: the same floats",
        "takes 89 updates",
        "says w_{i,o}",
        "= 27/400 = 0.0675",
        "between updates 5 and 6",
    ):
        assert line in flat, line
    assert text.count("PASS") >= 3  # each input's row and the verdict
    # moving w_ih first: w_ho's gradient at w_ih = 0.11865 is (0.11865·0.3 + 1)·0.11865
    other = (Fraction("0.11865") * Fraction("0.3") + 1) * Fraction("0.11865")
    assert f"dE/dw_ho = {float(other)}" in flat
    table = text[text.index("The training") :].splitlines()[2:11]
    assert [row.split()[0] for row in table] == ["0", "1", "2", "5", "6", "10", "20", "50", "89"]
    assert table[1].split()[1:4] == ["0.11865", "0.284325", "0.03373516125"]  # worked-examples


def test_each_exercise_verifies_its_own_answer() -> None:
    assert [e.verify() for e in ex.EXERCISES] == [True, True, True]
    assert ex.answer_w_ho2() == pytest.approx(inverter.TRAJECTORIES[0.1][1][1], abs=1e-15)
    assert ex.answer_lr() == 1.0


def test_the_derivative_check_fails_the_missing_x() -> None:
    assert "PASS:" in run_check(ex.CHECK_GRADIENT, ex.ANSWER_GRADIENT)
    wrong = "(X * w_ih * w_ho - Y) * w_ih"  # (out - Y)·w_ih: forgets that φ(a_h) = X·w_ih
    assert "FAIL:" in run_check(ex.CHECK_GRADIENT, wrong)
    at_one = ex.CHECK_GRADIENT.replace("X, Y = 2.0", "X, Y = 1.0")
    assert "PASS:" in run_check(at_one, wrong)  # why the check uses X = 2


def test_the_w_ho_check_tells_right_from_wrong() -> None:
    assert run_check(ex.CHECK_W_HO, repr(ex.answer_w_ho2())) == "True\n"
    assert run_check(ex.CHECK_W_HO, "0.284325 - 0.1 * 0.15675") == "False\n"  # old gradient


def test_the_learning_rate_check_brackets_the_edge() -> None:
    assert run_check(ex.CHECK_LR, "1.0") == "True False\n"
    assert run_check(ex.CHECK_LR, "0.9") == "True True\n"
    assert run_check(ex.CHECK_LR, "2.0") == "False False\n"  # diverges within a few updates


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")
def test_cli_explain_prints_the_lesson_and_writes_its_pictures(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    out = explain_cli(capsys, tmp_path, "inverter")
    assert out.index("δE/δφ(a_o) = φ(a_o) - Y") < out.index("w_ih⁺ = w_ih - η·dE/dw_ih")
    assert out.index("Exercises") < out.index("step 0: forward and the gradients")
