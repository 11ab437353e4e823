"""Bad input is refused with an error naming the op, the offending value and its type; each
error is also the builtin a Python user expects."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import (
    MLP,
    DomainError,
    Layer,
    MicrogradLiteError,
    Neuron,
    OperandTypeError,
    OpOverflowError,
    ShapeError,
    Value,
    ZeroDivisionDomainError,
)


def wrong(x: object) -> Any:
    """A deliberately ill-typed argument (these tests check the runtime refusals)."""
    return x


CASES: list[tuple[str, Callable[[], Any], type[Exception], tuple[str, ...]]] = [
    ("str data", lambda: Value(wrong("abc")), TypeError, ("Value", "'abc'", "type str")),
    ("None data", lambda: Value(wrong(None)), TypeError, ("Value", "type NoneType")),
    ("list data", lambda: Value(wrong([1.0])), TypeError, ("Value", "type list")),
    ("bool data", lambda: Value(True), TypeError, ("Value", "type bool")),
    ("add a str", lambda: Value(1) + wrong("x"), TypeError, ("+", "'x'", "type str")),
    ("str on the left", lambda: wrong("x") * Value(1), TypeError, ("*", "type str")),
    ("mul by None", lambda: Value(2.0) * wrong(None), TypeError, ("*", "type NoneType")),
    ("pow by a str", lambda: Value(2.0) ** wrong("2"), TypeError, ("**", "type str")),
    ("log of 0", lambda: Value(0.0).log(), ValueError, ("log", "a > 0", "0.0")),
    ("log of -2", lambda: Value(-2.0).log(), ValueError, ("log", "-2.0")),
    ("neg ** 0.5", lambda: Value(-8.0) ** 0.5, ValueError, ("**0.5", "negative", "-8.0")),
    ("neg ** Value", lambda: Value(-8.0) ** Value(0.5), ValueError, ("**", "-8.0", "0.5")),
    ("divide by 0", lambda: Value(1.0) / 0, ZeroDivisionError, ("/", "division by zero")),
    ("divide by Value 0", lambda: 1.0 / Value(0.0), ZeroDivisionError, ("/", "0")),
    ("0 ** -1", lambda: Value(0.0) ** -1, ZeroDivisionError, ("**-1", "1/0")),
    ("0 ** Value(-1)", lambda: Value(0.0) ** Value(-1.0), ZeroDivisionError, ("**", "1/0")),
    ("exp overflow", lambda: Value(1000.0).exp(), OverflowError, ("exp", "overflow", "1000.0")),
    ("pow overflow", lambda: Value(1e200) ** 2, OverflowError, ("**2", "overflow")),
    ("huge int", lambda: Value(10**400), OverflowError, ("Value", "too large")),
    ("neuron inputs", lambda: Neuron(3)([1.0]), ValueError, ("Neuron(3)", "expected 3", "got 1")),
    ("layer inputs", lambda: Layer(2, 3)([1.0] * 5), ValueError, ("expected 2", "got 5")),
    ("mlp inputs", lambda: MLP(3, [4, 1])([1.0, 2.0]), ValueError, ("expected 3", "got 2")),
    ("Neuron(0)", lambda: Neuron(0), ValueError, ("nin", "at least 1", "got 0")),
    ("MLP(2, [])", lambda: MLP(2, []), ValueError, ("non-empty", "[]")),
    ("str nin", lambda: Neuron(wrong("2")), TypeError, ("nin", "type str")),
    ("str inputs", lambda: Neuron(2)(wrong("ab")), TypeError, ("expected a list", "type str")),
]


@pytest.mark.parametrize(("case", "make", "builtin", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_the_expected_builtin_naming_what_was_wrong(
    case: str, make: Callable[[], Any], builtin: type[Exception], words: tuple[str, ...]
) -> None:
    with pytest.raises(builtin) as info:
        make()
    assert isinstance(info.value, MicrogradLiteError), f"{case}: a bare {type(info.value)}"
    message = str(info.value)
    for word in words:
        assert word in message, f"{case}: {word!r} not in {message!r}"


def test_error_classes_are_subclasses_of_the_builtins() -> None:
    assert issubclass(OperandTypeError, TypeError)
    assert issubclass(DomainError, ValueError)
    assert issubclass(ZeroDivisionDomainError, ZeroDivisionError)
    assert issubclass(OpOverflowError, OverflowError)
    assert issubclass(ShapeError, ValueError)


def test_ieee_specials_propagate_outside_anomaly_mode() -> None:
    inf, nan = Value(math.inf), Value(math.nan)
    assert (inf * 2).data == math.inf
    assert math.isnan((nan + 1).data)
    assert math.isnan((inf - inf).data)
    assert (Value(0.0) ** 0.5).local_grads == (math.inf,)  # sqrt's slope at 0: no crash
    y = nan * Value(2.0)
    y.backward()


DOCUMENTED = (TypeError, ValueError, ZeroDivisionError, OverflowError)
anything = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**400), 10**400),
    st.text(max_size=3),
    st.none(),
    st.booleans(),
    st.lists(st.floats(), max_size=2),
    st.complex_numbers(max_magnitude=10),
)
UNARY = ["relu", "tanh", "sigmoid", "exp", "log", "abs", "__neg__"]
BINARY = ["__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__radd__", "__rsub__",
          "__rmul__", "__rtruediv__", "__rpow__"]  # fmt: skip


@given(x=anything, y=anything, op=st.sampled_from(UNARY + BINARY))
def test_fuzzed_inputs_either_compute_or_raise_a_documented_error(
    x: object, y: object, op: str
) -> None:
    try:
        a = Value(x)  # type: ignore[arg-type]
        out = getattr(a, op)() if op in UNARY else getattr(a, op)(y)
    except DOCUMENTED as err:
        assert isinstance(err, MicrogradLiteError), f"bare {type(err).__name__}: {err}"
        return
    assert isinstance(out, Value) and type(out.data) is float
    out.backward()
    assert type(a.grad) is float
