"""The expression whitelist: what it builds, and where it points when it refuses."""

from __future__ import annotations

import math

import pytest

from micrograd_lite import DomainError, MicrogradLiteError, Value
from micrograd_lite.commands.points import check_point, parse_list, parse_point, split_top_level
from micrograd_lite.errors import ExpressionError
from micrograd_lite.expr import parse


def test_builds_the_graph_with_labelled_leaves() -> None:
    e = parse("x*y + tanh(x)")
    assert e.variables == ("x", "y")
    out = e.evaluate({"x": 0.3, "y": -1.2})
    assert out.data == 0.3 * -1.2 + math.tanh(0.3)
    assert out.op == "+"
    product, tanh = out.inputs
    x, y = product.inputs
    assert (x.label, y.label) == ("x", "y")
    assert tanh.inputs[0] is x  # one leaf per variable, shared by every use
    out.backward()
    assert x.grad == pytest.approx(-1.2 + 1 - math.tanh(0.3) ** 2, rel=1e-15)
    assert y.grad == 0.3


def test_variables_in_order_of_first_use() -> None:
    assert parse("b * a + c - a").variables == ("b", "a", "c")
    assert parse("θ ** 2").variables == ("θ",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("relu(x - 1)", max(0.0, 2.5 - 1)),
        ("sigmoid(x)", 1 / (1 + math.exp(-2.5))),
        ("exp(x) / x", math.exp(2.5) / 2.5),
        ("log(x)", math.log(2.5)),
        ("abs(1 - x)", 1.5),
        ("sqrt(x)", 2.5**0.5),
        ("-x + +x - -1", 1.0),
        ("2 ** x", 2.0**2.5),
        ("x ** -1", 0.4),
    ],
)
def test_every_function_and_operator(text: str, expected: float) -> None:
    assert parse(text).evaluate({"x": 2.5}).data == pytest.approx(expected, rel=1e-15)


def test_constant_exponent_is_the_one_input_power_node() -> None:
    x = Value(3.0, label="x")
    assert parse("x ** 2").evaluate({"x": x}).op == "**2"
    assert parse("x ** (1 - 3)").evaluate({"x": x}).op == "**-2"  # constants fold
    assert parse("x ** 0.5").evaluate({"x": x}).op == "**0.5"
    assert parse("sqrt(x)").evaluate({"x": x}).op == "sqrt"  # an op of its own in the table
    both = parse("x ** y").evaluate({"x": x, "y": 2.0})
    assert both.op == "**" and len(both.inputs) == 2


def test_call_takes_one_value_per_variable_in_order() -> None:
    e = parse("a - b")
    assert e(5.0, 2.0).data == 3.0
    with pytest.raises(ExpressionError, match=r"takes 2 values \(a, b\), got 1"):
        e(5.0)


@pytest.mark.parametrize(
    ("text", "message", "caret"),
    [
        ("x // 2", "column 3: operator '//' is not allowed", "  ^^"),
        ("x ^ 2", "'^' is bitwise xor in Python: write x**2", "  ^"),
        ("x + sinh(x)", "column 5: unknown function 'sinh'", "    ^^^^"),
        ("x.data", "column 1: attribute access is not allowed", "^^^^^^"),
        ("x < 1", "a comparison is not allowed", "^^^^^"),
        ("tanh + 1", "tanh is a function: call it", "^^^^"),
        ("tanh(x, y)", "tanh takes exactly one argument", "^^^^^^^^^^"),
        ("x * 'a'", "column 5: the string 'a' is not a number", "    ^^^"),
        ("x +* y", "column 4: invalid syntax", "   ^"),
        ("x + (y", "column 5: '(' was never closed", "    ^"),
        ("not x", "unary 'not' is not allowed", "^^^"),
        ("x[0]", "indexing is not allowed", "^^^^"),
        ("__import__('os')", "unknown function '__import__'", "^^^^^^^^^^"),
        ("  x % 2", "column 5: operator '%'", "    ^"),
        ("θ + 1j", "column 5: the complex number 1j is not a number", "    ^^"),
    ],
)
def test_refusals_point_at_the_offending_part(text: str, message: str, caret: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    first, line, pointer = str(info.value).split("\n")
    assert message in first
    assert line == "  " + text
    assert pointer == "  " + caret
    assert isinstance(info.value, ValueError) and isinstance(info.value, MicrogradLiteError)


def test_empty_and_non_string() -> None:
    with pytest.raises(ExpressionError, match="empty expression"):
        parse("   ")
    with pytest.raises(ExpressionError, match=r"got 3 \(type int\)"):
        parse(3)  # type: ignore[arg-type]


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(ExpressionError, match="too many nested parentheses"):
        parse("(" * 1000 + "x" + ")" * 1000)
    with pytest.raises(ExpressionError, match="too deeply nested"):  # CPython's parser limit
        parse(" + ".join(["x"] * 5000))


def test_long_flat_sum_compiles_without_recursion() -> None:
    e = parse(" + ".join(["x"] * 1500))  # a tree 1500 levels deep: past Python's recursion limit
    assert e.evaluate({"x": 0.5}).data == 750.0


def test_domain_error_names_the_failing_part() -> None:
    e = parse("x + log(x - 2)")
    with pytest.raises(DomainError, match=r"log: .*got a = -1.0 \(in `log\(x - 2\)`, column 5\)"):
        e.evaluate({"x": 1.0})
    with pytest.raises(ZeroDivisionError, match="column 1"):
        parse("1 / (x - x)").evaluate({"x": 1.0})


def test_missing_variable() -> None:
    with pytest.raises(ExpressionError, match="no value for y"):
        parse("x * y").evaluate({"x": 1.0})


def test_split_and_parse_list_keep_columns() -> None:
    assert list(split_top_level("a, tanh(b), c")) == [("a", 0), (" tanh(b)", 2), (" c", 11)]
    first, second = parse_list("y + 1 - tanh(x)**2, x")
    assert first.variables == ("y", "x") and second.variables == ("x",)
    with pytest.raises(ExpressionError) as info:
        parse_list("y + 1, cosh(x)")
    assert str(info.value).split("\n") == [
        "column 8: unknown function 'cosh' (allowed: "
        "relu, leaky_relu, tanh, sigmoid, softplus, exp, log, sqrt, sin, cos, abs)",
        "  y + 1, cosh(x)",
        "         ^^^^",
    ]


def test_parse_point() -> None:
    assert parse_point(" x = 0.3 , y=-1.2e-3") == {"x": 0.3, "y": -1.2e-3}
    assert parse_point("") == {}
    for bad, message in [
        ("x=0.3,,y=1", "column 7: expected name=number"),
        ("x", "expected name=number"),
        ("x=1,x=2", "column 5: x is given twice"),
        ("x=abc", "the value of x must be a finite number, got 'abc'"),
        ("x=nan", "finite number"),
        ("1=2", "expected name=number"),
    ]:
        with pytest.raises(ExpressionError, match=message):
            parse_point(bad)


def test_check_point() -> None:
    e = parse("x * y")
    check_point(e, {"x": 1.0, "y": 2.0})
    with pytest.raises(ExpressionError, match=r"z is not in 'x \* y'"):
        check_point(e, {"x": 1.0, "y": 2.0, "z": 0.0})
    with pytest.raises(ExpressionError, match="no value for y"):
        check_point(e, {"x": 1.0})


def test_every_table_function_and_the_constants_parse() -> None:
    e = parse("sin(x)*cos(y) + sqrt(x) + softplus(y) + leaky_relu(y, 0.2) + pi*e")
    assert e.variables == ("x", "y")  # pi and e are constants, not variables
    x, y = 0.7, -1.3
    want = (
        math.sin(x) * math.cos(y)
        + math.sqrt(x)
        + math.log1p(math.exp(y))
        + 0.2 * y
        + math.pi * math.e
    )
    assert e.evaluate({"x": x, "y": y}).data == pytest.approx(want, rel=1e-15)
    assert parse("leaky_relu(x)").evaluate({"x": -2.0}).data == -0.02  # the default slope


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("leaky_relu(x, y)", "parameters must be numbers"),
        ("leaky_relu(x, 0.2, 3)", "leaky_relu takes 1 to 2 arguments"),
        ("sin(x, 2)", "sin takes exactly one argument"),
    ],
)
def test_function_arguments_are_checked(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse(text).evaluate({"x": 1.0, "y": 2.0})
