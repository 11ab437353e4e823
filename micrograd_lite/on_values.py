"""The table's rules run on Values: a local derivative as a graph of its own.

Every local-derivative rule is arithmetic over `a`, `b`, `out` and the table's functions, so
evaluated on Values instead of floats it records how the derivative was computed, and that
graph can be differentiated again (higher-order derivatives build on this). The rule language's
`value` dialect calls the table functions through `apply_function` below.

    >>> from micrograd_lite.value import Value
    >>> x = Value(0.5)
    >>> (slope,) = local_grads_as_values(x.tanh())  # 1 - tanh(x)^2, as a node
    >>> round(slope.data, 12) == round(1 - x.tanh().data ** 2, 12)
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lite.backward import topo_order
from micrograd_lite.ops import AFFINE, Op, registry
from micrograd_lite.value import Value, apply, lift


def apply_function(op: Op, *args: Value | float) -> Value:
    """A table function called in a rule run on Values (`sigmoid(a)` in softplus's
    derivative): its inputs first (numbers become leaves), then the op's parameters."""
    if op.params:
        op = op.bind(*[x.data if isinstance(x, Value) else float(x) for x in args[op.arity :]])
    inputs = [x if isinstance(x, Value) else lift(x, op) for x in args[: op.arity]]
    return apply(op, *inputs)


registry.value_apply = apply_function


def local_grads_as_values(node: Value) -> tuple[Value, ...]:
    """`node.local_grads`, each computed again by its table rule on the node's inputs (and
    on `node` itself as `out`), as Values whose graphs lead back to those inputs."""
    op = node.rule
    if op is None:
        return ()
    if op is AFFINE:  # b + sum(w_i * x_i): d/dw_i = x_i, d/dx_i = w_i, d/db = 1
        inputs = node.inputs
        n = len(inputs) // 2
        ones = (lift(1.0, op),) if len(inputs) % 2 else ()
        return (*inputs[n : 2 * n], *inputs[:n], *ones)
    if op.arity < 1:  # a hand-made node (custom.py): its slopes as constants, no rule to run
        return tuple(lift(d, op) for d in node.local_grads)
    local = op.local_in("value")(*node.inputs, node)
    return tuple(x if isinstance(x, Value) else lift(float(x), op) for x in local)


def gradient_graphs(output: Value, inputs: Sequence[Value]) -> tuple[Value, ...]:
    """d output / d input for each of `inputs`, as Values whose graphs record how each
    gradient is computed: the chain rule of `backward.py`, its products and sums made of
    Values, its local derivatives from `local_grads_as_values`. An input `output` does not
    depend on gets a 0.0 leaf. `.grad` fields are left alone."""
    order = topo_order(output)
    grads: dict[Value, Value] = {output: Value(1.0)}
    for node in reversed(order):
        g = grads.get(node)
        if g is None or node.is_leaf:
            continue
        for parent, local in zip(node.inputs, local_grads_as_values(node), strict=True):
            term = local * g
            before = grads.get(parent)
            grads[parent] = term if before is None else before + term
    found = [grads.get(x) for x in inputs]
    return tuple(Value(0.0) if g is None else g for g in found)  # not `or`: Value(0) is falsy
