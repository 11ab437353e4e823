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
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from micrograd_lite.errors import ExpressionError, MicrogradLiteError, describe
from micrograd_lite.value import Value, as_float


def _error(text: str, reason: str, start: int, end: int) -> ExpressionError:
    """An ExpressionError quoting `text` with carets under text[start:end]."""
    return ExpressionError(_point(text, reason, start, end), reason, (start, end))


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
                f"no value for {_names(missing)} in {self.text!r} "
                f"(the expression uses {_names(self.variables)})"
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
                f"({_names(self.variables)}), got {len(args)}"
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
        raise _error(text, err.reason, start + indent, end + indent) from None
    if indent:
        program = tuple(
            replace(step, start=step.start + indent, end=step.end + indent) for step in program
        )
    return Expression(text, variables, program)


def _compile(text: str) -> tuple[tuple[str, ...], tuple[Step, ...]]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        # offset: 1-based characters on line `lineno`; 0 or None means "at the end of input"
        try:
            start = _line_start(text, err.lineno or 1) + (err.offset or 0) - 1
        except ValueError:  # a line number past the text: point at its end
            start = len(text)
        start = len(text) if not err.offset else min(max(start, 0), len(text))
        raise _error(text, err.msg, start, start + 1) from None
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
        start, end = _span(text, node)
        if expanded:
            program.append(_step(node, start, end))
            continue
        children = _children(text, node, start, end)
        if isinstance(node, ast.Name):
            variables.setdefault(node.id, None)
        work.append((node, True))
        work.extend((child, False) for child in reversed(children))
    return tuple(variables), tuple(program)


def split_top_level(text: str) -> Iterator[tuple[str, int]]:
    """The comma-separated parts of `text` outside parentheses, each with its start column.

    >>> list(split_top_level("y + 1, tanh(x)"))
    [('y + 1', 0), (' tanh(x)', 6)]
    """
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            yield text[start:i], start
            start = i + 1
    yield text[start:], start


def parse_list(text: str) -> tuple[Expression, ...]:
    """Parse comma-separated expressions (e.g. one hand-derived gradient per variable); an error
    in one part points at its column in the whole `text`."""
    parsed: list[Expression] = []
    for part, offset in split_top_level(text):
        try:
            parsed.append(parse(part))
        except ExpressionError as err:
            if err.span is None:
                raise ExpressionError(f"{err.reason} in {text!r}", err.reason) from None
            start, end = err.span
            raise _error(text, err.reason, offset + start, offset + end) from None
    return tuple(parsed)


# -- checking one node ---------------------------------------------------------------------------


def _children(text: str, node: ast.AST, start: int, end: int) -> list[ast.AST]:
    """The sub-expressions of an allowed node; raises ExpressionError for anything else."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _error(text, f"{_kind(value)} is not a number", start, end)
        try:
            float(value)
        except OverflowError:
            raise _error(text, "number too large for a float", start, end) from None
        return []
    if isinstance(node, ast.Name):
        if node.id in _FUNCTIONS:
            reason = f"{node.id} is a function: call it, as in {node.id}(x)"
            raise _error(text, reason, start, end)
        return []
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            symbol, hint = _REFUSED_BINARY.get(type(node.op), (type(node.op).__name__, ""))
            at = _operator_column(text, node, symbol)
            where = (at, at + len(symbol)) if at is not None else (start, end)
            reason = f"operator {symbol!r} is not allowed (allowed: {_ALLOWED_OPERATORS}){hint}"
            raise _error(text, reason, *where)
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            reason = f"unary {symbol!r} is not allowed (only - and + are)"
            raise _error(text, reason, start, start + len(symbol))
        return [node.operand]
    if isinstance(node, ast.Call):
        return _call_children(text, node, start, end)
    reason = (
        f"{_syntax_name(node)} is not allowed (use numbers, variables, "
        f"{_ALLOWED_OPERATORS}, and {', '.join(FUNCTIONS)})"
    )
    raise _error(text, reason, start, end)


def _call_children(text: str, node: ast.Call, start: int, end: int) -> list[ast.AST]:
    func = node.func
    fstart, fend = _span(text, func)
    if not isinstance(func, ast.Name):
        raise _error(text, "only named functions can be called", fstart, fend)
    if func.id not in _FUNCTIONS:
        reason = f"unknown function {func.id!r} (allowed: {', '.join(FUNCTIONS)})"
        raise _error(text, reason, fstart, fend)
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        reason = f"{func.id} takes exactly one argument, as in {func.id}(x)"
        raise _error(text, reason, start, end)
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


# -- locating and pointing -----------------------------------------------------------------------


def _line_start(text: str, lineno: int) -> int:
    """Character index where line `lineno` (1-based) starts."""
    index = 0
    for _ in range(lineno - 1):
        index = text.index("\n", index) + 1
    return index


def _offset(text: str, lineno: int, byte_col: int = 0) -> int:
    """Character index in `text` of a (line, UTF-8 byte column) position from `ast`."""
    line_start = _line_start(text, max(lineno, 1))
    line_end = text.find("\n", line_start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    # ast counts columns in UTF-8 bytes: 'θ' is one character but two bytes
    return line_start + len(line.encode()[:byte_col].decode(errors="ignore"))


def _span(text: str, node: ast.AST) -> tuple[int, int]:
    """Character positions [start, end) of an expression node (ast gives lines, byte columns)."""
    lineno: int = getattr(node, "lineno", 1)
    start = _offset(text, lineno, getattr(node, "col_offset", 0))
    end_col: int | None = getattr(node, "end_col_offset", None)
    if end_col is None:
        return start, start + 1
    end_line: int = getattr(node, "end_lineno", None) or lineno
    return start, max(_offset(text, end_line, end_col), start + 1)


def _operator_column(text: str, node: ast.BinOp, symbol: str) -> int | None:
    """Where the operator of `left OP right` sits (ast records no position for it)."""
    _, left_end = _span(text, node.left)
    right_start, _ = _span(text, node.right)
    at = text.find(symbol, left_end, right_start)
    return at if at >= 0 else None


def _point(text: str, message: str, start: int, end: int) -> str:
    """`column N: message`, then the expression's line with carets under text[start:end]."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    col = start - line_start
    width = max(1, min(end, line_start + len(line)) - start)
    return f"column {col + 1}: {message}\n  {line}\n  {' ' * col}{'^' * width}"


def _syntax_name(node: ast.AST) -> str:
    names = {
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.Attribute: "attribute access",
        ast.Subscript: "indexing",
        ast.Lambda: "lambda",
        ast.IfExp: "'if ... else'",
        ast.NamedExpr: "':='",
        ast.Tuple: "a tuple (one expression only; commas separate formulas only in --expect)",
        ast.List: "a list",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.JoinedStr: "an f-string",
    }
    return names.get(type(node), f"{type(node).__name__} syntax")


def _kind(value: object) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, complex):
        return f"the complex number {value!r}"
    return describe(value)


def _names(names: Iterable[str]) -> str:
    items = list(names)
    return ", ".join(items) if items else "no variables"


def parse_point(text: str) -> dict[str, float]:
    """`"x=0.3, y=-1.2"` as `{'x': 0.3, 'y': -1.2}`, in the order given (the command line's --at).

    >>> parse_point("x=0.3, y=-1.2")
    {'x': 0.3, 'y': -1.2}
    """
    point: dict[str, float] = {}
    if not text.strip():
        return point
    for part, offset in split_top_level(text):
        name, eq, number = part.partition("=")
        name, number = name.strip(), number.strip()
        at = offset + len(part) - len(part.lstrip())
        if not eq or not name.isidentifier():
            reason = f"expected name=number, as in x=0.3, got {part.strip()!r}"
            raise _error(text, reason, at, offset + max(len(part.rstrip()), 1))
        if name in point:
            raise _error(text, f"{name} is given twice", at, at + len(name))
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            reason = f"the value of {name} must be a finite number, got {number!r}"
            raise _error(text, reason, at, offset + len(part.rstrip()))
        point[name] = value
    return point


def check_point(expression: Expression, point: Mapping[str, object]) -> None:
    """Refuse a point that misses one of the expression's variables or names one it lacks."""
    unknown = [name for name in point if name not in expression.variables]
    if unknown:
        raise ExpressionError(
            f"{_names(unknown)} {'is' if len(unknown) == 1 else 'are'} not in "
            f"{expression.text!r} (its variables: {_names(expression.variables)})"
        )
    missing = [name for name in expression.variables if name not in point]
    if missing:
        raise ExpressionError(
            f"no value for {_names(missing)}: give every variable of {expression.text!r}, "
            f"as in --at {','.join(f'{n}=0.5' for n in expression.variables)}"
        )
