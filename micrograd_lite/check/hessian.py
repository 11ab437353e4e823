"""Checking a hand-derived Hessian: `gradcheck(f, inputs, order=2, expected=...)`.

Entry (i, j) of the Hessian of f is d2f/dx_i dx_j, the derivative along x_j of the first
derivative df/dx_i. For each entry, three numbers:

    autograd   the gradient along x_j of the graph that computed df/dx_i (`higher.grad` with
               create_graph, twice), with the rounding bound of that second graph (`rounding.py`)
    numeric    a central difference along x_j of autograd's df/dx_i (`finite_difference.py`: two
               steps relative to x_j, Richardson's estimate, an error bar from the rounding of
               df/dx_i's graph; it cannot tell at f's kinks and domain edges)
    expected   entry (i, j) of your Hessian, `expected(*inputs) -> rows` (n rows of n floats,
               or Values, whose own rounding is then bounded from their graphs)

judged as first derivatives are (`compare.py`, `verdict.py`). Both (i, j) and (j, i) are
checked, each from its own graph: equal in exact arithmetic for a smooth f, but your Hessian
may have a slip in one of them.

    >>> from micrograd_lite.check import gradcheck
    >>> r = gradcheck(lambda x, y: x**3 * y, [2.0, 1.0], order=2,
    ...               expected=lambda x, y: [[6 * x * y, 3 * x**2], [3 * x**2, 0.0]])
    >>> r.verdict, r.matrix
    ('PASS', [[12.0, 12.0], [12.0, 0.0]])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from micrograd_lite.check.compare import Comparison, formula_number, judged
from micrograd_lite.check.finite_difference import (
    FiniteDifference,
    call,
    central_difference,
    kink_inputs,
    named_kinks,
)
from micrograd_lite.check.report import format_report
from micrograd_lite.check.rounding import Rounding, rounding
from micrograd_lite.check.verdict import Checked, Verdicts
from micrograd_lite.errors import ShapeError, describe
from micrograd_lite.higher import grad
from micrograd_lite.value import Value

HessianFormula = Callable[..., Sequence[Sequence[float | Value]]]


def entry_name(row: str, column: str) -> str:
    """How an entry is named: `d2f/dx dy` is d/dy of df/dx, row x and column y."""
    return f"d2f/d{row} d{column}"


@dataclass(frozen=True)
class HessianEntry(Checked):
    """Entry (i, j): autograd's d2f/dx_i dx_j, its rounding bound, and each comparison."""

    name: str
    i: int
    j: int
    autograd: float
    autograd_bound: float
    comparisons: tuple[Comparison, ...]  # the numeric one first, then your formula's if given


@dataclass(frozen=True)
class HessianCheckReport(Verdicts):
    """The result of `gradcheck(..., order=2)`: a row per entry of the Hessian (row by row,
    so (i, j) is `rows[i * n + j]`) and one `verdict`; true only for PASS."""

    rows: tuple[HessianEntry, ...]
    names: tuple[str, ...]
    point: tuple[float, ...]
    output: float
    eps: float
    rtol: float
    atol: float
    kind = "entry"
    kinds = "Hessian entries"

    @property
    def matrix(self) -> list[list[float]]:
        """Autograd's Hessian, as `higher.hessian` gives it."""
        n = len(self.names)
        return [[entry.autograd for entry in self.rows[i * n : (i + 1) * n]] for i in range(n)]

    @property
    def heading(self) -> str:
        at = ", ".join(f"{name} = {x!r}" for name, x in zip(self.names, self.point, strict=True))
        return f"gradcheck of the Hessian at {at}: f = {self.output!r}"

    def __str__(self) -> str:
        return format_report(self)


def check_hessian(
    f: Callable[..., Value],
    xs: list[float],
    labels: list[str],
    expected: Callable[..., Sequence[object]] | None,
    *,
    eps: float,
    rtol: float,
    atol: float,
) -> HessianCheckReport:
    """`gradcheck(f, xs, order=2, ...)` once its arguments are checked (see the module)."""
    leaves = [Value(x, label=name) for x, name in zip(xs, labels, strict=True)]
    out = call(f, leaves)
    second = [grad(g, leaves, create_graph=True) for g in grad(out, leaves, create_graph=True)]
    roundings = [[rounding(h) for h in row] for row in second]
    kinks_at_x = named_kinks(out)
    undefined = _on_a_kink(out, leaves)
    hand = _formula(expected, xs, labels, roundings)

    entries = []
    for i, row_name in enumerate(labels):
        differenced = _first_derivative(i)
        for j, column_name in enumerate(labels):
            if i in undefined:
                why = f"df/d{row_name} is not defined at this point: {undefined[i]}"
                numeric = FiniteDifference(None, math.inf, 0.0, why)
            else:
                numeric = central_difference(f, xs, labels, j, eps, kinks_at_x, of=differenced)
            mine, value = roundings[i][j], second[i][j].data
            formula = None if hand is None else hand[i][j]
            found = judged(value, mine, numeric, formula, rtol=rtol, atol=atol)
            name = entry_name(row_name, column_name)
            entries.append(HessianEntry(name, i, j, value, mine.bound, found))
    return HessianCheckReport(tuple(entries), tuple(labels), tuple(xs), out.data, eps, rtol, atol)


def _on_a_kink(out: Value, leaves: list[Value]) -> dict[int, str]:
    """The inputs x_i along which f has no derivative at the point, each with the reason: a
    kink's input sits exactly on the kink and moves with x_i. Autograd's df/dx_i there is a
    convention (relu'(0) = 0, as in PyTorch), so its finite differences prove nothing."""
    undefined: dict[int, str] = {}
    for (name, distance), (_, argument, _) in zip(named_kinks(out), kink_inputs(out), strict=True):
        if distance != 0.0:
            continue
        for i, slope in enumerate(grad(argument, leaves)):
            if slope != 0.0:
                undefined.setdefault(i, f"{name} is at its kink")
    return undefined


def _first_derivative(i: int) -> Callable[[Value, list[Value]], Value]:
    """df/dx_i as a graph, from f's output and its inputs: what the numeric column differences."""

    def differenced(out: Value, leaves: list[Value]) -> Value:
        (g,) = grad(out, [leaves[i]], create_graph=True)
        return g

    return differenced


def _formula(
    expected: Callable[..., Sequence[object]] | None,
    xs: list[float],
    labels: list[str],
    roundings: list[list[Rounding]],
) -> list[list[tuple[float, Rounding]]] | None:
    """Your Hessian's entries with their rounding bounds (autograd's for plain floats)."""
    if expected is None:
        return None
    given = list(expected(*xs))
    rows = [list(row) if _is_row(row) else None for row in given]
    n = len(xs)
    shape = _shape(given, rows)
    if shape != f"a {n} x {n} matrix":
        s = "s" * (n != 1)
        raise ShapeError(
            f"gradcheck: expected returned {shape}; the Hessian of {n} input{s} "
            f"({', '.join(labels)}) is {n} x {n}: a list of {n} row{s} of {n} entr"
            f"{'ies' if n != 1 else 'y'}"
        )
    return [
        [
            formula_number(h, roundings[i][j], f"gradcheck: expected Hessian entry ({i}, {j})")
            for j, h in enumerate(row or ())
        ]
        for i, row in enumerate(rows)
    ]


def _is_row(x: object) -> TypeGuard[Iterable[object]]:
    return isinstance(x, Iterable) and not isinstance(x, str)  # lists, tuples, numpy rows


def _shape(given: list[object], rows: list[list[object] | None]) -> str:
    """`a 2 x 3 matrix`, `3 rows of 2, 1, 2 entries`, `2 numbers, not rows`, ..."""
    if not rows:
        return "no rows"
    numbers = [k for k, row in enumerate(rows) if row is None]
    if len(numbers) == len(rows):
        return f"{len(rows)} numbers, not rows (a gradient?)"
    if numbers:
        return f"row {numbers[0]} as {describe(given[numbers[0]])}, not a list of entries"
    lengths = [len(row or ()) for row in rows]
    if len(set(lengths)) == 1:
        return f"a {len(rows)} x {lengths[0]} matrix"
    return f"{len(rows)} rows of {', '.join(map(str, lengths))} entries"
