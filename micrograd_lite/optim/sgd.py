"""SGD, torch.optim.SGD's update: gradient descent with optional momentum and weight decay.

For each parameter p with gradient g, in torch's order of operations (so the floats agree):

    g = g + weight_decay * p                          if weight_decay != 0
    b = g                                             at the first step with momentum
    b = momentum * b + (1 - dampening) * g            afterwards  ("momentum_buffer")
    g = g + momentum * b   (nesterov)   or   g = b    if momentum != 0
    p = p - lr * g

With momentum 0 this is `p.data -= lr * p.grad` (plus the decay term), the update every worked
example uses, float for float.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from micrograd_lite.errors import SettingError
from micrograd_lite.optim.optimizer import HasParameters, Optimizer, Setting
from micrograd_lite.optim.settings import bounded, flag
from micrograd_lite.value import Value


class SGD(Optimizer):
    """Stochastic gradient descent with torch.optim.SGD's arguments, defaults and numbers.

    `nesterov` needs `momentum > 0` and `dampening == 0`, as in torch. Unlike torch,
    `weight_decay` may be negative: the article behind the adding-neuron worked example updates
    w <- w - lr*(g - w), which is weight_decay = -1.

    >>> from micrograd_lite import Value
    >>> w = Value(1.0)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).backward()   # grad 2w
    ...     opt.step()
    >>> round(w.data, 6)   # 1 - 0.1*2 = 0.8; b = 0.9*2 + 1.6 = 3.4; 0.8 - 0.34
    0.46
    """

    settings: ClassVar[tuple[str, ...]] = (
        "lr",
        "momentum",
        "dampening",
        "weight_decay",
        "nesterov",
    )
    later_buffers: ClassVar[tuple[str, ...]] = ("momentum_buffer",)  # torch's None until then
    momentum: float
    dampening: float
    weight_decay: float
    nesterov: bool

    def __init__(
        self,
        params: Iterable[Value] | HasParameters,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )

    def _checked(
        self, given: Mapping[str, object], where: str, label: Callable[[str], str]
    ) -> dict[str, Setting]:
        lr = bounded(given["lr"], where, label("lr"), 0.0)
        momentum = bounded(given["momentum"], where, label("momentum"), 0.0)
        dampening = bounded(given["dampening"], where, label("dampening"))
        nesterov = flag(given["nesterov"], where, label("nesterov"))
        if nesterov and (momentum <= 0 or dampening != 0):
            raise SettingError(
                f"{where}: {label('nesterov')}=True needs momentum > 0 and dampening = 0 "
                f"(as in torch), got momentum={given['momentum']!r}, "
                f"dampening={given['dampening']!r}"
            )
        checked: dict[str, Setting] = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": bounded(given["weight_decay"], where, label("weight_decay")),
            "nesterov": nesterov,
        }
        return checked

    def step(self) -> None:
        """Move every parameter once (see the module docstring for the update)."""
        lr, decay, momentum = self.lr, self.weight_decay, self.momentum
        if momentum == 0:
            # the worked examples' loops, unchanged: their figures depend on these floats
            if decay:
                for p in self.params:
                    p.data -= lr * (p.grad + decay * p.data)
            else:
                for p in self.params:
                    p.data -= lr * p.grad
        else:
            buffers = self.state.get("momentum_buffer")
            first = buffers is None
            if buffers is None:
                buffers = self.state["momentum_buffer"] = [0.0] * len(self.params)
            keep, nesterov = 1.0 - self.dampening, self.nesterov
            for i, p in enumerate(self.params):
                g = p.grad + decay * p.data if decay else p.grad
                b = buffers[i] = g if first else buffers[i] * momentum + keep * g
                p.data -= lr * (g + momentum * b if nesterov else b)
        self.steps += 1
