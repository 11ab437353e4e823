"""Op: one primitive of the table, its math as rules (see `rules.py`) and its metadata.

An `Op` is data: the rules are text in the rule language, compiled on first use into a function
per dialect (`forward_in("scalar")`, `local_in("numpy")`, ...). Everything any part of the
library needs to know about an op lives here: its name on a node, arity, forward rule, one
local-derivative rule per input and the human form of each, domain checks with their errors,
kinks (where gradcheck's finite differences cannot be trusted), its name in expressions,
whether `nn` may use it as an activation, and parameters (`n` in `a ** n`).
"""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd_lite.errors import OpOverflowError
from micrograd_lite.ops import fold, registry, rules
from micrograd_lite.ops.registry import namespace

INPUTS = ("a", "b")
VARIADIC = -1  # arity of ops with any number of inputs (the fused neuron)


@dataclass(frozen=True, eq=False)
class DomainCheck:
    """`holds` (a condition over the inputs and parameters) must be true, else `error(message)`.

    The message may name the parameters: `"0 to the power {n} is 1/0"`.
    """

    holds: str
    error: type[Exception]
    message: str


@dataclass(frozen=True, eq=False)  # eq=False: an Op is its identity (fast, unambiguous dict key)
class Op:
    """One primitive: `out = forward(a[, b])`, and `d out/d input_i = local[i]`.

    `rules` holds the human form of each local derivative, shown on graph edges and in traces.
    `params` names the op's parameters with their defaults (None: required); an op with
    parameters is a family, and `bind(n=2.0)` gives the concrete op a node records (`name`
    is then formatted with them: `"**{n}"` -> `"**2"`). `function` is its name in expressions
    and rules (None for operators such as `+`); `activation` lets `nn` use it by that name.
    `kinks` are (input index, point) pairs where the derivative jumps. `numpy_forward` is a
    forward rule for arrays when the scalar one would be slow or wrong there.
    """

    name: str
    arity: int
    forward: str
    local: tuple[str, ...]
    rules: tuple[str, ...]
    checks: tuple[DomainCheck, ...] = ()
    function: str | None = None
    activation: bool = False
    kinks: tuple[tuple[int, float], ...] = ()
    params: tuple[tuple[str, float | None], ...] = ()
    numpy_forward: str | None = None
    values: tuple[float, ...] = ()  # the bound parameters' values, in `params` order
    family: Op | None = field(default=None, repr=False)  # the unbound op a bound one came from
    _compiled: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)  # per dialect

    def __post_init__(self) -> None:
        if self.arity != VARIADIC and not (len(self.local) == len(self.rules) == self.arity):
            raise rules.RuleError(
                f"op {self.name!r}: needs one local rule and one human rule per input "
                f"({self.arity}), got {len(self.local)} and {len(self.rules)}"
            )

    def validate(self) -> None:
        """Refuse rules outside the rule language (called by `registry.register`): names
        other than the inputs, `out` and parameters; local rules calling non-table functions."""
        if self.arity == VARIADIC:
            return  # its rules are prose: a loop over inputs is not an expression
        names = (*INPUTS[: self.arity], *(p for p, _ in self.params))
        table = registry.function_names()
        anything = table | set(rules.MATH_FUNCTIONS)
        where = f"op {self.name!r}"
        for text in (self.forward, self.numpy_forward or self.forward):
            rules.validate(rules.parse(text, where), names=names, functions=anything, where=where)
        for c in self.checks:
            tree = rules.parse(c.holds, where)
            rules.validate(tree, names=names, functions=anything, where=where, condition=True)
        for i, text in enumerate(self.local):
            tree = rules.parse(text, f"{where} local rule {i}")
            rules.validate(
                tree, names=(*names, "out"), functions=table, where=f"{where} local rule {i}"
            )

    # -- parameters ------------------------------------------------------------------------------

    @property
    def bound(self) -> dict[str, float]:
        """The parameters' values of a bound op (`{'n': 2.0}` for `**2`)."""
        return {p: v for (p, _), v in zip(self.params, self.values, strict=False)}

    def bind(self, *values: float) -> Op:
        """The concrete op for these parameter values (one shared Op per distinct values)."""
        family = self.family or self
        full = family._fill_defaults(values)
        return _bind(family, full)

    def _fill_defaults(self, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) > len(self.params):
            raise TypeError(
                f"{self.name}: takes {len(self.params)} parameter(s), got {len(values)}"
            )
        filled = list(values)
        for name, default in self.params[len(values) :]:
            if default is None:
                raise TypeError(f"{self.name}: parameter {name!r} is required")
            filled.append(default)
        return tuple(float(v) for v in filled)

    # -- the rules as trees and as functions ------------------------------------------------------

    def tree_of(self, text: str) -> ast.expr:
        """A rule of this op as a tree, bound parameters already replaced by literals."""
        tree = rules.parse(text, self.name)
        return fold.substitute(tree, self.bound) if self.values else tree

    def tree(self, part: str, index: int = 0) -> ast.expr:
        """The `forward` rule, or the `local` rule of input `index`, as a tree."""
        if part == "forward":
            return self.tree_of(self.forward)
        if part == "numpy_forward":
            return self.tree_of(self.numpy_forward or self.forward)
        return self.tree_of(self.local[index])

    def source(self, part: str, dialect: str, index: int = 0) -> str:
        """A rule as source text in `dialect` (what compile pastes), inputs named a, b, out."""
        key = (f"source:{part}:{index}", dialect)
        text = self._compiled.get(key)
        if text is None:
            tree = self.tree(
                "numpy_forward" if dialect == "numpy" and part == "forward" else part, index
            )
            text = self._compiled[key] = rules.to_source(tree, dialect)
        return str(text)

    def forward_in(self, dialect: str) -> Callable[..., Any]:
        """`forward(a[, b])` in `dialect`, parameters bound."""
        key = ("forward", dialect)
        fn = self._compiled.get(key)
        if fn is None:
            part = "numpy_forward" if dialect == "numpy" else "forward"
            fn = self._compiled[key] = rules.function(
                self._args(), (self.tree(part),), dialect, namespace(dialect)
            )
        return fn

    def local_in(self, dialect: str) -> Callable[..., tuple[Any, ...]]:
        """`(a[, b], out) -> (d out/da[, d out/db])` in `dialect`."""
        key = ("local", dialect)
        fn = self._compiled.get(key)
        if fn is None:
            trees = tuple(self.tree("local", i) for i in range(self.arity))
            args = (*self._args(), "out")
            fn = rules.function(args, trees, dialect, namespace(dialect), as_tuple=True)
            self._compiled[key] = fn
        return fn

    def _args(self) -> tuple[str, ...]:
        return INPUTS[: self.arity]

    # -- the eager path's use of the rules -------------------------------------------------------

    @functools.cached_property  # the eager path's: one attribute read per node
    def forward_fn(self) -> Callable[..., float]:
        """`forward` on floats."""
        return self.forward_in("scalar")

    @functools.cached_property
    def local_plain(self) -> Callable[..., tuple[float, ...]]:
        """The local derivatives on floats as Python computes them (it may raise where IEEE
        answers: `apply` then asks `local_fn`)."""
        return self.local_in("scalar")

    @functools.cached_property
    def local_fn(self) -> Callable[..., tuple[float, ...]]:
        """The local derivatives on floats, IEEE answers where Python would raise (sqrt's
        slope at 0 is inf): the plain rule first, the `ieee` dialect only if it raised."""
        fn = self._compiled.get(("local", "eager"))
        if fn is None:
            fn = self._compiled[("local", "eager")] = _with_ieee_fallback(
                self.local_in("scalar"), self.local_in("ieee")
            )
        return fn

    def check(self, *xs: float) -> None:
        """Raise the table's error when an input is outside the op's domain."""
        if self.checks and not self._all_hold(*xs):
            for c in self.checks:  # which one: the rare path, compiled once per check
                holds = rules.function(
                    self._args(), (self.tree_of(c.holds),), "scalar", namespace("scalar")
                )
                if not holds(*xs):
                    raise c.error(self.domain_message(c, xs))

    @functools.cached_property
    def _all_hold(self) -> Callable[..., bool]:
        """Every domain check at once, as one condition (one call per node)."""
        trees = [self.tree_of(c.holds) for c in self.checks]
        both = trees[0] if len(trees) == 1 else ast.BoolOp(ast.And(), trees)
        return rules.function(self._args(), (both,), "scalar", namespace("scalar"))

    def domain_message(self, check: DomainCheck, xs: tuple[float, ...]) -> str:
        """The error message of `check` failing at inputs `xs`: the op, the rule, the values."""
        shown = ", ".join(f"{n} = {x!r}" for n, x in zip(INPUTS, xs, strict=False))
        return f"{self.name}: {fill(check.message, self.bound)}; got {shown}"

    def overflow_error(self, xs: Sequence[float]) -> OpOverflowError:
        """What this op raises when its result overflows a float, eager, compiled or batch."""
        got = ", ".join(f"{name} = {x!r}" for name, x in zip(INPUTS, xs, strict=False))
        return OpOverflowError(
            f"{self.name}: the result of {self.forward} overflows a float; got {got}"
        )

    def rule(self, index: int) -> str:
        """The human rule for input `index`, e.g. `d(a*b)/da = b`."""
        return self.rules[index] if self.arity != VARIADIC else self.rules[0]


def fill(template: str, values: dict[str, float]) -> str:
    """A human text with each `{expression of the parameters}` worked out: with n = 2,
    `"d(a^{n})/da = {n}*a^{n-1}"` reads `"d(a^2)/da = 2*a^1"`."""
    if not values:
        return template

    def work_out(match: re.Match[str]) -> str:
        tree = fold.substitute(rules.parse(match.group(1), template), values)
        value = fold.constant(tree)
        return ast.unparse(tree) if value is None else number_name(value)

    return re.sub(r"\{([^{}]+)\}", work_out, template)


def number_name(x: float) -> str:
    """`2` for 2.0, `0.5` for 0.5: micrograd names the node `**2`."""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def _with_ieee_fallback(
    plain: Callable[..., tuple[float, ...]], ieee: Callable[..., tuple[float, ...]]
) -> Callable[..., tuple[float, ...]]:
    def local(*xs: float) -> tuple[float, ...]:
        try:
            return plain(*xs)
        except (ArithmeticError, ValueError):  # 0.0 ** -0.5, exp(1000), ...: IEEE's answer
            return ieee(*xs)

    return local


_bound: dict[tuple[int, tuple[float, ...]], Op] = {}


def _bind(family: Op, values: tuple[float, ...]) -> Op:
    key = (id(family), values)
    op = _bound.get(key)
    if op is not None:
        return op
    for v in values:
        if not math.isfinite(v):
            from micrograd_lite.errors import DomainError

            raise DomainError(f"{family.name}: parameters must be finite; got {v!r}")
    bound = {p: v for (p, _), v in zip(family.params, values, strict=True)}
    # a check the parameters alone decide is dropped (`a ** 2` has no domain to check)
    checks = tuple(
        c
        for c in family.checks
        if fold.constant_truth(fold.substitute(rules.parse(c.holds, family.name), bound))
        is not True
    )
    op = Op(
        fill(family.name, bound),
        family.arity,
        family.forward,
        family.local,
        tuple(fill(r, bound) for r in family.rules),
        checks,
        family.function,
        family.activation,
        family.kinks,
        family.params,
        family.numpy_forward,
        values,
        family,
    )
    _bound[key] = op
    return op
