"""What the XOR lesson computes with, and its exercises: `error`, one sample's error with
weights of the student's choosing; `replay`, the run's first two rows with its own network,
loss and SGD; the article's arithmetic in plain floats (`relu_deriv`, `author_row`: the talk
program's update of one row); `random_starts`, how often a random start learns XOR.

Each exercise's check is one line of Python with ANSWER in it: the student replaces ANSWER by
their answer (Python source: a formula in w, a bool, a unit's number) and runs the line, which
gives `passed` when the answer is right. `attempt` runs exactly that line, so what the lesson
prints is what its tests and `Exercise.verify` run.

    >>> round(error((0, 1)).data, 6)
    2.319497
    >>> attempt(DEAD_AFTER_TRAINING, "3")
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from micrograd_lite.backward import topo_order
from micrograd_lite.check import gradcheck
from micrograd_lite.lessons.graphs import name_parameters, xor_error
from micrograd_lite.lessons.lesson import Exercise
from micrograd_lite.lessons.steps import short
from micrograd_lite.losses import half_squared_error, squared_error
from micrograd_lite.optim import SGD
from micrograd_lite.value import Value
from micrograd_lite.worked import xor

Matrix = tuple[tuple[float, ...], ...]  # W_ih: one row per input (A, B), a column per unit
Weights = tuple[Matrix, tuple[float, ...]]  # (W_ih, W_ho)
SEEDS = 100  # random starts counted (0.5 s); docs/worked/xor.md counts 1000 the same way
ALPHA = 0.2  # the article's learning rate, on its derivative without the 2
W_HO_2 = xor.TALK_W_HO[1]  # exercise 1's weight: hidden unit 2 to the output (L1n0.w1)


def error(
    sample: tuple[float, float],
    weights: Mapping[str, Value | float] | None = None,
    *,
    half: bool = False,
) -> Value:
    """E = (O - target)² (½(O - target)² when `half`) of the talk's network on `sample`, one
    of xor.INPUTS with its target from xor.TARGETS; the parameters named in `weights` by
    their labels (`{"L1n0.w1": w}`) take the given Values or numbers instead of the talk's:
    the function gradcheck differentiates."""
    key = (float(sample[0]), float(sample[1]))
    if key not in xor.INPUTS:
        raise ValueError(f"error: sample must be one of {xor.INPUTS}, got {sample!r}")
    model = xor.talk_network()
    name_parameters(model)
    given = dict(weights or {})
    for layer in model.layers:
        for neuron in layer.neurons:
            for k, w in enumerate(neuron.w):
                if w.label in given:
                    v = given.pop(w.label)
                    neuron.w[k] = v if isinstance(v, Value) else Value(v, label=w.label)
    if given:
        known = ", ".join(p.label for p in model.parameters())
        raise KeyError(f"error: no parameter labelled {', '.join(given)}; the labels: {known}")
    loss = half_squared_error if half else squared_error
    return xor_error(model, key, xor.TARGETS[xor.INPUTS.index(key)], loss)


def relu_deriv(x: float) -> float:
    """The article's reluDeriv = (x) => (x > 0 ? 1 : 0)."""
    return 1.0 if x > 0 else 0.0


def author_row(x: Sequence[float], target: float, w_ih: Matrix, w_ho: Sequence[float]) -> Weights:
    """One row of the talk program's update in plain floats, in its order of operations
    (docs/worked/xor.md): δ = O - target, W_ho -= (H·δ)·alpha and
    W_ih -= (x·(δ·w_ho·reluDeriv(H)))·alpha, with the W_ho from before the row."""
    hidden = [max(0.0, 0.0 + x[0] * w_ih[0][j] + x[1] * w_ih[1][j]) for j in range(len(w_ho))]
    out = 0.0
    for h, w in zip(hidden, w_ho, strict=True):
        out += h * w
    delta = out - target
    hidden_delta = [(delta * w) * relu_deriv(h) for h, w in zip(hidden, w_ho, strict=True)]
    new_ho = tuple(w - (h * delta) * ALPHA for h, w in zip(hidden, w_ho, strict=True))
    new_ih = tuple(
        tuple(w - (x[i] * d) * ALPHA for w, d in zip(w_ih[i], hidden_delta, strict=True))
        for i in (0, 1)
    )
    return new_ih, new_ho


def by_label(weights: Weights) -> dict[str, float]:
    """W_ih and W_ho under our labels: W_ih[i][j] is L0n{j}.w{i}, W_ho[j] is L1n0.w{j}."""
    w_ih, w_ho = weights
    named = {f"L0n{j}.w{i}": w for i, row in enumerate(w_ih) for j, w in enumerate(row)}
    return named | {f"L1n0.w{j}": w for j, w in enumerate(w_ho)}


def random_starts() -> tuple[int, int]:
    """Of the seeds 0..SEEDS-1 (micrograd's neuron order, 3 hidden units): how many reach
    every |O - target| < 0.1 in 60 iterations, and how many of the others start with (0, 1)
    or (1, 0) switching every hidden unit off (all its weights from that input <= 0)."""
    converged = dead_start = 0
    for seed in range(SEEDS):
        model = xor.seeded_network(seed)
        w = [[n.w[i].data for n in model.layers[0].neurons] for i in (0, 1)]
        result = xor.run(model=model)
        ok = all(abs(o - t) < 0.1 for o, t in zip(result.outputs, xor.TARGETS, strict=True))
        converged += ok
        dead_start += not ok and (max(w[0]) <= 0 or max(w[1]) <= 0)
    return converged, dead_start


@dataclass(frozen=True)
class Replay:
    """The run's first two rows, (0, 0) then (0, 1), with the run's own network, loss and SGD:
    each row's error graph (backward() done) and the weights, by label, around each update."""

    params: dict[str, Value]
    rows: tuple[Value, Value]
    weights: tuple[dict[str, float], dict[str, float], dict[str, float]]  # start, after, after


def replay() -> Replay:
    model = xor.talk_network()
    name_parameters(model)
    params = {p.label: p for p in model.parameters()}
    optimizer = SGD(model.parameters(), xor.LR)
    weights = [{k: p.data for k, p in params.items()}]
    rows = []
    for x, target in zip(xor.INPUTS[:2], xor.TARGETS[:2], strict=True):
        rows.append(xor_error(model, x, target))
        optimizer.zero_grad()
        rows[-1].backward()
        optimizer.step()
        weights.append({k: p.data for k, p in params.items()})
    return Replay(params, (rows[0], rows[1]), (weights[0], weights[1], weights[2]))


def nodes(root: Value) -> dict[str, Value]:
    return {n.label: n for n in topo_order(root) if n.label}


def attempt(check: str, answer: str) -> object:
    """Run the line `check` with ANSWER replaced by `answer`, as the student runs it (with
    gradcheck, error and xor imported)."""
    names = {"gradcheck": gradcheck, "error": error, "xor": xor}
    return eval(check.replace("ANSWER", answer), names)  # our own line: no user text reaches it


OUTPUT_WEIGHT = (
    f'gradcheck(lambda w: error((0, 1), {{"L1n0.w1": w}}), [{short(W_HO_2)}], '
    "expected=lambda w: [ANSWER]).verdict"
)
ALPHA_AS_LR = (
    "all(abs(o - t) < 0.1 for o, t in zip(xor.run(lr=0.2).outputs, xor.TARGETS)) == ANSWER"
)
DEAD_AFTER_TRAINING = "[a + b for a, b in zip(*xor.run().w_ih)][ANSWER - 1] <= 0"
IMPORTS = (
    "`from micrograd_lite.check import gradcheck`, `from micrograd_lite.lessons.xor_exercises "
    "import error` and `from micrograd_lite.worked import xor`"
)


@dataclass(frozen=True)
class Answer:
    """An exercise's check line, its right answer (as the student would type it) and what the
    line gives when the answer is right."""

    check: str
    right: str
    passed: object

    def verify(self) -> bool:
        return attempt(self.check, self.right) == self.passed


def answers() -> tuple[Answer, ...]:
    """The three exercises' checks and right answers, in the lesson's order."""
    h1, h2 = xor.TALK_W_IH[1][0], xor.TALK_W_IH[1][1]  # on (0, 1), Hj = relu(w_ih_B of j)
    formula = f"2 * ({short(h1)} * {short(xor.TALK_W_HO[0])} + {short(h2)} * w - 1) * {short(h2)}"
    return (
        Answer(OUTPUT_WEIGHT, formula, "PASS"),
        Answer(ALPHA_AS_LR, "False", True),
        Answer(DEAD_AFTER_TRAINING, "3", True),
    )


def exercises() -> tuple[Exercise, ...]:
    """The exercises as the lesson prints them."""
    first, second, third = answers()
    h = [max(0.0, w) for w in xor.TALK_W_IH[1]]  # A = 0, B = 1: zj is w_ih_B of unit j
    questions = (
        "On the sample (0, 1) at the talk's weights, derive dE/dw_ho for hidden unit 2's "
        f"output weight w (our L1n0.w1 = {short(W_HO_2)}) as a formula in w, with "
        f"H1 = {short(h[0])}, H2 = {short(h[1])}, H3 = {short(h[2])} and unit 1's w_ho = "
        f"{short(xor.TALK_W_HO[0])}. Put it for ANSWER: the line prints PASS when gradcheck "
        f"agrees with your formula. (The three checks run after {IMPORTS}.)",
        "Forget the factor 2 and take the article's alpha = 0.2 as our lr on (O - target)²: "
        "every step is twice the article's. Does the run from the talk's weights still learn "
        "XOR, every |O - target| < 0.1 after 60 iterations? ANSWER True or False: the line "
        "gives True when you are right. Then print xor.run(lr=0.2).outputs: which row gave up, "
        "and why does its gradient stay 0?",
        "After the 60 iterations, one hidden unit is off on the input (1, 1): which, 1, 2 or 3? "
        "Its pre-activation there is w_ih_A + w_ih_B, from xor.run().w_ih (row 0: the weights "
        "from A, row 1: from B). ANSWER its number: the line gives True when its z <= 0.",
    )
    return tuple(
        Exercise(question, answer.check, answer.verify)
        for question, answer in zip(questions, (first, second, third), strict=True)
    )
