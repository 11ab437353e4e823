"""THE table: every primitive's forward rule and local derivatives, written once.

Each `Op` states its math as short Python expressions over its inputs `a`, `b` (and `out`, the
result, for the local derivatives). Those strings are the single source of the engine's math:

* `apply()` (the generic eager path) runs them, compiled once at import;
* the specialised `Value` methods are proven equal to them by `tests/test_ops.py`;
* `compile` pastes them into generated straight-line code;
* `render` and `check` print them as the rules on edges and in chain-rule traces.

    op       forward                      d out/da                     d out/db
    a + b    a + b                        1                            1
    a - b    a - b                        1                            -1
    a * b    a * b                        b                            a
    a / b    a / b                        1/b                          -out/b
    -a       -a                           -1
    a ** n   a ** n   (n a number)        n * a**(n-1)
    a ** b   a ** b   (b a Value)         b * a**(b-1)                 out * ln(a)
    relu     0 if a < 0 else a            1 if out > 0 else 0
    tanh     tanh(a)                      1 - out**2
    sigmoid  1 / (1 + exp(-a))            out * (1 - out)
    exp      exp(a)                       out
    log      ln(a)                        1/a
    abs      |a|                          sign(a)
    affine   b + sum(w_i * x_i)           d/dw_i = x_i, d/dx_i = w_i, d/db = 1

Domains: `/` and `0 ** negative` raise ZeroDivisionError, `log(a <= 0)` and a negative base to a
fractional power raise ValueError, a float overflow raises OverflowError. NaN and inf inputs
follow IEEE rules and pass through (see `detect_anomaly` to catch them).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from micrograd_lite.errors import DomainError, ZeroDivisionDomainError

VARIADIC = -1  # arity of ops that take any number of inputs (the fused neuron)


def sigmoid(a: float) -> float:
    """Logistic function 1 / (1 + e^-a), in the form that cannot overflow for either sign."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def sign(a: float) -> float:
    """d|a|/da: 1 for a > 0, -1 for a < 0, 0 at the kink a = 0 (as PyTorch)."""
    if a > 0.0:
        return 1.0
    if a < 0.0:
        return -1.0
    return 0.0 if a == 0.0 else a  # NaN stays NaN


def power_slope(a: float, n: float) -> float:
    """d(a**n)/da = n * a**(n-1); infinite, not an exception, where the slope is vertical.

    Python raises ZeroDivisionError for 0.0 ** -0.5; the IEEE answer (sqrt's slope at 0) is inf.
    """
    if n == 0.0:
        return 0.0
    try:
        slope: float = n * a ** (n - 1.0)
    except ZeroDivisionError:
        return math.copysign(math.inf, n)
    except OverflowError:
        return math.copysign(math.inf, n)
    return slope


def exponent_slope(a: float, out: float) -> float:
    """d(a**b)/db = a**b * ln(a): 0 at a = 0 (its limit, as PyTorch), NaN for a < 0 (not real)."""
    if a > 0.0:
        return out * math.log(a)
    if a == 0.0:
        return 0.0
    return math.nan


# The names an Op's expressions may use; `compile` gives its generated code the same namespace.
NAMESPACE: dict[str, object] = {
    "tanh": math.tanh,
    "exp": math.exp,
    "log": math.log,
    "sigmoid": sigmoid,
    "sign": sign,
    "power_slope": power_slope,
    "exponent_slope": exponent_slope,
    "floor": math.floor,
    "inf": math.inf,
    "nan": math.nan,
}

_INPUT_NAMES = ("a", "b")


@dataclass(frozen=True)
class DomainCheck:
    """A condition the inputs must meet, as an expression; `error` is raised when it is False."""

    holds: str
    error: type[Exception]
    message: str


@dataclass(frozen=True)
class Op:
    """One primitive: its name, its forward expression and one local-derivative expression per
    input (in terms of the inputs `a`, `b` and the result `out`)."""

    name: str
    arity: int
    forward: str
    local: tuple[str, ...]
    rules: tuple[str, ...]  # human form, shown on graph edges and in traces
    checks: tuple[DomainCheck, ...] = ()
    params: tuple[float, ...] = ()  # e.g. the exponent of `a ** 2`
    forward_fn: Callable[..., float] = field(init=False, repr=False, compare=False)
    local_fn: Callable[..., tuple[float, ...]] = field(init=False, repr=False, compare=False)
    check_fn: Callable[..., None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.arity == VARIADIC:
            return  # written by hand below: a loop is not an expression
        if len(self.local) != self.arity or len(self.rules) != self.arity:
            raise ValueError(f"op {self.name!r}: needs one local rule per input ({self.arity})")
        args = ", ".join(_INPUT_NAMES[: self.arity])
        # eval of our own table's constant strings, once at import: the same text `compile`
        # pastes into generated code, so eager and compiled runs share every rounding.
        forward = eval(f"lambda {args}: {self.forward}", NAMESPACE)
        local = eval(f"lambda {args}, out: ({', '.join(self.local)},)", NAMESPACE)
        object.__setattr__(self, "forward_fn", forward)
        object.__setattr__(self, "local_fn", local)
        object.__setattr__(self, "check_fn", self._make_check(args))

    def _make_check(self, args: str) -> Callable[..., None]:
        checks = [(eval(f"lambda {args}: {c.holds}", NAMESPACE), c) for c in self.checks]

        def check(*xs: float) -> None:
            for holds, c in checks:
                if not holds(*xs):
                    shown = ", ".join(
                        f"{n} = {x!r}" for n, x in zip(_INPUT_NAMES, xs, strict=False)
                    )
                    raise c.error(f"{self.name}: {c.message}; got {shown}")

        return check

    def rule(self, index: int) -> str:
        """The human rule for input `index`, e.g. `d(a*b)/da = b`."""
        return self.rules[index] if self.arity != VARIADIC else self.rules[0]


def _op(
    name: str,
    forward: str,
    local: tuple[str, ...],
    rules: tuple[str, ...],
    checks: tuple[DomainCheck, ...] = (),
) -> Op:
    return Op(name, len(local), forward, local, rules, checks)


_NONZERO_DIVISOR = DomainCheck(
    "b != 0.0", ZeroDivisionDomainError, "division by zero (the divisor b is 0)"
)
_POSITIVE_LOG = DomainCheck(
    "not a <= 0.0", DomainError, "log(a) is defined only for a > 0 (use a small offset)"
)
_REAL_POWER = DomainCheck(
    "not (a < 0.0 and b != floor(b))",
    DomainError,
    "a negative base to a fractional power is not a real number",
)
_ZERO_TO_NEGATIVE = DomainCheck(
    "not (a == 0.0 and b < 0.0)", ZeroDivisionDomainError, "0 to a negative power is 1/0"
)

# fmt: off
ADD = _op("+", "a + b", ("1.0", "1.0"), ("d(a+b)/da = 1", "d(a+b)/db = 1"))
SUB = _op("-", "a - b", ("1.0", "-1.0"), ("d(a-b)/da = 1", "d(a-b)/db = -1"))
MUL = _op("*", "a * b", ("b", "a"), ("d(a*b)/da = b", "d(a*b)/db = a"))
DIV = _op("/", "a / b", ("1.0 / b", "-out / b"),
          ("d(a/b)/da = 1/b", "d(a/b)/db = -a/b^2"), (_NONZERO_DIVISOR,))
NEG = _op("neg", "-a", ("-1.0",), ("d(-a)/da = -1",))
POW = _op("**", "a ** b", ("power_slope(a, b)", "exponent_slope(a, out)"),
          ("d(a^b)/da = b*a^(b-1)", "d(a^b)/db = a^b*ln(a)"), (_REAL_POWER, _ZERO_TO_NEGATIVE))
RELU = _op("ReLU", "0.0 if a < 0.0 else a", ("1.0 if out > 0.0 else 0.0",),
           ("d relu(a)/da = 1 if a > 0 else 0",))
TANH = _op("tanh", "tanh(a)", ("1.0 - out * out",), ("d tanh(a)/da = 1 - tanh(a)^2",))
SIGMOID = _op("sigmoid", "sigmoid(a)", ("out * (1.0 - out)",),
              ("d sigmoid(a)/da = sigmoid(a)*(1 - sigmoid(a))",))
EXP = _op("exp", "exp(a)", ("out",), ("d exp(a)/da = exp(a)",))
LOG = _op("log", "log(a)", ("1.0 / a",), ("d ln(a)/da = 1/a",), (_POSITIVE_LOG,))
ABS = _op("abs", "abs(a)", ("sign(a)",), ("d|a|/da = sign(a)",))
# fmt: on

# The fused neuron: out = b + w_1*x_1 + ... + w_n*x_n, summed left to right from the bias (as
# micrograd's `sum(..., self.b)`), so it gives the same floats as the 2n binary nodes it replaces.
# Inputs are ordered (w_1..w_n, x_1..x_n[, b]); locals (x_1..x_n, w_1..w_n[, 1]).
AFFINE = Op(
    "affine",
    VARIADIC,
    "b + sum(w_i * x_i)",
    ("x_i", "w_i", "1.0"),
    ("d(b + w.x)/dw_i = x_i, d/dx_i = w_i, d/db = 1",),
)

# A node built with micrograd's `Value(data, _children, _op)`: inputs known, derivatives not.
OPAQUE = Op(
    "?",
    VARIADIC,
    "unknown",
    (),
    ("unknown: built with Value(data, _children, _op), which records no local derivative",),
)

OPS: dict[str, Op] = {
    op.name: op for op in (ADD, SUB, MUL, DIV, NEG, POW, RELU, TANH, SIGMOID, EXP, LOG, ABS)
}


def exponent_name(n: float) -> str:
    """`2` for 2.0, `0.5` for 0.5: micrograd names the node `**2`."""
    return str(int(n)) if n == int(n) and abs(n) < 1e15 else repr(n)


def pow_const(n: float) -> Op:
    """The op `a ** n` for a constant exponent n (micrograd's `**2`), one shared Op per n."""
    return _pow_const(float(n))


@functools.lru_cache(maxsize=256)
def _pow_const(n: float) -> Op:
    if not math.isfinite(n):
        raise DomainError(f"**: the exponent must be finite; got {n!r}")
    name = exponent_name(n)
    checks: list[DomainCheck] = []
    if n != math.floor(n):
        checks.append(
            DomainCheck(
                "not a < 0.0",
                DomainError,
                f"a negative base to the fractional power {name} is not a real number",
            )
        )
    if n < 0.0:
        checks.append(
            DomainCheck("a != 0.0", ZeroDivisionDomainError, f"0 to the power {name} is 1/0")
        )
    exponent = repr(float(n))
    return Op(
        f"**{name}",
        1,
        f"a ** {exponent}",
        (f"power_slope(a, {exponent})",),
        (f"d(a^{name})/da = {name}*a^{exponent_name(n - 1.0)}",),
        tuple(checks),
        (float(n),),
    )
