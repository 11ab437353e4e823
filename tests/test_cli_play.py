"""`micrograd-lite play` and `examples --play`: the page written, and bad input refused in one
line on stderr with exit 2 (the player itself: tests/test_play.py, in a browser:
tests/test_play_browser.py)."""

from __future__ import annotations

import pathlib

import pytest

from micrograd_lite.backward import topo_order
from micrograd_lite.lessons import graphs as example_graphs
from micrograd_lite.play import compute_steps
from micrograd_lite.worked import inverter
from tests.test_cli_check import run
from tests.test_play import engine_grads, needs_dot


def test_without_dot_the_command_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on it
    code, out, err = run(capsys, "play", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path / "p.html"))
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert "apt-get install graphviz" in err and not (tmp_path / "p.html").exists()


@needs_dot
def test_cli_play_writes_the_page(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "backprop.html"
    code, out, err = run(capsys, "play", "x*y + tanh(x)", "--at", "x=0.3,y=-1.2", "-o", str(target))
    assert (code, out, err) == (0, f"{target}\n", "")
    page = target.read_text(encoding="utf-8")
    assert "window.backprop" in page and "tanh(x)" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("-o", "p.png"),
            "-o/--output 'p.png': unknown suffix '.png'; the page is HTML: end it in .html or .htm",
        ),
        (("-o", "p.html", "--interval", "0"), "--interval must be a finite number > 0, got 0"),
        (("-o", "p.html", "--at", "y=1"), "--at gives y twice"),
        (("-o", "dir.html"), "-o/--output 'dir.html': cannot write it: Is a directory"),
    ],
)
def test_cli_play_refuses_bad_input_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...], message: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir.html").mkdir()
    code, out, err = run(capsys, "play", "x*y", "--at", "x=1,y=2", *args)
    assert (code, out) == (2, "") and len(err.splitlines()) == 1, err
    assert err.startswith("micrograd-lite play: ") and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.html"]


@pytest.mark.parametrize("name", list(example_graphs.GRAPHS))
def test_each_example_graph_is_its_first_update(name: str) -> None:
    root = example_graphs.GRAPHS[name]()
    steps = compute_steps(root)
    assert list(steps.grads) == engine_grads(root)
    if name == "inverter":  # the article's figures: dE/dw_ih = 0.3135, dE/dw_ho = 0.15675
        grads = {v.label: v.grad for v in topo_order(root)}
        assert (grads["w_ih"], grads["w_ho"]) == inverter.run().autograd_grads


@needs_dot
def test_examples_play_writes_a_page_per_example(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    code, out, err = run(
        capsys,
        "examples",
        "single-weight",
        "inverter",
        "--quiet",
        "--play",
        str(tmp_path / "pages"),
    )
    assert (code, err) == (0, "")
    for name in ("single-weight", "inverter"):
        page = tmp_path / "pages" / f"{name}.html"
        assert f"  player: {page}" in out.splitlines()
        assert "window.backprop" in page.read_text(encoding="utf-8")


def test_examples_play_refuses_a_file_for_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    (tmp_path / "f").write_text("")
    code, out, err = run(capsys, "examples", "inverter", "--play", str(tmp_path / "f"))
    assert (code, out) == (2, "")
    assert f"--play '{tmp_path / 'f'}': cannot write pages into it: it is a file" in err
