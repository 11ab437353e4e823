"""The inverter article's pictures: the error per update, and both weights, their product to -1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from micrograd_lite.plots.figure import Plot, log_if_spanning, new_figure, positive_points, styled

if TYPE_CHECKING:  # the worked examples sit beside plots (layer 8), so types only
    from micrograd_lite.worked import inverter


def plot_inverter(result: inverter.Result) -> tuple[Plot, Plot]:
    """E per update, and both weights with their product w_ih·w_ho heading to -1."""
    lr = f"η = {result.lr:g}" + ("" if result.converged else ", never converged")
    with styled():
        error_fig, (ax,) = new_figure()
        updates = list(range(len(result.errors)))
        xs, ys = positive_points(updates, result.errors)
        ax.plot(xs, ys, "-", label="E")
        log_if_spanning(ax, ys)
        ax.set_title(f"The inverter: error per update ({lr})")
        ax.set_xlabel("update (both weights at once)")
        ax.set_ylabel("error E = ½(out - Y)²")

        weights_fig, (ax,) = new_figure()
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
        ax.set_title(f"The inverter: both weights over training ({lr})")
        ax.set_xlabel("update")
        ax.set_ylabel("weight (dimensionless)")
        ax.legend(loc="center right")
    return Plot("inverter-error", error_fig), Plot("inverter-weights", weights_fig)
