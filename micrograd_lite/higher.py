"""Higher-order derivatives: the gradient as a graph of Values, differentiated again.

Every local derivative in the op table is a rule over `a`, `b` and `out`; run on Values instead
of floats (`on_values.py`), the chain rule builds the gradient itself as a graph, which has
gradients of its own. So `grad(f, [x], create_graph=True)` gives d f/dx as a Value, and the
gradient of that Value is the second derivative, to any order.

    >>> from micrograd_lite import Value
    >>> x = Value(2.0, label="x")
    >>> y = x ** 3
    >>> (dy,) = grad(y, [x], create_graph=True)   # 3x^2, as a graph
    >>> (d2y,) = grad(dy, [x], create_graph=True)  # 6x
    >>> (d3y,) = grad(d2y, [x])                     # 6
    >>> dy.data, d2y.data, d3y
    (12.0, 12.0, 6.0)

Piecewise ops (relu, abs, leaky_relu) have constant slopes, so zero second derivatives away
from their kinks, as in PyTorch. Nothing here runs unless asked: `backward()` is untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, overload

from micrograd_lite.backward import topo_order
from micrograd_lite.errors import OperandTypeError, ShapeError, describe
from micrograd_lite.on_values import gradient_graphs
from micrograd_lite.value import Value, as_float


@overload
def grad(
    output: Value, inputs: Sequence[Value], *, create_graph: Literal[False] = False
) -> tuple[float, ...]: ...


@overload
def grad(
    output: Value, inputs: Sequence[Value], *, create_graph: Literal[True]
) -> tuple[Value, ...]: ...


def grad(
    output: Value, inputs: Sequence[Value], *, create_graph: bool = False
) -> tuple[float, ...] | tuple[Value, ...]:
    """d output / d input for each of `inputs` (PyTorch's `torch.autograd.grad`): floats, or
    with `create_graph=True` Values whose graphs record how each was computed, so they can be
    differentiated again. `.grad` fields are left alone; an input `output` does not depend on
    gets 0."""
    _check(output, inputs, "grad")
    if create_graph:
        return gradient_graphs(output, inputs)
    sensitivity: dict[Value, float] = {output: 1.0}
    for node in reversed(topo_order(output)):  # the chain rule of backward.py, into a dict
        g = sensitivity.get(node)
        if g is None or node.is_leaf:
            continue
        for parent, local in zip(node.inputs, node.local_grads, strict=True):
            sensitivity[parent] = sensitivity.get(parent, 0.0) + local * g
    return tuple(sensitivity.get(x, 0.0) for x in inputs)


def backward_with_graph(root: Value) -> None:
    """`root.backward(create_graph=True)`: `.grad` as `backward()` sets it, and on each leaf
    made by the constructor also `grad_value`, the same gradient as a Value with its graph
    (added to any `grad_value` it had: leaves accumulate, as their `.grad`)."""
    leaves = [v for v in topo_order(root) if v.is_leaf and hasattr(v, "__dict__")]
    root.backward()
    for leaf, g in zip(leaves, gradient_graphs(root, leaves), strict=True):
        before = leaf.__dict__.get("grad_value")
        leaf.__dict__["grad_value"] = g if before is None else before + g


def hessian(f: Callable[..., Value], point: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d^2 f/dx_i dx_j at `point` (`f` takes one Value per
    coordinate, as in `gradcheck`): one gradient graph, then one gradient per row."""
    xs = _leaves(point, "hessian")
    gradients = grad(_call(f, xs, "hessian"), xs, create_graph=True)
    return [list(grad(g, xs)) for g in gradients]


def hvp(f: Callable[..., Value], point: Sequence[float], v: Sequence[float]) -> list[float]:
    """The Hessian of `f` at `point` times the vector `v`, H v: the gradient of (grad f) . v,
    one extra backward pass, without forming H."""
    xs = _leaves(point, "hvp")
    if len(v) != len(xs):
        raise ShapeError(f"hvp: the vector has {len(v)} entries for {len(xs)} coordinates")
    gradients = grad(_call(f, xs, "hvp"), xs, create_graph=True)
    dot = Value(0.0)
    for i, (g, c) in enumerate(zip(gradients, v, strict=True)):
        dot = dot + g * as_float(c, f"hvp: v[{i}]")
    return list(grad(dot, xs))


def derivative(f: Callable[[Value], Value], n: int = 1) -> Callable[[float], float]:
    """The n-th derivative of a function of one variable: `derivative(f, 2)(x)` is f''(x)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise OperandTypeError(f"derivative: n must be an int >= 0, got {describe(n)}")

    def nth(x: float) -> float:
        leaf = Value(as_float(x, "derivative: x"))
        out = _call(f, [leaf], "derivative")
        for _ in range(n):
            (out,) = grad(out, [leaf], create_graph=True)
        return out.data

    return nth


def _check(output: object, inputs: Sequence[object], where: str) -> None:
    if not isinstance(output, Value):
        raise OperandTypeError(f"{where}: output must be a Value, got {describe(output)}")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise OperandTypeError(f"{where}: input {i} must be a Value, got {describe(x)}")


def _leaves(point: Sequence[float], where: str) -> list[Value]:
    return [Value(as_float(x, f"{where}: point[{i}]"), label=f"x{i}") for i, x in enumerate(point)]


def _call(f: Callable[..., Value], xs: Sequence[Value], where: str) -> Value:
    out = f(*xs)
    if not isinstance(out, Value):
        raise OperandTypeError(f"{where}: f must return a Value, got {describe(out)}")
    return out
