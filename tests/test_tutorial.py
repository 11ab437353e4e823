"""The tutorial notebook runs headless from top to bottom and shows what it promises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tutorial.ipynb"


@pytest.fixture(scope="module")
def executed() -> Any:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # a cell that raises makes execute() raise CellExecutionError: the test fails there
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute(
        cwd=str(NOTEBOOK.parent)
    )
    return notebook


def outputs(notebook: Any) -> list[dict[str, Any]]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def test_committed_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_every_cell_runs_without_error(executed: Any) -> None:
    assert not [o for o in outputs(executed) if o.get("output_type") == "error"]


def test_graphs_render_inline_as_svg(executed: Any) -> None:
    svgs = [
        o["data"]["image/svg+xml"]
        for o in outputs(executed)
        if "image/svg+xml" in o.get("data", {})
    ]
    assert len(svgs) >= 3
    assert any("0.3135" in svg and "w_ih" in svg for svg in svgs)  # seed 004 after backward


def test_it_prints_the_chain_rule_and_the_checks(executed: Any) -> None:
    text = "".join(o.get("text", "") for o in outputs(executed))
    assert "dE/dw_ih = dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135" in text
    assert "PASS" in text and "FAIL: x" in text
    assert "22 of 22 figures match" in text
