"""How the command line refuses an argument: one line that names it and says what it accepts.

A subcommand raises `BadArgument`; `cli.main` prints its message after the command's name and
exits 2. Library errors about a piece of text (an `ExpressionError` with a caret under the
offending part, three lines) become one line that quotes the argument and gives the column:

    >>> from micrograd_lite.commands.points import parse_point
    >>> try:
    ...     parsed("--at", "x=0.3, y=oops", parse_point)
    ... except BadArgument as err:
    ...     print(err)
    --at 'x=0.3, y=oops', column 8: the value of y must be a finite number, got 'oops'

A number option (`--eps`, `--lr`, ...) is checked as argparse reads it, by the `Number` action:
what is not a number is argparse's usage error (SystemExit 2, as `type=float` gives), a number
out of range a BadArgument (the same line; `cli.main` returns 2):

    >>> number = Number(["--eps"], "eps", above=0.0)
    >>> number.refusal("0")
    '--eps must be a finite number > 0, got 0'
    >>> number.refusal("abc"), number.refusal("1e-3")
    ("--eps must be a finite number > 0, got 'abc'", None)
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from micrograd_lite.errors import ExpressionError, MicrogradLiteError

T = TypeVar("T")

SHOWN = 60  # characters of an argument quoted in a message; a longer one is cut around the error


class BadArgument(MicrogradLiteError, ValueError):
    """A command-line argument the CLI refuses; the message is one line naming the argument.

    `prog` is the command it was given to ('micrograd-lite check'), when the refusal is raised
    while argparse reads the options (the Namespace naming the command does not exist yet).
    """

    def __init__(self, message: str, *, prog: str = "") -> None:
        super().__init__(message)
        self.prog = prog


def excerpt(text: str, at: int = 0) -> str:
    """`text` as a message quotes it: repr (so blanks, newlines and odd characters show), cut
    to about SHOWN characters around position `at` when it is longer (a 10,000-character
    expression is not worth repeating whole)."""
    if len(text) <= SHOWN:
        return repr(text)
    start = min(max(at - SHOWN // 2, 0), len(text) - SHOWN)
    cut = repr(text[start : start + SHOWN])
    return f"{cut[0]}{'...' * (start > 0)}{cut[1:-1]}{'...' * (start + SHOWN < len(text))}{cut[-1]}"


def parsed(argument: str, text: str, parse: Callable[[str], T]) -> T:
    """`parse(text)`, with any ExpressionError turned into a one-line BadArgument about `argument`.

    Text that is not valid Unicode (bytes the terminal could not decode arrive as lone
    surrogates) is refused here, before a parser meets it.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise BadArgument(
            f"{argument} {excerpt(text, err.start)}, column {err.start + 1}: not valid UTF-8 text "
            "(a byte the terminal could not decode); retype it"
        ) from None
    try:
        return parse(text)
    except ExpressionError as err:
        if err.span is None:
            raise BadArgument(f"{argument} {excerpt(text)}: {err.reason}") from None
        start = err.span[0]
        raise BadArgument(
            f"{argument} {excerpt(text, start)}, column {start + 1}: {err.reason}"
        ) from None


def first_line(err: BaseException) -> str:
    """An error's message as one line: the first, which every micrograd_lite message makes whole
    (the lines after it only quote the text with a caret)."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


class Number(argparse.Action):
    """Store an option's float; refuse (argparse's usage error, exit 2) one that is not finite,
    not above `above` or below `at_least`, naming the option and what it accepts (and `why`,
    when a bound needs a reason)."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str,
        *,
        above: float | None = None,
        at_least: float | None = None,
        why: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.above = above
        self.at_least = at_least
        self.why = why

    def refusal(self, text: str) -> str | None:
        """Why `text` is refused, or None when it is accepted."""
        try:
            value = float(text)
        except ValueError:
            value = math.nan
            text = repr(text)  # quoted, so an empty or blank value shows
        name = self.option_strings[-1]
        if not math.isfinite(value) or (self.above is not None and not value > self.above):
            bound = f" > {self.above:g}" if self.above is not None else self._at_least()
            return f"{name} must be a finite number{bound}, got {text}"
        if self.at_least is not None and not value >= self.at_least:
            why = f" ({self.why})" if self.why else ""
            return f"{name} must be a finite number{self._at_least()}{why}, got {text}"
        return None

    def _at_least(self) -> str:
        return "" if self.at_least is None else f" >= {self.at_least:g}"

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        text = str(values)
        refusal = self.refusal(text)
        if refusal is None:
            setattr(namespace, self.dest, float(text))
        elif _is_number(text):
            raise BadArgument(refusal, prog=parser.prog)
        else:
            parser.error(refusal)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
