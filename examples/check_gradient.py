"""Is my hand-derived gradient right? A student checks two derivations with `gradcheck`.

The model is one tanh neuron with a squared error, L = (tanh(w*x + b) - y)^2. By the chain rule,
with t = tanh(w*x + b):

    dL/dw = 2 (t - y) * (1 - t^2) * x        dL/db = 2 (t - y) * (1 - t^2)

A common slip is to forget the tanh's own derivative (1 - t^2). `gradcheck` compares each
formula with autograd and with finite differences, and names the input that disagrees;
`explain` then shows the chain autograd used, factor by factor.

Run it:  python examples/check_gradient.py
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micrograd_lite import Value
from micrograd_lite.check import ChainRuleTrace, GradCheckReport, explain, gradcheck

X, Y = 1.5, 0.2  # one training pair
POINT = [0.4, -0.1]  # w, b


def loss(w: Value, b: Value) -> Value:
    t = (w * X + b).tanh()
    t.label = "t"
    return (t - Y) ** 2


def right(w: float, b: float) -> list[float]:
    t = math.tanh(w * X + b)
    return [2 * (t - Y) * (1 - t * t) * X, 2 * (t - Y) * (1 - t * t)]


def forgot_tanh_derivative(w: float, b: float) -> list[float]:
    t = math.tanh(w * X + b)
    return [2 * (t - Y) * X, 2 * (t - Y) * (1 - t * t)]  # dL/dw lost its (1 - t^2)


@dataclass(frozen=True)
class Result:
    right: GradCheckReport
    wrong: GradCheckReport
    chain: ChainRuleTrace


def run() -> Result:
    """The two checks and autograd's chain for dL/dw; prints nothing."""
    w, b = Value(POINT[0], label="w"), Value(POINT[1], label="b")
    out = loss(w, b)
    out.label = "L"
    out.backward()
    return Result(
        right=gradcheck(loss, POINT, expected=right),
        wrong=gradcheck(loss, POINT, expected=forgot_tanh_derivative),
        chain=explain(out, w),
    )


def main() -> None:
    result = run()
    print("The right derivation:")
    print(result.right)
    print()
    print("The derivation that forgot d tanh(a)/da = 1 - tanh(a)^2:")
    print(result.wrong)
    print()
    print("How autograd got dL/dw (unlabelled steps folded into one factor):")
    print(result.chain)


if __name__ == "__main__":
    main()
