"""Pictures of the worked examples: each plot function turns a run's `Result` into figures.

Nothing here trains: the plot functions take the figures a run already produced (the same ones
its comparison table prints), so a picture cannot disagree with the table beside it. The one
computation is the XOR decision surface, evaluated with the library's own `MLP` from the
trained weights, so the surface passes through the run's final outputs exactly.

`figure` holds what every picture shares (matplotlib imported on demand, size, style, `save`);
one module per worked example draws its pictures. matplotlib is the optional `plot` extra:
`micrograd_lite` imports without it, and drawing without it raises a `ModuleNotFoundError`
that says `pip install 'micrograd_lite[plot]'`.

    >>> from micrograd_lite.worked import inverter
    >>> plots = plot_inverter(inverter.run())
    >>> [p.name for p in plots]
    ['inverter-error', 'inverter-weights']
"""

from micrograd_lite.plots.adding_neuron import plot_adding_neuron
from micrograd_lite.plots.figure import DPI, INSTALL, LOG_SPAN, SIZE, Plot, require_matplotlib, save
from micrograd_lite.plots.inverter import plot_inverter
from micrograd_lite.plots.single_weight import plot_single_weight
from micrograd_lite.plots.xor import XOR_GRID, plot_xor, xor_surface

# plots.py's public names before it became this package, so their import paths keep working
__all__ = [
    "DPI",
    "INSTALL",
    "LOG_SPAN",
    "SIZE",
    "XOR_GRID",
    "Plot",
    "plot_adding_neuron",
    "plot_inverter",
    "plot_single_weight",
    "plot_xor",
    "require_matplotlib",
    "save",
    "xor_surface",
]
