"""How large an η the inverter's training tolerates: the curvature of the minimum it heads for.

The net is out = X·w_ih·w_ho with E = ½(out - Y)². Every point with w_ih·w_ho = Y/X is a
minimum; there the Hessian of E is X²·[[w_ho², w_ih·w_ho], [w_ih·w_ho, w_ih²]], with
eigenvalues 0 (along the valley of minima) and X²(w_ih² + w_ho²) (across it). A gradient step
multiplies the distance across the valley by 1 - η·X²(w_ih² + w_ho²), which shrinks only while
η < 2/(X²(w_ih² + w_ho²)).

Which minimum? Gradient flow keeps the balance c = w_ho² - w_ih² (both squares change at the
rate -2(out - Y)·X·w_ih·w_ho), so it arrives where (w_ih² + w_ho²)² = c² + 4(Y/X)². From the
article's start, c = 0.3² - 0.15² = 0.0675, the curvature is √(0.0675² + 4) ≈ 2.001 and the
bound η < 0.9994. Since w_ih² + w_ho² ≥ 2|w_ih·w_ho| at every minimum, none is stable for
η > 1/|X·Y| = 1. (Discrete steps only roughly keep c: just under 1 they drift to a flatter
minimum and still converge; docs/worked/inverter.md measures where the runs stop converging.)

    >>> valley = Valley(0.15, 0.3, 1.0, -1.0)
    >>> valley.balance, round(valley.curvature, 4), round(valley.stable_rate, 4)
    (Fraction(27, 400), 2.0011, 0.9994)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Valley:
    """The inverter's start (w_ih, w_ho) and its training pair X → Y; the rates it tolerates."""

    w_ih: float
    w_ho: float
    x: float
    y: float

    @property
    def balance(self) -> Fraction:
        """w_ho² - w_ih² at the start, exactly from the decimals written (0.0675)."""
        return Fraction(repr(self.w_ho)) ** 2 - Fraction(repr(self.w_ih)) ** 2

    @property
    def curvature(self) -> float:
        """X²(w_ih² + w_ho²) at the minimum with the start's balance: X²·√(c² + 4(Y/X)²)."""
        x, ratio = Fraction(self.x), Fraction(self.y) / Fraction(self.x)
        return float(x**2) * math.sqrt(self.balance**2 + 4 * ratio**2)

    @property
    def stable_rate(self) -> float:
        """The largest η for which that minimum is stable: 2/curvature."""
        return 2.0 / self.curvature

    @property
    def flattest_rate(self) -> float:
        """1/|X·Y|: above it no minimum is stable (every curvature is at least 2|X·Y|)."""
        return float(1 / abs(Fraction(self.x) * Fraction(self.y)))

    def sentence(self) -> str:
        """The divergence finding's second half: the bound and where it comes from."""
        c = float(self.balance)
        return (
            f"this net is stable only for η below about {self.stable_rate:.4g} (derived: "
            f"training keeps w_ho² - w_ih² near its start, {c:g}, so at the minimum it heads "
            f"for E's curvature is X²(w_ih² + w_ho²) = √({c:g}² + 4) = {self.curvature:.4g}, "
            "and η must stay below 2/curvature)"
        )

    def unsettled(
        self,
        lr: float,
        *,
        converged: bool,
        weights: tuple[float, float],
        errors: Sequence[float],
    ) -> str:
        """A note on a run at η above the bound that did not diverge ("" at or below it)."""
        bound = self.stable_rate
        if lr <= bound:
            return ""
        w_ih, w_ho = weights
        if converged:
            return (
                f"η = {lr:g} is above the bound {bound:.4g} for the minimum gradient flow "
                "reaches, yet it converged: the steps drifted to a flatter minimum "
                f"(w_ho² - w_ih² = {w_ho**2 - w_ih**2:.2g} at the end, not "
                f"{float(self.balance):g})"
            )
        last = errors[-100:]
        flattest = self.flattest_rate
        beyond = f", and above {flattest:g}, where no minimum is stable" if lr > flattest else ""
        return (
            f"η = {lr:g} is above {bound:.4g}{beyond}: the weights neither settle nor blow up, "
            f"the error still swings between {min(last):.3g} and {max(last):.3g} over the last "
            f"{len(last)} updates"
        )
