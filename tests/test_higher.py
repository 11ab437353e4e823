"""Higher-order derivatives (higher.py): gradients as graphs, differentiated again."""

from __future__ import annotations

import math

import pytest

from micrograd_lite import Value, grad, hessian


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
