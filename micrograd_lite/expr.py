"""Safe expressions: `"x*y + tanh(x)"` parsed with `ast` into Values, never `eval`-ed.

The grammar is a whitelist, checked node by node before anything is computed:

    numbers         2, 0.5, 1e-3                     (folded to floats: constants, not inputs)
    variables       x, w_ih, θ                       (each becomes a leaf Value labelled by name)
    binary          a + b, a - b, a * b, a / b, a ** b
    unary           -a, +a
    constants       pi, e
    functions       every function of the op table   tanh(x), sqrt(x), softplus(x), ...
                    (its parameters after the input) leaky_relu(x, 0.2)

`a ** b` with a constant exponent is the one-input node `**n` (d(a^n)/da = n*a^(n-1)); with a
variable exponent it is the two-input node `**` (d(a^b)/db = a^b*ln(a)). Anything else (calls of
other functions, attributes, subscripts, comparisons, `//`, `^`, strings, ...) is refused with an
`ExpressionError` that quotes the expression and puts a caret under the offending part:

    >>> e = parse("x*y + tanh(x)")
    >>> e.variables
    ('x', 'y')
    >>> import math
    >>> e.evaluate({"x": 0.5, "y": 2.0}).data == 0.5 * 2.0 + math.tanh(0.5)
    True
    >>> try:
    ...     parse("x % 2")
    ... except ExpressionError as err:
    ...     print(err)
    column 3: operator '%' is not allowed (allowed: + - * / **)
      x % 2
        ^
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, replace

from micrograd_lite import ops
from micrograd_lite.errors import ExpressionError, MicrogradLiteError, describe
from micrograd_lite.expr_errors import (
    error_at,
    name_list,
    span,
    syntax_error,
)
from micrograd_lite.expr_grammar import BINARY, functions, node_children
from micrograd_lite.value import Value, apply, as_float


@dataclass(frozen=True)
class Step:
    """One instruction of a compiled expression, run on a stack of operands.

    `kind` is 'const' (push `arg`, a float), 'var' (push the variable named `arg`), 'unary'
    ('neg' or 'pos'), 'binary' ('+', '-', '*', '/', '**') or 'call' (a function of the op
    table, with `count` arguments). `start`, `end` locate the source text (character columns,
    0-based) for error messages.
    """

    kind: str
    arg: str | float
    start: int
    end: int
    count: int = 1


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its variables (in order of first use) and its program."""

    text: str
    variables: tuple[str, ...]
    program: tuple[Step, ...]

    def evaluate(self, values: Mapping[str, Value | float]) -> Value:
        """Build the graph at `values` (a float becomes a leaf Value labelled by its name; a Value
        is used as given). Names not used by the expression are ignored.

        An op that fails at these values (log of a negative, division by zero) raises its usual
        error (DomainError, ...) with the failing part of the expression appended.
        """
        missing = [name for name in self.variables if name not in values]
        if missing:
            raise ExpressionError(
                f"no value for {name_list(missing)} in {self.text!r} "
                f"(the expression uses {name_list(self.variables)})"
            )
        leaves: dict[str, Value] = {}
        for name in self.variables:
            v = values[name]
            leaves[name] = v if isinstance(v, Value) else Value(as_float(v, name), label=name)
        stack: list[Value | float] = []
        for step in self.program:
            try:
                _run(step, stack, leaves)
            except MicrogradLiteError as err:
                part = self.text[step.start : step.end]
                raise type(err)(f"{err} (in `{part}`, column {step.start + 1})") from None
        result = stack.pop()
        assert not stack, "a checked program leaves exactly one operand"
        return result if isinstance(result, Value) else Value(result)

    def __call__(self, *args: Value | float) -> Value:
        """Evaluate with one value per variable, in the order of `variables`."""
        if len(args) != len(self.variables):
            raise ExpressionError(
                f"{self.text!r} takes {len(self.variables)} values "
                f"({name_list(self.variables)}), got {len(args)}"
            )
        return self.evaluate(dict(zip(self.variables, args, strict=True)))


def _run(step: Step, stack: list[Value | float], leaves: Mapping[str, Value]) -> None:
    if step.kind == "const":
        stack.append(float(step.arg))
    elif step.kind == "var":
        stack.append(leaves[str(step.arg)])
    elif step.kind == "unary":
        a = stack.pop()
        stack.append(-a if step.arg == "neg" else a)
    elif step.kind == "binary":
        b, a = stack.pop(), stack.pop()
        stack.append(_fold(str(step.arg), a, b))
    else:
        args = [stack.pop() for _ in range(step.count)][::-1]
        op = ops.by_function(str(step.arg))
        if op is None:  # unregistered since parsing
            raise ExpressionError(
                f"unknown function {step.arg!r} (allowed: {', '.join(functions())})"
            )
        inputs, params = args[: op.arity], [p for p in args[op.arity :] if type(p) is float]
        if len(params) != len(args) - op.arity:
            raise ExpressionError(f"{step.arg}: its parameters must be numbers, not variables")
        if params or op.params:
            op = op.bind(*params)
        # constant arguments are folded like any constant: through Values, for the same errors
        result = apply(op, *[x if isinstance(x, Value) else Value(x) for x in inputs])
        stack.append(result if any(isinstance(x, Value) for x in inputs) else result.data)


def _fold(symbol: str, a: Value | float, b: Value | float) -> Value | float:
    """`a op b`; two constants fold to a float (computed by the engine, for the same errors),
    so `x ** -1` keeps a number as exponent: the node `**-1`, not `**` with a constant input."""
    apply = _BINARY_BY_SYMBOL[symbol]
    if isinstance(a, Value) or isinstance(b, Value):
        out = apply(a, b)
        assert isinstance(out, Value)
        return out
    out = apply(Value(a), b)
    assert isinstance(out, Value)
    return out.data


_BINARY_BY_SYMBOL = {symbol: fn for symbol, fn in BINARY.values()}


def parse(text: str) -> Expression:
    """Check `text` against the whitelist and compile it; raise ExpressionError pointing at the
    first offending part."""
    if not isinstance(text, str):
        raise ExpressionError(f"parse: expected an expression string, got {describe(text)}")
    if not text.strip():
        raise ExpressionError("empty expression: write a formula such as 'x*y + tanh(x)'")
    # Python reads leading blanks as an indent: compile without them, report columns with them
    indent = len(text) - len(text.lstrip())
    try:
        variables, program = _compile(text[indent:])
    except ExpressionError as err:
        if not indent or err.span is None:
            raise
        start, end = err.span
        raise error_at(text, err.reason, start + indent, end + indent) from None
    if indent:
        program = tuple(
            replace(step, start=step.start + indent, end=step.end + indent) for step in program
        )
    return Expression(text, variables, program)


def _compile(text: str) -> tuple[tuple[str, ...], tuple[Step, ...]]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise syntax_error(text, err) from None
    except (RecursionError, MemoryError):  # CPython's parser gives up near 200 nesting levels
        raise ExpressionError(
            f"expression too deeply nested to parse ({len(text)} characters); split it up"
        ) from None
    program: list[Step] = []
    variables: dict[str, None] = {}  # insertion-ordered set
    # iterative post-order walk: a long sum `x + x + ... + x` nests one level per term
    work: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    while work:
        node, expanded = work.pop()
        start, end = span(text, node)
        if expanded:
            program.append(_step(node, start, end))
            continue
        children = node_children(text, node, start, end)
        if isinstance(node, ast.Name) and node.id not in ops.CONSTANTS:
            variables.setdefault(node.id, None)
        work.append((node, True))
        work.extend((child, False) for child in reversed(children))
    return tuple(variables), tuple(program)


def _step(node: ast.AST, start: int, end: int) -> Step:
    if isinstance(node, ast.Constant):
        value = node.value
        assert isinstance(value, int | float)  # _children refused everything else
        return Step("const", float(value), start, end)
    if isinstance(node, ast.Name):
        if node.id in ops.CONSTANTS:
            return Step("const", ops.CONSTANTS[node.id], start, end)
        return Step("var", node.id, start, end)
    if isinstance(node, ast.BinOp):
        return Step("binary", BINARY[type(node.op)][0], start, end)
    if isinstance(node, ast.UnaryOp):
        return Step("unary", "neg" if isinstance(node.op, ast.USub) else "pos", start, end)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return Step("call", node.func.id, start, end, len(node.args))
