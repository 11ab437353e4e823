"""The compiled path: compile time by graph size, and per-call time on small and big programs.

1. compile time of the moons loss (bench_anchor's workload) as a fused graph (~7,600 ops) and
   as micrograd's unfused graph (~65,000 ops): trace (runs the function eagerly once),
   render (writes the source), build (Python's compile + exec).
2. the adding neuron, `(y - (w0*x0 + w1*x1))**2`: the per-call time of cf, and of 5,000,000
   SGD updates as a plain Python loop around cf (the article run), beside the same loop on
   hand-written floats and the eager engine (timed on fewer updates, scaled).
Every compiled result is checked equal (==) to the eager run before timing.

Usage: python benchmarks/bench_compile.py [--tiny] [--updates 5000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import load_anchor

from micrograd_lite import Value
from micrograd_lite.compile import build, trace
from micrograd_lite.compile import compile as lite_compile


def moons_loss(A: Any, n_points: int, fused: bool) -> Callable[..., Value]:
    from micrograd_lite import nn

    X, Y = A.make_data(n_points)

    def loss(*flat: Value) -> Value:
        model = nn.MLP(2, A.SIZES[1:], fused=fused, seed=0)
        k = 0
        for layer in model.layers:
            for neuron in layer.neurons:
                nin = len(neuron.w)
                neuron.w, neuron.b = list(flat[k : k + nin]), flat[k + nin]
                k += nin + 1
        scores = [model([Value(x0), Value(x1)]) for x0, x1 in X]
        losses = [(1 + -y * s).relu() for y, s in zip(Y, scores, strict=True)]
        return sum(losses) * (1.0 / len(losses)) + A.ALPHA * sum(p * p for p in flat)  # type: ignore[no-any-return]

    return loss


def compile_times(A: Any, n_points: int) -> None:
    P0 = A.init_params()
    print(
        f"{'graph':<16}{'ops':>8}{'trace s':>9}{'render s':>10}{'build s':>9}{'total s':>9}"
        f"{'call ms':>9}  equals eager"
    )
    for fused in (True, False):
        fn = moons_loss(A, n_points, fused)
        t0 = time.perf_counter()
        program = trace(fn, P0)
        t1 = time.perf_counter()
        program.render(comments=False)
        t2 = time.perf_counter()
        cf = build(program)  # renders again, then compiles
        t3 = time.perf_counter()
        reps = 20
        for _ in range(reps):
            value, grads = cf(*P0)
        t4 = time.perf_counter()
        args = [Value(p) for p in P0]
        out = fn(*args)
        out.backward()
        same = value == out.data and list(grads) == [a.grad for a in args]
        build_only = (t3 - t2) - (t2 - t1)
        print(
            f"{'fused' if fused else 'unfused':<16}{program.n_ops:>8}{t1 - t0:9.3f}{t2 - t1:10.3f}"
            # total = what compile() costs: the trace, then build (which renders once itself)
            f"{build_only:9.3f}{(t1 - t0) + (t3 - t2):9.3f}{(t4 - t3) / reps * 1e3:9.3f}  {same}"
        )


def adding_neuron(updates: int, eager_updates: int) -> None:
    rows = [(float(a), float(b), float(a + b)) for a in range(-3, 4) for b in range(-3, 4)]
    lr = 0.01

    def neuron(w0: Value, w1: Value, x0: Value, x1: Value, y: Value) -> Value:
        return (y - (w0 * x0 + w1 * x1)) ** 2

    cf = lite_compile(neuron, [0.0, 0.0, 1.0, 1.0, 2.0])
    cf_w = lite_compile(neuron, [0.0, 0.0, 1.0, 1.0, 2.0], wrt=(0, 1))
    args = [Value(x) for x in (0.3, -0.7, 2.0, -1.0, 0.5)]
    out = neuron(*args)
    out.backward()
    assert cf(0.3, -0.7, 2.0, -1.0, 0.5) == (out.data, tuple(a.grad for a in args))

    def loop_compiled(n: int) -> tuple[float, float]:
        w0 = w1 = 0.0
        k = len(rows)
        for i in range(n):
            x0, x1, y = rows[i % k]
            _, (g0, g1) = cf_w(w0, w1, x0, x1, y)
            w0 -= lr * g0
            w1 -= lr * g1
        return w0, w1

    def loop_floats(n: int) -> tuple[float, float]:
        w0 = w1 = 0.0
        k = len(rows)
        for i in range(n):
            x0, x1, y = rows[i % k]
            d = -2.0 * (y - (w0 * x0 + w1 * x1))
            w0 -= lr * d * x0
            w1 -= lr * d * x1
        return w0, w1

    def loop_eager(n: int) -> tuple[float, float]:
        w0, w1 = Value(0.0), Value(0.0)
        k = len(rows)
        for i in range(n):
            x0, x1, y = rows[i % k]
            loss = neuron(w0, w1, Value(x0), Value(x1), Value(y))
            w0.grad = w1.grad = 0.0
            loss.backward()
            w0.data -= lr * w0.grad
            w1.data -= lr * w1.grad
        return w0.data, w1.data

    reps = 200_000 if updates >= 200_000 else updates
    t0 = time.perf_counter()
    for _ in range(reps):
        cf(0.3, -0.7, 2.0, -1.0, 0.5)
    t1 = time.perf_counter()
    for _ in range(reps):
        cf_w(0.3, -0.7, 2.0, -1.0, 0.5)
    t2 = time.perf_counter()
    print(
        f"\nadding neuron: cf per call {(t1 - t0) / reps * 1e6:.3f} us (all 5 grads), "
        f"{(t2 - t1) / reps * 1e6:.3f} us (wrt=(0, 1))"
    )
    for name, loop, n in (
        ("compiled loop", loop_compiled, updates),
        ("hand floats", loop_floats, updates),
        ("eager engine", loop_eager, eager_updates),
    ):
        t0 = time.perf_counter()
        w = loop(n)
        dt = time.perf_counter() - t0
        print(
            f"  {name:<14} {n:>9} updates {dt:7.2f} s  -> 5,000,000 updates: "
            f"{dt / n * 5e6:6.2f} s   w = ({w[0]:.6f}, {w[1]:.6f})"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiny", action="store_true", help="10 points, 10,000 updates: a smoke run")
    ap.add_argument("--updates", type=int, default=5_000_000)
    args = ap.parse_args(argv)
    A = load_anchor()
    print(f"python {sys.version.split()[0]}")
    compile_times(A, 10 if args.tiny else A.N_POINTS)
    updates = 10_000 if args.tiny else args.updates
    adding_neuron(updates, min(updates, 200_000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
