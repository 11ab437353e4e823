"""Parameters into rules: a bound op's rules with its parameters as literals, and every part
that is then constant worked out, so `a ** 2`'s derivative reads `2.0 * a ** 1.0` and its
domain checks that the exponent alone decides disappear.
"""

from __future__ import annotations

import ast
import math
from typing import cast

from micrograd_lite.ops.rules import CONSTANTS, MATH_FUNCTIONS, WHERE, copy


def substitute(tree: ast.expr, values: dict[str, float]) -> ast.expr:
    """`tree` with each parameter replaced by its value, and what is then constant worked out:
    `n * a ** (n - 1.0)` with n = 2 reads `2.0 * a ** 1.0`; `where(n == 0.0, 0.0, ...)` keeps
    only the branch taken."""

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return literal(values[node.id]) if node.id in values else node

    return fold(Substitute().visit(copy(tree)))


def fold(tree: ast.expr) -> ast.expr:
    """Work out every part of `tree` that reads no input: arithmetic and math functions of
    constants, comparisons, `and`/`or`/`not` of known truths, `where` of a known condition."""

    def known(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Constant)
            or (isinstance(node, ast.Name) and node.id in CONSTANTS)
            or (isinstance(node, ast.UnaryOp) and known(node.operand))
        )

    class Fold(ast.NodeTransformer):
        def generic_visit(self, node: ast.AST) -> ast.AST:
            node = super().generic_visit(node)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == WHERE and isinstance(node.args[0], ast.Constant):
                    return node.args[1] if node.args[0].value else node.args[2]
                if node.func.id in MATH_FUNCTIONS and all(known(a) for a in node.args):
                    return _evaluate(node)
            if isinstance(node, ast.BoolOp):
                return _fold_bool(node)
            if isinstance(node, (ast.BinOp, ast.Compare)) and all(
                known(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)
            ):
                return _evaluate(node)
            if (
                isinstance(node, ast.UnaryOp)
                and isinstance(node.op, ast.Not)
                and known(node.operand)
            ):
                return _evaluate(node)
            return node

    return cast(ast.expr, ast.fix_missing_locations(Fold().visit(tree)))


def _evaluate(node: ast.expr) -> ast.expr:
    try:
        value = eval(ast.unparse(node), {**MATH_FUNCTIONS, **CONSTANTS})  # constants only
    except (ArithmeticError, ValueError):
        return node  # leave it to run time, where the dialect decides (IEEE or an error)
    if isinstance(value, bool):
        return ast.Constant(value)
    return literal(float(value)) if isinstance(value, (int, float)) else node


def _fold_bool(node: ast.BoolOp) -> ast.expr:
    is_and = isinstance(node.op, ast.And)
    kept = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            if bool(value.value) != is_and:  # False in an `and`, True in an `or`: decided
                return ast.Constant(not is_and)
            continue  # True in an `and`, False in an `or`: no say
        kept.append(value)
    if not kept:
        return ast.Constant(is_and)
    return kept[0] if len(kept) == 1 else ast.BoolOp(node.op, kept)


def constant(tree: ast.expr) -> float | None:
    """The number `tree` stands for when it is a literal (`2.0`, `-1.0`, `inf`), else None."""
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
        inner = constant(tree.operand)
        return None if inner is None else -inner
    if isinstance(tree, ast.Name) and tree.id in CONSTANTS:
        return CONSTANTS[tree.id]
    if isinstance(tree, ast.Constant) and isinstance(tree.value, (int, float)):
        return None if isinstance(tree.value, bool) else float(tree.value)
    return None


def literal(x: float) -> ast.expr:
    """A float as an expression that reads back as the same float, sign of zero included."""
    if math.isnan(x):
        return ast.Name("nan", ast.Load())
    if math.isinf(x):
        node: ast.expr = ast.Name("inf", ast.Load())
        return ast.UnaryOp(ast.USub(), node) if x < 0 else node
    if math.copysign(1.0, x) < 0.0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-x))
    return ast.Constant(x)


def constant_truth(tree: ast.expr) -> bool | None:
    """True or False when a condition is decided by constants alone, else None."""
    if isinstance(tree, ast.Constant) and isinstance(tree.value, bool):
        return tree.value
    return None
