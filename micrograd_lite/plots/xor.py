"""The pictures of Tom Martin's XOR post: the error per iteration, the trained decision surface.

The surface is the one computation in plots: it is evaluated with the library's own `MLP` from
the trained weights, so it passes through the run's final outputs exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from micrograd_lite.nn import MLP
from micrograd_lite.plots.figure import Plot, log_if_spanning, new_figure, positive_points, styled
from micrograd_lite.value import Value

if TYPE_CHECKING:  # the worked examples sit beside plots (layer 8), so types only
    from micrograd_lite.worked import xor

XOR_GRID = 80  # surface samples per unit: 161 x 161 points over [-0.5, 1.5]², ~0.4 s to evaluate


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
    """the error per iteration, and the decision surface of the talk run's network.

    `inputs`/`targets` are the four training rows, marked and labelled on the surface.
    """
    with styled():
        error_fig, (ax,) = new_figure()
        runs = [("the talk's weights", talk)] + (
            [("random.Random(1) weights", seeded)] if seeded else []
        )
        for label, run in runs:
            iterations = list(range(1, len(run.errors) + 1))
            xs, ys = positive_points(iterations, run.errors)
            ax.plot(xs, ys, "o-", markersize=3, label=label)
        log_if_spanning(ax, [e for _, run in runs for e in run.errors])
        ax.set_title("XOR: error per iteration (per-sample SGD, lr 0.1)")
        ax.set_xlabel("iteration (one pass over the 4 rows)")
        ax.set_ylabel("error Σ(o - t)² over the 4 rows")
        ax.legend()

        surface_fig, (ax,) = new_figure()
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
        ax.set_title("XOR: the trained net's output (black: o = 0.5)")
        ax.set_xlabel("input x0")
        ax.set_ylabel("input x1")
        ax.grid(False)
    return Plot("xor-error", error_fig), Plot("xor-surface", surface_fig)
