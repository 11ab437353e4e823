"""The op table: each primitive's math (forward rule, local derivatives) and metadata, once.

`table.py` holds the entries, `op.py` what an entry is, `rules.py` the language the rules are
written in (and how it runs on floats, arrays, compiled code and Values), `registry.py` the
live table and every list derived from it.
"""

from micrograd_lite.ops.op import INPUTS, VARIADIC, DomainCheck, Op, number_name
from micrograd_lite.ops.registry import (
    OPS,
    activations,
    by_function,
    function_names,
    functions,
    namespace,
    register,
    unregister,
)
from micrograd_lite.ops.rules import CONSTANTS, RuleError
from micrograd_lite.ops.table import (
    ABS,
    ADD,
    AFFINE,
    COS,
    DIV,
    EXP,
    LEAKY_RELU,
    LOG,
    MUL,
    NEG,
    OPAQUE,
    POW,
    POW_CONST,
    RELU,
    SIGMOID,
    SIN,
    SOFTPLUS,
    SQRT,
    SUB,
    TANH,
    pow_const,
)

__all__ = [
    "ABS",
    "ADD",
    "AFFINE",
    "CONSTANTS",
    "COS",
    "DIV",
    "EXP",
    "INPUTS",
    "LEAKY_RELU",
    "LOG",
    "MUL",
    "NEG",
    "OPAQUE",
    "OPS",
    "POW",
    "POW_CONST",
    "RELU",
    "SIGMOID",
    "SIN",
    "SOFTPLUS",
    "SQRT",
    "SUB",
    "TANH",
    "VARIADIC",
    "DomainCheck",
    "Op",
    "RuleError",
    "activations",
    "by_function",
    "function_names",
    "functions",
    "namespace",
    "number_name",
    "pow_const",
    "register",
    "unregister",
]
