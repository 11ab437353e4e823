"""The numeric column of gradcheck: a central difference, and when it cannot be trusted.

The central difference (f(x + h e_i) - f(x - h e_i)) / 2h, h = eps * max(1, |x_i|), has a
truncation error of order h^2 * f''' and a rounding error of order ulp(f) / h, so the numeric
comparison also allows 16 * 2^-52 * max|f(x +- h)| / 2h (16 ulps of f: the rounding of a
moderately deep graph), which only matters when f is large against its slope.

A finite difference across a kink (an op the table marks with kinks, as relu, abs and
leaky_relu at 0) measures the average of the
two one-sided slopes, not the derivative: such a row is marked unreliable and its numeric column
is shown but not compared. So is a row where f is undefined at x - h or x + h (log near 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from micrograd_lite.backward import topo_order
from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.value import Value

_FD_NOISE_ULPS = 16.0  # rounding allowance of a central difference, in ulps of f (see above)


def call(f: Callable[..., Value], args: Sequence[Value]) -> Value:
    out = f(*args)
    if not isinstance(out, Value):
        raise OperandTypeError(f"gradcheck: f must return a Value, got {describe(out)}")
    return out


def kink_inputs(root: Value) -> list[tuple[str, float]]:
    """(op, its input's distance from the kink) for every kink of every node whose op has
    one in the table (relu, abs, leaky_relu at 0), in topological order: the same list for
    every call of a function that does not branch on data."""
    return [
        (node.op, node.inputs[i].data - point)
        for node in topo_order(root)
        if node.rule is not None
        for i, point in node.rule.kinks
    ]


def _sign(a: float) -> int:
    return (a > 0.0) - (a < 0.0)


def central_difference(
    f: Callable[..., Value],
    xs: list[float],
    labels: list[str],
    i: int,
    eps: float,
    kinks_at_x: list[tuple[str, float]],
) -> tuple[float | None, float, str]:
    """(estimate or None, rounding allowance, reason it is unreliable or '')."""
    h = eps * max(1.0, abs(xs[i]))
    sides: dict[str, tuple[float, float, list[tuple[str, float]]]] = {}
    failures: dict[str, str] = {}
    for side, sign in (("x+h", 1.0), ("x-h", -1.0)):
        point = list(xs)
        point[i] = xs[i] + sign * h
        try:
            out = call(f, [Value(p, label=n) for p, n in zip(point, labels, strict=True)])
        except (ArithmeticError, ValueError) as err:  # the domain errors subclass these
            failures[side] = f"{type(err).__name__}: {err}"
            continue
        sides[side] = (point[i], out.data, kink_inputs(out))
    if len(sides) == 2:
        (up_x, up_f, up_kinks), (down_x, down_f, down_kinks) = sides["x+h"], sides["x-h"]
        estimate = (up_f - down_f) / (up_x - down_x)  # the exact float step, not 2h
        noise = _FD_NOISE_ULPS * 2.0**-52 * max(abs(up_f), abs(down_f)) / (up_x - down_x)
        return estimate, noise, _kink_reason(kinks_at_x, up_kinks, down_kinks, h)
    if len(sides) == 1:  # one-sided: error of order h, and f is near the edge of its domain
        (side, (px, pf, _)), failed = next(iter(sides.items())), next(iter(failures))
        base = call(f, [Value(x, label=n) for x, n in zip(xs, labels, strict=True)]).data
        estimate = (pf - base) / (px - xs[i])
        return (
            estimate,
            0.0,
            f"one-sided ({side} only): f is undefined at {failed}: {failures[failed]}",
        )
    reason = "; ".join(f"at {side}: {why}" for side, why in failures.items())
    return None, 0.0, f"f is undefined on both sides ({reason})"


def _kink_reason(
    at_x: list[tuple[str, float]],
    up: list[tuple[str, float]],
    down: list[tuple[str, float]],
    h: float,
) -> str:
    if not (len(at_x) == len(up) == len(down)):
        return "f builds a different graph at x +- h (it branches on the data)"
    for (op, a), (_, a_up), (_, a_down) in zip(at_x, up, down, strict=True):
        moves = a_up != a_down
        crosses = len({_sign(a), _sign(a_up), _sign(a_down)}) > 1
        if crosses or (moves and abs(a) <= h):
            return (
                f"the input of {op} is within eps of its kink (its distance from it: {a!r} "
                f"at x, {a_down!r} at x-h, {a_up!r} at x+h)"
            )
    return ""
