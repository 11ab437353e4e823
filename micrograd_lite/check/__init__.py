"""Checking gradients: autograd against finite differences and a hand-derived formula
(`gradcheck`), and the chain rule behind one gradient, path by path (`explain`).

    gradcheck.py          gradcheck: autograd against finite differences and your formula
    hessian.py            gradcheck(order=2): the same for each entry of the Hessian
    compare.py            the comparison model: agrees, disagrees, cannot tell
    verdict.py            from comparisons to a verdict: PASS, FAIL, INCONCLUSIVE
    report.py             how a report reads
    finite_difference.py  the numeric column: central differences, kinks, domain edges
    rounding.py           how far a computed number can be from the exact one
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
from micrograd_lite.check.hessian import HessianCheckReport, HessianEntry

__all__ = [
    "ChainPath",
    "ChainRuleTrace",
    "Contribution",
    "GradCheckReport",
    "GradCheckRow",
    "HessianCheckReport",
    "HessianEntry",
    "NodeGrad",
    "explain",
    "gradcheck",
]
