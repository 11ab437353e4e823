"""`micrograd-lite render EXPR --at x=0.3 -o graph.svg`: draw an expression's graph after backward.

The suffix of -o picks the format: .dot/.gv write DOT text (no Graphviz binary needed);
.svg, .png, .pdf run Graphviz's `dot`. Prints the path written.
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
from collections.abc import Iterator

from micrograd_lite.commands.arguments import BadArgument, first_line
from micrograd_lite.commands.check import add_point_argument, bind
from micrograd_lite.render import render_to_file
from micrograd_lite.render.files import FORMATS
from micrograd_lite.value import Value

NAME = "render"
HELP = "draw the computation graph of an expression, with data, grads and local derivatives"
# The suffixes render_to_file writes: pictures drawn by Graphviz's dot, or DOT text.
RASTER = tuple(sorted(FORMATS))
DOT = (".dot", ".gv")
ACCEPTED = f"{', '.join(RASTER)} (drawn by Graphviz's dot) or {', '.join(DOT)} (DOT text)"
EXAMPLE = 'render "x*y + tanh(x)" --at x=0.3,y=-1.2 -o graph.svg'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_drawing_arguments(parser, f"file to write, by suffix: {ACCEPTED}")
    parser.add_argument(
        "--no-local-grads", action="store_true", help="leave the local derivatives off the edges"
    )
    parser.add_argument(
        "--highlight",
        metavar="VAR",
        help="emphasise every path from the output down to this variable",
    )


def add_drawing_arguments(parser: argparse.ArgumentParser, output_help: str) -> None:
    """The expression, its point (--at), -o and --rankdir: shared with play."""
    parser.add_argument("expression", help="e.g. 'x*y + tanh(x)'")
    add_point_argument(parser)
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help=output_help)
    parser.add_argument(
        "--rankdir",
        default="LR",
        choices=("LR", "RL", "TB", "BT"),
        help="layout direction (default LR: inputs left, output right)",
    )


@contextlib.contextmanager
def writing(output: str) -> Iterator[None]:
    """Turn the errors of drawing and writing -o into one-line refusals naming it (shared with
    play): no `dot`, an unwritable path, a NUL in it."""
    try:
        yield
    except RuntimeError as err:  # no `dot` (graphviz's ExecutableNotFound): says how to install
        raise BadArgument(f"-o/--output {output!r}: {first_line(err)}") from None
    except (OSError, ValueError) as err:  # an unwritable path, or a NUL in it
        reason = err.strerror if isinstance(err, OSError) and err.strerror else first_line(err)
        raise BadArgument(f"-o/--output {output!r}: cannot write it: {reason}") from None


def print_path(path: pathlib.Path) -> None:
    """Print the path written, whatever bytes it holds (shared with play)."""
    try:
        print(path)
    except UnicodeEncodeError:  # a byte the terminal could not decode, in a stdout that is strict
        print(str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def output_path(text: str) -> pathlib.Path:
    """-o's path, refused (one line, the accepted suffixes listed) unless render_to_file can
    write its suffix."""
    path = pathlib.Path(text)
    if path.suffix.lower() not in (*RASTER, *DOT):
        raise BadArgument(
            f"-o/--output {text!r}: unknown suffix {path.suffix!r}; accepted: {ACCEPTED}"
        )
    return path


def run(args: argparse.Namespace) -> int:
    path = output_path(args.output)  # before any work: a typo in -o costs nothing
    expression, point = bind(args.expression, args.at)
    leaves = {name: Value(x, label=name) for name, x in point.items()}
    if args.highlight is not None and args.highlight not in leaves:
        raise BadArgument(
            f"--highlight {args.highlight!r} is not a variable (variables: {', '.join(leaves)})"
        )
    root = expression.evaluate(leaves)
    root.label = root.label or "f"
    root.backward()
    highlight = leaves[args.highlight] if args.highlight is not None else None
    with writing(args.output):
        written = render_to_file(
            root,
            path,
            rankdir=args.rankdir,
            show_local_grads=not args.no_local_grads,
            highlight=highlight,
        )
    print_path(written)
    return 0
