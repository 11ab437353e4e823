"""The tutorial notebook runs headless from top to bottom, shows what it promises, and is saved
with the outputs it gives today, so a reader on a code host sees every printout and picture.

Saved and fresh outputs are compared as text: printouts as printed, pictures by their DOT text
(draw_dot's plain-text output), never by their SVG, which varies between Graphviz versions.
After changing the notebook or what it shows, save it with its new outputs:

    python tests/test_tutorial.py
"""

from __future__ import annotations

import importlib
import re
import sys
from fractions import Fraction
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
    assert any("0.3135" in svg and "w_ih" in svg for svg in svgs)  # the inverter after backward
    assert any("layers.0.neurons.3" in svg and "relu" not in svg for svg in svgs)  # tanh net
    assert any("layers.1.neurons.0.w.3" in svg for svg in svgs)  # expanded: its weights
    assert any("w_ih_B3" in svg and "H3" in svg for svg in svgs)  # the XOR net, Value by Value


def test_it_prints_the_chain_rule_and_the_checks(executed: Any) -> None:
    text = "".join(o.get("text", "") for o in outputs(executed))
    # the inverter's chain: every step a factor (a long headline puts its numbers on a second
    # line), each named by its rule in the notebook's labels
    lines = text.splitlines()
    (at,) = [k for k, line in enumerate(lines) if line.startswith("dE/dw_ih = ")]
    headline = lines[at] + (lines[at + 1] if lines[at + 1].lstrip().startswith("= ") else "")
    assert all(number in headline for number in ("0.5", "2.09", "0.3", "0.3135"))
    assert "dout/dh = w_ho = 0.3" in text
    assert "PASS" in text and "FAIL: x" in text


# The article lessons: (heading, what the section must print), the figures from
# worked-examples.md or from exact algebra done here.
ARTICLES = {
    "single weight": '## 9. "Understanding Neural Network Backpropagation Learning Algorithm"',
    "inverter": '## 10. "Backpropagation and Gradient Descent"',
    "xor": '## 11. Tom Martin, "Neural networks from scratch", part 2',
    "adding neuron": '## 12. Rodney Pilgrim, "Learning from Backpropagation" (February 21, 2019)',
}
ACCUMULATION = "## 13. Why gradients add up"


def sections(notebook: Any) -> dict[str, tuple[str, str]]:
    """Each `## ` section's heading line -> (its markdown, its code cells' printed text)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    markdown: list[str] = []
    printed: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            markdown, printed = [], []
            found[cell.source.splitlines()[0]] = (markdown, printed)
        if cell.cell_type == "markdown":
            markdown.append(cell.source)
        else:
            printed += [o.get("text", "") for o in cell.outputs]
    return {h: ("\n".join(m), "".join(p)) for h, (m, p) in found.items()}


def section(notebook: Any, heading: str) -> tuple[str, str]:
    matches = [v for h, v in sections(notebook).items() if h.startswith(heading)]
    assert len(matches) == 1, f"one section headed {heading!r}, found {len(matches)}"
    return matches[0]


def test_a_lesson_per_article_then_accumulation(saved: Any) -> None:
    headings = list(sections(saved))
    lessons = [*ARTICLES.values(), ACCUMULATION]
    places = [next(k for k, h in enumerate(headings) if h.startswith(x)) for x in lessons]
    assert places == sorted(places)  # in this order, one section each
    for heading in ARTICLES.values():
        markdown, printed = section(saved, heading)
        assert "| the article" in markdown  # the notation table
        assert "### Exercises" in markdown and "**Sources.**" in markdown
        assert "PASS" in printed  # the article's hand formula, through gradcheck


def test_every_figure_of_each_lesson_matches_its_article(saved: Any) -> None:
    for heading in ARTICLES.values():
        _, printed = section(saved, heading)
        counts = re.findall(r"(\d+) of (\d+) (?:printed figures|derived references) match", printed)
        assert counts and all(a == b for a, b in counts), (heading, counts)


def test_the_single_weight_lesson(saved: Any) -> None:
    _, printed = section(saved, ARTICLES["single weight"])
    factor = 1 - 2 * Fraction("0.1") * Fraction("1.5") ** 2  # 1 - 2·r·i²
    assert factor == Fraction(11, 20)
    assert f"1 - 2·r·i² = 11/20 = {float(factor)};  w_k - 1/3 = (7/15)·0.55^k" in printed
    assert "by hand: w1 = 0.8 - 0.1 · 2.1 = 0.59\nlibrary: w1 = 0.59\n" in printed
    assert "1/i² = 4/9" in printed  # the largest stable learning rate
    assert "within 1e-6 of 1/3 after 22 steps" in printed


def test_the_inverter_lesson(saved: Any) -> None:
    _, printed = section(saved, ARTICLES["inverter"])
    grad = "0.31349999999999995"  # worked-examples.md: dE/dw_ih at step 0, bit-exact
    assert f"(out - Y)·w_ho·X = {grad} in floats; w_ih.grad = {grad}" in printed
    assert "1.045 is out - Y = 0.045 - (-1)" in printed
    by_hand = "w_ih⁺ = 0.15 - 0.1 · 0.3135 = 0.11865,  w_ho⁺ = 0.3 - 0.1 · 0.15675 = 0.284325"
    assert f"{by_hand}\nlibrary: (0.11865, 0.284325)" in printed  # worked-examples.md, η = 0.1
    assert "89 updates" in printed
    assert "η = 0.99: converged True" in printed and "η = 1.0: converged False" in printed
    assert "<-- FAIL" in printed  # the exercise's wrong attempt is shown failing


def test_the_xor_lesson(saved: Any) -> None:
    _, printed = section(saved, ARTICLES["xor"])
    steps = re.search(r"alpha / lr = 2\.0; talk's step (\S+), ours (\S+)", printed)
    assert steps is not None and steps[1] == steps[2]  # alpha·H·δ is lr·dE/dw, bit for bit
    assert "on (O - t)²:  FAIL" in printed and "on ½(O - t)²: PASS" in printed
    assert "z3 = -0.03392, dH3/dz3 = 0.0" in printed  # the dead unit on [0, 1]
    assert "{'w_ih_A3': 0.0, 'w_ih_B3': 0.0, 'w_ho3': 0.0}" in printed


def test_the_adding_neuron_lesson(saved: Any) -> None:
    _, printed = section(saved, ARTICLES["adding neuron"])
    w_star = Fraction(35000, 34997)
    assert repr(float(w_star)) == "1.0000857216332828"  # worked-examples.md
    assert f"w* = {w_star} = {float(w_star)!r} for both weights" in printed
    assert "epoch 1: w0 - 1 = 1.400e-04" in printed and "both within: True   100.0%" in printed
    assert "w* = 350/347" in printed  # the exercise: inputs on (0, 10)
    for line in ("23744/50000(47.49%)", "46947/50000(93.89%)"):
        assert line in printed  # the article's accuracy lines


def test_the_accumulation_section(saved: Any) -> None:
    _, printed = section(saved, ACCUMULATION)
    assert "after backward() call 1: a.grad = 32.0, e.grad = 8.0" in printed
    assert "after backward() call 2: a.grad = 64.0, e.grad = 8.0" in printed  # leaves doubled
    warning = "was backward() called exactly once since the grads were zeroed?"
    assert printed.count(warning) == 2  # after two backward() calls, and in the loop
    assert "|root| = 1.000000000000000" in printed  # the swing without zero_grad never shrinks


def test_articles_are_named_by_title_never_by_seed_number(saved: Any) -> None:
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert not re.search(r"seed (article )?0\d\d", text, flags=re.IGNORECASE)


def main() -> None:
    """Rerun the notebook and save it with its outputs."""
    nbformat: Any = importlib.import_module("nbformat")
    notebook = execute(nbformat.read(NOTEBOOK, as_version=4))
    nbformat.write(notebook, NOTEBOOK)
    print(f"saved {NOTEBOOK} with {len(outputs(notebook))} outputs", file=sys.stderr)


if __name__ == "__main__":
    main()
