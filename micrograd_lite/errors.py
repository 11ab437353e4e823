"""The errors micrograd_lite raises: each one is also the builtin a Python user expects.

Catch `MicrogradLiteError` to catch all of them, or the builtin (`TypeError`, `ValueError`, ...)
to treat them like any other Python error. Every message names the op, the offending value
and its type, and says what to do instead.
"""

from __future__ import annotations


class MicrogradLiteError(Exception):
    """Base class of every error raised on purpose by micrograd_lite."""


class OperandTypeError(MicrogradLiteError, TypeError):
    """An op or a constructor got something that is not a real number or a Value."""


class DomainError(MicrogradLiteError, ValueError):
    """An op was applied outside its domain, e.g. log(-2) or (-8) ** 0.5."""


class ZeroDivisionDomainError(MicrogradLiteError, ZeroDivisionError):
    """Division by zero, or zero raised to a negative power."""


class OpOverflowError(MicrogradLiteError, OverflowError):
    """An op's result does not fit in a float, e.g. exp(1000)."""


class ShapeError(MicrogradLiteError, ValueError):
    """A Neuron, Layer or MLP got the wrong number of inputs or weights."""


class SettingError(MicrogradLiteError, ValueError):
    """A setting is out of its range: a finite-difference step, a tolerance, a learning rate."""


class AnomalyError(MicrogradLiteError, FloatingPointError):
    """Inside detect_anomaly(): a value, local derivative or gradient is not finite."""


class GraphError(MicrogradLiteError, RuntimeError):
    """The graph cannot be differentiated as built (e.g. a node with no local derivatives)."""


class TraceError(MicrogradLiteError, RuntimeError):
    """A traced function did something a recorded tape cannot replay (e.g. branched on data)."""


class ExpressionError(MicrogradLiteError, ValueError):
    """An expression string uses syntax outside the whitelist, or names an unknown variable.

    `reason` is the message without the pointer; `start`, `end` the offending characters
    (0-based, end exclusive), or None when the error is about the expression as a whole.
    """

    def __init__(self, message: str, reason: str = "", span: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message
        self.span = span


def describe(value: object) -> str:
    """`repr` of a value plus its type, for error messages: `'abc' (type str)`."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {_type_name(value)})"


def _type_name(value: object) -> str:
    """The type's name, but "Value" for any of micrograd_lite's kinds of Value (a leaf, a
    fused neuron, ...): those classes are how a Value is stored, not what a user made."""
    for cls in type(value).__mro__:
        if cls.__name__ == "Value" and cls.__module__ == "micrograd_lite.value":
            return "Value"
    return type(value).__name__
