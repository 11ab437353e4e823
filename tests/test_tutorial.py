"""The tutorial notebook runs headless from top to bottom, shows what it promises, and is saved
with the outputs it gives today, so a reader on a code host sees every printout and picture.

Saved and fresh outputs are compared as text: printouts as printed, pictures by their DOT text
(draw_dot's plain-text output), never by their SVG, which varies between Graphviz versions.
After changing the notebook or what it shows, save it with its new outputs:

    python tests/test_tutorial.py
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tutorial.ipynb"
PICTURE = "image/svg+xml"


def execute(notebook: Any) -> Any:
    """Run every cell in a fresh kernel, in the notebook's directory; a cell that raises makes
    this raise CellExecutionError (the test fails there). No timings: the saved file stays
    the same from run to run."""
    nbclient = pytest.importorskip("nbclient", reason="the `dev` extra runs the notebook")
    pytest.importorskip("ipykernel", reason="the `dev` extra runs the notebook")
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", record_timing=False
    )
    client.execute(cwd=str(NOTEBOOK.parent))
    return notebook


@pytest.fixture(scope="module")
def saved() -> Any:
    nbformat = pytest.importorskip("nbformat", reason="the `dev` extra reads the notebook")
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def executed(saved: Any) -> Any:
    nbformat = pytest.importorskip("nbformat")
    return execute(nbformat.from_dict(saved))  # a copy: `saved` keeps the file's outputs


def outputs(notebook: Any) -> list[dict[str, Any]]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def as_text(notebook: Any) -> list[list[tuple[str, str]]]:
    """Each code cell's outputs as (kind, text): a stream's text, or a result's plain text (for
    a picture, its DOT) and whether it carries a picture (its SVG is not compared)."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        shown: list[tuple[str, str]] = []
        for o in cell.outputs:
            if o.output_type == "stream":
                if shown and shown[-1][0] == o.name:  # a stream arrives in chunks that vary
                    shown[-1] = (o.name, shown[-1][1] + o.text)
                else:
                    shown.append((o.name, o.text))
            elif o.output_type in ("display_data", "execute_result"):
                kind = "picture" if PICTURE in o.data else o.output_type
                shown.append((kind, o.data.get("text/plain", "")))
            else:
                shown.append((o.output_type, f"{o.get('ename')}: {o.get('evalue')}"))
        cells.append(shown)
    return cells


def test_saved_with_the_outputs_it_gives_today(saved: Any, executed: Any) -> None:
    fresh = as_text(executed)
    assert sum(len(cell) for cell in fresh) >= 10
    for k, (was, now) in enumerate(zip(as_text(saved), fresh, strict=True)):
        assert was == now, f"code cell {k + 1} shows other outputs; run: python {__file__}"
    pictures = [o for o in outputs(saved) if PICTURE in o.get("data", {})]
    assert len(pictures) >= 5  # a reader without a kernel sees each graph


def test_every_cell_runs_without_error(executed: Any) -> None:
    assert not [o for o in outputs(executed) if o.get("output_type") == "error"]


def test_graphs_render_inline_as_svg(executed: Any) -> None:
    svgs = [o["data"][PICTURE] for o in outputs(executed) if PICTURE in o.get("data", {})]
    assert len(svgs) >= 5
    assert any("0.3135" in svg and "w_ih" in svg for svg in svgs)  # seed 004 after backward
    assert any("layers.0.neurons.3" in svg and "relu" not in svg for svg in svgs)  # tanh net
    assert any("layers.1.neurons.0.w.3" in svg for svg in svgs)  # expanded: its weights


def test_it_prints_the_chain_rule_and_the_checks(executed: Any) -> None:
    text = "".join(o.get("text", "") for o in outputs(executed))
    assert "dE/dw_ih = dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135" in text
    assert "PASS" in text and "FAIL: x" in text
    assert "22 of 22 figures match" in text


def main() -> None:
    """Rerun the notebook and save it with its outputs."""
    nbformat: Any = importlib.import_module("nbformat")
    notebook = execute(nbformat.read(NOTEBOOK, as_version=4))
    nbformat.write(notebook, NOTEBOOK)
    print(f"saved {NOTEBOOK} with {len(outputs(notebook))} outputs", file=sys.stderr)


if __name__ == "__main__":
    main()
