"""Higher-order derivatives (higher.py): gradients as graphs, differentiated again, checked
against torch float64 (`torch.autograd.functional.hessian`, `hvp`), central differences of the
gradient, and closed forms. The ops under test are the table itself, as in test_ops.py."""

from __future__ import annotations

import itertools
import math
import runpy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from micrograd_lite import (
    MLP,
    Value,
    compile,
    derivative,
    draw_dot,
    grad,
    hessian,
    hvp,
)
from micrograd_lite.nn import Neuron
from micrograd_lite.ops import Op
from micrograd_lite.value import apply
from tests.conftest import FD_ATOL, FD_RTOL, central_difference, moderate
from tests.test_ops import TABLE_OPS, in_domain, near_edge, torch_function

ROOT = Path(__file__).resolve().parent.parent
EPS = 2.0**-52

# Ops whose rules are piecewise constant (a `where` of constants): zero curvature off the kink.
PIECEWISE = {"ReLU", "abs", "leaky_relu({slope})"}

wide = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)
# a ** b draws two floats and keeps those in its domain away from its edges: a < 0 needs an
# integer b, so about half the draws are discarded by design, and in an unlucky run Hypothesis's
# filter_too_much health check failed the test (twice, locally) though no example did
DOMAIN_FILTER = settings(suppress_health_check=[HealthCheck.filter_too_much])


def torch_hessian(fn: Callable[..., Any], xs: Sequence[float]) -> list[list[float]]:
    """torch float64's Hessian of `fn(*scalars)` at `xs`."""
    torch = pytest.importorskip("torch")
    point = torch.tensor(list(xs), dtype=torch.float64)
    h = torch.autograd.functional.hessian(lambda t: fn(*t.unbind()), point)
    return [[float(h[i, j]) for j in range(len(xs))] for i in range(len(xs))]


def op_at(op: Op, data: st.DataObject, numbers: st.SearchStrategy[float]) -> list[float]:
    """A point in `op`'s domain with a finite result, 1e-2 away from kinks, domain edges and 0
    (the edge of `a ** b` for b < 0; at b = 0 torch's d/da is masked, see
    test_pow_curvature_at_zero_exponent)."""
    xs = [data.draw(numbers) for _ in range(op.arity)]
    assume(in_domain(op, xs) and not near_edge(op, xs) and all(abs(x) >= 1e-2 for x in xs))
    try:
        out = op.forward_fn(*xs)
    except OverflowError:
        assume(False)
    assume(math.isfinite(out) and abs(out) < 1e100)
    return xs


def curvature(op: Op, xs: list[float]) -> list[list[float]]:
    try:
        return hessian(lambda *vs: apply(op, *vs), xs)
    except ArithmeticError:  # a term of the derivative's graph overflows (exp(b ln a), ...)
        assume(False)
        raise


# -- every op of the table, twice differentiated --------------------------------------------------


@pytest.mark.parametrize("op", TABLE_OPS, ids=lambda op: op.name)
@given(data=st.data())
@DOMAIN_FILTER
def test_second_derivatives_of_every_op_agree_with_torch(op: Op, data: st.DataObject) -> None:
    fn = torch_function(op)
    xs = op_at(op, data, wide)
    ours = curvature(op, xs)
    theirs = torch_hessian(fn, xs)
    out = op.forward_fn(*xs)
    # the derivative's graph subtracts terms of the size of out^2, out*ln(a)^2 or x (tanh's
    # 1 - out^2, then -2 out (1 - out^2)): a few ulps of the largest such term, after
    # cancellation, is all the two float64 computations can be asked to share
    terms = max(
        1.0, out * out, abs(out), *(abs(x) for x in xs), *(abs(h) for r in theirs for h in r)
    )
    for i, row in enumerate(ours):
        for j, h in enumerate(row):
            want = theirs[i][j]
            close = math.isclose(h, want, rel_tol=1e-9, abs_tol=16 * EPS * terms)
            assert close, f"{op.name}: d2/dx{i}dx{j} at {xs}: ours {h}, torch {want}"
            if (op.family or op).name in PIECEWISE:
                assert h == 0.0 == want, f"{op.name} at {xs}: curvature {h}, torch {want}"


@pytest.mark.parametrize("op", TABLE_OPS, ids=lambda op: op.name)
@given(data=st.data())
@DOMAIN_FILTER
def test_second_derivatives_of_every_op_match_differences_of_the_gradient(
    op: Op, data: st.DataObject
) -> None:
    xs = op_at(op, data, moderate)
    ours = curvature(op, xs)
    for i in range(op.arity):

        def gradient_i(*point: float, i: int = i) -> float:
            leaves = [Value(x) for x in point]
            return grad(apply(op, *leaves), leaves)[i]

        for j in range(op.arity):
            numeric = central_difference(gradient_i, xs, j)  # d/dx_j of d f/dx_i
            scale = max(1.0, abs(gradient_i(*xs)))  # the difference's rounding: eps * |g| / h
            close = math.isclose(ours[i][j], numeric, rel_tol=FD_RTOL, abs_tol=FD_ATOL * scale)
            assert close, f"{op.name}: d2/dx{i}dx{j} at {xs}: ours {ours[i][j]}, fd {numeric}"


@pytest.mark.parametrize("a", [2.0, 0.5, 1e-300])
def test_pow_curvature_at_zero_exponent(a: float) -> None:
    # f = a^b at b = 0: f_aa = b (b-1) a^(b-2) = 0, f_ab = f_ba = a^(b-1) (1 + b ln a) = 1/a,
    # f_bb = a^b ln(a)^2. (torch float64 gives f_ab = 0 here: its d/da masks b == 0 to a
    # constant, which loses the derivative in b.)
    h = hessian(lambda a, b: a**b, [a, 0.0])
    assert h[0][0] == 0.0
    assert h[0][1] == h[1][0] == 1.0 / a
    assert h[1][1] == pytest.approx(math.log(a) ** 2, rel=1e-15)
    for x in (a, -a, 5e-324, 0.0):  # the slope in a stays 0, where a^(b-1) would overflow
        base = Value(x)
        assert grad(base ** Value(0.0), [base]) == (0.0,)


# -- random expression graphs over all ops ---------------------------------------------------------

Recipe = list[tuple[Op, tuple[int, ...]]]


def build(recipe: Recipe, leaves: Sequence[Any], call: Callable[..., Any]) -> Any:
    """Replay `recipe` (op, operand positions in the pool) on `leaves`; the sum of the last
    three nodes (so early ones reach the output by more than one path)."""
    pool = list(leaves)
    for op, picks in recipe:
        pool.append(call(op, *[pool[k] for k in picks]))
    total = pool[-1]
    for node in pool[-3:-1]:
        total = total + node
    return total


@st.composite
def expression(draw: st.DrawFn) -> tuple[list[float], Recipe]:
    """A few inputs and ~8 ops over them (depth up to ~5), every node in its op's domain, away
    from kinks, with moderate values (so torch and we see the same, well-scaled numbers)."""
    xs = draw(st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=3))
    pool = [Value(x) for x in xs]
    depth = [0] * len(xs)
    recipe: Recipe = []
    for _ in range(draw(st.integers(4, 9))):
        op = draw(st.sampled_from(TABLE_OPS))
        # prefer recent nodes, so the graph is deep rather than wide
        picks = tuple(
            draw(st.integers(max(0, len(pool) - 3), len(pool) - 1)) for _ in range(op.arity)
        )
        args = [pool[k].data for k in picks]
        if not in_domain(op, args) or near_edge(op, args, width=0.05):
            continue
        if op.name == "**" and args[1] == 0.0:
            continue  # torch masks d/da of a ** b at b == 0 (test_pow_curvature_at_zero_exponent)
        try:
            node = apply(op, *[pool[k] for k in picks])
        except ArithmeticError:
            continue
        if not abs(node.data) < 50.0 or max(depth[k] for k in picks) >= 5:
            continue
        pool.append(node)
        depth.append(1 + max(depth[k] for k in picks))
        recipe.append((op, picks))
    assume(len(recipe) >= 3)
    return xs, recipe


@given(case=expression())
def test_hessians_of_random_graphs_agree_with_torch(case: tuple[list[float], Recipe]) -> None:
    pytest.importorskip("torch")
    xs, recipe = case
    try:
        ours = hessian(lambda *vs: build(recipe, vs, apply), xs)
    except ArithmeticError:  # a derivative's graph overflows (the forward did not)
        assume(False)
        return
    fns = {id(op): torch_function(op) for op, _ in recipe}
    theirs = torch_hessian(lambda *ts: build(recipe, ts, lambda op, *a: fns[id(op)](*a)), xs)
    flat = [abs(h) for row in theirs for h in row]
    assume(all(math.isfinite(h) for h in flat))
    # relative to the matrix: an entry that cancels to near 0 keeps rounding of the largest one
    scale = max(1.0, *flat)
    for i, row in enumerate(ours):
        for j, h in enumerate(row):
            close = math.isclose(h, theirs[i][j], rel_tol=1e-9, abs_tol=1e-9 * scale)
            assert close, (i, j, h, theirs[i][j], xs, [(op.name, p) for op, p in recipe])
    for i, row in enumerate(ours):  # mixed partials commute, within rounding
        for j in range(i):
            assert math.isclose(row[j], ours[j][i], rel_tol=1e-9, abs_tol=1e-9 * scale)


# -- third derivatives of closed forms -------------------------------------------------------------

THIRD: list[tuple[str, Callable[[Value], Value], Callable[[float], float]]] = [
    ("x**5", lambda x: x**5, lambda x: 60.0 * x * x),
    (
        "tanh",
        Value.tanh,  # t' = 1 - t^2, t'' = -2 t (1 - t^2), t''' = -2 (1 - t^2)(1 - 3 t^2)
        lambda x: -2.0 * (1.0 - math.tanh(x) ** 2) * (1.0 - 3.0 * math.tanh(x) ** 2),
    ),
    (
        "exp(sin(x))",
        lambda x: x.sin().exp(),  # (cos^2 - sin) e^sin, then cos (cos^2 - 3 sin - 1) e^sin
        lambda x: (
            math.cos(x) * (math.cos(x) ** 2 - 3.0 * math.sin(x) - 1.0) * math.exp(math.sin(x))
        ),
    ),
]


@pytest.mark.parametrize(("name", "f", "formula"), THIRD, ids=[t[0] for t in THIRD])
@given(x=moderate)
def test_third_derivatives_of_closed_forms(
    name: str, f: Callable[[Value], Value], formula: Callable[[float], float], x: float
) -> None:
    got = derivative(f, 3)(x)
    want = formula(x)
    # both sum terms of size up to ~10x the result's scale (60 x^2, e^sin x): 1e-12 of those
    assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12 * max(1.0, x * x)), (x, got, want)


def test_derivative_of_order_zero_is_the_function_and_orders_go_on() -> None:
    assert derivative(lambda x: x**5, 0)(2.0) == 32.0
    assert [derivative(lambda x: x**5, n)(2.0) for n in range(1, 7)] == [80, 160, 240, 240, 120, 0]


def test_grad_of_a_grad_is_the_second_derivative() -> None:
    x = Value(0.5)
    (dy,) = grad(x.tanh(), [x], create_graph=True)
    (d2y,) = grad(dy, [x])
    t = math.tanh(0.5)
    assert dy.data == 1.0 - t * t  # the table's rule, on the same floats
    assert math.isclose(d2y, -2.0 * t * (1.0 - t * t), rel_tol=1e-15)


# -- the fused neuron, through an MLP --------------------------------------------------------------

X, Y = [0.5, -1.2, 2.0], 0.3


def mlp() -> MLP:
    return MLP(3, [4, 1], activation="tanh", seed=7)  # fused (Value.affine) by default


def load(model: MLP, params: Sequence[Value]) -> None:
    """Make `params` the model's parameters, in `parameters()` order."""
    it = iter(params)
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.w = [next(it) for _ in neuron.w]
            neuron.b = next(it)


def squared_error(model: MLP, xs: Sequence[Value | float]) -> Value:
    out = model(list(xs))
    assert isinstance(out, Value)
    return (out - Y) ** 2


def torch_loss(model: MLP) -> Callable[[Any], Any]:
    """(W2 tanh(W1 x + b1) + b2 - y)^2 on a flat parameter vector in `parameters()` order."""
    torch = pytest.importorskip("torch")
    x = torch.tensor(X, dtype=torch.float64)

    def loss(theta: Any) -> Any:
        k = 0
        h = x
        for n_layer, layer in enumerate(model.layers):
            outs = []
            for neuron in layer.neurons:
                n = len(neuron.w)
                a = theta[k + n] + (theta[k : k + n] * h).sum()
                k += n + 1
                outs.append(a.tanh() if n_layer < len(model.layers) - 1 else a)
            h = torch.stack(outs)
        return (h[0] - Y) ** 2

    return loss


@pytest.mark.parametrize("inputs", ["values", "floats"])  # a Layer's shared plan, or per neuron
@given(v=st.lists(moderate, min_size=21, max_size=21))
def test_mlp_hessian_vector_product_agrees_with_torch(inputs: str, v: list[float]) -> None:
    torch = pytest.importorskip("torch")
    model = mlp()
    point = [p.data for p in model.parameters()]
    assert len(point) == len(v) == 3 * 4 + 4 + 4 + 1

    def f(*params: Value) -> Value:
        load(model, params)
        xs = [Value(x) for x in X] if inputs == "values" else X
        return squared_error(model, xs)

    ours = hvp(f, point, v)
    theta = torch.tensor(point, dtype=torch.float64)
    _, theirs = torch.autograd.functional.hvp(
        torch_loss(model), theta, torch.tensor(v, dtype=torch.float64)
    )
    scale = max(1.0, *(abs(float(t)) for t in theirs))
    for k, (h, t) in enumerate(zip(ours, theirs.tolist(), strict=True)):
        assert math.isclose(h, t, rel_tol=1e-9, abs_tol=1e-12 * scale), (k, h, t)


def test_fused_neuron_differentiates_twice_like_its_unfused_graph() -> None:
    point = [0.3, -0.7, 0.2, 1.1, -0.4]  # w1, w2, b, x1, x2: the weights as inputs

    def neuron(fused: bool) -> Callable[..., Value]:
        def f(w1: Value, w2: Value, b: Value, x1: Value, x2: Value) -> Value:
            n = Neuron(2, activation="tanh", fused=fused)
            n.w, n.b = [w1, w2], b
            return n([x1, x2]) ** 2

        return f

    fused, plain = hessian(neuron(True), point), hessian(neuron(False), point)
    for row_f, row_p in zip(fused, plain, strict=True):
        for a, b in zip(row_f, row_p, strict=True):
            assert math.isclose(a, b, rel_tol=1e-14, abs_tol=1e-15), (fused, plain)
    assert fused[0][3] != 0.0  # d2/dw1 dx1: the affine's d/dw1 = x1 is a graph, not a constant


# -- grad() and backward(create_graph=True) on .grad fields ----------------------------------------


def grad_value(leaf: Value) -> Value:
    """`leaf.grad_value` (an attribute of leaves only, which mypy cannot see on `Value`)."""
    g = vars(leaf)["grad_value"]
    assert isinstance(g, Value)
    return g


def graph_at(a: Value, b: Value) -> Value:
    return (a * b).tanh() * a + b.exp() / a


def graph() -> tuple[Value, Value, Value]:
    a, b = Value(0.6, label="a"), Value(-1.3, label="b")
    return a, b, graph_at(a, b)


def test_grad_leaves_grad_fields_untouched() -> None:
    a, b, y = graph()
    a.grad, b.grad = 5.0, -2.0
    floats = grad(y, [a, b])
    values = grad(y, [a, b], create_graph=True)
    assert (a.grad, b.grad, y.grad) == (5.0, -2.0, 0.0)
    assert [g.data for g in values] == list(floats)
    y.backward()
    assert (a.grad - 5.0, b.grad + 2.0) == pytest.approx(floats, rel=1e-15)


def test_backward_with_graph_sets_grad_as_backward_does() -> None:
    a, b, y = graph()
    a2, b2, y2 = graph()
    y.backward(create_graph=True)
    y2.backward()
    assert (a.grad, b.grad) == (a2.grad, b2.grad)  # the same floats, bit for bit
    assert (grad_value(a).data, grad_value(b).data) == (a.grad, b.grad)
    assert not hasattr(y, "grad_value")  # leaves only: interior nodes have no new slot
    (d2a,) = grad(grad_value(a), [a])  # the kept gradient differentiates again
    assert math.isclose(d2a, hessian(graph_at, [0.6, -1.3])[0][0], rel_tol=1e-15)


def test_second_backward_with_graph_accumulates_grad_value() -> None:
    a, b, y = graph()
    y.backward(create_graph=True)
    first = (a.grad, b.grad, grad_value(a).data, grad_value(b).data)
    y.backward(create_graph=True)
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert (grad_value(a).data, grad_value(b).data) == (2 * first[2], 2 * first[3])
    (d2a,) = grad(grad_value(a), [a])  # twice the second derivative: the sum is a graph too
    assert math.isclose(d2a, 2 * hessian(graph_at, [0.6, -1.3])[0][0], rel_tol=1e-15)


# -- a gradient graph is a graph like any other: it renders and compiles ---------------------------


def test_gradient_graph_renders() -> None:
    x = Value(0.8, label="x")
    (dy,) = grad((x * x).sin(), [x], create_graph=True)
    source = draw_dot(dy).source
    assert source.count("label=") > 5 and "cos" in source and "x" in source


GRADIENT_FUNCTIONS: list[tuple[str, Callable[..., Value], int]] = [
    ("d/dx sin(x^2) e^y", lambda x, y: grad((x * x).sin() * y.exp(), [x], create_graph=True)[0], 2),
    ("d/dx tanh(x y)", lambda x, y: grad((x * y).tanh(), [x], create_graph=True)[0], 2),
    (
        "d2/dx2 x^5",
        lambda x: grad(grad(x**5, [x], create_graph=True)[0], [x], create_graph=True)[0],
        1,
    ),
]


def eager(fn: Callable[..., Value], xs: Sequence[float]) -> tuple[float, tuple[float, ...]]:
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    out.backward()
    return out.data, tuple(v.grad for v in leaves)


@pytest.mark.parametrize(
    ("name", "fn", "n"), GRADIENT_FUNCTIONS, ids=[g[0] for g in GRADIENT_FUNCTIONS]
)
@given(data=st.data())
def test_gradient_graph_compiles_bit_for_bit(
    name: str, fn: Callable[..., Value], n: int, data: st.DataObject
) -> None:
    xs = [data.draw(moderate) for _ in range(n)]
    cf = compile(fn, [0.5] * n)  # traced once, replayed at each drawn point
    assert cf(*xs) == eager(fn, xs)


# -- Newton's method: examples/newton.py -----------------------------------------------------------


def newton() -> dict[str, Any]:
    """examples/newton.py's globals (runpy keeps it in sys.modules while it runs, as its
    dataclasses need)."""
    return runpy.run_path(str(ROOT / "examples" / "newton.py"), run_name="newton")


# The real root of x^3 - 2x - 5 by Cardano's formula: an oracle independent of the iteration.
_D = math.sqrt(25.0 / 4.0 - 8.0 / 27.0)
WALLIS_ROOT = (2.5 + _D) ** (1 / 3) + (2.5 - _D) ** (1 / 3)


def test_newton_converges_quadratically() -> None:
    result = newton()["run"]()
    xs = [step.x for step in result.steps]
    errors = [abs(x - WALLIS_ROOT) for x in xs]
    assert xs[0] == 2.0 and result.root == pytest.approx(WALLIS_ROOT, rel=2 * EPS)
    assert len(result.steps) == 5  # x0 and four steps: 1e-1, 5e-3, 1e-5, 8e-11, then rounding
    # quadratic: e_{k+1} / e_k^2 -> |f'''/(2 f'')| at the root, where f' = x^3 - 2x - 5
    limit = 3 * WALLIS_ROOT / (3 * WALLIS_ROOT**2 - 2)
    ratios = [e1 / e0**2 for e0, e1 in itertools.pairwise(errors) if e1 > 1e-13]
    assert len(ratios) == 3
    assert ratios[-1] == pytest.approx(limit, rel=1e-4)
    assert all(r == pytest.approx(limit, rel=0.2) for r in ratios)
    for step in result.steps:  # the slope and curvature autograd gave, by their formulas
        assert step.slope == pytest.approx(step.x**3 - 2 * step.x - 5, rel=1e-12, abs=1e-14)
        assert step.curvature == pytest.approx(3 * step.x**2 - 2, rel=1e-14)


def test_newton_example_prints_each_step(capsys: pytest.CaptureFixture[str]) -> None:
    newton()["main"]()
    out = capsys.readouterr().out
    assert out.count("\n") >= 6 and "2.0945514815423" in out
