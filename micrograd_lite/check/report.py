"""How a gradcheck report reads: its heading, a table with a row per input (or per Hessian
entry), a note per comparison that cannot tell, and one summary line that starts with the
verdict (PASS, FAIL or INCONCLUSIVE)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from micrograd_lite.check.compare import CANNOT_TELL, DISAGREES, FAIL, INCONCLUSIVE, PASS

if TYPE_CHECKING:
    from micrograd_lite.check.verdict import Checked, Verdicts

_COLUMN_NAMES = {"numeric": "the finite difference", "expected": "your formula"}


def format_report(report: Verdicts, *, full: bool = False) -> str:
    """The report as a table and a verdict; the numbers to 10 significant digits, or every
    digit (`full`: Python's shortest repr, the float itself)."""
    digits = "r" if full else ".10g"
    lines = [report.heading]
    header = (report.kind, "autograd", "numeric", "+-", "expected", "rel err", "verdict")
    table = [header]
    for row in report.rows:
        numeric = next(c for c in row.comparisons if c.column == "numeric")
        bar = "-" if numeric.outcome == CANNOT_TELL and numeric.difference is None else ""
        table.append(
            (
                row.name,
                _cell(row.autograd, digits),
                _cell(row.numeric, digits),
                bar or _cell(numeric.allowed, ".1e"),
                _cell(row.expected, digits),
                _cell(row.rel_error, ".1e"),
                _row_verdict(row),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines += [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table
    ]
    for row in report.rows:
        for c in row.comparisons:
            if c.outcome == CANNOT_TELL:
                lines.append(f"  ? {row.name}: {_COLUMN_NAMES[c.column]} cannot tell: {c.reason}")
    lines.append(_summary(report))
    return "\n".join(lines)


def _row_verdict(row: Checked) -> str:
    if row.verdict == FAIL:
        return "<-- FAIL (" + ", ".join(row.disagrees) + " disagrees)"
    return row.verdict


def _summary(report: Verdicts) -> str:
    verdict = report.verdict
    if verdict == FAIL:
        parts = []
        for row in report.rows:
            for c in row.comparisons:
                if c.outcome == DISAGREES:
                    parts.append(
                        f"{row.name} ({_COLUMN_NAMES[c.column]} disagrees with autograd by "
                        f"{c.difference:.2e}, more than the {c.allowed:.1e} rounding allows)"
                    )
        return "FAIL: " + "; ".join(parts)
    if verdict == INCONCLUSIVE:
        unsettled = ", ".join(report.inconclusive)
        rest = "; nothing disagrees" if len(report.inconclusive) < len(report.rows) else ""
        return (
            f"INCONCLUSIVE: nothing settles {unsettled} (see the notes above; give a formula "
            f"with --expect, or check another point){rest}"
        )
    assert verdict == PASS
    with_formula = any(row.expected is not None for row in report.rows)
    columns = "your formula" if with_formula else "finite differences"
    caveat = ""
    if with_formula and report.unreliable:
        caveat = f" (finite differences cannot tell for {', '.join(report.unreliable)})"
    elif with_formula:
        caveat = " and finite differences agree too"
    return f"PASS: autograd agrees with {columns} for all {len(report.rows)} {report.kinds}{caveat}"


def _cell(x: float | None, spec: str = ".10g") -> str:
    """A number in a column: `spec` as format() takes it, or "r" for its repr; never -0."""
    if x is None:
        return "-"
    if x == 0.0:
        x = 0.0  # -0.0 reads as 0
    return repr(x) if spec == "r" else format(x, spec)
