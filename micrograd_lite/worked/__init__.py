"""Four articles' worked examples, one module per article, reproduced through the library.

Each module builds its network from `Value`/`Neuron`/`Layer`/`MLP`, trains it with `backward()`
and the article's hyperparameters, and has `run() -> Result` (figures, never printed),
`report(...) -> Report` (the article's figures beside ours) and `compare(options) -> Report`.
A report counts apart the figures an article prints and the references derived for it (†),
and names the file under docs/worked/ that derives them.
`EXAMPLES` lists them by the names the CLI takes (`micrograd-lite examples xor inverter`); the
other modules (report, divergence, inverter_stability, seedrandom, adding_neuron_training)
are the examples' helpers.

    >>> list(EXAMPLES)
    ['single-weight', 'inverter', 'xor', 'adding-neuron']
    >>> EXAMPLES["inverter"].compare(Options()).ok
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from micrograd_lite.worked import adding_neuron, inverter, single_weight, xor
from micrograd_lite.worked.report import (
    Figure,
    Options,
    Report,
    Section,
    format_headline,
    format_report,
    summary,
)


@dataclass(frozen=True)
class Example:
    """A worked example: its CLI name, what it shows, its runs, and the report of them.

    `results(options)` returns the runs' Result objects (for plots and tests);
    `report_from(options, results)` compares them with the article.
    """

    name: str
    summary: str
    results: Callable[[Options], tuple[Any, ...]]
    report_from: Callable[[Options, tuple[Any, ...]], Report]
    slow: bool = False  # minutes rather than seconds
    rate: str = ""  # what `--lr` sets in this example ("" when it takes no learning rate)

    def compare(self, options: Options) -> Report:
        """Run and compare with the article."""
        return self.report_from(options, self.results(options))


EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        Example(
            "single-weight",
            '"Understanding Neural Network Backpropagation Learning Algorithm": one weight, '
            "a = 1.5·w, converges to 1/3",
            single_weight.results,
            lambda options, runs: single_weight.report(*runs),
            rate="r (default 0.1)",
        ),
        Example(
            "inverter",
            '"Backpropagation and Gradient Descent": a 1-1-1 linear net learns to invert its '
            "input (--lr sets η)",
            inverter.results,
            lambda options, runs: inverter.report(*runs),
            rate="η (default 0.1)",
        ),
        Example(
            "xor",
            'Tom Martin\'s "Neural networks from scratch": a bias-free 2-3-1 ReLU net learns XOR',
            xor.results,
            lambda options, runs: xor.report(*runs),
            rate="lr on (o - t)², the talk's alpha = 2·lr (default 0.1)",
        ),
        Example(
            "adding-neuron",
            'Rodney Pilgrim\'s "Learning from Backpropagation": a neuron learns to add, '
            "2 runs x 5,000,000 updates",
            adding_neuron.results,
            lambda options, runs: adding_neuron.report(*runs, engine=options.engine),
            slow=True,
        ),
    )
}

__all__ = [
    "EXAMPLES",
    "Example",
    "Figure",
    "Options",
    "Report",
    "Section",
    "format_headline",
    "format_report",
    "summary",
]
