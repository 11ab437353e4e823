"""THE table: every primitive's forward rule, local derivatives and metadata, written once.

    op            forward                       d out/da                  d out/db
    a + b         a + b                         1                         1
    a - b         a - b                         1                         -1
    a * b         a * b                         b                         a
    a / b         a / b                         1/b                       -out/b
    neg           -a                            -1
    a ** n        a ** n   (n a number)         n * a**(n-1)
    a ** b        a ** b   (b a Value)          b * a**(b-1)              out * ln(a)
    relu          max(0, a)                     1 if a > 0 else 0
    leaky_relu    a if a >= 0 else slope * a    1 if a > 0 else slope
    tanh          tanh(a)                       1 - out^2
    sigmoid       1 / (1 + e^-a)                out * (1 - out)
    softplus      ln(1 + e^a)                   sigmoid(a)
    exp           e^a                           out
    log           ln(a)                         1/a
    sqrt          sqrt(a)                       1 / (2 out)
    sin, cos      sin(a), cos(a)                cos(a), -sin(a)
    abs           |a|                           sign(a)
    affine        b + sum(w_i * x_i)            d/dw_i = x_i, d/dx_i = w_i, d/db = 1

Domains: `/` and `0 ** negative` raise ZeroDivisionError; `log(a <= 0)`, `sqrt(a < 0)` and a
negative base to a fractional power raise ValueError; a result too large for a float raises
OverflowError. NaN and inf inputs follow IEEE rules and pass through (`detect_anomaly` catches
them). Every rule is in the rule language of `rules.py`, so it runs on floats, numpy arrays,
compiled code and Values alike. Adding an op is one `register(Op(...))` here (or anywhere).
"""

from __future__ import annotations

import dataclasses

from micrograd_lite.errors import DomainError, ZeroDivisionDomainError
from micrograd_lite.ops.op import VARIADIC, DomainCheck, Op
from micrograd_lite.ops.registry import register

_NONZERO_DIVISOR = DomainCheck(
    "b != 0.0", ZeroDivisionDomainError, "division by zero (the divisor b is 0)"
)
_POSITIVE = DomainCheck(
    "not a <= 0.0", DomainError, "log(a) is defined only for a > 0 (use a small offset)"
)
_NOT_NEGATIVE = DomainCheck("not a < 0.0", DomainError, "sqrt(a) is defined only for a >= 0")
_REAL_POWER = DomainCheck(
    "not (a < 0.0 and b != floor(b))",
    DomainError,
    "a negative base to a fractional power is not a real number",
)
_ZERO_TO_NEGATIVE = DomainCheck(
    "not (a == 0.0 and b < 0.0)", ZeroDivisionDomainError, "0 to a negative power is 1/0"
)
_REAL_POWER_N = DomainCheck(
    "not (a < 0.0 and n != floor(n))",
    DomainError,
    "a negative base to the fractional power {n} is not a real number",
)
_ZERO_TO_NEGATIVE_N = DomainCheck(
    "not (a == 0.0 and n < 0.0)", ZeroDivisionDomainError, "0 to the power {n} is 1/0"
)
_KINK_AT_ZERO = ((0, 0.0),)

# fmt: off
ADD = (Op("+", 2, "a + b", ("1.0", "1.0"), ("d(a+b)/da = 1", "d(a+b)/db = 1")))
SUB = (Op("-", 2, "a - b", ("1.0", "-1.0"), ("d(a-b)/da = 1", "d(a-b)/db = -1")))
MUL = (Op("*", 2, "a * b", ("b", "a"), ("d(a*b)/da = b", "d(a*b)/db = a")))
DIV = (Op("/", 2, "a / b", ("1.0 / b", "-out / b"),
                  ("d(a/b)/da = 1/b", "d(a/b)/db = -a/b^2"), (_NONZERO_DIVISOR,)))
NEG = (Op("neg", 1, "-a", ("-1.0",), ("d(-a)/da = -1",)))
# d/da at b == 0 is written b * out / a (= b * a^(b-1), without a^-1's overflow at tiny a), not
# a constant 0: run on Values, its derivative in b is the Hessian's d2/da db = 1/a
POW = (Op("**", 2, "a ** b",
                  ("where(b == 0.0, where(a == 0.0, 0.0, b * out / a), b * a ** (b - 1.0))",
                   "where(a > 0.0, out * log(a), where(a == 0.0, 0.0, nan))"),
                  ("d(a^b)/da = b*a^(b-1)", "d(a^b)/db = a^b*ln(a)"),
                  (_REAL_POWER, _ZERO_TO_NEGATIVE)))
POW_CONST = (Op("**{n}", 1, "a ** n", ("where(n == 0.0, 0.0, n * a ** (n - 1.0))",),
                        ("d(a^{n})/da = {n}*a^{n-1}",), (_REAL_POWER_N, _ZERO_TO_NEGATIVE_N),
                        params=(("n", None),)))
RELU = (Op("ReLU", 1, "where(a < 0.0, 0.0, a)", ("where(out > 0.0, 1.0, 0.0)",),
                   ("d relu(a)/da = 1 if a > 0 else 0",), function="relu", activation=True,
                   kinks=_KINK_AT_ZERO))
LEAKY_RELU = (Op("leaky_relu({slope})", 1, "where(a < 0.0, slope * a, a)",
                         ("where(a > 0.0, 1.0, slope)",),
                         ("d leaky_relu(a)/da = 1 if a > 0 else {slope}",),
                         function="leaky_relu", activation=True, kinks=_KINK_AT_ZERO,
                         params=(("slope", 0.01),)))
TANH = (Op("tanh", 1, "tanh(a)", ("1.0 - out * out",),
                   ("d tanh(a)/da = 1 - tanh(a)^2",), function="tanh", activation=True))
SIGMOID = (Op("sigmoid", 1,
                      # the form that cannot overflow for either sign of a
                      "where(a >= 0.0, 1.0 / (1.0 + exp(-a)), exp(a) / (1.0 + exp(a)))",
                      ("out * (1.0 - out)",), ("d sigmoid(a)/da = sigmoid(a)*(1 - sigmoid(a))",),
                      function="sigmoid", activation=True))
SOFTPLUS = (Op("softplus", 1,
                       # ln(1 + e^a) exactly, without overflow: a + ln(1 + e^-a) for a > 0
                       "where(a > 0.0, a + log1p(exp(-a)), log1p(exp(a)))",
                       ("sigmoid(a)",), ("d softplus(a)/da = sigmoid(a)",),
                       function="softplus", activation=True))
EXP = (Op("exp", 1, "exp(a)", ("out",), ("d exp(a)/da = exp(a)",), function="exp"))
LOG = (Op("log", 1, "log(a)", ("1.0 / a",), ("d ln(a)/da = 1/a",), (_POSITIVE,),
                  function="log"))
SQRT = (Op("sqrt", 1, "sqrt(a)", ("0.5 / out",), ("d sqrt(a)/da = 1/(2 sqrt(a))",),
                   (_NOT_NEGATIVE,), function="sqrt"))
SIN = (Op("sin", 1, "sin(a)", ("cos(a)",), ("d sin(a)/da = cos(a)",), function="sin"))
COS = (Op("cos", 1, "cos(a)", ("-sin(a)",), ("d cos(a)/da = -sin(a)",), function="cos"))
ABS = (Op("abs", 1, "abs(a)",
                  ("where(a > 0.0, 1.0, where(a < 0.0, -1.0, where(a == 0.0, 0.0, nan)))",),
                  ("d|a|/da = sign(a)",), function="abs", kinks=_KINK_AT_ZERO))
# fmt: on
register(
    ADD,
    SUB,
    MUL,
    DIV,
    NEG,
    POW,
    POW_CONST,
    RELU,
    LEAKY_RELU,
    TANH,
    SIGMOID,
    SOFTPLUS,
    EXP,
    LOG,
    SQRT,
    SIN,
    COS,
    ABS,
)

# The fused neuron: out = b + w_1*x_1 + ... + w_n*x_n, summed left to right from the bias (as
# micrograd's `sum(..., self.b)`), so it gives the same floats as the 2n binary nodes it replaces.
# Its rules are prose (a loop over its inputs is not an expression); `fused.py` carries them out.
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


_opaque_ops: dict[str, Op] = {}


def opaque(name: object) -> Op:
    """The rule of a node built with `Value(data, _children, _op)`: OPAQUE named `_op` (one
    shared Op per name: a micrograd-style loop makes many such nodes)."""
    text = name if isinstance(name, str) else str(name)
    op = _opaque_ops.get(text)
    if op is None:
        op = _opaque_ops[text] = dataclasses.replace(OPAQUE, name=text)
    return op


_pow_ops: dict[float, Op] = {}


def pow_const(n: float) -> Op:
    """The op `a ** n` for a constant exponent n (micrograd's `**2`), one shared Op per n."""
    op = _pow_ops.get(n)  # `x ** 2` in a loop: one dict lookup (bind() does more)
    if op is None:
        op = POW_CONST.bind(n)
        _pow_ops[float(n)] = op
    return op
