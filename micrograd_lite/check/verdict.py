"""From comparisons to verdicts: one per row of a gradcheck report, and one per report.

A row is one derivative autograd computed (an input's d f/d x_i, or a Hessian entry
d2f/dx_i dx_j) with its comparisons (`compare.py`): the finite difference ('numeric') first,
then your formula ('expected') when given. Its verdict is

    FAIL          some comparison disagrees
    PASS          none disagrees, and the deciding one agrees: your formula when given, else
                  the finite difference
    INCONCLUSIVE  otherwise (nothing settles it)

and a report's verdict is FAIL when any row fails, else INCONCLUSIVE when any row is, else
PASS. `bool(report)` is True only for PASS.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from micrograd_lite.check.compare import (
    AGREES,
    CANNOT_TELL,
    DISAGREES,
    FAIL,
    INCONCLUSIVE,
    PASS,
    Comparison,
)


class Checked:
    """What a row knows from its comparisons (mixed into the rows' frozen dataclasses)."""

    name: str
    autograd: float
    comparisons: tuple[Comparison, ...]

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


class Verdicts(ABC):
    """A report's verdict from its rows (mixed into the reports' frozen dataclasses).

    `kind` names what a row is ('input', 'entry'), `kinds` the plural, and `heading` is the
    report's first line: the report's text (`report.py`) is built from these.
    """

    rows: Sequence[Checked]
    kind = "input"
    kinds = "inputs"

    @property
    @abstractmethod
    def heading(self) -> str: ...  # each kind says its own

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

    @property
    def passed(self) -> bool:
        return self.ok

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the rows where some comparison disagrees."""
        return tuple(row.name for row in self.rows if row.verdict == FAIL)

    @property
    def inconclusive(self) -> tuple[str, ...]:
        """Names of the rows nothing settles (and none disagrees)."""
        return tuple(row.name for row in self.rows if row.verdict == INCONCLUSIVE)

    @property
    def unverified(self) -> tuple[str, ...]:
        return self.inconclusive

    @property
    def unreliable(self) -> tuple[str, ...]:
        """Names of the rows where finite differences cannot tell."""
        return tuple(row.name for row in self.rows if row.unreliable)
