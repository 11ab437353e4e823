"""Checking gradients: autograd against finite differences and a hand-derived formula, and
the chain rule behind one gradient, path by path.

`gradcheck(f, inputs)` compares, per input x_i, three numbers:

    autograd   d f/d x_i from `backward()`
    numeric    the central difference (f(x + h e_i) - f(x - h e_i)) / 2h, h = eps * max(1, |x_i|)
    expected   the student's formula, when given

Two numbers a, b agree when |a - b| <= atol + rtol * max(|a|, |b|). The central difference has a
truncation error of order h^2 * f''' and a rounding error of order ulp(f) / h, so the numeric
comparison also allows 16 * 2^-52 * max|f(x +- h)| / 2h (16 ulps of f: the rounding of a
moderately deep graph), which only matters when f is large against its slope.

A finite difference across a kink (relu or abs with its input at 0) measures the average of the
two one-sided slopes, not the derivative: such a row is marked unreliable and its numeric column
is shown but not compared. So is a row where f is undefined at x - h or x + h (log near 0).

`explain(root, wrt)` writes d root/d wrt as the chain rule does: a sum over every path from
`root` down to `wrt` of the product of the local derivatives along it (seed 004's
`dE/dw_ih = dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135`), and the same sum done
the way backward() does it, node by node (linear in the graph, where paths can be exponential).

    >>> from micrograd_lite import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> print(explain(y, x))
    d(x*x)/dx = 3 + 3 = 6  (2 paths)
      path 1: d(x*x)/dx = 3    [d(a*b)/da = b]
      path 2: d(x*x)/dx = 3    [d(a*b)/db = a]
    per node (grad = sum over consumers of local derivative * consumer's grad):
      x*x  1  (the root)
      x    3 * 1 [x*x, input 1] + 3 * 1 [x*x, input 2] = 6
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.errors import OperandTypeError, ShapeError, describe
from micrograd_lite.value import Value, as_float

_KINKS = ("ReLU", "abs")  # ops whose derivative jumps at input 0
_FD_NOISE_ULPS = 16.0  # rounding allowance of a central difference, in ulps of f (see above)

# -- gradcheck ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradCheckRow:
    """One input's figures.

    `numeric` is None when f is undefined on both sides of x; `expected` is None without a
    formula. `abs_error` and `rel_error` are the largest disagreement among the comparisons made
    (None when none could be made). `disagrees` names the columns that differ from autograd
    ('numeric', 'expected'). `unreliable` says why the finite difference cannot be trusted here
    ('' when it can); an unreliable numeric column is shown but not compared.
    """

    name: str
    value: float
    autograd: float
    numeric: float | None
    expected: float | None
    abs_error: float | None
    rel_error: float | None
    ok: bool
    disagrees: tuple[str, ...]
    unreliable: str


@dataclass(frozen=True)
class GradCheckReport:
    """The result of `gradcheck`: `ok` is True when every comparison that could be made agrees.

    `unreliable` lists the inputs whose finite difference could not be trusted (a kink, or f
    undefined at x +- h); `str(report)` says so explicitly, so a pass there is never silent.
    """

    rows: tuple[GradCheckRow, ...]
    output: float
    eps: float
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        """No comparison disagrees (an input with nothing compared does not fail it: `passed`)."""
        return all(row.ok for row in self.rows)

    @property
    def unreliable(self) -> tuple[str, ...]:
        return tuple(row.name for row in self.rows if row.unreliable)

    @property
    def unverified(self) -> tuple[str, ...]:
        """Inputs with nothing compared: unreliable finite difference and no formula."""
        return tuple(row.name for row in self.rows if row.abs_error is None)

    @property
    def passed(self) -> bool:
        """`ok`, and every input was compared at least once (what the CLI's exit 0 means)."""
        return self.ok and not self.unverified

    @property
    def failed(self) -> tuple[str, ...]:
        """Names of the inputs where some comparison disagrees."""
        return tuple(row.name for row in self.rows if not row.ok)

    def __str__(self) -> str:
        point = ", ".join(f"{row.name} = {row.value!r}" for row in self.rows)
        lines = [f"gradcheck at {point}: f = {self.output!r}"]
        header = ("input", "autograd", "numeric", "expected", "abs err", "rel err", "")
        table = [header]
        for row in self.rows:
            numeric = _cell(row.numeric) + ("~" if row.unreliable else "")
            table.append(
                (
                    row.name,
                    _cell(row.autograd),
                    numeric,
                    _cell(row.expected),
                    _cell(row.abs_error, ".1e"),
                    _cell(row.rel_error, ".1e"),
                    _verdict(row),
                )
            )
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        lines += [
            "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in table
        ]
        for row in self.rows:
            if row.unreliable:
                lines.append(
                    f"  ~ {row.name}: finite difference unreliable, not compared: {row.unreliable}"
                )
        lines.append(self._summary())
        return "\n".join(lines)

    def _summary(self) -> str:
        if not self.ok:
            parts = []
            for row in self.rows:
                if not row.ok:
                    which = " and ".join(_COLUMN_NAMES[c] for c in row.disagrees)
                    parts.append(f"{row.name} ({which} disagrees with autograd)")
            return "FAIL: " + "; ".join(parts)
        unchecked = self.unverified
        if unchecked:
            rest = "; every other comparison agrees" if len(unchecked) < len(self.rows) else ""
            return (
                f"UNVERIFIED: nothing could be compared for {', '.join(unchecked)} "
                f"(finite difference unreliable and no formula given){rest}"
            )
        if self.unreliable:
            return (
                f"PASS, with a caveat: for {', '.join(self.unreliable)} only autograd and "
                "your formula were compared"
            )
        compared = "autograd, finite differences"
        compared += (
            " and your formula agree"
            if self.rows and self.rows[0].expected is not None
            else " agree"
        )
        return f"PASS: {compared} for all {len(self.rows)} inputs"


_COLUMN_NAMES = {"numeric": "the finite difference", "expected": "your formula"}


def _verdict(row: GradCheckRow) -> str:
    if not row.ok:
        return "<-- MISMATCH (" + ", ".join(row.disagrees) + ")"
    if row.abs_error is None:
        return "unverified"
    return "ok"


def _cell(x: float | None, spec: str = ".10g") -> str:
    return "-" if x is None else format(x, spec)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    expected: Callable[..., Sequence[float]] | None = None,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> GradCheckReport:
    """Compare autograd's gradient of `f` at `inputs` with central differences and, when given,
    the hand-derived `expected(*inputs) -> [df/dx_0, df/dx_1, ...]`.

    `f` takes one Value per input and returns a Value. Each input is named by `names`, else by
    f's parameter names when it has exactly one per input, else x0, x1, ...; the Values passed
    to f carry those names as labels.

    >>> r = gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, x])
    >>> r.ok, [row.autograd for row in r.rows]
    (True, [3.0, 2.0])
    >>> gradcheck(lambda x, y: x * y, [2.0, 3.0], expected=lambda x, y: [y, 1.0]).failed
    ('y',)
    """
    xs = [as_float(x, f"gradcheck: input {i}") for i, x in enumerate(inputs)]
    labels = _input_names(f, len(xs), names)
    for what, number in (("eps", eps), ("rtol", rtol), ("atol", atol)):
        if not (math.isfinite(number) and number >= 0.0) or (what == "eps" and number == 0.0):
            raise ValueError(
                f"gradcheck: {what} must be a finite number >= 0 (eps > 0), got {describe(number)}"
            )

    leaves = [Value(x, label=name) for x, name in zip(xs, labels, strict=True)]
    out = _call(f, leaves)
    out.backward()
    autograd = [leaf.grad for leaf in leaves]
    kinks_at_x = _kink_inputs(out)

    hand: list[float | None] = [None] * len(xs)
    if expected is not None:
        formula = list(expected(*xs))
        if len(formula) != len(xs):
            raise ShapeError(
                f"gradcheck: expected returned {len(formula)} gradients for "
                f"{len(xs)} inputs ({', '.join(labels)})"
            )
        hand = [as_float(g, f"gradcheck: expected gradient {i}") for i, g in enumerate(formula)]

    rows = []
    for i, (x, name) in enumerate(zip(xs, labels, strict=True)):
        numeric, noise, unreliable = _central_difference(f, xs, labels, i, eps, kinks_at_x)
        rows.append(_row(name, x, autograd[i], numeric, noise, unreliable, hand[i], rtol, atol))
    return GradCheckReport(tuple(rows), out.data, eps, rtol, atol)


def _row(
    name: str,
    x: float,
    autograd: float,
    numeric: float | None,
    noise: float,
    unreliable: str,
    expected: float | None,
    rtol: float,
    atol: float,
) -> GradCheckRow:
    comparisons: list[tuple[str, float, float]] = []  # (column, other value, extra tolerance)
    if numeric is not None and not unreliable:
        comparisons.append(("numeric", numeric, noise))
    if expected is not None:
        comparisons.append(("expected", expected, 0.0))
    disagrees: list[str] = []
    worst_abs: float | None = None
    worst_rel: float | None = None
    for column, other, extra in comparisons:
        diff = abs(autograd - other)
        scale = max(abs(autograd), abs(other))
        rel = diff / scale if scale > 0.0 else 0.0
        if math.isnan(diff):  # NaN agrees with nothing (inf - inf included)
            diff = rel = math.inf if autograd != other else 0.0
        if not diff <= atol + rtol * scale + extra:
            disagrees.append(column)
        worst_abs = diff if worst_abs is None else max(worst_abs, diff)
        worst_rel = rel if worst_rel is None else max(worst_rel, rel)
    return GradCheckRow(
        name,
        x,
        autograd,
        numeric,
        expected,
        worst_abs,
        worst_rel,
        not disagrees,
        tuple(disagrees),
        unreliable,
    )


def _input_names(f: Callable[..., Value], n: int, names: Sequence[str] | None) -> list[str]:
    if names is not None:
        given = [str(name) for name in names]
        if len(given) != n:
            raise ShapeError(f"gradcheck: {len(given)} names for {n} inputs")
        return given
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):  # builtins and some callables have no signature
        params = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if len(params) == n and all(p.kind in positional for p in params):
        return [p.name for p in params]
    return [f"x{i}" for i in range(n)]


def _call(f: Callable[..., Value], args: Sequence[Value]) -> Value:
    out = f(*args)
    if not isinstance(out, Value):
        raise OperandTypeError(f"gradcheck: f must return a Value, got {describe(out)}")
    return out


def _kink_inputs(root: Value) -> list[tuple[str, float]]:
    """(op, input) of every relu/abs node, in topological order (the same for every call of a
    function that does not branch on data)."""
    return [(node.op, node.inputs[0].data) for node in topo_order(root) if node.op in _KINKS]


def _sign(a: float) -> int:
    return (a > 0.0) - (a < 0.0)


def _central_difference(
    f: Callable[..., Value],
    xs: list[float],
    labels: list[str],
    i: int,
    eps: float,
    kinks_at_x: list[tuple[str, float]],
) -> tuple[float | None, float, str]:
    """(estimate or None, rounding allowance, reason it is unreliable or '')."""
    h = eps * max(1.0, abs(xs[i]))
    sides: dict[str, tuple[float, float, list[tuple[str, float]]]] = {}
    failures: dict[str, str] = {}
    for side, sign in (("x+h", 1.0), ("x-h", -1.0)):
        point = list(xs)
        point[i] = xs[i] + sign * h
        try:
            out = _call(f, [Value(p, label=n) for p, n in zip(point, labels, strict=True)])
        except (ArithmeticError, ValueError) as err:  # the domain errors subclass these
            failures[side] = f"{type(err).__name__}: {err}"
            continue
        sides[side] = (point[i], out.data, _kink_inputs(out))
    if len(sides) == 2:
        (up_x, up_f, up_kinks), (down_x, down_f, down_kinks) = sides["x+h"], sides["x-h"]
        estimate = (up_f - down_f) / (up_x - down_x)  # the exact float step, not 2h
        noise = _FD_NOISE_ULPS * 2.0**-52 * max(abs(up_f), abs(down_f)) / (up_x - down_x)
        return estimate, noise, _kink_reason(kinks_at_x, up_kinks, down_kinks, h)
    if len(sides) == 1:  # one-sided: error of order h, and f is near the edge of its domain
        (side, (px, pf, _)), failed = next(iter(sides.items())), next(iter(failures))
        base = _call(f, [Value(x, label=n) for x, n in zip(xs, labels, strict=True)]).data
        estimate = (pf - base) / (px - xs[i])
        return (
            estimate,
            0.0,
            f"one-sided ({side} only): f is undefined at {failed}: {failures[failed]}",
        )
    reason = "; ".join(f"at {side}: {why}" for side, why in failures.items())
    return None, 0.0, f"f is undefined on both sides ({reason})"


def _kink_reason(
    at_x: list[tuple[str, float]],
    up: list[tuple[str, float]],
    down: list[tuple[str, float]],
    h: float,
) -> str:
    if not (len(at_x) == len(up) == len(down)):
        return "f builds a different graph at x +- h (it branches on the data)"
    for (op, a), (_, a_up), (_, a_down) in zip(at_x, up, down, strict=True):
        moves = a_up != a_down
        crosses = len({_sign(a), _sign(a_up), _sign(a_down)}) > 1
        if crosses or (moves and abs(a) <= h):
            return (
                f"the input of {op} is {a!r}, within eps of its kink at 0 "
                f"({a_down!r} at x-h, {a_up!r} at x+h)"
            )
    return ""


# -- explain -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainPath:
    """One path from the root down to `wrt`: `nodes[0]` is the root, `nodes[-1]` is `wrt`.

    `indices[k]` is which input of `nodes[k]` the path takes, `locals[k]` the local derivative
    d nodes[k]/d nodes[k+1] on that step, `rules[k]` its rule from the op table, and `product`
    the product of `locals`, multiplied from the root down as backward() does.
    """

    nodes: tuple[Value, ...]
    indices: tuple[int, ...]
    locals: tuple[float, ...]
    rules: tuple[str, ...]
    product: float


@dataclass(frozen=True)
class Contribution:
    """`local * consumer_grad`: what `consumer` (through its input `index`) adds to a grad."""

    consumer: Value
    index: int
    local: float
    consumer_grad: float


@dataclass(frozen=True)
class NodeGrad:
    """d root/d node, summed over the node's consumers in backward()'s order."""

    node: Value
    name: str
    grad: float
    terms: tuple[Contribution, ...]


@dataclass(frozen=True)
class ChainRuleTrace:
    """How d root/d wrt is built: `paths` (at most `max_paths`), their sum `total`, the count of
    paths left out, and `per_node`, the node-by-node accumulation (root first, wrt last)."""

    root: Value
    wrt: Value
    paths: tuple[ChainPath, ...]
    path_count: int
    total: float
    per_node: tuple[NodeGrad, ...]
    names: dict[Value, str]

    @property
    def omitted(self) -> int:
        """How many paths were left out of `paths` by the cap."""
        return self.path_count - len(self.paths)

    def __str__(self) -> str:
        top, bottom = self.names[self.root], self.names[self.wrt]
        whole = f"d{_wrap(top)}/d{_wrap(bottom)}"
        if self.path_count == 0:
            return f"{whole} = 0: {top} does not depend on {bottom}"
        if self.path_count == 1 and len(self.paths) == 1:
            lines = [f"{whole} = {self._chain(self.paths[0], with_symbols=False)}"]
        else:
            products = " + ".join(_factor(p.product) for p in self.paths)
            more = f" + ... ({self.omitted} more)" if self.omitted else ""
            lines = [f"{whole} = {products}{more} = {_num(self.total)}  ({self.path_count} paths)"]
            for k, path in enumerate(self.paths, 1):
                lines.append(f"  path {k}: {self._chain(path, with_symbols=True)}    {_via(path)}")
            if self.omitted:
                lines.append(
                    f"  ... {self.omitted} more paths not listed "
                    "(the per-node sums below cover all of them)"
                )
            lines.extend(self._per_node_lines())
        if not _close(self.wrt.grad, self.total):
            lines.append(
                f"note: {bottom}.grad is {self.wrt.grad!r}, but the chain rule gives "
                f"{self.total!r}: was backward() called exactly once since the grads were zeroed?"
            )
        return "\n".join(lines)

    def _chain(self, path: ChainPath, *, with_symbols: bool) -> str:
        """`dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135`: unlabelled interior nodes
        are folded into the factor around them, as a derivation by hand skips them. A lone
        factor is written `d(x*x)/dx = 3` (with_symbols) or just `3` (after the headline)."""
        factors: list[tuple[str, str, float]] = []  # (from, to, product of the folded locals)
        start, product = path.nodes[0], 1.0
        for node, local in zip(path.nodes[1:], path.locals, strict=True):
            product = local * product
            if node.label or node is path.nodes[-1]:
                factors.append((self.names[start], self.names[node], product))
                start, product = node, 1.0
        symbols = " * ".join(f"d{_wrap(a)}/d{_wrap(b)}" for a, b, _ in factors)
        result = _num(path.product)
        if len(factors) <= 1:  # root is wrt (no factor), or one folded factor
            return f"{symbols} = {result}" if with_symbols and symbols else result
        numbers = " * ".join(_factor(p) for _, _, p in factors)
        return f"{symbols} = {numbers} = {result}"

    def _per_node_lines(self, limit: int = 30) -> list[str]:
        lines = ["per node (grad = sum over consumers of local derivative * consumer's grad):"]
        width = max(len(n.name) for n in self.per_node[:limit])
        for entry in self.per_node[:limit]:
            if entry.node is self.root:
                lines.append(f"  {entry.name.ljust(width)}  1  (the root)")
                continue
            terms = " + ".join(
                f"{_factor(t.local)} * {_factor(t.consumer_grad)} "
                f"[{self.names[t.consumer]}, input {t.index + 1}]"
                for t in entry.terms
            )
            lines.append(f"  {entry.name.ljust(width)}  {terms} = {_num(entry.grad)}")
        if len(self.per_node) > limit:
            lines.append(f"  ... {len(self.per_node) - limit} more nodes")
        return lines


def explain(root: Value, wrt: Value, *, max_paths: int = 20) -> ChainRuleTrace:
    """How `wrt.grad` was built by `root.backward()`: every path root -> wrt with its local
    derivatives and their product (at most `max_paths` listed; all are counted), their sum, and
    the per-node accumulation. The local derivatives were recorded in the forward pass, so the
    trace is the same whether or not backward() ran; the `.grad` it explains is read only to
    warn when it does not match (e.g. after two backward() calls).
    """
    for what, v in (("root", root), ("wrt", wrt)):
        if not isinstance(v, Value):
            raise OperandTypeError(f"explain: {what} must be a Value, got {describe(v)}")
    if max_paths < 0:
        raise ValueError(f"explain: max_paths must be >= 0, got {describe(max_paths)}")
    order = topo_order(root)
    # counts[v]: number of paths v -> wrt, one per edge use (x*x has 2); 0 off the paths
    counts: dict[Value, int] = {}
    for node in order:
        counts[node] = 1 if node is wrt else sum(counts[p] for p in node.inputs)
    on_path = [node for node in reversed(order) if counts[node]]
    names = _names([root, *on_path, wrt], _expressions(order))
    paths = _enumerate_paths(root, wrt, counts, max_paths)
    per_node = _accumulate(on_path, root, names)
    # all paths listed: their exact sum (fsum adds no rounding of its own); capped: backward()'s
    # node-by-node sum, which covers every path
    complete = len(paths) == counts[root]
    total = math.fsum(p.product for p in paths) if complete else per_node[-1].grad
    return ChainRuleTrace(root, wrt, tuple(paths), counts[root], total, tuple(per_node), names)


def _enumerate_paths(
    root: Value, wrt: Value, counts: dict[Value, int], cap: int
) -> list[ChainPath]:
    """Depth first, in operand order; iterative (a path can be a million steps long), and only
    through inputs that lead to `wrt`, so every descent ends in a path."""
    found: list[ChainPath] = []
    if not counts.get(root) or cap == 0:
        return found
    nodes: list[Value] = [root]
    indices: list[int] = []
    next_input: list[int] = [0]  # per node on the current path: the next input to try
    while nodes and len(found) < cap:
        node = nodes[-1]
        if node is wrt:
            found.append(_path(nodes, indices))
            nodes.pop()
            next_input.pop()
            if indices:
                indices.pop()
            continue
        inputs = node.inputs
        k = next_input[-1]
        while k < len(inputs) and not counts[inputs[k]]:
            k += 1
        if k == len(inputs):
            nodes.pop()
            next_input.pop()
            if indices:
                indices.pop()
            continue
        next_input[-1] = k + 1
        nodes.append(inputs[k])
        indices.append(k)
        next_input.append(0)
    return found


def _path(nodes: list[Value], indices: list[int]) -> ChainPath:
    locals_: list[float] = []
    rules: list[str] = []
    product = 1.0
    for node, k in zip(nodes, indices, strict=False):
        local = node.local_grads[k]
        locals_.append(local)
        rules.append(node.rule.rule(k) if node.rule is not None else "")
        product = local * product  # root first, as backward() multiplies
    return ChainPath(tuple(nodes), tuple(indices), tuple(locals_), tuple(rules), product)


def _accumulate(on_path: list[Value], root: Value, names: dict[Value, str]) -> list[NodeGrad]:
    """backward()'s sums restricted to the nodes between root and wrt (every consumer of such a
    node that root reaches is itself between them, so each sum is complete)."""
    grads: dict[Value, float] = {node: 0.0 for node in on_path}
    terms: dict[Value, list[Contribution]] = {node: [] for node in on_path}
    grads[root] = 1.0
    for node in on_path:  # root first: each node's grad is final before it is passed on
        g = grads[node]
        for k, (p, local) in enumerate(zip(node.inputs, node.local_grads, strict=True)):
            if p in grads:
                grads[p] += local * g
                terms[p].append(Contribution(node, k, local, g))
    return [NodeGrad(n, names[n], grads[n], tuple(terms[n])) for n in on_path]


# -- names and numbers ---------------------------------------------------------------------------

_FUNCTION_NAMES = {
    "ReLU": "relu",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "exp": "exp",
    "log": "log",
    "abs": "abs",
}
_INFIX = ("+", "-", "*", "/", "**")
_MAX_NAME = 30


def _names(nodes: list[Value], expressions: dict[Value, str | None]) -> dict[Value, str]:
    """A readable, unique name per node: its label, else its expression if short (`x*x`,
    `tanh(w*x)`), else its op in brackets (`[+]`); repeats get #2, #3, ..."""
    names: dict[Value, str] = {}
    used: dict[str, int] = {}
    for node in nodes:
        if node in names:
            continue
        name = node.label or expressions.get(node) or f"[{node.op or _num(node.data)}]"
        used[name] = used.get(name, 0) + 1
        names[node] = name if used[name] == 1 else f"{name}#{used[name]}"
    return names


def _expressions(order: list[Value]) -> dict[Value, str | None]:
    """Each node as a formula over labels and constants, None once longer than _MAX_NAME
    characters; built inputs first, so each formula reuses its inputs' (linear, no recursion)."""
    texts: dict[Value, str | None] = {}
    for node in order:
        if node.label:
            texts[node] = node.label
            continue
        if node.is_leaf:
            texts[node] = _num(node.data)
            continue
        args = [texts[p] for p in node.inputs]
        text = None if any(a is None for a in args) else _formula(node, node.inputs, args)
        texts[node] = text if text is not None and len(text) <= _MAX_NAME else None
    return texts


def _formula(node: Value, inputs: tuple[Value, ...], args: list[str | None]) -> str | None:
    texts = [a or "" for a in args]
    parts = [t if _atomic(p, t) else f"({t})" for p, t in zip(inputs, texts, strict=True)]
    op = node.op
    if op in _INFIX:
        return f"{parts[0]}{op}{parts[1]}"
    if op.startswith("**"):
        return f"{parts[0]}{op}"
    if op == "neg":
        return f"-{parts[0]}"
    if op in _FUNCTION_NAMES:
        return f"{_FUNCTION_NAMES[op]}({texts[0]})"
    return None  # the fused neuron: no short formula


def _atomic(node: Value, text: str) -> bool:
    """True when `text` needs no parentheses as an operand."""
    if node.label or node.op in _FUNCTION_NAMES:
        return True
    return node.is_leaf and not text.startswith("-")


def _via(path: ChainPath) -> str:
    """The rules a short path applies (`[d(a*b)/da = b]`), or the inputs a long one takes."""
    if len(path.rules) <= 3:
        return "[" + "; ".join(r for r in path.rules if r) + "]"
    return "[inputs " + ",".join(str(k + 1) for k in path.indices) + "]"


def _wrap(name: str) -> str:
    """A name as the article writes it after `d`: `dE`, `d(x*x)`."""
    simple = name.replace("_", "a").isalnum() and not name[0].isdigit()
    return name if simple else f"({name})"


def _num(x: float) -> str:
    """4-5 significant digits, as the articles print: 1.045, 0.3, 1, 0.3135, 0.15675."""
    return format(x, ".5g")


def _factor(x: float) -> str:
    return f"({_num(x)})" if x < 0.0 else _num(x)


def _close(a: float, b: float) -> bool:
    """Equal up to the rounding of summing the same terms in another order."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
