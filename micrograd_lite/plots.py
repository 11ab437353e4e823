"""Pictures of the worked examples: each plot function turns a run's `Result` into figures.

Nothing here trains: the plot functions take the figures a run already produced (the same ones
its comparison table prints), so a picture cannot disagree with the table beside it. The one
computation is the XOR decision surface, evaluated with the library's own `MLP` from the
trained weights, so the surface passes through the run's final outputs exactly.

matplotlib is the optional `plot` extra and is imported only when a picture is drawn:
`micrograd_lite` imports without it, and drawing without it raises a `ModuleNotFoundError`
that says `pip install 'micrograd_lite[plot]'`. Figures are built with matplotlib's object
API on an Agg canvas, never through pyplot, so plotting neither needs a display nor touches a
notebook's global backend or figure list.

    >>> from micrograd_lite.worked import inverter
    >>> plots = plot_inverter(inverter.run())
    >>> [p.name for p in plots]
    ['inverter-error', 'inverter-weights']
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from micrograd_lite.nn import MLP
from micrograd_lite.value import Value

if TYPE_CHECKING:  # the worked examples sit beside this module (layer 8), so types only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from micrograd_lite.worked import adding_neuron, inverter, single_weight, xor

INSTALL = "pip install 'micrograd_lite[plot]'"
SIZE = (8.0, 5.0)  # inches; at DPI this is 800 x 500 px, legible when projected
DPI = 100
LOG_SPAN = 100.0  # a y axis whose positive values span more than this ratio goes log-scale
XOR_GRID = 80  # surface samples per unit: 161 x 161 points over [-0.5, 1.5]², ~0.4 s to evaluate


@dataclass(frozen=True)
class Plot:
    """One picture: `name` is its file stem (`xor-surface` → xor-surface.png)."""

    name: str
    figure: Figure


def require_matplotlib() -> None:
    """Import matplotlib, or raise ModuleNotFoundError naming the extra that installs it."""
    try:
        import matplotlib  # the parent first: a cached submodule alone could mask its absence
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401
    except ImportError as err:
        raise ModuleNotFoundError(
            f"plots need matplotlib, which is not installed: {INSTALL}", name="matplotlib"
        ) from err


@contextmanager
def _style() -> Iterator[None]:
    require_matplotlib()
    import matplotlib

    # Bigger than matplotlib's 10 pt: these pictures are read from the back of a room. rc
    # settings apply when artists are made, so the whole drawing happens inside this context.
    with matplotlib.rc_context(
        {
            "font.size": 12,
            "axes.titlesize": 14,
            "axes.labelsize": 12,
            "xtick.labelsize": 11,
            "ytick.labelsize": 11,
            "legend.fontsize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    ):
        yield


def _figure(ncols: int = 1) -> tuple[Figure, list[Axes]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=DPI, layout="tight")
    FigureCanvasAgg(figure)  # attaches itself: savefig renders with Agg, no display needed
    return figure, [figure.add_subplot(1, ncols, i + 1) for i in range(ncols)]


def _log_if_spanning(ax: Axes, values: Sequence[float]) -> None:
    """Log-scale the y axis when the positive finite values span more than LOG_SPAN."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if positive and max(positive) / min(positive) > LOG_SPAN:
        ax.set_yscale("log")


def _positive(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    """The points with y > 0: on a log axis a 0 would be clipped into a misleading plunge."""
    kept = [(x, y) for x, y in zip(xs, ys, strict=True) if y > 0]
    return [x for x, _ in kept], [y for _, y in kept]


def plot_single_weight(
    result: single_weight.Result, *, input: float, target: float
) -> tuple[Plot, Plot]:
    """Seed 002: the cost per step, and the steps walking down the parabola C(w) to y/i.

    `input` and `target` are the example's i and y; they define C(w) = (i·w - y)².
    """
    limit = target / input
    steps = list(range(len(result.costs)))
    with _style():
        cost_fig, (ax,) = _figure()
        xs, ys = _positive(steps, result.costs)
        ax.plot(xs, ys, "o-", markersize=4, label="C(w_k) = (1.5·w_k - 0.5)²")
        _log_if_spanning(ax, ys)
        if len(xs) < len(steps):  # the float walk lands on 1/3 and C is exactly 0 from there
            zero_from = steps[len(xs)]
            ax.axvspan(zero_from - 0.5, steps[-1] + 0.5, color="C2", alpha=0.12)
            ax.text(
                (zero_from + steps[-1]) / 2,
                0.5,
                f"steps {zero_from}-{steps[-1]}:\nC = 0.0\nexactly\n(not drawn\non a log axis)",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="center",
            )
        ax.set_title("Seed 002, one weight: each step multiplies the cost by 0.3025")
        ax.set_xlabel("gradient-descent step k")
        ax.set_ylabel("cost C (squared output error)")

        walk_fig, (ax,) = _figure()
        weights = result.weights[: len(result.costs)]
        left, right = min(*weights, limit) - 0.25, max(*weights, limit) + 0.1
        ws = [left + (right - left) * j / 200 for j in range(201)]
        ax.plot(ws, [(input * w - target) ** 2 for w in ws], color="0.6", label="C(w)")
        ax.plot(
            weights,
            result.costs,
            "o-",
            color="C3",
            markersize=5,
            label="w_k after step k (r = 0.1)",
        )
        ax.axvline(limit, color="C2", linestyle="--", label="fixed point w = y/i = 1/3")
        ax.annotate(
            f"w0 = {weights[0]:g}, C = {result.costs[0]:.2f}",
            xy=(weights[0], result.costs[0]),
            xytext=(-20, -5),
            textcoords="offset points",
            ha="right",
        )
        if len(weights) > 1:
            ax.annotate(
                f"w1 = {weights[1]:g}",
                xy=(weights[1], result.costs[1]),
                xytext=(-12, 6),
                textcoords="offset points",
                ha="right",
            )
        ax.annotate(
            "1/3: a = 1.5·w = y = 0.5",
            xy=(limit, 0.0),
            xytext=(10, 30),
            textcoords="offset points",
            arrowprops={"arrowstyle": "->"},
        )
        ax.set_title("Seed 002, one weight: each step lands 0.55 times as far from 1/3")
        ax.set_xlabel("weight w")
        ax.set_ylabel("cost C(w) = (1.5·w - 0.5)²")
        ax.legend(loc="upper center")
    return Plot("single-weight-cost", cost_fig), Plot("single-weight-parabola", walk_fig)


def plot_inverter(result: inverter.Result) -> tuple[Plot, Plot]:
    """Seed 004: E per update, and both weights with their product w_ih·w_ho heading to -1."""
    lr = f"η = {result.lr:g}" + ("" if result.converged else ", never converged")
    with _style():
        error_fig, (ax,) = _figure()
        updates = list(range(len(result.errors)))
        xs, ys = _positive(updates, result.errors)
        ax.plot(xs, ys, "-", label="E")
        _log_if_spanning(ax, ys)
        ax.set_title(f"Seed 004, the inverter: error per update ({lr})")
        ax.set_xlabel("update (both weights at once)")
        ax.set_ylabel("error E = ½(out - Y)²")

        weights_fig, (ax,) = _figure()
        steps = list(range(len(result.weights)))
        w_ih = [w for w, _ in result.weights]
        w_ho = [w for _, w in result.weights]
        ax.plot(steps, w_ih, label="w_ih (input → hidden)")
        ax.plot(steps, w_ho, label="w_ho (hidden → output)")
        ax.plot(
            steps, [a * b for a, b in result.weights], linestyle="--", label="w_ih·w_ho (the map)"
        )
        ax.axhline(-1.0, color="gray", linestyle=":", label="-1: out = -x inverts")
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_title(f"Seed 004, the inverter: both weights over training ({lr})")
        ax.set_xlabel("update")
        ax.set_ylabel("weight (dimensionless)")
        ax.legend(loc="center right")
    return Plot("inverter-error", error_fig), Plot("inverter-weights", weights_fig)


def xor_surface(
    w_ih: Sequence[Sequence[float]], w_ho: Sequence[float], *, per_unit: int = XOR_GRID
) -> tuple[list[float], list[list[float]]]:
    """The trained network's output on a grid over [-0.5, 1.5]²: (coordinates, rows[y][x]).

    Coordinates are k/per_unit - 0.5, so 0 and 1 are hit exactly and the surface at the four
    training points is the run's final outputs. The network is rebuilt with the library's MLP.
    """
    hidden = [[w_ih[0][j], w_ih[1][j]] for j in range(len(w_ho))]
    model = MLP(2, [len(w_ho), 1], bias=False, weights=[hidden, [list(w_ho)]])
    offset = per_unit // 2
    coords = [(k - offset) / per_unit for k in range(2 * per_unit + 1)]

    def out(x0: float, x1: float) -> float:
        o = model([x0, x1])
        assert isinstance(o, Value)  # one output neuron
        return o.data

    return coords, [[out(x0, x1) for x0 in coords] for x1 in coords]


def plot_xor(
    talk: xor.Result,
    seeded: xor.Result | None = None,
    *,
    inputs: Sequence[tuple[float, float]],
    targets: Sequence[float],
) -> tuple[Plot, Plot]:
    """Seed 003: the error per iteration, and the decision surface of the talk run's network.

    `inputs`/`targets` are the four training rows, marked and labelled on the surface.
    """
    with _style():
        error_fig, (ax,) = _figure()
        runs = [("the talk's weights", talk)] + (
            [("random.Random(1) weights", seeded)] if seeded else []
        )
        for label, run in runs:
            iterations = list(range(1, len(run.errors) + 1))
            xs, ys = _positive(iterations, run.errors)
            ax.plot(xs, ys, "o-", markersize=3, label=label)
        _log_if_spanning(ax, [e for _, run in runs for e in run.errors])
        ax.set_title("Seed 003, XOR: error per iteration (per-sample SGD, lr 0.1)")
        ax.set_xlabel("iteration (one pass over the 4 rows)")
        ax.set_ylabel("error Σ(o - t)² over the 4 rows")
        ax.legend()

        surface_fig, (ax,) = _figure()
        coords, rows = xor_surface(talk.w_ih, talk.w_ho)
        half = (coords[1] - coords[0]) / 2  # pixel centres sit on the grid points
        extent = (coords[0] - half, coords[-1] + half, coords[0] - half, coords[-1] + half)
        image = ax.imshow(rows, origin="lower", extent=extent, cmap="coolwarm", vmin=0.0, vmax=1.0)
        surface_fig.colorbar(image, ax=ax, extend="both", label="network output o")
        ax.contour(coords, coords, rows, levels=[0.5], colors="black", linewidths=1.5)
        for (x0, x1), t in zip(inputs, targets, strict=True):
            ax.plot(x0, x1, "o", markersize=11, color="white", markeredgecolor="black")
            ax.annotate(
                f"({x0:g}, {x1:g}) → t = {t:g}",
                xy=(x0, x1),
                xytext=(0, 12),
                textcoords="offset points",
                ha="center",
                bbox={"boxstyle": "round", "fc": "white", "alpha": 0.85},
            )
        ax.set_title("Seed 003, XOR: the trained net's output (black: o = 0.5)")
        ax.set_xlabel("input x0")
        ax.set_ylabel("input x1")
        ax.grid(False)
    return Plot("xor-error", error_fig), Plot("xor-surface", surface_fig)


def plot_adding_neuron(
    regularised: adding_neuron.Result, plain: adding_neuron.Result | None = None
) -> tuple[Plot]:
    """Seeds 000/001: test accuracy after each epoch, with and without the article's update."""
    with _style():
        figure, (ax,) = _figure()
        ax.plot(
            [e.epoch for e in regularised.epochs],
            [e.percent for e in regularised.epochs],
            "o-",
            markersize=7,
            label="regularised: w ← w - lr·(grad - w)",
        )
        for e in regularised.epochs:
            if e.percent < 100:
                ax.annotate(
                    f"{e.percent:g}",
                    xy=(e.epoch, e.percent),
                    xytext=(8, -12),
                    textcoords="offset points",
                )
        if plain is not None:
            ax.plot(
                [e.epoch for e in plain.epochs],
                [e.percent for e in plain.epochs],
                "s--",
                markersize=5,
                label="plain SGD: w ← w - lr·grad",
            )
        epochs = [e.epoch for e in regularised.epochs]
        ax.set_xticks(epochs)
        ax.set_ylim(min(40.0, *(e.percent - 5 for e in regularised.epochs)), 103.0)
        ax.set_title("Seeds 000/001, the adding neuron: test accuracy per epoch")
        ax.set_xlabel("epoch (one pass over the training rows)")
        ax.set_ylabel("accuracy (% of test rows within 0.01 %)")
        ax.legend(loc="lower right")
    return (Plot("adding-neuron-accuracy", figure),)


def save(plots: Sequence[Plot], directory: Path) -> list[Path]:
    """Write each plot as `directory/<name>.png` (the directory is created); return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for plot in plots:
        path = directory / f"{plot.name}.png"
        plot.figure.savefig(path, dpi=DPI)
        paths.append(path)
    return paths
