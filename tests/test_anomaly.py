"""detect_anomaly(): every non-finite value, local derivative or gradient raises, naming the op,
the values and the user's file:line; outside it IEEE semantics hold and nothing is patched."""

from __future__ import annotations

import math

import pytest

from micrograd_lite import MLP, AnomalyError, Value, detect_anomaly
from micrograd_lite.value import Value as ValueClass
from micrograd_lite.value import creation_hook

THIS_FILE = __file__


def test_non_finite_forward_result_names_op_values_and_line() -> None:
    big = Value(1e308)
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        big * 10.0  # the line the message must point at
    message = str(info.value)
    assert isinstance(info.value, AnomalyError)
    assert "*" in message and "1e+308" in message and "inf" in message
    assert f"{THIS_FILE}:" in message


def test_infinite_local_derivative_is_caught_in_forward() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*\*0\.5.*local derivative"):
        Value(0.0) ** 0.5


def test_nan_leaf_is_refused_inside_anomaly_mode() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match="nan"):
        Value(math.nan)


def test_non_finite_gradient_in_backward_names_the_node_that_sent_it() -> None:
    a = Value(1e-200)
    with detect_anomaly():
        b = a * 1e-200  # underflows to 0.0: finite, and so is every local derivative below
        c = b * 1e300  # dc/db = 1e300
        d = c * 1e300  # dd/dc = 1e300, so dd/db = 1e600 overflows in backward
        with pytest.raises(FloatingPointError) as info:
            d.backward()
    message = str(info.value)
    assert "backward" in message and "*" in message and "inf" in message
    assert f"{THIS_FILE}:" in message  # where the node that sent it was made


def test_anomaly_mode_patches_nothing_and_outside_it_ieee_holds() -> None:
    before = dict(vars(ValueClass))
    with detect_anomaly():
        assert dict(vars(ValueClass)) == before  # one creation hook, no swapped methods
        assert creation_hook() is not None
    assert dict(vars(ValueClass)) == before
    assert creation_hook() is None
    out = Value(1e308) * 10.0
    assert out.data == math.inf


def test_anomaly_mode_leaves_correct_programs_alone() -> None:
    model = MLP(2, [4, 1], seed=0)
    with detect_anomaly():
        out = model([0.5, -1.0])
        assert isinstance(out, Value)
        loss = (out - 1.0) ** 2
        loss.backward()
    plain = MLP(2, [4, 1], seed=0)
    out2 = plain([0.5, -1.0])
    assert isinstance(out2, Value)
    loss2 = (out2 - 1.0) ** 2
    loss2.backward()
    assert loss.data == loss2.data
    assert [p.grad for p in model.parameters()] == [p.grad for p in plain.parameters()]


def test_nested_contexts_restore_only_at_the_outermost_exit() -> None:
    with detect_anomaly():
        with detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):
            Value(math.inf)
    Value(math.inf)  # fine again


def test_a_method_reference_taken_before_the_context_is_still_checked() -> None:
    # the first case: expr holds the table's functions, taken long before
    from micrograd_lite.expr import parse

    log_x, inf = parse("log(x)"), Value(math.inf)  # made outside: inf leaves are allowed there
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"log: result is inf"):
        log_x.evaluate({"x": inf})
    log = Value.log  # a reference taken outside, called inside
    with detect_anomaly(), pytest.raises(FloatingPointError, match=f"{THIS_FILE}:"):
        log(inf)


def test_a_neurons_activation_node_gets_its_creation_site() -> None:
    # the second case: a Layer's fused neurons and their tanh nodes
    from micrograd_lite import Layer

    layer = Layer(2, 3, activation="tanh", seed=1)
    big = [Value(1e308), Value(1e308)]
    layer.neurons[0].w[0].data = 10.0
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        layer(big)  # affine overflows to inf: caught at the node, named with this line
    assert "affine" in str(info.value) and f"{THIS_FILE}:" in str(info.value)


def test_nodes_of_a_users_subclass_and_of_compile_pass_the_hook() -> None:
    from micrograd_lite import compile

    class Mine(ValueClass):
        __slots__ = ()

    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*: result is inf"):
        Mine(1e308) * 10.0
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*: result is inf"):
        compile(lambda x: x * 1e308, [10.0])  # the trace is an eager run: checked too
