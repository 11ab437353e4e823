"""compile(): the replay equals the eager run bit for bit; tracing refuses data-dependent code."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import Value
from micrograd_lite.backward import topo_order
from micrograd_lite.compile import SOURCE_LIMIT, build, compile, trace
from micrograd_lite.errors import GraphError, TraceError

Instr = tuple[str, int, int, float]


def bits(x: float) -> bytes:
    """The float's 8 bytes, with every NaN alike (bit-exact means: same bits, or both NaN)."""
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def same(a: float, b: float) -> bool:
    return bits(a) == bits(b)


# Each instruction makes one node from two earlier nodes (picked by index) and a constant.
OPS: dict[str, Callable[[Value, Value, float], Value]] = {
    "+": lambda a, b, c: a + b,
    "-": lambda a, b, c: a - b,
    "*": lambda a, b, c: a * b,
    "/": lambda a, b, c: a / b,
    "/safe": lambda a, b, c: a / (b * b + 0.5),
    "c+": lambda a, b, c: c + a,
    "c-": lambda a, b, c: c - a,
    "-c": lambda a, b, c: a - c,
    "c*": lambda a, b, c: c * a,
    "c/": lambda a, b, c: c / a,
    "neg": lambda a, b, c: -a,
    "relu": lambda a, b, c: a.relu(),
    "tanh": lambda a, b, c: a.tanh(),
    "sigmoid": lambda a, b, c: a.sigmoid(),
    "exp": lambda a, b, c: a.tanh().exp(),
    "exp_raw": lambda a, b, c: a.exp(),
    "log": lambda a, b, c: a.log(),
    "log_safe": lambda a, b, c: (a * a + 0.25).log(),
    "abs": lambda a, b, c: abs(a),
    "**2": lambda a, b, c: a**2,
    "**3": lambda a, b, c: a**3,
    "**-1": lambda a, b, c: a**-1,
    "**0.5": lambda a, b, c: a**0.5,
    "**1.5": lambda a, b, c: (a * a) ** 1.5,
    "**0": lambda a, b, c: a**0,
    "**c": lambda a, b, c: a ** round(c),
    "**b": lambda a, b, c: a**b,
    "**b_safe": lambda a, b, c: (abs(a) + 0.5) ** b.tanh(),
    "c**": lambda a, b, c: 2.0**a,
    "affine": lambda a, b, c: Value.affine([a, b], [b, c], a),
    "affine_nobias": lambda a, b, c: Value.affine([a, b, a], [c, a, b]),
}

instrs = st.lists(
    st.tuples(
        st.sampled_from(sorted(OPS)),
        st.integers(0, 1000),
        st.integers(0, 1000),
        st.floats(-3.0, 3.0, allow_nan=False),
    ),
    min_size=1,
    max_size=14,
)
floats = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def make_fn(program: list[Instr], n_args: int, outputs: int) -> Callable[..., Value]:
    def fn(*args: Value) -> Value:
        nodes = list(args)
        for name, i, j, c in program:
            nodes.append(OPS[name](nodes[i % len(nodes)], nodes[j % len(nodes)], c))
        out = nodes[-1]
        for extra in nodes[-outputs:-1]:  # sum a few late nodes: more fan-in, more reuse
            out = out + extra
        # every op reaches the result: an op outside the graph is not replayed, so its domain
        # error (raised eagerly) would be missing from the replay
        reached = set(topo_order(out))
        for dead in nodes[len(args) : -outputs]:
            if dead not in reached:
                out = out + dead
        return out

    return fn


def eager(fn: Callable[..., Value], xs: Sequence[float]) -> tuple[float, tuple[float, ...]]:
    args = [Value(x) for x in xs]
    out = fn(*args)
    out.backward()
    return out.data, tuple(a.grad for a in args)


def outcome(run: Callable[[], tuple[float, tuple[float, ...]]]) -> object:
    """The result as bytes, or "error" for a domain error or overflow.

    Which error: the replay runs ops in graph order, which may differ from the order the
    function called them, so when two ops fail the other may be reported first.
    """
    try:
        value, grads = run()
    except (ZeroDivisionError, OverflowError, ValueError):
        return "error"
    return bits(value), tuple(bits(g) for g in grads)


@given(
    program=instrs,
    traced=st.lists(floats, min_size=1, max_size=4),
    data=st.data(),
    outputs=st.integers(1, 3),
)
def test_replay_equals_eager_bit_for_bit(
    program: list[Instr], traced: list[float], data: st.DataObject, outputs: int
) -> None:
    fn = make_fn(program, len(traced), outputs)
    try:
        cf = compile(fn, traced)
    except (ZeroDivisionError, OverflowError, ValueError) as e:
        with pytest.raises(type(e)):
            eager(fn, traced)
        return
    folded = build(trace(fn, traced), fold=True)  # what compile does for big graphs
    # at the traced point, and at a new point: the program does not depend on the trace's data
    for xs in (traced, data.draw(st.lists(floats, min_size=len(traced), max_size=len(traced)))):
        expected = outcome(lambda: eager(fn, xs))  # noqa: B023  # called at once
        got = outcome(lambda: cf(*xs))  # noqa: B023
        assert got == expected, (program, xs, cf.full_source)
        got = outcome(lambda: folded(*xs))  # noqa: B023
        assert got == expected, (program, xs, folded.full_source)


def test_small_example_by_hand() -> None:
    cf = compile(lambda x, y: x * y + x.tanh(), [1.0, 2.0])
    value, (dx, dy) = cf(0.5, -2.0)
    assert value == 0.5 * -2.0 + math.tanh(0.5)
    assert dx == -2.0 + (1.0 - math.tanh(0.5) ** 2)
    assert dy == 0.5


def test_unused_argument_gets_zero_gradient() -> None:
    cf = compile(lambda x, unused, z: x * z, [1.0, 2.0, 3.0])
    value, grads = cf(2.0, 5.0, 4.0)
    assert value == 8.0
    assert grads == (4.0, 0.0, 2.0)
    assert "unused" in cf.source


def test_wrt_selects_gradients_in_the_given_order() -> None:
    fn: Callable[..., Value] = lambda w0, w1, x0, x1, y: (y - (w0 * x0 + w1 * x1)) ** 2  # noqa: E731
    full = compile(fn, [0.1, 0.2, 1.0, 2.0, 3.0])
    part = compile(fn, [0.1, 0.2, 1.0, 2.0, 3.0], wrt=(1, 0))
    value, grads = full(0.5, -0.5, 2.0, 1.0, 4.0)
    assert part(0.5, -0.5, 2.0, 1.0, 4.0) == (value, (grads[1], grads[0]))
    assert "g_y" not in part.source and "g_x0" not in part.source
    with pytest.raises(ValueError, match="distinct argument position"):
        compile(fn, [0.1, 0.2, 1.0, 2.0, 3.0], wrt=(0, 0))


def test_returning_an_argument() -> None:
    cf = compile(lambda x, y: y, [1.0, 2.0])
    assert cf(3.0, 7.0) == (7.0, (0.0, 1.0))


def test_repeated_input_accumulates_both_terms() -> None:
    cf = compile(lambda x: x * x * x, [1.0])
    assert cf(3.0) == (27.0, (27.0,))


def test_list_argument_with_unpack_false() -> None:
    def total(xs: list[Value]) -> Value:
        return sum((x * x for x in xs), Value(0.0))

    cf = compile(total, [1.0, 2.0, 3.0], unpack=False)
    assert cf(1.0, -2.0, 0.5) == (5.25, (2.0, -4.0, 1.0))
    assert cf.n_args == 3


def test_a_captured_value_is_read_at_every_call() -> None:
    w = Value(0.5, label="w")
    cf = compile(lambda x: x * w, [1.0])
    w.data = 2.0  # once baked in as 0.5 (issue 13): now read live, as the eager run reads it
    assert cf(1.0) == (2.0, (2.0,)) == eager(lambda x: x * w, [1.0])
    assert "w = _captured_0.data" in cf.source


def test_gradient_signs_of_zero_match_eager() -> None:
    # relu at a negative point sends -0.0 * g; backward() adds it to a leaf grad of 0.0
    fn: Callable[..., Value] = lambda x: (x * -1.0).relu() * 3.0  # noqa: E731
    cf = compile(fn, [1.0])
    value, (dx,) = cf(1.0)
    ev, (edx,) = eager(fn, [1.0])
    assert same(value, ev)
    assert same(dx, edx)


def test_labels_name_the_variables() -> None:
    def neuron(w: Value, x: Value, b: Value) -> Value:
        z = w * x + b
        z.label = "z"
        return z.tanh()

    cf = compile(neuron, [0.5, 2.0, 0.1])
    assert "    z = v1 + b  # +" in cf.source
    assert "g_z = (1.0 - v2 * v2) * g_v2" in cf.source
    assert "g_w = x * g_z" in cf.source  # g_v1 is g_z: d(a+b)/da = 1


def test_a_label_shaped_like_a_gradient_name_keeps_its_own_variable() -> None:
    def fn(x: Value) -> Value:
        z = x * 3.0
        z.label = "g_v2"  # once clashed with the gradient variable of the fresh name v2
        return z * x * x

    cf = compile(fn, [2.0])
    assert "g_v2 = x * 3.0" in cf.source
    assert cf(2.0) == eager(fn, [2.0]) == (24.0, (36.0,))


def test_big_graph_source_is_elided() -> None:
    def chain(x: Value) -> Value:
        for _ in range(SOURCE_LIMIT + 1):
            x = x * 1.0001
        return x

    cf = compile(chain, [1.0])
    assert "lines elided" in cf.source
    assert len(cf.full_source.splitlines()) > len(cf.source.splitlines())
    assert cf(2.0) == eager(chain, [2.0])


def test_folded_source_pastes_values_read_once() -> None:
    fn: Callable[..., Value] = lambda w, x, b: (w * x + b * x).tanh() * (w - (x + b))  # noqa: E731
    args = [0.5, 2.0, 0.1]
    cf = build(trace(fn, args), fold=True)
    # the products and their sums are each read once, by ops whose local derivatives do not
    # read them (tanh's reads its output, and `*` its inputs: those keep their lines); a
    # pasted value is parenthesised only where Python would group it otherwise
    assert "    v4 = tanh(w * x + b * x)" in cf.source
    assert "    v6 = w - (x + b)" in cf.source
    assert "    g_x = g_v5 + b * g_v3 + w * g_v3" in cf.source  # backward()'s order
    assert cf(0.25, -3.0, 1.5) == compile(fn, args)(0.25, -3.0, 1.5)


def test_folding_a_big_graph_bounds_nesting_and_sum_lengths() -> None:
    # a 600-term sum (nested 600 deep if every partial sum were pasted) whose gradient for x
    # has 1,200 terms: both must be split into lines CPython accepts, with the same floats
    def many(x: Value, y: Value) -> Value:
        total = x * y
        for i in range(600):
            total = total + (x * (0.5 + i)).tanh() * x
        return total

    cf = compile(many, [0.3, -0.2])
    assert "lines elided" in cf.source
    assert len(cf.full_source.splitlines()) < 2 * cf.n_ops
    for xs in ([0.3, -0.2], [-1.5, 2.0]):
        assert cf(*xs) == eager(many, xs)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x if x > 0 else -x,
        lambda x: x.relu() if bool(x) else x,
        lambda x: max(x, Value(0.0)),
    ],
    ids=["compare", "bool", "max"],
)
def test_branching_on_data_while_tracing_is_refused(fn: Callable[[Value], Value]) -> None:
    with pytest.raises(TraceError, match="while tracing") as info:
        compile(fn, [1.0])
    assert "compile(<lambda>)" in str(info.value)
    assert Value(1.0) > 0.5  # outside tracing, comparisons work again


def test_non_value_result_is_refused() -> None:
    with pytest.raises(TraceError, match="must return a Value"):
        compile(lambda x: 3.0, [1.0])  # type: ignore[arg-type,return-value]


def test_node_without_local_derivatives_is_refused() -> None:
    with pytest.raises(GraphError, match="local derivative"):
        compile(lambda x: Value(2.0, (x,), "mystery"), [1.0])


def test_domain_errors_match_eager() -> None:
    cf = compile(lambda x, y: x / y + (x**0.5), [1.0, 2.0])
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        cf(1.0, 0.0)
    with pytest.raises(ValueError, match="fractional power"):
        cf(-1.0, 2.0)


def test_trace_program_counts_ops() -> None:
    program = trace(lambda a, b: (a * b).relu() + 1.0, [1.0, 2.0])
    assert program.n_ops == 3
    assert program.args == ("a", "b")


# -- batch replay over numpy arrays -------------------------------------------------------------

np = pytest.importorskip("numpy")

# numpy's transcendental functions may differ from the math module's in the last bit or two,
# and a difference can grow through a few ops: 1e-12 relative is far below any real mismatch.
BATCH_RTOL = 1e-12


@given(program=instrs, traced=st.lists(floats, min_size=1, max_size=3), data=st.data())
def test_batch_matches_scalar_replay(
    program: list[Instr], traced: list[float], data: st.DataObject
) -> None:
    fn = make_fn(program, len(traced), 2)
    try:
        cf = compile(fn, traced)
    except (ZeroDivisionError, OverflowError, ValueError):
        return
    rows = data.draw(
        st.lists(
            st.lists(floats, min_size=len(traced), max_size=len(traced)), min_size=1, max_size=5
        )
    )
    columns = [np.array(col) for col in zip(*rows, strict=True)]
    for k, xs in enumerate(rows):  # the batch raises the first sample's error, as cf does
        try:
            cf(*xs)
        except (ZeroDivisionError, OverflowError, ValueError) as e:
            with pytest.raises(type(e)) as info:
                cf.batch(*columns)
            assert str(info.value) == f"sample {k}: {e}"
            return
    values, grads = cf.batch(*columns)
    from micrograd_lite.compile.batch import build_batch

    with np.errstate(all="ignore"):  # as run_batch calls it
        folded = build_batch(cf.program, fold=True)(*columns)
    for got, want in zip((folded[0], *folded[1]), (values, *grads), strict=True):
        assert np.array_equal(np.broadcast_to(got, want.shape), want, equal_nan=True)
    for k, xs in enumerate(rows):
        value, grad = cf(*xs)
        pairs = [(values[k], value), *((g[k], w) for g, w in zip(grads, grad, strict=True))]
        # a last-bit difference grows through cancellation (terms of ~1 summing to ~1e-7):
        # allow BATCH_RTOL of the largest number this sample produced, too
        scale = max([1.0] + [abs(w) for _, w in pairs if math.isfinite(w)])
        for got, want in pairs:
            if math.isfinite(want):
                assert float(got) == pytest.approx(want, rel=BATCH_RTOL, abs=BATCH_RTOL * scale)
            else:
                assert not math.isfinite(float(got)) or want != want


def test_batch_broadcasts_scalars_and_covers_unused_arguments() -> None:
    cf = compile(lambda w, x, unused: (w * x).relu(), [1.0, 1.0, 0.0])
    values, (gw, gx, gu) = cf.batch(2.0, np.array([-1.0, 0.5, 3.0]), 0.0)
    assert values.tolist() == [0.0, 1.0, 6.0]
    assert gw.tolist() == [0.0, 0.5, 3.0]
    assert gx.tolist() == [0.0, 2.0, 2.0]
    assert gu.tolist() == [0.0, 0.0, 0.0]


def test_batch_spreads_each_constant_gradient_over_the_samples() -> None:
    # every gradient a plain float: each must fill its own row, not be read as one row
    cf = compile(lambda a, b: a + a, [0.0, 0.0])
    values, (ga, gb) = cf.batch(np.array([0.0, 1.0, 2.0]), np.array([5.0, 5.0, 5.0]))
    assert values.tolist() == [0.0, 2.0, 4.0]
    assert ga.tolist() == [2.0, 2.0, 2.0]
    assert gb.tolist() == [0.0, 0.0, 0.0]
    value, (ga0, gb0) = cf.batch(1.0, 2.0)  # all scalars: 0-d arrays
    assert value.shape == ga0.shape == gb0.shape == ()
    assert (float(value), float(ga0), float(gb0)) == (2.0, 2.0, 0.0)


def test_batch_wrong_argument_count() -> None:
    cf = compile(lambda a, b: a * b, [1.0, 2.0])
    with pytest.raises(TypeError, match="takes 2 arguments"):
        cf.batch(np.zeros(3))


def test_batch_gradients_of_aliased_names_stay_separate() -> None:
    # g_x0 and g_x1 both start as g(x0 + x1); a later in-place `g_x0 += ...` on a shared numpy
    # array used to change g_x1 too (found by the property test above)
    cf = compile(lambda x0, x1: x0 * x0 + (x0 + x1) ** -1, [0.0, 1.0])
    value, grads = cf(1.0, 0.0)
    values, batch_grads = cf.batch(np.array([1.0]), np.array([0.0]))
    assert values[0] == value and (batch_grads[0][0], batch_grads[1][0]) == grads == (1.0, -1.0)
