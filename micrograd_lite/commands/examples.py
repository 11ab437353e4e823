"""`micrograd-lite examples [NAME ...]`: rerun the seed articles' worked examples and compare.

Each example prints the article's figures beside ours with a verdict; the exit code is 1 if any
figure misses. Long runs (the adding neuron) show a tqdm progress bar on stderr when tqdm is
installed (the `progress` extra) and stderr is a terminal, unless --quiet.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from micrograd_lite.worked import EXAMPLES, Options, format_report
from micrograd_lite.worked.report import Progress, ProgressFactory

NAME = "examples"
HELP = "rerun the seed articles' worked examples and print their figures beside ours"
EXAMPLE = "examples xor inverter --lr 0.05"


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
        type=float,
        default=None,
        metavar="LR",
        help="the inverter's learning rate η (default 0.1; the article does not print its own)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar, only the comparison tables"
    )


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


def run(args: argparse.Namespace) -> int:
    names: list[str] = list(dict.fromkeys(args.names)) or list(EXAMPLES)
    unknown = [n for n in names if n not in EXAMPLES]
    if unknown:
        print(
            f"micrograd-lite examples: unknown example {', '.join(map(repr, unknown))}; "
            f"choose from: {', '.join(EXAMPLES)}",
            file=sys.stderr,
        )
        return 2
    lr: float | None = args.lr
    if lr is not None:
        if not (math.isfinite(lr) and lr > 0):
            print(
                f"micrograd-lite examples: --lr must be a positive finite number, got {lr!r}",
                file=sys.stderr,
            )
            return 2
        if "inverter" not in names:
            print(
                "micrograd-lite examples: --lr sets the inverter's η, but inverter is not "
                f"among the examples asked for ({', '.join(names)})",
                file=sys.stderr,
            )
            return 2
    options = Options(lr=lr, progress=None if args.quiet else _tqdm_factory())
    failed = []
    for i, name in enumerate(names):
        started = time.perf_counter()
        report = EXAMPLES[name].compare(options)
        seconds = time.perf_counter() - started
        if i:
            print()
        print(format_report(report))
        if seconds >= 1.0 and not args.quiet:
            print(f"  ({seconds:.0f} s)")
        if not report.ok:
            failed.append(name)
        sys.stdout.flush()  # each table as soon as it is ready: the last one takes a while
    print()
    if failed:
        print(f"{len(failed)} of {len(names)} examples missed a figure: {', '.join(failed)}")
        return 1
    print(f"All {len(names)} examples reproduce the articles' figures.")
    return 0
