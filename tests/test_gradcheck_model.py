"""gradcheck's comparison model is a promise: a wrong formula FAILs wherever the inputs, f and the
gradients are normal floats (1e-300 to 1e300), a right one never FAILs, and where nothing can
tell (kinks, underflow, a finite difference too coarse) the verdict is INCONCLUSIVE, never PASS.
The wrong formulas here are right ones perturbed by 1e-6 relative: they must be caught."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from micrograd_lite import Value
from micrograd_lite.check import gradcheck
from micrograd_lite.cli import main

NORMAL = sys.float_info.min

# f(x, y), its gradient by hand, and the range of log10|x|, log10|y| where f and the gradient
# stay normal floats
Family = tuple[
    str,
    Callable[[Value, Value], Value],
    Callable[[float, float], list[float]],
]


def normal(*xs: float) -> bool:
    return all(x == 0.0 or NORMAL <= abs(x) < math.inf for x in xs)


def in_range(family: Family, x: float, y: float) -> bool:
    """f and its gradient are normal floats at (x, y), computing them raises nothing."""
    _, f, right = family
    try:
        return normal(x, y, f(Value(x), Value(y)).data, *right(x, y))
    except ArithmeticError:
        return False


# -- the cases ---------------------------------------------------------------------------


def test_a_formula_wrong_by_a_third_at_1e_minus_5_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "x**3", "--at", "x=1e-5", "--expect", "2*x**2"])
    out = capsys.readouterr().out
    assert code == 1 and "FAIL: x (your formula disagrees with autograd" in out


def test_tiny_inputs_get_a_step_their_size() -> None:
    report = gradcheck(lambda x: x * x * x, [1e-9])  # was: numeric 1e-12 against 3e-18, "ok"
    (row,) = report.rows
    assert row.numeric == pytest.approx(3e-18, rel=1e-6)
    assert report.verdict == "PASS"


def test_bool_of_a_failing_report_is_false() -> None:
    report = gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, 2.0 * x])
    assert report.verdict == "FAIL" and not report and not report.ok
    with pytest.raises(AssertionError):
        assert gradcheck(lambda x: x * x, [3.0], expected=lambda x: [5.0])


def test_nothing_verified_is_not_a_pass() -> None:
    report = gradcheck(lambda x: x.relu(), [0.0])  # a kink, no formula
    assert report.verdict == "INCONCLUSIVE" and not report


def test_underflow_is_inconclusive_not_an_exact_zero() -> None:
    report = gradcheck(lambda x: x * x * x, [1e-300], expected=lambda x: [3.0 * x * x * 1.5])
    assert report.verdict == "INCONCLUSIVE"


def test_a_formula_given_as_values_bounds_its_own_cancellation() -> None:
    # d/dx (x + 1e8)^2 - x^2 = 2e8, the formula written with a cancellation: 2(x + 1e8) - 2x
    def f(x: Value) -> Value:
        return (x + 1e8) ** 2 - x**2

    def cancelling(x: float) -> list[Value]:
        v = Value(x)
        return [(v + 1e8) * 2.0 - v * 2.0]

    report = gradcheck(f, [3.0], expected=cancelling)
    assert report.verdict != "FAIL"


def test_user_tolerances_still_widen_the_comparison() -> None:
    def wrong(x: float) -> list[float]:
        return [2.0 * x * (1 + 1e-4)]

    assert gradcheck(lambda x: x * x, [3.0], expected=wrong).verdict == "FAIL"
    assert gradcheck(lambda x: x * x, [3.0], expected=wrong, rtol=1e-3).verdict == "PASS"


@pytest.mark.parametrize("eps", [0.0, -1.0, math.nan, math.inf])
def test_a_bad_step_is_refused_with_what_it_accepts(eps: float) -> None:
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0"):
        gradcheck(lambda x: x * x, [3.0], eps=eps)


# -- property tests across magnitudes --------------------------------------------------------------

FAMILIES: list[Family] = [
    ("x*y", lambda x, y: x * y, lambda x, y: [y, x]),
    ("x**2*y", lambda x, y: x**2 * y, lambda x, y: [2 * x * y, x * x]),
    ("x**3/y", lambda x, y: x**3 / y, lambda x, y: [3 * x * x / y, -(x**3) / (y * y)]),
    ("x*y**0.5", lambda x, y: x * y**0.5, lambda x, y: [y**0.5, 0.5 * x / y**0.5]),
    ("log(x)*y", lambda x, y: x.log() * y, lambda x, y: [y / x, math.log(x)]),
    (
        "exp(x/y)",
        lambda x, y: (x / y).exp(),
        lambda x, y: [math.exp(x / y) / y, -x * math.exp(x / y) / (y * y)],
    ),
    (
        "tanh(x)*y",
        lambda x, y: x.tanh() * y,
        lambda x, y: [y * (1 - math.tanh(x) ** 2), math.tanh(x)],
    ),
    ("sin(x)*y+x", lambda x, y: x.sin() * y + x, lambda x, y: [y * math.cos(x) + 1, math.sin(x)]),
]


@st.composite
def points(draw: st.DrawFn, family: str) -> tuple[float, float]:
    def magnitude(low: int, high: int) -> float:
        mantissa = draw(st.floats(1.0, 9.999))
        sign = draw(st.sampled_from([1.0, -1.0]))
        return sign * mantissa * 10.0 ** draw(st.integers(low, high))

    if family in ("log(x)*y", "x*y**0.5"):
        x = magnitude(-300, 300)
        y = abs(magnitude(-300, 300))
        return (abs(x), y) if family == "log(x)*y" else (x, y)
    if family in ("exp(x/y)", "tanh(x)*y", "sin(x)*y+x"):
        x = magnitude(-3, 1)  # where the transcendental stays well inside the floats
        return x, magnitude(-100, 100) if family != "exp(x/y)" else magnitude(-1, 1)
    return magnitude(-150, 150), magnitude(-150, 150)


@pytest.mark.parametrize("family", FAMILIES, ids=[f[0] for f in FAMILIES])
@given(data=st.data(), which=st.integers(0, 1), sign=st.sampled_from([1.0, -1.0]))
def test_a_formula_off_by_1e_minus_6_fails_and_the_right_one_never_does(
    family: Family, data: st.DataObject, which: int, sign: float
) -> None:
    name, f, right = family
    x, y = data.draw(points(name))
    assume(in_range(family, x, y) and all(g != 0.0 for g in right(x, y)))
    good = gradcheck(f, [x, y], expected=lambda x, y: right(x, y))
    assert good.verdict in ("PASS", "INCONCLUSIVE"), str(good)

    def wrong(x: float, y: float) -> list[float]:
        g = right(x, y)
        g[which] *= 1.0 + sign * 1e-6
        return g

    bad = gradcheck(f, [x, y], expected=wrong)
    if good.verdict == "PASS":
        assert bad.verdict == "FAIL" and bad.failed == (("x", "y")[which],), str(bad)
    else:  # autograd's own rounding is wider than 1e-6 here (tanh' = 1 - tanh^2 at |x| > 5)
        assert bad.verdict != "PASS", str(bad)


def test_where_autograd_itself_cancels_the_check_says_so() -> None:
    # tanh'(15) = 1 - tanh(15)^2 = 3.7e-13, computed from two numbers within 2e-16 of 1: both
    # autograd and the formula carry ~1e-4 relative rounding, so 1e-6 cannot be told apart
    report = gradcheck(lambda x: x.tanh(), [15.0], expected=lambda x: [1 - math.tanh(x) ** 2])
    assert report.verdict == "INCONCLUSIVE" and "cancellation" in str(report)


def test_formulas_right_to_the_last_bits_pass_and_the_smallest_error_caught() -> None:
    # the resolution on a small graph: a formula off by 1e-13 relative is caught
    def f(x: Value, y: Value) -> Value:
        return x * y + x.exp()

    def off(k: float) -> Callable[[float, float], list[float]]:
        return lambda x, y: [(y + math.exp(x)) * (1 + k), x]

    assert gradcheck(f, [0.7, -1.3], expected=off(0.0)).verdict == "PASS"
    assert gradcheck(f, [0.7, -1.3], expected=off(1e-13)).verdict == "FAIL"


@pytest.mark.parametrize("family", FAMILIES, ids=[f[0] for f in FAMILIES])
@given(data=st.data())
def test_without_a_formula_finite_differences_never_fail_a_right_engine(
    family: Family, data: st.DataObject
) -> None:
    name, f, _ = family
    x, y = data.draw(points(name))
    assume(in_range(family, x, y))
    report = gradcheck(f, [x, y])
    assert report.verdict in ("PASS", "INCONCLUSIVE"), str(report)


def test_a_bad_setting_is_the_librarys_error_and_a_vanishing_step_cannot_tell() -> None:
    from micrograd_lite import MicrogradLiteError

    with pytest.raises(MicrogradLiteError):
        gradcheck(lambda x: x * x, [3.0], eps=0.0)
    report = gradcheck(lambda x: x * x, [3.0], eps=1e-300)  # x + h == x: no step at all
    assert report.verdict == "INCONCLUSIVE" and "does not move x" in str(report)
