"""The command line's points, lists and rows: `--at x=0.3,y=-1.2`, `--expect "dx, dy"` and
`--expect "dxx, dxy; dyx, dyy"`.

Each splits an argument at its top-level commas (and rows at semicolons); an error in one part
points at its column in the whole argument, so the caret lands under what the user typed:

    >>> try:
    ...     parse_point("x=0.3, y=oops")
    ... except ExpressionError as err:
    ...     print(err)
    column 8: the value of y must be a finite number, got 'oops'
      x=0.3, y=oops
             ^^^^^^
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from micrograd_lite.errors import ExpressionError
from micrograd_lite.expr import Expression, parse
from micrograd_lite.expr_errors import error_at, name_list
from micrograd_lite.ops import CONSTANTS

T = TypeVar("T")


def split_top_level(text: str, separator: str = ",") -> Iterator[tuple[str, int]]:
    """The `separator`-separated parts of `text` outside parentheses, each with its start column.

    >>> list(split_top_level("y + 1, tanh(x)"))
    [('y + 1', 0), (' tanh(x)', 6)]
    """
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == separator and depth == 0:
            yield text[start:i], start
            start = i + 1
    yield text[start:], start


def parse_list(text: str) -> tuple[Expression, ...]:
    """Parse comma-separated expressions (e.g. one hand-derived gradient per variable); an error
    in one part points at its column in the whole `text`."""
    return _parts(text, ",", parse)


def parse_rows(text: str) -> tuple[tuple[Expression, ...], ...]:
    """Parse rows of expressions, rows separated by ';' and entries by ',' (a hand-derived
    Hessian); an error in one entry points at its column in the whole `text`.

    >>> [[e.text.strip() for e in row] for row in parse_rows("6*x*y, 3*x**2; 3*x**2, 0")]
    [['6*x*y', '3*x**2'], ['3*x**2', '0']]
    """
    return _parts(text, ";", parse_list)


def _parts(text: str, separator: str, parse_part: Callable[[str], T]) -> tuple[T, ...]:
    parsed: list[T] = []
    for part, offset in split_top_level(text, separator):
        try:
            parsed.append(parse_part(part))
        except ExpressionError as err:
            if err.span is None:
                raise ExpressionError(f"{err.reason} in {text!r}", err.reason) from None
            start, end = err.span
            raise error_at(text, err.reason, offset + start, offset + end) from None
    return tuple(parsed)


def parse_point(text: str) -> dict[str, float]:
    """`"x=0.3, y=-1.2"` as `{'x': 0.3, 'y': -1.2}`, in the order given (the command line's --at).

    >>> parse_point("x=0.3, y=-1.2")
    {'x': 0.3, 'y': -1.2}
    """
    point: dict[str, float] = {}
    if not text.strip():
        return point
    for part, offset in split_top_level(text):
        name, eq, number = part.partition("=")
        # NFKC, as Python reads identifiers: a fullwidth x in the expression is the variable x
        name, number = unicodedata.normalize("NFKC", name.strip()), number.strip()
        at = offset + len(part) - len(part.lstrip())
        if not eq or not name.isidentifier():
            reason = f"expected name=number, as in x=0.3, got {part.strip()!r}"
            raise error_at(text, reason, at, offset + max(len(part.rstrip()), 1))
        if name in point:
            raise error_at(text, f"{name} is given twice", at, at + len(name))
        if name in CONSTANTS:
            reason = f"{name} is a constant in expressions ({CONSTANTS[name]!r}), not a variable"
            raise error_at(text, reason, at, at + len(name))
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            reason = f"the value of {name} must be a finite number, got {number!r}"
            raise error_at(text, reason, at, offset + len(part.rstrip()))
        point[name] = value
    return point


def check_point(expression: Expression, point: Mapping[str, object]) -> None:
    """Refuse a point that misses one of the expression's variables or names one it lacks."""
    unknown = [name for name in point if name not in expression.variables]
    if unknown:
        raise ExpressionError(
            f"{name_list(unknown)} {'is' if len(unknown) == 1 else 'are'} not in "
            f"{expression.text!r} (its variables: {name_list(expression.variables)})"
        )
    missing = [name for name in expression.variables if name not in point]
    if missing:
        raise ExpressionError(
            f"no value for {name_list(missing)}: give every variable of {expression.text!r}, "
            f"as in --at {','.join(f'{n}=0.5' for n in expression.variables)}"
        )
