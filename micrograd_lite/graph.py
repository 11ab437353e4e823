"""Walks over a DAG given only a `parents` callable: topological order, reachability, counts.

Nothing here knows what a node is, so render, check, compile and the tests (with plain dicts)
share these walks. All are iterative: recursion dies at ~1000 frames, graphs here have millions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def topo_order(root: N, parents: Callable[[N], Iterable[N]]) -> list[N]:
    """Every node reachable from `root`, each placed after all of its parents; `root` is last.

    >>> edges = {"loss": ["y", "w"], "y": ["w", "x"], "w": [], "x": []}
    >>> topo_order("loss", edges.__getitem__)
    ['w', 'x', 'y', 'loss']
    """
    order: list[N] = []
    done: set[N] = set()
    stack: list[tuple[N, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if node in done:
            continue
        if expanded:  # second visit: every parent is already placed
            done.add(node)
            order.append(node)
        else:
            stack.append((node, True))
            # reversed so the first parent is visited first: orders read like the source
            stack.extend((p, False) for p in reversed(list(parents(node))) if p not in done)
    return order


def is_topological(order: list[N], parents: Callable[[N], Iterable[N]]) -> bool:
    """True when each node of `order` comes after all of its parents (and appears once)."""
    position = {node: i for i, node in enumerate(order)}
    if len(position) != len(order):
        return False
    return all(position[p] < i for i, node in enumerate(order) for p in parents(node))


def consumers(order: list[N], parents: Callable[[N], Iterable[N]]) -> dict[N, list[N]]:
    """For each node, the nodes that use it as an input (once per use), in `order`."""
    users: dict[N, list[N]] = {node: [] for node in order}
    for node in order:
        for p in parents(node):
            users[p].append(node)
    return users
