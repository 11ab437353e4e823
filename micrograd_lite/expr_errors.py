"""How an ExpressionError reads: the characters it points at, and what it calls them.

`ast` locates a node by line and UTF-8 byte column ('θ' is one character but two bytes), while
a message points by character: `span` converts, once for every caller, and `error_at` quotes
the text with a caret under the offending part:

    >>> print(error_at("x % 2", "operator '%' is not allowed", 2, 3))
    column 3: operator '%' is not allowed
      x % 2
        ^
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from micrograd_lite.errors import ExpressionError, describe


def error_at(text: str, reason: str, start: int, end: int) -> ExpressionError:
    """An ExpressionError quoting `text` with carets under text[start:end]."""
    return ExpressionError(_point(text, reason, start, end), reason, (start, end))


def syntax_error(text: str, err: SyntaxError) -> ExpressionError:
    """Python's SyntaxError on `text` as an ExpressionError pointing at the same character."""
    # offset: 1-based characters on line `lineno`; 0 or None means "at the end of input"
    try:
        start = _line_start(text, err.lineno or 1) + (err.offset or 0) - 1
    except ValueError:  # a line number past the text: point at its end
        start = len(text)
    start = len(text) if not err.offset else min(max(start, 0), len(text))
    return error_at(text, err.msg, start, start + 1)


def span(text: str, node: ast.AST) -> tuple[int, int]:
    """Character positions [start, end) of an expression node (ast gives lines, byte columns)."""
    lineno: int = getattr(node, "lineno", 1)
    start = _offset(text, lineno, getattr(node, "col_offset", 0))
    end_col: int | None = getattr(node, "end_col_offset", None)
    if end_col is None:
        return start, start + 1
    end_line: int = getattr(node, "end_lineno", None) or lineno
    return start, max(_offset(text, end_line, end_col), start + 1)


def operator_column(text: str, node: ast.BinOp, symbol: str) -> int | None:
    """Where the operator of `left OP right` sits (ast records no position for it)."""
    _, left_end = span(text, node.left)
    right_start, _ = span(text, node.right)
    at = text.find(symbol, left_end, right_start)
    return at if at >= 0 else None


def name_list(names: Iterable[str]) -> str:
    """Variable names for a message: "x, y", or "no variables"."""
    items = list(names)
    return ", ".join(items) if items else "no variables"


def syntax_name(node: ast.AST) -> str:
    """What a message calls a refused piece of syntax: "a comparison", "indexing", ..."""
    names = {
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.Attribute: "attribute access",
        ast.Subscript: "indexing",
        ast.Lambda: "lambda",
        ast.IfExp: "'if ... else'",
        ast.NamedExpr: "':='",
        ast.Tuple: "a tuple (one expression only; commas separate formulas only in --expect)",
        ast.List: "a list",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.JoinedStr: "an f-string",
    }
    return names.get(type(node), f"{type(node).__name__} syntax")


def constant_name(value: object) -> str:
    """What a message calls a constant that is not a number: "the string 'a'", ..."""
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, complex):
        return f"the complex number {value!r}"
    return describe(value)


def _line_start(text: str, lineno: int) -> int:
    """Character index where line `lineno` (1-based) starts."""
    index = 0
    for _ in range(lineno - 1):
        index = text.index("\n", index) + 1
    return index


def _offset(text: str, lineno: int, byte_col: int = 0) -> int:
    """Character index in `text` of a (line, UTF-8 byte column) position from `ast`."""
    line_start = _line_start(text, max(lineno, 1))
    line_end = text.find("\n", line_start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    # ast counts columns in UTF-8 bytes: 'θ' is one character but two bytes
    return line_start + len(line.encode()[:byte_col].decode(errors="ignore"))


def _point(text: str, message: str, start: int, end: int) -> str:
    """`column N: message`, then the expression's line with carets under text[start:end]."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    col = start - line_start
    width = max(1, min(end, line_start + len(line)) - start)
    return f"column {col + 1}: {message}\n  {line}\n  {' ' * col}{'^' * width}"
