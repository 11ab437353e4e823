"""micrograd_lite: a scalar autograd engine that makes backpropagation visible and checkable.

>>> from micrograd_lite import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad   # dy/dx = 2x + 2
8.0
"""

import micrograd_lite.on_values  # noqa: F401  (lets the table's rules run on Values)
from micrograd_lite.anomaly import detect_anomaly
from micrograd_lite.backward import zero_grad, zero_grad_graph
from micrograd_lite.check import ChainRuleTrace, GradCheckReport, explain, gradcheck
from micrograd_lite.compile import compile
from micrograd_lite.errors import (
    AnomalyError,
    DomainError,
    ExpressionError,
    GraphError,
    MicrogradLiteError,
    OperandTypeError,
    OpOverflowError,
    SettingError,
    ShapeError,
    TraceError,
    ZeroDivisionDomainError,
)
from micrograd_lite.higher import derivative, grad, hessian, hvp
from micrograd_lite.losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_squared_error,
    hinge,
    log_softmax,
    mean,
    mse,
    softmax,
    squared_error,
)
from micrograd_lite.nn import MLP, Layer, Module, Neuron
from micrograd_lite.optim import SGD, Adam, AdamW, CosineAnnealingLR, LinearLR, StepLR
from micrograd_lite.play import play
from micrograd_lite.render import draw_dot, render_to_file
from micrograd_lite.saving import load, save
from micrograd_lite.state import StateError
from micrograd_lite.value import Value
from micrograd_lite.version import __version__

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "AnomalyError",
    "ChainRuleTrace",
    "CosineAnnealingLR",
    "DomainError",
    "ExpressionError",
    "GradCheckReport",
    "GraphError",
    "Layer",
    "LinearLR",
    "MicrogradLiteError",
    "Module",
    "Neuron",
    "OpOverflowError",
    "OperandTypeError",
    "SettingError",
    "ShapeError",
    "StateError",
    "StepLR",
    "TraceError",
    "Value",
    "ZeroDivisionDomainError",
    "__version__",
    "binary_cross_entropy_with_logits",
    "compile",
    "cross_entropy",
    "derivative",
    "detect_anomaly",
    "draw_dot",
    "explain",
    "grad",
    "gradcheck",
    "half_squared_error",
    "hessian",
    "hinge",
    "hvp",
    "load",
    "log_softmax",
    "mean",
    "mse",
    "play",
    "render_to_file",
    "save",
    "softmax",
    "squared_error",
    "zero_grad",
    "zero_grad_graph",
]
