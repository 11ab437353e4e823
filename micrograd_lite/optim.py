"""SGD: the update every worked example uses, `p.data -= lr * p.grad`."""

from __future__ import annotations

import math
from collections.abc import Iterable

from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.value import Value


class SGD:
    """Plain gradient descent on `params`: `step()` moves each by `-lr * grad`.

    `weight_decay` adds `weight_decay * p.data` to each gradient first (PyTorch's convention).
    """

    def __init__(self, params: Iterable[Value], lr: float, *, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        for p in self.params:
            if not isinstance(p, Value):
                raise OperandTypeError(f"SGD: parameters must be Values, got {describe(p)}")
        for name, x in (("lr", lr), ("weight_decay", weight_decay)):
            if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                raise ValueError(f"SGD: {name} must be a finite number, got {describe(x)}")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)

    def step(self) -> None:
        lr, decay = self.lr, self.weight_decay
        if decay:
            for p in self.params:
                p.data -= lr * (p.grad + decay * p.data)
        else:
            for p in self.params:
                p.data -= lr * p.grad

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0
