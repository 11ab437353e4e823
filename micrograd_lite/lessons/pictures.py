"""A lesson's graph as files a student opens: the picture (SVG, or DOT text when Graphviz's
`dot` is missing) and the page that steps through its forward and backward pass.

    >>> import tempfile, pathlib
    >>> from micrograd_lite import Value
    >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     lines = write_pictures(y, pathlib.Path(d), "demo", dot=False)
    ...     print(lines[0].replace(d, "DIR"))
    graph (DOT text: Graphviz's dot was not asked for): DIR/demo.dot
"""

from __future__ import annotations

import pathlib
import shutil

from micrograd_lite.play import play
from micrograd_lite.render import render_to_file
from micrograd_lite.value import Value


def write_pictures(
    root: Value, directory: pathlib.Path, name: str, *, dot: bool | None = None
) -> list[str]:
    """Write `name`.svg and `name`.html (the player) into `directory` when `dot` is available
    (or `dot=True`), else `name`.dot; return the lines that tell the student where they are.
    The picture shows each node's data, grad and op and each edge's local derivative, as after
    one backward() (run here on the graph, whose grads start at zero)."""
    directory.mkdir(parents=True, exist_ok=True)
    if dot is None:
        dot = shutil.which("dot") is not None
    if not dot:
        path = render_to_file(root, directory / f"{name}.dot")
        why = (
            "Graphviz's dot was not asked for"
            if shutil.which("dot")
            else "Graphviz's dot is not installed; `dot -Tsvg` turns it into a picture"
        )
        return [f"graph (DOT text: {why}): {path}"]
    player = play(root).save(directory / f"{name}.html")  # before backward: it steps from zero
    root.backward()
    picture = render_to_file(root, directory / f"{name}.svg")
    return [
        f"graph, after backward() (open it in a browser): {picture}",
        f"step through the forward and backward pass, node by node: {player}",
    ]
