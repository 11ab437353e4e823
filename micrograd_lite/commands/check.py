"""`micrograd-lite check EXPR --at x=0.3,y=-1.2 [--expect "dx, dy"]`: gradcheck from the shell.

Compares autograd's gradient of the expression with central differences and, with --expect,
with hand-derived formulas (one per variable, in --at order). Exit 0 when everything that can be
compared agrees and every variable was compared; 1 otherwise; 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from micrograd_lite.check import explain, gradcheck
from micrograd_lite.commands.arguments import BadArgument, Number, excerpt, parsed
from micrograd_lite.commands.points import check_point, parse_list, parse_point
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
        "--explain",
        action="store_true",
        help="also print the chain rule, path by path, for each variable",
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

    def f(*values: Value) -> Value:
        return expression.evaluate(dict(zip(names, values, strict=True)))

    expected = None
    if args.expect is not None:
        formulas = parsed("--expect", args.expect, parse_list)
        if len(formulas) != len(names):
            raise BadArgument(
                f"--expect has {len(formulas)} formula{'s' * (len(formulas) != 1)} for "
                f"{len(names)} variable{'s' * (len(names) != 1)} ({', '.join(names)}): "
                "give one gradient per variable, in --at order, separated by commas"
            )
        for k, formula in enumerate(formulas, 1):
            unknown = [v for v in formula.variables if v not in point]
            if unknown:
                raise BadArgument(
                    f"--expect formula {k} ({formula.text.strip()!r}) uses "
                    f"{', '.join(unknown)}, which --at does not give ({', '.join(names)})"
                )

        def expected(*xs: float) -> list[float]:
            env = dict(zip(names, xs, strict=True))
            return [formula.evaluate(env).data for formula in formulas]

    report = gradcheck(
        f,
        list(point.values()),
        expected=expected,
        names=names,
        eps=args.eps,
        rtol=args.rtol,
        atol=args.atol,
    )
    print(report)
    if args.explain:
        leaves = {name: Value(x, label=name) for name, x in point.items()}
        root = expression.evaluate(leaves)
        root.label = root.label or "f"
        root.backward()
        for leaf in leaves.values():
            print()
            print(explain(root, leaf))
    return 0 if report else 1  # PASS only: FAIL and INCONCLUSIVE exit 1 (the summary says which)
