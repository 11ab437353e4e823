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

from micrograd_lite.errors import GraphError
from micrograd_lite.ops import Op, registry
from micrograd_lite.value import Value, _lift, apply


def apply_function(op: Op, *args: Value | float) -> Value:
    """A table function called in a rule run on Values (`sigmoid(a)` in softplus's
    derivative): its inputs first (numbers become leaves), then the op's parameters."""
    if op.params:
        op = op.bind(*[x.data if isinstance(x, Value) else float(x) for x in args[op.arity :]])
    inputs = [x if isinstance(x, Value) else _lift(x, op) for x in args[: op.arity]]
    return apply(op, *inputs)


registry.value_apply = apply_function


def local_grads_as_values(node: Value) -> tuple[Value, ...]:
    """`node.local_grads`, each computed again by its table rule on the node's inputs (and
    on `node` itself as `out`), as Values whose graphs lead back to those inputs."""
    op = node.rule
    if op is None:
        return ()
    if op.arity < 1:
        raise GraphError(f"{op.name}: a node with many inputs has no rule to run on Values")
    local = op.local_in("value")(*node.inputs, node)
    return tuple(x if isinstance(x, Value) else _lift(float(x), op) for x in local)
