"""`micrograd-lite render EXPR --at x=0.3 -o graph.svg`: draw an expression's graph after backward.

The suffix of -o picks the format: .dot/.gv write DOT text (no Graphviz binary needed);
.svg, .png, .pdf run Graphviz's `dot`. Prints the path written.
"""

from __future__ import annotations

import argparse
import sys

from micrograd_lite.commands.check import bind
from micrograd_lite.value import Value

NAME = "render"
HELP = "draw the computation graph of an expression, with data, grads and local derivatives"
EXAMPLE = 'render "x*y + tanh(x)" --at x=0.3,y=-1.2 -o graph.svg'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", help="e.g. 'x*y + tanh(x)'")
    parser.add_argument(
        "--at", default="", metavar="POINT", help="the point, one value per variable: x=0.3,y=-1.2"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="file to write: .svg, .png, .pdf (need Graphviz's dot) or .dot",
    )
    parser.add_argument(
        "--rankdir",
        default="LR",
        choices=("LR", "RL", "TB", "BT"),
        help="layout direction (default LR: inputs left, output right)",
    )
    parser.add_argument(
        "--no-local-grads", action="store_true", help="leave the local derivatives off the edges"
    )
    parser.add_argument(
        "--highlight",
        metavar="VAR",
        help="emphasise every path from the output down to this variable",
    )


def run(args: argparse.Namespace) -> int:
    from micrograd_lite.render import render_to_file  # graphviz is imported only when drawing

    expression, point = bind(args.expression, args.at)
    leaves = {name: Value(x, label=name) for name, x in point.items()}
    if args.highlight is not None and args.highlight not in leaves:
        print(
            f"micrograd-lite render: --highlight {args.highlight!r} is not a variable "
            f"(variables: {', '.join(leaves)})",
            file=sys.stderr,
        )
        return 2
    root = expression.evaluate(leaves)
    root.label = root.label or "f"
    root.backward()
    highlight = leaves[args.highlight] if args.highlight is not None else None
    try:
        path = render_to_file(
            root,
            args.output,
            rankdir=args.rankdir,
            show_local_grads=not args.no_local_grads,
            highlight=highlight,
        )
    except (ValueError, RuntimeError, OSError) as err:  # bad suffix, no `dot`, unwritable path
        print(f"micrograd-lite render: {err}", file=sys.stderr)
        return 2
    print(path)
    return 0
