"""Render one neuron's computation graph after backward(), to read the chain rule off the picture.

    python examples/render_graph.py                  # writes out/neuron.svg (out/neuron.dot
    python examples/render_graph.py pics/n.png       # when Graphviz's `dot` is not installed)

The neuron is micrograd's lecture example: o = tanh(x1*w1 + x2*w2 + b) with x1 = 2, x2 = 0,
w1 = -3, w2 = 1 and b = 6.8813735870195432, so that o = tanh(0.8814) = 0.7071. It is built as one
fused `affine` node and drawn expanded into micrograd's `*` and `+` nodes. On each edge into an op
sits the local derivative; multiply along the red path from o back to w1 to get dO/dw1:
(1 - o^2) * 1 * 1 * x1 = 0.5 * 2 = 1.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from micrograd_lite import Neuron, Value
from micrograd_lite.render import render_to_file


def build() -> tuple[Neuron, Value]:
    """The neuron and its output `o`, after `o.backward()`."""
    neuron = Neuron(2, weights=[-3.0, 1.0], bias=6.8813735870195432, activation="tanh")
    neuron.w[0].label, neuron.w[1].label = "w1", "w2"
    assert neuron.b is not None
    neuron.b.label = "b"
    o = neuron([Value(2.0, label="x1"), Value(0.0, label="x2")])
    o.label = "o"
    o.backward()
    return neuron, o


def main(argv: Sequence[str] | None = None) -> Path:
    """Write the picture to argv[0] (default out/neuron.svg), or DOT text if `dot` is missing."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0] if args else "out/neuron.svg")
    if path.suffix not in (".dot", ".gv") and shutil.which("dot") is None:
        print("Graphviz's `dot` is not installed (apt-get install graphviz / brew install "
              "graphviz); writing DOT text instead.")  # fmt: skip
        path = path.with_suffix(".dot")
    neuron, o = build()
    written = render_to_file(
        o, path, params=neuron, expand_fused=True, legend=True, highlight=neuron.w[0]
    )
    print(f"o = {o.data:.4f}; dO/dw1 = {neuron.w[0].grad:.4f}, dO/dw2 = {neuron.w[1].grad:.4f}")
    print(f"wrote {written}")
    return written


if __name__ == "__main__":
    main()
