"""The expression whitelist: which syntax `expr.parse` accepts, checked one node at a time.

Numbers, variables, `+ - * / **`, unary `-` and `+`, the constants `pi` and `e`, and calls of
the op table's functions (inputs, then the op's parameters: `leaky_relu(x, 0.2)`). Anything
else raises an `ExpressionError` pointing at the offending part.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from micrograd_lite import ops
from micrograd_lite.expr_errors import constant_name, error_at, operator_column, span, syntax_name
from micrograd_lite.value import Value

# The operators, each with the Value op that implements it.
BINARY: dict[type[ast.operator], tuple[str, Callable[[Value | float, Value | float], object]]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}
REFUSED_BINARY: dict[type[ast.operator], tuple[str, str]] = {
    ast.FloorDiv: ("//", ""),
    ast.Mod: ("%", ""),
    ast.MatMult: ("@", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.BitOr: ("|", ""),
    ast.BitAnd: ("&", ""),
    ast.BitXor: ("^", "; '^' is bitwise xor in Python: write x**2 for a power"),
}
ALLOWED_OPERATORS = "+ - * / **"


def functions() -> tuple[str, ...]:
    """The functions expressions may call: the op table's, read now (so new ops are in)."""
    return tuple(ops.functions())


def node_children(text: str, node: ast.AST, start: int, end: int) -> list[ast.AST]:
    """The sub-expressions of an allowed node; raises ExpressionError for anything else."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise error_at(text, f"{constant_name(value)} is not a number", start, end)
        try:
            float(value)
        except OverflowError:
            raise error_at(text, "number too large for a float", start, end) from None
        return []
    if isinstance(node, ast.Name):
        if ops.by_function(node.id) is not None:
            reason = f"{node.id} is a function: call it, as in {node.id}(x)"
            raise error_at(text, reason, start, end)
        return []
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY:
            symbol, hint = REFUSED_BINARY.get(type(node.op), (type(node.op).__name__, ""))
            at = operator_column(text, node, symbol)
            where = (at, at + len(symbol)) if at is not None else (start, end)
            reason = f"operator {symbol!r} is not allowed (allowed: {ALLOWED_OPERATORS}){hint}"
            raise error_at(text, reason, *where)
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            reason = f"unary {symbol!r} is not allowed (only - and + are)"
            raise error_at(text, reason, start, start + len(symbol))
        return [node.operand]
    if isinstance(node, ast.Call):
        return _call_children(text, node, start, end)
    reason = (
        f"{syntax_name(node)} is not allowed (use numbers, variables, "
        f"{ALLOWED_OPERATORS}, and {', '.join(functions())})"
    )
    raise error_at(text, reason, start, end)


def _call_children(text: str, node: ast.Call, start: int, end: int) -> list[ast.AST]:
    func = node.func
    fstart, fend = span(text, func)
    if not isinstance(func, ast.Name):
        raise error_at(text, "only named functions can be called", fstart, fend)
    op = ops.by_function(func.id)
    if op is None:
        reason = f"unknown function {func.id!r} (allowed: {', '.join(functions())})"
        raise error_at(text, reason, fstart, fend)
    least = op.arity + sum(default is None for _, default in op.params)
    most = op.arity + len(op.params)
    starred = any(isinstance(arg, ast.Starred) for arg in node.args)
    if node.keywords or starred or not least <= len(node.args) <= most:
        params = "".join(f", {name}" for name, _ in op.params)
        reason = f"{func.id} takes {_count(least, most)}, as in {func.id}(x{params})"
        raise error_at(text, reason, start, end)
    return list(node.args)


def _count(least: int, most: int) -> str:
    if least == most:
        return "exactly one argument" if least == 1 else f"exactly {least} arguments"
    return f"{least} to {most} arguments"
