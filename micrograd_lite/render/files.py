"""Rasterise a picture with Graphviz's `dot` program: SVG text, or a file chosen by its suffix.

This is the only code that runs `dot`: `render.dot` builds the DOT text without it. When `dot`
is not on PATH, the error is graphviz's own `ExecutableNotFound` (so callers' `except` clauses
still work), but its message names the command that installs Graphviz, and the DOT-text way
around it.
"""

from __future__ import annotations

import pathlib
from typing import Any

import graphviz

from micrograd_lite.render.dot import draw_dot
from micrograd_lite.value import Value

FORMATS = {".svg", ".png", ".pdf"}
INSTALL_HINT = (
    "Graphviz's `dot` program is needed to render {what}, but it is not on PATH. Install it "
    "with `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), or "
    "from https://graphviz.org/download/; or write DOT text instead, which needs no binary "
    "(`draw_dot(root).source`, or a path ending in .dot)."
)


def to_svg(root: Value, **draw_kwargs: Any) -> str:
    """The picture as SVG text (runs `dot`)."""
    g = draw_dot(root, **draw_kwargs)
    svg: str = _pipe(g, "svg", "SVG").decode("utf-8")
    return svg


def render_to_file(root: Value, path: str | pathlib.Path, **draw_kwargs: Any) -> pathlib.Path:
    """Write the picture to `path`, by suffix: .dot/.gv DOT text (no binary), .svg/.png/.pdf (dot).

    Parent directories are created. Returns the path written.
    """
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS | {".dot", ".gv"}:
        raise ValueError(
            f"render_to_file: unknown suffix {path.suffix!r} in {str(path)!r}; "
            "use .svg, .png, .pdf (need Graphviz's dot) or .dot/.gv (DOT text)"
        )
    g = draw_dot(root, **draw_kwargs)
    if suffix in FORMATS:
        data = _pipe(g, suffix[1:], str(path))  # before mkdir: a failure leaves no empty dirs
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(g.source, encoding="utf-8")
    return path


def _pipe(g: graphviz.Digraph, fmt_: str, what: str) -> bytes:
    try:
        data: bytes = g.pipe(format=fmt_)
    except graphviz.ExecutableNotFound as err:
        # graphviz's own class, so callers' `except ExecutableNotFound` still work
        missing = graphviz.ExecutableNotFound(["dot"])
        missing.args = (INSTALL_HINT.format(what=what),)
        raise missing from err
    return data
