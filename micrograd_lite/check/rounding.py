"""How far can a computed number be from the exact one: a first-order bound on its rounding.

Each op rounds its result to the nearest float, within half an ulp, and a math function (exp,
tanh, ...) within one ulp; so the computed value of node v carries an error of at most
|v| * 2^-52 of its own. Propagated to the root r of the graph by the chain rule, to first order:

    |computed r - exact r| <= 2^-52 * sum over the interior nodes v of |dr/dv| * |v|

The derivatives dr/dv come from one reverse pass over r's graph (so this costs one backward).
The sum grows with the size of the graph and, through |dr/dv|, with cancellation: where two
large terms nearly cancel, each term's rounding counts at its own size, not the difference's.
Leaves (inputs and constants) are taken as exact: they are the numbers the function is of.

Below the normal range the rounding is absolute, not relative, and the model does not hold: a
node whose value is subnormal, or is 0 although no input is 0 and it scales them (a local
derivative other than 0 or +-1: a product, not a sum), has underflowed, and so has every 0 or
subnormal computed from it. Such a number is reported as `underflowed`, never taken for an
exact 0 (checking is then inconclusive).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.value import Value

ULP = 2.0**-52  # one unit in the last place, relative: covers an op (1/2) and libm (<= 1)
SMALLEST_NORMAL = sys.float_info.min


# The sums below span every magnitude a float has and more (a sensitivity of 1e300 times a
# node of 1e100; a bound of 1e-323 that must not round to 0): each is kept as a float mantissa
# and an int exponent, as math.frexp gives them, so it neither overflows nor underflows.
Wide = tuple[float, int]
_ZERO: Wide = (0.0, 0)


def _wide(x: float) -> Wide:
    return math.frexp(x)


def _times(a: Wide, b: Wide) -> Wide:
    m, e = math.frexp(a[0] * b[0])
    return (m, a[1] + b[1] + e)


def _plus(a: Wide, b: Wide) -> Wide:
    if a[0] == 0.0:
        return b
    if b[0] == 0.0:
        return a
    if a[1] < b[1]:
        a, b = b, a
    shift = b[1] - a[1]
    if shift < -80:  # below the last bit of a: nothing to add
        return a
    m, e = math.frexp(a[0] + math.ldexp(b[0], shift))
    return (m, a[1] + e)


def _to_float(a: Wide) -> float:
    try:
        return math.ldexp(*a)
    except OverflowError:
        return math.inf


@dataclass(frozen=True)
class Rounding:
    """A computed number's rounding: the first-order bound on |computed - exact|, and whether
    it `underflowed`: it is 0 or subnormal because some product below it fell out of the
    normal range, so the model does not hold and an exact 0 cannot be told from a lost one."""

    total: Wide  # sum of |d root/d v| * |v| over the interior nodes v (the bound / ULP)
    underflowed: bool

    @property
    def bound(self) -> float:
        """The bound itself, 2^-52 * total (it may underflow for a root near 1e-308)."""
        return self.over(1.0)

    def over(self, scale: float) -> float:
        """`bound / scale` without overflow or underflow on the way: the bound relative to a
        number, or divided by a finite-difference step."""
        if self.total[0] == 0.0:
            return 0.0
        m, e = math.frexp(scale)
        return _to_float(_times(self.total, (ULP / m, -e)))


def rounding(root: Value) -> Rounding:
    """The rounding of `root.data` (see the module docstring). `.grad` fields are left alone."""
    order = topo_order(root)
    lost: dict[Value, bool] = {}
    for node in order:  # inputs first: a lost tiny number makes a 0 or subnormal above it lost
        if not node.is_leaf and abs(node.data) < SMALLEST_NORMAL:
            lost[node] = _underflows(node) or any(lost.get(p, False) for p in node.inputs)
    sensitivity: dict[Value, Wide] = {root: _wide(1.0)}
    total = _ZERO
    for node in reversed(order):
        s = sensitivity.get(node, _ZERO)
        if node.is_leaf or s[0] == 0.0:
            continue
        if abs(node.data) < SMALLEST_NORMAL and _underflows(node):
            # off by up to 2^-1074 absolute, not |v| * 2^-52: counted as that much
            total = _plus(total, _times(s, (0.5, -1074 + 53)))
        total = _plus(total, _times(s, _wide(abs(node.data))))
        for parent, local in zip(node.inputs, node.local_grads, strict=True):
            sensitivity[parent] = _plus(
                sensitivity.get(parent, _ZERO), _times(s, _wide(abs(local)))
            )
    return Rounding(total, lost.get(root, False))


def rounding_bound(root: Value) -> float:
    """`rounding(root).bound`: the bound on |computed - exact| as a float."""
    return rounding(root).bound


def _underflows(node: Value) -> bool:
    """Did this node's own op leave the normal range (not an input's)?"""
    if node.data != 0.0:
        return True  # subnormal: rounded to a multiple of 2^-1074
    scales = any(abs(d) != 1.0 and d != 0.0 for d in node.local_grads)
    return scales and all(p.data != 0.0 for p in node.inputs)  # a product of nonzeros gave 0


def is_normal(x: float) -> bool:
    """A finite float that is 0 or at least the smallest normal: the model's rounding holds
    (subnormals lose relative precision; inf and nan are no numbers to compare)."""
    return x == 0.0 or SMALLEST_NORMAL <= abs(x) < float("inf")
