"""Shared helpers for the benchmarks: the anchor workload, round-robin timing, ratio tables."""

from __future__ import annotations

import gc
import importlib.util
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ANCHOR = os.path.normpath(
    os.path.join(HERE, "..", "..", "shared", "tools", "bench_anchor.py")
)


def load_anchor() -> ModuleType:
    """The team's yardstick (micrograd's moons step and its peers), from $BENCH_ANCHOR."""
    path = os.environ.get("BENCH_ANCHOR", DEFAULT_ANCHOR)
    if not os.path.exists(path):
        raise SystemExit(f"bench_anchor.py not found at {path}: set BENCH_ANCHOR=/path/to/it")
    spec = importlib.util.spec_from_file_location("bench_anchor", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_anchor"] = module
    spec.loader.exec_module(module)
    return module


def time_round_robin(
    impls: Sequence[tuple[str, Callable[[], Any]]],
    *,
    rounds: int,
    min_time: float,
    gc_mode: str = "plain",
) -> dict[str, list[float]]:
    """Per-call seconds of each callable, interleaved round by round (drift hits all alike).

    gc_mode 'plain': the collector runs as users run it (an untimed collect between rounds);
    'off': disabled while timing (the arithmetic alone).
    """
    reps = {}
    for name, fn in impls:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        reps[name] = max(1, math.ceil(min_time / max(dt, 1e-9)))
    times: dict[str, list[float]] = {name: [] for name, _ in impls}
    if gc_mode == "off":
        gc.disable()
    try:
        for r in range(rounds):
            order = list(impls[r % len(impls) :]) + list(impls[: r % len(impls)])
            for name, fn in order:
                k = reps[name]
                gc.collect()
                t0 = time.perf_counter()
                for _ in range(k):
                    fn()
                times[name].append((time.perf_counter() - t0) / k)
    finally:
        gc.enable()
    return times


def print_ratios(times: dict[str, list[float]], columns: Sequence[str], unit: str = "ms") -> None:
    """Median time per row, and the median paired speed-up time(column)/time(row) per column."""
    scale = {"ms": 1e3, "us": 1e6, "s": 1.0}[unit]
    cols = [c for c in columns if c in times]
    print(f"{'':<18}{'median ' + unit:>12}" + "".join(f"{'vs ' + c:>18}" for c in cols))
    for name, t in times.items():
        cells = []
        for c in cols:
            ratios = [b / a for a, b in zip(t, times[c], strict=True)]
            cells.append(f"{statistics.median(ratios):>18.3f}")
        print(f"{name:<18}{statistics.median(t) * scale:>12.3f}" + "".join(cells))
    print("(speed-up of the row over the column, paired per round: 2.0 = row twice as fast)")
