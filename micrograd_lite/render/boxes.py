"""What each drawn Value becomes: a record box, its op node, and the edges into that op node.

A `Box` holds the figures (label, data, grad, role) and, for a Value made by an op, the incoming
edges, each labelled with the local derivative d(out)/d(input) and the rule that gives it
(from the op table). No DOT is written here: `dot` turns boxes into Graphviz nodes and edges.
A fused `affine` neuron can also be expanded into micrograd's chain of `*` and `+` boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from micrograd_lite.errors import GraphError
from micrograd_lite.ops import ADD, MUL
from micrograd_lite.value import Value

Kind = Literal["output", "parameter", "input", "constant", "leaf", "intermediate", "neuron"]


@dataclass
class Box:
    """One value box of the picture, with the op node that made it and its incoming edges."""

    key: str
    label: str
    data: float
    grad: float
    kind: Kind
    op: str = ""  # '' for a leaf
    ins: list[tuple[str, str, str, bool]] = field(default_factory=list)  # key, label, tip, hot
    hot: bool = False  # on a path from the root to `highlight`


def fmt(x: float, digits: int = 4) -> str:
    """`x` to `digits` significant digits, shortest form: 0.15674999999999997 -> '0.1567'."""
    return f"{x:.{digits}g}"


def cost(v: Value, expand_fused: bool) -> int:
    """DOT nodes Value v takes: its box, its op node, or an affine neuron's expanded chain."""
    if not v.inputs:
        return 1
    if expand_fused and v.op == "affine":
        n = len(v.inputs) // 2  # a box and an op node per product and per sum, + a 0 box
        return 4 * n + (1 if len(v.inputs) == 2 * n else 0)
    return 2


def reaches(order: list[Value], index: dict[Value, int], target: Value | None) -> set[int]:
    """Indices of the Values from which `target` is reachable (through inputs), itself included."""
    if target is None:
        return set()
    hot: set[int] = set()
    for i, v in enumerate(order):  # inputs come first, so one pass suffices
        if v is target or any(index[p] in hot for p in v.inputs):
            hot.add(i)
    return hot


def local_grads(v: Value) -> tuple[float, ...] | None:
    try:
        return v.local_grads
    except GraphError:  # micrograd's Value(data, _children, _op): derivatives unknown
        return None


def edge_text(v: Value, k: int, local: float | None, digits: int) -> tuple[str, str]:
    """The edge label (the local derivative) and its tooltip (the rule that gives it)."""
    if local is None:
        return "?", f"unknown: {v.op or 'this node'} was built with Value(data, _children, _op)"
    shown = fmt(local, digits)
    if v.op == "affine":
        n = len(v.inputs) // 2
        if k < n:
            rule = f"d(b + w.x)/dw{k + 1} = x{k + 1}"
        elif k < 2 * n:
            rule = f"d(b + w.x)/dx{k - n + 1} = w{k - n + 1}"
        else:
            rule = "d(b + w.x)/db = 1"
    else:
        rule = v.rule.rule(k) if v.rule is not None else f"d({v.op})/d(input {k + 1})"
    return shown, f"{rule}  (here {shown})"


def expand_affine(
    v: Value, i: int, ins: list[tuple[str, Value, int, bool]], kind: Kind, hot: bool, digits: int
) -> list[Box]:
    """micrograd's chain for one fused neuron: p_k = w_k * x_k, s_k = s_(k-1) + p_k from the bias.

    The partial sums are recomputed left to right from the bias (from a constant 0 without one,
    as micrograd's `sum(..., 0)` and `Value.affine` do), so the last is the affine node's own
    data; every product and sum, and the 0, has the affine node's grad (d(a+b)/da = 1).
    """
    n = len(v.inputs) // 2
    ws, xs = ins[:n], ins[n : 2 * n]
    boxes: list[Box] = []
    if len(ins) > 2 * n:
        src, bias, _k, b_hot = ins[2 * n]
        total, prev = bias.data, (src, b_hot)
    else:
        boxes.append(Box(f"n{i}z", "", 0.0, v.grad, "constant"))
        total, prev = 0.0, (f"n{i}z", False)
    for k, (w, x) in enumerate(zip(ws, xs, strict=True)):
        wd, xd = w[1].data, x[1].data
        p_hot = w[3] or x[3]
        prod = Box(f"n{i}p{k}", "", wd * xd, v.grad, "intermediate", "*", hot=p_hot)
        for side, (src, _v, _k, is_hot), local in ((0, w, xd), (1, x, wd)):
            shown = fmt(local, digits)
            prod.ins.append((src, shown, f"{MUL.rule(side)}  (here {shown})", is_hot))
        total = total + wd * xd
        last = k == n - 1
        s_hot = prev[1] or p_hot
        key = f"n{i}" if last else f"n{i}s{k}"
        s = Box(key, v.label if last else "", total, v.grad, kind if last else "intermediate")
        s.op, s.hot = "+", (hot if last else s_hot)
        s.ins = [
            (prev[0], "1", f"{ADD.rule(0)}  (here 1)", prev[1]),
            (prod.key, "1", f"{ADD.rule(1)}  (here 1)", p_hot),
        ]
        boxes += [prod, s]
        prev = (key, s_hot)
    return boxes
