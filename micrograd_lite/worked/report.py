"""A worked example's comparison: each figure as "article value | ours | verdict", and its printout.

A `Figure` knows how it is judged: exactly (`==`, the default, for figures the articles' code
reproduces bit for bit) or within a stated tolerance (`abs_tol` / `rel_tol`, as `math.isclose`).
`expected=None` marks a figure the article does not give at all: it is shown, never judged.
`printed=False` marks an expected value the article itself does not print (a reference value
from the article's own program, rerun; see worked-examples.md); it is shown with a dagger.

    >>> r = Report("demo", "An article", sections=(Section("run", (
    ...     Figure("w after one step", 0.59, 0.59),
    ...     Figure("w after 45 steps", 1 / 3, 0.33333333333430015, abs_tol=1e-12),
    ... )),))
    >>> r.ok
    True
    >>> print(format_report(r))  # doctest: +NORMALIZE_WHITESPACE
    demo: An article
    <BLANKLINE>
      run
        figure            article             ours                 verdict
        w after one step  0.59                0.59                 exact
        w after 45 steps  0.3333333333333333  0.33333333333430015  within 1e-12
    <BLANKLINE>
      2 of 2 figures match.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

Shown = float | int | str | bool


@dataclass(frozen=True)
class Figure:
    """One figure: its name, the article's value (`expected`), ours, and how to judge them."""

    name: str
    expected: Shown | None
    ours: Shown
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    printed: bool = True

    @property
    def judged(self) -> bool:
        return self.expected is not None

    @property
    def ok(self) -> bool:
        """True when ours matches (figures without an article value always pass)."""
        expected, ours = self.expected, self.ours
        if expected is None:
            return True
        if self.abs_tol == 0.0 and self.rel_tol == 0.0:
            return type(expected) is type(ours) and expected == ours
        if isinstance(expected, str | bool) or isinstance(ours, str | bool):
            return False  # a tolerance needs numbers on both sides
        return math.isclose(ours, expected, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    @property
    def verdict(self) -> str:
        if self.expected is None:
            return "(not in the article)"
        if not self.ok:
            return "MISS"
        if self.abs_tol == 0.0 and self.rel_tol == 0.0:
            return "exact"
        parts = []
        if self.abs_tol:
            parts.append(f"within {self.abs_tol:g}")
        if self.rel_tol:
            parts.append(f"within {self.rel_tol:g} relative")
        return " or ".join(parts)


@dataclass(frozen=True)
class Section:
    """A group of figures under one heading (one run or one setup), with optional notes."""

    heading: str
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything one worked example prints: what it is, then its sections of figures."""

    name: str
    article: str
    about: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for s in self.sections for f in s.figures)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.figures)

    @property
    def misses(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if not f.ok)


class Progress(Protocol):
    """A progress bar: `update(n)` after n more units of work, `close()` at the end (tqdm's)."""

    def update(self, n: int) -> object: ...

    def close(self) -> None: ...


# Makes a bar for a named task of `total` units (the CLI passes one backed by tqdm).
ProgressFactory = Callable[[str, int], Progress]


@dataclass(frozen=True)
class Options:
    """What a user may change when running the examples: the inverter's η, a progress bar,
    and the engine of long runs ("compiled": `micrograd_lite.compile`; "eager": a Value graph
    and backward() per update; both give the same floats)."""

    lr: float | None = None
    progress: ProgressFactory | None = None
    engine: str = "compiled"


def print_comparison(compare: Callable[[Options], Report]) -> int:
    """Run `compare` with default options, print its report; 0 when every figure matches."""
    result = compare(Options())
    print(format_report(result))
    return 0 if result.ok else 1


def show(x: Shown | None) -> str:
    """A figure as text: floats in full (`repr`), so a last-digit difference is visible."""
    if x is None:
        return "-"
    return repr(x) if isinstance(x, float) else str(x)


def _cells(f: Figure) -> tuple[str, str, str, str]:
    expected = show(f.expected) + ("" if f.printed or f.expected is None else " †")
    return (f.name, expected, show(f.ours), f.verdict)


def format_report(report: Report) -> str:
    """The report as aligned text: a header, then per section figure | article | ours | verdict."""
    header = ("figure", "article", "ours", "verdict")
    figures = report.figures
    table = [header] + [_cells(f) for f in figures]
    widths = [max(len(cells[i]) for cells in table) for i in range(3)]  # one width per report

    def row(cells: Sequence[str]) -> str:
        left = "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths, strict=True))
        return f"    {left}  {cells[3]}"

    lines = [f"{report.name}: {report.article}"]
    if report.about:
        lines.append(f"  {report.about}")
    for section in report.sections:
        lines += ["", f"  {section.heading}", row(header)]
        lines += [row(_cells(f)) for f in section.figures]
        lines += [f"    {note}" for note in section.notes]
    lines.append("")
    if any(not f.printed and f.judged for f in figures):
        lines.append(
            "  † not printed in the article: the reference value from worked-examples.md "
            "(exact algebra or the author's program)"
        )
    judged = [f for f in figures if f.judged]
    matched = sum(f.ok for f in judged)
    if matched == len(judged):
        lines.append(f"  {matched} of {len(judged)} figures match.")
    else:
        missed = "; ".join(f.name for f in judged if not f.ok)
        lines.append(f"  {matched} of {len(judged)} figures match. MISSED: {missed}")
    return "\n".join(lines)
