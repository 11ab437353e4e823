"""Shared helpers for the benchmarks: the anchor workload, round-robin timing, ratio tables."""

from __future__ import annotations

import gc
import importlib.util
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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


GC_MODES = ("plain", "off", "freeze")
GC_HELP = (
    "plain: the collector on, as users run it; off: disabled while timing (the arithmetic "
    "alone, a floor no user sees); freeze: gc.freeze() after imports and setup, then on"
)


class FullCollections:
    """Counts the collector's full (generation-2) collections, through `gc.callbacks`.

    Printed per timed step beside every figure: a full collection walks every tracked object
    in the process (~170k with torch imported, ~60 ms), so how many a step pays decides
    most of an unfused step's time.
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.count += 1

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


@contextmanager
def collector(mode: str) -> Iterator[None]:
    """The collector's state for a whole measurement, in one of GC_MODES.

    One gc.collect() first, before anything is timed, so every run starts from the same heap;
    none after it, while timing or between rounds: a collection between timed steps resets
    the collector's counters, so the steps after it rarely pay for a full collection, and a
    step that makes ~65k tracked objects would look 2-3x faster than it runs for users.
    'freeze' then moves everything alive (torch, the models, the data) into the permanent
    generation, as a user can do after imports; 'off' disables the collector until the end
    (time_round_robin then frees micrograd's cycles between batches, untimed: in this mode
    no timed step pays for a collection anyway).
    """
    if mode not in GC_MODES:
        raise ValueError(f"gc mode must be one of {GC_MODES}, got {mode!r}")
    gc.collect()
    if mode == "freeze":
        gc.freeze()
    elif mode == "off":
        gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if mode == "freeze":
            gc.unfreeze()


def import_torch(wanted: bool) -> bool:
    """Import torch into the heap the collector walks, as the team's yardstick does.

    Its ~156k tracked objects make every full collection ~3x longer, so every figure says
    whether torch was in the process.
    """
    if not wanted:
        return False
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(1)
    return True


def describe_run(gc_mode: str) -> str:
    """One header line: python, where micrograd_lite came from, the heap, gc mode, load."""
    import micrograd_lite

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    torch = "torch imported" if "torch" in sys.modules else "torch not imported"
    return (
        f"python {sys.version.split()[0]}; micrograd_lite from {micrograd_lite.__file__}\n"
        f"gc mode '{gc_mode}'; {torch}; load average {load} ({os.cpu_count()} cores)"
    )


@dataclass
class Timings:
    """Per-step seconds per implementation (one entry per round) and what the steps paid."""

    gc_mode: str
    heap_objects: int = 0  # tracked objects after the one collection before timing
    times: dict[str, list[float]] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)
    full_collections: dict[str, int] = field(default_factory=dict)


def time_round_robin(
    impls: Sequence[tuple[str, Callable[[], Any]]],
    *,
    rounds: int,
    min_time: float,
    gc_mode: str = "plain",
    settle: float | None = None,
    on_batch: Callable[[str, int], None] | None = None,
) -> Timings:
    """Per-step seconds of each callable, interleaved round by round (drift hits all alike).

    Each round runs every implementation in turn (rotating the order), as continuous steps:
    first untimed ones of the same implementation (`settle` seconds, default `min_time`, and
    in the collector's on modes at least until one full collection has run in them, capped at
    4x `settle`), then, with no pause or collection between, the timed ones (at least
    `min_time`). The settle steps are there because micrograd's graphs are reference cycles:
    the garbage it leaves is freed by the next full collection, which would otherwise fall in
    the next implementation's timed steps. After them the heap is this implementation's own
    steady state, and the timed steps pay its full collections at the rate users meet them.
    With the collector off, the one exception: a collection before each batch (see below).
    `on_batch(name, k)` is called after each timed batch of k steps.
    """
    settle = min_time if settle is None else settle
    out = Timings(gc_mode)
    for name, _ in impls:
        out.times[name] = []
        out.steps[name] = 0
        out.full_collections[name] = 0
    with collector(gc_mode), FullCollections() as full:
        out.heap_objects = len(gc.get_objects()) + gc.get_freeze_count()
        reps = {}
        for name, fn in impls:  # calibration: also a first, untimed step
            t0 = time.perf_counter()
            fn()
            reps[name] = max(1, math.ceil(min_time / max(time.perf_counter() - t0, 1e-9)))
        need_full = gc.isenabled()
        for r in range(rounds):
            order = list(impls[r % len(impls) :]) + list(impls[: r % len(impls)])
            for name, fn in order:
                if not need_full:
                    # 'off' only: free the cycles micrograd left (nothing else makes any), so
                    # its steps reuse memory instead of faulting in fresh pages; it cannot
                    # flatter anyone, since no step collects anything in this mode
                    gc.collect()
                seen = full.count
                start = time.perf_counter()
                fn()
                while True:
                    elapsed = time.perf_counter() - start
                    if elapsed >= 4 * settle:
                        break
                    if elapsed >= settle and not (need_full and full.count == seen):
                        break
                    fn()
                k = reps[name]
                seen = full.count
                t0 = time.perf_counter()
                for _ in range(k):
                    fn()
                out.times[name].append((time.perf_counter() - t0) / k)
                out.steps[name] += k
                out.full_collections[name] += full.count - seen
                if on_batch is not None:
                    on_batch(name, k)
    return out


def print_ratios(timings: Timings, columns: Sequence[str], unit: str = "ms") -> None:
    """Median time per row, full collections per step, and the median paired speed-up
    time(column)/time(row) per column; the table's gc mode is its title."""
    scale = {"ms": 1e3, "us": 1e6, "s": 1.0}[unit]
    times = timings.times
    cols = [c for c in columns if c in times]
    print(f"gc mode '{timings.gc_mode}'; heap at start: {timings.heap_objects} tracked objects")
    print(
        f"{'':<18}{'median ' + unit:>12}{'full gc/step':>14}"
        + "".join(f"{'vs ' + c:>18}" for c in cols)
    )
    for name, t in times.items():
        cells = []
        for c in cols:
            ratios = [b / a for a, b in zip(t, times[c], strict=True)]
            cells.append(f"{statistics.median(ratios):>18.3f}")
        per_step = timings.full_collections[name] / max(timings.steps[name], 1)
        print(f"{name:<18}{statistics.median(t) * scale:>12.3f}{per_step:>14.3f}" + "".join(cells))
    print("(speed-up of the row over the column, paired per round: 2.0 = row twice as fast)")
