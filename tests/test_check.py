"""gradcheck and explain: a correct engine passes, a wrong hand formula fails by name, kinks and
domain edges are reported, and the chain rule trace reproduces seed 004's figures."""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys
from types import ModuleType

import pytest

from micrograd_lite import ShapeError, Value
from micrograd_lite.check import explain, gradcheck

ROOT = pathlib.Path(__file__).resolve().parents[1]


def f(x: Value, y: Value) -> Value:
    return x * y + x.tanh()


def right(x: float, y: float) -> list[float]:
    return [y + 1 - math.tanh(x) ** 2, x]


def drops_a_factor(x: float, y: float) -> list[float]:
    return [y + 1 - math.tanh(x), x]  # tanh' is 1 - tanh^2: the square went missing


def test_correct_engine_passes_against_finite_differences() -> None:
    report = gradcheck(f, [0.3, -1.2])
    assert report.ok and report.passed
    assert [row.name for row in report.rows] == ["x", "y"]  # f's parameter names
    x, y = report.rows
    assert x.autograd == -1.2 + 1 - math.tanh(0.3) ** 2
    assert y.autograd == 0.3
    assert x.numeric == pytest.approx(x.autograd, rel=1e-8)  # h^2 truncation + ulp/h rounding
    assert y.numeric == pytest.approx(0.3, rel=1e-8)
    assert x.abs_error is not None and x.abs_error < 1e-8
    assert "PASS" in str(report)


def test_right_hand_formula_passes() -> None:
    report = gradcheck(f, [0.3, -1.2], expected=right)
    assert report.passed
    assert [row.expected for row in report.rows] == right(0.3, -1.2)
    assert all(row.disagrees == () for row in report.rows)


def test_formula_that_drops_a_factor_fails_and_names_the_input() -> None:
    report = gradcheck(f, [0.3, -1.2], expected=drops_a_factor)
    assert not report.ok and not report.passed
    assert report.failed == ("x",)
    x, y = report.rows
    assert x.disagrees == ("expected",) and y.ok
    assert x.abs_error == pytest.approx(abs(math.tanh(0.3) - math.tanh(0.3) ** 2), rel=1e-12)
    text = str(report)
    x_line = next(line for line in text.splitlines() if line.strip().startswith("x "))
    assert "FAIL (expected disagrees)" in x_line
    assert "FAIL: x (your formula disagrees with autograd by" in text


def test_a_broken_engine_rule_is_caught_by_the_numeric_column() -> None:
    def wrong_slope(x: Value) -> Value:
        out = x * x
        out._da = out._db = 1.0  # corrupt the recorded local derivatives: d(x*x)/dx becomes 2
        return out

    report = gradcheck(wrong_slope, [3.0])
    assert report.failed == ("x",)
    assert report.rows[0].autograd == 2.0
    assert report.rows[0].numeric == pytest.approx(6.0, rel=1e-8)
    assert report.rows[0].disagrees == ("numeric",)


def test_names_fallback_and_override() -> None:
    assert [r.name for r in gradcheck(lambda *v: v[0] * v[1], [1.0, 2.0]).rows] == ["x0", "x1"]
    named = gradcheck(lambda *v: v[0] * v[1], [1.0, 2.0], names=["w", "b"])
    assert [r.name for r in named.rows] == ["w", "b"]
    with pytest.raises(ShapeError, match="1 names for 2 inputs"):
        gradcheck(lambda *v: v[0] * v[1], [1.0, 2.0], names=["w"])
    with pytest.raises(ShapeError, match="expected returned 1 gradients for 2 inputs"):
        gradcheck(f, [0.3, -1.2], expected=lambda x, y: [y])


def test_relu_kink_is_reported_not_passed_or_failed_silently() -> None:
    report = gradcheck(lambda x, y: x.relu() * y, [0.0, -1.2])
    x, y = report.rows
    assert x.unreliable.startswith("relu(x) is within the step of its kink")
    assert x.numeric == pytest.approx(-0.6, rel=1e-6)  # the average of the slopes 0 and -1.2
    assert x.autograd == 0.0 and x.abs_error is None  # shown, not compared
    assert y.unreliable == "" and y.ok  # perturbing y does not move the relu's input
    assert report.verdict == "INCONCLUSIVE" and not report and report.inconclusive == ("x",)
    text = str(report)
    assert "INCONCLUSIVE: nothing settles x" in text
    assert "? x: the finite difference cannot tell: relu(x) is within" in text
    with_formula = gradcheck(lambda x, y: x.relu() * y, [0.0, -1.2], expected=lambda x, y: [0, 0])
    assert with_formula.passed and with_formula.unreliable == ("x",)
    assert "finite differences cannot tell for x" in str(with_formula)


def test_abs_kink_and_a_near_kink() -> None:
    report = gradcheck(lambda x: (x - 1e-7).abs(), [0.0])  # within eps of the kink, crosses it
    assert "abs" in report.rows[0].unreliable
    away = gradcheck(lambda x: (x - 1e-3).abs(), [0.0])  # 1000 steps away: reliable
    assert away.passed and away.rows[0].numeric == pytest.approx(-1.0, rel=1e-8)


def test_near_a_domain_edge_the_step_relative_to_x_stays_inside() -> None:
    report = gradcheck(lambda x: x.log(), [4e-7])  # h = 1e-6 would cross 0; 4e-13 does not
    row = report.rows[0]
    assert row.autograd == 1 / 4e-7
    assert row.numeric == pytest.approx(1 / 4e-7, rel=1e-8) and report.passed


def test_a_step_off_the_domain_cannot_tell() -> None:
    report = gradcheck(lambda x: (x - 1.0).log(), [1.0 + 2**-50])  # 1e-15 from log's edge
    row = report.rows[0]
    assert row.unreliable.startswith("f is undefined at x-h (DomainError: log")
    assert report.verdict == "INCONCLUSIVE" and not report


def test_domain_error_on_both_sides() -> None:
    def f(x: Value) -> Value:
        return (x * 1e9).log() + (x * -1e9).log() if x.data != 0.0 else x

    report = gradcheck(f, [0.0])
    assert report.rows[0].numeric is None
    assert "f is undefined at x+h" in report.rows[0].unreliable
    assert report.verdict == "INCONCLUSIVE"


def test_f_must_return_a_value() -> None:
    with pytest.raises(TypeError, match=r"f must return a Value, got 1.0 \(type float\)"):
        gradcheck(lambda x: 1.0, [2.0])  # type: ignore[arg-type, return-value]


# -- explain -----------------------------------------------------------------------------------


def seed_004() -> tuple[Value, Value, Value]:
    """Seed 004's 1-1-1 linear network, X = 1 -> Y = -1, with the article's names."""
    x = Value(1.0, label="X")
    w_ih = Value(0.15, label="w_ih")
    w_ho = Value(0.3, label="w_ho")
    y = Value(-1.0, label="Y")
    h = x * w_ih
    h.label = "h"
    out = h * w_ho
    out.label = "out"
    e = 0.5 * (out - y) ** 2
    e.label = "E"
    e.backward()
    return e, w_ih, w_ho


def test_explain_seed_004_prints_the_articles_chain() -> None:
    e, w_ih, w_ho = seed_004()
    trace = explain(e, w_ih)
    # every step of the chain is a factor, unlabelled ones named by their expression
    assert str(trace).splitlines()[:2] == [
        "dE/dw_ih = dE/d((out-Y)**2) * d((out-Y)**2)/d(out-Y) * d(out-Y)/dout * dout/dh * dh/dw_ih",
        "         = 0.5 * 2.09 * 1 * 0.3 * 1 = 0.3135",
    ]
    # each factor named by its rule in the graph's own labels, beside its number
    assert "  d((out-Y)**2)/d(out-Y) = 2*(out-Y) = 2.09" in str(trace)
    assert "  dout/dh = w_ho = 0.3" in str(trace) and "out = h*w_ho" in str(trace)
    assert "  dh/dw_ih = X = 1" in str(trace)
    assert trace.total == w_ih.grad == 0.31349999999999995  # worked-examples: bit-exact
    (path,) = trace.paths
    assert [n.label for n in path.nodes] == ["E", "", "", "out", "h", "w_ih"]  # every step kept
    assert path.locals == (0.5, 2 * (0.045 + 1), 1.0, 0.3, 1.0)
    assert path.product == 0.31349999999999995

    trace = explain(e, w_ho)
    assert str(trace).splitlines()[1] == "         = 0.5 * 2.09 * 1 * 0.15 = 0.15675"
    assert "  dout/dw_ho = h = 0.15" in str(trace)
    assert trace.total == w_ho.grad == 0.15674999999999997


def test_x_times_x_has_two_paths_summing_to_2x() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    trace = explain(y, x)
    assert trace.path_count == 2 and trace.omitted == 0
    assert [p.indices for p in trace.paths] == [(0,), (1,)]
    assert [p.product for p in trace.paths] == [3.0, 3.0]
    assert trace.total == 6.0 == x.grad
    text = str(trace)
    assert text.splitlines()[0] == "d(x*x)/dx = 3 + 3 = 6  (2 paths)"
    assert text.splitlines()[1:3] == [
        "  path 1: d(x*x)/dx = 3    [d(x*x)/dx = x]",
        "  path 2: d(x*x)/dx = 3    [d(x*x)/dx = x]",
    ]


def shared_chain(depth: int) -> tuple[Value, Value]:
    """x -> (v*v + v) repeated: 3^depth paths, 3*depth+1 nodes."""
    x = Value(0.3, label="x")
    v = x
    for _ in range(depth):
        v = (v * v + v) * 0.5
    v.backward()
    return v, x


def test_total_matches_grad_and_paths_are_capped() -> None:
    small, x = shared_chain(3)
    trace = explain(small, x, max_paths=1000)
    assert trace.path_count == 27 and len(trace.paths) == 27
    assert trace.total == pytest.approx(x.grad, rel=1e-14)  # another summation order
    assert math.fsum(p.product for p in trace.paths) == trace.total

    big, x = shared_chain(40)  # 3^40 paths: never enumerated
    trace = explain(big, x, max_paths=5)
    assert trace.path_count == 3**40 and len(trace.paths) == 5
    assert trace.omitted == 3**40 - 5
    assert trace.total == x.grad  # per-node sums in backward()'s order: bit-exact
    assert trace.per_node[-1].node is x and trace.per_node[0].node is big
    assert f"{3**40 - 5} more paths not listed" in str(trace)


def test_per_node_accumulation() -> None:
    a = Value(2.0, label="a")
    b = Value(-1.0, label="b")
    c = a * b
    c.label = "c"
    d = c * a + c
    d.label = "d"
    d.backward()
    trace = explain(d, a)
    by_name = {entry.name: entry for entry in trace.per_node}
    assert by_name["c"].grad == c.grad == a.data + 1.0
    # consumers in backward()'s order (reverse topological): d itself, then c*a
    assert [(t.local, t.consumer_grad) for t in by_name["c"].terms] == [(1.0, 1.0), (2.0, 1.0)]
    assert by_name["a"].grad == a.grad == 2 * a.data * b.data + b.data
    assert trace.total == a.grad


def test_explain_edge_cases() -> None:
    x = Value(1.5, label="x")
    z = Value(2.0, label="z")
    y = x.tanh()
    y.backward()
    assert str(explain(y, z)) == "d(tanh(x))/dz = 0: tanh(x) does not depend on z"
    assert explain(y, z).total == 0.0
    assert explain(y, y).total == 1.0
    assert str(explain(y, x)) == f"d(tanh(x))/dx = {1 - math.tanh(1.5) ** 2:.5g}"
    y.backward()  # leaves accumulate: x.grad is now twice d y/d x
    assert "was backward() called exactly once" in str(explain(y, x))
    with pytest.raises(TypeError, match=r"wrt must be a Value, got 2 \(type int\)"):
        explain(y, 2)  # type: ignore[arg-type]


def load_example() -> ModuleType:
    path = ROOT / "examples" / "check_gradient.py"
    spec = importlib.util.spec_from_file_location("check_gradient", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_learner_example_right_passes_wrong_fails() -> None:
    result = load_example().run()
    assert result.right.passed
    assert not result.wrong.ok and result.wrong.failed == ("w",)
    assert result.chain.total == result.right.rows[0].autograd  # same graph, same floats


# -- explain speaks the user's names (issue 17) ---------------------------------------------------


def test_rules_are_spoken_in_the_operands_own_names() -> None:
    # the lecture's graph: the table's generic `d(a*b)/da = b` would clash with the user's b
    a, b, c, f = (Value(x, label=n) for x, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    loss = d * f
    loss.label = "L"
    loss.backward()
    assert str(explain(loss, a)).splitlines() == [
        "dL/da = dL/dd * dd/de * de/da = (-2) * 1 * (-3) = 6",
        "  dL/dd = f = -2    L = d*f",
        "  dd/de = 1         d = e+c",
        "  de/da = b = -3    e = a*b",
    ]
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    swapped = b * a  # operands in the other order: d(b*a)/db = a, whatever the table calls them
    swapped.backward()
    assert str(explain(swapped, b)) == "d(b*a)/db = 2"
    assert explain(swapped, b).total == 2.0 == a.data


def test_unlabelled_steps_are_named_by_their_expression_not_folded() -> None:
    w, x, b = Value(0.5, label="w"), Value(2.0, label="x"), Value(-1.0, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    y.backward()
    trace = explain(y, w)
    (path,) = trace.paths
    assert len(path.locals) == 3  # tanh, +, * : one factor each
    assert str(trace).splitlines() == [
        "dy/dw = dy/d(w*x+b) * d(w*x+b)/d(w*x) * d(w*x)/dw = 1 * 1 * 2 = 2",
        "  dy/d(w*x+b) = 1 - tanh(w*x+b)^2 = 1    y = tanh(w*x+b)",
        "  d(w*x+b)/d(w*x) = 1",
        "  d(w*x)/dw = x = 2",
    ]
    assert path.product == w.grad == 2.0


def test_a_dead_relu_prints_zero_not_minus_zero() -> None:
    x = Value(0.5, label="x")
    y = (x * -1.0).relu() * 2.0
    y.label = "y"
    y.backward()
    trace = explain(y, x)
    assert trace.total == 0.0 and math.copysign(1.0, trace.paths[0].product) == -1.0  # -0.0
    text = str(trace)
    assert "-0" not in text.replace("-0.", "")  # -0.5 may appear, a bare -0 may not
    assert text.splitlines()[0].endswith("= 2 * 0 * (-1) = 0")
    assert "  d(relu(x*(-1)))/d(x*(-1)) = 1 if (x*(-1)) > 0 else 0 = 0" in text


def test_full_keeps_every_digit() -> None:
    e, w_ih, _ = seed_004()
    trace = explain(e, w_ih)
    assert trace.format(full=True).splitlines()[1].endswith("= 0.31349999999999995")
    assert str(trace).splitlines()[1].endswith("= 0.3135")


def test_a_long_chain_shows_its_ends_and_counts_the_middle() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(1000):
        y = y * 1.001
    y.label = "y"
    y.backward()
    text = str(explain(y, x))
    assert "(993 more factors)" in text and len(text.splitlines()) < 20
    assert explain(y, x).total == x.grad
