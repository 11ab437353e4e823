"""IEEE 754 arithmetic on floats: what the `ieee` dialect of the rule language runs.

Python raises where IEEE 754 answers: `0.0 ** -0.5` is ZeroDivisionError (IEEE: inf),
`math.exp(1000)` OverflowError (inf), `math.log(0)` ValueError (-inf). The eager path runs a
local-derivative rule in this dialect only after the plain one raised, so the common case pays
nothing and a slope that is really infinite (sqrt's at 0) comes out as inf, as in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from micrograd_lite.ops.rules import MATH_FUNCTIONS


def ieee_div(x: float, y: float) -> float:
    """x / y with IEEE's answer at y = 0 (±inf, or nan for 0/0) instead of ZeroDivisionError."""
    if y != 0.0:
        return x / y
    if x == 0.0 or math.isnan(x):
        return math.nan
    return math.copysign(math.inf, x) * math.copysign(1.0, y)


def ieee_pow(x: float, y: float) -> float:
    """x ** y as C's pow(): inf (signed for odd integer powers of -0.0) where Python raises
    for 0 to a negative power, ±inf on overflow, nan for a negative base to a fractional power
    (Python would return a complex number)."""
    try:
        result = x**y
    except ZeroDivisionError:  # ±0 to a negative power
        odd = y == math.floor(y) and math.fmod(y, 2.0) != 0.0
        return math.copysign(math.inf, x) if odd else math.inf
    except OverflowError:
        odd = y == math.floor(y) and math.fmod(y, 2.0) != 0.0
        return -math.inf if (x < 0.0 and odd) else math.inf
    return result if isinstance(result, float) else math.nan


def _ieee_math(name: str, fn: Callable[..., float]) -> Callable[..., float]:
    def ieee(*xs: float) -> float:
        try:
            return fn(*xs)
        except OverflowError:  # exp(1000): inf, keeping the sign a huge result would have
            return math.inf
        except ValueError:  # log(0) = -inf; log(-1), sqrt(-1): no real answer
            if name == "log" and xs[0] == 0.0:
                return -math.inf
            return math.nan

    ieee.__name__ = f"ieee_{name}"
    return ieee


FUNCTIONS: dict[str, Callable[..., float]] = {
    f"ieee_{name}": _ieee_math(name, fn) for name, fn in MATH_FUNCTIONS.items()
}
FUNCTIONS.update(ieee_div=ieee_div, ieee_pow=ieee_pow)
