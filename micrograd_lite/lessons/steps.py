"""The kinds of step a lesson is made of, each worded from the library's own results.

`notation` maps the article's symbols to ours; `chain` is `explain` of the key gradient, factor
by factor, beside the article's own formula; `hand_check` runs `gradcheck` on the article's
hand-derived formula; `update_by_hand` writes one gradient-descent step with its numbers and
compares it with what the optimizer did; `table` aligns columns. Numbers are shown as a person
reads them (`short`: 12 significant digits, so 2.1000000000000005 reads 2.1, and never -0).

    >>> print("\\n".join(table(("k", "w_k"), [(0, 0.8), (1, 0.59)])))
    k  w_k
    0  0.8
    1  0.59
    >>> step, same = update_by_hand("w1", "w0", "r", "dC/dw", 0.8, 0.1, 2.1000000000000005, 0.59)
    >>> step.lines[0], same
    ('w1 = w0 - r·dC/dw = 0.8 - 0.1 · 2.1 = 0.59', True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from micrograd_lite.check import explain, gradcheck
from micrograd_lite.check.gradcheck import GradCheckReport
from micrograd_lite.lessons.lesson import Step, wrap
from micrograd_lite.value import Value

Cell = str | float | int


def short(x: float) -> str:
    """A number as a person reads it: 12 significant digits (2.1000000000000005 -> 2.1), an
    integer-valued float without its `.0`, and 0 for -0."""
    if x == 0.0:
        return "0"
    return format(x, ".12g")


def cell(x: Cell) -> str:
    return x if isinstance(x, str) else str(x) if isinstance(x, int) else short(x)


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[str]:
    """Left-aligned columns, two spaces apart."""
    texts = [list(headers), *([cell(x) for x in row] for row in rows)]
    widths = [max(len(r[k]) for r in texts) for k in range(len(headers))]
    return ["  ".join(t.ljust(w) for t, w in zip(r, widths, strict=True)).rstrip() for r in texts]


def paragraph(*sentences: str) -> list[str]:
    """Sentences as one wrapped paragraph."""
    return wrap(" ".join(sentences))


def notation(rows: Sequence[tuple[str, str, str]], intro: str = "") -> Step:
    """The article's symbols beside ours: (article, ours, what it is) per row."""
    lines = paragraph(intro) if intro else []
    lines += table(("article", "micrograd_lite", "what it is"), rows)
    return Step("The article's notation, mapped to ours", tuple(lines))


def chain(root: Value, wrt: Value, article: Sequence[str], heading: str = "") -> Step:
    """`explain(root, wrt)`: d root/d wrt as the product of the local derivatives along the
    path(s), each named by its rule in our labels; then `article`, the lines saying how the
    article writes the same product (its grouping of our factors, with their numbers)."""
    trace = str(explain(root, wrt))
    title = heading or f"The key gradient, factor by factor: d{root.label}/d{wrt.label}"
    return Step(title, (*trace.splitlines(), "", *article))


def hand_check(
    f: Callable[..., Value],
    point: Sequence[float],
    names: Sequence[str],
    expected: Callable[..., Sequence[float | Value]],
    formulas: Sequence[str],
    intro: str = "The article derives the gradient by hand;",
) -> tuple[Step, GradCheckReport]:
    """gradcheck of `f` at `point` against the article's hand-derived gradient `expected`
    (worded as `formulas`, one per input): autograd, finite differences and the formula;
    `intro` says where the article's formula comes from."""
    report = gradcheck(f, point, expected=expected, names=names)
    lines = [
        *paragraph(
            f"{intro} gradcheck compares that formula with backward() and with finite "
            "differences (f evaluated at w ± a small step):"
        ),
        *(f"  {text}" for text in formulas),
        "",
        *str(report).splitlines(),
    ]
    return Step("The article's hand formula, checked", tuple(lines)), report


def update_by_hand(
    new: str,
    old: str,
    lr_name: str,
    grad_name: str,
    old_value: float,
    lr: float,
    grad: float,
    library: float,
) -> tuple[Step, bool]:
    """`new = old - lr·grad` with its numbers, beside the value the library's optimizer gave
    (`library`); the bool says whether the two floats are the same."""
    by_hand = old_value - lr * grad
    same = by_hand == library
    formula = f"{new} = {old} - {lr_name}·{grad_name}"
    numbers = f"{short(old_value)} - {short(lr)} · {short(grad)} = {short(by_hand)}"
    verdict = (
        f"the optimizer's step gave {library!r}: the same float"
        if same
        else f"the optimizer's step gave {library!r}, by hand {by_hand!r}: they differ"
    )
    return Step("One update by hand", (f"{formula} = {numbers}", verdict)), same
