"""micrograd's moons training step, every way we run it, beside its peers, in one process.

Workload (from the team's bench_anchor.py): MLP(2, [16, 16, 1]), 100 points, SVM loss + L2;
one step = forward + zero_grad + backward + SGD update (lr 0, so every step does equal work).

    lite-eager     micrograd_lite.nn.MLP(..., fused=False): micrograd's graph, ~65k ops/step
    lite-fused     micrograd_lite.nn.MLP (one affine node per neuron call)
    lite-compiled  micrograd_lite.compile of the whole loss (parameters are the arguments)
    lite-batch     compile of the per-sample loss, replayed over the 100 points with numpy
    peers          micrograd 0.1.0, torch scalar and batched, hand-written floats, numpy

Gradients of every implementation are checked against hand-floats (<= 1e-9) before timing.
Timed as users run it: continuous steps with the collector on (`--gc plain`), torch imported
(as in the team's yardstick) unless `--no-torch`; `--gc off` gives the arithmetic alone and
`--gc freeze` what `gc.freeze()` after imports buys. Every table is titled with its gc mode.
Usage: python benchmarks/bench_moons.py [--tiny] [--rounds 5] [--gc plain|off|freeze]
       [--only a,b] [--no-torch]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import (
    GC_HELP,
    GC_MODES,
    describe_run,
    import_torch,
    load_anchor,
    print_ratios,
    time_round_robin,
)

import micrograd_lite.nn as lite_nn
from micrograd_lite import Value
from micrograd_lite.compile import compile as lite_compile

A = load_anchor()


class LiteUnfused:
    MLP = functools.partial(lite_nn.MLP, fused=False)


def model_with(flat: tuple[Value, ...]) -> lite_nn.MLP:
    """An MLP whose parameters are the given Values (traced arguments), in parameters() order."""
    model = lite_nn.MLP(A.SIZES[0], A.SIZES[1:], seed=0)
    k = 0
    for layer in model.layers:
        for n in layer.neurons:
            nin = len(n.w)
            n.w = list(flat[k : k + nin])
            n.b = flat[k + nin]
            k += nin + 1
    return model


class Compiled:
    """The whole step's loss compiled once; a step is one call plus the SGD update."""

    name = "lite-compiled"

    def __init__(self, X: list[tuple[float, float]], Y: list[float]) -> None:
        self.X, self.Y = X, Y
        self.cf: Any = None

    def loss(self, *flat: Value) -> Value:
        model = model_with(flat)
        scores = [model([Value(x0), Value(x1)]) for x0, x1 in self.X]
        losses = [(1 + -y * s).relu() for y, s in zip(self.Y, scores, strict=True)]  # type: ignore[operator]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + A.ALPHA * sum(p * p for p in flat)  # type: ignore[no-any-return]

    def set_params(self, flat: list[float]) -> None:
        self.p = list(flat)
        if self.cf is None:
            t0 = time.perf_counter()
            self.cf = lite_compile(self.loss, self.p)
            self.compile_seconds = time.perf_counter() - t0

    def grads(self) -> list[float]:
        return list(self.g)

    def step(self, lr: float) -> float:
        value, self.g = self.cf(*self.p)
        self.p = [p - lr * g for p, g in zip(self.p, self.g, strict=True)]
        return value  # type: ignore[no-any-return]


class Batch(Compiled):
    """The per-sample loss compiled once, replayed over all points as numpy arrays."""

    name = "lite-batch"

    def __init__(self, X: list[tuple[float, float]], Y: list[float]) -> None:
        import numpy as np

        super().__init__(X, Y)
        self.np = np
        self.columns = (np.array([x[0] for x in X]), np.array([x[1] for x in X]), np.array(Y))

    def sample_loss(self, *args: Value) -> Value:
        *flat, x0, x1, y = args
        score = model_with(tuple(flat))([x0, x1])
        return (1 + -y * score).relu() * (1.0 / len(self.X))  # type: ignore[operator]

    def set_params(self, flat: list[float]) -> None:
        self.p = list(flat)
        if self.cf is None:
            t0 = time.perf_counter()
            # gradients of the parameters only (not of the data columns x0, x1, y)
            wrt = range(len(self.p))
            self.cf = lite_compile(self.sample_loss, [*self.p, 0.0, 0.0, 1.0], wrt=wrt)
            self.compile_seconds = time.perf_counter() - t0

    def step(self, lr: float) -> float:
        np = self.np
        values, grads = self.cf.batch(*self.p, *self.columns)
        p = np.array(self.p)
        g = np.array(grads).sum(axis=1) + (2.0 * A.ALPHA) * p
        self.g = g.tolist()
        self.p = (p - lr * g).tolist()
        loss: float = float(values.sum()) + A.ALPHA * float(p @ p)
        return loss


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiny", action="store_true", help="10 points, 1 round: a smoke run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per timed batch")
    ap.add_argument("--settle", type=float, help="untimed seconds before each batch (min-time)")
    ap.add_argument("--gc", choices=GC_MODES, default="plain", help=GC_HELP)
    ap.add_argument("--only", default="", help="comma list of implementation names")
    ap.add_argument("--no-torch", action="store_true", help="keep torch out of the process")
    args = ap.parse_args(argv)
    n_points = 10 if args.tiny else A.N_POINTS
    rounds = 1 if args.tiny else args.rounds
    min_time = 0.0 if args.tiny else args.min_time
    X, Y = A.make_data(n_points)
    P0 = A.init_params()
    only = set(filter(None, args.only.split(",")))
    # imported even when its rows are left out (--only), so the heap is the yardstick's
    with_torch = import_torch(not args.no_torch)

    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn

    import micrograd_lite.engine as lite_engine

    impls: list[Any] = [
        A.ApiEngine("micrograd", mg_engine, mg_nn, X, Y),
        A.ApiEngine("lite-eager", lite_engine, LiteUnfused, X, Y),
        A.ApiEngine("lite-fused", lite_engine, lite_nn, X, Y),
        Compiled(X, Y),
    ]
    try:
        impls.append(Batch(X, Y))
    except ImportError:
        print("lite-batch: numpy not importable, skipped")
    if with_torch:
        impls += [A.TorchScalar(X, Y), A.TorchBatched(X, Y)]
    hand = A.HandFloats(X, Y)
    impls.append(hand)
    try:
        impls.append(A.NumpyHand(X, Y))
    except ImportError:
        print("numpy: not importable, skipped")
    if only:
        impls = [i for i in impls if i.name in only or i is hand]

    hand.set_params(P0)
    loss_ref = hand.step(0.0)
    g_ref = hand.grads()
    print(describe_run(args.gc) + f"; {n_points} points")
    for imp in impls:
        imp.set_params(P0)
        loss = imp.step(0.0)
        err = max(abs(a - b) for a, b in zip(imp.grads(), g_ref, strict=True))
        ok = err <= 1e-9 and abs(loss - loss_ref) <= 1e-9
        extra = ""
        if hasattr(imp, "compile_seconds"):
            secs = imp.compile_seconds
            extra = f"  (trace + compile {secs:.2f} s, gc on, {imp.cf.n_ops} ops)"
        verdict = "OK" if ok else "MISMATCH"
        print(f"  check {imp.name:<14} max|grad - hand| = {err:.1e}  {verdict}{extra}")
        if not ok:
            return 1
        imp.step(0.0)  # warm-up

    times = time_round_robin(
        [(imp.name, functools.partial(imp.step, 0.0)) for imp in impls],
        rounds=rounds,
        min_time=min_time,
        gc_mode=args.gc,
        settle=0.0 if args.tiny else args.settle,
    )
    print(
        f"\nper-step time, median of {rounds} rounds of continuous steps; ratio columns are"
        f" paired per round; load average now {os.getloadavg()[0]:.2f}"
    )
    print_ratios(times, ["micrograd", "torch-scalar", "hand-floats", "numpy"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
