"""`micrograd-lite examples`: the comparison tables, subsets, --lr and exit codes.

A refused argument is one line on stderr and exit 2, before any example runs.
"""

from __future__ import annotations

import functools
import os
import pathlib

import pytest

from micrograd_lite import cli
from micrograd_lite.commands import examples
from micrograd_lite.worked import Options, adding_neuron
from tests.test_cli_check import refused


def test_subset_prints_tables_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "xor", "inverter"]) == 0
    out = capsys.readouterr().out
    assert out.index(
        'xor: "Neural networks from scratch, part 2: backpropagation" by Tom Martin'
    ) < (
        out.index('inverter: "Backpropagation and Gradient Descent" (the article names no author)')
    )
    assert "single-weight" not in out and "seed 00" not in out
    assert "0.9980040223908638" in out  # the talk run's output for 0 XOR 1
    assert "0.31349999999999995" in out  # dE/dw_ih at step 0
    assert "MISS" not in out
    # the headline says what was checked: printed figures and derived references apart
    assert out.endswith(
        "\n  xor: no printed figure to compare; 20 of 20 derived references match "
        "(derivations: docs/worked/xor.md)"
        "\n  inverter: 5 of 5 printed figures match; 17 of 17 derived references match "
        "(derivations: docs/worked/inverter.md)"
        "\nAll 2 examples match: 5 of 5 printed figures and 37 of 37 derived references.\n"
    )
    assert "reproduce the articles' figures" not in out


def test_the_headline_explains_printed_and_derived(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "single-weight"]) == 0
    out = capsys.readouterr().out
    headline = out[out.index("Printed: ") :]
    assert headline.split("\n") == [
        "Printed: the figures an article prints. Derived (†): reference values it does not print,",
        "worked out from exact algebra, the article's own formulas or the author's program, rerun",
        "(docs/worked/ in the repository derives each one).",
        "  single-weight: 2 of 2 printed figures match; 14 of 14 derived references match "
        "(derivations: docs/worked/single-weight.md)",
        "The example matches: 2 of 2 printed figures and 14 of 14 derived references.",
        "",
    ]


def test_columns_are_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "single-weight", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.strip().startswith("figure"))
    w1 = next(line for line in lines if line.strip().startswith("w1 "))
    for column in ("reference", "ours", "verdict"):
        start = header.index(column)
        assert w1[start - 1] == " " and w1[start] != " ", column


def test_lr_changes_the_inverter(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "inverter", "--lr", "0.05"]) == 0
    out = capsys.readouterr().out
    assert "η = 0.05" in out
    assert "184" in out and "0.11914358311052402" in out


def test_untabled_lr_still_judges_the_inversion(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "inverter", "--lr", "0.3"]) == 0
    assert "has no derived trajectory" in capsys.readouterr().out


def test_a_missed_figure_exits_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "inverter", "--lr", "1.5"]) == 1
    out = capsys.readouterr().out
    assert "MISS" in out and "1 of 1 examples missed a figure: inverter" in out
    assert "  inverter: 2 of 6 printed figures match; 5 of 5 derived references match" in out


def test_unknown_name_exits_two_with_the_valid_names(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "examples", "xor", "moons")
    assert "'moons'" in line
    for name in ("single-weight", "inverter", "xor", "adding-neuron"):
        assert name in line


def test_a_name_with_a_newline_stays_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown example 'a\\nb'" in refused(capsys, "examples", "a\nb")


@pytest.mark.parametrize(
    ("lr", "shown"),
    [("0", "0"), ("-1", "-1"), ("nan", "nan"), ("inf", "inf"), ("1e400", "1e400"),
     ("-1e-3", "-1e-3"), ("abc", "'abc'")],
)  # fmt: skip
def test_bad_lr_exits_two(lr: str, shown: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "examples", "inverter", "--lr", lr)
    assert line.startswith(
        f"micrograd-lite examples: --lr must be a finite number > 0, got {shown}"
    )


def test_lr_for_an_example_without_one_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "examples", "xor", "adding-neuron", "--lr", "0.05")
    assert line.endswith(
        "--lr: adding-neuron takes no learning rate; --lr applies to single-weight, inverter, xor"
    )
    assert "adding-neuron takes no learning rate" in refused(capsys, "examples", "--lr", "0.05")


def test_inverter_divergence_is_one_sentence_and_exit_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["examples", "inverter", "--lr", "3"]) == 1
    out = capsys.readouterr().out
    sentence = next(line for line in out.splitlines() if "training diverged" in line).strip()
    assert sentence.startswith("inverter: training diverged at update 4 with η = 3: the error ")
    assert "stable only for η below about 0.9994" in sentence
    assert out.count(sentence) == 2  # under the report's header, and in the closing headline
    assert out.endswith(f"  {sentence}\n1 of 1 examples diverged: inverter\n")
    assert "MISS" not in out  # the predictions of the blown-up net are not judged


def test_lr_sets_single_weight_and_xor(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["examples", "single-weight", "xor", "--lr", "0.5"]) == 1
    out = capsys.readouterr().out
    assert "single-weight: training diverged at step 16 with r = 0.5" in out
    assert "lr 0.5 (alpha 1)" in out and "not judged: lr = 0.5, worked out for 0.1" in out
    assert "1 of 2 examples diverged: single-weight" in out and "MISS" not in out


def test_plot_into_a_directory_that_cannot_be_written(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    # was: the example ran, then savefig's FileNotFoundError ended in a traceback
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        writable = os.access(locked, os.W_OK)  # root may write anyway
        target = pathlib.Path("/proc") if writable else locked
        if not target.is_dir():
            pytest.skip("no read-only directory to try")
        line = refused(capsys, "examples", "single-weight", "--plot", str(target))
        assert line.startswith(f"micrograd-lite examples: --plot {str(target)!r}: cannot write")
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize(
    ("name", "words"),
    [("file", "it is a file, not a directory"), ("file/sub", "Not a directory"),
     ("nul\0", "embedded null byte")],
)  # fmt: skip
def test_plot_refusals_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, name: str, words: str
) -> None:
    (tmp_path / "file").write_text("in the way")
    line = refused(capsys, "examples", "single-weight", "--plot", str(tmp_path / name))
    assert "--plot" in line and words in line


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    # pytest captures stderr, so it is not a TTY: the bar factory must be off
    assert examples._tqdm_factory() is None


def test_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["examples", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "adding-neuron" in out and "--lr" in out and "--quiet" in out


@pytest.mark.parametrize(
    ("flags", "words"),
    [([], "trained with the compiled step"), (["--eager"], "trained eagerly")],
)
def test_adding_neuron_says_which_engine_trained_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    words: str,
) -> None:
    small = adding_neuron.article_data(train_rows=2000, test_rows=500)  # same paths, a second
    monkeypatch.setattr(
        adding_neuron, "run", functools.partial(adding_neuron.run, data=small, epochs=2)
    )
    cli.main(["examples", "adding-neuron", "--quiet", *flags])
    assert words in capsys.readouterr().out


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine 'gpu'"):
        adding_neuron.results(Options(engine="gpu"))
