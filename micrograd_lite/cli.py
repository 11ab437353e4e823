"""`micrograd-lite`: the command line. It only parses arguments and calls the library.

Exit codes: 0 success, 1 a check or a figure did not match, 2 bad input (message on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from micrograd_lite.errors import MicrogradLiteError
from micrograd_lite.version import __version__

# The subcommand modules in micrograd_lite/commands/, in the order --help lists them.
COMMANDS: tuple[str, ...] = ("examples", "check", "render")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"micrograd_lite.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    modules = [_load(name) for name in COMMANDS]
    epilog = "examples:\n" + "\n".join(f"  micrograd-lite {m.EXAMPLE}" for m in modules)
    parser = argparse.ArgumentParser(
        prog="micrograd-lite",
        description="A scalar autograd engine that makes backpropagation visible and checkable.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"micrograd-lite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on `argv` (default: sys.argv[1:]) and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code: int = args.handler(args)
    except MicrogradLiteError as err:
        print(f"micrograd-lite {args.command}: {err}", file=sys.stderr)
        return 2
    return code


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
