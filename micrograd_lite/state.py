"""Named parameters and their state: what `Module.state_dict()` holds and `save` writes.

A parameter's name is the path of attributes that reaches it, in PyTorch's style: an MLP's
`layers.0.neurons.3.w.1` is `mlp.layers[0].neurons[3].w[1]`. The path is found by walking the
module's attributes in the order they were set (`vars(module)`): a Value is named by its
attribute, a list, tuple or dict (str keys) by index or key, a sub-Module by its own walk.
Attributes whose names start with `_` are private (caches, plans) and not walked.

    >>> from micrograd_lite import Neuron
    >>> n = Neuron(2, weights=[0.5, -1.0], bias=0.25)
    >>> [(name, p.data) for name, p in n.named_parameters()]
    [('w.0', 0.5), ('w.1', -1.0), ('b', 0.25)]
    >>> n.b.label   # names become labels, so pictures and chain-rule traces show them
    'b'

A name becomes the Value's label when the module is built (and at each `named_parameters()`)
unless the user gave it one; a module nested in another lengthens the labels it gave
(`w.0` -> `neurons.3.w.0`), never a user's.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

from micrograd_lite.errors import MicrogradLiteError, OperandTypeError, describe
from micrograd_lite.operands import is_number
from micrograd_lite.value import Value

__all__ = ["IncompatibleKeys", "ParameterName", "StateError", "Stateful", "names"]


class StateError(MicrogradLiteError, ValueError):
    """A state does not fit: missing, unexpected, non-number or non-finite entries (all named
    at once), or a file that does not hold a saved state."""


class ParameterName(str):
    """A label given from a parameter's name. A user's label is a plain `str`: never replaced."""

    __slots__ = ()


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(state, strict=False)` skipped (PyTorch's `_IncompatibleKeys`)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def names(module: Stateful) -> dict[Value, str]:
    """{Value: name} for every Value reachable from `module`'s public attributes, each once
    (the first path wins, as in PyTorch), in the order the attributes were set."""
    found: dict[Value, str] = {}
    _walk(module, "", found, set())
    return found


def _walk(obj: object, prefix: str, found: dict[Value, str], seen: set[int]) -> None:
    # recursive: the depth is the nesting of modules and lists (a handful), not the graph's
    if id(obj) in seen:  # a module or list reached twice (shared, or a cycle): named once
        return
    seen.add(id(obj))
    if isinstance(obj, Stateful):
        items = [(k, v) for k, v in vars(obj).items() if not k.startswith("_")]
    elif isinstance(obj, dict):
        items = [(k, v) for k, v in obj.items() if isinstance(k, str)]
    elif isinstance(obj, list | tuple):
        items = [(str(i), v) for i, v in enumerate(obj)]
    else:
        return
    for key, item in items:
        if isinstance(item, Value):
            if item not in found:
                found[item] = prefix + key
        elif isinstance(item, Stateful | list | tuple | dict):
            _walk(item, f"{prefix}{key}.", found, seen)


def _label(module: Stateful) -> dict[Value, str]:
    """Name every Value `names` finds, and make each name its label unless the user gave one;
    a label given from a shorter name (a sub-module's) is lengthened to this one."""
    found = names(module)
    for v, name in found.items():
        label = v.label
        if not label or (
            type(label) is ParameterName and name != label and name.endswith("." + label)
        ):
            v.label = ParameterName(name)
    return found


_building = threading.local()  # how many Module __init__s are running in this thread


class Stateful:
    """What every Module inherits: parameters found and named by `names`, and their state.

    A subclass's `__init__` is wrapped so that, once the outermost one returns (a Layer's,
    not its Neurons'), the module's Values carry their names as labels (module docstring).
    """

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        init: Callable[..., None] | None = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def init_then_label(self: Stateful, *args: object, **kw: object) -> None:
            depth = getattr(_building, "depth", 0)
            _building.depth = depth + 1
            try:
                init(self, *args, **kw)
            finally:
                _building.depth = depth
            if depth == 0:  # the outermost: the modules built inside it are named as its parts
                _label(self)

        setattr(cls, "__init__", init_then_label)  # noqa: B010  (mypy refuses __init__ =)

    def parameters(self) -> list[Value]:
        """Every Value `names` finds, in attribute order. Neuron, Layer and MLP keep
        micrograd's order, which is the same (tested)."""
        return list(names(self))

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """(name, Value) for each of `parameters()`, in its order, each Value once.

        Names come from the attributes (`names`); a parameter no attribute holds has no name,
        and is refused. Values held but not listed by an overridden `parameters()` are left out.

            >>> from micrograd_lite import MLP
            >>> [name for name, _ in MLP(2, [1]).named_parameters()]
            ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
        """
        found = _label(self)
        if type(self).parameters is Stateful.parameters:
            return ((name, v) for v, name in found.items())  # the walk's order is the order
        return self._in_parameters_order(found)

    def _in_parameters_order(self, found: dict[Value, str]) -> Iterator[tuple[str, Value]]:
        done: set[Value] = set()
        for i, p in enumerate(self.parameters()):
            if p in done:
                continue
            done.add(p)
            name = found.get(p)
            if name is None:
                raise StateError(
                    f"{type(self).__name__}.named_parameters: parameters()[{i}] ({p!r}) is held "
                    "by no public attribute, so it has no name; keep it in one (a Value, a "
                    "list of Values, or a Module)"
                )
            yield name, p

    def state_dict(self) -> dict[str, float]:
        """{name: data} for each of `named_parameters()`, in its order: PyTorch's `state_dict`,
        with a float for each tensor. `save(module, path)` writes it as JSON.

            >>> from micrograd_lite import Neuron
            >>> Neuron(2, weights=[0.5, -1.0], bias=0.25).state_dict()
            {'w.0': 0.5, 'w.1': -1.0, 'b': 0.25}
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(
        self, state_dict: Mapping[str, object], strict: bool = True
    ) -> IncompatibleKeys:
        """Set each parameter's data to `state_dict[name]`; nothing changes unless all of it loads.

        One StateError names every problem at once: names the state lacks (missing) or this
        module lacks (unexpected), entries that are not real numbers, and NaN or inf (JSON
        cannot hold them, so no saved state has them). `strict=False` skips missing and
        unexpected names and returns them, as PyTorch does. Gradients are left alone.
        """
        who = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise OperandTypeError(
                f"{who}: expected a dict of name -> number (a state_dict()), "
                f"got {describe(state_dict)}"
            )
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in state_dict]
        unexpected = [key for key in state_dict if key not in params]
        loaded: list[tuple[Value, float]] = []
        wrong: list[str] = []
        infinite: list[str] = []
        for name, p in params.items():
            if name not in state_dict:
                continue
            x = state_dict[name]
            data = _finite(x)
            if data is None:
                (infinite if is_number(x) else wrong).append(f"{name!r} = {describe(x)}")
            else:
                loaded.append((p, data))
        problems = [
            (what, items)
            for what, items in (
                ("missing", [repr(n) for n in missing] if strict else []),
                ("unexpected", [repr(k) for k in unexpected] if strict else []),
                ("not a real number", wrong),
                ("not finite (JSON has no NaN or inf: a state holds finite numbers)", infinite),
            )
            if items
        ]
        if problems:
            lines = [f"  {what} ({len(items)}): {', '.join(items)}" for what, items in problems]
            raise StateError(
                f"{who}: the state does not fit this {type(self).__name__}; nothing was "
                "loaded:\n" + "\n".join(lines)
            )
        for p, data in loaded:
            p.data = data
        return IncompatibleKeys(missing, [str(k) for k in unexpected])


def _finite(x: object) -> float | None:
    """`x` as a finite float, or None if it is not a real number or not finite."""
    if not is_number(x):
        return None
    try:
        data = float(x)  # type: ignore[arg-type]  # a real number: checked above
    except OverflowError:  # an int beyond float's range
        return None
    return data if math.isfinite(data) else None
