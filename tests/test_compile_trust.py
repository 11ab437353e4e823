"""compile never returns a number the eager run would not: it agrees bit for bit, or refuses.

Issue 13's cases first (each failed before: a baked-in `.data`, a baked-in branch, a stale
captured Value, a bare OverflowError, a batch returning nan where eager raises), then what a
trace refuses and what it lets through, then property tests over random functions that read
data, branch, capture Values and mutate them between calls.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import MLP, SGD, Value, detect_anomaly
from micrograd_lite.compile import build, compile, trace
from micrograd_lite.errors import DomainError, OpOverflowError, TraceError
from micrograd_lite.expr import parse
from micrograd_lite.node import Node
from micrograd_lite.value import Leaf, creation_hook
from tests.test_compile import OPS as TABLE_OPS

Result = tuple[float, tuple[float, ...]]
HERE = __file__.rsplit("/", 1)[-1]


def eager(fn: Callable[..., Value], xs: Sequence[float]) -> Result:
    args = [Value(x) for x in xs]
    out = fn(*args)
    out.backward()
    return out.data, tuple(a.grad for a in args)


def bits(x: float) -> bytes:
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def outcome(run: Callable[[], Result]) -> object:
    """The result as bytes, or the error as (class, message): what must match exactly."""
    try:
        value, grads = run()
    except (ArithmeticError, ValueError) as e:
        return type(e), str(e)
    return bits(value), tuple(bits(g) for g in grads)


def assign(value: Value, attr: str, result: Value) -> Value:
    """`value.attr = 2.0`, then `result`: a function that writes while traced."""
    setattr(value, attr, 2.0)
    return result


# -- issue 13's cases ---------------------------------------------------------------------------


def test_reading_data_of_a_traced_value_is_refused_naming_the_line() -> None:
    fn: Callable[[Value], Value] = lambda x: x * x.data  # noqa: E731
    assert eager(fn, [2.0])[0] == 4.0  # the compiled function once answered 2.0 here
    with pytest.raises(TraceError, match=r"\.data of a traced Value") as info:
        compile(fn, [1.0])
    assert f"{HERE}:{fn.__code__.co_firstlineno}" in str(info.value)


def test_branching_on_data_of_a_traced_value_is_refused() -> None:
    fn: Callable[[Value], Value] = lambda x: x * x if x.data > 0 else -x  # noqa: E731
    assert eager(fn, [-1.0]) == (1.0, (-1.0,))  # the compiled gradient once was -2
    with pytest.raises(TraceError, match=f"{HERE}:{fn.__code__.co_firstlineno}"):
        compile(fn, [1.0])


def test_a_captured_value_changed_after_compile_is_read_live() -> None:
    w = Value(0.5)
    cf = compile(lambda x: x * w, [1.0])
    w.data = 2.0
    assert cf(1.0) == (2.0, (2.0,))  # once 0.5: the traced number, stale
    assert cf.batch(1.0)[0] == 2.0


def test_overflow_reads_as_eager_in_compiled_and_batch_runs() -> None:
    with pytest.raises(OpOverflowError) as eager_error:
        eager(lambda x: x**2, [1e200])
    message = "**2: the result of a ** n overflows a float; got a = 1e+200"
    assert str(eager_error.value) == message
    cf = compile(lambda x: x**2, [1.0])
    with pytest.raises(OpOverflowError) as compiled_error:  # once a bare OverflowError
        cf(1e200)
    assert str(compiled_error.value) == message
    np = pytest.importorskip("numpy")
    with pytest.raises(OpOverflowError, match=r"^sample 1: \*\*2: the result of a \*\* n"):
        cf.batch(np.array([1.0, 1e200, 1e300]))


def test_batch_raises_the_first_bad_samples_domain_error() -> None:
    np = pytest.importorskip("numpy")
    cf = compile(lambda x: x.log() + x, [1.0])
    with pytest.raises(DomainError) as info:  # once nan, silently
        cf.batch(np.array([1.0, 2.0, 0.5, -1.0, -2.0]))
    assert str(info.value) == (
        "sample 3: log: log(a) is defined only for a > 0 (use a small offset); got a = -1.0"
    )
    with pytest.raises(ZeroDivisionError, match=r"^sample \(1, 0\): /: division by zero"):
        compile(lambda x, y: x / y, [1.0, 1.0]).batch(np.ones((2, 2)), np.array([[1.0], [0.0]]))
    values, _ = cf.batch(np.array([1.0, math.inf]))  # inf is no error in eager: none here
    assert values.tolist() == [1.0, math.inf]


# -- what a trace refuses ------------------------------------------------------------------------


REFUSED: dict[str, Callable[[Value], object]] = {
    ".data": lambda x: x * x.data,
    ".grad": lambda x: x * x.grad,
    "local_grads": lambda x: x * (x * x).local_grads[0],
    "float()": lambda x: x * float(x),
    "int()": lambda x: x * int(x),  # type: ignore[call-overload]
    "round()": lambda x: x * round(x),  # type: ignore[call-overload]
    "formatting": lambda x: x * float(f"{x:.3f}"),
    "using it as an index": lambda x: x * [1.0, 2.0][x],  # type: ignore[call-overload]
    "math.floor()": lambda x: x * math.floor(x),
    "< on a traced": lambda x: x if x < 0.5 else -x,
    "> on a traced": lambda x: x if 0.5 < x else -x,  # noqa: SIM300  # reflected: x.__gt__
    ">= on a traced": lambda x: x if Value(0.5) <= x else -x,  # x's reflected >= goes first
    "bool() on a traced": lambda x: x if x else -x,
    "max": lambda x: max(x, Value(0.0)),
    "setting .data": lambda x: assign(x, "data", x),
    "setting .grad": lambda x: assign(x, "grad", x),
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_reading_a_traced_value_is_refused(what: str) -> None:
    fn = REFUSED[what]
    with pytest.raises(TraceError) as info:
        compile(fn, [1.0])  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("compile(<lambda>): ")
    code = assign.__code__ if what.startswith("setting") else fn.__code__  # the writer's line
    line = code.co_firstlineno + 2 if code is assign.__code__ else code.co_firstlineno
    assert f"{HERE}:{line}" in message  # the innermost line of the user's code
    if what != "max":
        assert what in message


def test_repr_and_str_of_a_traced_value_stay() -> None:
    shown: list[str] = []

    def fn(x: Value) -> Value:
        shown.append(repr(x))
        shown.append(str(x * 2.0))
        return x * 3.0

    assert compile(fn, [1.5])(2.0) == (6.0, (3.0,))
    assert shown == ["Value(data=1.5, grad=0.0)", "Value(data=3.0, grad=0.0)"]


def test_a_swallowed_refusal_still_fails_the_compile() -> None:
    def fn(x: Value) -> Value:
        try:
            scale = x.data
        except TraceError:
            scale = 1.0
        return x * scale

    with pytest.raises(TraceError, match=r"\.data of a traced Value"):
        compile(fn, [2.0])


def test_the_librarys_own_reads_go_on() -> None:
    # ops read their inputs' data (/ checks its divisor, Plan.fire its weights and inputs,
    # expressions their constants): all while tracing, all replayed by the table's rules
    for fused in (True, False):
        net = MLP(2, [3, 1], seed=1, fused=fused)

        def loss(a: Value, b: Value, net: MLP = net) -> Value:
            out = net([a, b])
            assert isinstance(out, Value)
            return (out - 0.5) ** 2 / (a * a + 1.0)

        cf = compile(loss, [0.1, 0.2])
        for xs in ([0.3, -0.7], [2.0, 1.5]):
            assert cf(*xs) == eager(loss, xs)
    expr = parse("x * y + tanh(x) / (1 + y ** 2)")
    cf = compile(lambda x, y: expr.evaluate({"x": x, "y": y}), [1.0, 2.0])
    assert cf(0.3, -1.2) == eager(lambda x, y: expr.evaluate({"x": x, "y": y}), [0.3, -1.2])


def test_tracing_leaves_every_value_plain_again() -> None:
    kept: list[Value] = []

    def fn(x: Value) -> Value:
        y = x * 2.0
        kept.extend([x, y])
        return y.tanh()

    compile(fn, [1.0])
    assert [type(v) for v in kept] == [Leaf, Value] and kept[1].data == 2.0  # the argument a leaf
    assert "data" not in Value.__dict__ and "grad" not in Value.__dict__  # the slots again
    assert getattr(Value, "data") is Node.__dict__["data"]  # noqa: B009  # the plain slot
    assert creation_hook() is None
    with pytest.raises(ZeroDivisionError):  # and after a function that raised
        compile(lambda x: x / (x - x), [1.0])
    assert "data" not in Value.__dict__ and creation_hook() is None


def test_anomaly_mode_keeps_its_hook_through_a_trace() -> None:
    with detect_anomaly():
        hook = creation_hook()
        cf = compile(lambda x: (x * x).log(), [2.0])
        assert creation_hook() is hook
        with pytest.raises(FloatingPointError):
            compile(lambda x: x * 1e308 * 10.0, [1.0])  # inf: anomaly mode's error
    assert cf(3.0) == eager(lambda x: (x * x).log(), [3.0])


def test_compiling_inside_a_traced_function_is_refused() -> None:
    def outer(x: Value) -> Value:
        compile(lambda y: y * 2.0, [1.0])
        return x

    with pytest.raises(TraceError, match="another function is being traced"):
        compile(outer, [1.0])


# -- captured Values ------------------------------------------------------------------------------


def test_a_captured_value_whose_data_was_read_must_not_change() -> None:
    w = Value(2.0, label="w")
    fn: Callable[[Value], Value] = lambda x: x * w.data  # noqa: E731
    cf = compile(fn, [1.0])
    assert "2.0" in cf.source  # a constant, as the function made it
    assert cf(3.0) == (6.0, (2.0,)) == eager(fn, [3.0])
    w.data = 5.0
    with pytest.raises(TraceError) as info:
        cf(3.0)
    assert str(info.value) == (
        "the captured Value 'w' changed since compile(<lambda>) (its data was 2.0 and is now "
        f"5.0; the trace read it at {__file__}:{fn.__code__.co_firstlineno}): pass it as an "
        "argument or compile again"
    )
    pytest.importorskip("numpy")
    with pytest.raises(TraceError, match="changed since"):
        cf.batch(3.0)
    w.data = 2.0  # back to the traced number (same bits): fine again
    assert cf(3.0) == (6.0, (2.0,))


def test_a_branch_on_a_captured_value_is_watched() -> None:
    w = Value(1.0)
    fn: Callable[[Value], Value] = lambda x: x * x if w > 0 else -x  # noqa: E731
    cf = compile(fn, [3.0])
    assert cf(-1.0) == eager(fn, [-1.0]) == (1.0, (-2.0,))
    w.data = -0.0  # the other branch now: the compiled function refuses, eager takes it
    assert eager(fn, [-1.0]) == (1.0, (-1.0,))
    with pytest.raises(TraceError, match="changed since"):
        cf(-1.0)


def test_reading_a_node_made_from_a_captured_value_watches_that_value() -> None:
    w = Value(3.0)
    cf = compile(lambda x: x * (w * w).data + x * w, [1.0])
    assert cf(2.0) == (24.0, (12.0,))
    w.data = 1.0
    with pytest.raises(TraceError, match=r"its data was 3\.0 and is now 1\.0"):
        cf(2.0)


def test_a_captured_interior_node_is_read_live_not_recomputed() -> None:
    w = Value(0.5)
    h = w * 2.0  # made before the trace: eager reads h.data, it does not recompute it
    cf = compile(lambda x: x * h, [1.0])
    assert "* 2.0" not in cf.source
    h.data = 3.0
    assert cf(2.0) == eager(lambda x: x * h, [2.0]) == (6.0, (3.0,))


def test_another_threads_values_are_none_of_the_traces_business() -> None:
    import threading

    seen: list[bool] = []
    started, go_on = threading.Event(), threading.Event()

    def other() -> None:
        started.wait()
        v = Value(2.0)
        seen.append(v > 1.0 and v.grad == 0.0)  # while the main thread traces
        go_on.set()

    def fn(x: Value) -> Value:
        started.set()
        go_on.wait(timeout=10)
        return x * 2.0

    thread = threading.Thread(target=other)
    thread.start()
    cf = compile(fn, [1.0])
    thread.join()
    assert seen == [True] and cf(3.0) == (6.0, (2.0,))


def test_captured_values_may_not_be_changed_or_have_grads_read_while_tracing() -> None:
    w = Value(1.0)
    with pytest.raises(TraceError, match=r"setting \.data while tracing"):
        compile(lambda x: assign(w, "data", x * w), [1.0])
    with pytest.raises(TraceError, match=r"reading \.grad while tracing"):
        compile(lambda x: x * w.grad, [1.0])
    sgd = SGD([w], lr=0.1)

    def step_inside(x: Value) -> Value:
        y = x * w
        w.grad = 1.0
        sgd.step()  # the library changes w: a side effect the replay would not repeat
        return y

    with pytest.raises(TraceError, match="changed while the function was traced"):
        compile(step_inside, [1.0])


# -- errors: eager's, in eager's order ------------------------------------------------------------


def test_an_op_whose_result_is_dropped_still_raises_as_eager() -> None:
    def fn(x: Value) -> Value:
        x.log()  # dropped, but an eager run still takes the log (and raises for x <= 0)
        return x * 2.0

    cf = compile(fn, [1.0])
    assert cf(3.0) == (6.0, (2.0,))
    assert outcome(lambda: cf(-1.0)) == outcome(lambda: eager(fn, [-1.0]))
    assert outcome(lambda: cf(-1.0))[0] is DomainError  # type: ignore[index]


def test_two_failing_ops_raise_the_one_eager_meets_first_even_folded() -> None:
    def fn(x: Value, y: Value) -> Value:
        big = x.exp()  # overflows at 1000, first
        return big + y.log()  # log(-1) fails second; folded code evaluates it first

    want = outcome(lambda: eager(fn, [1000.0, -1.0]))
    assert want[0] is OpOverflowError  # type: ignore[index]
    for fold in (False, True):
        cf = build(trace(fn, [1.0, 1.0]), fold=fold)
        assert outcome(lambda: cf(1000.0, -1.0)) == want  # noqa: B023
    assert outcome(lambda: cf(1.0, -1.0)) == outcome(lambda: eager(fn, [1.0, -1.0]))


def test_infinite_slopes_still_answer_as_eager() -> None:
    fn: Callable[[Value], Value] = lambda x: x.sqrt() + x**0.5  # noqa: E731
    assert compile(fn, [1.0])(0.0) == eager(fn, [0.0]) == (0.0, (math.inf,))


# -- property tests: random functions, eager against compiled ------------------------------------

# Each instruction makes one node from two earlier ones (picked by index among the arguments,
# the captured Values and the nodes made so far) and a constant; some read data or branch.
Make = Callable[[Value, Value, float], Value]
SAFE: dict[str, Make] = {  # test_compile's ops, and two more with a domain or an IEEE edge
    **TABLE_OPS,
    "sqrt": lambda a, b, c: a.sqrt(),
    "sin": lambda a, b, c: a.sin(),
}
HAZARDS: dict[str, Make] = {  # what a trace must refuse on traced Values, or watch
    "read": lambda a, b, c: a * a.data,
    "read_made": lambda a, b, c: b * (a * c).data,
    "format": lambda a, b, c: a * float(f"{a.data:.3g}"),
    "branch": lambda a, b, c: a * b if a > c else b - a,
    "bool": lambda a, b, c: a if a else b,
    "max": lambda a, b, c: max(a, b),
    "dropped": lambda a, b, c: (a.log(), b * c)[1],  # an op whose result is dropped
}
OPS = {**SAFE, **HAZARDS}
Instr = tuple[str, int, int, float]

normal = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
extreme = st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-200, 1e200, -1e200, 710.0, math.inf])
points = st.one_of(normal, normal, extreme)  # domain edges and overflows now and then
program = st.lists(
    st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 99), st.integers(0, 99), normal),
    min_size=1,
    max_size=10,
)


def make_fn(instrs: list[Instr], captured: list[Value]) -> Callable[..., Value]:
    def fn(*args: Value) -> Value:
        nodes = [*args, *captured]
        for name, i, j, c in instrs:
            nodes.append(OPS[name](nodes[i % len(nodes)], nodes[j % len(nodes)], c))
        return nodes[-1] + nodes[0]  # the result depends on an argument

    return fn


@given(
    instrs=program,
    traced=st.lists(normal, min_size=1, max_size=3),
    captured=st.lists(normal, max_size=2),
    data=st.data(),
)
def test_compiled_equals_eager_or_refuses(
    instrs: list[Instr], traced: list[float], captured: list[float], data: st.DataObject
) -> None:
    ws = [Value(w) for w in captured]
    fn = make_fn(instrs, ws)
    try:
        cf = compile(fn, traced)
    except TraceError:
        return  # refused at compile time: it read or branched on a traced Value
    except (ArithmeticError, ValueError) as e:  # the trace is an eager run: its error
        assert outcome(lambda: eager(fn, traced)) == (type(e), str(e))
        return
    folded = build(trace(fn, traced), fold=True)
    n = len(traced)
    for _ in range(3):  # new points, after changing the captured Values (or not)
        changed = False
        for w in ws:
            if data.draw(st.booleans()):
                new = data.draw(points)
                changed = changed or bits(new) != bits(w.data)
                w.data = new
        xs = data.draw(st.lists(points, min_size=n, max_size=n))
        want = outcome(lambda: eager(fn, xs))  # noqa: B023
        for f in (cf, folded):
            try:
                got = outcome(lambda: f(*xs))  # noqa: B023
            except TraceError as e:  # only for a captured Value the trace read, once changed
                assert changed or "changed since" in str(e), e
                assert "changed since" in str(e)
                continue
            assert got == want, (instrs, xs, f.full_source)


@given(
    instrs=program,
    traced=st.lists(normal, min_size=1, max_size=2),
    data=st.data(),
)
def test_batch_raises_eagers_first_error_or_agrees(
    instrs: list[Instr], traced: list[float], data: st.DataObject
) -> None:
    np = pytest.importorskip("numpy")
    fn = make_fn(instrs, [])
    try:
        cf = compile(fn, traced)
    except (TraceError, ArithmeticError, ValueError):
        return
    rows = data.draw(
        st.lists(st.lists(points, min_size=len(traced), max_size=len(traced)), max_size=5)
    )
    rows = [traced, *rows]
    columns = [np.array(col) for col in zip(*rows, strict=True)]
    wants = [outcome(lambda: eager(fn, xs)) for xs in rows]  # noqa: B023
    bad = [k for k, w in enumerate(wants) if isinstance(w, tuple) and isinstance(w[0], type)]
    if bad:
        kind, message = cast(tuple[type[Exception], str], wants[bad[0]])
        with pytest.raises(kind) as info:
            cf.batch(*columns)
        assert str(info.value) == f"sample {bad[0]}: {message}"
        return
    values, grads = cf.batch(*columns)
    for k, (value, grad) in enumerate(cf(*xs) for xs in rows):
        for got, w in (
            (values[k], value),
            *((g[k], gw) for g, gw in zip(grads, grad, strict=True)),
        ):
            # numpy's transcendental functions may differ in the last bits (batch.py)
            assert math.isnan(w) == math.isnan(got) and (
                got == pytest.approx(w, rel=1e-9, abs=1e-300) or not math.isfinite(w)
            ), (instrs, rows[k])
