"""A neuron learns to add, from "Learning from Backpropagation" by Rodney Pilgrim.

One linear neuron without bias, out = x0·w0 + x1·w1, is trained on 500,000 rows (x0, x1) →
x0 + x1 with x uniform on (0, 100], one update per row, 10 epochs, and tested after each epoch
on 50,000 more rows: a row is correct when |label - out| ≤ label·(0.01/100). The cost is
(label - out)², so dC/dout = -2(label - out) and dC/dw_i = x_i·dC/dout; the learning rate is
1/(2·100000·(epoch + 1)) for epoch = 0..9.

The article's update is "regularised": w ← w - lr·(grad - w). That is SGD with a weight decay
of -1, which pulls the weights *away* from 0: its fixed point is (2M - I)w = 2M·1 with
M = E[xxᵀ], i.e. w* = 35000/34997 ≈ 1.0000857 per weight, so every sum comes out 8.57e-5 too
large, just inside the 1e-4 tolerance; the accuracy curve is SGD noise shrinking as lr decays.
Without regularisation (w ← w - lr·grad) it is 100 % correct after the first epoch.

The data, the neuron and its training runs (eager or compiled) are in `adding_neuron_training`;
this module holds the article's printed figures, the few derived references (†: the final
weights, and the epochs the article elides as "…", from its author's program rerun; see
docs/worked/adding-neuron.md), the report that compares ours with them, and the worked example's
entry points (`results`, `compare`, `main`).
"""

from __future__ import annotations

from micrograd_lite.worked.adding_neuron_training import (
    BLOCK,
    CHECKPOINTS,
    DEMO,
    EPOCHS,
    ERROR_MARGIN,
    SEED,
    TEST_ROWS,
    TRAIN_ROWS,
    Data,
    Epoch,
    Result,
    Trainer,
    accuracy,
    article_data,
    compiled_trainer,
    eager_trainer,
    format_js,
    forward,
    learning_rate,
    predict,
    row_cost,
    run,
)
from micrograd_lite.worked.report import (
    Figure,
    Options,
    Report,
    Section,
    article,
    print_comparison,
)

# The training names are this module's too: `adding_neuron.run()`, `.Result`, `.Data`, ...
__all__ = [
    "ARTICLE",
    "ARTICLE_ACCURACY",
    "ARTICLE_FINAL_DEMO",
    "ARTICLE_INITIAL_DEMO",
    "ARTICLE_NOREG_FINAL_DEMO",
    "BLOCK",
    "CHECKPOINTS",
    "DEMO",
    "DERIVATIONS",
    "ENGINE_NOTES",
    "EPOCHS",
    "ERROR_MARGIN",
    "REFERENCE_FINAL_WEIGHTS",
    "SEED",
    "TEST_ROWS",
    "TRAINERS",
    "TRAIN_ROWS",
    "Data",
    "Epoch",
    "Result",
    "Trainer",
    "accuracy",
    "article_data",
    "compare",
    "compiled_trainer",
    "eager_trainer",
    "format_js",
    "forward",
    "learning_rate",
    "main",
    "predict",
    "report",
    "results",
    "row_cost",
    "run",
]

ARTICLE = article("Learning from Backpropagation", "Rodney Pilgrim")
DERIVATIONS = "docs/worked/adding-neuron.md"  # where each † reference below comes from

# The article's printed output (regularised run): demo lines, then "correct/50000(pct%)".
ARTICLE_INITIAL_DEMO = (2.358443202446961, 1969.8638042934172)
ARTICLE_ACCURACY = (
    (23744, 47.49),
    (31368, 62.74),
    (37322, 74.64),
    (42572, 85.14),
    (46947, 93.89),
    (50000, 100.0),
    (50000, 100.0),
    (50000, 100.0),
    (50000, 100.0),
    (50000, 100.0),
)
ARTICLE_FINAL_DEMO = (3.700334223241915, 3072.2695417020814)
# Without regularisation the article prints epoch 1 (50000/50000) and "…"; the later epochs
# (derived: the author's program, run on) stay at 100 % and the weights stop moving.
ARTICLE_NOREG_FINAL_DEMO = (3.7000000000000006, 3072.0000000000014)
# The weights after epoch 10 (derived: the author's program, rerun; they give the demo lines).
REFERENCE_FINAL_WEIGHTS = {
    True: (1.00009434827799, 1.0000844380202245),
    False: (0.9999999999999996, 1.0000000000000009),
}


def _demo_figures(
    when: str, expected: tuple[float, float], ours: tuple[float, float]
) -> list[Figure]:
    return [
        Figure(f"{when} demo 2.2 + 1.5", expected[0], ours[0]),
        Figure(f"{when} demo 1024 + 2048", expected[1], ours[1]),
    ]


def report(regularised: Result, plain: Result | None = None, *, engine: str = "") -> Report:
    """The article's printed lines beside ours: the regularised run and, optionally, the other.

    `engine` ("compiled" or "eager") is named in the report when given.
    """
    figures = _demo_figures("initial", ARTICLE_INITIAL_DEMO, regularised.initial_demo)
    for epoch, (correct, pct) in zip(regularised.epochs, ARTICLE_ACCURACY, strict=False):
        expected = f"{correct}/{TEST_ROWS}({format_js(pct)}%)"
        figures.append(Figure(f"epoch {epoch.epoch} accuracy", expected, epoch.line))
    figures += _demo_figures("final", ARTICLE_FINAL_DEMO, regularised.final_demo)
    w0, w1 = REFERENCE_FINAL_WEIGHTS[True]
    figures.append(Figure("final w0", w0, regularised.final_weights[0], printed=False))
    figures.append(Figure("final w1", w1, regularised.final_weights[1], printed=False))
    sections = [
        Section(
            "regularised: w ← w - lr·(grad - w)",
            tuple(figures),
            ("the weights settle at the regularisation fixed point 35000/34997 ≈ 1.0000857",)
            + ((ENGINE_NOTES[engine],) if engine in ENGINE_NOTES else ()),
        )
    ]
    if plain is not None:
        figures = _demo_figures("initial", ARTICLE_INITIAL_DEMO, plain.initial_demo)
        for epoch in plain.epochs:
            expected = f"{TEST_ROWS}/{TEST_ROWS}(100%)"
            printed = epoch.epoch == 1  # the article prints epoch 1, then "…"
            figures.append(
                Figure(f"epoch {epoch.epoch} accuracy", expected, epoch.line, printed=printed)
            )
        figures += _demo_figures("final", ARTICLE_NOREG_FINAL_DEMO, plain.final_demo)
        w0, w1 = REFERENCE_FINAL_WEIGHTS[False]
        figures.append(Figure("final w0", w0, plain.final_weights[0], printed=False))
        figures.append(Figure("final w1", w1, plain.final_weights[1], printed=False))
        sections.append(Section("without regularisation: w ← w - lr·grad", tuple(figures)))
    return Report(
        "adding-neuron",
        ARTICLE,
        "out = x0·w0 + x1·w1, seedrandom(2017) data, 10 epochs x 500,000 rows, 50,000 test rows",
        tuple(sections),
        derivations=DERIVATIONS,
    )


ENGINE_NOTES = {
    "compiled": "trained with the compiled step (micrograd_lite.compile: the row's graph traced "
    "once into plain Python); --eager builds every row's Value graph, same floats, ~10x slower",
    "eager": "trained eagerly: every row builds its Value graph and calls backward()",
}

TRAINERS: dict[str, Trainer] = {"compiled": compiled_trainer, "eager": eager_trainer}


def results(options: Options) -> tuple[Result, Result]:
    """Both runs, 5,000,000 updates each, on `options.engine`, a progress bar per run if given."""
    if options.engine not in TRAINERS:
        raise ValueError(f"adding-neuron: unknown engine {options.engine!r}; use {list(TRAINERS)}")
    trainer = TRAINERS[options.engine]
    # `run` is looked up in this module at call time, so a test can swap in a shorter run
    runs = []
    for regularised in (True, False):
        name = "regularised" if regularised else "without regularisation"
        bar = None
        if options.progress is not None:
            bar = options.progress(f"adding-neuron, {name}", EPOCHS * TRAIN_ROWS)
        try:
            runs.append(
                run(regularised=regularised, trainer=trainer, progress=bar.update if bar else None)
            )
        finally:
            if bar is not None:
                bar.close()
    regularised_run, plain_run = runs
    return regularised_run, plain_run


def compare(options: Options) -> Report:
    """Both runs compared with the article, saying which engine trained them."""
    return report(*results(options), engine=options.engine)


def main() -> int:
    """Print the comparison (two runs of 5,000,000 updates); 0 if all match."""
    return print_comparison(compare)


if __name__ == "__main__":
    raise SystemExit(main())
