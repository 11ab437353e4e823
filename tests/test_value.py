"""Value: construction, recorded inputs and local derivatives, operators on either side."""

from __future__ import annotations

import decimal
import fractions
import gc
import math
import sys

import numpy as np
import pytest

from micrograd_lite import OperandTypeError, TraceError, Value
from micrograd_lite.tracing import tracing


@pytest.mark.parametrize(
    "x", [3, 3.0, fractions.Fraction(3, 1), decimal.Decimal("3"), np.float64(3), np.int32(3)]
)
def test_accepts_any_real_number_as_float(x: object) -> None:
    v = Value(x)  # type: ignore[arg-type]
    assert v.data == 3.0 and type(v.data) is float
    assert v.grad == 0.0 and v.label == "" and v.op == "" and v.inputs == ()


@pytest.mark.parametrize(
    ("bad", "name"),
    [("abc", "str"), (None, "NoneType"), ([1.0], "list"), (True, "bool"), (1j, "complex")],
)
def test_refuses_non_real_data_naming_its_type(bad: object, name: str) -> None:
    with pytest.raises(TypeError, match=f"type {name}"):
        Value(bad)  # type: ignore[arg-type]


def test_refuses_a_value_as_data_and_says_what_to_do() -> None:
    with pytest.raises(OperandTypeError, match=r"type Value.*\.data"):
        Value(Value(1.0))  # type: ignore[arg-type]


def test_mul_records_inputs_and_local_derivatives_in_operand_order() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c.inputs == (a, b)
    assert c.local_grads == (b.data, a.data)
    assert c._prev == {a, b} and c._op == "*"


@pytest.mark.parametrize(
    ("expr", "data", "local"),
    [
        (lambda a: a + 2, 5.0, (1.0, 1.0)),
        (lambda a: 2 + a, 5.0, (1.0, 1.0)),
        (lambda a: a - 2, 1.0, (1.0, -1.0)),
        (lambda a: 2 - a, -1.0, (1.0, -1.0)),
        (lambda a: a * 2, 6.0, (2.0, 3.0)),
        (lambda a: 2 * a, 6.0, (3.0, 2.0)),
        (lambda a: a / 2, 1.5, (0.5, -0.75)),
        (lambda a: 6 / a, 2.0, (1 / 3, -2 / 3)),
        (lambda a: a**2, 9.0, (6.0,)),
        (lambda a: 2**a, 8.0, (12.0, 8.0 * math.log(2.0))),  # d/dbase = a*2^(a-1)
        (lambda a: -a, -3.0, (-1.0,)),
    ],
)
def test_numbers_on_either_side(expr, data: float, local: tuple[float, ...]) -> None:  # type: ignore[no-untyped-def]
    out = expr(Value(3.0))
    assert out.data == pytest.approx(data, rel=1e-15)
    assert out.local_grads == pytest.approx(local, rel=1e-15)


def test_reflected_ops_keep_operand_order() -> None:
    a = Value(3.0)
    out = 2 - a
    assert out.inputs[1] is a and out.inputs[0].data == 2.0


def test_value_exponent_derivative_is_a_pow_b_ln_a() -> None:
    a, b = Value(2.0), Value(3.0)
    out = a**b
    out.backward()
    assert out.data == 8.0
    assert a.grad == 12.0
    assert b.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)


def test_sum_of_values() -> None:
    xs = [Value(float(i)) for i in range(5)]
    total = sum(xs)
    assert isinstance(total, Value) and total.data == 10.0
    total.backward()
    assert [x.grad for x in xs] == [1.0] * 5


def test_repr_as_micrograd() -> None:
    assert repr(Value(2.5)) == "Value(data=2.5, grad=0.0)"


def test_label_is_kept() -> None:
    v = Value(1.0, label="x")
    assert v.label == "x"
    v.label = "y"
    assert v.label == "y"


def test_comparisons_and_truth_use_data() -> None:
    assert Value(1.0) < Value(2.0) and Value(2.0) >= 2 and not Value(0.0)
    assert max([Value(1.0), Value(3.0), Value(2.0)]).data == 3.0
    assert Value(1.0) != Value(1.0)  # == is identity, as micrograd: Values stay hashable


def test_branching_on_data_is_refused_while_tracing() -> None:
    v = Value(1.0)
    with tracing(), pytest.raises(TraceError, match="while tracing"):
        if v > 0:
            pass


def test_micrograd_constructor_with_children_is_recorded_but_not_differentiated() -> None:
    a = Value(1.0)
    out = Value(2.0, (a,), "custom")
    assert out.inputs == (a,) and out._op == "custom"
    with pytest.raises(RuntimeError, match="local derivatives"):
        out.backward()


def test_a_node_is_one_gc_tracked_object_and_no_reference_cycle() -> None:
    a = Value(1.5)
    gc.collect()
    before = len(gc.get_objects())
    nodes = [a * 1.0001 for _ in range(1000)]  # each: one op node and one constant leaf
    assert len(gc.get_objects()) - before <= 2 * 1000 + 5
    assert sys.getsizeof(nodes[0]) <= 104
    del nodes
    gc.collect()
    assert gc.collect() == 0  # dropping the graph freed it: nothing was left in a cycle
