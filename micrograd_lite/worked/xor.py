"""A bias-free ReLU network learns XOR, from Tom Martin's "Neural networks from scratch", part 2.

Inputs [0,0], [0,1], [1,0], [1,1] → targets 0, 1, 1, 0; a hidden layer of 3 ReLU units without
bias, one linear output without bias: h = relu(x·W_ih), o = h·W_ho. Training is per sample, in
row order, 60 iterations. The author's update is W_ho -= alpha·h·δ and
W_ih -= alpha·x·(δ·W_ho)·[h > 0] with δ = o - t and alpha = 0.2: exactly gradient descent on
(o - t)² with lr = 0.1, since d(o - t)²/do = 2δ. The "error" of an iteration is Σ (o - t)²
over the 4 rows, each taken before that row's update.

The posts print no numbers and their gist draws unseeded random weights, so every reference
is derived: from the author's conference-talk program, which hard-codes its weights; rerun
under Node, it gives the figures compared here, bit for bit (docs/worked/xor.md transcribes and
reruns it). A second setup draws the weights with `random.Random(1)` in micrograd's neuron
order (h = 3) and also converges.

At another lr (`examples xor --lr LR`) the references, all worked out for lr = 0.1, are shown
but not judged. A run whose error grows without bound or overflows is reported as diverged
(`divergence.py`); no stable bound is derived for this net (the ReLUs make the error piecewise
quadratic in each weight, with pieces that depend on all the others). What large rates do
instead: the error jumps, then every hidden unit dies (its input ≤ 0 on all four rows, so no
gradient reaches its weights again) and the error freezes at 2; the report counts the dead units.

    >>> result = run()
    >>> [round(o, 3) for o in result.outputs]
    [0.0, 0.998, 0.999, -0.0]
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from micrograd_lite.losses import squared_error
from micrograd_lite.nn import MLP
from micrograd_lite.optim import SGD
from micrograd_lite.value import Value
from micrograd_lite.worked.divergence import Divergence, diverged
from micrograd_lite.worked.report import (
    Figure,
    Options,
    Report,
    Section,
    article,
    print_comparison,
)

INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
TARGETS = (0.0, 1.0, 1.0, 0.0)
ITERATIONS = 60
LR = 0.1  # on (o - t)²; the author's alpha = 0.2 on ½(o - t)² is the same run
HIDDEN = 3

# The talk's network.js (tpgmartin/neural_networks_infinite_conf, 53e45e0): W_ih is 2x3
# (row = input, column = hidden unit), W_ho is 3x1.
TALK_W_IH = ((0.96003, 0.77081, 0.81631), (0.14657, 0.66646, -0.03392))
TALK_W_HO = (0.70935, -0.94073, 0.44186)

ARTICLE = article("Neural networks from scratch, part 2: backpropagation", "Tom Martin")
DERIVATIONS = "docs/worked/xor.md"  # where each † reference below comes from

# The talk program's run: error at iterations 1, 10, ..., 60, final outputs (all derived).
TALK_ERRORS = {
    1: 3.3570147761666393,
    10: 1.1863874052952548,
    20: 0.5876564712830461,
    30: 0.18390945086563634,
    40: 0.017900663771987402,
    50: 0.00041523244579628674,
    60: 7.80560237027903e-06,
}
TALK_OUTPUTS = (0.0, 0.9980040223908638, 0.9993661022312055, -0.00043339357388672006)
TALK_FINAL_ERROR = 4.573582987341911e-06
# random.seed(1), micrograd neuron order, h = 3: errors at 10, 30, 60; final outputs and error.
SEED1_ERRORS = {10: 0.05279012216122347, 30: 1.442573385637511e-06, 60: 1.6949711961411966e-13}
SEED1_OUTPUTS = (0.0, 0.9999999999982917, 0.9999997404124044, 1.1132742457461695e-07)
SEED1_FINAL_ERROR = 7.977951527614776e-14
# Not claimed bit-exact for this setup: tolerances that allow another operation order.
OUTPUT_ABS_TOL = 1e-12
ERROR_REL_TOL = 1e-9


@dataclass(frozen=True)
class Result:
    """The error of every iteration, the final outputs and weights (W_ih as 2xh, W_ho as h)."""

    errors: tuple[float, ...]  # errors[k - 1] is iteration k's error
    outputs: tuple[float, ...]  # for INPUTS, with the final weights
    final_error: float  # Σ (o - t)² with the final weights
    w_ih: tuple[tuple[float, ...], ...]
    w_ho: tuple[float, ...]
    lr: float = LR
    overflowed: bool = False  # stopped: iteration len(errors) + 1 overflowed a row's (o - t)²

    @property
    def dead_units(self) -> int:
        """Hidden units whose input Σ x_i·W_ih[i][j] is ≤ 0 on all four rows: relu passes no
        gradient back to their weights, so they stay dead."""
        return sum(
            all(sum(x[i] * self.w_ih[i][j] for i in range(2)) <= 0.0 for x in INPUTS)
            for j in range(len(self.w_ho))
        )


def talk_network() -> MLP:
    """The talk's 2-3-1 network: column j of W_ih is hidden neuron j's weights (from A, from B)."""
    hidden = [[TALK_W_IH[0][j], TALK_W_IH[1][j]] for j in range(HIDDEN)]
    return MLP(2, [HIDDEN, 1], bias=False, weights=[hidden, [list(TALK_W_HO)]])


def seeded_network(seed: int, hidden: int = HIDDEN) -> MLP:
    """Weights drawn like micrograd after `random.seed(seed)`: per neuron, no bias draws."""
    return MLP(2, [hidden, 1], bias=False, rng=random.Random(seed))


def _output(model: MLP, x: Sequence[float]) -> Value:
    out = model(x)
    assert isinstance(out, Value)  # the last layer has one neuron
    return out


def run(*, model: MLP | None = None, lr: float = LR, iterations: int = ITERATIONS) -> Result:
    """Train `model` (default: the talk's weights) per sample; nothing is printed.

    A run that diverges stops early: after an iteration whose error is not finite, or at a row
    whose (o - t)² overflows.
    """
    model = talk_network() if model is None else model
    optimizer = SGD(model.parameters(), lr)
    errors = []
    overflowed = False
    for _ in range(iterations):
        error = 0.0
        try:
            for x, target in zip(INPUTS, TARGETS, strict=True):
                loss = squared_error(_output(model, x), target)
                error += loss.data  # before this row's update, as the author logs it
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        except OverflowError:  # a huge lr: the output blew up and (o - t)² left the floats
            overflowed = True
            break
        errors.append(error)
        if not math.isfinite(error):
            break
    outputs = tuple(_output(model, x).data for x in INPUTS)
    final_error = 0.0
    for o, t in zip(outputs, TARGETS, strict=True):
        try:
            final_error += (o - t) ** 2
        except OverflowError:
            final_error = math.inf
    hidden_layer, output_layer = model.layers
    w_ih = tuple(tuple(n.w[i].data for n in hidden_layer.neurons) for i in range(2))
    w_ho = tuple(w.data for w in output_layer.neurons[0].w)
    return Result(tuple(errors), outputs, final_error, w_ih, w_ho, float(lr), overflowed)


def divergence(result: Result) -> Divergence | None:
    """Whether the run diverged, from its iterations' errors (`divergence.py`'s rule)."""
    return diverged(
        result.errors,
        rate=f"lr = {result.lr:g} (alpha = {2 * result.lr:g})",
        unit="iteration",
        first=1,
        overflowed=result.overflowed,
    )


NO_BOUND = "no stable learning rate is derived for this net (no closed form)"


def _figures(
    result: Result,
    errors: dict[int, float],
    outputs: tuple[float, ...],
    final_error: float,
    *,
    exact: bool,
) -> tuple[Figure, ...]:
    out_tol = 0.0 if exact else OUTPUT_ABS_TOL
    err_tol = 0.0 if exact else ERROR_REL_TOL
    other = "" if result.lr == LR else f"lr = {result.lr:g}, worked out for {LR:g}"
    ours_errors = result.errors + (math.nan,) * (ITERATIONS - len(result.errors))
    figures = [
        Figure(
            f"error at iteration {k}",
            e,
            ours_errors[k - 1],
            rel_tol=err_tol,
            printed=False,
            not_judged=other,
        )
        for k, e in errors.items()
    ]
    figures += [
        Figure(
            f"output for {x[0]:g} XOR {x[1]:g}",
            o,
            ours,
            abs_tol=out_tol,
            printed=False,
            not_judged=other,
        )
        for x, o, ours in zip(INPUTS, outputs, result.outputs, strict=True)
    ]
    figures.append(
        Figure(
            "Σ(o - t)², final weights",
            final_error,
            result.final_error,
            rel_tol=err_tol,
            printed=False,
            not_judged=other,
        )
    )
    return tuple(figures)


def _notes(result: Result) -> tuple[str, ...]:
    """At another lr than 0.1: how many hidden units died, when any did (not after divergence)."""
    dead = result.dead_units
    if result.lr == LR or not dead or divergence(result) is not None:
        return ()
    worst = max(range(len(result.errors)), key=result.errors.__getitem__)
    return (
        f"{dead} of {len(result.w_ho)} hidden units are dead at the end (input ≤ 0 on all four "
        "rows: relu passes no gradient back, so their weights no longer move); the error was "
        f"{result.errors[-1]:.3g} at the last iteration, {result.errors[worst]:.3g} at its "
        f"largest (iteration {worst + 1})",
    )


def report(talk: Result, seeded: Result | None = None) -> Report:
    """The reference figures beside ours, for the talk's weights and (optionally) seed 1.

    At another lr the references are shown, not judged; a run that diverged is the finding.
    """
    sections = [
        Section(
            "the talk's hard-coded weights, h = 3 (bit-exact)",
            _figures(talk, TALK_ERRORS, TALK_OUTPUTS, TALK_FINAL_ERROR, exact=True),
            (
                "the posts print no numbers: every reference here is derived (the author's talk "
                "program, rerun)",
                *_notes(talk),
            ),
        )
    ]
    runs = [("xor, the talk's weights", talk)]
    if seeded is not None:
        sections.append(
            Section(
                "random.Random(1) init in micrograd's neuron order, h = 3",
                _figures(seeded, SEED1_ERRORS, SEED1_OUTPUTS, SEED1_FINAL_ERROR, exact=False),
                _notes(seeded),
            )
        )
        runs.append(("xor, random.Random(1) init", seeded))
    findings = [(name, divergence(result)) for name, result in runs]
    lr = talk.lr
    return Report(
        "xor",
        ARTICLE,
        f"2-3-1 ReLU net, no biases, per-sample SGD on (o - t)², lr {lr:g} (alpha {2 * lr:g}), "
        f"{ITERATIONS} iterations",
        tuple(sections),
        derivations=DERIVATIONS,
        finding="\n".join(d.sentence(name, "error", NO_BOUND) for name, d in findings if d),
    )


def results(options: Options) -> tuple[Result, Result]:
    """The talk's hard-coded weights, then the random.Random(1) init, at lr = `options.lr`
    (default 0.1)."""
    lr = LR if options.lr is None else options.lr
    return run(lr=lr), run(model=seeded_network(1), lr=lr)


def compare(options: Options) -> Report:
    """Both setups, compared."""
    return report(*results(options))


def main() -> int:
    """Print the comparison; 0 when every figure matches, else 1."""
    return print_comparison(compare)


if __name__ == "__main__":
    raise SystemExit(main())
