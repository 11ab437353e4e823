"""`micrograd-lite check EXPR --at x=0.3,y=-1.2 [--expect "dx, dy"]`: gradcheck from the shell.

Compares autograd's gradient of the expression with central differences and, with --expect,
with hand-derived formulas (one per variable, in --at order). With `--order 2` it checks the
Hessian instead, and --expect gives its rows, separated by ';' (`"6*x*y, 3*x**2; 3*x**2, 0"`);
these formulas are evaluated as Values, so their own rounding is bounded. Exit 0 on PASS (every
entry compared, and everything compared agrees); 1 on FAIL or INCONCLUSIVE; 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from micrograd_lite.check import explain, gradcheck
from micrograd_lite.check.report import format_report
from micrograd_lite.commands.arguments import BadArgument, Number, excerpt, parsed
from micrograd_lite.commands.points import (
    check_point,
    parse_list,
    parse_point,
    parse_rows,
    split_top_level,
)
from micrograd_lite.errors import ExpressionError
from micrograd_lite.expr import Expression, parse
from micrograd_lite.expr_grammar import functions
from micrograd_lite.value import Value

NAME = "check"
HELP = "check the gradient of an expression against finite differences and your own formulas"
# The smallest --eps: a step below float resolution (2**-52 relative) leaves x + h == x.
EPS_FLOOR = sys.float_info.epsilon
EXAMPLE = 'check "x*y + tanh(x)" --at x=0.3,y=-1.2 --expect "y + 1 - tanh(x)**2, x"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        help="e.g. 'x*y + tanh(x)': + - * / **, numbers, pi, e, variables, and the op "
        f"table's functions ({' '.join(functions())})",
    )
    add_point_argument(parser)
    parser.add_argument(
        "--expect",
        metavar="FORMULAS",
        help="your gradient: comma-separated formulas, one per variable in "
        "--at order, e.g. 'y + 1 - tanh(x)**2, x'",
    )
    parser.add_argument(
        "--order",
        type=_order,
        default=1,
        help="1: check the gradient (default); 2: check the Hessian, --expect giving its rows "
        "separated by ';', e.g. '6*x*y, 3*x**2; 3*x**2, 0'",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print the chain rule for each variable: every step of each path a factor, "
        "named by its rule in your variables' names",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="print every digit of each number (Python's repr) instead of rounding to what a "
        "person reads",
    )
    parser.add_argument(
        "--eps",
        action=Number,
        above=0.0,
        at_least=EPS_FLOOR,
        why="a smaller step does not move x",
        default=1e-6,
        help="finite-difference step, relative to each input (default 1e-6), > 0 and finite",
    )
    parser.add_argument(
        "--rtol", action=Number, at_least=0.0, default=0.0, help="extra relative tolerance (none)"
    )
    parser.add_argument(
        "--atol", action=Number, at_least=0.0, default=0.0, help="extra absolute tolerance (none)"
    )


def add_point_argument(parser: argparse.ArgumentParser) -> None:
    """--at, shared with render: it may be repeated, and the points merge in order."""
    parser.add_argument(
        "--at",
        action="append",
        default=[],
        metavar="POINT",
        help="the point, one value per variable: x=0.3,y=-1.2 (or --at x=0.3 --at y=-1.2)",
    )


def bind(expression_text: str, at: Sequence[str]) -> tuple[Expression, dict[str, float]]:
    """The parsed expression and its point, merged from every --at and checked against each
    other (shared with render). Every refusal is a one-line BadArgument naming the argument."""
    expression = parsed("expression", expression_text, parse)
    point: dict[str, float] = {}
    given: dict[str, str] = {}  # variable -> the --at that gave it
    for text in at:
        for name, x in parsed("--at", text, parse_point).items():
            if name in point:
                raise BadArgument(
                    f"--at gives {name} twice ({given[name]!r}, then {text!r}): "
                    "give each variable once"
                )
            point[name], given[name] = x, text
    try:
        check_point(expression, point)
    except ExpressionError as err:
        raise BadArgument(f"--at: {err.reason}") from None
    if not point:
        raise BadArgument(
            f"expression {excerpt(expression_text)} has no variables: nothing to differentiate"
        )
    return expression, point


def run(args: argparse.Namespace) -> int:
    expression, point = bind(args.expression, args.at)
    names = list(point)
    if args.order == 2 and args.explain:
        raise BadArgument("--explain traces first derivatives: give it without --order 2")

    def f(*values: Value) -> Value:
        return expression.evaluate(dict(zip(names, values, strict=True)))

    xs = list(point.values())
    if args.order == 2:
        hessian = None if args.expect is None else _hessian(args.expect, point)
        checked = gradcheck(
            f, xs, order=2, expected=hessian, names=names, eps=args.eps, rtol=args.rtol,
            atol=args.atol,
        )  # fmt: skip
        print(format_report(checked, full=args.full))
        return 0 if checked else 1
    expected = None
    if args.expect is not None:
        if len(list(split_top_level(args.expect, ";"))) > 1:
            raise BadArgument(
                f"--expect {excerpt(args.expect)} has rows separated by ';', a Hessian: "
                "check it with --order 2, or give the gradient, one formula per variable"
            )
        formulas = parsed("--expect", args.expect, parse_list)
        _check_count(len(formulas), names, "")
        _check_variables([(f"formula {k}", e) for k, e in enumerate(formulas, 1)], names)

        def expected(*xs: float) -> list[Value]:
            env = dict(zip(names, xs, strict=True))
            # as Values: gradcheck bounds the formula's own rounding and cancellation from its graph
            return [formula.evaluate(env) for formula in formulas]

    report = gradcheck(
        f, xs, expected=expected, names=names, eps=args.eps, rtol=args.rtol, atol=args.atol
    )
    print(format_report(report, full=args.full))
    if args.explain:
        leaves = {name: Value(x, label=name) for name, x in point.items()}
        root = expression.evaluate(leaves)
        if not root.label:  # a bare variable is its own label; else a name none of them has
            root.label = next(n for n in ("f", "F", "out", "result") if n not in point)
        root.backward()
        for leaf in leaves.values():
            print()
            print(explain(root, leaf).format(full=args.full))
    return 0 if report else 1  # PASS only: FAIL and INCONCLUSIVE exit 1 (the summary says which)


def _hessian(text: str, point: dict[str, float]) -> Callable[..., list[list[Value]]]:
    """Your Hessian from --expect's rows, its entries evaluated as Values (their rounding
    bounded from their graphs), after its shape and variables are checked."""
    names = list(point)
    rows = parsed("--expect", text, parse_rows)
    n = len(names)
    if len(rows) != n:
        raise BadArgument(
            f"--expect has {len(rows)} row{'s' * (len(rows) != 1)} for {n} "
            f"variable{'s' * (n != 1)} ({', '.join(names)}): give the Hessian as {n} "
            f"row{'s' * (n != 1)} of {n}, rows separated by ';' and entries by ','"
        )
    for k, row in enumerate(rows, 1):
        _check_count(len(row), names, f" row {k}")
    _check_variables(
        [
            (f"row {k}, entry {m}", formula)
            for k, row in enumerate(rows, 1)
            for m, formula in enumerate(row, 1)
        ],
        names,
    )

    def expected(*xs: float) -> list[list[Value]]:
        env = dict(zip(names, xs, strict=True))
        return [[formula.evaluate(env) for formula in row] for row in rows]

    return expected


def _check_count(count: int, names: list[str], where: str) -> None:
    """One formula per variable, in --at order (`where`: '' or ' row 2' of a Hessian)."""
    n = len(names)
    if count == n:
        return
    if where:
        what, per = ("entry" if count == 1 else "entries"), "second derivative"
    else:
        what, per = ("formula" if count == 1 else "formulas"), "gradient"
    raise BadArgument(
        f"--expect{where} has {count} {what} for {n} variable{'s' * (n != 1)} "
        f"({', '.join(names)}): give one {per} per variable, in --at order, separated by commas"
    )


def _check_variables(formulas: Sequence[tuple[str, Expression]], names: list[str]) -> None:
    """Each formula (with where it is: 'formula 2', 'row 1, entry 2') uses only --at's names."""
    for where, formula in formulas:
        unknown = [v for v in formula.variables if v not in names]
        if unknown:
            raise BadArgument(
                f"--expect {where} ({formula.text.strip()!r}) uses "
                f"{', '.join(unknown)}, which --at does not give ({', '.join(names)})"
            )


def _order(text: str) -> int:
    """--order: 1 or 2, refused in one line (argparse's usage error) otherwise."""
    if text.strip() not in ("1", "2"):
        raise argparse.ArgumentTypeError(
            f"must be 1 (the gradient) or 2 (the Hessian), got {excerpt(text)}"
        )
    return int(text)
