"""Forward and backward time per node on micrograd's moons step, beside micrograd 0.1.0.

One step's graph (MLP(2, [16, 16, 1]) on 100 points, SVM loss + L2) is built (forward) and
differentiated (zero_grad + backward) by each engine in turn, round-robin in one process, as
continuous steps with the collector on (`--gc plain`, as users run it; torch imported unless
`--no-torch`), through the same harness as bench_moons.py. Times are divided by the number of
nodes in that engine's graph, so engines that build fewer nodes (the fused neuron) are compared
per node and per step. Full collections land in whichever phase allocates when one is due
(mostly the forward).

    python benchmarks/bench_phases.py [--rounds 5] [--tiny] [--gc plain|off|freeze]
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import GC_HELP, GC_MODES, describe_run, import_torch, time_round_robin

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
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds per timed batch")
    ap.add_argument("--tiny", action="store_true", help="10 points, 1 round: a smoke run")
    ap.add_argument("--gc", choices=GC_MODES, default="plain", help=GC_HELP)
    ap.add_argument("--no-torch", action="store_true", help="keep torch out of the process")
    args = ap.parse_args(argv)
    n, rounds = (10, 1) if args.tiny else (100, args.rounds)
    min_time = 0.0 if args.tiny else args.min_time
    import_torch(not args.no_torch)

    import micrograd.engine
    import micrograd.nn

    from micrograd_lite import nn
    from micrograd_lite.value import Value

    engines = {
        "micrograd 0.1.0": engine(micrograd.engine.Value, micrograd.nn.MLP, n),
        "lite unfused": engine(Value, functools.partial(nn.MLP, fused=False), n),
        "lite fused": engine(Value, nn.MLP, n),
    }
    nodes: dict[str, int] = {}
    for name, (forward, backward) in engines.items():  # warm up, count
        loss = forward()
        backward(loss)
        nodes[name] = count_nodes(loss)
        del loss
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in engines}
    phases: dict[str, dict[str, list[float]]] = {k: {"fwd": [], "bwd": []} for k in engines}

    def step(name: str) -> None:
        forward, backward = engines[name]
        t0 = time.perf_counter()
        loss = forward()
        t1 = time.perf_counter()
        backward(loss)
        samples[name].append((t1 - t0, time.perf_counter() - t1))

    def on_batch(name: str, k: int) -> None:  # the batch's mean forward and backward times
        batch = samples[name][-k:]
        phases[name]["fwd"].append(sum(s[0] for s in batch) / k)
        phases[name]["bwd"].append(sum(s[1] for s in batch) / k)
        samples[name].clear()

    print(describe_run(args.gc) + f"; {n} points, {rounds} rounds")
    timings = time_round_robin(
        [(name, functools.partial(step, name)) for name in engines],
        rounds=rounds,
        min_time=min_time,
        gc_mode=args.gc,
        on_batch=on_batch,
    )
    print(
        f"gc mode '{args.gc}', continuous steps; heap at start: {timings.heap_objects} tracked"
        f" objects; load average now {os.getloadavg()[0]:.2f}"
    )
    print(f"{'engine':17} {'nodes':>7} {'fwd ms':>8} {'bwd ms':>8} {'fwd ns/node':>12} "
          f"{'bwd ns/node':>12} {'full gc/step':>13} {'step x micrograd':>17}")  # fmt: skip
    base = timings.times["micrograd 0.1.0"]
    for name in engines:
        fwd = statistics.median(phases[name]["fwd"])
        bwd = statistics.median(phases[name]["bwd"])
        paired = statistics.median(b / t for b, t in zip(base, timings.times[name], strict=True))
        full = timings.full_collections[name] / timings.steps[name]
        print(
            f"{name:17} {nodes[name]:7d} {fwd * 1e3:8.2f} {bwd * 1e3:8.2f} "
            f"{fwd / nodes[name] * 1e9:12.0f} {bwd / nodes[name] * 1e9:12.0f} "
            f"{full:13.3f} {paired:17.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
