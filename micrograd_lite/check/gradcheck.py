"""Checking a gradient: autograd against finite differences and a hand-derived formula.

`gradcheck(f, inputs)` compares, per input x_i, three numbers:

    autograd   d f/d x_i from `backward()`, with its rounding bound
    numeric    a central difference with its error bar (`finite_difference.py`)
    expected   your formula, when given (floats, or Values so its own rounding is bounded)

and judges each comparison by the model of `compare.py`: agrees, disagrees, or cannot tell.
One verdict per input and per report (`verdict.py`): FAIL when any comparison disagrees; PASS
when your formula (if given) agrees and finite differences agree or cannot tell, or, without a
formula, when finite differences agree; INCONCLUSIVE otherwise. `bool(report)` is True only for
PASS. With `order=2` the same is done for each entry of the Hessian (`hessian.py`).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, overload

from micrograd_lite.check.compare import Comparison, formula_number, judged
from micrograd_lite.check.finite_difference import call, central_difference, named_kinks
from micrograd_lite.check.hessian import HessianCheckReport, HessianFormula, check_hessian
from micrograd_lite.check.report import format_report
from micrograd_lite.check.rounding import Rounding, rounding
from micrograd_lite.check.verdict import Checked, Verdicts
from micrograd_lite.errors import SettingError, ShapeError, describe
from micrograd_lite.on_values import gradient_graphs
from micrograd_lite.value import Value, as_float

Formula = Callable[..., Sequence[float | Value]]
ORDERS = {1: "the gradient", 2: "the Hessian"}


@dataclass(frozen=True)
class GradCheckRow(Checked):
    """One input: its value, autograd's derivative and rounding bound, and each comparison."""

    name: str
    value: float
    autograd: float
    autograd_bound: float
    comparisons: tuple[Comparison, ...]  # the numeric one first, then your formula's if given


@dataclass(frozen=True)
class GradCheckReport(Verdicts):
    """The result of `gradcheck`: a row per input and one `verdict`; true only for PASS."""

    rows: tuple[GradCheckRow, ...]
    output: float
    eps: float
    rtol: float
    atol: float

    @property
    def heading(self) -> str:
        point = ", ".join(f"{row.name} = {row.value!r}" for row in self.rows)
        return f"gradcheck at {point}: f = {self.output!r}"

    def __str__(self) -> str:
        return format_report(self)


@overload
def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    order: Literal[1] = 1,
    expected: Formula | None = None,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    rtol: float = 0.0,
    atol: float = 0.0,
) -> GradCheckReport: ...


@overload
def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    order: Literal[2],
    expected: HessianFormula | None = None,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    rtol: float = 0.0,
    atol: float = 0.0,
) -> HessianCheckReport: ...


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    order: int = 1,
    expected: Callable[..., Sequence[object]] | None = None,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    rtol: float = 0.0,
    atol: float = 0.0,
) -> GradCheckReport | HessianCheckReport:
    """Compare autograd's gradient of `f` at `inputs` with central differences and, when given,
    the hand-derived `expected(*inputs) -> [df/dx_0, df/dx_1, ...]` (floats, or Values: then
    its own rounding and cancellation are bounded from its graph).

    `f` takes one Value per input and returns a Value. Each input is named by `names`, else by
    f's parameter names when it has exactly one per input, else x0, x1, ...; the Values passed
    to f carry those names as labels. `eps` is the finite-difference step relative to each
    input; `rtol` and `atol` widen every comparison (none by default: see `compare.py`).

    With `order=2`, the Hessian instead, entry by entry: `expected(*inputs)` then returns its
    rows, n lists of n second derivatives (see `hessian.py`).

    >>> r = gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, x])
    >>> r.verdict, bool(r), [row.autograd for row in r.rows]
    ('PASS', True, [3.0, 2.0])
    >>> gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, 1.0]).failed
    ('y',)
    >>> gradcheck(lambda x, y: x**3 * y, [2.0, 1.0], order=2,
    ...           expected=lambda x, y: [[6 * x * y, 3 * x**2], [3 * x**2, 1.0]]).failed
    ('d2f/dy dy',)
    """
    if isinstance(order, bool) or order not in ORDERS or not isinstance(order, int):
        wanted = " or ".join(f"{k} ({what})" for k, what in ORDERS.items())
        raise SettingError(f"gradcheck: order must be {wanted}, got {describe(order)}")
    xs = [as_float(x, f"gradcheck: input {i}") for i, x in enumerate(inputs)]
    labels = _input_names(f, len(xs), names)
    _check_setting("eps", eps, positive=True)
    _check_setting("rtol", rtol)
    _check_setting("atol", atol)
    if order == 2:
        return check_hessian(f, xs, labels, expected, eps=eps, rtol=rtol, atol=atol)

    leaves = [Value(x, label=name) for x, name in zip(xs, labels, strict=True)]
    out = call(f, leaves)
    out.backward()
    autograd = [leaf.grad for leaf in leaves]
    roundings = [rounding(g) for g in gradient_graphs(out, leaves)]
    kinks_at_x = named_kinks(out)
    hand = _formula(expected, xs, labels, roundings)

    rows = []
    for i, name in enumerate(labels):
        numeric = central_difference(f, xs, labels, i, eps, kinks_at_x)
        mine = roundings[i]
        formula = None if hand is None else hand[i]
        found = judged(autograd[i], mine, numeric, formula, rtol=rtol, atol=atol)
        rows.append(GradCheckRow(name, xs[i], autograd[i], mine.bound, found))
    return GradCheckReport(tuple(rows), out.data, eps, rtol, atol)


def _formula(
    expected: Callable[..., Sequence[object]] | None,
    xs: list[float],
    labels: list[str],
    roundings: list[Rounding],
) -> list[tuple[float, Rounding]] | None:
    """Your formula's gradients with their rounding bounds (autograd's for plain floats)."""
    if expected is None:
        return None
    given = list(expected(*xs))
    if len(given) != len(xs):
        raise ShapeError(
            f"gradcheck: expected returned {len(given)} gradients for "
            f"{len(xs)} inputs ({', '.join(labels)})"
        )
    return [
        formula_number(g, roundings[i], f"gradcheck: expected gradient {i}")
        for i, g in enumerate(given)
    ]


def _check_setting(name: str, number: float, *, positive: bool = False) -> None:
    wanted = "a finite number > 0" if positive else "a finite number >= 0"
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise SettingError(f"gradcheck: {name} must be {wanted}, got {describe(number)}")
    if not math.isfinite(number) or number < 0.0 or (positive and number == 0.0):
        raise SettingError(f"gradcheck: {name} must be {wanted}, got {number!r}")


def _input_names(f: Callable[..., Value], n: int, names: Sequence[str] | None) -> list[str]:
    if names is not None:
        given = [str(name) for name in names]
        if len(given) != n:
            raise ShapeError(f"gradcheck: {len(given)} names for {n} inputs")
        return given
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):  # builtins and some callables have no signature
        params = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if len(params) == n and all(p.kind in positional for p in params):
        return [p.name for p in params]
    return [f"x{i}" for i in range(n)]
