"""Learning-rate schedules with torch.optim.lr_scheduler's arguments and numbers.

A schedule sets its optimizer's `lr` when made (epoch 0) and at each `.step()`, called once per
epoch after `optimizer.step()`. Like torch's, each computes the next lr from the current one
(a chainable recurrence, not the closed form), so two schedules on one optimizer compose as in
torch, and the floats are torch's. The closed forms, for base lr η (the optimizer's lr when its
first schedule was made) at epoch e:

    StepLR             η * gamma^(e // step_size)
    CosineAnnealingLR  eta_min + (η - eta_min) * (1 + cos(pi * e / T_max)) / 2
    LinearLR           η * (start_factor + (end_factor - start_factor) * min(e, total_iters)
                                                                        / total_iters)

micrograd's demo decays its lr by hand, `1.0 - 0.9*k/100` at step k: that is
`LinearLR(SGD(params, lr=1.0), start_factor=1.0, end_factor=0.1, total_iters=100)`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

from micrograd_lite.errors import OperandTypeError, describe
from micrograd_lite.optim.optimizer import Optimizer
from micrograd_lite.optim.settings import bounded, count


class LRScheduler(ABC):
    """Base class: holds `optimizer`, `base_lrs`, `last_epoch`; subclasses give `_next_lr`."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise OperandTypeError(
                f"{type(self).__name__}: optimizer must be an SGD, Adam or AdamW, "
                f"got {describe(optimizer)}"
            )
        self.optimizer = optimizer
        if optimizer.initial_lr is None:
            optimizer.initial_lr = optimizer.lr
        self.base_lrs = [optimizer.initial_lr]  # a list, as torch's (one per parameter group)
        self.last_epoch = -1
        self._last_lr = [optimizer.lr]
        self.step()  # epoch 0: torch's schedules set their first lr when made

    def step(self) -> None:
        """Advance one epoch and set the optimizer's lr for it."""
        self.last_epoch += 1
        self.optimizer.lr = self._next_lr(self.optimizer.lr)
        self._last_lr = [self.optimizer.lr]

    def get_last_lr(self) -> list[float]:
        """The lr this schedule set last, as a one-item list (torch: one per group)."""
        return list(self._last_lr)

    @abstractmethod
    def _next_lr(self, lr: float) -> float: ...  # each kind says its own


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = count(step_size, "StepLR", "step_size", 1)
        self.gamma = bounded(gamma, "StepLR", "gamma")
        super().__init__(optimizer)

    def _next_lr(self, lr: float) -> float:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lr
        return lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the base lr down to `eta_min` over `T_max` epochs.

    After T_max it climbs back up (the cosine goes on), as torch's does.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = count(T_max, "CosineAnnealingLR", "T_max", 1)
        self.eta_min = bounded(eta_min, "CosineAnnealingLR", "eta_min")
        super().__init__(optimizer)

    def _next_lr(self, lr: float) -> float:
        e, t_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if e == 0:
            return lr
        if (e - 1 - t_max) % (2 * t_max) == 0:  # at the trough the ratio below would be 0/0
            return lr + (self.base_lrs[0] - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        return (1 + math.cos(math.pi * e / t_max)) / (1 + math.cos(math.pi * (e - 1) / t_max)) * (
            lr - eta_min
        ) + eta_min


class LinearLR(LRScheduler):
    """Scale the base lr by a factor going linearly from `start_factor` to `end_factor` over
    `total_iters` epochs, then keep it.

    `start_factor` must be in (0, 1] and `end_factor` in [0, 1], as in torch.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        self.start_factor = bounded(
            start_factor, "LinearLR", "start_factor", 0.0, 1.0, low_open=True
        )
        self.end_factor = bounded(end_factor, "LinearLR", "end_factor", 0.0, 1.0)
        self.total_iters = count(total_iters, "LinearLR", "total_iters", 0)
        super().__init__(optimizer)

    def _next_lr(self, lr: float) -> float:
        e, start, end = self.last_epoch, self.start_factor, self.end_factor
        if e == 0:
            return lr * start
        if e > self.total_iters:
            return lr
        return lr * (1.0 + (end - start) / (self.total_iters * start + (e - 1) * (end - start)))
