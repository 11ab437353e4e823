"""The op table is the one source of the math, checked against independent oracles: central
differences of each forward rule, torch float64 (value and gradient) for every op, and the
math at the edges. The list of ops under test is the table itself."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from micrograd_lite import ops
from micrograd_lite.on_values import local_grads_as_values
from micrograd_lite.ops import OPS, VARIADIC, Op, pow_const
from micrograd_lite.value import Value, apply
from tests.conftest import FD_ATOL, FD_RTOL, central_difference, moderate

# Parameters to try for each family (an op with parameters): its defaults, and a few more.
PARAMETERS: dict[str, list[tuple[float, ...]]] = {
    "**{n}": [(2.0,), (3.0,), (-1.0,), (0.5,), (-0.5,), (1.5,), (0.0,)],
    "leaky_relu({slope})": [(), (0.2,), (-0.5,)],
}


def table_ops() -> list[Op]:
    """Every op of the table, families bound to each of their PARAMETERS (read when called)."""
    found = []
    for op in OPS.values():
        if op.params:
            found += [op.bind(*values) for values in PARAMETERS[op.name]]
        else:
            found.append(op)
    return found


TABLE_OPS = table_ops()


def test_every_family_has_parameters_to_try() -> None:
    assert {op.name for op in OPS.values() if op.params} <= set(PARAMETERS)


def in_domain(op: Op, xs: list[float]) -> bool:
    try:
        op.check(*xs)
    except (ValueError, ArithmeticError):
        return False
    return True


def near_edge(op: Op, xs: list[float], width: float = 1e-2) -> bool:
    """Within `width` of a kink, or of the edge of the domain (a nearby point is outside)."""
    family = op.family or op
    if any(abs(xs[i] - point) < width for i, point in family.kinks):
        return True
    for i in range(op.arity):
        nearby = [xs[i] - width, xs[i] + width] + ([0.0] if abs(xs[i]) < width else [])
        for x in nearby:  # the table's domains end at 0: try it when it is near
            moved = list(xs)
            moved[i] = x
            if not in_domain(op, moved):
                return True
    return False


@pytest.mark.parametrize("op", TABLE_OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_local_rule_matches_central_difference(op: Op, data: st.DataObject) -> None:
    xs = [data.draw(moderate) for _ in range(op.arity)]
    assume(in_domain(op, xs) and not near_edge(op, xs))
    out = op.forward_fn(*xs)
    assume(math.isfinite(out) and abs(out) < 1e6)
    for i, local in enumerate(op.local_fn(*xs, out)):
        numeric = central_difference(op.forward_fn, xs, i)
        assert math.isclose(local, numeric, rel_tol=FD_RTOL, abs_tol=FD_ATOL), (
            f"{op.name}: d/dx{i} at {xs}: rule {local}, finite difference {numeric}"
        )


# -- torch float64 as the oracle: each op by torch's own function --------------------------------


def torch_function(op: Op) -> Callable[..., object]:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    family = (op.family or op).name
    n = op.values[0] if op.values else 0.0
    by_name: dict[str, Callable[..., object]] = {
        "+": torch.add,
        "-": torch.sub,
        "*": torch.mul,
        "/": torch.div,
        "neg": torch.neg,
        "**": torch.pow,
        "**{n}": lambda a: torch.pow(a, n),
        "ReLU": torch.relu,
        "leaky_relu({slope})": lambda a: functional.leaky_relu(a, n),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "softplus": lambda a: functional.softplus(a, beta=1.0, threshold=1e9),  # the exact form
        "exp": torch.exp,
        "log": torch.log,
        "sqrt": torch.sqrt,
        "sin": torch.sin,
        "cos": torch.cos,
        "abs": torch.abs,
    }
    assert family in by_name, f"{family}: give the new op its torch oracle here"
    return by_name[family]


@pytest.mark.parametrize("op", TABLE_OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_value_and_gradient_agree_with_torch_float64(op: Op, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch")
    fn = torch_function(op)
    wide = st.floats(-30.0, 30.0, allow_nan=False, allow_infinity=False)
    xs = [data.draw(wide) for _ in range(op.arity)]
    assume(in_domain(op, xs) and not near_edge(op, xs, width=1e-9))
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    expected = fn(*ts)
    assert isinstance(expected, torch.Tensor)
    value = float(expected.detach())
    assume(math.isfinite(value) and abs(value) < 1e300)
    expected.backward()
    node = apply(op, *[Value(x) for x in xs])  # the table op through the generic path
    # one rounding of the same formula in both; libm and torch may differ in the last bits
    assert math.isclose(node.data, value, rel_tol=1e-14, abs_tol=1e-300), (xs, node)
    # a rule may subtract terms of the size of out^2 or x (tanh's 1 - out^2 near |x| = 7):
    # their last-bit roundings survive the cancellation, so allow a few ulps of those terms
    terms = max(1.0, node.data * node.data, *(abs(x) for x in xs))
    for x, local, t in zip(xs, node.local_grads, ts, strict=True):
        assert t.grad is not None
        want = float(t.grad)
        close = math.isclose(local, want, rel_tol=1e-12, abs_tol=4 * 2.0**-52 * terms)
        assert close, (op.name, x, local, want)


# -- the specialised methods (nodes built without `apply`) give the table's floats ---------------

SPECIALISED: list[tuple[str, Callable[..., Value], Op]] = [
    ("a + b", lambda a, b: a + b, ops.ADD),
    ("a - b", lambda a, b: a - b, ops.SUB),
    ("a * b", lambda a, b: a * b, ops.MUL),
    ("-a", lambda a: -a, ops.NEG),
    ("relu", Value.relu, ops.RELU),
    ("tanh", Value.tanh, ops.TANH),
]


@pytest.mark.parametrize(("name", "method", "op"), SPECIALISED, ids=[s[0] for s in SPECIALISED])
@given(data=st.data())
def test_specialised_method_equals_table(
    name: str, method: Callable[..., Value], op: Op, data: st.DataObject
) -> None:
    xs = [data.draw(moderate) for _ in range(op.arity)]
    out = method(*[Value(x) for x in xs])
    expected = op.forward_fn(*xs)
    assert out.data == expected
    assert out.local_grads == op.local_fn(*xs, expected)
    assert out.rule is op


@pytest.mark.parametrize("x", [0.0, -0.0, math.nan, math.inf, -math.inf])
def test_specialised_relu_keeps_ieee_specials_like_the_table(x: float) -> None:
    out = Value(x).relu()
    expected = ops.RELU.forward_fn(x)
    assert math.copysign(1.0, out.data) == math.copysign(1.0, expected) or math.isnan(x)
    assert out.local_grads == ops.RELU.local_fn(x, expected)


# -- the math at the edges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "args", "local"),
    [
        (ops.RELU, (0.0,), (0.0,)),  # relu'(0) = 0, as every seed article uses
        (ops.RELU, (-1e-300,), (0.0,)),
        (ops.RELU, (1e-300,), (1.0,)),
        (ops.LEAKY_RELU.bind(), (0.0,), (0.01,)),  # the slope at 0, as PyTorch
        (ops.LEAKY_RELU.bind(0.2), (-3.0,), (0.2,)),
        (ops.ABS, (0.0,), (0.0,)),
        (ops.ABS, (-2.0,), (-1.0,)),
        (ops.ABS, (math.nan,), (math.nan,)),
        (ops.SQRT, (0.0,), (math.inf,)),  # sqrt's slope at 0: inf, not a crash
        (ops.SQRT, (4.0,), (0.25,)),
        (pow_const(0.5), (0.0,), (math.inf,)),
        (pow_const(2.0), (-3.0,), (-6.0,)),  # negative base, integer power: fine
        (pow_const(3.0), (-2.0,), (12.0,)),
        (pow_const(0.0), (0.0,), (0.0,)),
        (pow_const(-1.0), (1e-200,), (-math.inf,)),  # the slope overflows: IEEE's -inf
        (ops.POW, (0.0, 2.0), (0.0, 0.0)),  # d(a^b)/db at a = 0: its limit 0 (as PyTorch)
        (ops.POW, (-2.0, 2.0), (-4.0, math.nan)),  # d/db of a negative base is not real
        (ops.TANH, (0.0,), (1.0,)),
        (ops.SIGMOID, (0.0,), (0.25,)),
        (ops.SOFTPLUS, (0.0,), (0.5,)),
        (ops.EXP, (0.0,), (1.0,)),
        (ops.LOG, (1.0,), (1.0,)),
        (ops.SIN, (0.0,), (1.0,)),
        (ops.COS, (0.0,), (-0.0,)),
    ],
    ids=lambda v: getattr(v, "name", repr(v)),
)
def test_rule_at_domain_edges(op: Op, args: tuple[float, ...], local: tuple[float, ...]) -> None:
    out = op.forward_fn(*args)
    got = op.local_fn(*args, out)
    for g, want in zip(got, local, strict=True):
        assert g == want or (math.isnan(g) and math.isnan(want)), f"{op.name}{args}: {got}"


def test_sigmoid_and_softplus_do_not_overflow_for_large_inputs() -> None:
    assert ops.SIGMOID.forward_fn(-1000.0) == 0.0
    assert ops.SIGMOID.forward_fn(1000.0) == 1.0
    assert ops.SOFTPLUS.forward_fn(1000.0) == 1000.0  # ln(1 + e^1000), exactly, not inf
    assert ops.SOFTPLUS.forward_fn(-1000.0) == 0.0
    assert ops.SOFTPLUS.forward_fn(30.0) == 30.0 + math.log1p(math.exp(-30.0))  # no switch at 20


def test_pow_const_names_like_micrograd() -> None:
    assert (Value(3.0) ** 2).op == "**2"
    assert (Value(3.0) ** 0.5).op == "**0.5"
    assert (Value(3.0) ** -1).op == "**-1"
    assert pow_const(2) is pow_const(2.0)  # one shared Op per exponent
    assert pow_const(2.0).rules == ("d(a^2)/da = 2*a^1",)


def test_every_table_op_has_one_rule_per_input() -> None:
    for op in TABLE_OPS:
        assert op.arity != VARIADIC
        assert len(op.local) == len(op.rules) == op.arity
        for i in range(op.arity):
            assert op.rule(i).startswith("d")


@pytest.mark.parametrize("op", TABLE_OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_each_rule_gives_the_same_numbers_on_values_and_arrays(op: Op, data: st.DataObject) -> None:
    np = pytest.importorskip("numpy")
    xs = [data.draw(moderate) for _ in range(op.arity)]
    assume(in_domain(op, xs))
    try:
        node = apply(op, *[Value(x) for x in xs])
        as_values = [v.data for v in local_grads_as_values(node)]  # the `value` dialect
    except ArithmeticError:  # the op, or one of its derivative's graph, overflows
        assume(False)
        return
    with np.errstate(all="ignore"):
        arrays = op.local_in("numpy")(*[np.array([x]) for x in xs], np.array([node.data]))
    for floats, value, array in zip(node.local_grads, as_values, arrays, strict=True):
        assert value == floats or (math.isnan(value) and math.isnan(floats))
        # numpy's transcendental functions may differ from libm's in the last bit
        assert math.isclose(float(np.asarray(array).ravel()[0]), floats, rel_tol=4e-16) or (
            math.isnan(floats)
        )
