"""The op table is the one source of the math: rules match finite differences, and every
specialised Value method gives exactly the table's floats."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from micrograd_lite import ops
from micrograd_lite.ops import OPS, VARIADIC, Op, pow_const
from micrograd_lite.value import Value
from tests.conftest import FD_ATOL, FD_RTOL, central_difference, moderate

TABLE_OPS = [op for op in OPS.values() if op.arity != VARIADIC] + [
    pow_const(2.0),
    pow_const(3.0),
    pow_const(-1.0),
    pow_const(0.5),
]

# Where each rule is not differentiable, or the FD step would cross the domain's edge.
KINKS: dict[str, Callable[..., bool]] = {
    "ReLU": lambda a: abs(a) < 1e-3,
    "abs": lambda a: abs(a) < 1e-3,
    "log": lambda a: a < 1e-2,
    "/": lambda a, b: abs(b) < 1e-2,
    "**": lambda a, b: a < 1e-2,
    "**-1": lambda a: abs(a) < 1e-2,
    "**0.5": lambda a: a < 1e-2,
}


@pytest.mark.parametrize("op", TABLE_OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_local_rule_matches_central_difference(op: Op, data: st.DataObject) -> None:
    xs = [data.draw(moderate) for _ in range(op.arity)]
    kink = KINKS.get(op.name)
    assume(kink is None or not kink(*xs))
    out = op.forward_fn(*xs)
    for i, local in enumerate(op.local_fn(*xs, out)):
        numeric = central_difference(op.forward_fn, xs, i)
        assert math.isclose(local, numeric, rel_tol=FD_RTOL, abs_tol=FD_ATOL), (
            f"{op.name}: d/dx{i} at {xs}: rule {local}, finite difference {numeric}"
        )


# Each specialised method, and the table op it must reproduce bit for bit.
SPECIALISED: list[tuple[str, Callable[..., Value], Op]] = [
    ("a + b", lambda a, b: a + b, ops.ADD),
    ("a - b", lambda a, b: a - b, ops.SUB),
    ("a * b", lambda a, b: a * b, ops.MUL),
    ("a / b", lambda a, b: a / b, ops.DIV),
    ("-a", lambda a: -a, ops.NEG),
    ("relu", Value.relu, ops.RELU),
    ("tanh", Value.tanh, ops.TANH),
    ("sigmoid", Value.sigmoid, ops.SIGMOID),
    ("exp", Value.exp, ops.EXP),
    ("log", Value.log, ops.LOG),
    ("abs", Value.abs, ops.ABS),
    ("a ** 2", lambda a: a**2, pow_const(2.0)),
    ("a ** b", lambda a, b: a**b, ops.POW),
]


@pytest.mark.parametrize(("name", "method", "op"), SPECIALISED, ids=[s[0] for s in SPECIALISED])
@given(data=st.data())
def test_specialised_method_equals_table(
    name: str, method: Callable[..., Value], op: Op, data: st.DataObject
) -> None:
    xs = [data.draw(moderate) for _ in range(op.arity)]
    if op.name in ("log", "**"):
        xs[0] = abs(xs[0]) + 0.1
    if op.name == "/":
        assume(xs[1] != 0.0)
    out = method(*[Value(x) for x in xs])
    expected = op.forward_fn(*xs)
    assert out.data == expected or (math.isnan(out.data) and math.isnan(expected))
    assert out.local_grads == op.local_fn(*xs, expected)
    assert out.op == op.name
    assert out.rule is op


def test_specialised_relu_keeps_ieee_specials_like_the_table() -> None:
    for x in (0.0, -0.0, math.nan, math.inf, -math.inf):
        out = Value(x).relu()
        expected = ops.RELU.forward_fn(x)
        assert math.copysign(1.0, out.data) == math.copysign(1.0, expected) or math.isnan(x)
        assert out.local_grads == ops.RELU.local_fn(x, expected)


@pytest.mark.parametrize(
    ("op", "args", "local"),
    [
        (ops.RELU, (0.0,), (0.0,)),  # relu'(0) = 0, as every seed article uses
        (ops.RELU, (-1e-300,), (0.0,)),
        (ops.RELU, (1e-300,), (1.0,)),
        (ops.ABS, (0.0,), (0.0,)),
        (ops.ABS, (-2.0,), (-1.0,)),
        (pow_const(0.5), (0.0,), (math.inf,)),  # sqrt's slope at 0: inf, not a crash
        (pow_const(2.0), (-3.0,), (-6.0,)),  # negative base, integer power: fine
        (pow_const(3.0), (-2.0,), (12.0,)),
        (pow_const(0.0), (0.0,), (0.0,)),
        (ops.POW, (0.0, 2.0), (0.0, 0.0)),  # d(a^b)/db at a = 0: its limit 0 (as PyTorch)
        (ops.POW, (-2.0, 2.0), (-4.0, math.nan)),  # d/db of a negative base is not real
        (ops.TANH, (0.0,), (1.0,)),
        (ops.SIGMOID, (0.0,), (0.25,)),
        (ops.EXP, (0.0,), (1.0,)),
        (ops.LOG, (1.0,), (1.0,)),
    ],
)
def test_rule_at_domain_edges(op: Op, args: tuple[float, ...], local: tuple[float, ...]) -> None:
    out = op.forward_fn(*args)
    got = op.local_fn(*args, out)
    for g, want in zip(got, local, strict=True):
        assert g == want or (math.isnan(g) and math.isnan(want)), f"{op.name}{args}: {got}"


def test_sigmoid_does_not_overflow_for_large_inputs() -> None:
    assert ops.sigmoid(-1000.0) == 0.0
    assert ops.sigmoid(1000.0) == 1.0


def test_pow_const_names_like_micrograd() -> None:
    assert (Value(3.0) ** 2).op == "**2"
    assert (Value(3.0) ** 0.5).op == "**0.5"
    assert (Value(3.0) ** -1).op == "**-1"
    assert pow_const(2) is pow_const(2.0)  # one shared Op per exponent


def test_every_table_op_has_one_rule_per_input() -> None:
    for op in TABLE_OPS:
        assert len(op.local) == len(op.rules) == op.arity
        for i in range(op.arity):
            assert op.rule(i).startswith("d")
