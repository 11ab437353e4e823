"""The 1-1-1 inverter ("Backpropagation and Gradient Descent"), against its printed figures and
the references docs/worked/inverter.md derives."""

from __future__ import annotations

import pytest

from micrograd_lite.worked import inverter
from micrograd_lite.worked.report import format_report, summary


@pytest.fixture(scope="module")
def result() -> inverter.Result:
    return inverter.run()


def test_step_zero_forward_and_gradients(result: inverter.Result) -> None:
    assert result.hidden0 == 0.15
    assert result.out0 == 0.045
    assert result.error0 == 0.5460124999999999
    assert result.autograd_grads == (0.31349999999999995, 0.15674999999999997)
    assert result.hand_grads == result.autograd_grads


def test_default_run_takes_89_updates(result: inverter.Result) -> None:
    assert result.lr == 0.1
    assert result.converged
    assert result.updates == 89
    assert result.weights[1] == (0.11865, 0.284325)
    assert result.weights[2] == (0.08925832502775938, 0.2720597323117687)
    assert result.weights[-1] == (-0.9866126466177613, 1.0135680260476834)
    assert result.outputs[1] == 0.03373516125
    assert result.errors[1] == 0.5343041918022818


def test_w_ih_changes_sign_between_updates_5_and_6(result: inverter.Result) -> None:
    assert result.weights[5][0] > 0 > result.weights[6][0]
    assert all(w_ho > 0 for _, w_ho in result.weights)


def test_predictions(result: inverter.Result) -> None:
    assert result.product == -0.9999990327060448
    (x1, p1), (x2, p2) = result.predictions
    assert (x1, x2) == (0.4, -200.0)
    assert p1 == -0.399999613082418
    assert p2 == 199.99980654120898
    assert p1 == pytest.approx(-0.4, abs=1e-5)
    assert p2 == pytest.approx(200.0, abs=1e-3)


@pytest.mark.parametrize("lr", sorted(inverter.TRAJECTORIES))
def test_tabled_learning_rates(lr: float) -> None:
    first, second, updates, final_ih, final_ho = inverter.TRAJECTORIES[lr]
    result = inverter.run(lr=lr)
    assert result.weights[1] == first
    assert result.weights[2] == second
    assert result.updates == updates
    assert result.weights[-1] == (final_ih, final_ho)
    assert inverter.report(result).ok


# (printed, derived) per η: 0.1 and 0.05 also have the output, error and predictions worked out;
# the others only the trajectory, so the learned map is judged against the article's -1 instead.
COUNTS = {0.1: (5, 17), 0.05: (5, 17), 0.01: (6, 12), 0.2: (6, 12), 0.5: (6, 12), 0.3: (6, 5)}


@pytest.mark.parametrize("lr", sorted(COUNTS))
def test_report_counts_printed_figures_and_derived_references_apart(lr: float) -> None:
    report = inverter.report(inverter.run(lr=lr))
    assert report.ok
    assert (len(report.printed), len(report.derived)) == COUNTS[lr]


def test_report_names_the_article_and_its_counts(result: inverter.Result) -> None:
    report = inverter.report(result)
    printed = [f.name for f in report.printed]
    assert printed == [
        "φ(a_h) = X·w_ih",
        "φ(a_o) = φ(a_h)·w_ho",
        "learns to invert (reaches the stop)",
        "predict(0.4) (→ -0.4)",
        "predict(-200) (→ 200)",
    ]
    text = format_report(report)
    assert text.startswith(
        'inverter: "Backpropagation and Gradient Descent" (the article names no author)\n'
    )
    assert summary(report) == (
        "inverter: 5 of 5 printed figures match; 17 of 17 derived references match "
        "(derivations: docs/worked/inverter.md)"
    )
    assert "22 of 22 figures match in all." in text


def test_eta_005_after_one_update_and_predictions() -> None:
    result = inverter.run(lr=0.05)
    assert (result.outputs[1], result.errors[1]) == (0.0392447278125, 0.5400148021430388)
    assert result.product == -0.9999990392597002
    assert [p for _, p in result.predictions] == [-0.3999996157038801, 199.99980785194003]


def test_other_thresholds() -> None:
    for lr, counts in ((0.1, (58, 120, 151)), (0.05, (119, 250, 315))):
        got = tuple(inverter.run(lr=lr, tol=tol).updates for tol in (1e-3, 1e-9, 1e-12))
        assert got == counts


def test_untabled_rate_judges_only_the_inversion() -> None:
    report = inverter.report(inverter.run(lr=0.3))
    assert report.ok
    assert "η = 0.3 has no derived trajectory" in format_report(report)


def test_too_large_rate_does_not_converge_and_misses() -> None:
    result = inverter.run(lr=1.5, max_updates=500)
    assert not result.converged
    report = inverter.report(result)
    assert not report.ok
    text = format_report(report)
    assert "MISS" in text
    # only step 0 (the printed forward pass and the derived gradients) survives η = 1.5
    assert "inverter: 2 of 6 printed figures match; 5 of 5 derived references match" in text


def test_diverging_rate_stops_instead_of_raising() -> None:
    result = inverter.run(lr=50.0)
    assert not result.converged
    assert result.updates < 20


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_rate_is_refused(lr: float) -> None:
    with pytest.raises(ValueError, match="lr"):
        inverter.run(lr=lr)
