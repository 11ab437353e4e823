"""gradcheck(order=2) checks a hand-derived Hessian with the first-order promise: a right one
never FAILs (PASS where something settles it), one entry wrong by 1e-6 relative FAILs and names
that entry (d2f/dx dy and d2f/dy dx each on its own) wherever the numbers stay normal floats,
and where nothing can tell (kinks, cancellation) the verdict is INCONCLUSIVE, never PASS.
Autograd's Hessian is checked against torch float64 as well."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from micrograd_lite import Value
from micrograd_lite.check import gradcheck
from micrograd_lite.higher import hessian
from tests.test_gradcheck_model import normal, points  # the same families, the same magnitudes

Rows = list[list[float]]
# name, f(x, y) on Values (and on torch tensors: the same expression), its Hessian by hand
Family = tuple[str, Callable[[Any, Any], Any], Callable[[float, float], Rows]]


def _exp_hessian(x: float, y: float) -> Rows:
    e = math.exp(x / y)
    return [[e / y**2, -e * (x + y) / y**3], [-e * (x + y) / y**3, x * e * (x + 2 * y) / y**4]]


def _tanh_hessian(x: float, y: float) -> Rows:
    t = math.tanh(x)
    return [[-2 * t * (1 - t * t) * y, 1 - t * t], [1 - t * t, 0.0]]


FAMILIES: list[Family] = [
    ("x*y", lambda x, y: x * y, lambda x, y: [[0.0, 1.0], [1.0, 0.0]]),
    ("x**2*y", lambda x, y: x**2 * y, lambda x, y: [[2 * y, 2 * x], [2 * x, 0.0]]),
    (  # in powers of x/y: y**3 alone is subnormal at y = 1e-104, where 2 x^3/y^3 is not
        "x**3/y",
        lambda x, y: x**3 / y,
        lambda x, y: [[6 * x / y, -3 * (x / y) ** 2], [-3 * (x / y) ** 2, 2 * (x / y) ** 3]],
    ),
    (
        "x*y**0.5",
        lambda x, y: x * y**0.5,
        lambda x, y: [[0.0, 0.5 / y**0.5], [0.5 / y**0.5, -0.25 * x / y**1.5]],
    ),
    ("log(x)*y", lambda x, y: x.log() * y, lambda x, y: [[-y / x / x, 1 / x], [1 / x, 0.0]]),
    ("exp(x/y)", lambda x, y: (x / y).exp(), _exp_hessian),
    ("tanh(x)*y", lambda x, y: x.tanh() * y, _tanh_hessian),
    (
        "sin(x)*y+x",
        lambda x, y: x.sin() * y + x,
        lambda x, y: [[-y * math.sin(x), math.cos(x)], [math.cos(x), 0.0]],
    ),
]
NAMES = [["d2f/dx dx", "d2f/dx dy"], ["d2f/dy dx", "d2f/dy dy"]]


def in_range(family: Family, x: float, y: float) -> bool:
    """f, its gradient and its Hessian are normal floats at (x, y), and computing them raises
    nothing: not the hand formulas, nor autograd's second-derivative graph, whose intermediate
    numbers can overflow where the entry does not (y**-1.5 in d2/dy2 of x*y**0.5 at y = 1e-206:
    inf in `hessian`, an OverflowError naming the op in gradcheck, as at order 1)."""
    _, f, right = family
    try:
        leaves = [Value(x), Value(y)]
        out = f(*leaves)
        out.backward()
        entries = [h for row in right(x, y) for h in row]
        engine = [h for row in hessian(f, [x, y]) for h in row]  # inf where a float overflows
        return normal(x, y, out.data, *(v.grad for v in leaves), *entries, *engine)
    except ArithmeticError:
        return False


def max_rel(mine: Rows, theirs: Rows) -> float:
    """The largest relative difference between two matrices' entries (0 where both are 0)."""
    return max(
        abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0
        for row, other in zip(mine, theirs, strict=True)
        for a, b in zip(row, other, strict=True)
    )


# -- the cases of the issue ----------------------------------------------------------------------


def test_the_issues_example_passes_and_names_each_entry() -> None:
    report = gradcheck(
        lambda x, y: x**3 * y,
        [2.0, 1.0],
        order=2,
        expected=lambda x, y: [[6 * x * y, 3 * x**2], [3 * x**2, 0.0]],
    )
    assert report.verdict == "PASS" and bool(report) and report.ok
    assert report.matrix == [[12.0, 12.0], [12.0, 0.0]]
    assert [e.name for e in report.rows] == [n for row in NAMES for n in row]
    text = str(report)
    assert text.startswith("gradcheck of the Hessian at x = 2.0, y = 1.0: f = 8.0")
    assert "PASS: autograd agrees with your formula for all 4 Hessian entries" in text
    assert all(f"  {name}  " in text for row in NAMES for name in row)


@pytest.mark.parametrize(("i", "j"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_one_entry_off_by_1e_minus_6_fails_and_is_named(i: int, j: int) -> None:
    def wrong(x: float, y: float) -> Rows:
        rows = [[6 * x * y, 3 * x**2], [3 * x**2, 6.0]]  # d2f/dy dy of x**3*y + y**3 at y=1: 6
        rows[i][j] *= 1.0 + 1e-6
        return rows

    report = gradcheck(lambda x, y: x**3 * y + y**3, [2.0, 1.0], order=2, expected=wrong)
    assert report.verdict == "FAIL" and not report
    assert report.failed == (NAMES[i][j],)  # its mirror entry, computed apart, still passes
    assert f"FAIL: {NAMES[i][j]} (your formula disagrees with autograd by" in str(report)


def test_a_wrong_zero_entry_fails() -> None:
    def wrong(x: float, y: float) -> Rows:
        return [[6 * x * y, 3 * x**2], [3 * x**2, 1e-300]]

    report = gradcheck(lambda x, y: x**3 * y, [2.0, 1.0], order=2, expected=wrong)
    assert report.failed == ("d2f/dy dy",)


@pytest.mark.parametrize("family", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_right_hessians_pass_and_match_torch(family: Family) -> None:
    torch = pytest.importorskip("torch")
    _, f, right = family
    point = [0.7, 1.3]
    report = gradcheck(f, point, order=2, expected=right)
    assert report.verdict == "PASS", str(report)
    theirs = torch.autograd.functional.hessian(
        lambda t: f(t[0], t[1]), torch.tensor(point, dtype=torch.float64)
    ).tolist()
    assert max_rel(report.matrix, theirs) <= 1e-12, (report.matrix, theirs)  # measured: 1.4e-15
    assert max_rel(report.matrix, hessian(f, point)) <= 1e-15  # higher.hessian's numbers


# Every op of the table in one product, its Hessian from torch float64: an oracle we did not
# derive. Away from the kinks of relu, abs and leaky_relu (their second derivatives are 0).
def all_ops(x: Any, y: Any, *, sig: Any, softplus: Any, lrelu: Any) -> Any:
    a = (x * y).tanh() * sig(x - y) + softplus(y / x) - (x + 2.0).log() * (y**2 + 1.0).sqrt()
    b = x.exp() * y.sin() - x.cos() / (y + 3.0) + (x * y).relu() * abs(x - y) ** 1.5
    return a * b + lrelu(x - 2.0 * y) * x + (x * x + 1.0) ** y - 2.0**x


def all_ops_values(x: Value, y: Value) -> Value:
    out: Value = all_ops(
        x,
        y,
        sig=lambda v: v.sigmoid(),
        softplus=lambda v: v.softplus(),
        lrelu=lambda v: v.leaky_relu(0.1),
    )
    return out


@pytest.mark.parametrize("point", [[0.7, 1.3], [1.9, -0.4], [0.2, 0.05]])
def test_a_function_of_every_op_passes_against_torchs_hessian(point: list[float]) -> None:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional

    def on_tensors(t: Any) -> Any:
        return all_ops(
            t[0],
            t[1],
            sig=torch.sigmoid,
            softplus=functional.softplus,
            lrelu=lambda v: functional.leaky_relu(v, 0.1),
        )

    theirs = torch.autograd.functional.hessian(
        on_tensors, torch.tensor(point, dtype=torch.float64)
    ).tolist()
    report = gradcheck(all_ops_values, point, order=2, expected=lambda x, y: theirs)
    assert report.verdict == "PASS", str(report)
    assert max_rel(report.matrix, theirs) <= 1e-12  # measured: 2.3e-14 over 60 random points
    assert gradcheck(all_ops_values, point, order=2).verdict == "PASS"  # finite differences


def test_a_hessian_given_as_values_bounds_its_own_cancellation() -> None:
    # d2/dx2 of (x + 1e8)^3 - x^3 = 6e8 + ..., written with a cancellation: 6(x + 1e8) - 6x
    def cancelling(x: float) -> list[list[Value]]:
        v = Value(x)
        return [[(v + 1e8) * 6.0 - v * 6.0]]

    report = gradcheck(lambda x: (x + 1e8) ** 3 - x**3, [3.0], order=2, expected=cancelling)
    assert report.verdict != "FAIL", str(report)


# -- kinks: finite differences cannot tell -------------------------------------------------------


def test_at_a_relu_kink_finite_differences_cannot_tell() -> None:
    report = gradcheck(lambda x, y: x.relu() * y, [0.0, 2.0], order=2)
    assert report.verdict == "INCONCLUSIVE" and not report
    assert report.inconclusive == ("d2f/dx dx", "d2f/dx dy", "d2f/dy dx")
    text = str(report)
    assert "df/dx is not defined at this point: relu(x) is at its kink" in text  # row x
    assert "relu(x) is within the step of its kink" in text  # d/dx of df/dy = relu(x)
    # with a formula (autograd's convention, relu'(0) = 0, as in PyTorch) it is settled
    zero = gradcheck(
        lambda x, y: x.relu() * y, [0.0, 2.0], order=2, expected=lambda x, y: [[0, 0], [0, 0]]
    )
    assert zero.verdict == "PASS" and set(zero.unreliable) == set(report.inconclusive)


def test_near_a_kink_but_off_it_the_hessian_is_checked() -> None:
    # x*|x|: f'' = 2 sign(x), its first derivative 2|x| smooth off 0
    report = gradcheck(lambda x: x * abs(x), [-1e-3], order=2, expected=lambda x: [[-2.0]])
    assert report.verdict == "PASS", str(report)
    assert report.rows[0].numeric == pytest.approx(-2.0, rel=1e-6)


def test_a_domain_edge_cannot_tell() -> None:
    report = gradcheck(lambda x: x.log(), [1e-300], order=2, eps=1.0)
    assert report.verdict == "INCONCLUSIVE" and "undefined" in str(report)


def test_a_step_across_a_pole_is_not_trusted() -> None:
    # x**3/y**2 at y = 1e-23: the step relative to y is noisy (x**3 = 1e-315 is subnormal), and
    # the absolute step, 1e-6, straddles the pole at y = 0 where f is even: both its quotients
    # are exactly 0, a "derivative" of 0 +- 2e-254 (was: FAIL for a right engine, at order 1
    # and order 2). Two steps whose estimates lie outside each other's bars cannot tell.
    first = gradcheck(lambda x, y: x**3 / y**2, [1e-105, 1e-23])
    assert first.verdict == "INCONCLUSIVE" and "y" in first.unreliable, str(first)
    assert "? y: the finite difference cannot tell" in str(first)  # the relative step's bar
    for x in (1e-105, 1e-106):
        second = gradcheck(lambda x, y: x**3 / y, [x, 1e-23], order=2)
        assert second.verdict == "INCONCLUSIVE" and "d2f/dy dy" in second.unreliable, str(second)
    # where the relative step resolves, the absolute one across the pole is not consulted
    assert gradcheck(lambda y: 1.0 / y**2, [1e-11]).verdict == "PASS"


def test_two_steps_whose_estimates_disagree_beyond_their_bars_cannot_tell() -> None:
    # a pole off 0 can hide from an even f the same way; then only the two estimates show it
    from micrograd_lite.check.finite_difference import FiniteDifference, _checked_against_smaller

    small = FiniteDifference(-2e-246, 1e-248, 1e-29)  # not resolved (1e-248 > 1e-3 * 2e-252)
    large = FiniteDifference(0.0, 2e-254, 1e-6)
    judged = _checked_against_smaller(large, [small, large])
    assert judged.tolerance == math.inf and "disagree beyond their error bars" in judged.reason
    near = FiniteDifference(-1.99e-246, 2e-254, 1e-6)  # within the smaller step's bar: trusted
    assert _checked_against_smaller(near, [small, near]) is near


# -- the shape of your Hessian and the order -----------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "shape"),
    [
        ([1.0, 2.0], "2 numbers, not rows (a gradient?)"),
        ([[1.0, 2.0]], "a 1 x 2 matrix"),
        ([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "a 3 x 2 matrix"),
        ([[1.0], [1.0, 2.0]], "2 rows of 1, 2 entries"),
        ([[1.0, 2.0], 3.0], "row 1 as 3.0 (type float), not a list of entries"),
        ([], "no rows"),
    ],
)
def test_a_wrong_shaped_hessian_is_a_shape_error_naming_the_shape(rows: Any, shape: str) -> None:
    from micrograd_lite.errors import ShapeError

    with pytest.raises(ShapeError) as caught:
        gradcheck(lambda x, y: x * y, [1.0, 2.0], order=2, expected=lambda x, y: rows)
    assert str(caught.value) == (
        f"gradcheck: expected returned {shape}; the Hessian of 2 inputs (x, y) is 2 x 2: "
        "a list of 2 rows of 2 entries"
    )


@pytest.mark.parametrize("order", [0, 3, -1, True, 2.0, "2", None])
def test_other_orders_are_refused(order: Any) -> None:
    with pytest.raises(ValueError, match=r"^gradcheck: order must be 1 \(the gradient\) or 2 "):
        gradcheck(lambda x: x * x, [3.0], order=order)


def test_order_1_is_the_default_and_unchanged() -> None:
    def f(x: Value, y: Value) -> Value:
        return x.tanh() * y + x.exp()

    def right(x: float, y: float) -> list[float]:
        return [y * (1 - math.tanh(x) ** 2) + math.exp(x), math.tanh(x)]

    assert gradcheck(f, [0.3, -1.2], order=1, expected=right) == gradcheck(
        f, [0.3, -1.2], expected=right
    )
    assert str(gradcheck(f, [0.3, -1.2])).startswith("gradcheck at x = 0.3, y = -1.2: f = ")


# -- property tests across magnitudes ------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES, ids=[f[0] for f in FAMILIES])
@given(data=st.data(), entry=st.sampled_from([(0, 0), (0, 1), (1, 0), (1, 1)]))
def test_an_entry_off_by_1e_minus_6_fails_and_the_right_hessian_never_does(
    family: Family, data: st.DataObject, entry: tuple[int, int]
) -> None:
    name, f, right = family
    x, y = data.draw(points(name))
    i, j = entry
    assume(in_range(family, x, y) and right(x, y)[i][j] != 0.0)
    good = gradcheck(f, [x, y], order=2, expected=right)
    assert good.verdict in ("PASS", "INCONCLUSIVE"), str(good)
    sign = data.draw(st.sampled_from([1.0, -1.0]))

    def wrong(x: float, y: float) -> Rows:
        rows = right(x, y)
        rows[i][j] *= 1.0 + sign * 1e-6
        return rows

    bad = gradcheck(f, [x, y], order=2, expected=wrong)
    if good.verdict == "PASS":
        assert bad.verdict == "FAIL" and bad.failed == (NAMES[i][j],), str(bad)
    else:  # autograd's own rounding is wider than 1e-6 here (tanh'' at |x| > 5)
        assert bad.verdict != "PASS", str(bad)


@pytest.mark.parametrize("family", FAMILIES, ids=[f[0] for f in FAMILIES])
@given(data=st.data())
def test_finite_differences_of_the_gradient_never_fail_a_right_engine(
    family: Family, data: st.DataObject
) -> None:
    name, f, _ = family
    x, y = data.draw(points(name))
    assume(in_range(family, x, y))
    report = gradcheck(f, [x, y], order=2)
    assert report.verdict in ("PASS", "INCONCLUSIVE"), str(report)
