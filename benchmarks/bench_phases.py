"""Forward and backward time per node on micrograd's moons step, beside micrograd 0.1.0.

One step's graph (MLP(2, [16, 16, 1]) on 100 points, SVM loss + L2) is built (forward) and
differentiated (zero_grad + backward) by each engine in turn, round-robin in one process with
the garbage collector on, as users run it. Times are divided by the number of nodes in that
engine's graph, so engines that build fewer nodes (the fused neuron) are compared per node and
per step.

    python benchmarks/bench_phases.py [--rounds 5] [--tiny]
"""

from __future__ import annotations

import argparse
import functools
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

Build = Callable[[], Any]


def moons(n: int) -> tuple[list[tuple[float, float]], list[float]]:
    rng = random.Random(0)
    xs, ys = [], []
    for i in range(n):
        y = 1.0 if i % 2 == 0 else -1.0
        xs.append((rng.gauss(y, 1.0), rng.gauss(y * 0.5, 1.0)))
        ys.append(y)
    return xs, ys


def count_nodes(root: Any) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def engine(value_cls: Any, mlp: Any, n: int) -> tuple[Build, Callable[[Any], None]]:
    random.seed(1337)
    model = mlp(2, [16, 16, 1])
    xs, ys = moons(n)

    def forward() -> Any:
        inputs = [list(map(value_cls, row)) for row in xs]
        scores = list(map(model, inputs))
        losses = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())

    def backward(loss: Any) -> None:
        model.zero_grad()
        loss.backward()

    return forward, backward


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--tiny", action="store_true", help="10 points, 1 round: a smoke run")
    args = ap.parse_args(argv)
    n, rounds = (10, 1) if args.tiny else (100, args.rounds)

    import micrograd.engine
    import micrograd.nn

    from micrograd_lite import nn
    from micrograd_lite.value import Value

    engines = {
        "micrograd 0.1.0": engine(micrograd.engine.Value, micrograd.nn.MLP, n),
        "lite unfused": engine(Value, functools.partial(nn.MLP, fused=False), n),
        "lite fused": engine(Value, nn.MLP, n),
    }
    times: dict[str, dict[str, list[float]]] = {k: {"fwd": [], "bwd": []} for k in engines}
    nodes: dict[str, int] = {}
    for name, (forward, backward) in engines.items():  # warm up, count
        loss = forward()
        backward(loss)
        nodes[name] = count_nodes(loss)
        del loss
    for _ in range(rounds):
        for name, (forward, backward) in engines.items():
            gc.collect()  # each engine starts from the same heap state; not timed
            t0 = time.perf_counter()
            loss = forward()
            t1 = time.perf_counter()
            backward(loss)
            t2 = time.perf_counter()
            del loss
            times[name]["fwd"].append(t1 - t0)
            times[name]["bwd"].append(t2 - t1)
    print(f"python {sys.version.split()[0]}, {n} points, {rounds} rounds, gc on (plain)")
    print(f"{'engine':17} {'nodes':>7} {'fwd ms':>8} {'bwd ms':>8} {'fwd ns/node':>12} "
          f"{'bwd ns/node':>12} {'step x micrograd':>17}")  # fmt: skip
    base = None
    for name in engines:
        fwd = statistics.median(times[name]["fwd"])
        bwd = statistics.median(times[name]["bwd"])
        base = base or fwd + bwd
        print(
            f"{name:17} {nodes[name]:7d} {fwd * 1e3:8.2f} {bwd * 1e3:8.2f} "
            f"{fwd / nodes[name] * 1e9:12.0f} {bwd / nodes[name] * 1e9:12.0f} "
            f"{base / (fwd + bwd):17.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
