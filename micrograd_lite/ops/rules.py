"""The rule language: how the table writes an op's forward value and local derivatives.

A rule is a Python expression over the op's inputs `a`, `b`, its result `out` (local
derivatives only), its parameters (`n` of `a ** n`, `slope` of leaky_relu), the constants
`inf`, `nan`, `pi`, `e`, arithmetic `+ - * / **`, the table's own functions (`sigmoid(a)`,
`cos(a)`, ...) and one kink construct, `where(cond, x, y)`: x where cond holds, else y. The
condition is a comparison (`and`, `or`, `not` allowed); it selects a branch and carries no
derivative. There is no Python `if` and no helper that takes only floats, so one rule text runs
in every *dialect*:

* `scalar`: floats, the eager path and `compile`'s generated code. `where` becomes Python's
  `x if cond else y`, so only the chosen branch is evaluated (`where(a > 0.0, log(a), nan)`
  never takes the log of a negative number).
* `ieee`: floats again, but `/`, `**` and the math functions follow IEEE 754 instead of raising
  (1/0 is inf, `exp(1000)` is inf). Python raises where IEEE answers; the eager path runs a
  rule in this dialect only after the scalar one raised, so it costs nothing otherwise.
  That is how sqrt's slope at 0 is inf, not an exception.
* `numpy`: arrays, `compile`'s batch replay. `where` is `numpy.where`, `and`/`or`/`not`
  elementwise.
* `value`: Values: every function is the table op itself, so a local derivative becomes a
  graph that can be differentiated again (higher-order derivatives).

Forward rules may also call the plain math functions (`log1p`, `floor`, ...), which are not
ops: a forward value is never differentiated through its rule. Local rules may only call
functions that are ops (see `validate`), so the `value` dialect can always run them.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable
from typing import Any, cast

# The plain math functions forward rules and domain checks may call, as (float, numpy) names.
# They are not ops: they have no local derivatives and never reach a Value.
MATH_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "log1p": math.log1p,
    "tanh": math.tanh,
    "sin": math.sin,
    "cos": math.cos,
    "sqrt": math.sqrt,
    "floor": math.floor,
    "abs": abs,
}
CONSTANTS: dict[str, float] = {"inf": math.inf, "nan": math.nan, "pi": math.pi, "e": math.e}
WHERE = "where"

_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)


class RuleError(ValueError):
    """A table entry's rule uses something outside the rule language (a bug in the table)."""


def parse(text: str, where: str) -> ast.expr:
    """`text` as an expression tree; `where` names the rule in errors (`'log' local 0`)."""
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError as e:
        raise RuleError(f"{where}: {text!r} is not an expression: {e.msg}") from None


def validate(
    tree: ast.expr,
    *,
    names: Iterable[str],
    functions: Iterable[str],
    where: str,
    condition: bool = False,
) -> None:
    """Refuse anything outside the rule language: unknown names or functions, Python `if`,
    comparisons outside a `where` condition, attributes, subscripts, lambdas, ...

    `names` are the variables the rule may read (inputs, `out`, parameters); `functions` the
    callable names (the table's functions, plus math functions for forward rules).
    `condition`: the tree is a condition (a domain check), not a number.
    """
    allowed_names = set(names) | set(CONSTANTS)
    allowed_functions = set(functions)

    def visit(node: ast.AST, condition: bool) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise RuleError(f"{where}: constant {node.value!r} is not a number")
        elif isinstance(node, ast.Name):
            if node.id not in allowed_names:
                raise RuleError(
                    f"{where}: unknown name {node.id!r} (allowed: {sorted(allowed_names)})"
                )
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
            visit(node.left, False)
            visit(node.right, False)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            visit(node.operand, False)
        elif condition and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            visit(node.operand, True)
        elif condition and isinstance(node, ast.BoolOp):
            for value in node.values:
                visit(value, True)
        elif condition and isinstance(node, ast.Compare):
            if not all(isinstance(op, _COMPARISONS) for op in node.ops):
                raise RuleError(f"{where}: only < <= > >= == != compare")
            for operand in (node.left, *node.comparators):
                visit(operand, False)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            name = node.func.id
            if name == WHERE:
                if len(node.args) != 3:
                    raise RuleError(f"{where}: where(cond, x, y) takes three arguments")
                visit(node.args[0], True)
                visit(node.args[1], False)
                visit(node.args[2], False)
            elif name in allowed_functions:
                for arg in node.args:
                    visit(arg, False)
            else:
                raise RuleError(
                    f"{where}: {name}() is not a function of the table here "
                    f"(allowed: where, {', '.join(sorted(allowed_functions))})"
                )
        else:
            kind = type(node).__name__
            hint = " (write where(cond, x, y))" if isinstance(node, ast.IfExp) else ""
            raise RuleError(f"{where}: {kind} is not part of the rule language{hint}")

    visit(tree, condition)


# -- dialects: the same tree rewritten for a target ---------------------------------------------


class _Scalar(ast.NodeTransformer):
    """where(c, x, y) -> (x if c else y): only the chosen branch is evaluated."""

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == WHERE:
            cond, then, otherwise = node.args
            return ast.IfExp(cond, then, otherwise)
        return node


class _Values(_Scalar):
    """As scalar, with every compared quantity read as a float (`data(a) == 0.0`): a Value's
    `==` is identity (as micrograd's), and a condition selects a branch, not a derivative."""

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        operands = [_read_data(x) for x in (node.left, *node.comparators)]
        return ast.Compare(operands[0], node.ops, operands[1:])


def _read_data(x: ast.expr) -> ast.expr:
    return ast.Call(ast.Name("data", ast.Load()), [x], [])


class _Ieee(_Scalar):
    """As scalar, with `/`, `**` and the math functions as IEEE ones (`ieee_div`, `ieee_pow`,
    `ieee_exp`, ...), so one namespace can hold both kinds (compiled code mixes them)."""

    def visit_Call(self, node: ast.Call) -> ast.expr:
        result = super().visit_Call(node)
        func = result.func if isinstance(result, ast.Call) else None
        if isinstance(func, ast.Name) and func.id in MATH_FUNCTIONS:
            func.id = f"ieee_{func.id}"
        return result

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, (ast.Div, ast.Pow)):
            name = "ieee_div" if isinstance(node.op, ast.Div) else "ieee_pow"
            return ast.Call(ast.Name(name, ast.Load()), [node.left, node.right], [])
        return node


class _Numpy(ast.NodeTransformer):
    """where stays (numpy.where); `and`, `or`, `not` become numpy's elementwise functions."""

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        fn = "logical_and" if isinstance(node.op, ast.And) else "logical_or"
        result = node.values[0]
        for value in node.values[1:]:
            result = ast.Call(ast.Name(fn, ast.Load()), [result, value], [])
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.Call(ast.Name("logical_not", ast.Load()), [node.operand], [])
        return node


_DIALECTS: dict[str, Callable[[], ast.NodeTransformer]] = {
    "scalar": _Scalar,
    "value": _Values,
    "ieee": _Ieee,
    "numpy": _Numpy,
}
DIALECTS = tuple(_DIALECTS)


def rewrite(tree: ast.expr, dialect: str) -> ast.expr:
    """`tree` rewritten for `dialect` (a fresh tree: the argument is left as it was)."""
    return cast(ast.expr, ast.fix_missing_locations(_DIALECTS[dialect]().visit(copy(tree))))


def to_source(tree: ast.expr, dialect: str) -> str:
    """The rule as source text in `dialect`: what `compile` pastes into generated code."""
    return ast.unparse(rewrite(tree, dialect))


def function(
    args: tuple[str, ...],
    bodies: tuple[ast.expr, ...],
    dialect: str,
    namespace: dict[str, Any],
    *,
    as_tuple: bool = False,
) -> Callable[..., Any]:
    """A Python function `(args) -> body` in `dialect` (a tuple of the bodies with `as_tuple`),
    whose free names are looked up in `namespace` when called (later table entries are seen)."""
    parts = [to_source(b, dialect) for b in bodies]
    body = "(" + ", ".join(parts) + ",)" if as_tuple else parts[0]
    # eval of our own table's validated rules: the same text compile pastes into its code
    fn: Callable[..., Any] = eval(f"lambda {', '.join(args)}: {body}", namespace)
    return fn


def copy(tree: ast.expr) -> ast.expr:
    """A fresh tree equal to `tree` (rewrites never touch the table's own)."""
    copied = ast.parse(ast.unparse(tree), mode="eval").body
    return copied
