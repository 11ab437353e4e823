"""What counts as a number: the real numbers an op or a constructor accepts, as floats."""

from __future__ import annotations

import decimal
import numbers
from typing import SupportsFloat, cast

from micrograd_lite.errors import OperandTypeError, OpOverflowError, describe

Number = int | float | numbers.Real | decimal.Decimal


def is_number(x: object) -> bool:
    """True for a real number (int, float, Fraction, Decimal, numpy scalar), False for a bool."""
    return not isinstance(x, bool) and isinstance(x, numbers.Real | decimal.Decimal)


def as_float(x: object, where: str, hint: str = "") -> float:
    """`x` as a float if it is a real number; else an OperandTypeError naming `where` and `x`.

    bool is refused although Python counts it as an int: `Value(True)` is almost always a bug.
    """
    if type(x) is float:
        return x
    if not is_number(x):
        raise OperandTypeError(f"{where}: expected a real number, got {describe(x)}{hint}")
    try:
        return float(cast(SupportsFloat, x))  # a Real or Decimal, checked above
    except OverflowError:
        raise OpOverflowError(f"{where}: {describe(x)} is too large for a float") from None
