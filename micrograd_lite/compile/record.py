"""record: a finished trace as a `Program`: its forward steps, its backward terms, its names.

Forward steps come in the order the function made its nodes, every op it made (also one whose
result it dropped): an eager run makes the same ops in the same order, so the replay raises the
same domain error or overflow first. Backward terms come in `backward()`'s own order, so every
gradient sums its terms as the eager run does, bit for bit. A Value captured from outside the
function is an input read live (`Program.captured`), a constant made during the trace a literal.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import keyword
from collections.abc import Iterator

from micrograd_lite.backward_fast import interior_order, opaque_node_error
from micrograd_lite.compile.dialect import check_id
from micrograd_lite.compile.program import Contribution, Program, Step
from micrograd_lite.compile.session import Session
from micrograd_lite.compile.templates import literal, plain_terms
from micrograd_lite.ops import AFFINE, VARIADIC, namespace
from micrograd_lite.value import Value

_RESERVED = (
    set(namespace("scalar"))
    | set(dir(builtins))
    | set(keyword.kwlist)
    | {"compiled", "_check", "where", "np", "_broadcast"}
)


def _grad_name(name: str) -> str:
    return f"g_{name}"


class Names:
    """Variable names: labels where they are usable identifiers, else v1, v2, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.counter = 0

    def take(self, wanted: str) -> str:
        if (
            wanted.isidentifier()
            and not wanted.startswith("_")
            and wanted not in _RESERVED
            and wanted not in self.used
            and _grad_name(wanted) not in self.used
            and not (wanted[0] == "v" and wanted[1:].isdigit())
        ):
            self.used.add(wanted)
            self.used.add(_grad_name(wanted))
            return wanted
        return self.fresh()

    def fresh(self) -> str:
        """The next free v1, v2, ..."""
        used = self.used
        while True:
            self.counter += 1
            name = f"v{self.counter}"
            grad = f"g_{name}"
            if name not in used and grad not in used:  # a label may be `g_v2`
                used.add(name)
                used.add(grad)
                return name


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: the tables `record` builds hold no cycles,
    but allocating them starts collections that walk the whole live graph (a third of the
    trace time on a 65k-op graph, measured). The collector's state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def record(
    out: Value,
    args: list[Value],
    arg_names: list[str],
    differentiated: list[Value],
    names: Names,
    session: Session,
) -> Program:
    """The trace of `out` as a Program (see the module docstring)."""
    graph = interior_order(out)  # the very order backward() uses, so sums round alike
    for node in graph:
        op = node._rule
        if op is None or (op.arity == VARIADIC and op is not AFFINE):
            raise opaque_node_error(node)  # eager backward() cannot pass it either
    made = session.made
    arg_set = set(args)

    # Values as keys: they hash and compare by identity, and are all alive until we return
    var: dict[Value, str] = dict(zip(args, arg_names, strict=True))
    captured: list[Value] = []
    live_names: list[str] = []

    def operand(p: Value) -> str:
        name = var.get(p)
        if name is not None:
            return name
        if p in made:  # a constant made by the trace (or a dropped micrograd-style node)
            return literal(p.data)
        name = var[p] = names.take(p.label) if p.label else names.fresh()
        captured.append(p)  # from outside the function: read at every call
        live_names.append(name)
        return name

    reaches: set[Value] = set(differentiated)  # nodes whose gradient reaches one
    steps: list[Step] = []
    step_inputs: list[tuple[Value, ...]] = []
    index: dict[Value, int] = {}
    fresh = names.fresh
    for node in made:  # creation order: eager's order, so the same error comes first
        op = node._rule
        if op is None or (op.arity == VARIADIC and op is not AFFINE):
            continue  # a leaf, or a micrograd-style node the result does not use
        inputs = node.inputs
        operands = tuple([operand(p) for p in inputs])
        for p in inputs:
            if p in reaches:
                reaches.add(node)
                break
        name = names.take(node.label) if node.label else fresh()
        var[node] = name
        index[node] = len(steps)
        steps.append(Step(name, op, operands))
        step_inputs.append(inputs)
        if op.checks:
            check_id(op)

    # A gradient that is one term equal to its consumer's (d(a+b)/da = 1) is that consumer's
    # variable under another name: no line for it (fewer lines to compile and to run).
    uses: dict[Value, int] = {}
    for node in graph:
        if node in reaches:
            for p in step_inputs[index[node]]:
                if p in reaches:
                    uses[p] = uses.get(p, 0) + 1
    gname: dict[Value, str] = {}
    if out in index:
        gname[out] = _grad_name(var[out])
    terms: list[Contribution] = []
    started: set[Value] = set()
    for node in reversed(graph):
        if node not in reaches:
            continue  # nothing it sends back reaches an argument (and not made by the trace)
        k = index[node]
        g = gname[node]
        plain = plain_terms(steps[k].op)
        for i, p in enumerate(step_inputs[k]):
            if p not in reaches:
                continue
            first = p not in started
            started.add(p)
            if plain and plain[i] and uses[p] == 1 and p not in arg_set:
                gname[p] = g
                continue
            target = gname.get(p)
            if target is None:
                target = gname[p] = _grad_name(var[p])
            terms.append(Contribution(target, first, k, i, g))

    root_arg = next((i for i, v in enumerate(differentiated) if v is out), None)
    grads = tuple(gname.get(v) for v in differentiated)
    result = operand(out)
    seeded = _grad_name(result) if out in index else None
    return Program(
        tuple(arg_names),
        tuple(steps),
        tuple(terms),
        grads,
        result,
        seeded,
        root_arg,
        captured=tuple(captured),
        live=tuple(live_names),
        watches=tuple(session.watches.values()),
        where=session.where,
    )
