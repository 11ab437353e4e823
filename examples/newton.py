"""Newton's method with a second derivative from autograd.

Gradient descent steps downhill by a learning rate you pick; Newton's method uses the
curvature instead: at x, approximate g by its parabola and jump to the parabola's minimum,

    x  <-  x - g'(x) / g''(x)

Near a minimum the error is squared at each step, so the number of correct digits doubles.
Here g(x) = x^4/4 - x^2 - 5x. Its slope g'(x) = x^3 - 2x - 5 is the cubic Newton himself solved
(in Wallis's 1685 Algebra), so its minimum is that cubic's root, 2.0945514815423265...
`derivative(g, 1)` and `derivative(g, 2)` give g' and g'' from g alone, with no formula by hand.

Run it:  python examples/newton.py
"""

from __future__ import annotations

from dataclasses import dataclass

from micrograd_lite import Value, derivative

X0 = 2.0
MAX_STEPS = 20
EPS = 2.0**-52  # float64's relative rounding unit


def g(x: Value) -> Value:
    return x**4 * 0.25 - x**2 - 5 * x


@dataclass(frozen=True)
class Step:
    x: float
    slope: float  # g'(x)
    curvature: float  # g''(x)


@dataclass(frozen=True)
class Result:
    steps: tuple[Step, ...]  # the first is x0; the last is where the update fell below rounding
    root: float


def run(x: float = X0) -> Result:
    """Newton's iterates from `x` until the update is lost in rounding; prints nothing."""
    slope, curvature = derivative(g, 1), derivative(g, 2)
    steps = []
    for _ in range(MAX_STEPS):
        step = Step(x, slope(x), curvature(x))
        steps.append(step)
        update = step.slope / step.curvature
        if abs(update) <= 4 * EPS * abs(x):  # converged: x cannot get closer in float64
            break
        x -= update
    return Result(tuple(steps), x)


def main() -> None:
    result = run()
    print("Minimising g(x) = x^4/4 - x^2 - 5x by Newton's method, x <- x - g'(x) / g''(x):")
    step, x, slope, curvature = "step", "x", "g'(x)", "g''(x)"
    print(f"{step:>4}  {x:<20}  {slope:>11}  {curvature:>11}")
    for k, s in enumerate(result.steps):
        print(f"{k:>4}  {s.x:<20.16f}  {s.slope:>11.3e}  {s.curvature:>11.6f}")
    print(f"minimum at x = {result.root!r}, after {len(result.steps) - 1} Newton steps")


if __name__ == "__main__":
    main()
