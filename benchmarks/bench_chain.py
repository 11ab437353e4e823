"""Long chains: seconds and bytes per node, forward and backward, micrograd_lite vs micrograd.

Two chains of N steps, each built on a fresh leaf:
    mul-const   y = y * 1.0001           (1 op per step; the constant is lifted to a new leaf)
    two-op      y = y * w + c            (2 ops per step; w and c are shared leaf Values)
Bytes per op node are measured with tracemalloc before backward (everything the graph holds:
nodes, their floats, lifted constants), in a separate run from the timing. After the graph is
dropped, gc.collect() must find nothing: a graph without reference cycles is freed by refcounts.
micrograd 0.1.0's recursive topological sort raises RecursionError past ~1,000 nodes, so for it
only forward time and memory are measured on long chains; both engines then run forward and
backward on many 400-step chains, a depth micrograd survives.

The collections here are part of what is measured, not a reset between timed steps: each
chain is one long continuous build (10^6 steps make millions of tracked objects, so it pays
its full collections as users do), and the collect before it only gives every chain the same
starting heap; the collect after it counts the cycles left (the "cycles" column) and the one
before tracemalloc sets the memory baseline. Neither is inside a timed region.
Torch is imported (the heap the team's yardstick measures in) unless --no-torch.

Usage: python benchmarks/bench_chain.py [--tiny] [--sizes 1000000,10000000]
       [--gc plain|off|freeze] [--no-torch]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import GC_HELP, GC_MODES, collector, describe_run, import_torch


def build_mul_const(Value: Any, n: int) -> tuple[Any, Any]:
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001
    return x, y


def build_two_op(Value: Any, n: int) -> tuple[Any, Any]:
    x, w, c = Value(1.0), Value(0.9999), Value(1e-4)
    y = x
    for _ in range(n):
        y = y * w + c
    return x, y


CHAINS: dict[str, tuple[Callable[[Any, int], tuple[Any, Any]], int]] = {
    "mul-const": (build_mul_const, 1),
    "two-op": (build_two_op, 2),
}


def bytes_per_op(
    Value: Any, build: Callable[[Any, int], tuple[Any, Any]], n: int, ops: int
) -> float:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    x, y = build(Value, n)
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del x, y
    gc.collect()
    return used / (n * ops)


def run(Value: Any, name: str, n: int, *, backward: bool) -> dict[str, float]:
    build, ops = CHAINS[name]
    gc.collect()  # the same starting heap for every chain; untimed, before the whole build
    t0 = time.perf_counter()
    x, y = build(Value, n)
    t1 = time.perf_counter()
    if backward:
        y.backward()
    t2 = time.perf_counter()
    grad = x.grad
    del x, y
    t3 = time.perf_counter()
    found = gc.collect()  # garbage in cycles only: refcounting has freed everything else
    return {
        "forward": t1 - t0,
        "backward": t2 - t1 if backward else float("nan"),
        "free": t3 - t2,
        "cycles": float(found),
        "grad": grad,
        "ops": float(n * ops),
    }


def short_chains(engines: list[tuple[str, Any]], steps: int, reps: int) -> None:
    """Forward + backward of many chains short enough for micrograd's recursive sort."""
    print(f"{reps} chains of {steps} steps each (micrograd's recursion survives this depth):")
    for name, (build, ops) in CHAINS.items():
        per_op = {}
        for engine, Value in engines:
            x, y = build(Value, steps)  # warm-up
            y.backward()
            # before this engine's whole measurement, untimed: the timed loop then runs
            # continuously and pays every collection its own chains (and cycles) cause
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(reps):
                x, y = build(Value, steps)
                y.backward()
            dt = time.perf_counter() - t0
            per_op[engine] = dt / (reps * steps * ops)
            print(
                f"  {engine:<11}{name:<11}{per_op[engine] * 1e9:8.0f} ns/op "
                f"forward + backward  d y/d x = {x.grad:.6g}"
            )
        if "micrograd" in per_op:
            print(f"  {name}: lite {per_op['micrograd'] / per_op['lite']:.1f}x micrograd")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiny", action="store_true", help="10,000-step chains: a smoke run")
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument(
        "--micrograd-max",
        type=int,
        default=1_000_000,
        help="largest chain built with micrograd (its nodes are ~10x bigger)",
    )
    ap.add_argument("--gc", choices=GC_MODES, default="plain", help=GC_HELP)
    ap.add_argument("--no-torch", action="store_true", help="keep torch out of the process")
    args = ap.parse_args(argv)
    import_torch(not args.no_torch)
    sizes = [10_000] if args.tiny else [int(s) for s in args.sizes.split(",")]

    from micrograd_lite import Value as Lite

    try:
        from micrograd.engine import Value as Micro
    except ImportError:
        Micro = None
        print("micrograd not importable: its rows are skipped")
    print(describe_run(args.gc))
    with collector(args.gc):
        measure(args, sizes, Lite, Micro)
    print(f"gc mode '{args.gc}'; load average now {os.getloadavg()[0]:.2f}")
    return 0


def measure(args: argparse.Namespace, sizes: list[int], Lite: Any, Micro: Any) -> None:
    engines: list[tuple[str, Any]] = [("lite", Lite)]
    if Micro is not None:
        engines.append(("micrograd", Micro))
    # First, on a clean heap: freeing micrograd's millions of cyclic nodes below leaves the
    # allocator in a state that slowed the next timings here by >10x (seen after 10^6 steps).
    short_chains(engines, 400, 20 if args.tiny else 250)
    print()
    print(
        f"{'engine':<11}{'chain':<11}{'steps':>10}{'ops':>10}{'fwd s':>8}{'bwd s':>8}"
        f"{'total s':>9}{'ns/op':>8}{'B/op':>7}{'cycles':>9}  d y/d x"
    )
    rows: list[tuple[str, Any, int, str, Any, int, bool]] = []  # all of lite's rows first
    for engine, Value in engines:
        for n in sizes:
            if engine == "micrograd" and n > args.micrograd_max:
                continue
            for name, (build, ops) in CHAINS.items():
                # micrograd's recursive sort dies past ~1000 levels: forward only beyond 500
                rows.append((engine, Value, n, name, build, ops, engine == "lite" or n <= 500))
    forward: dict[tuple[str, str, int], float] = {}
    # lite's rows, then micrograd's: lite never runs after micrograd's cycles are freed
    for engine, Value, n, name, build, ops, do_backward in rows:
        r = run(Value, name, n, backward=do_backward)
        # tracemalloc triples the build time: bytes are measured up to 10^6 steps
        mem = bytes_per_op(Value, build, n, ops) if n <= 1_000_000 else float("nan")
        total = r["forward"] + (r["backward"] if do_backward else 0.0)
        bwd = f"{r['backward']:8.2f}" if do_backward else f"{'n/a':>8}"
        print(
            f"{engine:<11}{name:<11}{n:>10}{int(r['ops']):>10}{r['forward']:8.2f}{bwd}"
            f"{total:9.2f}{total / r['ops'] * 1e9:8.0f}{mem:7.0f}{int(r['cycles']):>9}"
            f"  {r['grad']:.6g}"
        )
        forward[engine, name, n] = r["forward"]
    for (engine, name, n), t in forward.items():
        if engine == "micrograd" and ("lite", name, n) in forward:
            ratio = t / forward["lite", name, n]
            print(f"forward, {name}, {n} steps: lite {ratio:.1f}x micrograd")


if __name__ == "__main__":
    sys.exit(main())
