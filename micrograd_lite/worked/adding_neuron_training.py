"""The adding neuron's data and training runs; `adding_neuron` compares them with the article.

All data and the initial weights come from numeric's seedrandom(2017) (`seedrandom.py`), in the
article's order: the training rows, the test rows, then the two weights. With it every printed
figure (demo lines, accuracy counts) comes out bit for bit.

Training runs through a `Trainer`: a function that takes the weights and a block of rows and
returns the weights after training on them. The default, `eager_trainer`, builds each row's
graph with `Value` and calls `backward()`; a faster engine (a compiled step) can be passed as
`run(trainer=...)` without touching the loop, the data or the figures.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from micrograd_lite.compile import Compiled, compile
from micrograd_lite.optim import SGD
from micrograd_lite.value import Value
from micrograd_lite.worked.seedrandom import SeedRandom

SEED = 2017
TRAIN_ROWS = 500_000
TEST_ROWS = 50_000
EPOCHS = 10
ERROR_MARGIN = 0.01  # percent: correct when |label - out| <= label * (0.01 / 100)
DEMO = ((2.2, 1.5), (1024.0, 2048.0))
CHECKPOINTS = (1, 2, 3, 1000, 100_000)  # rows into epoch 1 at which the weights are recorded
BLOCK = 10_000  # rows per trainer call: the granularity of checkpoints and progress


@dataclass(frozen=True)
class Data:
    """The article's data: training and test columns, and the two initial weights."""

    train_x0: tuple[float, ...]
    train_x1: tuple[float, ...]
    train_label: tuple[float, ...]
    test_x0: tuple[float, ...]
    test_x1: tuple[float, ...]
    test_label: tuple[float, ...]
    initial_weights: tuple[float, float]


@functools.lru_cache(maxsize=2)  # ~2 s to draw; both runs (and a test session) share one copy
def article_data(
    seed: int = SEED, train_rows: int = TRAIN_ROWS, test_rows: int = TEST_ROWS
) -> Data:
    """Draw the data as the article does: training rows, test rows, then the weights.

    Each row draws input0 then input1 as `r·(0 - 100) + 100`, the label is their sum; each
    weight is `r·(0 - 2) + 2`.
    """
    rng = SeedRandom(seed)

    def rows(n: int) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
        x0: list[float] = []
        x1: list[float] = []
        for _ in range(n):
            x0.append(rng.scaled(0, 100))
            x1.append(rng.scaled(0, 100))
        return tuple(x0), tuple(x1), tuple(a + b for a, b in zip(x0, x1, strict=True))

    train = rows(train_rows)
    test = rows(test_rows)
    weights = (rng.scaled(0, 2), rng.scaled(0, 2))
    return Data(*train, *test, weights)


class Trainer(Protocol):
    """Train on rows in order, one update per row; return the weights after the last row.

    Each update is w_i ← w_i - lr·(dC/dw_i - w_i) when `regularised`, else w_i - lr·dC/dw_i,
    with C = (label - out)² and out = x0·w0 + x1·w1 at the current weights.
    """

    def __call__(
        self,
        weights: tuple[float, float],
        x0: Sequence[float],
        x1: Sequence[float],
        labels: Sequence[float],
        lr: float,
        *,
        regularised: bool,
    ) -> tuple[float, float]: ...


def forward(w0: Value, w1: Value, x0: float, x1: float) -> Value:
    """The neuron: out = x0·w0 + x1·w1 (identity activation, no bias)."""
    return w0 * Value(x0) + w1 * Value(x1)


def eager_trainer(
    weights: tuple[float, float],
    x0: Sequence[float],
    x1: Sequence[float],
    labels: Sequence[float],
    lr: float,
    *,
    regularised: bool,
) -> tuple[float, float]:
    """The library path: per row, build the graph, `backward()`, then one SGD step.

    Speed (5,000,000 updates per run): two binary `*` and one `+` beat a fused `affine` node
    here, and the square is d·d rather than d**2 (same float and gradient, 2d, without the op
    table's generic power). The regularised step is SGD with weight_decay = -1:
    w - lr·(g + (-1)·w) is bit for bit the article's w - (g - w)·lr.
    """
    w0 = Value(weights[0], label="w0")
    w1 = Value(weights[1], label="w1")
    optimizer = SGD([w0, w1], lr, weight_decay=-1.0 if regularised else 0.0)
    step, zero_grad = optimizer.step, optimizer.zero_grad
    for a, b, label in zip(x0, x1, labels, strict=True):
        cost = row_cost(w0, w1, Value(a), Value(b), Value(label))
        zero_grad()  # the weights are leaves: their grads would accumulate across rows
        cost.backward()
        step()
    return w0.data, w1.data


def row_cost(w0: Value, w1: Value, x0: Value, x1: Value, label: Value) -> Value:
    """C = (out - label)² for one row, as d·d: the same float as (label - out)²."""
    d = (w0 * x0 + w1 * x1) - label
    return d * d


@functools.lru_cache(maxsize=1)
def _compiled_row_gradient() -> Compiled:
    # traced once at an arbitrary point: the generated code is valid for any floats
    return compile(row_cost, [1.0, 1.0, 1.0, 1.0, 2.0], wrt=(0, 1))


def compiled_trainer(
    weights: tuple[float, float],
    x0: Sequence[float],
    x1: Sequence[float],
    labels: Sequence[float],
    lr: float,
    *,
    regularised: bool,
) -> tuple[float, float]:
    """The same updates through `micrograd_lite.compile`: `row_cost` traced once into
    straight-line code that returns (C, (dC/dw0, dC/dw1)) without building Values.

    Bit for bit the eager trainer's weights (compile replays the eager graph's exact floats),
    about 7x faster. The update repeats SGD's arithmetic: w - lr·(g + decay·w).
    """
    gradient = _compiled_row_gradient()
    decay = -1.0 if regularised else 0.0
    w0, w1 = weights
    for a, b, label in zip(x0, x1, labels, strict=True):
        _, (g0, g1) = gradient(w0, w1, a, b, label)
        if decay:
            w0 -= lr * (g0 + decay * w0)
            w1 -= lr * (g1 + decay * w1)
        else:
            w0 -= lr * g0
            w1 -= lr * g1
    return w0, w1


@dataclass(frozen=True)
class Epoch:
    """One epoch: its learning rate, the weights after it, the test accuracy."""

    epoch: int  # 1-based, as the article prints it
    lr: float
    weights: tuple[float, float]
    correct: int
    total: int

    @property
    def percent(self) -> float:
        """100·correct/total rounded half up to 2 places (JS `Math.round`, as the article)."""
        return math.floor(100 * (self.correct / self.total) * 100 + 0.5) / 100

    @property
    def line(self) -> str:
        """The article's accuracy line: "23744/50000(47.49%)" (JS prints 100, not 100.0)."""
        return f"{self.correct}/{self.total}({format_js(self.percent)}%)"


@dataclass(frozen=True)
class Result:
    """Everything the article prints, plus the weights along the way."""

    regularised: bool
    initial_weights: tuple[float, float]
    initial_demo: tuple[float, float]  # out for (2.2, 1.5) and (1024, 2048)
    checkpoints: tuple[tuple[int, float, float], ...]  # (rows into epoch 1, w0, w1)
    epochs: tuple[Epoch, ...]
    final_demo: tuple[float, float]

    @property
    def final_weights(self) -> tuple[float, float]:
        return self.epochs[-1].weights if self.epochs else self.initial_weights


def format_js(x: float) -> str:
    """A float as JavaScript prints it: integers without ".0" (the article's "100%")."""
    return str(int(x)) if x.is_integer() else repr(x)


def learning_rate(epoch: int) -> float:
    """The article's schedule for 0-based `epoch`: 1/(2·100000·(epoch + 1))."""
    return 1 / (2 * 100000 * (epoch + 1))


def predict(weights: tuple[float, float], x0: float, x1: float) -> float:
    """The neuron's output, through the library's forward."""
    return forward(Value(weights[0]), Value(weights[1]), x0, x1).data


def accuracy(weights: tuple[float, float], data: Data) -> int:
    """How many test rows satisfy |label - out| <= label·(0.01/100)."""
    w0, w1 = Value(weights[0]), Value(weights[1])
    margin = ERROR_MARGIN / 100
    correct = 0
    for x0, x1, label in zip(data.test_x0, data.test_x1, data.test_label, strict=True):
        out = forward(w0, w1, x0, x1).data
        if abs(label - out) <= label * margin:
            correct += 1
    return correct


def run(
    *,
    regularised: bool = True,
    epochs: int = EPOCHS,
    data: Data | None = None,
    trainer: Trainer | None = None,
    progress: Callable[[int], object] | None = None,
    checkpoints: Sequence[int] = CHECKPOINTS,
) -> Result:
    """Train and test as the article does; `progress(n)` is called after every n rows trained.

    `trainer` defaults to `eager_trainer` (Value graphs and backward()). Checkpoints are row
    counts into epoch 1 at which the weights are recorded.
    """
    data = article_data() if data is None else data
    train = trainer if trainer is not None else eager_trainer
    weights = data.initial_weights
    initial_demo = (predict(weights, *DEMO[0]), predict(weights, *DEMO[1]))
    n = len(data.train_label)
    recorded: list[tuple[int, float, float]] = []
    history: list[Epoch] = []
    for epoch in range(epochs):
        lr = learning_rate(epoch)
        # block boundaries: every BLOCK rows, plus each checkpoint in the first epoch
        stops = set(range(BLOCK, n, BLOCK)) | {n}
        if epoch == 0:
            stops |= {c for c in checkpoints if 0 < c <= n}
        start = 0
        for stop in sorted(stops):
            weights = train(
                weights,
                data.train_x0[start:stop],
                data.train_x1[start:stop],
                data.train_label[start:stop],
                lr,
                regularised=regularised,
            )
            if epoch == 0 and stop in checkpoints:
                recorded.append((stop, *weights))
            if progress is not None:
                progress(stop - start)
            start = stop
        history.append(Epoch(epoch + 1, lr, weights, accuracy(weights, data), len(data.test_label)))
    final_demo = (predict(weights, *DEMO[0]), predict(weights, *DEMO[1]))
    return Result(
        regularised, data.initial_weights, initial_demo, tuple(recorded), tuple(history), final_demo
    )
