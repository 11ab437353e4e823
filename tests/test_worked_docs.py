"""docs/worked/: every derivations file a report cites exists, derives each † value it shows, and
its programs (doctests) recompute those values without the library's autograd."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from micrograd_lite.worked import adding_neuron, inverter, single_weight, xor
from micrograd_lite.worked.adding_neuron import Epoch, Result
from micrograd_lite.worked.report import Figure, Report, Section, format_report, show, summary

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "worked"


def _adding_result(regularised: bool) -> Result:
    """A Result holding the article's printed lines and the derived weights, without the
    minutes-long runs (test_worked_adding_neuron checks the real runs give these)."""
    if regularised:
        counts = [c for c, _ in adding_neuron.ARTICLE_ACCURACY]
        final_demo = adding_neuron.ARTICLE_FINAL_DEMO
    else:
        counts = [50000] * 10
        final_demo = adding_neuron.ARTICLE_NOREG_FINAL_DEMO
    weights = adding_neuron.REFERENCE_FINAL_WEIGHTS[regularised]
    epochs = tuple(
        Epoch(k, adding_neuron.learning_rate(k - 1), weights, c, 50000)
        for k, c in enumerate(counts, 1)
    )
    initial = (0.6314978354563747, 0.6460986429619577)
    return Result(regularised, initial, adding_neuron.ARTICLE_INITIAL_DEMO, (), epochs, final_demo)


def adding_report() -> Report:
    return adding_neuron.report(_adding_result(True), _adding_result(False), engine="compiled")


def reports() -> dict[str, Report]:
    """Every example's report at its defaults, and the inverter at each η it knows."""
    found = {
        "single-weight": single_weight.report(single_weight.run()),
        "xor": xor.report(xor.run(), xor.run(model=xor.seeded_network(1))),
        "adding-neuron": adding_report(),
    }
    for lr in (*inverter.TRAJECTORIES, 0.3):
        found[f"inverter η={lr:g}"] = inverter.report(inverter.run(lr=lr))
    return found


@pytest.fixture(scope="module")
def every_report() -> dict[str, Report]:
    return reports()


def test_every_cited_derivations_file_exists(every_report: dict[str, Report]) -> None:
    for key, report in every_report.items():
        assert report.derivations == f"docs/worked/{report.name}.md", key
        assert (ROOT / report.derivations).is_file(), key
        text = format_report(report)
        assert f"each is explained in {report.derivations}\n" in text, key  # the † footnote
        assert f"(derivations: {report.derivations})" in text, key
        assert "worked-examples.md" not in text and "seed 00" not in text, key


def test_every_derived_value_is_in_its_derivations_file(every_report: dict[str, Report]) -> None:
    for key, report in every_report.items():
        doc = (ROOT / report.derivations).read_text(encoding="utf-8")
        missing = [f.name for f in report.derived if show(f.expected) not in doc]
        assert not missing, (key, missing)


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_the_derivations_programs_run(path: Path) -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    results = doctest.testfile(str(path), module_relative=False, optionflags=flags, verbose=False)
    assert results.failed == 0


def test_the_derivations_files_are_the_examples() -> None:
    names = {"single-weight", "inverter", "xor", "adding-neuron"}
    assert {p.stem for p in DOCS.glob("*.md")} == names | {"README"}


def test_the_index_counts_match_the_reports(every_report: dict[str, Report]) -> None:
    # the index's table: | [name](name.md) | article | printed | derived |
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[([a-z-]+)\]\(\1\.md\) \|.*\| (\d+) \| (\d+) \|$", index, re.M)
    assert len(rows) == 4
    for name, printed, derived in rows:
        report = every_report["inverter η=0.1" if name == "inverter" else name]
        assert (len(report.printed), len(report.derived)) == (int(printed), int(derived)), name
    assert "In all, 26 printed figures and 64 derived references." in index


def test_the_counts_add_up_to_the_ninety_figures(every_report: dict[str, Report]) -> None:
    defaults = [
        every_report[k] for k in ("single-weight", "inverter η=0.1", "xor", "adding-neuron")
    ]
    assert sum(len(r.printed) for r in defaults) == 26
    assert sum(len(r.derived) for r in defaults) == 64
    assert sum(len(r.figures) for r in defaults) == 90


def test_summary_line_of_a_report_without_printed_figures(
    every_report: dict[str, Report],
) -> None:
    assert summary(every_report["xor"]) == (
        "xor: no printed figure to compare; 20 of 20 derived references match "
        "(derivations: docs/worked/xor.md)"
    )


def test_a_report_with_derived_references_must_cite_its_derivations() -> None:
    figure = Figure("w2", 0.4745, 0.4745, printed=False)
    with pytest.raises(ValueError, match=r"'demo': 1 derived references .* no derivations file"):
        Report("demo", "an article", sections=(Section("run", (figure,)),))


def test_figures_without_a_reference_are_counted_in_neither(
    every_report: dict[str, Report],
) -> None:
    report = every_report["inverter η=0.3"]  # η = 0.3: no trajectory worked out
    assert (len(report.printed), len(report.derived), len(report.figures)) == (6, 5, 14)
    assert summary(report) == (
        "inverter: 6 of 6 printed figures match; 5 of 5 derived references match "
        "(derivations: docs/worked/inverter.md)"
    )
