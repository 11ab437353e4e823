"""Shared helpers for the tests: central differences and a few strategies."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import hypothesis
from hypothesis import strategies as st

# CI (CI=true) replays a fixed sequence of examples, so a red run is reproducible and never a
# roll of the dice; local runs draw new examples each time and keep exploring.
hypothesis.settings.register_profile("ci", deadline=None, max_examples=100, derandomize=True)
hypothesis.settings.register_profile("dev", deadline=None, max_examples=100)
hypothesis.settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Finite differences of order h^2 with h = 1e-6 agree with exact derivatives to ~1e-8 relative
# for the smooth, moderately scaled functions drawn here; 1e-5 leaves room for cancellation.
FD_STEP = 1e-6
FD_RTOL = 1e-5
FD_ATOL = 1e-6


def central_difference(f: Callable[..., float], xs: Sequence[float], i: int) -> float:
    """(f(x + h e_i) - f(x - h e_i)) / 2h, with h scaled to x_i."""
    h = FD_STEP * max(1.0, abs(xs[i]))
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (up[i] - down[i])


moderate = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
