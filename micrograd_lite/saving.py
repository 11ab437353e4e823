"""save and load: a state dict (a module's, an optimizer's) as a human-readable JSON file.

`save(obj, path)` writes `obj.state_dict()` (or `obj` itself when it is a dict, as in
`save(model.state_dict(), path)`): indented, one entry a line, in the state's own order (a
module's: its parameters' order). Each float is written as its `repr`, the shortest text that
reads back as the same float, so `load(path)` returns the state bit for bit, ready for
`load_state_dict`:

    >>> import os, tempfile
    >>> from micrograd_lite import MLP
    >>> model, fresh = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(model, os.path.join(folder, "model.json"))
    ...     _ = fresh.load_state_dict(load(os.path.join(folder, "model.json")))
    >>> fresh.state_dict() == model.state_dict()
    True

JSON holds str keys, finite numbers, strings, true/false/null, lists and objects. `save`
refuses anything else by its place in the state (an int key would load back as a string, NaN
not at all); a tuple is written as a list and loads back as one.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.state import StateError
from micrograd_lite.value import Value

__all__ = ["HasStateDict", "load", "save"]

StrPath = str | os.PathLike[str]


class HasStateDict(Protocol):
    """A Module, an optimizer, anything whose `state_dict()` is a dict."""

    def state_dict(self) -> Mapping[str, object]: ...


def save(obj: HasStateDict | Mapping[str, object], path: StrPath) -> None:
    """Write `obj.state_dict()` (or the dict `obj`) to `path` as JSON; see the module docstring.

    Refuses, naming every such entry, what JSON cannot give back as it was: NaN and inf,
    non-str keys, and objects that are not numbers, strings, bools, None, lists or dicts.
    """
    if isinstance(obj, Mapping):
        state: object = obj
    elif callable(getattr(obj, "state_dict", None)):
        state = obj.state_dict()
    else:
        raise OperandTypeError(
            f"save: expected a Module, an optimizer or a state dict, got {describe(obj)}"
        )
    if not isinstance(state, Mapping):
        raise OperandTypeError(
            f"save: {type(obj).__name__}.state_dict() must return a dict, got {describe(state)}"
        )
    problems: list[str] = []
    plain = _plain(state, "state", problems)
    if problems:
        raise StateError(
            f"save: cannot write {os.fspath(path)!r}: JSON cannot hold\n  " + "\n  ".join(problems)
        )
    Path(path).write_text(json.dumps(plain, indent=2, allow_nan=False) + "\n", encoding="utf-8")


def load(path: StrPath) -> dict[str, object]:
    """The state dict `save` wrote to `path`, ready for `load_state_dict`.

    A missing file is Python's FileNotFoundError; a file that is not JSON, holds no JSON
    object, repeats a key or holds NaN or inf is a StateError naming the file.
    """
    where = repr(os.fspath(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StateError(f"load: {where} is not a saved state: it is not UTF-8 text") from None
    try:
        state = json.loads(text, object_pairs_hook=_no_repeats)
    except json.JSONDecodeError as e:
        raise StateError(
            f"load: {where} is not a saved state: not JSON ({e.msg} at line {e.lineno}, "
            f"column {e.colno})"
        ) from None
    except _Repeated as e:
        raise StateError(f"load: {where} repeats the key {e.args[0]!r}") from None
    if not isinstance(state, dict):
        raise StateError(
            f"load: {where} holds a JSON {_kind(state)}, not a saved state (an object of "
            "name -> number, as save writes)"
        )
    problems: list[str] = []
    _plain(state, "state", problems)  # NaN, Infinity: Python's json reads them, JSON has none
    if problems:
        raise StateError(
            f"load: {where} holds what no saved state has:\n  " + "\n  ".join(problems)
        )
    return state


def _plain(x: object, path: str, problems: list[str]) -> object:
    """`x` as JSON's types (a tuple as a list); each part JSON cannot hold goes to `problems`,
    named by its `path` (`state['layers.0.b']`)."""
    if x is None or isinstance(x, bool | str | int):
        return x
    if isinstance(x, numbers.Integral):  # numpy's int64 too
        return int(x)
    if isinstance(x, numbers.Real):
        data = float(x)  # a float, or numpy's: written as the float it is
        if not math.isfinite(data):
            problems.append(f"{path} = {data!r}: JSON has no NaN or inf")
        return data
    if isinstance(x, Mapping):
        out: dict[str, object] = {}
        for key, item in x.items():
            if isinstance(key, str):
                out[key] = _plain(item, f"{path}[{key!r}]", problems)
            else:
                problems.append(
                    f"{path}: the key {describe(key)}: JSON keys are strings (it would load "
                    "back as one)"
                )
        return out
    if isinstance(x, list | tuple):
        return [_plain(item, f"{path}[{i}]", problems) for i, item in enumerate(x)]
    hint = " (save its .data, or the Module that holds it)" if isinstance(x, Value) else ""
    problems.append(f"{path} = {describe(x)}: not a number, string, bool, list or dict{hint}")
    return None


class _Repeated(Exception):
    """A key twice in one JSON object (Python's json would keep the last silently)."""


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _Repeated(key)
        out[key] = value
    return out


def _kind(x: object) -> str:
    """The JSON name of a parsed value's type."""
    if isinstance(x, list):
        return "array"
    if isinstance(x, str):
        return "string"
    if x is None or isinstance(x, bool):
        return "true/false/null"
    return "number"
