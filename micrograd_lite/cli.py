"""`micrograd-lite`: the command line. It only parses arguments and calls the library.

Exit codes, so that a script can tell the cases apart:

- 0: success.
- 1: a check or a worked example's figure did not match (the verdict is on stdout).
- 2: bad input. One line on stderr, `micrograd-lite COMMAND: ...`, names the argument and what
  it accepts; argparse's usage errors read the same way (one line, not the usage block). With
  no command at all, the help goes to stderr.
- 3: an internal error, that is a bug in micrograd-lite: one line on stderr with the
  exception's type, message and the line that raised it, never a traceback. Not 2, which
  blames the input, and not 1, which is a verdict.
- 130 (128 + SIGINT): interrupted with Ctrl-C; one line on stderr, no traceback.
- 141 (128 + SIGPIPE): stdout was closed early, as in `micrograd-lite examples | head -1`.
  The rest of the output is dropped quietly, with the code a shell reports for any program a
  pipe closed on (Python ignores SIGPIPE, so it sees BrokenPipeError instead, and the handling
  follows Python's documentation of SIGPIPE).

An option's value may start with '-' (`--expect "-sin(x)"`): as with getopt, the word after an
option that takes a value is that value. An expression that starts with '-' goes last, after
`--` (`micrograd-lite check --at x=1 -- "-x*2"`), or with a blank first (`" -x*2"`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from micrograd_lite.commands.arguments import BadArgument, first_line
from micrograd_lite.errors import MicrogradLiteError
from micrograd_lite.version import __version__

# The subcommand modules in micrograd_lite/commands/, in the order --help lists them.
COMMANDS: tuple[str, ...] = ("examples", "check", "render", "play")

BAD_INPUT = 2
BUG = 3
INTERRUPTED = 128 + 2  # SIGINT
PIPE_CLOSED = 128 + 13  # SIGPIPE (a constant: Windows has no signal.SIGPIPE)


def say(line: str) -> None:
    """Write one line to stderr, whatever it holds: characters that would break the line or
    drive the terminal (newlines, form feeds, escape sequences, undecodable bytes from the
    command line) are escaped as Python writes them, and a closed stderr is ignored, so that
    reporting an error can never itself end in a traceback."""
    shown = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in UNSAFE else ch for ch in line)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(shown, file=sys.stderr)


# control characters, line and paragraph separators, lone surrogates
UNSAFE = frozenset({"Cc", "Zl", "Zp", "Cs"})


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line: `micrograd-lite check: <what was wrong>`.

    `options` are the option strings of every subcommand; `value_options` those that take a
    value.
    """

    options: frozenset[str] = frozenset()
    value_options: frozenset[str] = frozenset()

    def error(self, message: str) -> NoReturn:
        if "required: expression" in message:
            message += "; one that starts with '-' needs a blank first (' -x*y') or goes after --"
        say(f"{self.prog}: {message} (see '{self.prog} --help')")
        sys.exit(BAD_INPUT)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"micrograd_lite.commands.{name}")


def build_parser() -> Parser:
    modules = [_load(name) for name in COMMANDS]
    epilog = "examples:\n" + "\n".join(f"  micrograd-lite {m.EXAMPLE}" for m in modules)
    parser = Parser(
        prog="micrograd-lite",
        description="A scalar autograd engine that makes backpropagation visible and checkable.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"micrograd-lite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    options: set[str] = set()
    value_options: set[str] = set()
    for module in modules:
        command = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            epilog=f"example:\n  micrograd-lite {module.EXAMPLE}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
        for action in command._actions:
            options.update(action.option_strings)
            if action.nargs != 0:
                value_options.update(action.option_strings)
    parser.options, parser.value_options = frozenset(options), frozenset(value_options)
    return parser


def attach_values(argv: Sequence[str], parser: Parser) -> list[str]:
    """getopt's rule for an option that takes a value: the next word is its value, even when it
    starts with '-' (argparse would take `--expect -y` for two options and refuse it), unless
    it is an option itself (`--expect --explain` is a missing value, as argparse says).

    >>> parser = build_parser()
    >>> attach_values(["check", "x*y", "--expect", "-y, -x", "--", "-x"], parser)
    ['check', 'x*y', '--expect=-y, -x', '--', '-x']
    >>> attach_values(["check", "x*y", "--expect", "--explain"], parser)
    ['check', 'x*y', '--expect', '--explain']
    """
    words = list(argv)
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":  # everything after it is positional: leave it alone
            return out + words[i:]
        value = words[i + 1] if i + 1 < len(words) else ""
        is_option = value.partition("=")[0] in parser.options
        if word in parser.value_options and value.startswith("-") and not is_option:
            out.append(f"{word}={value}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def _run(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(attach_values(argv, parser))
    except BadArgument as err:  # a number option out of range (argparse's own errors exit)
        say(f"{err.prog}: {err}")
        return BAD_INPUT
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return BAD_INPUT
    try:
        code: int = args.handler(args)
    except MicrogradLiteError as err:  # raised on purpose: bad input, said in one line
        say(f"micrograd-lite {args.command}: {first_line(err)}")
        return BAD_INPUT
    return code


def _drop_stdout() -> None:
    """Point stdout at the null device, so the output still buffered is dropped at exit
    instead of raising BrokenPipeError again (the recipe in Python's `signal` docs)."""
    # (OSError, ValueError: a stream without a file descriptor, as a captured one in tests)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on `argv` (default: sys.argv[1:]) and return its exit code (see above).

    `--help`, `--version` and argparse's usage errors (an unknown option, a missing value, a
    number option given a word) raise SystemExit (0, 0 and 2), as argparse does; everything else,
    a refused value included, returns a code, and no other exception escapes.
    """
    try:
        try:
            return _run(sys.argv[1:] if argv is None else argv)
        finally:  # a closed pipe shows at the latest here, inside this handler, not at exit
            if sys.stdout is not None:
                sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        return PIPE_CLOSED
    except KeyboardInterrupt:
        say("micrograd-lite: interrupted")
        return INTERRUPTED
    except Exception as err:  # the last resort: a bug, reported in one line
        where = traceback.extract_tb(err.__traceback__)[-1]
        say(
            "micrograd-lite: internal error, a bug in micrograd-lite (please report it): "
            f"{type(err).__name__}: {first_line(err)} "
            f"(at {Path(where.filename).name}:{where.lineno})"
        )
        return BUG


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
