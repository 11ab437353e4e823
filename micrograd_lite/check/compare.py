"""The comparison model: when do two derivatives agree, disagree, or not tell?

Autograd against your formula is float arithmetic against float arithmetic: each side is within
its rounding bound of the exact derivative (`rounding.py`: the rounding of every node of the
graph that computed it, cancellation included), so they are compared relatively, allowing
twice the sum of both bounds (a formula given as plain floats is allowed autograd's bound).
They disagree beyond that. They agree within it, and that settles it when the allowance is at
most RESOLUTION of the derivative: any formula wrong by more is then caught. A wider allowance
(heavy cancellation) cannot tell.

Autograd against finite differences allows the difference quotient's error bar (truncation and
rounding, `finite_difference.py`) plus autograd's bound. Beyond that they disagree; within it
they agree, and that settles it when the bar is at most NUMERIC_RESOLUTION of the derivative;
otherwise, and at kinks and domain edges, the finite difference cannot tell.

Numbers that are not normal floats (subnormal, inf, nan) cannot be told either: the model's
rounding does not hold there. Your `rtol` and `atol` widen every allowance (none by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micrograd_lite.check.finite_difference import RESOLUTION as NUMERIC_RESOLUTION
from micrograd_lite.check.finite_difference import FiniteDifference
from micrograd_lite.check.rounding import Rounding, is_normal, rounding
from micrograd_lite.value import Value, as_float

AGREES, DISAGREES, CANNOT_TELL = "agrees", "disagrees", "cannot tell"  # one comparison
PASS, FAIL, INCONCLUSIVE = "PASS", "FAIL", "INCONCLUSIVE"  # an input's, and a report's, verdict
RESOLUTION = 1e-7  # the relative error of a formula that is always caught


@dataclass(frozen=True)
class Comparison:
    """Autograd against one other column ('expected' or 'numeric')."""

    column: str
    other: float | None
    difference: float | None  # |autograd - other|, None when not compared
    allowed: float  # what the difference is judged against
    outcome: str  # AGREES, DISAGREES or CANNOT_TELL
    reason: str = ""  # why it cannot tell


def judged(
    autograd: float,
    autograd_rounding: Rounding,
    numeric: FiniteDifference,
    formula: tuple[float, Rounding] | None,
    *,
    rtol: float,
    atol: float,
) -> tuple[Comparison, ...]:
    """Autograd against the finite difference, then against your formula when given."""
    found = [against_numeric(autograd, autograd_rounding, numeric, rtol=rtol, atol=atol)]
    if formula is not None:
        value, theirs = formula
        found.append(
            against_formula(autograd, autograd_rounding, value, theirs, rtol=rtol, atol=atol)
        )
    return tuple(found)


def formula_number(
    given: object, autograd_rounding: Rounding, where: str
) -> tuple[float, Rounding]:
    """One number of your formula with its rounding: a Value's own, bounded from its graph; a
    plain float is allowed autograd's (its graph is not known)."""
    if isinstance(given, Value):
        return given.data, rounding(given)
    return as_float(given, where), autograd_rounding


def against_formula(
    autograd: float,
    autograd_rounding: Rounding,
    expected: float,
    expected_rounding: Rounding,
    *,
    rtol: float,
    atol: float,
) -> Comparison:
    """Autograd against your formula (see the module docstring)."""
    if not (is_normal(autograd) and is_normal(expected)):
        return _not_normal("expected", expected, autograd)
    if autograd_rounding.underflowed or expected_rounding.underflowed:
        return _underflowed("expected", expected)
    difference = abs(autograd - expected)
    scale = max(abs(autograd), abs(expected))
    if scale == 0.0:  # both exactly 0: settled if neither could be a rounded-away number
        exact = autograd_rounding.total[0] == 0.0 and expected_rounding.total[0] == 0.0
        why = "" if exact else "both are 0, and rounding could have made either one so"
        return Comparison("expected", expected, 0.0, 0.0, AGREES if exact else CANNOT_TELL, why)
    # relative to the derivative, so that nothing overflows or underflows near the float limits
    rounding = 2.0 * (autograd_rounding.over(scale) + expected_rounding.over(scale))
    allowed = rounding + atol / scale + rtol
    if difference / scale > allowed:
        return Comparison("expected", expected, difference, allowed * scale, DISAGREES)
    if rounding <= RESOLUTION:
        return Comparison("expected", expected, difference, allowed * scale, AGREES)
    why = (
        f"they agree within their rounding, {rounding:.1e} of the derivative "
        "(cancellation): a formula wrong by less would agree too"
    )
    return Comparison("expected", expected, difference, allowed * scale, CANNOT_TELL, why)


def against_numeric(
    autograd: float,
    autograd_rounding: Rounding,
    numeric: FiniteDifference,
    *,
    rtol: float,
    atol: float,
) -> Comparison:
    """Autograd against the finite difference (see the module docstring)."""
    estimate = numeric.estimate
    if numeric.reason or estimate is None:
        return Comparison("numeric", estimate, None, math.inf, CANNOT_TELL, numeric.reason)
    if not (is_normal(autograd) and is_normal(estimate)):
        return _not_normal("numeric", estimate, autograd)
    if autograd_rounding.underflowed:
        return _underflowed("numeric", estimate)
    difference = abs(autograd - estimate)
    scale = max(abs(autograd), abs(estimate))
    allowed = numeric.tolerance + 2.0 * autograd_rounding.over(1.0) + atol + rtol * scale
    if difference > allowed:
        return Comparison("numeric", estimate, difference, allowed, DISAGREES)
    if numeric.tolerance <= NUMERIC_RESOLUTION * scale:
        return Comparison("numeric", estimate, difference, allowed, AGREES)
    why = (
        f"the finite difference's error bar ({numeric.tolerance:.1e}) is too wide "
        f"against the derivative ({scale:.1e})"
    )
    return Comparison("numeric", estimate, difference, allowed, CANNOT_TELL, why)


def _not_normal(column: str, other: float, autograd: float) -> Comparison:
    bad = [f"{name} is {x!r}" for name, x in (("autograd", autograd), (column, other))]
    why = "not normal floats (" + ", ".join(bad) + "): their rounding cannot be bounded"
    return Comparison(column, other, None, math.inf, CANNOT_TELL, why)


def _underflowed(column: str, other: float) -> Comparison:
    why = "a product below the derivative underflowed: an exact 0 cannot be told from a lost one"
    return Comparison(column, other, None, math.inf, CANNOT_TELL, why)
