"""Graphs of millions of nodes and heavily shared subgraphs: no recursion, linear time."""

from __future__ import annotations

import gc

from micrograd_lite import Value


def test_wide_sum_of_a_million_values() -> None:
    xs = [Value(1.0) for _ in range(1_000_000)]
    total = sum(xs)
    assert isinstance(total, Value) and total.data == 1_000_000.0
    total.backward()
    assert xs[0].grad == 1.0 and xs[-1].grad == 1.0


def test_a_node_used_a_thousand_times_accumulates_each_use() -> None:
    x = Value(2.0)
    total = sum(x * float(i) for i in range(1000))
    assert isinstance(total, Value)
    total.backward()
    assert x.grad == sum(float(i) for i in range(1000))


def test_exponentially_many_paths_stay_linear() -> None:
    # 200 diamonds in a row: 2**200 paths from y to x, 600 nodes; backward visits each once
    x = Value(1.0)
    y = x
    for _ in range(200):
        y = y * 0.5 + y * 0.5
    y.backward()
    assert y.data == 1.0 and x.grad == 1.0


def test_a_deep_graph_is_freed_without_cycles_or_stack_overflow() -> None:
    x = Value(1.0)
    y = x
    for _ in range(300_000):
        y = (y * 1.0).relu()
    y.backward()
    del y
    gc.collect()
    assert gc.collect() == 0
