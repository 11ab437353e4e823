"""Optimizers and learning-rate schedules with PyTorch's arguments, defaults and numbers.

`SGD`, `Adam`, `AdamW` (`step()`, `zero_grad()`, `state_dict()`, `load_state_dict()`) take a
list of Values or a Module; `StepLR`, `CosineAnnealingLR`, `LinearLR` set an optimizer's `lr`.
Each module's docstring gives its update in torch's order of operations, which ours follows so
the floats agree (tests/test_optim.py runs them beside torch.optim).

>>> from micrograd_lite import MLP
>>> from micrograd_lite.optim import AdamW, CosineAnnealingLR
>>> model = MLP(2, [4, 1], seed=0)
>>> optimizer = AdamW(model, lr=0.01)
>>> schedule = CosineAnnealingLR(optimizer, T_max=100)
>>> loss = (model([1.0, -1.0]) - 0.5) ** 2
>>> optimizer.zero_grad(); loss.backward(); optimizer.step(); schedule.step()
>>> optimizer.steps, round(optimizer.lr, 8)
(1, 0.00999753)
"""

from micrograd_lite.optim.adam import Adam, AdamW
from micrograd_lite.optim.lr_scheduler import CosineAnnealingLR, LinearLR, LRScheduler, StepLR
from micrograd_lite.optim.optimizer import Optimizer, OptimizerState
from micrograd_lite.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "LRScheduler",
    "LinearLR",
    "Optimizer",
    "OptimizerState",
    "StepLR",
]
