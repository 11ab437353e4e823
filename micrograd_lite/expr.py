"""Safe expressions: `"x*y + tanh(x)"` parsed with `ast` into Values, never `eval`-ed.

The grammar is a whitelist, checked node by node before anything is computed:

    numbers         2, 0.5, 1e-3                     (folded to floats: constants, not inputs)
    variables       x, w_ih, θ                       (each becomes a leaf Value labelled by name)
    binary          a + b, a - b, a * b, a / b, a ** b
    unary           -a, +a
    functions       tanh relu sigmoid exp log abs    (one argument each)
                    sqrt(a) = a ** 0.5               (d sqrt(a)/da = 0.5 * a^-0.5)

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from micrograd_lite.errors import ExpressionError, MicrogradLiteError, describe
from micrograd_lite.expr_errors import (
    constant_name,
    error_at,
    name_list,
    operator_column,
    span,
    syntax_error,
    syntax_name,
)
from micrograd_lite.value import Value, as_float

# The whitelist. Each entry maps syntax to the Value op that implements it.
_BINARY: dict[type[ast.operator], tuple[str, Callable[[Value | float, Value | float], object]]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}
_REFUSED_BINARY: dict[type[ast.operator], tuple[str, str]] = {
    ast.FloorDiv: ("//", ""),
    ast.Mod: ("%", ""),
    ast.MatMult: ("@", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.BitOr: ("|", ""),
    ast.BitAnd: ("&", ""),
    ast.BitXor: ("^", "; '^' is bitwise xor in Python: write x**2 for a power"),
}
_FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "exp": Value.exp,
    "log": Value.log,
    "abs": Value.abs,
    "sqrt": lambda a: a**0.5,  # no primitive of its own: the node is `**0.5`
}
FUNCTIONS: tuple[str, ...] = tuple(_FUNCTIONS)
_ALLOWED_OPERATORS = "+ - * / **"


@dataclass(frozen=True)
class Step:
    """One instruction of a compiled expression, run on a stack of operands.

    `kind` is 'const' (push `arg`, a float), 'var' (push the variable named `arg`), 'unary'
    ('neg' or 'pos'), 'binary' ('+', '-', '*', '/', '**') or 'call' (a function name).
    `start`, `end` locate the source text (character columns, 0-based) for error messages.
    """

    kind: str
    arg: str | float
    start: int
    end: int


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
        a = stack.pop()
        # a constant argument is folded like any constant: through a Value, for the same errors
        result = _FUNCTIONS[str(step.arg)](a if isinstance(a, Value) else Value(a))
        stack.append(result if isinstance(a, Value) else result.data)


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


_BINARY_BY_SYMBOL = {symbol: fn for symbol, fn in _BINARY.values()}


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
        children = _children(text, node, start, end)
        if isinstance(node, ast.Name):
            variables.setdefault(node.id, None)
        work.append((node, True))
        work.extend((child, False) for child in reversed(children))
    return tuple(variables), tuple(program)


# -- checking one node ---------------------------------------------------------------------------


def _children(text: str, node: ast.AST, start: int, end: int) -> list[ast.AST]:
    """The sub-expressions of an allowed node; raises ExpressionError for anything else."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise error_at(text, f"{constant_name(value)} is not a number", start, end)
        try:
            float(value)
        except OverflowError:
            raise error_at(text, "number too large for a float", start, end) from None
        return []
    if isinstance(node, ast.Name):
        if node.id in _FUNCTIONS:
            reason = f"{node.id} is a function: call it, as in {node.id}(x)"
            raise error_at(text, reason, start, end)
        return []
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            symbol, hint = _REFUSED_BINARY.get(type(node.op), (type(node.op).__name__, ""))
            at = operator_column(text, node, symbol)
            where = (at, at + len(symbol)) if at is not None else (start, end)
            reason = f"operator {symbol!r} is not allowed (allowed: {_ALLOWED_OPERATORS}){hint}"
            raise error_at(text, reason, *where)
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            reason = f"unary {symbol!r} is not allowed (only - and + are)"
            raise error_at(text, reason, start, start + len(symbol))
        return [node.operand]
    if isinstance(node, ast.Call):
        return _call_children(text, node, start, end)
    reason = (
        f"{syntax_name(node)} is not allowed (use numbers, variables, "
        f"{_ALLOWED_OPERATORS}, and {', '.join(FUNCTIONS)})"
    )
    raise error_at(text, reason, start, end)


def _call_children(text: str, node: ast.Call, start: int, end: int) -> list[ast.AST]:
    func = node.func
    fstart, fend = span(text, func)
    if not isinstance(func, ast.Name):
        raise error_at(text, "only named functions can be called", fstart, fend)
    if func.id not in _FUNCTIONS:
        reason = f"unknown function {func.id!r} (allowed: {', '.join(FUNCTIONS)})"
        raise error_at(text, reason, fstart, fend)
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        reason = f"{func.id} takes exactly one argument, as in {func.id}(x)"
        raise error_at(text, reason, start, end)
    return [node.args[0]]


def _step(node: ast.AST, start: int, end: int) -> Step:
    if isinstance(node, ast.Constant):
        value = node.value
        assert isinstance(value, int | float)  # _children refused everything else
        return Step("const", float(value), start, end)
    if isinstance(node, ast.Name):
        return Step("var", node.id, start, end)
    if isinstance(node, ast.BinOp):
        return Step("binary", _BINARY[type(node.op)][0], start, end)
    if isinstance(node, ast.UnaryOp):
        return Step("unary", "neg" if isinstance(node.op, ast.USub) else "pos", start, end)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return Step("call", node.func.id, start, end)
