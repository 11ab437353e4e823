"""The frame every picture shares: matplotlib on demand, one size and style, PNG files.

matplotlib is the optional `plot` extra and is imported only when a picture is drawn:
`micrograd_lite` imports without it, and drawing without it raises a `ModuleNotFoundError`
that says `pip install 'micrograd_lite[plot]'`. Figures are built with matplotlib's object
API on an Agg canvas, never through pyplot, so plotting neither needs a display nor touches a
notebook's global backend or figure list.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INSTALL = "pip install 'micrograd_lite[plot]'"
SIZE = (8.0, 5.0)  # inches; at DPI this is 800 x 500 px, legible when projected
DPI = 100
LOG_SPAN = 100.0  # a y axis whose positive values span more than this ratio goes log-scale


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
def styled() -> Iterator[None]:
    """Draw inside this: matplotlib is imported (or its extra named) and the talk style applies."""
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


def new_figure(ncols: int = 1) -> tuple[Figure, list[Axes]]:
    """A SIZE figure at DPI on its own Agg canvas, with `ncols` axes side by side."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=DPI, layout="tight")
    FigureCanvasAgg(figure)  # attaches itself: savefig renders with Agg, no display needed
    return figure, [figure.add_subplot(1, ncols, i + 1) for i in range(ncols)]


def log_if_spanning(ax: Axes, values: Sequence[float]) -> None:
    """Log-scale the y axis when the positive finite values span more than LOG_SPAN."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if positive and max(positive) / min(positive) > LOG_SPAN:
        ax.set_yscale("log")


def positive_points(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    """The points with y > 0: on a log axis a 0 would be clipped into a misleading plunge."""
    kept = [(x, y) for x, y in zip(xs, ys, strict=True) if y > 0]
    return [x for x, _ in kept], [y for _, y in kept]


def save(plots: Sequence[Plot], directory: Path) -> list[Path]:
    """Write each plot as `directory/<name>.png` (the directory is created); return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for plot in plots:
        path = directory / f"{plot.name}.png"
        plot.figure.savefig(path, dpi=DPI)
        paths.append(path)
    return paths
