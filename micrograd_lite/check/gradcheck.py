"""Checking a gradient: autograd against finite differences and a hand-derived formula.

`gradcheck(f, inputs)` compares, per input x_i, three numbers:

    autograd   d f/d x_i from `backward()`, with its rounding bound
    numeric    a central difference with its error bar (`finite_difference.py`)
    expected   your formula, when given (floats, or Values so its own rounding is bounded)

and judges each comparison by the model of `compare.py`: agrees, disagrees, or cannot tell.
One verdict per input and per report: FAIL when any comparison disagrees; PASS when your
formula (if given) agrees and finite differences agree or cannot tell, or, without a formula,
when finite differences agree; INCONCLUSIVE otherwise. `bool(report)` is True only for PASS.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.check import compare
from micrograd_lite.check.compare import (
    AGREES,
    CANNOT_TELL,
    DISAGREES,
    FAIL,
    INCONCLUSIVE,
    PASS,
    Comparison,
)
from micrograd_lite.check.finite_difference import call, central_difference, kink_inputs
from micrograd_lite.check.naming import Names, node_names
from micrograd_lite.check.report import format_report
from micrograd_lite.check.rounding import Rounding, rounding
from micrograd_lite.errors import SettingError, ShapeError, describe
from micrograd_lite.on_values import gradient_graphs
from micrograd_lite.value import Value, as_float

Formula = Callable[..., Sequence[float | Value]]


@dataclass(frozen=True)
class GradCheckRow:
    """One input: its value, autograd's derivative and rounding bound, and each comparison."""

    name: str
    value: float
    autograd: float
    autograd_bound: float
    comparisons: tuple[Comparison, ...]  # the numeric one first, then your formula's if given

    def _column(self, name: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.column == name), None)

    @property
    def numeric(self) -> float | None:
        found = self._column("numeric")
        return None if found is None else found.other

    @property
    def expected(self) -> float | None:
        found = self._column("expected")
        return None if found is None else found.other

    @property
    def disagrees(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.comparisons if c.outcome == DISAGREES)

    @property
    def unreliable(self) -> str:
        """Why finite differences cannot tell here ('' when they can)."""
        found = self._column("numeric")
        return found.reason if found is not None and found.outcome == CANNOT_TELL else ""

    @property
    def abs_error(self) -> float | None:
        """The largest |autograd - other| among the comparisons made."""
        made = [c.difference for c in self.comparisons if c.difference is not None]
        return max(made) if made else None

    @property
    def rel_error(self) -> float | None:
        made = [
            c.difference / max(abs(self.autograd), abs(c.other or 0.0)) if c.difference else 0.0
            for c in self.comparisons
            if c.difference is not None
        ]
        return max(made) if made else None

    @property
    def verdict(self) -> str:
        if self.disagrees:
            return FAIL
        deciding = self._column("expected") or self._column("numeric")
        return PASS if deciding is not None and deciding.outcome == AGREES else INCONCLUSIVE

    @property
    def ok(self) -> bool:
        return self.verdict == PASS


@dataclass(frozen=True)
class GradCheckReport:
    """The result of `gradcheck`: a row per input and one `verdict`; true only for PASS."""

    rows: tuple[GradCheckRow, ...]
    output: float
    eps: float
    rtol: float
    atol: float

    @property
    def verdict(self) -> str:
        verdicts = {row.verdict for row in self.rows}
        return FAIL if FAIL in verdicts else INCONCLUSIVE if INCONCLUSIVE in verdicts else PASS

    def __bool__(self) -> bool:
        return self.verdict == PASS

    @property
    def ok(self) -> bool:
        """True only for PASS (so is `bool(report)` and `passed`)."""
        return self.verdict == PASS

    passed = ok

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the inputs where some comparison disagrees."""
        return tuple(row.name for row in self.rows if row.verdict == FAIL)

    @property
    def inconclusive(self) -> tuple[str, ...]:
        """Names of the inputs nothing settles (and none disagrees)."""
        return tuple(row.name for row in self.rows if row.verdict == INCONCLUSIVE)

    unverified = inconclusive

    @property
    def unreliable(self) -> tuple[str, ...]:
        """Names of the inputs where finite differences cannot tell."""
        return tuple(row.name for row in self.rows if row.unreliable)

    def __str__(self) -> str:
        return format_report(self)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    expected: Formula | None = None,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    rtol: float = 0.0,
    atol: float = 0.0,
) -> GradCheckReport:
    """Compare autograd's gradient of `f` at `inputs` with central differences and, when given,
    the hand-derived `expected(*inputs) -> [df/dx_0, df/dx_1, ...]` (floats, or Values: then
    its own rounding and cancellation are bounded from its graph).

    `f` takes one Value per input and returns a Value. Each input is named by `names`, else by
    f's parameter names when it has exactly one per input, else x0, x1, ...; the Values passed
    to f carry those names as labels. `eps` is the finite-difference step relative to each
    input; `rtol` and `atol` widen every comparison (none by default: see `compare.py`).

    >>> r = gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, x])
    >>> r.verdict, bool(r), [row.autograd for row in r.rows]
    ('PASS', True, [3.0, 2.0])
    >>> gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, 1.0]).failed
    ('y',)
    """
    xs = [as_float(x, f"gradcheck: input {i}") for i, x in enumerate(inputs)]
    labels = _input_names(f, len(xs), names)
    _check_setting("eps", eps, positive=True)
    _check_setting("rtol", rtol)
    _check_setting("atol", atol)

    leaves = [Value(x, label=name) for x, name in zip(xs, labels, strict=True)]
    out = call(f, leaves)
    out.backward()
    autograd = [leaf.grad for leaf in leaves]
    roundings = [rounding(g) for g in gradient_graphs(out, leaves)]
    naming = node_names(topo_order(out))
    kinks_at_x = [(_described(naming, node), d) for node, d in kink_inputs(out)]
    hand = _formula(expected, xs, labels, roundings)

    rows = []
    for i, name in enumerate(labels):
        numeric = central_difference(f, xs, labels, i, eps, kinks_at_x)
        mine = roundings[i]
        found = [compare.against_numeric(autograd[i], mine, numeric, rtol=rtol, atol=atol)]
        if hand is not None:
            value, theirs = hand[i]
            found.append(
                compare.against_formula(autograd[i], mine, value, theirs, rtol=rtol, atol=atol)
            )
        rows.append(GradCheckRow(name, xs[i], autograd[i], mine.bound, tuple(found)))
    return GradCheckReport(tuple(rows), out.data, eps, rtol, atol)


def _described(naming: Names, node: Value) -> str:
    """`relu(x*y)`, or `v2 (v2 = ...)` when its name is made up: for messages about a node."""
    name = naming.names[node]
    where = naming.where([name])
    return f"{name} ({where})" if where else name


def _formula(
    expected: Formula | None, xs: list[float], labels: list[str], roundings: list[Rounding]
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
    hand = []
    for i, g in enumerate(given):
        if isinstance(g, Value):
            hand.append((g.data, rounding(g)))
        else:  # plain floats: their rounding is taken to be autograd's
            hand.append((as_float(g, f"gradcheck: expected gradient {i}"), roundings[i]))
    return hand


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
