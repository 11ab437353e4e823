"""Divergence as a finding: the detector on synthetic histories, the bounds each example derives
(against exact algebra and the library's own runs), and reports that say "diverged" instead of
judging the predictions of a blown-up net."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from micrograd_lite.worked import inverter, single_weight, xor
from micrograd_lite.worked.divergence import GROWTH, diverged
from micrograd_lite.worked.report import format_headline, format_report

INF, NAN = math.inf, math.nan


# The detector, on histories made up for it


def test_inf_is_divergence_at_the_step_it_appears() -> None:
    d = diverged([1.0, 0.9, 0.8, INF, 5.0], rate="η = 1")
    assert d is not None
    assert (d.step, d.end, d.end_step) == (3, "reached inf", 3)  # no 1000-fold growth before it
    assert (
        d.sentence("demo")
        == "demo: training diverged at update 3 with η = 1: the loss reached inf at update 3"
    )


def test_nan_after_growth_dates_divergence_from_the_growth() -> None:
    d = diverged([2.0, 3.0, 2500.0, 1e6, NAN], rate="r = 2", unit="step", first=1)
    assert d is not None
    assert (d.step, d.end, d.end_step) == (3, "reached NaN", 5)  # 2500 > 1000·2 from step 3
    assert (d.start, d.largest, d.largest_step) == (2.0, 1e6, 4)


def test_overflow_is_divergence_at_the_next_step() -> None:
    d = diverged([1.0, 10.0, 100.0], rate="η = 9", overflowed=True)
    assert d is not None
    assert (d.step, d.end, d.end_step) == (3, "overflowed", 3)  # 100 is not 1000x: no onset


def test_steady_growth_is_divergence() -> None:
    losses = [0.5 * 1.5**k for k in range(40)]
    d = diverged(losses, rate="r = 0.5", unit="step")
    assert d is not None and d.end == "was still growing"
    onset = next(k for k, x in enumerate(losses) if x > GROWTH * 0.5)
    assert (d.step, d.end_step) == (onset, 39)
    assert "was still growing when the run ended" in d.sentence("demo", "cost")


@pytest.mark.parametrize(
    "losses",
    [
        [1.0, 10.0, 1e4, 1e6, 1e3, 1.0, 0.01, 1e-4],  # overshot a million-fold, then converged
        [1.0, 5e3, 1.0, 5e3, 1.0, 5e3],  # swings past 1000x and back: bounded
        [1.0, 2.0, 4.0, 8.0, 16.0],  # growing, but only 16-fold
        [1.0, 2e3, 3e3, 2.5e3],  # far above its start, but no longer growing at the end
        [0.0, 0.0, 0.0],  # at the minimum throughout
    ],
)
def test_bounded_or_recovered_histories_are_not_divergence(losses: list[float]) -> None:
    assert diverged(losses, rate="η = 1") is None


def test_a_zero_start_measures_growth_from_the_first_positive_loss() -> None:
    d = diverged([0.0, 1e-3, 1.0, 10.0], rate="η = 1")
    assert d is not None and (d.start, d.step) == (1e-3, 3)


# single-weight: w_{k+1} - 1/3 = (1 - 2·r·i²)(w_k - 1/3), stable for 0 < r < 1/i²


def test_single_weight_bound_is_one_over_i_squared() -> None:
    assert single_weight.stable_rate() == 1 / Fraction(3, 2) ** 2 == Fraction(4, 9)
    assert single_weight.contraction(0.1) == pytest.approx(0.55, abs=1e-15)  # the article's r
    assert single_weight.contraction(0.5) == -1.25


def test_single_weight_diverges_at_half() -> None:
    result = single_weight.run(lr=0.5)
    d = single_weight.divergence(result)
    assert d is not None and d.end == "was still growing"
    # the cost (i·w - y)² grows by 1.25² a step: it passes 1000x its start after 16 steps
    assert d.step == 16 == math.ceil(math.log(GROWTH) / math.log(1.25**2))
    report = single_weight.report(result)
    assert not report.ok and not report.misses  # the finding fails it, not MISS rows
    assert report.finding.startswith("single-weight: training diverged at step 16 with r = 0.5:")
    assert "1 - 2·r·i² = -1.25" in report.finding
    assert "r < 1/i² = 4/9 ≈ 0.4444" in report.finding


def test_single_weight_converges_just_under_the_bound() -> None:
    result = single_weight.run(lr=0.44, steps=2000)
    assert single_weight.divergence(result) is None
    # |1 - 2·0.44·2.25| = 0.98: the distance to 1/3 shrinks as 0.98^k
    assert abs(result.final - 1 / 3) < 1e-12
    report = single_weight.report(single_weight.run(lr=0.44))
    assert report.ok and not report.finding
    assert "1 - 2·r·i² = -0.98" in format_report(report)


def test_single_weight_at_the_bound_oscillates_forever() -> None:
    result = single_weight.run(lr=float(single_weight.stable_rate()))
    assert single_weight.divergence(result) is None
    assert result.weights[2::2] == pytest.approx([0.8] * 40, abs=1e-12)
    assert "w jumps between the same two values forever" in format_report(
        single_weight.report(result)
    )


def test_single_weight_overflow_is_a_finding() -> None:
    result = single_weight.run(lr=1e200)
    assert result.overflowed and len(result.costs) == 1
    assert single_weight.report(result).finding.startswith(
        "single-weight: training diverged at step 1 with r = 1e+200: the cost overflowed at step 1"
    )


# inverter: at the minimum E's curvature is X²(w_ih² + w_ho²) = √(0.0675² + 4)


def test_inverter_bound_is_derived_from_the_conserved_balance() -> None:
    assert inverter.VALLEY.balance == Fraction(27, 400)  # 0.3² - 0.15² = 0.0675
    # by hand: 2/√(0.0675² + 4); and numerically, the Hessian's larger eigenvalue at that minimum
    assert inverter.VALLEY.stable_rate == pytest.approx(2 / math.sqrt(0.0675**2 + 4), rel=1e-15)
    w_ih2 = (math.sqrt(0.0675**2 + 4) - 0.0675) / 2  # w_ih² + w_ho² = s, w_ho² - w_ih² = c
    w_ho2 = w_ih2 + 0.0675
    assert math.sqrt(w_ih2 * w_ho2) == pytest.approx(1.0, rel=1e-15)  # w_ih·w_ho = -1
    hessian = [[w_ho2, -1.0], [-1.0, w_ih2]]  # X² [[b², ab], [ab, a²]] at a·b = -1, X = 1
    trace, det = hessian[0][0] + hessian[1][1], w_ho2 * w_ih2 - 1.0
    largest = trace / 2 + math.sqrt(trace**2 / 4 - det)
    assert inverter.VALLEY.curvature == pytest.approx(largest, rel=1e-12)
    assert inverter.VALLEY.flattest_rate == 1.0


def test_inverter_diverges_at_three() -> None:
    result = inverter.run(lr=3.0)
    d = inverter.divergence(result)
    assert d is not None
    first_above = next(k for k, e in enumerate(result.errors) if e > GROWTH * result.errors[0])
    assert (d.step, d.end, d.end_step) == (first_above, "reached inf", len(result.errors) - 1)
    report = inverter.report(result)
    assert not report.ok and not report.misses
    bound = f"{inverter.VALLEY.stable_rate:.4g}"
    assert bound == "0.9994"
    assert report.finding.startswith(
        f"inverter: training diverged at update {d.step} with η = 3: the error grew from 0.546 "
    )
    assert f"this net is stable only for η below about {bound}" in report.finding
    # the predictions of the blown-up net are shown, not judged
    shown = {f.name: f for f in report.figures}
    assert shown["predict(0.4) (→ -0.4)"].verdict == "not judged: training diverged"
    assert math.isinf(shown["predict(0.4) (→ -0.4)"].ours)  # type: ignore[arg-type]
    assert shown["φ(a_o) = φ(a_h)·w_ho"].judged  # step 0 comes before the divergence


@pytest.mark.parametrize("lr", [0.9, 0.99, 0.999])
def test_inverter_converges_just_under_the_bound(lr: float) -> None:
    assert lr < inverter.VALLEY.stable_rate
    result = inverter.run(lr=lr)
    assert result.converged and inverter.divergence(result) is None
    assert inverter.report(result).ok


@pytest.mark.parametrize("lr", [1.05, 1.5])
def test_inverter_above_the_bound_neither_converges_nor_diverges(lr: float) -> None:
    result = inverter.run(lr=lr, max_updates=2000)
    assert not result.converged and inverter.divergence(result) is None
    assert max(result.errors[-100:]) < 1.0  # bounded, yet still swinging
    text = format_report(inverter.report(result))
    assert f"η = {lr:g} is above 0.9994, and above 1, where no minimum is stable" in text


# xor: no bound; large rates kill the ReLUs before anything overflows


def test_xor_large_rate_kills_every_unit_without_diverging() -> None:
    result = xor.run(lr=1.0)
    assert xor.divergence(result) is None
    assert result.dead_units == 3 and result.errors[-1] == 2.0  # output 0: (0-1)² + (0-1)²
    assert "3 of 3 hidden units are dead" in format_report(xor.report(result))


def test_xor_overflow_is_a_finding_without_a_bound() -> None:
    talk = xor.run(lr=1e60)
    d = xor.divergence(talk)
    assert talk.overflowed and d is not None and d.end == "overflowed"
    report = xor.report(talk, xor.run(model=xor.seeded_network(1), lr=1e60))
    assert report.finding.startswith(
        "xor, the talk's weights: training diverged at iteration 2 with lr = 1e+60 (alpha = 2e+60)"
    )
    assert report.finding.endswith(xor.NO_BOUND)
    assert "1 of 1 examples diverged: xor" in format_headline([report])


def test_default_runs_have_no_finding() -> None:
    for report in (
        single_weight.report(single_weight.run()),
        inverter.report(inverter.run()),
        xor.report(xor.run(), xor.run(model=xor.seeded_network(1))),
    ):
        assert report.ok and not report.finding
        assert "not judged" not in format_report(report)
