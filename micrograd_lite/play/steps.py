"""The player's steps, computed by the engine: the forward pass node by node, then the chain
rule node by node, each with the arithmetic it performs.

The forward pass shows each node's `data` in topological order (`backward.topo_order`, the
reference order: every node after its inputs). The backward pass starts from zero grads with
the root seeded, d(root)/d(root) = 1, and then, from the root back to the leaves, runs each
node's own `send_grads()` (the step `backward()` takes there): for each input,

    input.grad += d(node)/d(input) * node.grad        e.g. x.grad += d(x*y)/dx * out.grad
                                                                = -3 * 1 = -3

The grads recorded after each step are read back from the Values, so they are the engine's
floats, the same as `zero_grad_graph(root); root.backward()` gives. Every `.grad` is put back
as it was afterwards.

    >>> from micrograd_lite import Value
    >>> x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    >>> out = x * y; out.label = "out"
    >>> steps = compute_steps(out)
    >>> for step in steps.steps:
    ...     print(step.phase, *step.lines, sep="\\n  ")
    forward
      x = 2  (a leaf: given)
    forward
      y = -3  (a leaf: given)
    forward
      out = x*y = 2*(-3) = -6
    backward
      out.grad = 1  (dout/dout; every other grad starts at 0)
    backward
      x.grad += d(x*y)/dx * out.grad = -3 * 1 = -3
      y.grad += d(x*y)/dy * out.grad = 2 * 1 = 2
    >>> steps.grads, x.grad
    ((-3.0, 2.0, 1.0), 0.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from micrograd_lite.backward import topo_order
from micrograd_lite.check.naming import factor, node_names, num, spell, wrap
from micrograd_lite.value import Value

Phase = Literal["forward", "backward"]
_SHORT = 24  # a formula longer than this is called by the node's name in d(...)/d(...)


@dataclass(frozen=True)
class Step:
    """One step: the node it is about (a topological index), the text it shows, and, in the
    backward pass, each grad it changes (index, new grad) as the engine left it."""

    phase: Phase
    node: int
    lines: tuple[str, ...]
    inputs: tuple[int, ...] = ()  # the node's inputs: read (forward) or sent grads (backward)
    grads: tuple[tuple[int, float], ...] = ()
    seed: bool = False  # the first backward step: every grad is 0 except the root's 1


@dataclass(frozen=True)
class Steps:
    """A graph's nodes in topological order (name, data), its steps, and its final grads."""

    names: tuple[str, ...]
    titles: tuple[str, ...]  # a made-up name with what it stands for: `v1 = w*x + b`
    data: tuple[float, ...]
    steps: tuple[Step, ...]
    grads: tuple[float, ...]  # after the last step: d(root)/d(node) for each node


def compute_steps(root: Value) -> Steps:
    """The forward and backward steps of `root`'s graph (see the module docstring); every
    `.grad` is left as it was, also when a step fails (a node the chain rule cannot pass)."""
    order = topo_order(root)
    index = {v: i for i, v in enumerate(order)}
    naming = node_names(order)
    names = naming.names
    saved = [v.grad for v in order]
    steps = [
        Step("forward", i, (_forward_line(v, names),), _indices(v, index))
        for i, v in enumerate(order)
    ]
    try:
        for v in order:
            v.grad = 0.0
        root.grad = 1.0
        r = names[root]
        seed = f"{ref(r)}.grad = 1  (d{wrap(r)}/d{wrap(r)}; every other grad starts at 0)"
        top = len(order) - 1
        steps.append(Step("backward", top, (seed,), grads=((top, 1.0),), seed=True))
        for node in reversed(order):
            if not node.inputs:
                continue  # a leaf sends nothing back
            lines = _backward_lines(node, names)  # before send_grads: it reads the old grads
            node.send_grads()  # the engine's own step, micrograd's _backward()
            changed = tuple((index[p], p.grad) for p in dict.fromkeys(node.inputs))
            steps.append(Step("backward", index[node], lines, _indices(node, index), changed))
        grads = tuple(v.grad for v in order)
    finally:
        for v, g in zip(order, saved, strict=True):
            v.grad = g
    titles = tuple(
        f"{names[v]} = {naming.definitions[names[v]]}"
        if names[v] in naming.definitions
        else names[v]
        for v in order
    )
    return Steps(
        tuple(names[v] for v in order), titles, tuple(v.data for v in order), tuple(steps), grads
    )


def _indices(v: Value, index: dict[Value, int]) -> tuple[int, ...]:
    """The topological indices of `v`'s inputs, each once."""
    return tuple(dict.fromkeys(index[p] for p in v.inputs))


def _forward_line(v: Value, names: dict[Value, str]) -> str:
    name = names[v]
    if not v.inputs:
        return f"{name} = {num(v.data)}  (a leaf: given)" if v.label else f"{name}: a constant"
    symbolic = _spell(v, [names[p] for p in v.inputs])
    numeric = _spell(v, [factor(p.data) for p in v.inputs], [True] * len(v.inputs))
    parts = dict.fromkeys([name, symbolic, numeric, num(v.data)])  # '2*3 = 6', not '6 = 6'
    return " = ".join(parts)


def _backward_lines(node: Value, names: dict[Value, str]) -> tuple[str, ...]:
    """`input.grad += d(node)/d(input) * node.grad = local * grad = product` per input, with the
    sum written out where the input already had a grad (a node used twice, or by two ops)."""
    name = ref(names[node])
    formula = _spell(node, [names[p] for p in node.inputs])
    what = formula if len(formula) <= _SHORT else names[node]
    g = node.grad
    running = {p: p.grad for p in node.inputs}
    lines = []
    for p, local in zip(node.inputs, node.local_grads, strict=True):
        q = ref(names[p])
        product = local * g
        line = (
            f"{q}.grad += d{wrap(what)}/d{wrap(names[p])} * {name}.grad = "
            f"{num(local)} * {factor(g)} = {num(product)}"
        )
        if running[p] != 0.0:
            line += f", so {q}.grad = {num(running[p])} + {factor(product)} = "
            line += num(running[p] + product)
        running[p] += product
        lines.append(line)
    return tuple(lines)


def ref(name: str) -> str:
    """A name as it stands before `.grad`: `w`, `L0n1.w0`, but `(x*y)`, `(0.5)`."""
    return name if _DOTTED.fullmatch(name) else f"({name})"


_DOTTED = re.compile(r"[^\W\d]\w*(\.\w+)*")


def _spell(node: Value, texts: list[str], atomic: list[bool] | None = None) -> str:
    """`node`'s op over `texts` as check's names spell it (`naming.spell`): `x*y`, `tanh(x)`;
    `op(x, y)` for an op without a spelling."""
    return spell(node, texts, atomic) or f"{node.op or '?'}({', '.join(texts)})"
