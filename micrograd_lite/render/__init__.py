"""Render a computation graph as a Graphviz picture from which the chain rule can be read.

Every Value is a record box `label | data | grad`; every op is its own small node, with one
cell per incoming edge: the edge lands on its cell, which holds the local derivative
d(out)/d(input) (the rule from the op table is the edge's tooltip). Backprop is then visible
edge by edge: a Value's grad is the sum, over the edges leaving it, of (local derivative where
the edge lands) x (grad of the op's result), e.g. for E = 1/2 (out - Y)^2 with w_ho = 0.3 and
h = 0.15:  dE/dw_ho = 0.15 x 1.045 = 0.1567. A network's parameters are recognised by the
names a Module gave them (`layers.0.neurons.3.w.1`); a graph too big to draw Value by Value
is drawn one box per neuron, its weights on hover.

* `dot`: `draw_dot` builds a `graphviz.Digraph`, pure DOT text, no `dot` binary needed
  (`.source`, `to_dot`); in Jupyter it displays inline as SVG (graphviz's own repr, which does
  run `dot`). Node ids are topological indices (`n0`, `n1`, ...; never `id()`): the same graph
  gives the same DOT text, so pictures can be snapshot-tested.
* `boxes`: what each drawn Value becomes (its box, op node and labelled edges).
* `collapse`: big graphs are collapsed before `dot` sees them (`max_nodes`, `groups`).
* `neurons`: which Values each neuron made (`find_neurons`, from parameter names, for the
  neuron view; `neuron_groups`, from a model's layers, for `groups=`).
* `emit`: writes the plan as DOT: the boxes, op nodes with their ports, neuron boxes, legend.
* `files`: `to_svg` and `render_to_file` run `dot`; if it is missing the error says how to
  install it.

`dot`, `emit` and `files` are the only modules of the package that import `graphviz`.
"""

from micrograd_lite.render.boxes import Kind, fmt
from micrograd_lite.render.dot import (
    EDGE_LEGEND,
    HIGHLIGHT,
    LEGEND,
    NODE_STYLE,
    HasParameters,
    draw_dot,
    to_dot,
)
from micrograd_lite.render.files import FORMATS, INSTALL_HINT, render_to_file, to_svg
from micrograd_lite.render.neurons import neuron_groups

# render.py's public names before it became this package, so their import paths keep working
__all__ = [
    "EDGE_LEGEND",
    "FORMATS",
    "HIGHLIGHT",
    "INSTALL_HINT",
    "LEGEND",
    "NODE_STYLE",
    "HasParameters",
    "Kind",
    "draw_dot",
    "fmt",
    "neuron_groups",
    "render_to_file",
    "to_dot",
    "to_svg",
]
