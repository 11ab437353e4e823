"""`micrograd-lite check` and `render`: exit 0 pass, 1 check failed, 2 bad input."""

from __future__ import annotations

import math
import pathlib
import shutil

import pytest

from micrograd_lite import cli

EXPR = "x*y + tanh(x)"
AT = "x=0.3,y=-1.2"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_passes_without_formula(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", EXPR, "--at", AT)
    assert (code, err) == (0, "")
    x_line = next(line for line in out.splitlines() if line.strip().startswith("x "))
    autograd = float(x_line.split()[1])
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
    code, out, err = run(capsys, "check", *argv)
    assert code == 2
    assert out == ""
    assert message in err


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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("x*y", "--at", "x=1", "-o", "g.dot"), "no value for y"),
        (("x*y", "--at", "x=1,y=2", "-o", "g.txt"), "unknown suffix '.txt'"),
        (("x*y", "--at", "x=1,y=2", "-o", "g.dot", "--highlight", "z"), "'z' is not a variable"),
    ],
)
def test_render_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "render", *argv)
    assert code == 2
    assert message in err
    assert list(tmp_path.iterdir()) == []  # nothing written
