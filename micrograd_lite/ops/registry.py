"""The live table: which ops exist, and every list the library derives from them.

`register(op)` is the only way an op enters the table; the table entries (`table.py`) use it
and so may a user or a test (`unregister` takes one out again). Every other part of the library
asks here when it needs to know: the expression functions (`functions()`), the activations of
`nn` and render (`activations()`), the ops gradcheck knows by name (`by_function`), and the
names each dialect's rules are run with (`namespace(dialect)`). Nothing keeps a copy made at
import, so an op registered later reaches every surface at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from micrograd_lite.ops import ieee, rules

if TYPE_CHECKING:
    from micrograd_lite.ops.op import Op

OPS: dict[str, Op] = {}  # by node name: "+", "ReLU", "tanh", "**" (families by their pattern)
_by_function: dict[str, Op] = {}  # by expression name: "relu", "tanh", "leaky_relu", ...

# How a function of the table runs on Values: set by value.py (which sits above this layer),
# so the `value` dialect makes real nodes. Arguments: the op, then its inputs and parameters.
value_apply: Callable[..., Any] | None = None


def register(*ops: Op) -> None:
    """Add ops to the table; their rules are validated once all are in (rules may call each
    other's functions: sin's derivative is cos, cos's is -sin). All or none are added."""
    added: list[Op] = []
    try:
        for op in ops:
            if op.name in OPS:
                raise ValueError(f"op {op.name!r} is already in the table; unregister it first")
            if op.function is not None and op.function in _by_function:
                owner = _by_function[op.function].name
                raise ValueError(f"function {op.function!r} already belongs to op {owner!r}")
            OPS[op.name] = op
            if op.function is not None:
                _by_function[op.function] = op
            added.append(op)
        for op in ops:
            op.validate()
    except Exception:
        for op in added:
            unregister(op)
        raise
    _refresh()


def unregister(op: Op) -> None:
    """Take `op` out of the table (a user's throw-away op, or a test's)."""
    OPS.pop(op.name, None)
    if op.function is not None and _by_function.get(op.function) is op:
        del _by_function[op.function]
    _refresh()


def by_function(name: str) -> Op | None:
    """The op named `name` in expressions (`"tanh"`, `"leaky_relu"`), or None."""
    return _by_function.get(name)


def function_names() -> set[str]:
    """Every function of the table: what rules and expressions may call."""
    return set(_by_function)


def functions() -> dict[str, Op]:
    """Expression name -> op, in table order."""
    return dict(_by_function)


def activations() -> dict[str, Op]:
    """The ops `nn` accepts as an activation by name (`Neuron(3, activation="tanh")`)."""
    return {name: op for name, op in _by_function.items() if op.activation}


# -- the names rules see, per dialect ------------------------------------------------------------

_namespaces: dict[str, dict[str, Any]] = {}


def namespace(dialect: str) -> dict[str, Any]:
    """The globals a rule runs with in `dialect`: constants, math functions (floats or numpy),
    and each table function (its own forward rule in that dialect; a node maker for Values).
    The same dict is kept up to date as ops come and go."""
    space = _namespaces.get(dialect)
    if space is None:
        space = _namespaces[dialect] = {}
        _fill(dialect, space)
    return space


def _refresh() -> None:
    for dialect, space in _namespaces.items():
        space.clear()
        _fill(dialect, space)


def _fill(dialect: str, space: dict[str, Any]) -> None:
    space.update(rules.CONSTANTS)
    if dialect == "numpy":
        import numpy as np  # optional: only `compile(...).batch` runs rules on arrays

        space.update({name: getattr(np, name) for name in rules.MATH_FUNCTIONS})
        space.update(
            where=np.where,
            logical_and=np.logical_and,
            logical_or=np.logical_or,
            logical_not=np.logical_not,
        )
    elif dialect == "ieee":  # both kinds: compiled code runs scalar forwards, IEEE locals
        space.update(rules.MATH_FUNCTIONS)
        space.update(ieee.FUNCTIONS)
    elif dialect == "scalar":
        space.update(rules.MATH_FUNCTIONS)
    if dialect == "value":
        space["data"] = _data
    for name, op in _by_function.items():
        if dialect == "value":
            space[name] = _value_maker(op)
        elif name not in rules.MATH_FUNCTIONS:  # tanh, exp, ...: the math function is the op
            space[name] = _forward_with_params(op, dialect)


def _forward_with_params(op: Op, dialect: str) -> Callable[..., Any]:
    """`f(inputs..., params...)`: a table function called from a rule or an expression.
    (Compiling a rule resolves no names: entries may call each other in any order.)"""
    if not op.params:
        return op.forward_in(dialect)

    def forward(*args: Any) -> Any:
        inputs, values = args[: op.arity], args[op.arity :]
        return op.bind(*values).forward_in(dialect)(*inputs)

    return forward


def _data(x: Any) -> Any:
    """A Value's float (what the `value` dialect compares), or a number as it is."""
    return getattr(x, "data", x)


def _value_maker(op: Op) -> Callable[..., Any]:
    def make(*args: Any) -> Any:
        if value_apply is None:
            raise RuntimeError("rules run on Values need micrograd_lite.value imported")
        return value_apply(op, *args)

    return make
