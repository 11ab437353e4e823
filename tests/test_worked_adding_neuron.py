"""The adding neuron (Rodney Pilgrim's "Learning from Backpropagation"), against the article's
printout and the references docs/worked/adding-neuron.md derives.

The data (1.1M seedrandom draws, ~2 s) is drawn once per session: `article_data` is cached.
The full ten-epoch runs take ~20 s each through the library; they are marked slow.
"""

from __future__ import annotations

import pytest

from micrograd_lite.worked import adding_neuron
from micrograd_lite.worked.adding_neuron import Data, Result
from micrograd_lite.worked.report import format_report, summary
from tests import test_worked_docs

REG_CHECKPOINTS = (
    (1, 0.6713593355096369, 0.6692248708946611),
    (2, 0.7290900063348963, 0.7166068654618204),
    (3, 0.7391515024268267, 0.7251385286931743),
    (1000, 1.000052226801932, 1.0001008677016792),
    (100000, 1.0000938871773721, 1.0000760554449695),
)
REG_EPOCH_WEIGHTS = (
    (1.000140037895497, 1.000062071693734),
    (1.000123917090066, 1.0000682934690923),
    (1.000113850143169, 1.0000730191011078),
    (1.0001070902162645, 1.0000764822648671),
    (1.0001025757799278, 1.0000789614753258),
    (1.000099546845934, 1.0000807512403027),
    (1.0000974887391048, 1.00008206867392),
    (1.000096066915234, 1.0000830619542043),
    (1.000095066345244, 1.000083829888838),
    (1.00009434827799, 1.0000844380202245),
)
REG_CORRECT = (23744, 31368, 37322, 42572, 46947, 50000, 50000, 50000, 50000, 50000)
REG_PERCENT = (47.49, 62.74, 74.64, 85.14, 93.89, 100.0, 100.0, 100.0, 100.0, 100.0)


@pytest.fixture(scope="module")
def data() -> Data:
    return adding_neuron.article_data()


@pytest.fixture(scope="module")
def first_epoch(data: Data) -> Result:
    return adding_neuron.run(epochs=1, data=data)


@pytest.fixture(scope="module")
def first_epoch_plain(data: Data) -> Result:
    return adding_neuron.run(epochs=1, data=data, regularised=False)


def test_generator_test_vectors(data: Data) -> None:
    assert len(data.train_label) == 500_000 and len(data.test_label) == 50_000
    assert (data.train_x0[0], data.train_x1[0]) == (83.3441794707234, 48.35041109397057)
    assert data.train_label[0] == 131.69459056469398
    assert (data.test_x0[0], data.test_x1[0]) == (5.080346548923615, 81.49629849705427)
    assert data.initial_weights == (0.6314978354563747, 0.6460986429619577)
    assert min(data.train_x0) > 0.0 and max(data.train_x1) <= 100.0


def test_data_is_drawn_once(data: Data) -> None:
    assert adding_neuron.article_data() is data


def test_initial_demo(first_epoch: Result) -> None:
    assert first_epoch.initial_demo == (2.358443202446961, 1969.8638042934172)


def test_first_row_through_the_library(data: Data) -> None:
    # out = 83.87080392811663 and dC/dout = -95.6475732731547 for row 1; the trainer gets there
    w0, w1 = data.initial_weights
    out = adding_neuron.predict((w0, w1), data.train_x0[0], data.train_x1[0])
    assert out == 83.87080392811663
    assert -2 * (data.train_label[0] - out) == -95.6475732731547
    weights = adding_neuron.eager_trainer(
        (w0, w1), data.train_x0[:1], data.train_x1[:1], data.train_label[:1], 5e-06,
        regularised=True,
    )  # fmt: skip
    assert weights == (0.6713593355096369, 0.6692248708946611)


def test_epoch_one_checkpoints(first_epoch: Result) -> None:
    assert first_epoch.checkpoints == REG_CHECKPOINTS
    assert first_epoch.epochs[0].weights == REG_EPOCH_WEIGHTS[0]
    assert first_epoch.epochs[0].correct == 23744
    assert first_epoch.epochs[0].percent == 47.49
    assert first_epoch.epochs[0].line == "23744/50000(47.49%)"


def test_epoch_one_without_regularisation(first_epoch_plain: Result) -> None:
    checkpoints = {rows: (w0, w1) for rows, w0, w1 in first_epoch_plain.checkpoints}
    assert checkpoints[1] == (0.6713561780204595, 0.6692216404014463)
    assert checkpoints[1000] == (0.9999849054552429, 1.000014202392016)
    assert checkpoints[100000] == (0.9999999999999996, 1.0000000000000009)
    assert first_epoch_plain.epochs[0].correct == 50000
    assert first_epoch_plain.epochs[0].line == "50000/50000(100%)"


def test_learning_rate_schedule() -> None:
    rates = [adding_neuron.learning_rate(e) for e in range(10)]
    assert rates[:3] == [5e-06, 2.5e-06, 1.6666666666666667e-06]
    assert rates[-1] == 5e-07


def test_percent_rounds_half_up() -> None:
    epoch = adding_neuron.Epoch(1, 1e-6, (1.0, 1.0), 1, 8)  # 12.5 %
    assert epoch.percent == 12.5
    assert adding_neuron.Epoch(1, 1e-6, (1.0, 1.0), 1, 3).percent == 33.33
    assert adding_neuron.Epoch(1, 1e-6, (1.0, 1.0), 2, 3).percent == 66.67
    assert adding_neuron.Epoch(1, 1e-6, (1.0, 1.0), 3, 3).line == "3/3(100%)"


def test_progress_counts_every_row(data: Data) -> None:
    seen: list[int] = []
    small = Data(
        data.train_x0[:25_000], data.train_x1[:25_000], data.train_label[:25_000],
        data.test_x0[:100], data.test_x1[:100], data.test_label[:100], data.initial_weights,
    )  # fmt: skip
    result = adding_neuron.run(epochs=2, data=small, progress=seen.append, checkpoints=(3,))
    assert sum(seen) == 50_000
    assert result.checkpoints[0] == (3, 0.7391515024268267, 0.7251385286931743)


def test_a_custom_trainer_is_used(data: Data) -> None:
    calls: list[int] = []

    def frozen(
        weights: tuple[float, float], x0: object, x1: object, labels: object, lr: float, *,
        regularised: bool,
    ) -> tuple[float, float]:  # fmt: skip
        calls.append(1)
        return weights

    small = Data(
        data.train_x0[:20_000], data.train_x1[:20_000], data.train_label[:20_000],
        data.test_x0, data.test_x1, data.test_label, data.initial_weights,
    )  # fmt: skip
    result = adding_neuron.run(epochs=1, data=small, trainer=frozen, checkpoints=())
    assert len(calls) == 2
    assert result.final_weights == data.initial_weights
    assert result.final_demo == result.initial_demo


@pytest.fixture(scope="module")
def full_regularised(data: Data) -> Result:
    return adding_neuron.run(data=data)


@pytest.fixture(scope="module")
def full_plain(data: Data) -> Result:
    return adding_neuron.run(data=data, regularised=False)


@pytest.mark.slow
def test_full_regularised_run(full_regularised: Result) -> None:
    epochs = full_regularised.epochs
    assert tuple(e.correct for e in epochs) == REG_CORRECT
    assert tuple(e.percent for e in epochs) == REG_PERCENT
    assert tuple(e.weights for e in epochs) == REG_EPOCH_WEIGHTS
    assert full_regularised.final_demo == (3.700334223241915, 3072.2695417020814)
    assert full_regularised.checkpoints == REG_CHECKPOINTS


@pytest.mark.slow
def test_full_run_without_regularisation(full_plain: Result) -> None:
    assert all(e.correct == 50000 for e in full_plain.epochs)
    assert len(full_plain.epochs) == 10
    assert full_plain.final_weights == (0.9999999999999996, 1.0000000000000009)
    assert full_plain.final_demo == (3.7000000000000006, 3072.0000000000014)


@pytest.mark.slow
def test_full_report_matches_every_printed_line(
    full_regularised: Result, full_plain: Result
) -> None:
    report = adding_neuron.report(full_regularised, full_plain)
    assert report.ok, [f.name for f in report.misses]
    text = format_report(report)
    assert "23744/50000(47.49%)" in text
    assert "3072.2695417020814" in text and "3072.0000000000014" in text
    assert f"  {summary(report)}\n" in text
    assert summary(report) == SUMMARY
    assert "32 of 32 figures match in all." in text


# printed: both runs' demo lines, the ten accuracy lines, and the plain run's epoch 1;
# derived: the final weights of both runs and the plain run's epochs 2-10 (the article's "…")
SUMMARY = (
    "adding-neuron: 19 of 19 printed figures match; 13 of 13 derived references match "
    "(derivations: docs/worked/adding-neuron.md)"
)


def test_report_counts_printed_lines_and_derived_references_apart() -> None:
    # built from the article's lines, not the minutes-long runs (the slow test above runs them)
    report = test_worked_docs.adding_report()
    assert report.ok
    assert (len(report.printed), len(report.derived)) == (19, 13)
    regularised, plain = report.sections
    assert sum(f.printed for f in regularised.figures) == 14
    assert [f.name for f in plain.figures if f.derived] == [
        *(f"epoch {k} accuracy" for k in range(2, 11)),
        "final w0",
        "final w1",
    ]
    assert summary(report) == SUMMARY
    text = format_report(report)
    assert text.startswith('adding-neuron: "Learning from Backpropagation" by Rodney Pilgrim\n')


def test_compiled_trainer_equals_eager_trainer_on_a_block(data: Data) -> None:
    rows = slice(0, 20_000)
    for regularised in (True, False):
        args = (data.initial_weights, data.train_x0[rows], data.train_x1[rows])
        eager = adding_neuron.eager_trainer(
            *args, data.train_label[rows], 5e-6, regularised=regularised
        )
        compiled = adding_neuron.compiled_trainer(
            *args, data.train_label[rows], 5e-6, regularised=regularised
        )
        assert compiled == eager  # bit for bit: compile replays the eager graph's floats


@pytest.mark.slow
@pytest.mark.parametrize("regularised", [True, False])
def test_compiled_trainer_reproduces_the_full_eager_run(
    data: Data, full_regularised: Result, full_plain: Result, regularised: bool
) -> None:
    compiled = adding_neuron.run(
        data=data, regularised=regularised, trainer=adding_neuron.compiled_trainer
    )
    assert compiled == (full_regularised if regularised else full_plain)
