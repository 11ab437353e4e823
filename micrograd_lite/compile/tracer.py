"""tracer: run a function of Values once and record the graph it built as a `Program`.

`trace` calls the function inside `tracing.tracing()` (so code that branches on a Value's data
is refused), names every value (its label where that is a usable identifier, else v1, v2, ...)
and walks the graph in `backward()`'s own order: forward steps, then the backward terms that
reach a differentiated argument.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import inspect
import keyword
from collections.abc import Callable, Iterator, Sequence
from typing import cast

from micrograd_lite.backward_fast import interior_order, opaque_node_error
from micrograd_lite.compile.dialect import check_id
from micrograd_lite.compile.program import Contribution, Program, Step
from micrograd_lite.compile.templates import literal, plain_terms
from micrograd_lite.errors import TraceError
from micrograd_lite.ops import AFFINE, VARIADIC, namespace
from micrograd_lite.tracing import tracing
from micrograd_lite.value import Number, Value, as_float

_RESERVED = (
    set(namespace("scalar"))
    | set(dir(builtins))
    | set(keyword.kwlist)
    | {"compiled", "_check", "where", "np", "_broadcast"}
)


def _grad_name(name: str) -> str:
    return f"g_{name}"


class _Names:
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


def _arg_names(fn: Callable[..., object], count: int, unpack: bool) -> list[str]:
    if unpack:
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            params = []
        simple = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(simple) == count and len(params) == count:
            return simple
    return [f"x{i}" for i in range(count)]


def trace(
    fn: Callable[..., Value],
    example_args: Sequence[Number],
    *,
    unpack: bool = True,
    wrt: Sequence[int] | None = None,
) -> Program:
    """Run `fn` once on Values made from `example_args`; return its graph as a `Program`.

    `fn(*values)` is called (or `fn(values)`, a list, with `unpack=False`) inside `tracing()`.
    `wrt` lists the arguments to differentiate (default: all); the others are still inputs.
    """
    where = f"compile({getattr(fn, '__name__', 'fn')})"
    floats = [as_float(x, f"{where}: example argument {i}") for i, x in enumerate(example_args)]
    names = _Names()
    wanted = _arg_names(fn, len(floats), unpack)
    arg_names = [names.take(w) for w in wanted]
    args = [Value(x, label=n) for x, n in zip(floats, arg_names, strict=True)]
    try:
        with tracing():
            out = fn(*args) if unpack else cast(Callable[[list[Value]], Value], fn)(list(args))
    except TraceError as e:
        raise TraceError(f"{where}: {e}") from None
    if not isinstance(out, Value):
        raise TraceError(
            f"{where}: the function must return a Value (the quantity to differentiate), "
            f"got {type(out).__name__}"
        )
    wanted_grads = list(range(len(args))) if wrt is None else list(wrt)
    for i in wanted_grads:
        if not 0 <= i < len(args) or wanted_grads.count(i) > 1:
            raise ValueError(
                f"{where}: wrt={wanted_grads}: each entry must be a distinct argument position "
                f"below {len(args)}"
            )
    differentiated = [args[i] for i in wanted_grads]
    with _gc_paused():
        return _record(out, args, arg_names, differentiated, names)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: the tables `_record` builds hold no cycles,
    but allocating them starts collections that walk the whole live graph (a third of the
    trace time on a 65k-op graph, measured). The collector's state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _record(
    out: Value,
    args: list[Value],
    arg_names: list[str],
    differentiated: list[Value],
    names: _Names,
) -> Program:
    """The traced graph of `out` as a Program: forward steps, then backward terms."""
    order = interior_order(out)  # the very order backward() uses, so sums round alike
    arg_set = set(args)

    # Values as keys: they hash and compare by identity, and are all alive until we return
    var: dict[Value, str] = dict(zip(args, arg_names, strict=True))
    live: set[Value] = set(differentiated)  # nodes whose gradient reaches one
    steps: list[Step] = []
    step_inputs: list[tuple[Value, ...]] = []
    fresh = names.fresh
    for node in order:
        op = node._rule
        if op is None or (op.arity == VARIADIC and op is not AFFINE):
            raise opaque_node_error(node)
        inputs = node.inputs
        operands = []
        reaches = False
        for p in inputs:
            name = var.get(p)
            if name is None:  # a leaf that is not an argument: a constant
                name = literal(p.data)
            operands.append(name)
            if p in live:
                reaches = True
        if reaches:
            live.add(node)
        name = names.take(node.label) if node.label else fresh()
        var[node] = name
        steps.append(Step(name, op, tuple(operands)))
        step_inputs.append(inputs)
        if op.checks:
            check_id(op)

    # A gradient that is one term equal to its consumer's (d(a+b)/da = 1) is that consumer's
    # variable under another name: no line for it (fewer lines to compile and to run).
    uses: dict[Value, int] = {}
    for k, node in enumerate(order):
        if node in live:
            for p in step_inputs[k]:
                if p in live:
                    uses[p] = uses.get(p, 0) + 1
    gname: dict[Value, str] = {}
    if order:
        gname[out] = _grad_name(var[out])
    terms: list[Contribution] = []
    started: set[Value] = set()
    for k in range(len(order) - 1, -1, -1):
        node = order[k]
        if node not in live:
            continue  # nothing it sends back reaches an argument
        g = gname[node]
        op = steps[k].op
        plain = plain_terms(op)
        for i, p in enumerate(step_inputs[k]):
            if p not in live:
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
    result = var.get(out) or literal(out.data)
    seeded = _grad_name(result) if order else None
    return Program(tuple(arg_names), tuple(steps), tuple(terms), grads, result, seeded, root_arg)
