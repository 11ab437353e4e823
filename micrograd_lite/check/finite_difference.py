"""The numeric column of gradcheck: a central difference with an error bar, or the reason it has
none.

For a step h, D(h) = (f(x + h) - f(x - h)) / (2h) differs from f'(x) by truncation (about
f''' h^2 / 6) and by rounding (f's own rounding error, at most B at each side, divided by the
step: 2B / 2h). Both are estimated, not assumed: D is taken at h and h/2, their difference
measures the truncation (it is 3/4 of D(h)'s), and B comes from f's own graph
(`rounding.rounding_bound`). The estimate is the Richardson extrapolation
R = D(h/2) + (D(h/2) - D(h)) / 3, whose truncation is of order h^4, and its error bar is

    tolerance = |D(h) - D(h/2)| + 2 * rounding(h/2) + rounding(h) + 4 ulp(R)

which over-covers R's truncation (D's difference is of order h^2) and counts rounding twice.

The step is relative to x, h = eps * |x|, so tiny inputs get tiny steps (x^3 at 1e-9, and no
step across a pole at 0 for 1/x at 1e-11); only where that step drowns in rounding is the
absolute one, h = eps * max(1, |x|), used instead (sin(1 + x) at 1e-9). There is no bar at all,
and the row cannot be told, where f is undefined at a step (a domain edge), where a step
crosses a kink (an op the table marks with kinks, as relu, abs and leaky_relu at 0), where f
builds a different graph at a step (it branches on the data), where the two quotients
differ by more than a quarter (f is not smooth at the step's scale: the error model is void),
or where a step straddles a pole that an even f hides (1/y^2 gives 0 at both quotients): at 0,
where f is then undefined, or where the two steps' estimates lie outside each other's bars.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.check.naming import node_names
from micrograd_lite.check.rounding import ULP, rounding
from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.value import Value

RESOLUTION = 1e-3  # a finite difference vouches for autograd when its bar is this narrow
# what is differenced, from f's output and its inputs (f's output itself by default)
Differenced = Callable[[Value, list[Value]], Value]


@dataclass(frozen=True)
class FiniteDifference:
    """A numeric derivative: `estimate` (None when f is undefined around x), its error bar
    `tolerance`, the `step` used, and `reason` it cannot be trusted ('' when it can)."""

    estimate: float | None
    tolerance: float
    step: float
    reason: str = ""


def call(f: Callable[..., Value], args: Sequence[Value]) -> Value:
    out = f(*args)
    if not isinstance(out, Value):
        raise OperandTypeError(f"gradcheck: f must return a Value, got {describe(out)}")
    return out


def kink_inputs(root: Value) -> list[tuple[Value, Value, float]]:
    """(node, its input, that input's distance from the kink) for every kink of every node
    whose op has one in the table (relu, abs, leaky_relu at 0), in topological order: the same
    list for every call of a function that does not branch on data."""
    return [
        (node, node.inputs[i], node.inputs[i].data - point)
        for node in topo_order(root)
        if node.rule is not None
        for i, point in node.rule.kinks
    ]


def named_kinks(root: Value) -> list[tuple[str, float]]:
    """`kink_inputs(root)` with each node named as messages show it: `relu(x*y)`, or
    `v2 (v2 = ...)` when its name is made up."""
    naming = node_names(topo_order(root))
    named = []
    for node, _, distance in kink_inputs(root):
        name = naming.names[node]
        where = naming.where([name])
        named.append((f"{name} ({where})" if where else name, distance))
    return named


def central_difference(
    f: Callable[..., Value],
    xs: list[float],
    labels: list[str],
    i: int,
    eps: float,
    kinks_at_x: list[tuple[str, float]],
    *,
    of: Differenced | None = None,
) -> FiniteDifference:
    """The numeric d f / d x_i at `xs`, with its error bar (see the module docstring).

    With `of`, the numeric derivative along x_i of `of(f's output, its inputs)` instead of f's
    output (a first derivative, for the Hessian check): its value and rounding are differenced;
    kinks and domain edges are still f's."""
    x = xs[i]
    steps = sorted({eps * abs(x), eps * max(1.0, abs(x))} - {0.0})
    found = [_richardson(f, xs, labels, i, h, kinks_at_x, of) for h in steps]
    usable = [d for d in found if not d.reason]
    for d in usable:  # the smallest step that resolves the derivative: the safest from poles
        assert d.estimate is not None
        if d.tolerance <= RESOLUTION * abs(d.estimate):
            return _checked_against_smaller(d, usable)
    if usable:
        return _checked_against_smaller(min(usable, key=lambda d: d.tolerance), usable)
    return next((d for d in found if d.estimate is not None), found[0])


def _checked_against_smaller(
    chosen: FiniteDifference, usable: list[FiniteDifference]
) -> FiniteDifference:
    """`chosen`, unless a smaller step's estimate lies outside both error bars: then the larger
    step saw something the smaller did not (a pole it straddles, where an even f gives exactly
    0 at both of its quotients), and neither can be trusted."""
    for smaller in usable:
        if smaller.step >= chosen.step:
            break
        assert smaller.estimate is not None and chosen.estimate is not None
        if abs(smaller.estimate - chosen.estimate) > smaller.tolerance + chosen.tolerance:
            why = (
                f"the steps {smaller.step:.1e} and {chosen.step:.1e} give derivatives "
                f"({smaller.estimate!r}, {chosen.estimate!r}) that disagree beyond their error "
                "bars: f is not smooth at the larger step's scale (a pole it straddles?)"
            )
            return FiniteDifference(chosen.estimate, math.inf, chosen.step, why)
    return chosen


def _richardson(
    f: Callable[..., Value],
    xs: list[float],
    labels: list[str],
    i: int,
    h: float,
    kinks_at_x: list[tuple[str, float]],
    of: Differenced | None,
) -> FiniteDifference:
    if 0.0 < abs(xs[i]) < h:  # the step straddles x_i = 0: a pole there hides from an even f
        origin = list(xs)
        origin[i] = 0.0
        try:
            _at(f, origin, labels, of)
        except (ArithmeticError, ValueError) as err:
            why = f"f is undefined at 0, which the step {h:.1e} straddles ({type(err).__name__})"
            return FiniteDifference(None, math.inf, h, why)
    quotients = []
    reason = ""
    for step in (h, h / 2):
        sides = []
        for sign in (1.0, -1.0):
            point = list(xs)
            point[i] = xs[i] + sign * step
            try:
                out, differenced = _at(f, point, labels, of)
            except (ArithmeticError, ValueError) as err:  # the domain errors subclass these
                why = (
                    f"f is undefined at x{'+' if sign > 0 else '-'}h ({type(err).__name__}: {err})"
                )
                return FiniteDifference(None, math.inf, h, why)
            found = rounding(differenced)
            if found.underflowed and not reason:
                reason = f"f underflowed at {point[i]!r}: its value there is lost"
            reason = reason or _kink_reason(kinks_at_x, kink_inputs(out), point[i])
            sides.append((point[i], differenced.data, found))
        (up_x, up_f, up_r), (down_x, down_f, down_r) = sides
        width = up_x - down_x  # the exact float step, not 2h
        if width == 0.0:
            return FiniteDifference(None, math.inf, h, f"a step of {step!r} does not move x")
        quotients.append(((up_f - down_f) / width, up_r.over(width) + down_r.over(width)))
    (d1, noise1), (d2, noise2) = quotients
    estimate = d2 + (d2 - d1) / 3.0
    tolerance = abs(d1 - d2) + 2.0 * noise2 + noise1 + 4.0 * ULP * abs(estimate)
    if not (math.isfinite(estimate) and math.isfinite(tolerance)):
        return FiniteDifference(None, math.inf, h, reason or "f is not finite around x")
    if not reason and abs(d1 - d2) > 0.25 * max(abs(d1), abs(d2)):
        reason = (
            f"the difference quotients at steps {h:.1e} and {h / 2:.1e} disagree ({d1!r}, {d2!r}): "
            "f is not smooth enough at that scale (a pole or a kink nearby?)"
        )
    if reason:  # an estimate to show, not to compare
        return FiniteDifference(estimate, math.inf, h, reason)
    return FiniteDifference(estimate, tolerance, h)


def _at(
    f: Callable[..., Value], point: list[float], labels: list[str], of: Differenced | None
) -> tuple[Value, Value]:
    """f's output at `point`, and what is differenced there (that output, or `of` it)."""
    leaves = [Value(p, label=n) for p, n in zip(point, labels, strict=True)]
    out = call(f, leaves)
    return out, out if of is None else of(out, leaves)


def _kink_reason(
    at_x: list[tuple[str, float]], near: list[tuple[Value, Value, float]], moved: float
) -> str:
    if len(at_x) != len(near):
        return "f builds a different graph at x +- h (it branches on the data)"
    for (name, a), (_, _, a_moved) in zip(at_x, near, strict=True):
        if (a > 0.0) != (a_moved > 0.0) or (a < 0.0) != (a_moved < 0.0):
            return (
                f"{name} is within the step of its kink (its input is {a!r} from it at x, "
                f"{a_moved!r} at {moved!r})"
            )
    return ""
