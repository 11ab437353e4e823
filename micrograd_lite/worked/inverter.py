"""A 1-1-1 linear network learns to invert, from "Backpropagation and Gradient Descent" (no author
named).

Two one-input neurons without bias and with identity activations, φ(x) = x: the hidden one
computes φ(a_h) = X·w_ih, the output one φ(a_o) = φ(a_h)·w_ho. Starting from w_ih = 0.15,
w_ho = 0.3, it is trained on the single pair X = 1 → Y = -1 with E = ½(φ(a_o) - Y)². The
article derives the gradients by hand with the chain rule:

    dE/dw_ih = (φ(a_o) - Y)·w_ho·X        dE/dw_ho = (φ(a_o) - Y)·φ(a_h)

(0.3135 and 0.15675 at the start). Here `backward()` computes them, and each epoch moves both
weights at once, w ← w - η·dE/dw, until |φ(a_o) - Y| < 1e-6. The article does not print its η;
the default is 0.1 (89 updates); the article's formulas, iterated, give reference trajectories
for η = 0.1, 0.05, 0.01, 0.2 and 0.5 (docs/worked/inverter.md derives them).
The learned map w_ih·w_ho ≈ -1 then inverts any input: 0.4 → -0.4 and -200 → 200.

Too large an η makes it diverge (`divergence.py` decides from the errors; the report then
says so instead of judging the predictions). At a minimum, w_ih·w_ho = Y/X, the Hessian of E
has eigenvalues 0 and X²(w_ih² + w_ho²); gradient flow keeps w_ho² - w_ih² at its start, 0.0675,
so the minimum it heads for has w_ih² + w_ho² = √(0.0675² + 4(Y/X)²) and a step there is
stable only for η < 2/(X²·√(0.0675² + 4)) ≈ 0.9994 (`inverter_stability`). Measured: the runs
converge up to η = 0.999, oscillate without settling from 1.0 to about 1.9, and blow up
beyond (docs/worked/inverter.md).

    >>> result = run()
    >>> result.updates, result.hand_grads == result.autograd_grads
    (89, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micrograd_lite.losses import half_squared_error
from micrograd_lite.nn import Neuron
from micrograd_lite.optim import SGD
from micrograd_lite.worked.divergence import Divergence, diverged
from micrograd_lite.worked.inverter_stability import Valley
from micrograd_lite.worked.report import (
    Figure,
    Options,
    Report,
    Section,
    article,
    print_comparison,
)

W_IH = 0.15
W_HO = 0.3
X = 1.0
Y = -1.0
LR = 0.1
TOL = 1e-6  # stop when |out - Y| < TOL
MAX_UPDATES = 100_000  # small η converge slowly (η = 0.01 needs 941); too large ones diverge
PROBES = (0.4, -200.0)  # the article's last two instructions: predictions for unseen inputs
VALLEY = Valley(W_IH, W_HO, X, Y)  # the largest stable η, derived (inverter_stability)

ARTICLE = article("Backpropagation and Gradient Descent")
DERIVATIONS = "docs/worked/inverter.md"  # where each † reference below comes from

# The article's update iterated in plain floats, per η: weights after updates 1 and 2, updates
# until |out - Y| < 1e-6, final weights. All bit-exact (only two-factor products are involved).
TRAJECTORIES: dict[float, tuple[tuple[float, float], tuple[float, float], int, float, float]] = {
    0.1: ((0.11865, 0.284325), (0.08925832502775938, 0.2720597323117687), 89,
          -0.9866126466177613, 1.0135680260476834),
    0.05: ((0.134325, 0.2921625), (0.11914358311052402, 0.2851826725968293), 184,
           -0.9849835814143065, 1.0152443737425891),
    0.01: ((0.146865, 0.2984325), (0.14374987415676935, 0.2968994801145449), 941,
           -0.9836188283518971, 1.0166529676280864),
    0.2: ((0.0873, 0.26865), (0.03230986251915, 0.2507805080883), 42,
          -0.9896077910760915, 1.010500650719273),
    0.5: ((-0.006749999999999978, 0.22162500000000002),
          (-0.1173967279628906, 0.22499495110546874), 10,
          -0.9963598415709526, 1.003653109429086),
}  # fmt: skip
# out and E after the first update; w_ih·w_ho, predict(0.4), predict(-200) at the stop.
AFTER_ONE: dict[float, tuple[float, float]] = {
    0.1: (0.03373516125, 0.5343041918022818),
    0.05: (0.0392447278125, 0.5400148021430388),
}
PREDICTIONS: dict[float, tuple[float, float, float]] = {
    0.1: (-0.9999990327060448, -0.399999613082418, 199.99980654120898),
    0.05: (-0.9999990392597002, -0.3999996157038801, 199.99980785194003),
}


@dataclass(frozen=True)
class Result:
    """Step 0 (forward values, gradients by hand and by autograd), the run, and predictions."""

    lr: float
    hidden0: float  # φ(a_h) at the start
    out0: float
    error0: float
    hand_grads: tuple[float, float]  # (dE/dw_ih, dE/dw_ho) from the article's formulas
    autograd_grads: tuple[float, float]  # the same from backward()
    weights: tuple[tuple[float, float], ...]  # (w_ih, w_ho) before update 1, after 1, 2, ...
    outputs: tuple[float, ...]  # out before update 1, after update 1, 2, ...
    errors: tuple[float, ...]
    converged: bool  # |out - Y| < 1e-6 reached (False: diverged or MAX_UPDATES hit)
    predictions: tuple[tuple[float, float], ...]  # (input, output) for PROBES
    overflowed: bool = False  # the run stopped because (out - Y)² overflowed

    @property
    def updates(self) -> int:
        return len(self.weights) - 1

    @property
    def product(self) -> float:
        """w_ih·w_ho: the learned map is out = (w_ih·w_ho)·x, so this should approach -1."""
        w_ih, w_ho = self.weights[-1]
        return w_ih * w_ho


def run(*, lr: float = LR, tol: float = TOL, max_updates: int = MAX_UPDATES) -> Result:
    """Train until |out - Y| < tol (or `max_updates`, or divergence); nothing is printed."""
    if (
        isinstance(lr, bool)
        or not isinstance(lr, int | float)
        or not (math.isfinite(lr) and lr > 0)
    ):
        raise ValueError(f"inverter: lr must be a positive finite number, got {lr!r}")
    hidden = Neuron(1, activation="linear", bias=False, weights=[W_IH])
    output = Neuron(1, activation="linear", bias=False, weights=[W_HO])
    (w_ih,) = hidden.parameters()
    (w_ho,) = output.parameters()
    optimizer = SGD([w_ih, w_ho], lr)  # one step moves both: gradients taken at the old weights

    weights = [(w_ih.data, w_ho.data)]
    outputs: list[float] = []
    errors: list[float] = []
    hand = autograd = (math.nan, math.nan)
    hidden0 = math.nan
    converged = overflowed = False
    while True:
        h = hidden([X])
        out = output(h)
        try:
            error = half_squared_error(out, Y)
        except OverflowError:  # η too large: the weights blew up and (out - Y)² overflowed
            overflowed = True
            break
        outputs.append(out.data)
        errors.append(error.data)
        if abs(out.data - Y) < tol:
            converged = True
            break
        if len(weights) > max_updates or not math.isfinite(error.data):
            break
        optimizer.zero_grad()
        error.backward()
        if len(weights) == 1:
            hidden0 = h.data
            # The article's hand-derived formulas, as plain floats, only to show beside autograd.
            hand = ((out.data - Y) * w_ho.data * X, (out.data - Y) * h.data)
            autograd = (w_ih.grad, w_ho.grad)
        optimizer.step()
        weights.append((w_ih.data, w_ho.data))

    predictions = tuple((x, output(hidden([x])).data) for x in PROBES)
    return Result(
        lr=float(lr),
        hidden0=hidden0,
        out0=outputs[0] if outputs else math.nan,
        error0=errors[0] if errors else math.nan,
        hand_grads=hand,
        autograd_grads=autograd,
        weights=tuple(weights),
        outputs=tuple(outputs),
        errors=tuple(errors),
        converged=converged,
        predictions=predictions,
        overflowed=overflowed,
    )


def divergence(result: Result) -> Divergence | None:
    """Whether the run diverged, from its errors (`divergence.py`'s rule)."""
    return diverged(result.errors, rate=f"η = {result.lr:g}", overflowed=result.overflowed)


def report(result: Result) -> Report:
    """The article's figures beside ours; the derived trajectory when η is one worked out.

    A diverged run is reported as a finding (`divergence`), and its outcome (learns to invert,
    the learned map, the predictions) is shown but not judged.
    """
    finding = divergence(result)
    after = "training diverged" if finding else ""
    (hand_ih, hand_ho), (auto_ih, auto_ho) = result.hand_grads, result.autograd_grads
    step0 = (
        Figure("φ(a_h) = X·w_ih", 0.15, result.hidden0),
        Figure("φ(a_o) = φ(a_h)·w_ho", 0.045, result.out0),
        Figure("E = ½(φ(a_o) - Y)²", 0.5460124999999999, result.error0, printed=False),
        Figure("dE/dw_ih by hand: (out - Y)·w_ho·X", 0.31349999999999995, hand_ih, printed=False),
        Figure("dE/dw_ih by backward()", 0.31349999999999995, auto_ih, printed=False),
        Figure("dE/dw_ho by hand: (out - Y)·φ(a_h)", 0.15674999999999997, hand_ho, printed=False),
        Figure("dE/dw_ho by backward()", 0.15674999999999997, auto_ho, printed=False),
    )
    lr = result.lr
    w = result.weights
    run: list[Figure] = []
    notes: list[str] = []
    updates = result.updates if result.converged else f"not reached in {result.updates}"
    table = TRAJECTORIES.get(lr)
    if table is not None:
        first, second, _, final_ih, final_ho = table
        for k, expected in ((1, first), (2, second)):
            ours = w[k] if len(w) > k else (math.nan, math.nan)
            run.append(Figure(f"w_ih after update {k}", expected[0], ours[0], printed=False))
            run.append(Figure(f"w_ho after update {k}", expected[1], ours[1], printed=False))
        if lr in AFTER_ONE:
            out1, error1 = AFTER_ONE[lr]
            ours_out = result.outputs[1] if len(result.outputs) > 1 else math.nan
            ours_err = result.errors[1] if len(result.errors) > 1 else math.nan
            run.append(Figure("out after update 1", out1, ours_out, printed=False))
            run.append(Figure("E after update 1", error1, ours_err, printed=False))
        run.append(Figure("updates until |out - Y| < 1e-6", table[2], updates, printed=False))
        run.append(Figure("final w_ih", final_ih, w[-1][0], printed=False))
        run.append(Figure("final w_ho", final_ho, w[-1][1], printed=False))
    else:
        judged = "only step 0 and the inversion are judged"
        if finding:
            judged = "only step 0 is judged: the run diverged"
        notes.append(
            f"η = {lr:g} has no derived trajectory (the article's own η is unknown): {judged}. "
            "Derived for η = "
            f"{', '.join(f'{x:g}' for x in TRAJECTORIES)}."
        )
        run.append(Figure("updates until |out - Y| < 1e-6", None, updates))
        run.append(Figure("final w_ih", None, w[-1][0]))
        run.append(Figure("final w_ho", None, w[-1][1]))
    run.append(
        Figure("learns to invert (reaches the stop)", True, result.converged, not_judged=after)
    )
    unsettled = VALLEY.unsettled(
        lr, converged=result.converged, weights=w[-1], errors=result.errors
    )
    notes.extend(note for note in (unsettled,) if note and not finding)

    (x1, p1), (x2, p2) = result.predictions
    exact = PREDICTIONS.get(lr)
    learned = [
        Figure("w_ih·w_ho (the learned map)", -1.0, result.product, abs_tol=1e-6, not_judged=after)
    ]
    if exact is not None:
        learned[0] = Figure("w_ih·w_ho (the learned map)", exact[0], result.product, printed=False)
    learned.append(Figure(f"predict({x1:g}) (→ -0.4)", -0.4, p1, abs_tol=1e-5, not_judged=after))
    learned.append(Figure(f"predict({x2:g}) (→ 200)", 200.0, p2, abs_tol=1e-3, not_judged=after))
    if exact is not None:
        learned.append(Figure(f"predict({x1:g}), exact", exact[1], p1, printed=False))
        learned.append(Figure(f"predict({x2:g}), exact", exact[2], p2, printed=False))
    return Report(
        "inverter",
        ARTICLE,
        f"1-1-1 linear net, w_ih = 0.15, w_ho = 0.3, X = 1 → Y = -1, E = ½(out - Y)², η = {lr:g}",
        (
            Section("step 0: forward and the gradients, hand-derived beside backward()", step0),
            Section(f"training, both weights at once, η = {lr:g}", tuple(run), tuple(notes)),
            Section("the learned inversion", tuple(learned)),
        ),
        derivations=DERIVATIONS,
        finding="" if finding is None else finding.sentence("inverter", "error", VALLEY.sentence()),
    )


def results(options: Options) -> tuple[Result]:
    """The run with η = `options.lr` (default 0.1)."""
    return (run(lr=LR if options.lr is None else options.lr),)


def compare(options: Options) -> Report:
    """Run with η = `options.lr` (default 0.1) and compare."""
    return report(*results(options))


def main() -> int:
    """Print the comparison for η = 0.1; 0 when every figure matches, else 1."""
    return print_comparison(compare)


if __name__ == "__main__":
    raise SystemExit(main())
