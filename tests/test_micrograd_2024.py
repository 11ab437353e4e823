"""Code written after the lecture runs with only the import changed: Values take attributes,
`_backward()` steps backprop by hand, and micrograd's own way of adding an op works."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from micrograd_lite import Value, draw_dot, explain, gradcheck

# -- attributes ------------------------------------------------------------------------------------


def test_values_made_by_the_constructor_take_attributes() -> None:
    p: Any = Value(0.5)  # Any: as untyped micrograd code treats it
    p.m, p.v, p._vis_color = 0.0, 0.0, "lightgreen"  # AdamW's state, a picture's colour
    assert (p.m, p.v, p._vis_color) == (0.0, 0.0, "lightgreen")
    assert p.data == 0.5 and (p * 2.0).data == 1.0


def test_a_node_made_by_an_op_stays_slotted() -> None:
    # no per-node dict (96 bytes a node); a __getattr__ hook to explain would slow every
    # attribute read of every node (CPython stops specialising them), so Python's error it is
    node = Value(0.5) * 2.0
    with pytest.raises(AttributeError, match="'Value' object has no attribute 'm'"):
        node.m = 0.0  # type: ignore[attr-defined]
    assert getattr(node, "_vis_color", "white") == "white"  # getattr with a default works


# -- the lecture's hand-stepped backward -----------------------------------------------------------


def test_the_lectures_hand_stepped_backward_gives_its_numbers() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, b, x1w1x2w2, x2w2, x1w1):  # b is a leaf: its step does nothing
        node._backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert n.grad == pytest.approx(0.5, abs=1e-12) and b.grad == n.grad
    assert (x1.grad, w1.grad) == pytest.approx((-1.5, 1.0), abs=1e-12)
    assert (x2.grad, w2.grad) == pytest.approx((0.5, 0.0), abs=1e-12)


# -- micrograd's way of adding an op ---------------------------------------------------------------


def handmade_sin(x: Value) -> Value:
    out: Any = Value(math.sin(x.data), (x,), "sin")

    def _backward() -> None:
        x.grad += math.cos(x.data) * out.grad

    out._backward = _backward
    return out  # type: ignore[no-any-return]


def test_a_handmade_op_backpropagates_in_its_place() -> None:
    x = Value(0.7, label="x")
    y = handmade_sin(x) * x + x
    y.backward()
    assert x.grad == pytest.approx(math.cos(0.7) * 0.7 + math.sin(0.7) + 1.0, rel=1e-15)
    y.backward()  # leaves accumulate, as for any op
    assert x.grad == pytest.approx(2 * (math.cos(0.7) * 0.7 + math.sin(0.7) + 1.0), rel=1e-15)


def test_a_handmade_op_is_opaque_but_everything_works_around_it() -> None:
    x = Value(0.7, label="x")
    y = handmade_sin(x) * x
    y.backward()
    assert y.inputs[0].local_grads == (math.cos(0.7),)  # read off its _backward
    assert x.grad == math.cos(0.7) * 0.7 + math.sin(0.7)  # the probe left every grad as it was
    assert "sin" in draw_dot(y).source
    assert "dx" in str(explain(y, x))
    report = gradcheck(lambda x: handmade_sin(x) * x, [0.7])
    assert report.verdict == "PASS", str(report)


def test_a_handmade_node_without_backward_is_refused_clearly() -> None:
    x = Value(0.7)
    y = Value(x.data * 2, (x,), "twice") * 3.0
    with pytest.raises(RuntimeError, match="records inputs but not their local derivatives"):
        y.backward()


# -- a 2024-style program: its own Modules, AdamW keeping state on each parameter ------------------


def program(value: Callable[..., Any], steps: int) -> list[float]:
    """A classifier of 3 classes on 2-D points, as the 2024 micrograd trains one: the program's
    own Neuron/Layer/MLP on `value`, softmax cross-entropy from exp, sum and log, and an AdamW
    that keeps `p.m`, `p.v` on every parameter and colours the parameters for pictures."""
    rng = random.Random(7)
    data = [((rng.uniform(-1, 1), rng.uniform(-1, 1)), rng.randrange(3)) for _ in range(12)]

    def neuron(nin: int) -> list[Any]:
        ps = [value(rng.uniform(-1, 1) * nin**-0.5) for _ in range(nin)] + [value(0.0)]
        for p in ps:
            p._vis_color = "lightgreen"
        return ps

    layers = [[neuron(2) for _ in range(6)], [neuron(6) for _ in range(3)]]
    params = [p for layer in layers for n in layer for p in n]

    def forward(x: Sequence[Any]) -> list[Any]:
        for k, layer in enumerate(layers):
            outs = [sum((w * xi for w, xi in zip(n[:-1], x, strict=True)), n[-1]) for n in layer]
            x = [o.tanh() for o in outs] if k == 0 else outs
        return list(x)

    def cross_entropy(logits: list[Any], target: int) -> Any:
        ex = [z.exp() for z in logits]
        denom = sum(ex)
        return -(ex[target] / denom).log()

    for p in params:
        p.m, p.v = 0.0, 0.0
    losses = []
    for t in range(1, steps + 1):
        loss = sum((cross_entropy(forward(x), y) for x, y in data), value(0.0)) * (1 / len(data))
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.m = 0.9 * p.m + 0.1 * p.grad
            p.v = 0.95 * p.v + 0.05 * p.grad**2
            m_hat, v_hat = p.m / (1 - 0.9**t), p.v / (1 - 0.95**t)
            p.data -= 0.1 * (m_hat / (v_hat**0.5 + 1e-8) + 1e-4 * p.data)
        losses.append(loss.data)
    return losses


class ClosureValue:
    """micrograd's own design, as its oracle: closures for the chain rule (+, *, /, neg, exp,
    log, tanh; attributes welcome)."""

    def __init__(self, data: float, children: tuple[Any, ...] = ()) -> None:
        self.data, self.grad, self._prev = data, 0.0, children
        self._backward: Callable[[], None] = lambda: None

    def _op(self, data: float, parents: tuple[Any, ...], locals_: tuple[float, ...]) -> Any:
        out = ClosureValue(data, parents)

        def backward() -> None:
            for p, d in zip(parents, locals_, strict=True):
                p.grad += d * out.grad

        out._backward = backward
        return out

    def __add__(self, o: Any) -> Any:
        o = o if isinstance(o, ClosureValue) else ClosureValue(o)
        return self._op(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, o: Any) -> Any:
        o = o if isinstance(o, ClosureValue) else ClosureValue(o)
        return self._op(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __truediv__(self, o: Any) -> Any:
        out = self.data / o.data
        return self._op(out, (self, o), (1.0 / o.data, -out / o.data))

    def __neg__(self) -> Any:
        return self._op(-self.data, (self,), (-1.0,))

    def exp(self) -> Any:
        out = math.exp(self.data)
        return self._op(out, (self,), (out,))

    def log(self) -> Any:
        return self._op(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self) -> Any:
        out = math.tanh(self.data)
        return self._op(out, (self,), (1.0 - out * out,))

    def backward(self) -> None:
        order: list[Any] = []
        seen: set[int] = set()
        stack: list[tuple[Any, bool]] = [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def test_a_2024_style_program_runs_unchanged_with_the_closure_engines_numbers() -> None:
    ours = program(Value, 30)
    theirs = program(ClosureValue, 30)
    assert ours[-1] < ours[0]  # it learns
    for a, b in zip(ours, theirs, strict=True):
        assert a == pytest.approx(b, rel=3e-14)
