"""fold: a Program written as fewer, longer lines, which CPython compiles faster, same floats.

A forward value read once, and by no local derivative or domain check, is pasted into the
expression that reads it instead of getting a line (`v3 = v1 * v2; v4 = v3 + v0` becomes
`v4 = v1 * v2 + v0`), and a gradient's terms are summed in one expression where its last term
was (`g = t1 + t2 + ...`). A pasted expression is parenthesised unless Python would group it
the same way without (`w * (x + b)`, `(g if c else 0.0 * g) + t`). Python then evaluates the
same operations in the same order as it did the lines, one rounding each: the same floats.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from itertools import chain
from typing import TYPE_CHECKING

from micrograd_lite.compile.dialect import Dialect
from micrograd_lite.compile.templates import (
    OUT,
    A,
    B,
    affine_reads,
    by_op,
    contribution_of,
    fill,
    forward_of,
    forward_text,
    render_checks,
    term_text,
)
from micrograd_lite.ops import AFFINE, Op

if TYPE_CHECKING:
    from micrograd_lite.compile.program import Program

_FOLD_DEPTH = 12  # folded expressions nest at most this deep (CPython limits nesting)
_SUM_TERMS = 32  # terms per line of a folded gradient sum

# Python's operator precedence, enough to tell when a pasted expression needs no parentheses:
# `(a * b) + c` is written `a * b + c`, which Python parses (and evaluates) the same way.
_LOWEST, _SUM, _PRODUCT, _SIGN, _POWER, _ATOM = range(6)
_NEVER = _ATOM + 1  # a bar no expression clears: always parenthesised


def _precedence(node: ast.expr) -> int:
    """How tightly the top of an expression binds (higher: tighter)."""
    if isinstance(node, (ast.Name, ast.Constant, ast.Call)):
        return _ATOM
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _SIGN
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return _POWER
        if isinstance(node.op, (ast.Mult, ast.Div)):
            return _PRODUCT
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return _SUM
    return _LOWEST


def _bare_from(parent: ast.AST, node: ast.expr) -> int:
    """The least precedence an expression put in place of `node` (a child of `parent`) needs
    to go without parentheses: any argument of a call short of `x if c else y`; the left
    operand of + - * / at the same level (they group left to right), the right one above."""
    if isinstance(parent, ast.Call) and any(arg is node for arg in parent.args):
        return _SUM
    if isinstance(parent, ast.BinOp) and (level := _precedence(parent)) in (_SUM, _PRODUCT):
        return level if parent.left is node else level + 1
    return _NEVER


def _paste_info(op: Op, dialect: Dialect) -> tuple[int, tuple[int | None, int | None]]:
    """For a non-affine op: the precedence of its forward expression, and for inputs a, b the
    precedence a value pasted there needs to go bare (None: not pasteable: the expression
    names the input twice, or a domain check reads it first)."""
    hit = by_op.get((id(op), -3, dialect))
    if hit is None or hit[0] is not op:
        tree = ast.parse(forward_of(op, dialect), mode="eval").body
        needs: list[int | None] = []
        for placeholder in (A, B):
            at = [
                (parent, child)
                for parent in ast.walk(tree)
                for child in ast.iter_child_nodes(parent)
                if isinstance(child, ast.Name) and child.id == placeholder
            ]
            if op.checks or len(at) != 1:
                needs.append(None)
            else:
                needs.append(_bare_from(*at[0]))
        hit = by_op[(id(op), -3, dialect)] = (op, (_precedence(tree), (needs[0], needs[1])))
    return hit[1]


def _term_precedence(op: Op, index: int, dialect: Dialect) -> int:
    """The precedence of a backward term of `op` for input `index` (`x * g` binds as a product)."""
    hit = by_op.get((id(op), -4 - index, dialect))
    if hit is None or hit[0] is not op:
        tree = ast.parse(contribution_of(op, index, dialect), mode="eval").body
        hit = by_op[(id(op), -4 - index, dialect)] = (op, _precedence(tree))
    return hit[1]


def render_forward_folded(
    program: Program, emit: Callable[[str], None], needed: set[str], dialect: Dialect
) -> None:
    """The forward lines, a value read once (and not in `needed`) pasted into its reader.

    Such a value waits in `pending` until its reader comes: pasted if the reader's
    expression names it once and no domain check reads it first, else written as a line
    just before the reader's (the ops are pure: only the order of errors can change, as
    the package docstring says).
    """
    steps = program.steps
    uses = Counter(chain.from_iterable([step.operands for step in steps]))
    pending: dict[str, tuple[str, int, int]] = {}  # value -> (expression, nesting, precedence)
    for step in steps:
        op, operands = step.op, step.operands
        depth = 0
        affine = op is AFFINE
        if pending:
            pasted: list[str] | None = None
            for i, o in enumerate(operands):
                hit = pending.pop(o, None)
                if hit is None:
                    continue
                expr, nesting, precedence = hit
                if affine:  # bias + w_1 * x_1 + ...: operands (w..., x..., [bias])
                    n = len(operands) // 2
                    need = _PRODUCT if i < n else _PRODUCT + 1 if i < 2 * n else _SUM
                else:
                    bare = _paste_info(op, dialect)[1][i]
                    if bare is None:
                        emit(f"    {o} = {expr}")
                        continue
                    need = bare
                if pasted is None:
                    pasted = list(operands)
                pasted[i] = expr if precedence >= need else f"({expr})"
                depth = max(depth, nesting)
            if pasted is not None:
                operands = tuple(pasted)
        if dialect.checks and op.checks:  # operands as they were: a checked op pastes nothing
            render_checks(emit, step)
        expr = forward_text(op, operands, dialect)
        out = step.out
        if depth < _FOLD_DEPTH and uses[out] == 1 and out not in needed:
            if affine:
                precedence = _SUM if len(operands) > 1 else _ATOM
            else:
                precedence = _paste_info(op, dialect)[0]
            pending[out] = (expr, depth + 1, precedence)
        else:
            emit(f"    {out} = {expr}")


def render_sums(program: Program, emit: Callable[[str], None], dialect: Dialect) -> set[str]:
    """Each gradient's terms as one sum, `g = t1 + t2 + ...` (left to right, as the lines
    `g = t1; g += t2; ...` add them), written where its last term was: every term reads
    gradients that are complete by then, and `g` is read only after its last term.

    Returns the forward values these lines read (and the result): they keep their lines.
    """
    steps = program.steps
    last = {term.grad: k for k, term in enumerate(program.terms)}  # the last index wins
    needed = {program.result}
    add = needed.add
    values: dict[str, list[str]] = {}
    for k, term in enumerate(program.terms):
        step = steps[term.step]
        op = step.op
        if op is AFFINE:  # `partner * g` or `g`: a product or a name, bare in a sum
            value = term_text(step, term, term.g, dialect)
            needed.update(affine_reads(step, term.input))
        else:
            template = contribution_of(op, term.input, dialect)
            a, b = (*step.operands, "")[:2]
            value = fill(template, a, b, step.out, term.g)
            if A in template:
                add(a)
            if B in template:
                add(b)
            if OUT in template:
                add(step.out)
            if _term_precedence(op, term.input, dialect) < _PRODUCT:
                value = f"({value})"  # a term of a sum: bare if it binds tighter than +
        grad = term.grad
        if last[grad] != k:
            pending = values.get(grad)
            if pending is None:
                values[grad] = [value]
            else:
                pending.append(value)
            continue
        terms = values.pop(grad, None)
        if terms is None:
            emit(f"    {grad} = {value}")
            continue
        terms.append(value)
        for start in range(0, len(terms), _SUM_TERMS):
            chunk = " + ".join(terms[start : start + _SUM_TERMS])
            if start:  # g + t + ...: left to right from the running sum, not g += (...)
                chunk = f"{grad} + {chunk}"
            emit(f"    {grad} = {chunk}")
    return needed
