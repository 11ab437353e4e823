"""Seeds 000/001's picture: test accuracy per epoch, with and without the article's update."""

from __future__ import annotations

from typing import TYPE_CHECKING

from micrograd_lite.plots.figure import Plot, new_figure, styled

if TYPE_CHECKING:  # the worked examples sit beside plots (layer 8), so types only
    from micrograd_lite.worked import adding_neuron


def plot_adding_neuron(
    regularised: adding_neuron.Result, plain: adding_neuron.Result | None = None
) -> tuple[Plot]:
    """Seeds 000/001: test accuracy after each epoch, with and without the article's update."""
    with styled():
        figure, (ax,) = new_figure()
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
