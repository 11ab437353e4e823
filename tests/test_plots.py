"""micrograd_lite.plots and `examples --plot`: the pictures draw exactly the runs' numbers.

Each test reads the data back from the matplotlib objects the plot functions return (line
data, image arrays, texts) and compares it with the Result it was drawn from, with `==`: the
plots copy numbers, they never recompute them, except the XOR surface, which is rebuilt with the
same MLP forward and so must hit the run's outputs exactly. The adding neuron's plot is fed
Results built here from the article's printed accuracies: the full run takes minutes.
"""

from __future__ import annotations

import functools
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from micrograd_lite import cli, plots
from micrograd_lite.commands import examples
from micrograd_lite.worked import EXAMPLES, Options, adding_neuron, inverter, single_weight, xor

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D

pytest.importorskip("matplotlib")  # the `plot` extra; CI installs it with `test`

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _hide_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import matplotlib...` fail as if it were not installed (None in sys.modules)."""
    for name in [n for n in sys.modules if n == "matplotlib" or n.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def _axes(plot: plots.Plot) -> Axes:
    return plot.figure.axes[0]  # the colorbar, where there is one, comes after the plot's axes


def _line(ax: Axes, label: str) -> Line2D:
    (line,) = [line for line in ax.get_lines() if line.get_label() == label]
    return line


def _floats(data: Any) -> list[float]:
    return [float(x) for x in data]


def _epochs(percents: list[tuple[int, float]]) -> tuple[adding_neuron.Epoch, ...]:
    total = adding_neuron.TEST_ROWS
    return tuple(
        adding_neuron.Epoch(k, adding_neuron.learning_rate(k - 1), (1.0, 1.0), correct, total)
        for k, (correct, _) in enumerate(percents, start=1)
    )


def _adding_result(
    regularised: bool, epochs: tuple[adding_neuron.Epoch, ...]
) -> adding_neuron.Result:
    return adding_neuron.Result(regularised, (0.5, 0.5), (1.0, 1.0), (), epochs, (3.7, 3072.0))


@pytest.fixture(scope="module")
def single() -> single_weight.Result:
    return single_weight.run()


@pytest.fixture(scope="module")
def inverted() -> inverter.Result:
    return inverter.run()


@pytest.fixture(scope="module")
def xor_runs() -> tuple[xor.Result, xor.Result]:
    return xor.run(), xor.run(model=xor.seeded_network(1))


@pytest.fixture(scope="module")
def adding() -> tuple[adding_neuron.Result, adding_neuron.Result]:
    reg = _epochs(list(adding_neuron.ARTICLE_ACCURACY))
    plain = _epochs([(adding_neuron.TEST_ROWS, 100.0)] * adding_neuron.EPOCHS)
    return _adding_result(True, reg), _adding_result(False, plain)


@pytest.fixture(scope="module")
def every_plot(
    single: single_weight.Result,
    inverted: inverter.Result,
    xor_runs: tuple[xor.Result, xor.Result],
    adding: tuple[adding_neuron.Result, adding_neuron.Result],
) -> dict[str, plots.Plot]:
    drawn = [
        *plots.plot_single_weight(single, input=single_weight.INPUT, target=single_weight.TARGET),
        *plots.plot_inverter(inverted),
        *plots.plot_xor(*xor_runs, inputs=xor.INPUTS, targets=xor.TARGETS),
        *plots.plot_adding_neuron(*adding),
    ]
    return {p.name: p for p in drawn}


def test_single_weight_cost_is_the_runs_costs(
    single: single_weight.Result, every_plot: dict[str, plots.Plot]
) -> None:
    ax = _axes(every_plot["single-weight-cost"])
    (line,) = ax.get_lines()
    assert ax.get_yscale() == "log"  # 0.49 down to ~1e-32: thirty decades
    first_zero = single.costs.index(0.0)  # the float walk lands on 1/3 at step 61
    assert first_zero == 61
    assert _floats(line.get_xdata()) == list(range(first_zero))
    assert _floats(line.get_ydata()) == list(single.costs[:first_zero])
    assert single.costs[0] == (1.5 * 0.8 - 0.5) ** 2  # C(w0) = 0.7² (one rounding each way)
    assert any("C = 0.0" in t.get_text() for t in ax.texts)  # the zeros are said, not hidden


def test_single_weight_walk_is_on_the_parabola(
    single: single_weight.Result, every_plot: dict[str, plots.Plot]
) -> None:
    ax = _axes(every_plot["single-weight-parabola"])
    walk = _line(ax, "w_k after step k (r = 0.1)")
    assert _floats(walk.get_xdata()) == list(single.weights[: len(single.costs)])
    assert _floats(walk.get_ydata()) == list(single.costs)
    curve = _line(ax, "C(w)")
    ws, cs = _floats(curve.get_xdata()), _floats(curve.get_ydata())
    assert min(ws) < 1 / 3 < 0.8 <= max(ws)  # the curve spans the whole walk and its vertex
    for w, c in zip(ws, cs, strict=True):
        assert c == pytest.approx((1.5 * w - 0.5) ** 2, abs=1e-15)
    fixed = _line(ax, "fixed point w = y/i = 1/3")
    assert _floats(fixed.get_xdata()) == [1 / 3, 1 / 3]
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "w0 = 0.8" in texts and "1/3" in texts


def test_inverter_plots_the_errors_and_both_weights(
    inverted: inverter.Result, every_plot: dict[str, plots.Plot]
) -> None:
    ax = _axes(every_plot["inverter-error"])
    assert ax.get_yscale() == "log"
    (line,) = ax.get_lines()
    assert _floats(line.get_ydata()) == list(inverted.errors)
    assert _floats(line.get_xdata()) == list(range(len(inverted.errors)))

    ax = _axes(every_plot["inverter-weights"])
    w_ih = _floats(_line(ax, "w_ih (input → hidden)").get_ydata())
    w_ho = _floats(_line(ax, "w_ho (hidden → output)").get_ydata())
    product = _floats(_line(ax, "w_ih·w_ho (the map)").get_ydata())
    assert list(zip(w_ih, w_ho, strict=True)) == list(inverted.weights)
    assert product[-1] == inverted.product
    assert product[-1] == pytest.approx(-1.0, abs=1e-6)
    assert w_ih[0] > 0 > w_ih[-1]  # w_ih crosses zero on its way to about -1


def test_xor_error_lines_are_both_runs(
    xor_runs: tuple[xor.Result, xor.Result], every_plot: dict[str, plots.Plot]
) -> None:
    talk, seeded = xor_runs
    ax = _axes(every_plot["xor-error"])
    assert ax.get_yscale() == "log"
    for label, run in (("the talk's weights", talk), ("random.Random(1) weights", seeded)):
        line = _line(ax, label)
        assert _floats(line.get_xdata()) == list(range(1, xor.ITERATIONS + 1))
        assert _floats(line.get_ydata()) == list(run.errors)
    assert _floats(_line(ax, "the talk's weights").get_ydata())[0] == xor.TALK_ERRORS[1]


def test_xor_surface_passes_through_the_trained_outputs(
    xor_runs: tuple[xor.Result, xor.Result], every_plot: dict[str, plots.Plot]
) -> None:
    talk, _ = xor_runs
    ax = _axes(every_plot["xor-surface"])
    (image,) = ax.get_images()
    rows = image.get_array()
    assert rows is not None
    per_unit = plots.XOR_GRID
    assert rows.shape == (2 * per_unit + 1, 2 * per_unit + 1)
    assert image.get_extent()[0] < -0.5 and image.get_extent()[1] > 1.5
    for (x0, x1), out in zip(xor.INPUTS, talk.outputs, strict=True):
        col = round(x0 * per_unit) + per_unit // 2
        row = round(x1 * per_unit) + per_unit // 2  # origin="lower": row index is x1
        assert float(rows[row, col]) == out
    # ReLU without bias is positively homogeneous: o(1.5·x) = 1.5·o(x), the far corner too
    assert float(rows[-1, -1]) == pytest.approx(1.5 * talk.outputs[3], abs=1e-12)
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == ["(0, 0) → t = 0", "(0, 1) → t = 1", "(1, 0) → t = 1", "(1, 1) → t = 0"]


def test_adding_neuron_accuracy_per_epoch(
    adding: tuple[adding_neuron.Result, adding_neuron.Result],
    every_plot: dict[str, plots.Plot],
) -> None:
    ax = _axes(every_plot["adding-neuron-accuracy"])
    assert ax.get_yscale() == "linear"
    reg = _line(ax, "regularised: w ← w - lr·(grad - w)")
    plain = _line(ax, "plain SGD: w ← w - lr·grad")
    assert _floats(reg.get_xdata()) == list(range(1, 11))
    assert _floats(reg.get_ydata()) == [pct for _, pct in adding_neuron.ARTICLE_ACCURACY]
    assert _floats(plain.get_ydata()) == [100.0] * 10
    low, high = ax.get_ylim()
    assert low <= 47.49 and high >= 100.0


def test_every_plot_is_titled_labelled_and_legended(every_plot: dict[str, plots.Plot]) -> None:
    # titles name the example, as the reports do (not the seed file a user does not have)
    seeds = {
        "single": "A single weight",
        "inverter": "The inverter",
        "xor": "XOR",
        "adding": "adding",
    }
    assert len(every_plot) == 7
    for name, plot in every_plot.items():
        ax = _axes(plot)
        assert seeds[name.split("-")[0]] in ax.get_title(), name
        assert ax.get_xlabel() and ax.get_ylabel(), name
        curves = [line for line in ax.get_lines() if len(_floats(line.get_xdata())) > 2]
        if len(curves) > 1:
            assert ax.get_legend() is not None, name


def test_saved_pngs_are_800_by_500(every_plot: dict[str, plots.Plot], tmp_path: Path) -> None:
    directory = tmp_path / "new" / "dir"  # created, parents too
    paths = plots.save(list(every_plot.values()), directory)
    assert [p.name for p in paths] == [f"{name}.png" for name in every_plot]
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == PNG_SIGNATURE, path
        assert data[12:16] == b"IHDR"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (800, 500), path
        assert len(data) > 10_000, path  # a drawn chart, not an empty canvas


def test_missing_matplotlib_names_the_extra(
    inverted: inverter.Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hide_matplotlib(monkeypatch)
    with pytest.raises(ModuleNotFoundError, match=re.escape(plots.INSTALL)) as caught:
        plots.plot_inverter(inverted)
    assert caught.value.name == "matplotlib"


def test_cli_without_matplotlib_exits_two_before_running(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _hide_matplotlib(monkeypatch)
    target = tmp_path / "plots"
    assert cli.main(["examples", "inverter", "--plot", str(target)]) == 2
    captured = capsys.readouterr()
    assert "pip install 'micrograd_lite[plot]'" in captured.err
    assert captured.out == ""  # failed fast: no example ran
    assert not target.exists()


def test_package_imports_without_matplotlib() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import micrograd_lite, micrograd_lite.plots, micrograd_lite.cli\n"
        "from micrograd_lite.commands import examples\n"
        "print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


def test_cli_plot_writes_and_prints_the_paths(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "a" / "plots"
    assert cli.main(["examples", "single-weight", "inverter", "--plot", str(target)]) == 0
    out = capsys.readouterr().out
    names = ["single-weight-cost", "single-weight-parabola", "inverter-error", "inverter-weights"]
    for name in names:
        path = target / f"{name}.png"
        assert f"  plot: {path}\n" in out
        assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert sorted(p.stem for p in target.iterdir()) == sorted(names)
    assert "All 2 examples match: 7 of 7 printed figures and 31 of 31 derived references." in out


def test_cli_plot_into_a_file_exits_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert cli.main(["examples", "inverter", "--plot", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "--plot" in err and str(blocker) in err


@pytest.mark.parametrize("name", ["single-weight", "inverter", "xor"])
def test_plots_are_drawn_from_the_runs_the_report_compares(name: str) -> None:
    options = Options(lr=0.05) if name == "inverter" else Options()
    runs = EXAMPLES[name].results(options)
    assert EXAMPLES[name].report_from(options, runs) == EXAMPLES[name].compare(options)
    assert examples.PLOTS[name](runs)


def test_adding_neuron_plot_uses_the_runs_with_their_progress_bars(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 2,000 rows and 3 epochs instead of 500,000 and 10: the same code paths in a second
    small = adding_neuron.article_data(train_rows=2000, test_rows=500)
    monkeypatch.setattr(
        adding_neuron, "run", functools.partial(adding_neuron.run, data=small, epochs=3)
    )
    bars: list[tuple[str, int]] = []

    class Bar:
        def update(self, n: int) -> None:
            pass

        def close(self) -> None:
            pass

    def factory(description: str, total: int) -> Bar:
        bars.append((description, total))
        return Bar()

    runs = EXAMPLES["adding-neuron"].results(Options(progress=factory))
    assert EXAMPLES["adding-neuron"].report_from(Options(), runs) == EXAMPLES[
        "adding-neuron"
    ].compare(Options())
    pictures = examples.PLOTS["adding-neuron"](runs)
    assert [d for d, _ in bars] == [
        "adding-neuron, regularised",
        "adding-neuron, without regularisation",
    ]
    (picture,) = pictures
    assert picture.name == "adding-neuron-accuracy"
    assert len(_axes(picture).get_lines()) == 2
    assert cli.main(["examples", "adding-neuron", "--quiet", "--plot", str(tmp_path)]) in (0, 1)
    assert (tmp_path / "adding-neuron-accuracy.png").read_bytes()[:8] == PNG_SIGNATURE
    assert "plot:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("lr", "walk", "cost"),
    [
        (0.1, "each step lands 0.55 times as far from 1/3", "multiplies the cost by 0.3025"),
        (0.3, "0.35 times as far from 1/3\nOn the other side", "multiplies the cost by 0.1225"),
        (0.5, "1.25 times as far from 1/3\nOn the other side: it diverges", "by 1.5625"),
    ],
)
def test_single_weight_titles_follow_the_learning_rate(lr: float, walk: str, cost: str) -> None:
    # w_k+1 - 1/3 = (1 - 2·r·i²)(w_k - 1/3): the titles' factors are the run's, not r = 0.1's
    run = single_weight.run(lr=lr, steps=20)
    cost_plot, walk_plot = plots.plot_single_weight(
        run, input=single_weight.INPUT, target=single_weight.TARGET
    )
    assert walk in _axes(walk_plot).get_title()
    assert cost in _axes(cost_plot).get_title()
    assert _line(_axes(walk_plot), f"w_k after step k (r = {lr:g})")
