"""Checking an optimizer's or a schedule's settings: each refusal names the argument and value.

The ranges are torch.optim's (a negative lr, eps, weight_decay or momentum, a beta outside
[0, 1), ...), plus what torch lets through only to fail later or silently: a NaN or infinite
setting, a wrong type, a `step_size` or `T_max` below 1 (torch divides by it). A value out of
range is a SettingError (a ValueError, as torch's), a value of the wrong type an
OperandTypeError (a TypeError).
"""

from __future__ import annotations

import math

from micrograd_lite.errors import OperandTypeError, SettingError, describe
from micrograd_lite.operands import as_float


def bounded(
    value: object,
    where: str,
    name: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """`value` as a float if it is a finite real number in the interval from `low` to `high`.

    >>> bounded(0.9, "Adam", "betas[0]", 0.0, 1.0, high_open=True)
    0.9
    """
    x = as_float(value, f"{where}: {name}")
    too_low = x <= low if low_open else x < low
    too_high = x >= high if high_open else x > high
    if not math.isfinite(x) or too_low or too_high:
        raise SettingError(
            f"{where}: {name} must be {_interval(low, high, low_open, high_open)}, "
            f"got {describe(value)}"
        )
    return x


def count(value: object, where: str, name: str, low: int) -> int:
    """`value` if it is an int (not a bool) of at least `low`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OperandTypeError(f"{where}: {name} must be an int, got {describe(value)}")
    if value < low:
        raise SettingError(f"{where}: {name} must be an int >= {low}, got {describe(value)}")
    return value


def flag(value: object, where: str, name: str) -> bool:
    """`value` if it is a bool: `nesterov=1` or `"yes"` is more likely a slip than a choice."""
    if not isinstance(value, bool):
        raise OperandTypeError(f"{where}: {name} must be True or False, got {describe(value)}")
    return value


def pair(value: object, where: str, name: str) -> tuple[object, object]:
    """`value` unpacked if it is a tuple or list of two items, e.g. Adam's `betas`."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise OperandTypeError(
            f"{where}: {name} must be a pair like (0.9, 0.999), got {describe(value)}"
        )
    return value[0], value[1]


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if high == math.inf:
        bound = f" {'>' if low_open else '>='} {low:g}" if low > -math.inf else ""
        return "a finite number" + bound
    if low == -math.inf:
        return f"a finite number {'<' if high_open else '<='} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
