"""The lesson on Tom Martin's "Neural networks from scratch, part 2: backpropagation".

The article follows one weight per layer of a 2-3-1 ReLU network without biases (inputs A, B;
H = relu(A * w_ih); O = H * w_ho; error = (O - target)²) and gives their derivatives "~", up to
a factor: (O - target)·reluDeriv(A * w_ih)·A·w_ho for w_ih and H·(O - target) for w_ho, with
`weight -= alpha * activation * (output - target)` and alpha = 0.2. The lesson replays the
talk program's first update that moves a weight (the sample (0, 1) at its hard-coded weights),
shows that the article's derivatives are those of ½(O - target)², so that its alpha = 0.2 is our
lr = 0.1 on (O - target)² to the last bit, and shows a dead ReLU's weights standing still.

    >>> lesson = xor_lesson()
    >>> lesson.ok, lesson.figures["dE/dw_ih_B1"] == 2 * lesson.figures["article derivative"]
    (True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_lite.check import explain
from micrograd_lite.lessons.graphs import xor_graph
from micrograd_lite.lessons.lesson import Lesson, Source, Step
from micrograd_lite.lessons.steps import chain, hand_check, notation, paragraph, short, table
from micrograd_lite.lessons.steps import update_by_hand as by_hand
from micrograd_lite.lessons.xor_exercises import (
    SEEDS,
    Replay,
    author_row,
    by_label,
    error,
    exercises,
    nodes,
    random_starts,
    relu_deriv,
    replay,
)
from micrograd_lite.nn import MLP
from micrograd_lite.value import Value
from micrograd_lite.worked import xor

SOURCE = Source(
    "Neural networks from scratch, part 2: backpropagation",
    author="Tom Martin, Data scientist, London, UK",
    credits=(
        '"Grokking Deep Learning" by Andrew Trask',
        '"Machine Learning Study Group" notes by Nikolay Manchev',
        '"Neural Networks and Deep Learning" by Michael Nielsen',
    ),
)
KEY, OUT, DEAD = "L0n0.w1", "L1n0.w0", "L0n2.w1"  # w_ih_B and w_ho of unit 1; w_ih_B of unit 3
ITERATIONS = (1, 10, 20, 30, 40, 50, 60)  # the training table's rows


def xor_lesson() -> Lesson:
    """Build the lesson: every number in it comes from the library's runs, or from the talk
    program's arithmetic run here in plain floats."""
    rp = replay()
    result = xor.run()
    exercise_list = exercises()
    key, key_checks, figures = key_steps(rp)
    implicit, implicit_checks, more = implicit_step(rp, result)
    checks = (
        *key_checks,
        *implicit_checks,
        ("each exercise's check confirms its answer", all(e.verify() for e in exercise_list)),
    )
    figures |= more
    figures |= {f"error at {k}": result.errors[k - 1] for k in ITERATIONS}
    figures |= {
        f"output {x[0]:g}{x[1]:g}": o for x, o in zip(xor.INPUTS, result.outputs, strict=True)
    }
    return Lesson(
        "xor",
        SOURCE,
        "Backpropagation through a 2-3-1 ReLU network without biases, learning XOR from the "
        "talk's hard-coded weights: the article's derivatives and its alpha = 0.2, beside "
        "explain, gradcheck and our SGD at lr 0.1 on (O - target)².",
        (notation_step(), graph_step(rp.rows[1]), *key, implicit, training_step(result)),
        exercise_list,
        figures,
        checks,
        xor_graph,
    )


def block(*parts: str | Sequence[str]) -> tuple[str, ...]:
    """Lines of paragraphs (a str, wrapped) and ready lines (a sequence), a blank line apart."""
    lines: list[str] = []
    for part in parts:
        lines += [*([""] if lines else []), *(paragraph(part) if isinstance(part, str) else part)]
    return tuple(lines)


def key_steps(rp: Replay) -> tuple[list[Step], list[tuple[str, bool]], dict[str, float]]:
    """The key gradient dE/dL0n0.w1 on (0, 1), factor by factor; the article's hand formulas
    checked; one update by hand beside the optimizer's and the article's."""
    start, _, after = rp.weights
    E, params, g = rp.rows[1], rp.params, nodes(rp.rows[1])
    out, t, h1, z1, b = (g[k].data for k in ("O", "target", "H1", "z1", "B"))
    delta, relu1 = out - t, g["H1"].local_grads[0]
    total = explain(E, params[KEY]).total
    factors = (2 * delta, start[OUT], relu1, b)
    article = delta * relu_deriv(z1) * b * start[OUT]
    heading = f"The key gradient, factor by factor: dE/dw_ih of unit 1 (our {KEY}) on (0, 1)"
    key = chain(E, params[KEY], heading=heading, article=block(
        f"Each factor, named: dE/dO = 2(O - target) = 2 · ({short(delta)}) = "
        f"{short(factors[0])} (through the node O - target, whose local derivative is 1); "
        f"dO/dH1 = w_ho of unit 1 ({OUT}) = {short(factors[1])}; dH1/dz1 = reluDeriv(z1) = "
        f"{short(relu1)}, as z1 = {short(z1)} > 0; dz1/d({KEY}) = B = {short(b)}.",
        "On (0, 1) only B is on (A = 0), so the article's one-input H = relu(A * w_ih) is "
        f"exactly H1 = relu(B · w_ih_B) here: its A is our B, its w_ih our {KEY}.",
        "The article writes derivative ~ (O - target) · reluDeriv(A * w_ih) · A · w_ho = "
        f"({short(delta)}) · {short(relu_deriv(z1))} · {short(b)} · {short(start[OUT])} = "
        f"{short(article)}, half of our {short(total)}: its \"~\" hides the factor 2 of "
        "d(O - target)²/dO = 2(O - target).",
    ))  # fmt: skip

    def hand(w_ih: float, w_ho: float, two: float = 2.0) -> list[float]:
        h = max(0.0, b * w_ih)  # on (0, 1), z1 = B·w_ih_B
        o = h * w_ho + g["H2"].data * start["L1n0.w1"] + g["H3"].data * start["L1n0.w2"]
        return [two * (o - t) * relu_deriv(b * w_ih) * b * w_ho, two * (o - t) * h]

    def f(w_ih: Value, w_ho: Value, half: bool = False) -> Value:
        return error((0, 1), {KEY: w_ih, OUT: w_ho}, half=half)

    def halved(w_ih: float, w_ho: float) -> list[float]:
        return hand(w_ih, w_ho, 1.0)

    point, names = [start[KEY], start[OUT]], ["w_ih", "w_ho"]
    formulas = [
        f"dE/dw_ih = 2·(O - target)·reluDeriv(B·w_ih)·B·w_ho   (w_ih = {KEY}, the 2 restored)",
        f"dE/dw_ho = 2·(O - target)·H1                         (w_ho = {OUT})",
    ]
    check, restored = hand_check(f, point, names, hand, formulas)
    as_written = hand_check(f, point, names, halved, formulas)[1]
    half = hand_check(lambda a, w: f(a, w, True), point, names, halved, ())[1]
    check = Step(check.heading, (*check.lines, "", *block(
        "The article's formulas as written, without the 2, against E = (O - target)²:",
        str(as_written).splitlines(),
        ["The same formulas against ½(O - target)²:", f"  {str(half).splitlines()[-1]}"],
        "So the article's derivatives are the gradient of ½(O - target)², not of its error "
        "(O - target)²; the next step shows why its alpha = 0.2 still takes our steps.",
    )))  # fmt: skip

    author = by_label(author_row((0.0, 1.0), t, xor.TALK_W_IH, xor.TALK_W_HO))
    grad = params[OUT].grad
    update, same = by_hand(
        "w_ho1⁺", "w_ho1", "lr", "dE/dw_ho1", start[OUT], xor.LR, grad, after[OUT]
    )
    update = Step(update.heading, block(
        f"Unit 1's output weight w_ho1 ({OUT}) on (0, 1): dE/dw_ho1 = 2(O - target)·H1 = "
        f"2 · ({short(delta)}) · {short(h1)} = {short(grad)}, and SGD steps lr = 0.1 down it:",
        update.lines,
        "The article's update, weight -= alpha · activation · (output - target), in plain floats "
        f"as the talk's code does it: {short(start[OUT])} - 0.2 · {short(h1)} · ({short(delta)}) "
        f"= {author[OUT]!r}. For the key weight {KEY}, its w_ih -= alpha · B · (O - target) · "
        f"w_ho · reluDeriv(z1) gives {author[KEY]!r}, the optimizer {after[KEY]!r}: "
        f"{'the same float' if author[KEY] == after[KEY] else 'they differ'}.",
        "alpha · (O - target) = 0.2 · (O - target) = 0.1 · 2(O - target): the article's "
        "alpha = 0.2 on its derivative is our lr = 0.1 on (O - target)² (or lr 0.2 on "
        "½(O - target)²). Scaling by 2 is exact in binary and 0.2 is exactly twice 0.1 as "
        "floats, so all 9 weights after this row are the same floats either way, not just "
        "nearly.",
    ))  # fmt: skip
    checks = [
        ("explain's chain is the named factors' product and the weight's grad",
         total == factors[0] * factors[1] * factors[2] * factors[3] == params[KEY].grad),
        ("the article's formulas with the 2 restored: PASS", restored.verdict == "PASS"),
        ("as written, against (O - target)²: FAIL", as_written.verdict == "FAIL"),
        ("as written, against ½(O - target)²: PASS", half.verdict == "PASS"),
        ("w_ho1 by hand is the optimizer's step", same),
        ("alpha 0.2 on the article's formulas moves all 9 weights as lr 0.1 does", author == after),
    ]  # fmt: skip
    figures = {
        "O": out, "O - target": delta, "z1": z1, "H1": h1, "dE/dO": factors[0],
        "dO/dH1": factors[1], "dH1/dz1": relu1, "dz1/dw": b, "dE/dw_ih_B1": total,
        "article derivative": article, "dE/dw_ho1": grad, "w_ho1 after": after[OUT],
        "w_ih_B1 after": after[KEY],
    }  # fmt: skip
    return [key, check, update], checks, figures


def implicit_step(
    rp: Replay, result: xor.Result
) -> tuple[Step, list[tuple[str, bool]], dict[str, float]]:
    """The factor 2, a dead ReLU, the row (0, 0), the talk's weights, what h = 2 can represent
    and how often a random start gets stuck: each with its numbers."""
    start, between, after = rp.weights
    E, params, g = rp.rows[1], rp.params, nodes(rp.rows[1])
    zero = nodes(rp.rows[0])
    relu_at_0 = [zero[f"H{j}"].local_grads[0] for j in (1, 2, 3)]
    zero_grads = [explain(rp.rows[0], p).total for p in params.values()]
    dead = explain(E, params[DEAD])
    h2_net = MLP(2, [2, 1], bias=False, weights=[[[1, -1], [-1, 1]], [[1, 1]]])
    h2_outputs = [_one(h2_net(x)).data for x in xor.INPUTS]
    converged, dead_start = random_starts()
    step = Step("What the article leaves implicit", block(
        "The factor 2: the article's derivatives are those of ½(O - target)², half of ours; "
        "alpha = 0.2 makes up for it exactly (steps 3 to 5).",
        f"A dead ReLU: on (0, 1) hidden unit 3 has z3 = A·w_ih_A + B·w_ih_B = "
        f"{short(g['z3'].data)} <= 0, so H3 = 0 and explain's chain through it has the factor "
        f"dH3/dz3 = reluDeriv(z3) = {short(g['H3'].local_grads[0])}:",
        [f"  {line}" for line in str(dead).splitlines()],
        "Unit 3 did not contribute to O, so its incoming weights get no update from this row: "
        f"{DEAD} is {start[DEAD]!r} before the row's update and {after[DEAD]!r} after, the same "
        "float (its output weight L1n0.w2 too: dE/dw_ho3 = 2(O - target)·H3 = "
        f"{short(params['L1n0.w2'].grad)}).",
        "The row (0, 0) never changes a weight: there every zj = 0, so every Hj = 0 and O = 0, "
        f"and relu'(0) is taken as 0 ({', '.join(map(short, relu_at_0))} for the three units, "
        "as the article's reluDeriv(0) = 0): all 9 gradients are "
        f"{short(max(map(abs, zero_grads)))} and the 9 weights after the row are the floats "
        "before it. With A = B = 0 this holds at any weights, in every iteration.",
        "The posts print no numbers, and the gist's random start is unseeded; the talk's version "
        "of the program hard-codes its weights, so that is the run we repeat: error "
        f"{short(result.errors[0])} at iteration 1, {short(result.errors[-1])} at 60.",
        "Without biases a 2-h-1 ReLU net can still represent XOR exactly, with h = 2: "
        "relu(A - B) + relu(B - A) = |A - B|. Our MLP with W_ih = [[1, -1], [-1, 1]] and "
        f"W_ho = [1, 1] outputs {', '.join(map(short, h2_outputs))} on the four inputs.",
        f"But a random start does not always get there: of the seeds 0..{SEEDS - 1} "
        "(random.Random(seed), micrograd's neuron order, h = 3), "
        f"{converged} reach every |O - target| < 0.1 in 60 iterations. Of the "
        f"{SEEDS - converged} others, {dead_start} start with (0, 1) or (1, 0) switching every "
        "hidden unit off: that row's output is 0 and so is its gradient.",
    ))  # fmt: skip
    checks = [
        ("the row (0, 0) moves no weight", between == start and not any(zero_grads)),
        ("the dead unit's weights do not move on (0, 1)", after[DEAD] == start[DEAD]),
        ("the h = 2 net outputs XOR exactly", h2_outputs == list(xor.TARGETS)),
    ]
    figures = {
        "z3": g["z3"].data, "dE/dw_ih_B3": params[DEAD].grad, "converged": converged,
        "dead start": dead_start,
    }  # fmt: skip
    return step, checks, figures


def notation_step() -> Step:
    rows = [
        ("A, B", "A, B", "the inputs (leaves labelled A and B)"),
        ("w_ih_A, w_ih_B", "L0n{j-1}.w0, .w1", "hidden unit j's weights from A, from B"),
        ("A * w_ih", "zj", "unit j's weighted sum A·w_ih_A + B·w_ih_B (no bias)"),
        ("H", "Hj = relu(zj)", "hidden unit j's activation, j = 1, 2, 3"),
        ("w_ho", "L1n0.w{j-1}", "the weight from hidden unit j to the output"),
        ("O", "O = Σ Hj·w_ho_j", "the output (linear, no bias)"),
        ("error", "E = (O - target)²", "squared_error, not halved"),
        ("reluDeriv(x)", "dHj/dzj", "x > 0 ? 1 : 0, relu's local derivative (0 at 0 too)"),
        ("alpha = 0.2", "lr = 0.1", "on the derivative without its 2 (steps 3 to 5)"),
    ]
    return notation(rows, (
        "The article follows one input node A into one hidden node H and on to O; our graph has "
        "all three hidden units, numbered 1 to 3, and labels each parameter by its place "
        "(L0n0.w1: layer 0, neuron 0, weight 1, the one from B)."
    ))  # fmt: skip


def graph_step(E: Value) -> Step:
    g = nodes(E)
    return Step("The graph: the sample (0, 1) at the talk's weights", block(
        "The run starts from the weights the talk's program hard-codes: W_ih = "
        f"{[list(r) for r in xor.TALK_W_IH]} (row: from A, from B; column: hidden unit), "
        f"W_ho = {list(xor.TALK_W_HO)}. The first row, (0, 0), changes no weight (step 6), so "
        "the row (0, 1) is the first update that moves one, at exactly these weights: z1, z2, "
        f"z3 = {', '.join(short(g[f'z{j}'].data) for j in (1, 2, 3))}, so H3 = 0; "
        f"O = {short(g['O'].data)}, E = {short(E.data)}.",
    ))  # fmt: skip


def training_step(result: xor.Result) -> Step:
    errors = [(k, result.errors[k - 1]) for k in ITERATIONS]
    rows = [(f"({x[0]:g}, {x[1]:g})", t, o) for x, t, o in
            zip(xor.INPUTS, xor.TARGETS, result.outputs, strict=True)]  # fmt: skip
    return Step("The training: the talk's weights, 60 iterations, per-sample updates", block(
        "The error of an iteration is Σ(o - t)² over the four rows, each taken before that "
        "row's update, as the talk's program logs it (from xor.run()):",
        table(("iteration", "error"), errors),
        ["The outputs after the 60 iterations:", *table(("input", "target", "output"), rows)],
    ))  # fmt: skip


def _one(out: Value | list[Value]) -> Value:
    """A one-output MLP's result: the Value itself."""
    assert isinstance(out, Value), "the net has one output neuron"
    return out
