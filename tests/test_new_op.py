"""Adding an op is one table entry: a throw-away op, registered in the live table, reaches every
surface (Value through `apply`, expressions and the CLI, render, gradcheck and its kinks,
compile and its batch replay, anomaly mode, nn activations, rules run on Values) with no other
edit. The fixture takes it out again."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from micrograd_lite import MLP, AnomalyError, Value, compile, detect_anomaly, draw_dot, gradcheck
from micrograd_lite.cli import main
from micrograd_lite.errors import DomainError
from micrograd_lite.expr import parse
from micrograd_lite.on_values import local_grads_as_values
from micrograd_lite.ops import DomainCheck, Op, RuleError, register, unregister
from micrograd_lite.value import apply

# cubic_relu(a) = a^3 for a > 0, slope * a otherwise: a kink at 0, a parameter, a domain
# (refused below -100, to have one), and a local rule that calls another table function
CUBIC = Op(
    "cubic_relu({slope})",
    1,
    "where(a > 0.0, a * a * a, slope * a)",
    ("where(a > 0.0, 3.0 * abs(a) * a, slope)",),
    ("d cubic_relu(a)/da = 3a^2 if a > 0 else {slope}",),
    (DomainCheck("a >= -100.0", DomainError, "cubic_relu is defined only for a >= -100"),),
    function="cubic_relu",
    activation=True,
    kinks=((0, 0.0),),
    params=(("slope", 0.5),),
)


@pytest.fixture
def cubic() -> Iterator[Op]:
    register(CUBIC)
    try:
        yield CUBIC.bind()
    finally:
        unregister(CUBIC)


def test_value_through_apply(cubic: Op) -> None:
    x = Value(2.0)
    y = apply(cubic, x)
    y.backward()
    assert (y.data, x.grad, y.op) == (8.0, 12.0, "cubic_relu(0.5)")
    with pytest.raises(DomainError, match=r"cubic_relu\(0.5\): cubic_relu is defined only"):
        apply(cubic, Value(-200.0))


def test_expressions_and_the_cli(cubic: Op, capsys: pytest.CaptureFixture[str]) -> None:
    e = parse("cubic_relu(x) + cubic_relu(x, 0.25)")
    assert e.evaluate({"x": -2.0}).data == -1.5
    code = main(["check", "cubic_relu(x)*y", "--at", "x=1.5,y=2", "--expect", "6*x*x, x*x*x"])
    out = capsys.readouterr().out
    assert code == 0 and "PASS" in out


def test_render_labels_the_op_and_its_rule(cubic: Op) -> None:
    source = draw_dot(apply(cubic, Value(2.0, label="x"))).source
    assert "cubic_relu(0.5)" in source and "3a^2" in source


def test_gradcheck_flags_its_kink(cubic: Op) -> None:
    report = gradcheck(lambda x: apply(cubic, x), [0.0])
    assert "kink" in str(report)
    assert gradcheck(lambda x: apply(cubic, x), [1.5])


def test_compile_and_batch(cubic: Op) -> None:
    cf = compile(lambda x: apply(cubic, x) * x, [1.0])
    assert cf(2.0) == (16.0, (32.0,))
    assert cf(-2.0) == (2.0, (-2.0,))
    np = pytest.importorskip("numpy")
    values, (grads,) = cf.batch(np.array([2.0, -2.0]))
    assert list(values) == [16.0, 2.0] and list(grads) == [32.0, -2.0]
    with pytest.raises(DomainError, match="cubic_relu is defined only"):
        cf(-200.0)  # the table's domain check and message, compiled too


def test_anomaly_mode_checks_it(cubic: Op) -> None:
    big = Value(1e200)
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"cubic_relu\(0.5\): result is inf"):
        apply(cubic, big)


def test_nn_takes_it_as_an_activation_by_name(cubic: Op) -> None:
    model = MLP(2, [3, 1], activation="cubic_relu", seed=0)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    hidden = out.inputs  # out is the linear output neuron's affine node: (w..., x..., b)
    assert any(node.op == "cubic_relu(0.5)" for node in hidden)


def test_its_rule_runs_on_values(cubic: Op) -> None:
    x = Value(2.0)
    (slope,) = local_grads_as_values(apply(cubic, x))  # 3 * abs(x) * x, as a graph
    slope.backward()
    assert (slope.data, x.grad) == (12.0, 12.0)  # d(3|x|x)/dx = 6x at x = 2


def test_a_rule_outside_the_language_is_refused_and_nothing_is_added() -> None:
    for bad, message in [
        (("1.0 if a > 0.0 else 0.0",), "IfExp is not part of the rule language"),
        (("math.cos(a)",), "Call is not part of the rule language"),
        (("log1p(a)",), r"log1p\(\) is not a function of the table"),  # not an op: no Value
        (("b",), "unknown name 'b'"),
    ]:
        op = Op("bad", 1, "a", bad, ("d bad/da",), function="bad")
        with pytest.raises(RuleError, match=message):
            register(op)
        assert parse("x").variables == ("x",)
        with pytest.raises(Exception, match="unknown function 'bad'"):
            parse("bad(x)")
    assert math.isfinite(Value(1.0).exp().data)  # the table still works
