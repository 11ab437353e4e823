"""The adding-neuron lesson ("Learning from Backpropagation"): its numbers against
worked-examples.md and exact algebra, its exercises' checks (right answers pass, wrong ones
fail), and `examples adding-neuron --explain`.

Building the lesson trains once (~2 s after ~2 s of data, both cached for the session).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest

from micrograd_lite import cli
from micrograd_lite.check import explain, gradcheck
from micrograd_lite.lessons import LESSONS, Lesson, format_lesson
from micrograd_lite.lessons import adding_neuron as lesson_module
from micrograd_lite.lessons.adding_neuron_exercises import ANSWER, holds, problems, run_line
from micrograd_lite.lessons.adding_neuron_implicit import (
    along_x_factor,
    expected_step,
    fixed_point,
    overshoot_rate,
    predicted_accuracy,
    second_moments,
    share_of_t_below,
)
from micrograd_lite.lessons.graphs import adding_neuron_graph
from micrograd_lite.value import Value
from micrograd_lite.worked import adding_neuron as example
from micrograd_lite.worked.adding_neuron_training import article_data, eager_trainer, row_cost

# worked-examples.md, the adding neuron: row 1, the checkpoint after it, the fixed point
OUT_ROW1 = 83.87080392811663
DC_ROW1 = -95.6475732731547
AFTER_ROW1 = (0.6713593355096369, 0.6692248708946611)
W_STAR = 1.0000857216332828
DEMO_AT_W_STAR = (3.7003171700431468, 3072.2633368574448)
PREDICTED_PERCENT = (47.37, 62.28, 74.33, 84.93, 93.88, 100, 100, 100, 100, 100)


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return LESSONS["adding-neuron"]()


@pytest.fixture(scope="module")
def text(lesson: Lesson) -> str:
    return format_lesson(lesson)


def step_text(lesson: Lesson, heading: str) -> str:
    (step,) = [s for s in lesson.steps if s.heading.startswith(heading)]
    return "\n".join(step.lines)


def test_every_claim_holds(lesson: Lesson) -> None:
    assert lesson.ok and lesson.failed == ()
    assert len(lesson.checks) >= 8


def test_the_article_named_as_it_names_itself(lesson: Lesson, text: str) -> None:
    source = lesson.source
    assert (source.title, source.author) == ("Learning from Backpropagation", "Rodney Pilgrim")
    assert source.date == "February 21, 2019"
    credited = " ".join(source.credits)
    for work in ("Michael Nielsen", "Neuron Networks and Deep Learning", "chapter 5"):
        assert work in credited
    for work in ("Andrej Karpathy", "Hacker's Guide", "Support Vector Machine", "Welch Lab"):
        assert work in credited
    assert "Becker" not in text and "seed 00" not in text.lower()


def test_first_row_figures(lesson: Lesson) -> None:
    data = article_data()
    f = lesson.figures
    assert (f["x0"], f["x1"], f["label"]) == (
        data.train_x0[0],
        data.train_x1[0],
        data.train_label[0],
    )
    assert (f["w0"], f["w1"]) == data.initial_weights
    assert f["out"] == OUT_ROW1
    assert f["dc"] == DC_ROW1


def test_the_graph_is_the_trainings_cost() -> None:
    # written as (label - out)², the training's row_cost as d·d: the same floats and grads
    cost = adding_neuron_graph()
    cost.backward()
    data = article_data()
    ws = [Value(w) for w in data.initial_weights]
    xs = [Value(x) for x in (data.train_x0[0], data.train_x1[0], data.train_label[0])]
    ref = row_cost(*ws, *xs)
    ref.backward()
    named = {n.label: n for n in lesson_module.nodes(cost) if n.label}
    assert set(named) == {"w0", "w1", "x0", "x1", "label", "out", "C"}
    assert cost.data == ref.data
    assert (named["w0"].grad, named["w1"].grad) == (ws[0].grad, ws[1].grad)


def test_the_chain_is_the_articles_backprop(lesson: Lesson) -> None:
    cost = adding_neuron_graph()
    cost.backward()
    named = {n.label: n for n in lesson_module.nodes(cost) if n.label}
    (path,) = explain(cost, named["w0"]).paths
    # dC/d(label - out) · d(label - out)/dout is the article's dc; then the sum's 1, then x0
    assert path.locals[0] * path.locals[1] == DC_ROW1
    assert path.locals[2:] == (1.0, article_data().train_x0[0])
    assert path.product == named["w0"].grad == lesson.figures["dC_dw0"]
    assert lesson.figures["dC_dw0"] == article_data().train_x0[0] * DC_ROW1
    said = step_text(lesson, "The key gradient")
    for phrase in ("cost_derivative(label, output)", "backprop_activation", "-95.6475732732"):
        assert phrase in said


def test_the_hand_check_can_fail() -> None:
    # the lesson's gradcheck says PASS (a check above); without the 2 it says FAIL
    data = article_data()
    x0, x1, y = data.train_x0[0], data.train_x1[0], data.train_label[0]

    def without_the_2(w0: float, w1: float) -> list[float]:
        dc = -(y - (w0 * x0 + w1 * x1))
        return [dc * x0, dc * x1]

    report = gradcheck(
        lambda w0, w1: (y - (w0 * x0 + w1 * x1)) ** 2, data.initial_weights, expected=without_the_2
    )
    assert report.verdict == "FAIL"


def test_one_update_by_hand(lesson: Lesson) -> None:
    f = lesson.figures
    assert (f["w0_after_row1"], f["w1_after_row1"]) == AFTER_ROW1
    w0, lr = article_data().initial_weights[0], example.learning_rate(0)
    assert w0 - lr * (f["dC_dw0"] - w0) == AFTER_ROW1[0]
    said = step_text(lesson, "One update by hand")
    assert "new w0 = w0 - lr·(dC/dw0 - w0) = 0.631497835456 - 5e-06" in said
    assert "0.6713593355096369: the same float" in said


def test_the_training_table(lesson: Lesson) -> None:
    regularised, _ = lesson_module.runs()
    assert tuple((e.correct, e.percent) for e in regularised.epochs) == example.ARTICLE_ACCURACY
    assert lesson.figures["final_demo"] == example.ARTICLE_FINAL_DEMO[0]
    said = step_text(lesson, "The training")
    assert "23744" in said and "47.49" in said and "3.700334223241915" in said
    # the weights alone predict the printed accuracies (worked-examples.md's column)
    predicted = [round(100 * predicted_accuracy(e.weights, 1e-4), 2) for e in regularised.epochs]
    assert predicted == list(PREDICTED_PERCENT)


def test_the_fixed_point_is_exact(lesson: Lesson) -> None:
    diag, off = second_moments(100)
    assert (diag, off) == (Fraction(10000, 3), Fraction(2500))
    star = fixed_point(diag, off)
    assert star == (Fraction(35000, 34997),) * 2
    zero, one = (Fraction(0),) * 2, (Fraction(1),) * 2
    assert expected_step(star, diag, off) == zero
    assert expected_step(one, diag, off) != zero  # (1, 1) is not where it settles
    assert fixed_point(diag, off, regularised=False) == one
    assert lesson.figures["w_star"] == W_STAR
    assert lesson.figures["bias"] == float(Fraction(3, 34997)) < 1e-4
    demo = tuple(example.predict((W_STAR, W_STAR), *pair) for pair in example.DEMO)
    assert demo == DEMO_AT_W_STAR
    assert lesson.figures["demo_at_w_star"] == DEMO_AT_W_STAR[0]


def test_the_weights_reach_w_star_in_epoch_one(lesson: Lesson) -> None:
    regularised, _ = lesson_module.runs()
    at = {n: (w0, w1) for n, w0, w1 in regularised.checkpoints}
    assert at[1] == AFTER_ROW1
    assert at[10_000] == (1.0000947059582814, 1.0000956476529879)  # worked-examples.md
    assert lesson.figures["rows_to_w_star"] == 10_000
    # every row right once both weights are at most 1e-4 above 1: from epoch 6
    assert lesson.figures["first_perfect_epoch"] == 6
    assert regularised.epochs[4].correct < 50_000 == regularised.epochs[5].correct


def test_the_overshooting_learning_rate(lesson: Lesson) -> None:
    bound = overshoot_rate(Fraction(20000))
    assert bound == Fraction(2, 39999)
    assert 1 - bound * (2 * 20000 - 1) == -1  # the factor is exactly -1 at the bound
    assert lesson.figures["lr_bound"] == float(bound)
    assert 9.9 < lesson.figures["lr_bound"] / example.learning_rate(0) < 10.1
    # the error formula on a row, through the library's update
    data = article_data()
    x0, x1, y = data.train_x0[0], data.train_x1[0], data.train_label[0]
    w = data.initial_weights
    for lr in (5e-6, 1e-4):
        new = eager_trainer(w, [x0], [x1], [y], lr, regularised=True)
        e, e_new = x0 * w[0] + x1 * w[1] - y, x0 * new[0] + x1 * new[1] - y
        factor = along_x_factor(lr, x0 * x0 + x1 * x1)
        assert e_new == pytest.approx(factor * e + lr * y, rel=1e-9)
    start = math.dist(data.initial_weights, (W_STAR, W_STAR))
    assert lesson.figures["distance_at_large_lr"] > 2.5 * start


def test_the_share_of_rows_a_ratio_predicts() -> None:
    n = 400  # midpoints of an n x n grid on the square
    grid = [(i + 0.5) / n for i in range(n)]
    for t in (0.3, 0.5, 0.7):
        below = sum(a / (a + b) <= t for a in grid for b in grid) / n**2
        assert share_of_t_below(t) == pytest.approx(below, abs=2 / n)
    assert predicted_accuracy((1.0, 1.0), 1e-4) == 1.0
    assert predicted_accuracy((W_STAR, W_STAR), 1e-4) == 1.0
    assert predicted_accuracy((1.0002, 1.0003), 1e-4) == 0.0


def test_exercises_right_answers_pass_and_wrong_ones_fail(lesson: Lesson) -> None:
    assert [exercise.verify() for exercise in lesson.exercises] == [True, True, True]
    wrong = {
        0: problems()[0].answer.replace("*48.35", "*83.34"),  # dC/dw0's input, not dC/dw1's
        1: "F(35000, 34997)",  # the (0, 100] fixed point
        2: "(35000/34997, 35000/34997)",  # the regularised one
    }
    for k, problem in enumerate(problems()):
        assert ANSWER in problem.check and problem.check == lesson.exercises[k].check
        assert holds(problem.check, problem.answer)
        assert not holds(problem.check, wrong[k])


def test_exercise_two_is_the_algebra_at_another_range() -> None:
    answer = problems()[1].answer
    assert fixed_point(*second_moments(10)) == (Fraction(350, 347),) * 2
    assert answer == "F(350, 347)"


def test_a_check_line_must_end_in_an_expression() -> None:
    with pytest.raises(ValueError, match="must end with an expression"):
        run_line("x = 1")
    with pytest.raises(ValueError, match="no ANSWER"):
        holds("1 == 1", "2")


def test_cli_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["examples", "adding-neuron", "--explain", "--quiet", "--pictures", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert '"Learning from Backpropagation" by Rodney Pilgrim, February 21, 2019' in out
    for line in ("dc = cost_derivative(label, output)", "35000/34997", "0.6713593355096369"):
        assert line in out
    assert (tmp_path / "adding-neuron.svg").exists() and (tmp_path / "adding-neuron.html").exists()
