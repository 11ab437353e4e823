"""The XOR lesson (`examples xor --explain`): its numbers against worked-examples.md, exact
algebra and finite differences; its exercises' checks, with right and wrong answers; the CLI."""

from __future__ import annotations

import functools
import pathlib

import pytest

from micrograd_lite import cli
from micrograd_lite.backward import topo_order
from micrograd_lite.check import explain
from micrograd_lite.lessons import LESSONS, Lesson
from micrograd_lite.lessons.graphs import xor_graph
from micrograd_lite.lessons.xor import KEY, OUT, xor_lesson
from micrograd_lite.lessons.xor_exercises import (
    ALPHA_AS_LR,
    DEAD_AFTER_TRAINING,
    OUTPUT_WEIGHT,
    Matrix,
    answers,
    attempt,
    author_row,
    error,
    random_starts,
)
from micrograd_lite.worked import xor

# worked-examples.md, "the talk's hard-coded weights": the error log and final outputs
WORKED_ERRORS = {1: 3.3570147761666393, 60: 7.80560237027903e-06}
WORKED_OUTPUTS = (0.0, 0.9980040223908638, 0.9993661022312055, -0.00043339357388672006)
# ... and the final weights after the 60 iterations
WORKED_W_IH = (
    (0.20426120510935075, 1.1718612739587704, 1.2491703223325061),
    (1.0714478077187228, -0.00025387942730022535, -1.2494512414270709),
)
WORKED_W_HO = (0.9314536976987875, -1.0145866920169362, 1.5995105432487409)


@functools.cache
def lesson() -> Lesson:
    return xor_lesson()


def test_lesson_is_registered_and_every_claim_holds() -> None:
    assert LESSONS["xor"] is xor_lesson
    assert lesson().ok, lesson().failed
    assert len(lesson().checks) >= 10


def test_the_source_as_the_article_gives_it() -> None:
    source = lesson().source
    assert source.author == "Tom Martin, Data scientist, London, UK" and source.date is None
    assert [c.split('" ')[0] + '"' for c in source.credits] == [
        '"Grokking Deep Learning"',
        '"Machine Learning Study Group"',
        '"Neural Networks and Deep Learning"',
    ]


def test_training_figures_are_worked_examples() -> None:
    figures = lesson().figures
    for k, e in WORKED_ERRORS.items():
        assert figures[f"error at {k}"] == e
    outputs = [figures[f"output {a}{b}"] for a, b in ("00", "01", "10", "11")]
    assert tuple(outputs) == WORKED_OUTPUTS


def test_key_gradient_factors_are_the_chain_rules() -> None:
    figures = lesson().figures
    E = xor_graph()  # (0, 1) at the talk's weights: the run's state there (row (0, 0) moves none)
    E.backward()
    params = {n.label: n for n in topo_order(E) if n.label}
    (path,) = explain(E, params[KEY]).paths
    w_ho1, w_ih_b1 = xor.TALK_W_HO[0], xor.TALK_W_IH[1][0]
    delta = w_ih_b1 * w_ho1 + xor.TALK_W_IH[1][1] * xor.TALK_W_HO[1] - 1.0  # H3 = 0
    assert figures["O - target"] == pytest.approx(delta, rel=1e-15)
    # the path's locals, in whatever grouping explain prints them: their product is the grad
    assert path.product == figures["dE/dw_ih_B1"] == params[KEY].grad
    assert figures["dE/dO"] == 2 * figures["O - target"]
    assert (figures["dO/dH1"], figures["dH1/dz1"], figures["dz1/dw"]) == (w_ho1, 1.0, 1.0)
    assert sorted(path.locals) == sorted([figures["dE/dO"], 1.0, w_ho1, 1.0, 1.0])
    # the article's derivative is exactly half (scaling by 2 is exact)
    assert figures["dE/dw_ih_B1"] == 2 * figures["article derivative"]


def test_key_gradient_against_central_differences() -> None:
    h = 1e-6  # relative step; E is a quadratic in the weight here, so the error is rounding only
    for label, at, name in (
        (KEY, xor.TALK_W_IH[1][0], "dE/dw_ih_B1"),
        (OUT, xor.TALK_W_HO[0], "dE/dw_ho1"),
    ):
        step = h * abs(at)
        numeric = (
            error((0, 1), {label: at + step}).data - error((0, 1), {label: at - step}).data
        ) / (2 * step)
        assert numeric == pytest.approx(lesson().figures[name], rel=1e-7)  # rounding/step ~ 1e-10


def test_author_row_is_the_talk_program() -> None:
    """The article's arithmetic, row by row for 60 iterations, ends at worked-examples' weights:
    so the plain-float update the lesson compares with the optimizer's is the talk's."""
    w_ih: Matrix = xor.TALK_W_IH
    w_ho: tuple[float, ...] = xor.TALK_W_HO
    for _ in range(xor.ITERATIONS):
        for x, t in zip(xor.INPUTS, xor.TARGETS, strict=True):
            w_ih, w_ho = author_row(x, t, w_ih, w_ho)
    assert (w_ih, w_ho) == (WORKED_W_IH, WORKED_W_HO)


def test_one_update_by_hand_is_the_optimizers_and_the_articles() -> None:
    figures = lesson().figures
    by_hand = xor.TALK_W_HO[0] - xor.LR * figures["dE/dw_ho1"]
    assert figures["w_ho1 after"] == by_hand
    article = author_row((0.0, 1.0), 1.0, xor.TALK_W_IH, xor.TALK_W_HO)
    assert (article[1][0], article[0][1][0]) == (figures["w_ho1 after"], figures["w_ih_B1 after"])


def test_dead_unit_and_random_starts() -> None:
    figures = lesson().figures
    assert figures["z3"] == xor.TALK_W_IH[1][2] < 0  # on (0, 1), z3 = w_ih_B of unit 3
    assert figures["dE/dw_ih_B3"] == 0
    # docs/worked/xor.md: 45 of the seeds 0..99 converge (470 of 0..999)
    assert random_starts() == (figures["converged"], figures["dead start"]) == (45, 32)


@pytest.mark.parametrize("k", range(3))
def test_each_exercise_confirms_its_answer(k: int) -> None:
    exercise, answer = lesson().exercises[k], answers()[k]
    assert exercise.check == answer.check and "ANSWER" in exercise.check
    assert exercise.verify()


@pytest.mark.parametrize(
    ("check", "wrong"),
    [
        (OUTPUT_WEIGHT, "(0.14657 * 0.70935 + 0.66646 * w - 1) * 0.66646"),  # the 2 left out
        (OUTPUT_WEIGHT, "2 * (0.14657 * 0.70935 + 0.66646 * w - 1) * 0.14657"),  # H1, not H2
        (ALPHA_AS_LR, "True"),
        (DEAD_AFTER_TRAINING, "1"),
        (DEAD_AFTER_TRAINING, "2"),
    ],
)
def test_a_wrong_answer_fails_its_check(check: str, wrong: str) -> None:
    right = {a.check: a.passed for a in answers()}[check]
    assert attempt(check, wrong) != right


def test_alpha_as_lr_leaves_a_row_dead() -> None:
    """worked-examples.md: (o - t)² with lr 0.2 does not converge; [0,1]'s output stays 0."""
    outputs = xor.run(lr=0.2).outputs
    assert outputs[:2] == (0.0, 0.0) and outputs[2] == pytest.approx(0.99988, abs=1e-5)


def test_error_names_what_was_wrong() -> None:
    with pytest.raises(KeyError, match=r"no parameter labelled L9n0\.w0"):
        error((0, 1), {"L9n0.w0": 1.0})
    with pytest.raises(ValueError, match=r"sample must be one of .* got \(2, 1\)"):
        error((2, 1))


def test_graph_is_labelled_as_the_article() -> None:
    labels = {n.label for n in topo_order(xor_graph())}
    assert {"A", "B", "z1", "z2", "z3", "H1", "H2", "H3", "O", "target", "E"} <= labels


def test_cli_explain_prints_the_lesson_and_writes_its_pictures(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    assert cli.main(["examples", "xor", "--explain", "--pictures", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    words = " ".join(out.split())  # the lesson's paragraphs are wrapped
    assert out.startswith(
        'xor: a lesson on "Neural networks from scratch, part 2: backpropagation" by Tom Martin'
    )
    for line in (
        "half of our -2.16066518421",
        "the optimizer's step gave 0.7539949138013983: the same float",
        "-0.03392 before the row's update and -0.03392 after",
        "error 3.35701477617 at iteration 1, 7.80560237028e-06 at 60",
        "FAIL (expected disagrees)",
        "seed 00",
    ):
        assert (line in words) == (line != "seed 00"), line
    assert out.index("1. The article's notation") < out.index("Exercises") < out.index("20 of 20")
    if (tmp_path / "xor.svg").exists():  # Graphviz's dot found: a picture and the player
        assert (tmp_path / "xor.html").exists()
    else:
        assert (tmp_path / "xor.dot").exists()
