"""dialect: a target the op table's expressions are written out for, floats or numpy arrays.

The table (`ops.py`) writes each forward and local derivative as a Python expression over
floats. A `Dialect` is the one place where that text is rewritten for a target, beside the
namespace the rewritten text runs in. `SCALAR` pastes the text as it is and runs it in
`ops.NAMESPACE`, raising the eager path's domain errors. `numpy_dialect()` makes each line
work elementwise on whole arrays: the names the table calls (`tanh`, `exp`, `sigmoid`, ...)
mean numpy functions, a conditional `x if c else y` (relu's) becomes `where(c, x, y)`, and
`and`/`or`/`not` become `logical_and`/`logical_or`/`logical_not`. It is made on first use,
because numpy is an optional dependency (extra `fast`).
"""

from __future__ import annotations

import ast
import builtins
import functools
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from micrograd_lite.ops import NAMESPACE, Op


# eq=False: a dialect hashes by identity, a cheap key for the per-op template caches
@dataclass(frozen=True, eq=False)
class Dialect:
    """How a `Program`'s lines are written and run for one target."""

    name: str
    rewrite: Callable[[ast.expr], ast.expr]  # an op-table expression, rewritten for the target
    namespace: Mapping[str, Any]  # what the rewritten expressions call
    checks: bool  # a line per domain check before a checked op's line (`_check[i](...)`)
    augmented: bool  # `g += t` may add in place (not on arrays: one may go by two names)

    def define(self, source: str, filename: str) -> Any:
        """The function `compiled` that `source` defines, run in a copy of the namespace."""
        namespace = dict(self.namespace)
        code = builtins.compile(source, filename, "exec")
        exec(code, namespace)  # our own generated text, built from the op table's expressions
        return namespace["compiled"]


# The scalar code raises a domain error as the eager path does, with its message: through
# `_check[i]`, the check function of the i-th op with checks that tracing met.
check_ids: dict[Op, int] = {}
_check_fns: list[Callable[..., None]] = []


def check_id(op: Op) -> int:
    if op not in check_ids:
        check_ids[op] = len(_check_fns)
        _check_fns.append(op.check_fn)
    return check_ids[op]


def _as_is(tree: ast.expr) -> ast.expr:
    return tree


SCALAR = Dialect(
    "scalar",
    _as_is,
    ChainMap({"_check": _check_fns}, NAMESPACE),
    checks=True,
    augmented=True,
)


class _Vectorise(ast.NodeTransformer):
    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        where = ast.Name("where", ast.Load())
        return ast.Call(where, [node.test, node.body, node.orelse], [])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:  # `and`/`or` of arrays: elementwise
        self.generic_visit(node)
        fn = "logical_and" if isinstance(node.op, ast.And) else "logical_or"
        result = node.values[0]
        for v in node.values[1:]:
            result = ast.Call(ast.Name(fn, ast.Load()), [result, v], [])
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.Call(ast.Name("logical_not", ast.Load()), [node.operand], [])
        return node


def _vectorise(tree: ast.expr) -> ast.expr:
    """An op-table expression rewritten to work elementwise on arrays."""
    return cast(ast.expr, ast.fix_missing_locations(_Vectorise().visit(tree)))


@functools.cache
def numpy_dialect() -> Dialect:
    """The numpy dialect (no domain checks: numpy follows IEEE rules), made on first use."""
    from micrograd_lite.compile.batch import NAMESPACE as NUMPY_NAMESPACE  # imports numpy

    return Dialect("numpy", _vectorise, NUMPY_NAMESPACE, checks=False, augmented=False)
