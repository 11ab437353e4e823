"""Regenerate docs/graph.svg, the README's picture: seed article 004's network after backward().

    python docs/make_graph.py

X = 1 -> h = X * w_ih -> out = h * w_ho, error E = 1/2 (out - Y)^2 with Y = -1, w_ih = 0.15,
w_ho = 0.3. The picture shows out = 0.045, dE/dout = 1.045, dE/dw_ih = 0.3135 and
dE/dw_ho = 0.1567, each edge into an op labelled with its local derivative.
"""

from __future__ import annotations

from pathlib import Path

from micrograd_lite import Value
from micrograd_lite.render import render_to_file

HERE = Path(__file__).resolve().parent


def build() -> tuple[Value, list[Value]]:
    """E of seed 004's 1-1-1 linear network after backward(), and its two weights."""
    x = Value(1.0, label="X")
    w_ih = Value(0.15, label="w_ih")
    w_ho = Value(0.3, label="w_ho")
    h = x * w_ih
    h.label = "h"
    out = h * w_ho
    out.label = "out"
    e = 0.5 * (out - -1.0) ** 2
    e.label = "E"
    e.backward()
    return e, [w_ih, w_ho]


def main() -> Path:
    e, weights = build()
    path = render_to_file(e, HERE / "graph.svg", params=weights, legend=True)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
