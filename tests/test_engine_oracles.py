"""Random expression graphs over every op: values and gradients against torch float64 and
against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import Value
from tests.conftest import central_difference

# Each step: (name, arity, how to apply it). The same function runs on Values, on torch tensors
# and on floats, so all three engines compute exactly the same expression. Inputs are shaped to
# stay in each op's domain (log of a^2 + 1, division by b^2 + 1, ...).
STEPS: list[tuple[str, int, Callable[..., Any]]] = [
    ("add", 2, lambda a, b: a + b),
    ("sub", 2, lambda a, b: a - b),
    ("mul", 2, lambda a, b: a * b),
    ("div", 2, lambda a, b: a / (b * b + 1.0)),
    ("rdiv", 1, lambda a: 2.0 / (a * a + 0.5)),
    ("neg", 1, lambda a: -a),
    ("pow2", 1, lambda a: a**2),
    ("pow3", 1, lambda a: a**3),
    ("sqrt", 1, lambda a: (a * a + 1.0) ** 0.5),
    ("powv", 2, lambda a, b: (a * a + 0.5) ** b.tanh()),
    ("rpow", 1, lambda a: 2.0 ** a.tanh()),
    ("tanh", 1, lambda a: a.tanh()),
    ("sigmoid", 1, lambda a: a.sigmoid()),
    ("exp", 1, lambda a: a.tanh().exp()),
    ("log", 1, lambda a: (a * a + 1.0).log()),
    ("relu", 1, lambda a: a.relu()),
    ("abs", 1, lambda a: abs(a)),
    ("radd", 1, lambda a: 1.5 + a),
    ("rmul", 1, lambda a: 0.7 * a),
    ("rsub", 1, lambda a: 1.0 - a),
]
SMOOTH = [s for s in STEPS if s[0] not in ("relu", "abs")]

Program = list[tuple[int, int, int]]  # (step index, operand i, operand j) over the node pool


def programs(steps: list[tuple[str, int, Callable[..., Any]]], n_inputs: int) -> Any:
    def one(i: int) -> Any:
        pool = n_inputs + i
        return st.tuples(
            st.integers(0, len(steps) - 1), st.integers(0, pool - 1), st.integers(0, pool - 1)
        )

    return st.integers(1, 12).flatmap(lambda n: st.tuples(*[one(i) for i in range(n)]))


def run(program: Program, steps: list[Any], inputs: list[Any], clip: Callable[[Any], Any]) -> Any:
    pool = list(inputs)
    for k, i, j in program:
        _, arity, f = steps[k]
        out = f(pool[i], pool[j]) if arity == 2 else f(pool[i])
        pool.append(clip(out))
    return pool[-1]


def bounded(v: Any) -> Any:
    """Keep values moderate between steps (tanh-squash then scale), identically in all engines."""
    return v.tanh() * 3.0


xs_strategy = st.lists(
    st.floats(-2.0, 2.0, allow_nan=False).filter(lambda x: abs(x) > 1e-3), min_size=3, max_size=3
)


@given(program=programs(STEPS, 3), xs=xs_strategy)
def test_random_graphs_match_torch_float64(program: Program, xs: list[float]) -> None:
    torch = pytest.importorskip("torch")
    ours = [Value(x) for x in xs]
    out = run(program, STEPS, ours, bounded)
    out.backward()
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    expected = run(program, STEPS, theirs, bounded)
    expected.backward()
    # float64 both sides; op-by-op roundings differ (e.g. torch's tanh), so not bit-exact
    assert out.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(ours, theirs, strict=True):
        want = 0.0 if t.grad is None else t.grad.item()
        assert v.grad == pytest.approx(want, rel=1e-9, abs=1e-10)


@given(program=programs(SMOOTH, 3), xs=xs_strategy)
def test_random_smooth_graphs_match_central_differences(program: Program, xs: list[float]) -> None:
    def f(*floats: float) -> float:
        return float(run(program, SMOOTH, [Value(x) for x in floats], bounded).data)

    ours = [Value(x) for x in xs]
    run(program, SMOOTH, ours, bounded).backward()
    for i, v in enumerate(ours):
        numeric = central_difference(f, xs, i)
        # h = 1e-6: truncation ~h^2 * f''' and rounding ~1e-16/h; graphs stay within |f'''| ~ 1e3
        assert math.isclose(v.grad, numeric, rel_tol=1e-4, abs_tol=1e-5), (v.grad, numeric)
