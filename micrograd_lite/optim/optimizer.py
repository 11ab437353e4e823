"""What every optimizer shares: its parameters, `zero_grad()`, a step count and a state dict.

`state_dict()` returns plain JSON types, keyed as follows, so `json.dumps` / `json.loads`
give it back equal (floats round-trip exactly) and `load_state_dict` accepts the result:

    {
        "optimizer": "Adam",                  # the class name: it loads only into that class
        "hyperparameters": {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08,
                            "weight_decay": 0.0},      # the constructor's arguments, now
        "steps": 12,                          # step() calls so far (Adam's t)
        "state": {"exp_avg": [...], "exp_avg_sq": [...]},  # one float per parameter, in order
    }

The buffers in "state" are each class's (SGD: "momentum_buffer", present from the first step
with momentum; Adam and AdamW: "exp_avg", "exp_avg_sq"). Loading, as torch's, restores the
hyperparameters as well as the buffers. It checks everything first, so a state of the wrong
shape (another optimizer's, a missing or extra key, a buffer of the wrong length, a setting out
of range) raises an error naming the entry and changes nothing.

Our parameters always have a float `grad`, so unlike torch (which skips a parameter whose grad
is None) every parameter steps: one that took no part in the loss has grad 0.0 and still
moves if momentum, weight decay or Adam's running averages say so, exactly as micrograd's SGD
and torch's optimizers do with a zero grad.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, Protocol, TypedDict

from micrograd_lite.errors import OperandTypeError, SettingError, ShapeError, describe
from micrograd_lite.operands import as_float
from micrograd_lite.optim.settings import count
from micrograd_lite.value import Value

Setting = float | bool | tuple[float, float]  # an attribute: lr, momentum, nesterov, betas ...
Saved = float | bool | list[float]  # the same in a state dict (JSON has no tuples)


class OptimizerState(TypedDict):
    """The state dict of an optimizer (see the module docstring)."""

    optimizer: str
    hyperparameters: dict[str, Saved]
    steps: int
    state: dict[str, list[float]]


class HasParameters(Protocol):
    """A Module, or anything else whose `parameters()` lists Values."""

    def parameters(self) -> Iterable[Value]: ...


class Optimizer(ABC):
    """Base class: keeps `params` (a list of Values), `steps`, and the per-parameter `state`.

    A subclass lists its constructor's settings in `settings`, checks them in `_checked`,
    names its buffers in `buffers` (always present) and `later_buffers` (made by a step), and
    implements `step()`.
    """

    settings: ClassVar[tuple[str, ...]] = ()
    buffers: ClassVar[tuple[str, ...]] = ()
    later_buffers: ClassVar[tuple[str, ...]] = ()
    lr: float

    def __init__(self, params: Iterable[Value] | HasParameters, **settings: object) -> None:
        name = type(self).__name__
        self.params = parameter_list(params, name)
        self._apply(self._checked(settings, name, str))
        self.steps = 0
        self.state: dict[str, list[float]] = {b: [0.0] * len(self.params) for b in self.buffers}
        # the lr the first schedule found (torch's group["initial_lr"]): a second schedule on
        # this optimizer starts from it too, as torch's do
        self.initial_lr: float | None = None

    @abstractmethod
    def _checked(
        self, given: Mapping[str, object], where: str, label: Callable[[str], str]
    ) -> dict[str, Setting]:
        """The settings in `given`, checked; errors say `where` and name each by `label(name)`."""
        ...  # each kind says its own

    def _apply(self, checked: Mapping[str, Setting]) -> None:
        for key, value in checked.items():
            setattr(self, key, value)

    @abstractmethod
    def step(self) -> None: ...  # each kind says its own

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (torch sets them to None; ours are always floats)."""
        for p in self.params:
            p.grad = 0.0

    def hyperparameters(self) -> dict[str, Saved]:
        """The current settings, as a state dict stores them (`betas` as a list)."""
        out: dict[str, Saved] = {}
        for key in self.settings:
            value: Setting = getattr(self, key)
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    def state_dict(self) -> OptimizerState:
        """Everything `load_state_dict` needs to continue this run (see the module docstring)."""
        return {
            "optimizer": type(self).__name__,
            "hyperparameters": self.hyperparameters(),
            "steps": self.steps,
            "state": {key: list(values) for key, values in self.state.items()},
        }

    def load_state_dict(self, state_dict: Mapping[str, object]) -> None:
        """Continue from `state_dict`: its settings, step count and buffers replace ours.

        Refuses (ShapeError, SettingError or OperandTypeError, naming the entry) a state of the
        wrong shape, and then changes nothing.
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        keys = ("optimizer", "hyperparameters", "steps", "state")
        top = _entries(state_dict, where, "state_dict", keys)
        if top["optimizer"] != name:
            raise ShapeError(
                f"{where}: state_dict['optimizer'] is {top['optimizer']!r}, not {name!r}: "
                f"it holds another optimizer's state; load it into a {top['optimizer']}"
            )
        given = _entries(
            top["hyperparameters"], where, "state_dict['hyperparameters']", self.settings
        )
        checked = self._checked(given, where, _Label("state_dict['hyperparameters']"))
        steps = count(top["steps"], where, "state_dict['steps']", 0)
        buffers = _entries(
            top["state"], where, "state_dict['state']", self.buffers, self.later_buffers
        )
        state = {key: self._buffer(value, where, key) for key, value in buffers.items()}
        self._apply(checked)  # everything is checked: only now change anything
        self.steps = steps
        self.state = state

    def _buffer(self, value: object, where: str, key: str) -> list[float]:
        label = f"state_dict['state'][{key!r}]"
        if not isinstance(value, list | tuple):
            raise OperandTypeError(f"{where}: {label} must be a list, got {describe(value)}")
        if len(value) != len(self.params):
            raise ShapeError(
                f"{where}: {label} has {len(value)} entries, but this optimizer has "
                f"{len(self.params)} parameters (one entry per parameter, in order)"
            )
        return [as_float(x, f"{where}: {label}[{i}]") for i, x in enumerate(value)]

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={getattr(self, key)!r}" for key in self.settings)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class _Label:
    """Names a setting inside a state dict: lr -> state_dict['hyperparameters']['lr']."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, key: str) -> str:
        return f"{self.prefix}[{key!r}]"


def parameter_list(params: object, where: str) -> list[Value]:
    """`params` (an iterable of Values, or a Module) as a list, each Value once."""
    if isinstance(params, Value):
        raise OperandTypeError(
            f"{where}: params must be a list of Values or a Module, got one Value "
            f"{describe(params)}: pass [v]"
        )
    parameters = getattr(params, "parameters", None)
    if callable(parameters):
        params = parameters()
    if not isinstance(params, Iterable) or isinstance(params, str | bytes | Mapping):
        raise OperandTypeError(
            f"{where}: params must be a list of Values or a Module, got {describe(params)}"
        )
    found = list(params)
    first_at: dict[int, int] = {}
    for i, p in enumerate(found):
        if not isinstance(p, Value):
            hint = ": parameter groups are not supported" if isinstance(p, Mapping) else ""
            raise OperandTypeError(f"{where}: params[{i}] must be a Value, got {describe(p)}{hint}")
        if id(p) in first_at:  # a step would move it twice
            raise SettingError(
                f"{where}: params[{i}] is params[{first_at[id(p)]}] again ({p!r}): "
                "list each parameter once"
            )
        first_at[id(p)] = i
    if not found:
        raise SettingError(f"{where}: params is empty: there is nothing to optimize")
    return found


def _entries(
    value: object,
    where: str,
    label: str,
    required: Iterable[str],
    optional: Iterable[str] = (),
) -> dict[str, object]:
    """`value` as a dict if it is a mapping with every `required` key and no unknown one."""
    if not isinstance(value, Mapping):
        raise OperandTypeError(f"{where}: {label} must be a dict, got {describe(value)}")
    known = [*required, *optional]
    missing = [key for key in required if key not in value]
    extra = [key for key in value if key not in known]
    if missing or extra:
        parts = [f"missing {missing}"] * bool(missing) + [f"unexpected {extra}"] * bool(extra)
        raise ShapeError(f"{where}: {label} has {', '.join(parts)}; expected the keys {known}")
    return dict(value)
