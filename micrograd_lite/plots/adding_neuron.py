"""Seeds 000/001's picture: test accuracy per epoch, with and without the article's update."""

from __future__ import annotations

from typing import TYPE_CHECKING

from micrograd_lite.plots.figure import Plot, new_figure, styled

if TYPE_CHECKING:  # matplotlib is imported only to draw; worked sits beside plots (layer 8)
    from matplotlib.axes import Axes

    from micrograd_lite.worked import adding_neuron


def plot_adding_neuron(
    regularised: adding_neuron.Result, plain: adding_neuron.Result | None = None
) -> tuple[Plot]:
    """Seeds 000/001: test accuracy after each epoch, with and without the article's update."""
    with styled():
        figure, (ax,) = new_figure()
        _accuracy(ax, regularised, "o-", 7, "regularised: w ← w - lr·(grad - w)")
        for e in regularised.epochs:
            if e.percent < 100:
                ax.annotate(
                    f"{e.percent:g}",
                    xy=(e.epoch, e.percent),
                    xytext=(8, -12),
                    textcoords="offset points",
                )
        if plain is not None:
            _accuracy(ax, plain, "s--", 5, "plain SGD: w ← w - lr·grad")
        epochs = [e.epoch for e in regularised.epochs]
        ax.set_xticks(epochs)
        ax.set_ylim(min(40.0, *(e.percent - 5 for e in regularised.epochs)), 103.0)
        ax.set_title("The adding neuron: test accuracy per epoch")
        ax.set_xlabel("epoch (one pass over the training rows)")
        ax.set_ylabel("accuracy (% of test rows within 0.01 %)")
        ax.legend(loc="lower right")
    return (Plot("adding-neuron-accuracy", figure),)


def _accuracy(ax: Axes, run: adding_neuron.Result, style: str, size: float, label: str) -> None:
    """One run's line: its test accuracy after each epoch."""
    epochs, percents = [e.epoch for e in run.epochs], [e.percent for e in run.epochs]
    ax.plot(epochs, percents, style, markersize=size, label=label)
