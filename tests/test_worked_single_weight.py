"""The single weight ("Understanding Neural Network Backpropagation Learning Algorithm"),
against its printed figures and the references docs/worked/single-weight.md derives."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from micrograd_lite.worked import single_weight
from micrograd_lite.worked.report import format_report, summary


@pytest.fixture(scope="module")
def result() -> single_weight.Result:
    return single_weight.run()


def test_first_two_steps_are_bit_exact(result: single_weight.Result) -> None:
    assert result.weights[0] == 0.8
    assert result.weights[1] == 0.59
    assert result.weights[2] == 0.4745
    assert result.first_gradient == 2.1000000000000005


def test_sequence_matches_the_table(result: single_weight.Result) -> None:
    table = single_weight.REFERENCE_WEIGHTS
    assert result.weights[: len(table)] == pytest.approx(table, abs=1e-15)


def test_sequence_follows_the_closed_form(result: single_weight.Result) -> None:
    # w_k - 1/3 = (7/15)·0.55^k exactly; each float is within a few ulps of it
    for k, w in enumerate(result.weights[:13]):
        exact = Fraction(1, 3) + Fraction(7, 15) * Fraction(11, 20) ** k
        assert abs(Fraction(w) - exact) < Fraction(1, 10**15), k


def test_step_counts(result: single_weight.Result) -> None:
    assert result.steps_to_1e6 == 22
    assert result.steps_to_1e12 == 45
    assert result.weights[21] == 0.33333498006660495
    assert result.weights[22] == 0.33333423903663273


def test_float_iteration_settles_one_ulp_above_a_third(result: single_weight.Result) -> None:
    assert result.final == 0.33333333333333337
    assert set(result.weights[61:]) == {0.33333333333333337}  # a fixed point of the float step
    assert result.weights[60] != result.final
    assert result.final != 1 / 3


def test_report_matches_and_names_the_article(result: single_weight.Result) -> None:
    report = single_weight.report(result)
    assert report.ok
    text = format_report(report)
    assert '"Understanding Neural Network Backpropagation Learning Algorithm"' in text
    assert "seed 002" not in text
    assert "16 of 16 figures match in all." in text


def test_report_counts_printed_figures_and_derived_references_apart(
    result: single_weight.Result,
) -> None:
    report = single_weight.report(result)
    # printed: w1 = 0.59 and the limit 0.3333…; derived: the gradient, w2..w12, 22 and 45 steps
    assert [f.name for f in report.printed] == ["w1", "w after 80 steps (→ 0.3333…)"]
    assert (len(report.printed), len(report.derived)) == (2, 14)
    line = (
        "single-weight: 2 of 2 printed figures match; 14 of 14 derived references match "
        "(derivations: docs/worked/single-weight.md)"
    )
    assert f"  {line}\n" in format_report(report)


def test_report_catches_a_wrong_learning_rate() -> None:
    # a run that claims the article's r = 0.1 but stepped with 0.11 (at an r it states, the
    # report shows the references without judging them: see test_worked_divergence)
    wrong = dataclasses.replace(single_weight.run(lr=0.11), lr=single_weight.LR)
    report = single_weight.report(wrong)
    assert not report.ok
    assert "w1" in [f.name for f in report.misses]
    # the limit 1/3 and the first gradient do not depend on r: each kind misses all but one
    assert summary(report).startswith("single-weight: 1 of 2 printed figures match; 1 of 14")
