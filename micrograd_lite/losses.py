"""The losses the worked examples and micrograd's demo use, built from ops (so they render)."""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lite.value import Number, Value, as_float


def squared_error(prediction: Value, target: Value | Number) -> Value:
    """(prediction - target)^2.  d/dprediction = 2 * (prediction - target)."""
    return (prediction - target) ** 2


def half_squared_error(prediction: Value, target: Value | Number) -> Value:
    """1/2 (prediction - target)^2.  d/dprediction = prediction - target."""
    return 0.5 * (prediction - target) ** 2


def hinge(score: Value, label: Number) -> Value:
    """max(0, 1 - label * score), micrograd's SVM loss for labels -1 / +1."""
    return (1 + -as_float(label, "hinge: label") * score).relu()


def mean(values: Sequence[Value]) -> Value:
    """Sum, then times 1/n (micrograd's demo: `sum(losses) * (1.0 / len(losses))`)."""
    if not values:
        raise ValueError("mean: needs at least one Value, got an empty sequence")
    total = values[0]
    for v in values[1:]:  # same floats as micrograd's sum(), which starts from 0 + values[0]
        total = total + v
    return total * (1.0 / len(values))
