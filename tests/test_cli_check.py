"""`micrograd-lite check` and `render`: exit 0 pass, 1 check failed, 2 bad input.

Bad input is one line on stderr, naming the argument and what it accepts, and nothing on
stdout; argparse's own usage errors (SystemExit 2) read the same way.
"""

from __future__ import annotations

import math
import pathlib
import shutil

import pytest

from micrograd_lite import Value, cli
from micrograd_lite.commands import render as render_command
from micrograd_lite.render import render_to_file
from micrograd_lite.render.files import FORMATS

EXPR = "x*y + tanh(x)"
AT = "x=0.3,y=-1.2"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors exit, as argparse does
        assert isinstance(exit_.code, int)
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the CLI on argv; assert exit 2, nothing on stdout and one line on stderr; return it."""
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def gradient(out: str, name: str) -> float:
    """The autograd column of variable `name`'s row in check's report."""
    row = next(line for line in out.splitlines() if line.strip().startswith(f"{name} "))
    return float(row.split()[1])


def test_check_passes_without_formula(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", EXPR, "--at", AT)
    assert (code, err) == (0, "")
    autograd = gradient(out, "x")
    assert autograd == pytest.approx(-1.2 + 1 - math.tanh(0.3) ** 2, rel=1e-9)  # .10g shown
    assert "PASS" in out


def test_check_passes_with_right_formula(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", EXPR, "--at", AT, "--expect", "y + 1 - tanh(x)**2, x")
    assert code == 0
    assert "PASS: autograd agrees with your formula for all 2 inputs" in out


def test_check_fails_with_formula_missing_a_factor(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", EXPR, "--at", AT, "--expect", "y + 1 - tanh(x), x")
    assert code == 1
    assert "FAIL: x (your formula disagrees with autograd by" in out
    y_line = next(line for line in out.splitlines() if line.strip().startswith("y "))
    assert y_line.rstrip().endswith("PASS")


def test_check_formulas_follow_at_order(capsys: pytest.CaptureFixture[str]) -> None:
    # --at gives y first, so the first formula is dy
    code, _, _ = run(capsys, "check", EXPR, "--at", "y=-1.2,x=0.3", "--expect", "x, y+1-tanh(x)**2")
    assert code == 0


def test_check_kink_without_formula_is_not_a_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "relu(x) * y", "--at", "x=0,y=2")
    assert code == 1
    assert "INCONCLUSIVE: nothing settles x" in out and "relu(x)" in out
    code, out, _ = run(capsys, "check", "relu(x) * y", "--at", "x=0,y=2", "--expect", "0, 0")
    assert code == 0 and "finite differences cannot tell for x" in out


def test_check_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "x*x", "--at", "x=3", "--explain")
    assert code == 0
    assert "df/dx = 3 + 3 = 6  (2 paths)" in out


def test_check_explain_shows_the_whole_chain_in_the_variables_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", "tanh(w*x+b)", "--at", "w=0.5,x=2,b=-1", "--explain")
    assert code == 0
    assert "df/dw = df/d(w*x+b) * d(w*x+b)/d(w*x) * d(w*x)/dw = 1 * 1 * 2 = 2" in out
    assert "  d(w*x)/dw = x = 2" in out


def test_check_explain_names_the_result_apart_from_the_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a variable called f: the result is not also called f (no `df/df = 4`)
    code, out, _ = run(capsys, "check", "(a*b+c)*f", "--at", "a=2,b=-3,c=10,f=-2", "--explain")
    assert code == 0
    assert "dF/df = 4" in out and "df/df" not in out
    assert "  dF/df = a*b+c = 4    F = (a*b+c)*f" in out


def test_check_full_prints_every_digit(capsys: pytest.CaptureFixture[str]) -> None:
    _, rounded, _ = run(capsys, "check", "x*y+exp(x)", "--at", "x=0.1,y=3", "--explain")
    _, full, _ = run(capsys, "check", "x*y+exp(x)", "--at", "x=0.1,y=3", "--explain", "--full")
    exact = repr(3.0 + math.exp(0.1))
    assert exact == "4.105170918075648"
    assert exact in full and exact not in rounded
    assert "= 4.1052  (2 paths)" in rounded


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("x*y + sinh(x)", "--at", AT), "column 7: unknown function 'sinh'"),
        (("x // y", "--at", AT), "operator '//' is not allowed"),
        (("x*y", "--at", "x=1,y=2,z=3"), "z is not in 'x*y'"),
        (("x*y", "--at", "x=1"), "no value for y"),
        (("x*y", "--at", "x=1;y=2"), "the value of x must be a finite number"),
        (("x*y", "--at", "x=1,,y=2"), "expected name=number"),
        (("x*y",), "no value for x, y"),
        (("2*3", "--at", ""), "has no variables"),
        ((EXPR, "--at", AT, "--expect", "y + 1"), "--expect has 1 formula for 2 variables"),
        ((EXPR, "--at", AT, "--expect", "a, b, c"), "--expect has 3 formulas for 2 variables"),
        ((EXPR, "--at", AT, "--expect", "z, x"), "uses z, which --at does not give"),
        ((EXPR, "--at", AT, "--expect", "y +, x"), "invalid syntax"),
        (("log(x)", "--at", "x=-1"), "log: log(a) is defined only for a > 0"),
    ],
)
def test_check_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    assert message in refused(capsys, "check", *argv)


@pytest.mark.parametrize(
    ("eps", "shown"),
    [("0", "0"), ("-1", "-1"), ("nan", "nan"), ("inf", "inf"), ("-inf", "-inf"),
     ("1e400", "1e400"), ("abc", "'abc'"), ("", "''")],
)  # fmt: skip
def test_eps_must_be_a_finite_number_above_zero(
    capsys: pytest.CaptureFixture[str], eps: str, shown: str
) -> None:
    # was: a traceback and exit 1 for 0, -1, nan and inf, saying ">= 0 (eps > 0)"
    line = refused(capsys, "check", "x*y", "--at", "x=1,y=2", "--eps", eps)
    assert line.startswith(f"micrograd-lite check: --eps must be a finite number > 0, got {shown}")


def test_eps_below_float_resolution_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # was: ZeroDivisionError inside the finite difference (x + 1e-300 == x), exit 1
    line = refused(capsys, "check", "x*y", "--at", "x=1,y=2", "--eps", "1e-300")
    assert "--eps must be a finite number >= 2.22045e-16" in line and "got 1e-300" in line
    code, _, err = run(capsys, "check", "x*y", "--at", "x=1,y=2", "--eps", "1e-12")
    assert code in (0, 1) and err == ""  # small, but it moves x: checked, not refused


@pytest.mark.parametrize("option", ["--rtol", "--atol"])
@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e400", "x"])
def test_tolerances_must_be_finite_and_not_negative(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    line = refused(capsys, "check", "x*y", "--at", "x=1,y=2", option, value)
    assert f"{option} must be a finite number >= 0, got " in line


def test_repeated_at_merges_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    # was: the last --at alone, so "no value for x"
    code, out, err = run(capsys, "check", "x*y", "--at", "x=3", "--at", "y=2")
    assert (code, err) == (0, "")
    assert (gradient(out, "x"), gradient(out, "y")) == (2.0, 3.0)
    # --expect follows the merged order: y first, so its first formula is df/dy = x
    code, _, err = run(capsys, "check", "x*y", "--at", "y=2", "--at", "x=3", "--expect", "x, y")
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("points", "words"),
    [
        (("x=1", "x=2"), "--at gives x twice ('x=1', then 'x=2')"),
        (("x=1,y=2", "y=2"), "--at gives y twice ('x=1,y=2', then 'y=2')"),
    ],
)
def test_a_variable_in_two_ats_is_refused(
    capsys: pytest.CaptureFixture[str], points: tuple[str, ...], words: str
) -> None:
    argv = [word for point in points for word in ("--at", point)]
    assert words in refused(capsys, "check", "x*y", *argv)


def test_a_value_starting_with_a_minus_sign_is_a_value(capsys: pytest.CaptureFixture[str]) -> None:
    # was: "argument --expect: expected one argument" (argparse took -y for an option)
    code, out, err = run(capsys, "check", "x*(0-y)", "--at", "x=1,y=2", "--expect", "-y, -x")
    assert (code, err) == (0, "")
    assert (gradient(out, "x"), gradient(out, "y")) == (-2.0, -1.0)


def test_an_expression_starting_with_a_minus_sign(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "check", "-x*y", "--at", "x=1,y=2")
    assert "required: expression" in line and "' -x*y'" in line and "--" in line
    for argv in ((" -x*y", "--at", "x=1,y=2"), ("--at", "x=1,y=2", "--", "-x*y")):
        code, out, _ = run(capsys, "check", *argv)
        assert code == 0 and gradient(out, "x") == -2.0


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (("",), "micrograd-lite check: expression '': empty expression"),
        (
            ("x +", "--at", "x=1"),
            "micrograd-lite check: expression 'x +', column 4: invalid syntax",
        ),
        (("x*y", "--at", "x=1e400,y=2"), "--at 'x=1e400,y=2', column 1: the value of x must"),
        (("2*x", "--at", "x=1", "--expect", "1, 2"), "--expect has 2 formulas for 1 variable"),
        (("x*\udcff", "--at", "x=1"), "expression 'x*\\udcff', column 3: not valid UTF-8"),
        (("x", "--at", "x=1", "--expect", ""), "--expect '': empty expression"),
        (("x*y", "--at", "x=1,y=2", "--bogus"), "unrecognized arguments: --bogus"),
        (("x*y", "--at"), "argument --at: expected one argument"),
        ((), "the following arguments are required: expression"),
    ],
)
def test_every_refusal_is_one_line_naming_the_argument(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], line: str
) -> None:
    # was: the line, then the text with a caret (3 lines), or argparse's usage block first
    assert line in refused(capsys, "check", *argv)


def test_a_huge_literal_is_refused_in_a_short_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "check", "x*1" + "0" * 5000, "--at", "x=1")
    assert "column 5004" in line and "digits" in line
    assert len(line) < 400  # the 5,003-character expression is cut around the column


def test_a_fullwidth_variable_is_the_same_variable(capsys: pytest.CaptureFixture[str]) -> None:
    # Python reads identifiers in NFKC, so the expression's fullwidth x is x; --at must agree
    # (was: "\uff58 is not in '\uff58*2' (its variables: x)")
    fullwidth_x = "\uff58"
    code, out, err = run(capsys, "check", f"{fullwidth_x}*2", "--at", f"{fullwidth_x}=1.5")
    assert (code, err) == (0, "")
    assert gradient(out, "x") == 2.0


def test_render_writes_dot_without_the_binary(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "sub" / "graph.dot"
    code, out, err = run(capsys, "render", EXPR, "--at", AT, "-o", str(target))
    assert (code, err) == (0, "")
    assert out.strip() == str(target)
    dot = target.read_text(encoding="utf-8")
    assert dot.startswith("digraph")
    assert "tanh" in dot and "{ x |" in dot and "{ y |" in dot


def test_render_svg(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    target = tmp_path / "graph.svg"
    code, out, err = run(capsys, "render", EXPR, "--at", AT, "-o", str(target), "--rankdir", "TB")
    if shutil.which("dot") is None:  # without Graphviz: bad input, and the fix is named
        assert code == 2 and "install" in err.lower() and not target.exists()
        return
    assert code == 0 and out.strip() == str(target)
    assert "<svg" in target.read_text(encoding="utf-8")


def test_render_names_the_suffixes_it_accepts(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = refused(capsys, "render", "x*y", "--at", "x=1,y=2", "-o", "graph.jpg")
    assert line.startswith("micrograd-lite render: -o/--output 'graph.jpg': unknown suffix '.jpg'")
    for suffix in (".svg", ".png", ".pdf", ".dot", ".gv"):
        assert suffix in line
    assert list(tmp_path.iterdir()) == []


def test_the_listed_suffixes_are_the_ones_render_to_file_writes(tmp_path: pathlib.Path) -> None:
    assert set(render_command.RASTER) == FORMATS
    root = Value(2.0, label="x") * 3.0
    for suffix in render_command.DOT + (render_command.RASTER if shutil.which("dot") else ()):
        assert render_to_file(root, tmp_path / f"g{suffix}").stat().st_size > 0
    with pytest.raises(ValueError, match="unknown suffix"):
        render_to_file(root, tmp_path / "g.jpg")


def test_render_merges_repeated_at(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "g.dot"
    code, out, err = run(capsys, "render", "x*y", "--at", "x=3", "--at", "y=2", "-o", str(target))
    assert (code, err, out.strip()) == (0, "", str(target))
    dot = target.read_text(encoding="utf-8")
    assert "{ x | data 3 | grad 2 }" in dot and "{ y | data 2 | grad 3 }" in dot


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("-o", "g.dot", "--at", "x=1"), "--at gives x twice"),
        (("-o", "g.dot"), "--at: no value for y"),
        (("--at", "y=1", "-o", "g.txt"), "unknown suffix '.txt'"),
        (("--at", "y=1", "-o", "file/g.dot"), "-o/--output 'file/g.dot': cannot write it: "),
        (("--at", "y=1", "-o", "dir.dot"), "-o/--output 'dir.dot': cannot write it: Is a direc"),
        (("--at", "y=1", "-o", "g.dot", "--rankdir", "ZZ"), "argument --rankdir: invalid choice"),
        (("--at", "y=1", "-o", "g.dot", "--highlight", "z"), "--highlight 'z' is not a variable"),
    ],
)
def test_render_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("in the way")
    (tmp_path / "dir.dot").mkdir()
    assert words in refused(capsys, "render", "x*y", "--at", "x=1", *argv)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.dot", "file"]  # nothing written
    assert list((tmp_path / "dir.dot").iterdir()) == []


# -- --order 2: the Hessian ----------------------------------------------------------------------

HESSIAN = ("x**3*y", "--at", "x=2,y=1", "--order", "2")


def entry(out: str, name: str) -> float:
    """The autograd column of the Hessian entry `name` ('d2f/dx dy') in check's report."""
    row = next(line.strip() for line in out.splitlines() if line.strip().startswith(f"{name} "))
    return float(row[len(name) :].split()[0])


def test_check_order_2_passes_the_issues_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", *HESSIAN, "--expect", "6*x*y, 3*x**2; 3*x**2, 0")
    assert (code, err) == (0, "")
    assert out.startswith("gradcheck of the Hessian at x = 2.0, y = 1.0: f = 8.0")
    for name, value in (("dx dx", 12.0), ("dx dy", 12.0), ("dy dx", 12.0), ("dy dy", 0.0)):
        assert entry(out, f"d2f/{name}") == value
    assert "PASS: autograd agrees with your formula for all 4 Hessian entries" in out


@pytest.mark.parametrize(
    ("expect", "entry"),
    [
        ("6*x*y, 3*x**2*(1 + 1e-6); 3*x**2, 0", "d2f/dx dy"),
        ("6*x*y, 3*x**2; 3*x**2*(1 - 1e-6), 0", "d2f/dy dx"),
        ("6*x*y, 3*x**2; 3*x**2, 1e-9", "d2f/dy dy"),
    ],
)
def test_check_order_2_names_the_entry_that_disagrees(
    capsys: pytest.CaptureFixture[str], expect: str, entry: str
) -> None:
    code, out, _ = run(capsys, "check", *HESSIAN, "--expect", expect)
    assert code == 1
    assert f"FAIL: {entry} (your formula disagrees with autograd by" in out
    assert out.count("<-- FAIL") == 1


def test_check_order_2_without_formula(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "x**2*y**2 + x*y", "--at", "x=2,y=-3", "--order", "2")
    assert code == 0 and "PASS: autograd agrees with finite differences for all 4" in out
    assert entry(out, "d2f/dx dy") == 4 * 2 * -3 + 1
    # an exact 0 entry (d2f/dy dy of x**3*y) is nothing finite differences can vouch for
    code, out, _ = run(capsys, "check", *HESSIAN)
    assert code == 1 and "INCONCLUSIVE: nothing settles d2f/dy dy" in out


def test_check_order_2_at_a_kink_is_inconclusive(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "relu(x)*y", "--at", "x=0,y=2", "--order", "2")
    assert code == 1 and "relu(x) is at its kink" in out and "INCONCLUSIVE" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--expect", "6*x*y, 3*x**2"), "--expect has 1 row for 2 variables (x, y): give the "
         "Hessian as 2 rows of 2, rows separated by ';' and entries by ','"),
        (("--expect", "1; 2; 3"), "--expect has 3 rows for 2 variables (x, y)"),
        (("--expect", "6*x*y, 3*x**2; 3*x**2"), "--expect row 2 has 1 entry for 2 variables (x, "
         "y): give one second derivative per variable"),
        (("--expect", "6*x*y, 3*x**2, 0; 3*x**2, 0"), "--expect row 1 has 3 entries for 2"),
        (("--expect", "6*x*y, 3*x**2; 3*x**2, z"), "--expect row 2, entry 2 ('z') uses z"),
        (("--expect", "6*x*y, 3*x**2; 3*x**2, y +"), "--expect '6*x*y, 3*x**2; 3*x**2, y +', "
         "column 27: invalid syntax"),
        (("--explain",), "--explain traces first derivatives: give it without --order 2"),
    ],
)  # fmt: skip
def test_check_order_2_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    assert message in refused(capsys, "check", *HESSIAN, *argv)


@pytest.mark.parametrize("order", ["0", "3", "-1", "1.5", "two", ""])
def test_only_orders_1_and_2(capsys: pytest.CaptureFixture[str], order: str) -> None:
    line = refused(capsys, "check", "x*y", "--at", "x=1,y=2", "--order", order)
    assert f"argument --order: must be 1 (the gradient) or 2 (the Hessian), got '{order}'" in line


def test_a_hessian_without_order_2_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "check", "x**3*y", "--at", "x=2,y=1", "--expect", "6*x*y, 0; 0, 0")
    assert "has rows separated by ';', a Hessian: check it with --order 2" in line
    code, out, _ = run(
        capsys, "check", "x*y", "--at", "x=2,y=1", "--order", "1", "--expect", "y, x"
    )
    assert code == 0 and out.startswith("gradcheck at x = 2.0, y = 1.0")
