"""`micrograd-lite examples [NAME ...]`: rerun four articles' worked examples and compare.

Each example prints the article's figures beside ours with a verdict, counting apart the
figures the article prints and the references derived for it (†, derived in docs/worked/); the
closing headline repeats those counts per example. The exit code is 1 if any figure misses.
Long runs (the adding neuron) show a tqdm progress bar on stderr when tqdm is installed (the
`progress` extra) and stderr is a terminal, unless --quiet.

The adding neuron trains through `micrograd_lite.compile` by default (the report says so);
`--eager` builds every row's Value graph instead, with the same floats.

With `--plot DIR`, each example also writes PNGs into DIR (`micrograd_lite.plots`, the `plot`
extra), drawn from the same runs' Results, and prints their paths. With `--play DIR`, a page
per example (`DIR/NAME.html`, `micrograd_lite.play`) steps through the graph of its first
update (`micrograd_lite.lessons.graphs`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import micrograd_lite.plots as plots
from micrograd_lite.commands.arguments import BadArgument, Number, first_line
from micrograd_lite.lessons import LESSONS, format_lesson
from micrograd_lite.lessons.graphs import GRAPHS
from micrograd_lite.lessons.pictures import write_pictures
from micrograd_lite.play import play
from micrograd_lite.worked import (
    EXAMPLES,
    Options,
    format_headline,
    format_report,
    single_weight,
    xor,
)
from micrograd_lite.worked.report import Progress, ProgressFactory

NAME = "examples"
HELP = "rerun four articles' worked examples and print their figures beside ours"
EXAMPLE = "examples xor inverter --lr 0.05 --plot plots/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    listing = "; ".join(f"{e.name}: {e.summary}" for e in EXAMPLES.values())
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"examples to run (default: all). {listing}",
    )
    parser.add_argument(
        "--lr",
        action=Number,
        above=0.0,
        default=None,
        metavar="LR",
        help="the learning rate, for every example asked for that takes one: "
        + "; ".join(f"{e.name}: {e.rate}" for e in EXAMPLES.values() if e.rate)
        + ". At another rate than the default the figures that depend on it are shown, not "
        "judged; a run that diverges is reported with the largest stable rate where it is "
        "derived, and exits 1",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar, only the comparison tables"
    )
    parser.add_argument(
        "--eager",
        action="store_true",
        help="train the adding neuron by building each row's Value graph and calling backward() "
        "(same floats as the default compiled step, about 10x slower)",
    )
    parser.add_argument(
        "--play",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write into DIR a web page per example that steps through the forward and "
        "backward pass of its first update (needs Graphviz's dot)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="first walk each example's article as a lesson: its notation mapped to ours, the "
        "labelled graph, the key gradient factor by factor, the hand formula checked, one "
        "update by hand, what the article leaves implicit, exercises; then its figures",
    )
    parser.add_argument(
        "--pictures",
        type=Path,
        default=Path("lessons"),
        metavar="DIR",
        help="with --explain: where each lesson's graph picture and player page are written "
        "(default: ./lessons)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write each example's plots as PNGs into DIR (created if missing); "
        f"needs matplotlib: {plots.INSTALL}",
    )


# Each example's pictures, drawn from the Results its runs returned (EXAMPLES[name].results).
PLOTS: dict[str, Callable[[tuple[Any, ...]], tuple[plots.Plot, ...]]] = {
    "single-weight": lambda runs: plots.plot_single_weight(
        *runs, input=single_weight.INPUT, target=single_weight.TARGET
    ),
    "inverter": lambda runs: plots.plot_inverter(*runs),
    "xor": lambda runs: plots.plot_xor(*runs, inputs=xor.INPUTS, targets=xor.TARGETS),
    "adding-neuron": lambda runs: plots.plot_adding_neuron(*runs),
}


def _tqdm_factory() -> ProgressFactory | None:
    """A factory of tqdm bars on stderr, or None when tqdm is missing or stderr is not a TTY."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is the optional `progress` extra: without it, just wait quietly
        return None

    def make(description: str, total: int) -> Progress:
        bar: Progress = tqdm(
            total=total, desc=description, unit="row", unit_scale=True, leave=False
        )
        return bar

    return make


def plot_directory(directory: Path) -> None:
    """Refuse --plot DIR before any run (not after minutes of training): matplotlib must be
    installed, and DIR a directory that can be made and written to."""
    try:
        plots.require_matplotlib()
    except ModuleNotFoundError as err:
        raise BadArgument(f"--plot: {first_line(err)}") from None
    writable_directory("--plot", directory, "plots")


def writable_directory(option: str, directory: Path, what: str) -> None:
    """Refuse `option` DIR unless DIR is a directory that can be made and written to."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):  # an existing directory may be read-only
            pass
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        reason = err.strerror if isinstance(err, OSError) and err.strerror else first_line(err)
        if isinstance(err, FileExistsError):  # what mkdir says of a file in the way
            reason = "it is a file, not a directory"
        raise BadArgument(
            f"{option} {str(directory)!r}: cannot write {what} into it: {reason}"
        ) from None


def save_player(name: str, directory: Path) -> Path:
    """Write the page that steps through example `name`'s graph (GRAPHS) into `directory`."""
    try:
        return play(GRAPHS[name]()).save(directory / f"{name}.html")
    except RuntimeError as err:  # no `dot` (graphviz's ExecutableNotFound): says how to install
        raise BadArgument(f"--play: {first_line(err)}") from None


def run(args: argparse.Namespace) -> int:
    names: list[str] = list(dict.fromkeys(args.names)) or list(EXAMPLES)
    unknown = [n for n in names if n not in EXAMPLES]
    if unknown:
        raise BadArgument(
            f"unknown example {', '.join(map(repr, unknown))}; choose from: {', '.join(EXAMPLES)}"
        )
    lr: float | None = args.lr
    fixed = [n for n in names if not EXAMPLES[n].rate]
    if lr is not None and fixed:
        takes = ", ".join(n for n, e in EXAMPLES.items() if e.rate)
        raise BadArgument(
            f"--lr: {', '.join(fixed)} takes no learning rate; --lr applies to {takes}"
        )
    directory: Path | None = args.plot
    if directory is not None:
        plot_directory(directory)
    pages: Path | None = args.play
    if pages is not None:
        writable_directory("--play", pages, "pages")
    lessons: Path | None = args.pictures if args.explain else None
    untaught = [n for n in names if n not in LESSONS]
    if lessons is not None and untaught:
        raise BadArgument(f"--explain: no lesson is written yet for {', '.join(untaught)}")
    if lessons is not None:
        writable_directory("--pictures", lessons, "pictures")
    options = Options(
        lr=lr,
        progress=None if args.quiet else _tqdm_factory(),
        engine="eager" if args.eager else "compiled",
    )
    reports = []
    all_taught = True
    for i, name in enumerate(names):
        started = time.perf_counter()
        page = None if pages is None else save_player(name, pages)  # before minutes of training
        taught = True if lessons is None else print_lesson(name, lessons)
        example = EXAMPLES[name]
        runs = example.results(options)
        report = example.report_from(options, runs)
        written = [] if directory is None else plots.save(PLOTS[name](runs), directory)
        seconds = time.perf_counter() - started
        if i:
            print()
        print(format_report(report))
        for path in written:
            print(f"  plot: {path}")
        if page is not None:
            print(f"  player: {page}")
        if seconds >= 1.0 and not args.quiet:
            print(f"  ({seconds:.0f} s)")
        reports.append(report)
        all_taught = all_taught and taught
        sys.stdout.flush()  # each table as soon as it is ready: the last one takes a while
    print()
    print(format_headline(reports))
    return 0 if all(r.ok for r in reports) and all_taught else 1


def print_lesson(name: str, directory: Path) -> bool:
    """Print example `name`'s lesson, its pictures written into `directory`; False when a claim
    the lesson checked failed (it says which)."""
    lesson = LESSONS[name]()
    try:
        pictures = [] if lesson.graph is None else write_pictures(lesson.graph(), directory, name)
    except RuntimeError as err:  # dot found but failed: the lesson still reads without it
        pictures = [f"graph: not written ({first_line(err)})"]
    print(format_lesson(lesson, pictures))
    print()
    sys.stdout.flush()
    return lesson.ok
