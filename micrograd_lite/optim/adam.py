"""Adam and AdamW, torch.optim's updates: steps scaled by running averages of g and g².

At step t (from 1), for each parameter p with gradient g, in torch's order of operations:

    g = g + weight_decay * p                     Adam, if weight_decay != 0 (an L2 penalty)
    p = p * (1 - lr * weight_decay)              AdamW, if weight_decay != 0 (decoupled)
    m = lerp(m, g, 1 - beta1)                    "exp_avg":    m + (1 - beta1)(g - m)
    v = v * beta2 + (1 - beta2) * g * g          "exp_avg_sq"
    p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

m and v start at 0. `lerp(a, b, w)` is torch's: a + w(b - a) for |w| < 0.5, else
b - (b - a)(1 - w), the form that is exact at its end points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from micrograd_lite.optim.optimizer import HasParameters, Optimizer, Setting
from micrograd_lite.optim.settings import bounded, pair
from micrograd_lite.value import Value


class Adam(Optimizer):
    """Adam with torch.optim.Adam's arguments, defaults and numbers (no amsgrad).

    >>> from micrograd_lite import Value
    >>> w = Value(1.0)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).backward()
    >>> opt.step()     # the first step moves each parameter by about lr, whatever its grad
    >>> round(w.data, 6)
    0.9
    """

    settings: ClassVar[tuple[str, ...]] = ("lr", "betas", "eps", "weight_decay")
    buffers: ClassVar[tuple[str, ...]] = ("exp_avg", "exp_avg_sq")
    decoupled: ClassVar[bool] = False  # AdamW: decay the parameter, not the gradient
    betas: tuple[float, float]
    eps: float
    weight_decay: float

    def __init__(
        self,
        params: Iterable[Value] | HasParameters,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def _checked(
        self, given: Mapping[str, object], where: str, label: Callable[[str], str]
    ) -> dict[str, Setting]:
        beta1, beta2 = pair(given["betas"], where, label("betas"))
        return {
            "lr": bounded(given["lr"], where, label("lr"), 0.0),
            "betas": (
                bounded(beta1, where, f"{label('betas')}[0]", 0.0, 1.0, high_open=True),
                bounded(beta2, where, f"{label('betas')}[1]", 0.0, 1.0, high_open=True),
            ),
            "eps": bounded(given["eps"], where, label("eps"), 0.0),
            "weight_decay": bounded(given["weight_decay"], where, label("weight_decay"), 0.0),
        }

    def step(self) -> None:
        """Move every parameter once (see the module docstring for the update)."""
        self.steps += 1
        lr, decay, eps = self.lr, self.weight_decay, self.eps
        beta1, beta2 = self.betas
        t = float(self.steps)  # torch reads its step count back as a float
        step_size = lr / (1 - beta1**t)
        bias_correction2_sqrt = (1 - beta2**t) ** 0.5
        w1, w2 = 1 - beta1, 1 - beta2
        shrink = 1 - lr * decay
        m, v = self.state["exp_avg"], self.state["exp_avg_sq"]
        for i, p in enumerate(self.params):
            g = p.grad
            if decay and self.decoupled:
                p.data *= shrink
            elif decay:
                g = g + decay * p.data
            m[i] = m[i] + w1 * (g - m[i]) if abs(w1) < 0.5 else g - (g - m[i]) * (1 - w1)
            v[i] = v[i] * beta2 + w2 * g * g
            move = -step_size * m[i]
            denom = math.sqrt(v[i]) / bias_correction2_sqrt + eps
            try:
                p.data += move / denom
            except ZeroDivisionError:  # eps = 0 and g = 0 so far: IEEE's answer, as torch's
                p.data += math.nan if move == 0 else math.copysign(math.inf, move)


class AdamW(Adam):
    """AdamW with torch.optim.AdamW's arguments, defaults (weight_decay=1e-2) and numbers.

    Its weight decay shrinks each parameter by `lr * weight_decay` of itself before the Adam
    step, instead of adding to the gradient (where Adam's scaling would undo it).
    """

    decoupled: ClassVar[bool] = True

    def __init__(
        self,
        params: Iterable[Value] | HasParameters,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
