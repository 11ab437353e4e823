"""dialect: a target the op table's rules are written out for, floats or numpy arrays.

The table's rules (`ops/`) are written once in the rule language, which the table renders
for each target (`Op.source(part, dialect)`): `where(c, x, y)` is Python's `x if c else y`
for floats and `numpy.where` for arrays. A `Dialect` here names that target, beside the
namespace the generated code runs in (the table's own, `ops.namespace(name)`, kept live) and
how its lines are written: `SCALAR` raises the eager path's domain errors before an op, and
`numpy_dialect()` follows IEEE rules without checks. The numpy dialect is made on first use,
because numpy is an optional dependency (extra `fast`).
"""

from __future__ import annotations

import builtins
import functools
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from micrograd_lite.ops import Op, namespace


# eq=False: a dialect hashes by identity, a cheap key for the per-op template caches
@dataclass(frozen=True, eq=False)
class Dialect:
    """How a `Program`'s lines are written and run for one target."""

    name: str  # the table's dialect of the forward rules: "scalar" or "numpy"
    namespace: Mapping[str, Any]  # what the generated lines call
    checks: bool  # a line per domain check before a checked op's line (`_check[i](...)`)
    augmented: bool  # `g += t` may add in place (not on arrays: one may go by two names)
    local: str = ""  # the table's dialect of the local-derivative rules, if not `name`
    # also return a sum over the steps that may raise, not finite where a sample may (`batch`)
    suspects: bool = False

    @property
    def local_name(self) -> str:
        return self.local or self.name

    def define(self, source: str, filename: str, extra: Mapping[str, Any] | None = None) -> Any:
        """The function `compiled` that `source` defines, run in a copy of the namespace
        (with the names in `extra` added: a program's captured Values)."""
        namespace = dict(self.namespace)
        namespace.update(extra or {})
        code = builtins.compile(source, filename, "exec")
        exec(code, namespace)  # our own generated text, built from the op table's expressions
        return namespace["compiled"]


# The scalar code raises a domain error as the eager path does, with its message: through
# `_check[i]`, the check function of the i-th op with checks that tracing met.
check_ids: dict[Op, int] = {}
_check_fns: list[Callable[..., None]] = []


def check_id(op: Op) -> int:
    if op not in check_ids:
        check_ids[op] = len(_check_fns)
        _check_fns.append(op.check)
    return check_ids[op]


SCALAR = Dialect(
    "scalar",
    ChainMap({"_check": _check_fns}, namespace("scalar")),
    checks=True,
    augmented=True,
)


# The scalar code again with IEEE's answers where Python raises (sqrt's slope at 0 is inf,
# sin(inf) is nan): what a compiled function runs instead, for one call, when the scalar code
# raised there and an eager run would not have (its errors are found first: replay.py).
IEEE = Dialect(
    "ieee",
    ChainMap({"_check": _check_fns}, namespace("ieee")),
    checks=True,
    augmented=True,
)


@functools.cache
def numpy_dialect() -> Dialect:
    """The numpy dialect (no domain checks: numpy follows IEEE rules), made on first use."""
    return Dialect(
        "numpy", ChainMap({}, namespace("numpy")), checks=False, augmented=False, suspects=True
    )
