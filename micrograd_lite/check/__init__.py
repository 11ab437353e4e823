"""Checking gradients: autograd against finite differences and a hand-derived formula
(`gradcheck`), and the chain rule behind one gradient, path by path (`explain`).

    gradcheck.py          the comparison model and its report
    finite_difference.py  the numeric column: central differences, kinks, domain edges
    explain.py            the chain-rule trace: paths, their products, backward()'s sums
    naming.py             how a trace shows nodes and numbers
"""

from __future__ import annotations

from micrograd_lite.check.explain import (
    ChainPath,
    ChainRuleTrace,
    Contribution,
    NodeGrad,
    explain,
)
from micrograd_lite.check.gradcheck import GradCheckReport, GradCheckRow, gradcheck

__all__ = [
    "ChainPath",
    "ChainRuleTrace",
    "Contribution",
    "GradCheckReport",
    "GradCheckRow",
    "NodeGrad",
    "explain",
    "gradcheck",
]
