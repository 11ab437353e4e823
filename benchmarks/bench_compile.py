"""The compiled path: compile time by graph size, and per-call time on small and big programs.

1. compile time of the moons loss (bench_anchor's workload) as a fused graph (~7,600 ops) and
   as micrograd's unfused graph (~65,000 ops): trace (runs the function eagerly once),
   render (writes the source), build (Python's compile + exec).
2. the adding neuron, `(y - (w0*x0 + w1*x1))**2`: the per-call time of cf, and of 5,000,000
   SGD updates as a plain Python loop around cf (the article run), beside the same loop on
   hand-written floats and the eager engine (timed on fewer updates, scaled).
3. what compile time buys back: one micrograd 0.1.0 step and one eager unfused step of the
   same workload, measured in this process after the compiles (compile s / step s).
Every compiled result is checked equal (==) to the eager run before timing.

Measured as users run it: the collector on (`--gc plain`; `off` and `freeze` as in
bench_moons.py), one collection before anything is timed and none between the repeats,
torch imported (as in the team's yardstick) unless `--no-torch`.

Usage: python benchmarks/bench_compile.py [--tiny] [--updates 5000000] [--repeat 3]
       [--gc plain|off|freeze] [--no-torch]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import GC_HELP, GC_MODES, collector, describe_run, import_torch, load_anchor

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


def compile_times(A: Any, n_points: int, repeat: int) -> float:
    """Trace, render and build each graph `repeat` times back to back; returns the unfused
    graph's median compile() time (trace + build)."""
    P0 = A.init_params()
    print(
        f"{'graph':<10}{'ops':>8}{'trace s':>9}{'render s':>10}{'build s':>9}{'total s':>9}"
        f"{'min..max total':>16}{'call ms':>9}  equals eager"
    )
    unfused_total = float("nan")
    for fused in (True, False):
        fn = moons_loss(A, n_points, fused)
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            program = trace(fn, P0)
            t1 = time.perf_counter()
            program.render(comments=False)
            t2 = time.perf_counter()
            cf = build(program)  # renders again, then compiles
            t3 = time.perf_counter()
            # total = what compile() costs: the trace, then build (which renders once itself)
            runs.append((t1 - t0, t2 - t1, (t3 - t2) - (t2 - t1), (t1 - t0) + (t3 - t2)))
        reps = 20
        t3 = time.perf_counter()
        for _ in range(reps):
            value, grads = cf(*P0)
        t4 = time.perf_counter()
        args = [Value(p) for p in P0]
        out = fn(*args)
        out.backward()
        same = value == out.data and list(grads) == [a.grad for a in args]
        med = [statistics.median(r[i] for r in runs) for i in range(4)]
        totals = [r[3] for r in runs]
        spread = f"{min(totals):.3f}..{max(totals):.3f}"
        print(
            f"{'fused' if fused else 'unfused':<10}{program.n_ops:>8}{med[0]:9.3f}{med[1]:10.3f}"
            f"{med[2]:9.3f}{med[3]:9.3f}{spread:>16}{(t4 - t3) / reps * 1e3:9.3f}  {same}"
        )
        if not fused:
            unfused_total = med[3]
    print(f"(median of {repeat} compiles each, back to back)")
    return unfused_total


def break_even(A: Any, n_points: int, compile_s: float, steps: int) -> None:
    """compile() of the unfused loss, in steps of micrograd and of the eager unfused engine."""
    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn

    import micrograd_lite.engine as lite_engine
    from micrograd_lite import nn

    class Unfused:
        MLP = functools.partial(nn.MLP, fused=False)

    X, Y = A.make_data(n_points)
    print(f"\ncompile() of the unfused loss ({compile_s:.3f} s) against eager steps, this process:")
    # lite first: the cycles micrograd leaves are freed by the next full collection, which
    # would otherwise fall in lite's timed steps
    for name, engine, nn_mod in (
        ("lite unfused", lite_engine, Unfused),
        ("micrograd 0.1.0", mg_engine, mg_nn),
    ):
        imp = A.ApiEngine(name, engine, nn_mod, X, Y)
        imp.set_params(A.init_params())
        for _ in range(steps):  # untimed, continuous with the timed steps
            imp.step(0.0)
        t0 = time.perf_counter()
        for _ in range(steps):
            imp.step(0.0)
        step = (time.perf_counter() - t0) / steps
        print(
            f"  {name:<16} step {step * 1e3:8.1f} ms (mean of {steps}, continuous)"
            f"   compile / step = {compile_s / step:6.2f}"
        )
        del imp


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
    ap.add_argument("--repeat", type=int, default=3, help="compiles of each graph (median)")
    ap.add_argument("--gc", choices=GC_MODES, default="plain", help=GC_HELP)
    ap.add_argument("--no-torch", action="store_true", help="keep torch out of the process")
    args = ap.parse_args(argv)
    A = load_anchor()
    import_torch(not args.no_torch)
    print(describe_run(args.gc))
    n_points = 10 if args.tiny else A.N_POINTS
    with collector(args.gc):
        compile_s = compile_times(A, n_points, 1 if args.tiny else args.repeat)
        updates = 10_000 if args.tiny else args.updates
        adding_neuron(updates, min(updates, 200_000))
        # last: micrograd's cyclic garbage must not land in the compile timings above
        break_even(A, n_points, compile_s, 1 if args.tiny else 3)
    print(f"gc mode '{args.gc}'; load average now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
