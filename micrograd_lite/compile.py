"""compile: trace a function of Values once, then replay forward and backward on plain floats.

`compile(fn, example_args)` runs `fn` once on Values made from `example_args` (inside
`value.tracing()`, so code that branches on a Value's data is refused), walks the graph it
built and writes it out as one straight-line Python function: a line per op for the forward
pass, then a line per local derivative for the backward pass, in exactly the order
`backward.py` accumulates gradients (a gradient that merely equals its consumer's, like g_v1
below for d(a+b)/da = 1, gets no line of its own). That function is the result:
`cf(*floats)` returns `(value, grads)`, one gradient per argument, equal to an eager run bit
for bit, because every line pastes the op table's own expression strings (`ops.py`), run in
`ops.NAMESPACE`.

    >>> cf = compile(lambda x, w, b: (w * x + b).tanh(), [1.0, 0.5, 0.0])
    >>> value, (dx, dw, db) = cf(2.0, -0.25, 0.5)
    >>> value, dx, dw, db
    (0.0, -0.25, 2.0, 1.0)
    >>> print(cf.source)
    def compiled(x, w, b):
        # forward: one line per op
        v1 = w * x  # *
        v2 = v1 + b  # +
        v3 = tanh(v2)  # tanh
        # backward: g_n = d(v3)/d(n), summed in backward()'s order
        g_v3 = 1.0
        g_v2 = (1.0 - v3 * v3) * g_v3  # d tanh(a)/da = 1 - tanh(a)^2
        g_b = g_v2  # d(a+b)/db = 1
        g_w = x * g_v2  # d(a*b)/da = b
        g_x = w * g_v2  # d(a*b)/db = a
        return v3, (0.0 + g_x, 0.0 + g_w, 0.0 + g_b)

Leaves that are not arguments are constants, baked into the code as literals: a parameter a
closure captures is frozen at its traced value. To train, pass the parameters as arguments and
update them between calls. Ops run in graph order, so when two would fail (say 1/0 and
log(-1)), the replay may report the other one first. The graph is fixed at trace time: a
different branch, loop count or list length needs a new `compile`.

Past SOURCE_LIMIT ops the code is folded (see `Program.render`): a value read once is pasted
into the expression that reads it, and a gradient's terms are summed in one expression, which
CPython compiles in about half the time, with the same floats.

With numpy (`pip install micrograd_lite[fast]`), `cf.batch(*arrays)` replays the same
per-sample program over arrays of inputs, one numpy operation per line (see `compile_batch`).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import functools
import gc
import inspect
import keyword
import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple, Protocol, cast

from micrograd_lite.backward_fast import interior_order, opaque_node_error
from micrograd_lite.errors import TraceError
from micrograd_lite.ops import AFFINE, VARIADIC, Op, namespace
from micrograd_lite.tracing import tracing
from micrograd_lite.value import Number, Value, as_float

__all__ = ["Compiled", "Program", "compile", "trace"]

SOURCE_LIMIT = 200  # ops; bigger programs show an elided `source` (all of it in `full_source`)
_A, _B, _OUT, _G = "__mgl_a__", "__mgl_b__", "__mgl_out__", "__mgl_g__"
_FOLD_DEPTH = 12  # folded expressions nest at most this deep (CPython limits nesting)
_SUM_TERMS = 32  # terms per line of a folded gradient sum


class Compiled(Protocol):
    """What `compile` returns: the generated function, with its source and a batch replay."""

    n_args: int
    n_ops: int
    source: str  # readable for small graphs; elided past SOURCE_LIMIT ops
    full_source: str
    program: Program

    def __call__(self, *xs: float) -> tuple[float, tuple[float, ...]]: ...

    def batch(self, *arrays: Any) -> tuple[Any, tuple[Any, ...]]: ...


# -- expression templates: the table's strings with a, b, out (and g) as placeholders ----------


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(self.names.get(node.id, node.id), node.ctx)


def _parse(expr: str) -> ast.expr:
    names = {"a": _A, "b": _B, "out": _OUT}
    tree = _Rename(names).visit(ast.parse(expr, mode="eval").body)
    return cast(ast.expr, tree)


def _times_g(local: ast.expr) -> ast.expr:
    """`local * g`, simplified where the floats cannot change: 1*g is g, -1*g is -g, and a
    conditional local distributes (`(1.0 if c else 0.0) * g` -> `g if c else 0.0 * g`)."""
    g = ast.Name(_G, ast.Load())
    if isinstance(local, ast.Constant) and local.value == 1.0:
        return g
    if isinstance(local, ast.Constant) and local.value == -1.0:
        return ast.UnaryOp(ast.USub(), g)
    if (
        isinstance(local, ast.UnaryOp)
        and isinstance(local.op, ast.USub)
        and isinstance(local.operand, ast.Constant)
        and local.operand.value == 1.0
    ):
        return ast.UnaryOp(ast.USub(), g)
    if isinstance(local, ast.IfExp):
        return ast.IfExp(local.test, _times_g(local.body), _times_g(local.orelse))
    return ast.BinOp(local, ast.Mult(), g)


class _Dialect(Protocol):
    def __call__(self, tree: ast.expr) -> ast.expr: ...


def _scalar(tree: ast.expr) -> ast.expr:
    return tree


@functools.cache
def _forward_template(op: Op, numpy: bool = False) -> str:
    return ast.unparse(_parse(op.source("forward", "numpy" if numpy else "scalar")))


@functools.cache
def _contribution_template(op: Op, index: int, numpy: bool = False) -> str:
    text = op.source("local", "numpy" if numpy else "scalar", index)
    return ast.unparse(_times_g(_parse(text)))


# Per-op lookups keyed by the op's identity: an Op is a dataclass whose hash walks all its
# fields, too slow to take once per node of a 65k-op graph. Each entry keeps its op alive.
_by_op: dict[tuple[int, int, bool], tuple[Op, Any]] = {}


def _forward_of(op: Op, numpy: bool) -> str:
    hit = _by_op.get((id(op), -1, numpy))
    if hit is None or hit[0] is not op:
        hit = _by_op[(id(op), -1, numpy)] = (op, _forward_template(op, numpy))
    return hit[1]


def _contribution_of(op: Op, index: int, numpy: bool) -> str:
    hit = _by_op.get((id(op), index, numpy))
    if hit is None or hit[0] is not op:
        hit = _by_op[(id(op), index, numpy)] = (op, _contribution_template(op, index, numpy))
    return hit[1]


def _plain_terms(op: Op) -> tuple[bool, ...]:
    """For each input of `op`: is its gradient term just the consumer's (a local of 1)?"""
    hit = _by_op.get((id(op), -2, False))
    if hit is None or hit[0] is not op:
        plain: tuple[bool, ...] = ()  # affine: every term has a partner factor
        if op is not AFFINE:
            plain = tuple(_contribution_template(op, i) == _G for i in range(op.arity))
        hit = _by_op[(id(op), -2, False)] = (op, plain)
    return hit[1]


# Python's operator precedence, enough to tell when a pasted expression needs no parentheses:
# `(a * b) + c` is written `a * b + c`, which Python parses (and evaluates) the same way.
_LOWEST, _SUM, _PRODUCT, _SIGN, _POWER, _ATOM = range(6)
_NEVER = _ATOM + 1  # a bar no expression clears: always parenthesised


def _precedence(node: ast.expr) -> int:
    """How tightly the top of an expression binds (higher: tighter)."""
    if isinstance(node, (ast.Name, ast.Constant, ast.Call)):
        return _ATOM
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _SIGN
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return _POWER
        if isinstance(node.op, (ast.Mult, ast.Div)):
            return _PRODUCT
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return _SUM
    return _LOWEST


def _bare_from(parent: ast.AST, node: ast.expr) -> int:
    """The least precedence an expression put in place of `node` (a child of `parent`) needs
    to go without parentheses: any argument of a call short of `x if c else y`; the left
    operand of + - * / at the same level (they group left to right), the right one above."""
    if isinstance(parent, ast.Call) and any(arg is node for arg in parent.args):
        return _SUM
    if isinstance(parent, ast.BinOp) and (level := _precedence(parent)) in (_SUM, _PRODUCT):
        return level if parent.left is node else level + 1
    return _NEVER


def _paste_info(op: Op, numpy: bool) -> tuple[int, tuple[int | None, int | None]]:
    """For a non-affine op: the precedence of its forward expression, and for inputs a, b the
    precedence a value pasted there needs to go bare (None: not pasteable: the expression
    names the input twice, or a domain check reads it first)."""
    hit = _by_op.get((id(op), -3, numpy))
    if hit is None or hit[0] is not op:
        tree = ast.parse(_forward_of(op, numpy), mode="eval").body
        needs: list[int | None] = []
        for placeholder in (_A, _B):
            at = [
                (parent, child)
                for parent in ast.walk(tree)
                for child in ast.iter_child_nodes(parent)
                if isinstance(child, ast.Name) and child.id == placeholder
            ]
            if op.checks or len(at) != 1:
                needs.append(None)
            else:
                needs.append(_bare_from(*at[0]))
        hit = _by_op[(id(op), -3, numpy)] = (op, (_precedence(tree), (needs[0], needs[1])))
    return hit[1]


def _term_precedence(op: Op, index: int, numpy: bool) -> int:
    """The precedence of a backward term of `op` for input `index` (`x * g` binds as a product)."""
    hit = _by_op.get((id(op), -4 - index, numpy))
    if hit is None or hit[0] is not op:
        tree = ast.parse(_contribution_of(op, index, numpy), mode="eval").body
        hit = _by_op[(id(op), -4 - index, numpy)] = (op, _precedence(tree))
    return hit[1]


@functools.cache
def _check_templates(op: Op) -> tuple[str, ...]:
    """Each domain check as the condition under which it fails."""
    fails = []
    for c in op.checks:
        holds = _parse(ast.unparse(op.tree_of(c.holds)))
        if isinstance(holds, ast.Constant):
            continue  # decided by the op's parameters: `a ** 2` has no domain to check
        if isinstance(holds, ast.UnaryOp) and isinstance(holds.op, ast.Not):
            fails.append(ast.unparse(holds.operand))
        else:
            fails.append(ast.unparse(ast.UnaryOp(ast.Not(), holds)))
    return tuple(fails)


def _fill(template: str, a: str, b: str = "", out: str = "", g: str = "") -> str:
    text = template.replace(_A, a)
    if b:
        text = text.replace(_B, b)
    if out:
        text = text.replace(_OUT, out)
    if g:
        text = text.replace(_G, g)
    return text


def _literal(x: float) -> str:
    """A float as source text that reads back as the same float (sign of zero included)."""
    if math.isnan(x):
        return "nan"
    text = repr(x)  # 'inf' and 'nan' are names in ops.NAMESPACE
    return f"({text})" if text.startswith("-") else text


# -- the program: a flat list of steps, rendered to Python (floats or numpy arrays) -------------


class Step(NamedTuple):  # a tuple, not a frozen dataclass: 3x cheaper to make, 65k per trace
    """One op of the forward pass: `out = op(operands)` (for affine: w..., x..., [bias])."""

    out: str
    op: Op
    operands: tuple[str, ...]


class Contribution(NamedTuple):
    """One term of the backward pass: `grad (+)= local_index(step) * g_of_step`."""

    grad: str
    first: bool  # the first term assigns, later ones add (the order backward() adds them)
    step: int
    input: int  # which input of the step (0 for a, 1 for b, ...)
    g: str  # the variable holding d(result)/d(step's output)


@dataclass(frozen=True)
class Program:
    """A traced function as data: argument names, forward steps, backward terms, result."""

    args: tuple[str, ...]
    steps: tuple[Step, ...]
    terms: tuple[Contribution, ...]
    grads: tuple[str | None, ...]  # per differentiated argument: its grad variable or None
    result: str  # a variable or a literal
    seeded: str | None  # grad variable of the result when it is an op node (set to 1.0)
    root_arg: int | None  # the argument the function returns unchanged, if it does

    @property
    def n_ops(self) -> int:
        return len(self.steps)

    def render(
        self,
        *,
        name: str = "compiled",
        comments: bool = True,
        numpy: bool = False,
        fold: bool | None = None,
    ) -> str:
        """Python source of one function `name(*args) -> (value, grads)`.

        `fold` (by default past SOURCE_LIMIT ops, where `source` is elided anyway) writes
        fewer, longer lines, which CPython compiles faster: a forward value read once, and by
        no local derivative or domain check, is pasted into the expression that reads it
        instead of getting a line (`v3 = v1 * v2; v4 = v3 + v0` becomes `v4 = v1 * v2 + v0`),
        and a gradient's terms are summed in one expression where its last term was
        (`g = t1 + t2 + ...`). A pasted expression is parenthesised unless Python would group
        it the same way without (`w * (x + b)`, `(g if c else 0.0 * g) + t`). Python then
        evaluates the same operations in the same order as it did the lines, one rounding
        each: the same floats. Folded lines carry no comments.
        """
        if fold is None:
            fold = self.n_ops > SOURCE_LIMIT
        lines = [f"def {name}({', '.join(self.args)}):"]
        emit = lines.append
        if comments:
            emit("    # forward: one line per op" if not fold else "    # forward")
        backward: list[str] = []
        if fold:
            needed = self._render_sums(backward.append, numpy)
            self._render_forward_folded(emit, needed, numpy)
        else:
            self._render_forward(emit, comments, numpy)
        if self.seeded is not None:
            if comments:
                emit(f"    # backward: g_n = d({self.result})/d(n), summed in backward()'s order")
            emit(f"    {self.seeded} = 1.0")
        if fold:
            lines += backward
        else:
            self._render_terms(emit, comments, numpy)
        grads = []
        for i, g in enumerate(self.grads):
            if self.root_arg == i:
                grads.append("1.0")
            elif g is None:
                grads.append("0.0")
            else:  # 0.0 + g: a leaf's grad starts at 0.0 in backward(), which turns -0.0 to 0.0
                grads.append(f"0.0 + {g}")
        tail = "," if len(grads) == 1 else ""
        emit(f"    return {self.result}, ({', '.join(grads)}{tail})")
        return "\n".join(lines)

    def _render_forward(self, emit: Callable[[str], None], comments: bool, numpy: bool) -> None:
        for step in self.steps:
            if not numpy and step.op.checks:
                _render_checks(emit, step)
            text = f"    {step.out} = {_forward(step.op, step.operands, numpy)}"
            emit(f"{text}  # {step.op.name}" if comments else text)

    def _render_terms(self, emit: Callable[[str], None], comments: bool, numpy: bool) -> None:
        for term in self.terms:
            step = self.steps[term.step]
            value = _term(step, term, term.g, numpy)
            if term.first:
                text = f"    {term.grad} = {value}"
            elif numpy:  # not +=: `g_a = g_b` binds one array to both names, += would edit both
                text = f"    {term.grad} = {term.grad} + {value}"
            else:
                text = f"    {term.grad} += {value}"
            emit(f"{text}  # {step.op.rule(term.input)}" if comments else text)

    def _render_forward_folded(
        self, emit: Callable[[str], None], needed: set[str], numpy: bool
    ) -> None:
        """The forward lines, a value read once (and not in `needed`) pasted into its reader.

        Such a value waits in `pending` until its reader comes: pasted if the reader's
        expression names it once and no domain check reads it first, else written as a line
        just before the reader's (the ops are pure: only the order of errors can change, as
        the module docstring says).
        """
        steps = self.steps
        uses = Counter(chain.from_iterable([step.operands for step in steps]))
        pending: dict[str, tuple[str, int, int]] = {}  # value -> (expression, nesting, precedence)
        for step in steps:
            op, operands = step.op, step.operands
            depth = 0
            affine = op is AFFINE
            if pending:
                pasted: list[str] | None = None
                for i, o in enumerate(operands):
                    hit = pending.pop(o, None)
                    if hit is None:
                        continue
                    expr, nesting, precedence = hit
                    if affine:  # bias + w_1 * x_1 + ...: operands (w..., x..., [bias])
                        n = len(operands) // 2
                        need = _PRODUCT if i < n else _PRODUCT + 1 if i < 2 * n else _SUM
                    else:
                        bare = _paste_info(op, numpy)[1][i]
                        if bare is None:
                            emit(f"    {o} = {expr}")
                            continue
                        need = bare
                    if pasted is None:
                        pasted = list(operands)
                    pasted[i] = expr if precedence >= need else f"({expr})"
                    depth = max(depth, nesting)
                if pasted is not None:
                    operands = tuple(pasted)
            if not numpy and op.checks:  # operands as they were: a checked op pastes nothing
                _render_checks(emit, step)
            expr = _forward(op, operands, numpy)
            out = step.out
            if depth < _FOLD_DEPTH and uses[out] == 1 and out not in needed:
                if affine:
                    precedence = _SUM if len(operands) > 1 else _ATOM
                else:
                    precedence = _paste_info(op, numpy)[0]
                pending[out] = (expr, depth + 1, precedence)
            else:
                emit(f"    {out} = {expr}")

    def _render_sums(self, emit: Callable[[str], None], numpy: bool) -> set[str]:
        """Each gradient's terms as one sum, `g = t1 + t2 + ...` (left to right, as the lines
        `g = t1; g += t2; ...` add them), written where its last term was: every term reads
        gradients that are complete by then, and `g` is read only after its last term.

        Returns the forward values these lines read (and the result): they keep their lines.
        """
        steps = self.steps
        last = {term.grad: k for k, term in enumerate(self.terms)}  # the last index wins
        needed = {self.result}
        add = needed.add
        values: dict[str, list[str]] = {}
        for k, term in enumerate(self.terms):
            step = steps[term.step]
            op = step.op
            if op is AFFINE:  # `partner * g` or `g`: a product or a name, bare in a sum
                value = _term(step, term, term.g, numpy)
                needed.update(_affine_reads(step, term.input))
            else:
                template = _contribution_of(op, term.input, numpy)
                a, b = (*step.operands, "")[:2]
                value = _fill(template, a, b, step.out, term.g)
                if _A in template:
                    add(a)
                if _B in template:
                    add(b)
                if _OUT in template:
                    add(step.out)
                if _term_precedence(op, term.input, numpy) < _PRODUCT:
                    value = f"({value})"  # a term of a sum: bare if it binds tighter than +
            grad = term.grad
            if last[grad] != k:
                pending = values.get(grad)
                if pending is None:
                    values[grad] = [value]
                else:
                    pending.append(value)
                continue
            terms = values.pop(grad, None)
            if terms is None:
                emit(f"    {grad} = {value}")
                continue
            terms.append(value)
            for start in range(0, len(terms), _SUM_TERMS):
                chunk = " + ".join(terms[start : start + _SUM_TERMS])
                if start:  # g + t + ...: left to right from the running sum, not g += (...)
                    chunk = f"{grad} + {chunk}"
                emit(f"    {grad} = {chunk}")
        return needed


def _render_checks(emit: Callable[[str], None], step: Step) -> None:
    """The eager path's domain errors, same messages: a line per check before the op's."""
    a, b = (*step.operands, "")[:2]
    for check in _check_templates(step.op):
        emit(
            f"    if {_fill(check, a, b)}: "
            f"_check[{_check_ids[step.op]}]({', '.join(step.operands)})"
        )


_check_ids: dict[Op, int] = {}
_check_fns: list[Callable[..., None]] = []


def _check_id(op: Op) -> int:
    if op not in _check_ids:
        _check_ids[op] = len(_check_fns)
        _check_fns.append(op.check)
    return _check_ids[op]


def _grad_name(name: str) -> str:
    return f"g_{name}"


def _forward(op: Op, operands: tuple[str, ...], numpy: bool) -> str:
    if op is AFFINE:
        n = len(operands) // 2
        ws, xs = operands[:n], operands[n : 2 * n]
        start = operands[-1] if len(operands) % 2 else "0.0"
        # left to right from the bias, as Value.affine sums: the same floats
        return " + ".join([start, *(f"{w} * {x}" for w, x in zip(ws, xs, strict=True))])
    a, b = (*operands, "")[:2]
    return _fill(_forward_of(op, numpy), a, b)


def _affine_reads(step: Step, index: int) -> tuple[str, ...]:
    """The forward value the local derivative of an affine step for input `index` reads."""
    n = len(step.operands) // 2
    if index == 2 * n:
        return ()  # d/d bias = 1
    return (step.operands[index + n] if index < n else step.operands[index - n],)


def _term(step: Step, term: Contribution, g: str, numpy: bool) -> str:
    if step.op is AFFINE:
        n = len(step.operands) // 2
        i = term.input
        if i == 2 * n:
            return g  # d/d bias = 1
        partner = step.operands[i + n] if i < n else step.operands[i - n]
        return f"{partner} * {g}"
    a, b = (*step.operands, "")[:2]
    return _fill(_contribution_of(step.op, term.input, numpy), a, b, step.out, g)


# -- tracing -------------------------------------------------------------------------------------

_RESERVED = (
    set(namespace("scalar"))
    | set(dir(builtins))
    | set(keyword.kwlist)
    | {"compiled", "_check", "where", "np", "_broadcast"}
)


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
                name = _literal(p.data)
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
            _check_id(op)

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
        plain = _plain_terms(op)
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
    result = var.get(out) or _literal(out.data)
    seeded = _grad_name(result) if order else None
    return Program(tuple(arg_names), tuple(steps), tuple(terms), grads, result, seeded, root_arg)


def compile(  # shadows the builtin on purpose: the name users look for (builtins.compile here)
    fn: Callable[..., Value],
    example_args: Sequence[Number],
    *,
    unpack: bool = True,
    wrt: Sequence[int] | None = None,
) -> Compiled:
    """Trace `fn` on `example_args` and return `cf(*floats) -> (value, grads)`.

    `grads[i]` is d value / d argument i (0.0 for an argument the function does not use).
    With `wrt` (argument positions), only those gradients are computed and returned, in that
    order: `wrt=(0, 1)` for the weights of `fn(w0, w1, x, y)` skips the data's gradients.
    Non-argument leaves are constants. `cf.source` shows the code; `cf.batch` replays it on
    numpy arrays.
    """
    program = trace(fn, example_args, unpack=unpack, wrt=wrt)
    return build(program)


def build(program: Program, *, fold: bool | None = None) -> Compiled:
    """Generate, compile and return the function for `program`.

    `fold` (default: past SOURCE_LIMIT ops) writes fewer, longer lines (see `Program.render`):
    the same floats, compiled faster, but no longer a line per op.
    """
    small = program.n_ops <= SOURCE_LIMIT
    full = program.render(comments=small, fold=fold)
    names: dict[str, Any] = dict(namespace("scalar"))
    names["_check"] = _check_fns
    code = builtins.compile(full, f"<micrograd_lite.compile: {program.n_ops} ops>", "exec")
    exec(code, names)  # our own generated text, built from the op table's expressions
    fn = names["compiled"]
    fn.n_args = len(program.args)
    fn.n_ops = program.n_ops
    fn.program = program
    fn.full_source = full
    fn.source = full if small else _elide(full, program.n_ops)
    fn.batch = functools.partial(_batch, program, {})
    return cast(Compiled, fn)


def _elide(full: str, n_ops: int, keep: int = 12) -> str:
    lines = full.splitlines()
    if len(lines) <= 2 * keep:
        return full
    note = (
        f"    # ... {len(lines) - 2 * keep} lines elided: the graph has {n_ops} ops "
        f"(source is shown in full up to {SOURCE_LIMIT}; see full_source) ..."
    )
    return "\n".join([*lines[:keep], note, *lines[-keep:]])


def _batch(program: Program, cache: dict[str, Any], *arrays: Any) -> tuple[Any, tuple[Any, ...]]:
    run = cache.get("run")
    if run is None:
        from micrograd_lite.compile_batch import run_batch  # numpy is optional: on first use

        run = cache["run"] = run_batch
    return run(program, cache, arrays)


@functools.lru_cache(maxsize=1)
def _numpy_dialect() -> _Dialect:
    from micrograd_lite.compile_batch import to_numpy

    return to_numpy
