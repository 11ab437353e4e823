"""Checking a gradient: autograd against finite differences and a hand-derived formula.

`gradcheck(f, inputs)` compares, per input x_i, three numbers:

    autograd   d f/d x_i from `backward()`
    numeric    the central difference (f(x + h e_i) - f(x - h e_i)) / 2h, h = eps * max(1, |x_i|)
    expected   the student's formula, when given

Two numbers a, b agree when |a - b| <= atol + rtol * max(|a|, |b|). The numeric comparison also
allows for the central difference's rounding, and is not made where the finite difference cannot
be trusted (a kink, or f undefined at x +- h): see finite_difference.py.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_lite.check.finite_difference import call, central_difference, kink_inputs
from micrograd_lite.errors import ShapeError, describe
from micrograd_lite.value import Value, as_float


@dataclass(frozen=True)
class GradCheckRow:
    """One input's figures.

    `numeric` is None when f is undefined on both sides of x; `expected` is None without a
    formula. `abs_error` and `rel_error` are the largest disagreement among the comparisons made
    (None when none could be made). `disagrees` names the columns that differ from autograd
    ('numeric', 'expected'). `unreliable` says why the finite difference cannot be trusted here
    ('' when it can); an unreliable numeric column is shown but not compared.
    """

    name: str
    value: float
    autograd: float
    numeric: float | None
    expected: float | None
    abs_error: float | None
    rel_error: float | None
    ok: bool
    disagrees: tuple[str, ...]
    unreliable: str


@dataclass(frozen=True)
class GradCheckReport:
    """The result of `gradcheck`: `ok` is True when every comparison that could be made agrees.

    `unreliable` lists the inputs whose finite difference could not be trusted (a kink, or f
    undefined at x +- h); `str(report)` says so explicitly, so a pass there is never silent.
    """

    rows: tuple[GradCheckRow, ...]
    output: float
    eps: float
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        """No comparison disagrees (an input with nothing compared does not fail it: `passed`)."""
        return all(row.ok for row in self.rows)

    @property
    def unreliable(self) -> tuple[str, ...]:
        return tuple(row.name for row in self.rows if row.unreliable)

    @property
    def unverified(self) -> tuple[str, ...]:
        """Inputs with nothing compared: unreliable finite difference and no formula."""
        return tuple(row.name for row in self.rows if row.abs_error is None)

    @property
    def passed(self) -> bool:
        """`ok`, and every input was compared at least once (what the CLI's exit 0 means)."""
        return self.ok and not self.unverified

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the inputs where some comparison disagrees."""
        return tuple(row.name for row in self.rows if not row.ok)

    def __str__(self) -> str:
        point = ", ".join(f"{row.name} = {row.value!r}" for row in self.rows)
        lines = [f"gradcheck at {point}: f = {self.output!r}"]
        header = ("input", "autograd", "numeric", "expected", "abs err", "rel err", "")
        table = [header]
        for row in self.rows:
            numeric = _cell(row.numeric) + ("~" if row.unreliable else "")
            table.append(
                (
                    row.name,
                    _cell(row.autograd),
                    numeric,
                    _cell(row.expected),
                    _cell(row.abs_error, ".1e"),
                    _cell(row.rel_error, ".1e"),
                    _verdict(row),
                )
            )
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        lines += [
            "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in table
        ]
        for row in self.rows:
            if row.unreliable:
                lines.append(
                    f"  ~ {row.name}: finite difference unreliable, not compared: {row.unreliable}"
                )
        lines.append(self._summary())
        return "\n".join(lines)

    def _summary(self) -> str:
        if not self.ok:
            parts = []
            for row in self.rows:
                if not row.ok:
                    which = " and ".join(_COLUMN_NAMES[c] for c in row.disagrees)
                    parts.append(f"{row.name} ({which} disagrees with autograd)")
            return "FAIL: " + "; ".join(parts)
        unchecked = self.unverified
        if unchecked:
            rest = "; every other comparison agrees" if len(unchecked) < len(self.rows) else ""
            return (
                f"UNVERIFIED: nothing could be compared for {', '.join(unchecked)} "
                f"(finite difference unreliable and no formula given){rest}"
            )
        if self.unreliable:
            return (
                f"PASS, with a caveat: for {', '.join(self.unreliable)} only autograd and "
                "your formula were compared"
            )
        compared = "autograd, finite differences"
        compared += (
            " and your formula agree"
            if self.rows and self.rows[0].expected is not None
            else " agree"
        )
        return f"PASS: {compared} for all {len(self.rows)} inputs"


_COLUMN_NAMES = {"numeric": "the finite difference", "expected": "your formula"}


def _verdict(row: GradCheckRow) -> str:
    if not row.ok:
        return "<-- MISMATCH (" + ", ".join(row.disagrees) + ")"
    if row.abs_error is None:
        return "unverified"
    return "ok"


def _cell(x: float | None, spec: str = ".10g") -> str:
    return "-" if x is None else format(x, spec)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    expected: Callable[..., Sequence[float]] | None = None,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> GradCheckReport:
    """Compare autograd's gradient of `f` at `inputs` with central differences and, when given,
    the hand-derived `expected(*inputs) -> [df/dx_0, df/dx_1, ...]`.

    `f` takes one Value per input and returns a Value. Each input is named by `names`, else by
    f's parameter names when it has exactly one per input, else x0, x1, ...; the Values passed
    to f carry those names as labels.

    >>> r = gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, x])
    >>> r.ok, [row.autograd for row in r.rows]
    (True, [3.0, 2.0])
    >>> gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, 1.0]).failed
    ('y',)
    """
    xs = [as_float(x, f"gradcheck: input {i}") for i, x in enumerate(inputs)]
    labels = _input_names(f, len(xs), names)
    for what, number in (("eps", eps), ("rtol", rtol), ("atol", atol)):
        if not (math.isfinite(number) and number >= 0.0) or (what == "eps" and number == 0.0):
            raise ValueError(
                f"gradcheck: {what} must be a finite number >= 0 (eps > 0), got {describe(number)}"
            )

    leaves = [Value(x, label=name) for x, name in zip(xs, labels, strict=True)]
    out = call(f, leaves)
    out.backward()
    autograd = [leaf.grad for leaf in leaves]
    kinks_at_x = kink_inputs(out)

    hand: list[float | None] = [None] * len(xs)
    if expected is not None:
        formula = list(expected(*xs))
        if len(formula) != len(xs):
            raise ShapeError(
                f"gradcheck: expected returned {len(formula)} gradients for "
                f"{len(xs)} inputs ({', '.join(labels)})"
            )
        hand = [as_float(g, f"gradcheck: expected gradient {i}") for i, g in enumerate(formula)]

    rows = []
    for i, (x, name) in enumerate(zip(xs, labels, strict=True)):
        numeric, noise, unreliable = central_difference(f, xs, labels, i, eps, kinks_at_x)
        rows.append(_row(name, x, autograd[i], numeric, noise, unreliable, hand[i], rtol, atol))
    return GradCheckReport(tuple(rows), out.data, eps, rtol, atol)


def _row(
    name: str,
    x: float,
    autograd: float,
    numeric: float | None,
    noise: float,
    unreliable: str,
    expected: float | None,
    rtol: float,
    atol: float,
) -> GradCheckRow:
    comparisons: list[tuple[str, float, float]] = []  # (column, other value, extra tolerance)
    if numeric is not None and not unreliable:
        comparisons.append(("numeric", numeric, noise))
    if expected is not None:
        comparisons.append(("expected", expected, 0.0))
    disagrees: list[str] = []
    worst_abs: float | None = None
    worst_rel: float | None = None
    for column, other, extra in comparisons:
        diff = abs(autograd - other)
        scale = max(abs(autograd), abs(other))
        rel = diff / scale if scale > 0.0 else 0.0
        if math.isnan(diff):  # NaN agrees with nothing (inf - inf included)
            diff = rel = math.inf if autograd != other else 0.0
        if not diff <= atol + rtol * scale + extra:
            disagrees.append(column)
        worst_abs = diff if worst_abs is None else max(worst_abs, diff)
        worst_rel = rel if worst_rel is None else max(worst_rel, rel)
    return GradCheckRow(
        name,
        x,
        autograd,
        numeric,
        expected,
        worst_abs,
        worst_rel,
        not disagrees,
        tuple(disagrees),
        unreliable,
    )


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
