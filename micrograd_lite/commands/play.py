"""`micrograd-lite play EXPR --at x=0.3 -o backprop.html`: a page that steps through backprop.

Writes one self-contained HTML page (`micrograd_lite.play`): the expression's forward pass node
by node, then its backward pass node by node with the arithmetic of each step, with buttons,
arrow keys and a slider. Needs Graphviz's `dot` for the picture. Prints the path written.
"""

from __future__ import annotations

import argparse
import pathlib

from micrograd_lite.commands.arguments import BadArgument, Number
from micrograd_lite.commands.check import bind
from micrograd_lite.commands.render import add_drawing_arguments, print_path, writing
from micrograd_lite.play import play
from micrograd_lite.value import Value

NAME = "play"
HELP = "write a web page that steps through an expression's forward and backward pass"
SUFFIXES = (".html", ".htm")
EXAMPLE = 'play "x*y + tanh(x)" --at x=0.3,y=-1.2 -o backprop.html'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_drawing_arguments(
        parser, "the page to write, ending in .html (one file: open it in any browser, offline)"
    )
    parser.add_argument(
        "--interval",
        action=Number,
        above=0.0,
        default=0.7,
        metavar="SECONDS",
        help="seconds per step while playing (default 0.7)",
    )


def output_path(text: str) -> pathlib.Path:
    """-o's path, refused (one line) unless it ends in .html or .htm."""
    path = pathlib.Path(text)
    if path.suffix.lower() not in SUFFIXES:
        raise BadArgument(
            f"-o/--output {text!r}: unknown suffix {path.suffix!r}; the page is HTML: "
            f"end it in {' or '.join(SUFFIXES)}"
        )
    return path


def run(args: argparse.Namespace) -> int:
    path = output_path(args.output)  # before any work: a typo in -o costs nothing
    expression, point = bind(args.expression, args.at)
    root = expression.evaluate({name: Value(x, label=name) for name, x in point.items()})
    root.label = root.label or "f"
    with writing(args.output):
        written = play(root, interval=args.interval, rankdir=args.rankdir).save(path)
    print_path(written)
    return 0
