"""micrograd's demo: a 2-16-16-1 MLP separates two interleaving half moons.

Run:  python examples/moons.py

The data is made here (no scikit-learn): 50 points on the upper half circle, 50 on a lower one
shifted right and down, plus Gaussian noise, labels -1 / +1. The loss is micrograd's: the mean
hinge loss max(0, 1 - y·score) plus an L2 penalty 1e-4·Σw², minimised by full-batch gradient
descent with a learning rate decaying from 1.0 to 0.1. At the end the decision regions are
drawn as text: '+' and '-' for the two classes, 'o' and 'x' for the training points.
"""

from __future__ import annotations

import math
import random

from micrograd_lite import MLP, Value, hinge, mean

SEED = 1337
STEPS = 100  # as micrograd's demo notebook


def make_moons(n: int, noise: float, rng: random.Random) -> tuple[list[list[float]], list[int]]:
    """Two half circles: label -1 on (cos t, sin t), +1 on (1 - cos t, 0.5 - sin t), t in [0, π]."""
    half = n // 2
    points: list[list[float]] = []
    labels: list[int] = []
    for i in range(half):
        t = math.pi * i / (half - 1)
        points.append([math.cos(t), math.sin(t)])
        labels.append(-1)
        points.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        labels.append(1)
    for p in points:
        p[0] += rng.gauss(0.0, noise)
        p[1] += rng.gauss(0.0, noise)
    return points, labels


def score(model: MLP, x: list[float]) -> Value:
    out = model(x)
    assert isinstance(out, Value)  # one output neuron
    return out


rng = random.Random(SEED)
X, y = make_moons(100, 0.1, rng)
model = MLP(2, [16, 16, 1], rng=rng)  # relu hidden layers, linear output, as micrograd
print(f"MLP 2-16-16-1 with {len(model.parameters())} parameters, {len(X)} points")

for step in range(STEPS):
    scores = [score(model, x) for x in X]
    data_loss = mean([hinge(s, label) for s, label in zip(scores, y, strict=True)])
    penalty = 1e-4 * sum((p * p for p in model.parameters()), Value(0.0))
    loss = data_loss + penalty
    accuracy = sum((s.data > 0) == (label > 0) for s, label in zip(scores, y, strict=True)) / len(y)
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * step / STEPS
    for p in model.parameters():
        p.data -= lr * p.grad
    if step % 10 == 0 or step == STEPS - 1:
        print(f"step {step:2d}  loss {loss.data:.4f}  accuracy {accuracy:.0%}")

# The decision regions on a coarse grid, with the training points on top.
cols, rows = 60, 20
xs = [-1.5 + 4.0 * i / (cols - 1) for i in range(cols)]
ys = [1.5 - 2.5 * j / (rows - 1) for j in range(rows)]
grid = [["+" if score(model, [x, v]).data > 0 else "-" for x in xs] for v in ys]
for (px, py), label in zip(X, y, strict=True):
    i = round((px + 1.5) / 4.0 * (cols - 1))
    j = round((1.5 - py) / 2.5 * (rows - 1))
    if 0 <= i < cols and 0 <= j < rows:
        grid[j][i] = "o" if label > 0 else "x"
print("\n".join("".join(row) for row in grid))
