"""Losses for one sample, built from table ops, so every loss renders, checks and compiles.

A batch is the caller's mean over samples (`mean([cross_entropy(f(x), y) for x, y in batch])`),
as in micrograd's demo. The ones PyTorch also has give `torch.nn.functional`'s numbers:

    mse(p, t)              (1/n) sum_i (p_i - t_i)^2            d/dp_i = 2 (p_i - t_i) / n
    softmax(x)_i           e^(x_i - m) / sum_j e^(x_j - m)       d/dx_j = s_i ([i = j] - s_j)
    log_softmax(x)_i       (x_i - m) - ln sum_j e^(x_j - m)      d/dx_j = [i = j] - s_j
    cross_entropy(x, t)    -log_softmax(x)_t                     d/dx_j = s_j - [j = t]
    bce_with_logits(x, y)  (1 - y) x + ln(1 + e^-x)              d/dx = sigmoid(x) - y

with m = max_j x_j. Subtracting m changes nothing in exact arithmetic and keeps every e^(.) at
most 1, so logits of 1000 neither overflow nor lose the loss. m is taken with a table op
(`max(m, x) = m + relu(x - m)`), never by reading `.data`, so a traced loss compiles, and its
kink is relu's, which gradcheck knows; the gradient through m cancels (its coefficient is
1 - sum_j s_j = 0), so the loss is smooth, as PyTorch's, wherever two logits tie.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

from micrograd_lite.errors import OperandTypeError, ShapeError, describe
from micrograd_lite.operands import is_number
from micrograd_lite.value import Number, Value, as_float

Scalar = Value | Number


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


def mse(preds: Scalar | Iterable[Scalar], targets: Scalar | Iterable[Scalar]) -> Value:
    """Mean squared error, `torch.nn.functional.mse_loss(preds, targets)`:

        (1/n) sum_i (p_i - t_i)^2,   d/dp_i = 2 (p_i - t_i) / n,   d/dt_i = -2 (p_i - t_i) / n

    `preds` and `targets` are both single Values/numbers, or both sequences of the same length.

    >>> mse([Value(1.0), Value(2.0)], [0.0, 4.0]).data  # (1 + 4) / 2
    2.5
    """
    single = _is_scalar(preds), _is_scalar(targets)
    if single[0] != single[1]:
        raise ShapeError(
            "mse: preds and targets must both be single values or both sequences; got "
            f"{'a single value' if single[0] else 'a sequence'} and "
            f"{'a single value' if single[1] else 'a sequence'}"
        )
    ps = _values(preds, "mse: preds")
    ts = _values(targets, "mse: targets")
    if len(ps) != len(ts):
        raise ShapeError(f"mse: {len(ps)} preds but {len(ts)} targets; give one target per pred")
    if not ps:
        raise ShapeError("mse: needs at least one pred, got an empty sequence")
    total = (ps[0] - ts[0]) ** 2
    for p, t in zip(ps[1:], ts[1:], strict=True):
        total = total + (p - t) ** 2
    return total / len(ps)  # one division, as torch's mean (micrograd's demo multiplies by 1/n)


def softmax(logits: Iterable[Scalar]) -> list[Value]:
    """Probabilities `s_i = e^(x_i - m) / sum_j e^(x_j - m)`, m = max_j x_j, as Values in the
    graph (`torch.softmax(x, 0)`).  d s_i/dx_j = s_i ([i = j] - s_j).

    >>> [round(p.data, 4) for p in softmax([1000.0, 1000.0, -1000.0])]
    [0.5, 0.5, 0.0]
    """
    _, exps, total = _exponentials(logits, "softmax")
    return [e / total for e in exps]


def log_softmax(logits: Iterable[Scalar]) -> list[Value]:
    """Log-probabilities `(x_i - m) - ln sum_j e^(x_j - m)`, m = max_j x_j: finite where the
    probability underflows (`torch.log_softmax(x, 0)`).  d/dx_j = [i = j] - s_j.

    >>> [round(p.data, 4) for p in log_softmax([1000.0, -1000.0])]
    [0.0, -2000.0]
    """
    shifted, _, total = _exponentials(logits, "log_softmax")
    log_total = _log_sum(total)
    return [x - log_total for x in shifted]


def cross_entropy(logits: Iterable[Scalar], target: int) -> Value:
    """The negative log-likelihood of class `target` (an index into `logits`), computed stably:

        ln sum_j e^(x_j - m) - (x_t - m),   d/dx_j = softmax(x)_j - [j = t]

    `torch.nn.functional.cross_entropy(x[None], tensor([target]))` for one sample. A target
    that is not an int, or outside 0..n-1, is an error naming it and the number of classes.

    >>> round(cross_entropy([2.0, 1.0, 0.1], 0).data, 4)
    0.417
    """
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise OperandTypeError(
            f"cross_entropy: target must be a class index (an int), got {describe(target)}"
        )
    shifted, _, total = _exponentials(logits, "cross_entropy")
    if not 0 <= target < len(shifted):
        raise ShapeError(
            f"cross_entropy: target index {int(target)} is out of range for "
            f"{len(shifted)} classes (valid: 0 to {len(shifted) - 1})"
        )
    return _log_sum(total) - shifted[int(target)]  # torch's order: exactly -log_softmax[t]


def binary_cross_entropy_with_logits(logit: Scalar, target: Scalar) -> Value:
    """The logistic loss of one logit x against a target y in [0, 1], computed stably:

        (1 - y) x + softplus(-x) = max(x, 0) - x y + ln(1 + e^-|x|),   d/dx = sigmoid(x) - y

    PyTorch's form (`(1 - y) x - log_sigmoid(x)`), and its numbers, at any |x| (softplus never
    overflows). `target` may be a Value (d/dy = -x).

    >>> round(binary_cross_entropy_with_logits(Value(0.0), 1.0).data, 6)  # ln 2
    0.693147
    """
    x = _value(logit, "binary_cross_entropy_with_logits: logit")
    y = (
        target
        if isinstance(target, Value)
        else as_float(target, "binary_cross_entropy_with_logits: target")
    )
    return (1.0 - y) * x + (-x).softplus()


# -- the parts ------------------------------------------------------------------------------------


def _exponentials(logits: Iterable[Scalar], where: str) -> tuple[list[Value], list[Value], Value]:
    """(x_i - m, e^(x_i - m), their sum) for m = max_i x_i, taken with relu (no data read)."""
    xs = _values(logits, f"{where}: logits")
    if not xs:
        raise ShapeError(f"{where}: needs at least one logit, got an empty sequence")
    largest = xs[0]
    for x in xs[1:]:
        largest = largest + (x - largest).relu()  # max(m, x): m when x <= m, else m + (x - m)
    if len(xs) > 1:
        largest.label = "max"  # a node made here: a user's own Value keeps its label
    shifted = [x - largest for x in xs]
    exps = [x.exp() for x in shifted]  # each at most e^0 = 1: no overflow
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    total.label = "sum_exp"
    return shifted, exps, total


def _log_sum(total: Value) -> Value:
    out = total.log()  # total >= e^0 = 1 (the largest logit's term): never log(0)
    out.label = "log_sum_exp"
    return out


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or is_number(x)


def _values(xs: Scalar | Iterable[Scalar], where: str) -> list[Value]:
    if _is_scalar(xs):
        return [_value(xs, where)]
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise OperandTypeError(
            f"{where}: expected a Value, a number or a sequence of them, got {describe(xs)}"
        )
    return [_value(x, f"{where}[{i}]") for i, x in enumerate(xs)]


def _value(x: object, where: str) -> Value:
    return x if isinstance(x, Value) else Value(as_float(x, where))
