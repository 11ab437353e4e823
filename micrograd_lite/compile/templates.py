"""templates: the op table's expression strings as code templates, filled in per step.

A template is an op's forward or local-derivative text (`ops.py`) with its inputs `a`, `b`, its
output `out` and (for a backward term) the consumer's gradient `g` renamed to placeholders, and
rewritten for a `Dialect`; filling a template pastes a step's variable names in their place.
Templates are cached per op and dialect, by the op's identity (see `by_op`).
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from micrograd_lite.compile.dialect import SCALAR, Dialect, check_ids
from micrograd_lite.ops import AFFINE, Op, rules

if TYPE_CHECKING:
    from micrograd_lite.compile.program import Contribution, Step

A, B, OUT, G = "__mgl_a__", "__mgl_b__", "__mgl_out__", "__mgl_g__"


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(self.names.get(node.id, node.id), node.ctx)


def _parse(expr: str) -> ast.expr:
    names = {"a": A, "b": B, "out": OUT}
    tree = _Rename(names).visit(ast.parse(expr, mode="eval").body)
    return cast(ast.expr, tree)


def _times_g(local: ast.expr) -> ast.expr:
    """`local * g`, simplified where the floats cannot change: 1*g is g, -1*g is -g, and a
    conditional local distributes (`(1.0 if c else 0.0) * g` -> `g if c else 0.0 * g`)."""
    g = ast.Name(G, ast.Load())
    if isinstance(local, ast.Constant) and local.value == 1.0:
        return g
    if isinstance(local, ast.Constant) and local.value == -1.0:
        return ast.UnaryOp(ast.USub(), g)
    if (
        isinstance(local, ast.UnaryOp)
        and isinstance(local.op, ast.USub)
        and isinstance(local.operand, ast.Constant)
        and local.operand.value == 1.0
    ):
        return ast.UnaryOp(ast.USub(), g)
    if isinstance(local, ast.IfExp):
        return ast.IfExp(local.test, _times_g(local.body), _times_g(local.orelse))
    return ast.BinOp(local, ast.Mult(), g)


@functools.cache
def _forward_template(op: Op, dialect: Dialect) -> str:
    return ast.unparse(_parse(op.source("forward", dialect.name)))


@functools.cache
def _contribution_template(op: Op, index: int, dialect: Dialect) -> str:
    return ast.unparse(_times_g(_parse(op.source("local", dialect.local_name, index))))


# Per-op lookups keyed by the op's identity: an Op is a dataclass whose hash walks all its
# fields, too slow to take once per node of a 65k-op graph. Each entry keeps its op alive.
by_op: dict[tuple[int, int, Dialect], tuple[Op, Any]] = {}


def forward_of(op: Op, dialect: Dialect) -> str:
    hit = by_op.get((id(op), -1, dialect))
    if hit is None or hit[0] is not op:
        hit = by_op[(id(op), -1, dialect)] = (op, _forward_template(op, dialect))
    return hit[1]


def contribution_of(op: Op, index: int, dialect: Dialect) -> str:
    hit = by_op.get((id(op), index, dialect))
    if hit is None or hit[0] is not op:
        hit = by_op[(id(op), index, dialect)] = (op, _contribution_template(op, index, dialect))
    return hit[1]


def plain_terms(op: Op) -> tuple[bool, ...]:
    """For each input of `op`: is its gradient term just the consumer's (a local of 1)?"""
    hit = by_op.get((id(op), -2, SCALAR))
    if hit is None or hit[0] is not op:
        plain: tuple[bool, ...] = ()  # affine: every term has a partner factor
        if op is not AFFINE:
            plain = tuple(_contribution_template(op, i, SCALAR) == G for i in range(op.arity))
        hit = by_op[(id(op), -2, SCALAR)] = (op, plain)
    return hit[1]


@functools.cache
def _check_templates(op: Op) -> tuple[str, ...]:
    """Each domain check as the condition under which it fails."""
    fails = []
    for c in op.checks:
        holds = _parse(ast.unparse(op.tree_of(c.holds)))  # parameters filled in
        if isinstance(holds, ast.Constant):
            continue  # decided by the parameters alone: `a ** 2` has no domain to check
        if isinstance(holds, ast.UnaryOp) and isinstance(holds.op, ast.Not):
            fails.append(ast.unparse(holds.operand))
        else:
            fails.append(ast.unparse(ast.UnaryOp(ast.Not(), holds)))
    return tuple(fails)


def may_raise(op: Op) -> bool:
    """Can `op` raise in an eager run: has it domain checks, or a forward rule that calls a
    function or takes a power (which Python makes raise where IEEE returns inf or nan)?"""
    hit = by_op.get((id(op), -10, SCALAR))
    if hit is None or hit[0] is not op:
        raises = False
        if op is not AFFINE:
            tree = ast.parse(op.source("forward", "scalar"), mode="eval")
            raises = bool(op.checks) or any(
                isinstance(node, ast.Call)
                or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow))
                for node in ast.walk(tree)
            )
        hit = by_op[(id(op), -10, SCALAR)] = (op, raises)
    return bool(hit[1])


@functools.cache
def _holds_template(op: Op) -> str:
    """Every domain check of `op` at once, for numpy arrays: true where all hold."""
    trees = [op.tree_of(c.holds) for c in op.checks]
    both = trees[0] if len(trees) == 1 else ast.BoolOp(ast.And(), trees)
    return ast.unparse(_parse(rules.to_source(both, "numpy")))


def suspect_terms(step: Step) -> list[str]:
    """For a step that may raise: numpy terms whose sum is not finite at every sample where the
    eager run could raise there (its result is not finite, an input is not, or a check fails).
    A superset: `batch` replays those samples to know."""
    terms = [step.out]
    if step.op.checks:
        a, b = (*step.operands, "")[:2]
        terms += [*step.operands, f"where({fill(_holds_template(step.op), a, b)}, 0.0, nan)"]
    return terms


def fill(template: str, a: str, b: str = "", out: str = "", g: str = "") -> str:
    text = template.replace(A, a)
    if b:
        text = text.replace(B, b)
    if out:
        text = text.replace(OUT, out)
    if g:
        text = text.replace(G, g)
    return text


def literal(x: float) -> str:
    """A float as source text that reads back as the same float (sign of zero included)."""
    if math.isnan(x):
        return "nan"
    text = repr(x)  # 'inf' and 'nan' are names in every dialect's namespace
    return f"({text})" if text.startswith("-") else text


# -- a step's text: its forward expression, its backward terms, its domain checks ---------------


def render_checks(emit: Callable[[str], None], step: Step) -> None:
    """The eager path's domain errors, same messages: a line per check before the op's."""
    a, b = (*step.operands, "")[:2]
    for check in _check_templates(step.op):
        emit(
            f"    if {fill(check, a, b)}: _check[{check_ids[step.op]}]({', '.join(step.operands)})"
        )


def forward_text(op: Op, operands: tuple[str, ...], dialect: Dialect) -> str:
    if op is AFFINE:
        n = len(operands) // 2
        ws, xs = operands[:n], operands[n : 2 * n]
        start = operands[-1] if len(operands) % 2 else "0.0"
        # left to right from the bias, as Value.affine sums: the same floats
        return " + ".join([start, *(f"{w} * {x}" for w, x in zip(ws, xs, strict=True))])
    a, b = (*operands, "")[:2]
    return fill(forward_of(op, dialect), a, b)


def affine_reads(step: Step, index: int) -> tuple[str, ...]:
    """The forward value the local derivative of an affine step for input `index` reads."""
    n = len(step.operands) // 2
    if index == 2 * n:
        return ()  # d/d bias = 1
    return (step.operands[index + n] if index < n else step.operands[index - n],)


def term_text(step: Step, term: Contribution, g: str, dialect: Dialect) -> str:
    if step.op is AFFINE:
        n = len(step.operands) // 2
        i = term.input
        if i == 2 * n:
            return g  # d/d bias = 1
        partner = step.operands[i + n] if i < n else step.operands[i - n]
        return f"{partner} * {g}"
    a, b = (*step.operands, "")[:2]
    return fill(contribution_of(step.op, term.input, dialect), a, b, step.out, g)
