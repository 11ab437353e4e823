"""A worked example's comparison: each figure as "reference | ours | verdict", and its printout.

A `Figure` knows how it is judged: exactly (`==`, the default, for figures the articles' code
reproduces bit for bit) or within a stated tolerance (`abs_tol` / `rel_tol`, as `math.isclose`).
`expected=None` marks a figure the article does not give at all: it is shown, never judged.
`not_judged="why"` shows a reference without judging it: at a learning rate the reference was
not worked out for, or for the predictions of a run that diverged.

A report's `finding` is a sentence about the run as a whole that fails it on its own: training
diverged (`divergence.py`). It is printed under the report's header and repeated in the
closing headline, and the figures that a diverged run makes meaningless are `not_judged`
rather than counted as misses.

Every judged figure is one of two kinds, and the report counts them apart so that it never
claims more than was checked:

* **printed** (the default): a figure the article itself prints or states, e.g. "w1 = 0.59";
* **derived** (`printed=False`, shown with †): a reference value the article does not print,
  worked out from exact algebra, from the article's own formulas, or by rerunning the author's
  own program. The report's `derivations` file (under docs/worked/ in the repository) explains
  where each one comes from.

    >>> r = Report("demo", article("An article", "A. Author"), sections=(Section("run", (
    ...     Figure("w after one step", 0.59, 0.59),
    ...     Figure("w after 45 steps", 1 / 3, 0.33333333333430015, abs_tol=1e-12, printed=False),
    ... )),), derivations="docs/worked/demo.md")
    >>> r.ok, len(r.printed), len(r.derived)
    (True, 1, 1)
    >>> print(format_report(r))  # doctest: +NORMALIZE_WHITESPACE
    demo: "An article" by A. Author
    <BLANKLINE>
      run
        figure            reference             ours                 verdict
        w after one step  0.59                  0.59                 exact
        w after 45 steps  0.3333333333333333 †  0.33333333333430015  within 1e-12
    <BLANKLINE>
      † not printed in the article: derived from exact algebra, the article's own formulas or
        the author's program, rerun; each is explained in docs/worked/demo.md
      demo: 1 of 1 printed figures match; 1 of 1 derived references match (derivations:
        docs/worked/demo.md)
      2 of 2 figures match in all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

Shown = float | int | str | bool


@dataclass(frozen=True)
class Figure:
    """One figure: its name, the reference value (`expected`: printed by the article, or derived
    when `printed` is False), ours, and how to judge them."""

    name: str
    expected: Shown | None
    ours: Shown
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    printed: bool = True  # False: a derived reference (†), explained in the report's derivations
    not_judged: str = ""  # why a reference is shown but not judged ("diverged", "η = 3")

    @property
    def judged(self) -> bool:
        return self.expected is not None and not self.not_judged

    @property
    def derived(self) -> bool:
        """A judged reference value that the article does not print (shown with †)."""
        return self.judged and not self.printed

    @property
    def ok(self) -> bool:
        """True when ours matches (figures without a reference value always pass)."""
        expected, ours = self.expected, self.ours
        if expected is None or self.not_judged:
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
        if self.not_judged:
            return f"not judged: {self.not_judged}"
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


def article(title: str, author: str | None = None) -> str:
    """How a report names its article: the title and, when the article gives one, the author."""
    return f'"{title}" by {author}' if author else f'"{title}" (the article names no author)'


@dataclass(frozen=True)
class Report:
    """Everything one worked example prints: what it is, then its sections of figures.

    `derivations` is the file, relative to the repository root, that explains every derived
    (†) reference; a report with derived references must name one.
    """

    name: str
    article: str
    about: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)
    derivations: str = ""
    finding: str = ""  # a sentence that fails the run as a whole: "inverter: training diverged..."

    def __post_init__(self) -> None:
        if self.derived and not self.derivations:
            raise ValueError(
                f"report {self.name!r}: {len(self.derived)} derived references (printed=False) "
                "but no derivations file says where they come from; pass derivations=..."
            )

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for s in self.sections for f in s.figures)

    @property
    def printed(self) -> tuple[Figure, ...]:
        """The judged figures that the article prints."""
        return tuple(f for f in self.figures if f.judged and f.printed)

    @property
    def derived(self) -> tuple[Figure, ...]:
        """The judged reference values that the article does not print (†)."""
        return tuple(f for f in self.figures if f.derived)

    @property
    def ok(self) -> bool:
        return not self.finding and all(f.ok for f in self.figures)

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
    """What a user may change when running the examples: the learning rate (None: each
    example's own; `Example.rate` says what it sets), a progress bar, and the engine of long
    runs ("compiled": `micrograd_lite.compile`; "eager": a Value graph and backward() per
    update; both give the same floats)."""

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
    expected = show(f.expected) + (" †" if f.expected is not None and not f.printed else "")
    return (f.name, expected, show(f.ours), f.verdict)


def _matched(figures: Sequence[Figure]) -> str:
    return f"{sum(f.ok for f in figures)} of {len(figures)}"


def summary(report: Report) -> str:
    """One line: the printed figures and the derived references that match, counted apart.

    "xor: no printed figure to compare; 20 of 20 derived references match (derivations: ...)"
    """
    printed, derived = report.printed, report.derived
    parts = [
        f"{_matched(printed)} printed figures match" if printed else "no printed figure to compare",
        f"{_matched(derived)} derived references match (derivations: {report.derivations})"
        if derived
        else "no derived reference",
    ]
    return f"{report.name}: {'; '.join(parts)}"


def format_report(report: Report) -> str:
    """The report as aligned text: a header, then per section figure | reference | ours | verdict.

    A reference is the article's printed figure, or a derived one marked †.
    """
    header = ("figure", "reference", "ours", "verdict")
    figures = report.figures
    table = [header] + [_cells(f) for f in figures]
    widths = [max(len(cells[i]) for cells in table) for i in range(3)]  # one width per report

    def row(cells: Sequence[str]) -> str:
        left = "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths, strict=True))
        return f"    {left}  {cells[3]}"

    lines = [f"{report.name}: {report.article}"]
    if report.about:
        lines.append(f"  {report.about}")
    if report.finding:  # one sentence per line (xor can have one per run)
        lines += ["", *(f"  {line}" for line in report.finding.splitlines())]
    for section in report.sections:
        lines += ["", f"  {section.heading}", row(header)]
        lines += [row(_cells(f)) for f in section.figures]
        lines += [f"    {note}" for note in section.notes]
    lines.append("")
    if any(f.expected is not None and not f.printed for f in figures):
        lines.append(
            "  † not printed in the article: derived from exact algebra, the article's own "
            f"formulas or the author's program, rerun; each is explained in {report.derivations}"
        )
    lines.append(f"  {summary(report)}")
    judged = [f for f in figures if f.judged]
    total = f"  {_matched(judged)} figures match in all."
    if not judged:  # another learning rate than the references were worked out for
        total = "  no figure is judged at these settings: the notes say what the runs did."
    missed = [f.name for f in judged if not f.ok]
    lines.append(f"{total} MISSED: {'; '.join(missed)}" if missed else total)
    return "\n".join(lines)


def format_headline(reports: Sequence[Report]) -> str:
    """The closing lines of a run of several examples: each one's summary, then the totals.

    It says what was checked and no more: printed figures and derived references are counted
    apart, and the line for an example with no printed figure says so.
    """
    lines = [
        "Printed: the figures an article prints. Derived (†): reference values it does not print,",
        "worked out from exact algebra, the article's own formulas or the author's program, rerun",
        "(docs/worked/ in the repository derives each one).",
    ]
    for r in reports:
        lines.append(f"  {summary(r)}")
        lines += [f"  {line}" for line in r.finding.splitlines()]
    diverged = [r.name for r in reports if r.finding]
    if diverged:
        lines.append(f"{len(diverged)} of {len(reports)} examples diverged: {', '.join(diverged)}")
    missed = [r.name for r in reports if r.misses]
    if missed:
        lines.append(
            f"{len(missed)} of {len(reports)} examples missed a figure: {', '.join(missed)}"
        )
    if not diverged and not missed:
        printed = [f for r in reports for f in r.printed]
        derived = [f for r in reports for f in r.derived]
        every = "The example matches" if len(reports) == 1 else f"All {len(reports)} examples match"
        counts = f"{_matched(printed)} printed figures and {_matched(derived)} derived references"
        if printed or derived:
            lines.append(f"{every}: {counts}.")
        else:
            lines.append("Nothing was judged at these settings.")
    return "\n".join(lines)
