"""Did a training run diverge? The finding a worked example reports instead of MISS rows.

A run's loss history is `losses[k]`, the loss at step `first + k` (an update, an iteration, a
row: whatever the example counts). The run **diverged** when one of these holds:

1. a loss is not finite (inf or NaN): the run diverged by then (the values after it mean
   nothing, so they are ignored);
2. the run stopped because an op overflowed (the library's OverflowError, e.g. `x ** 2` at
   1e200), the step after the last recorded loss; the caller says so with `overflowed=True`;
3. the loss **grew without bound**, as far as a finite run can tell: its last value is more than
   GROWTH (1000) times its start *and* larger than every loss before it, i.e. the loss ended
   far above where it began and was still growing. A loss that rose 1000-fold and came back
   down (an overshoot the run recovered from) is not divergence.

The start is the first loss; if that is 0 (the run began at a minimum), the first positive one.
The step reported is where the run left for good: the first step from which every finite loss
stays above GROWTH times the start; when the loss never got that far (a NaN out of the blue),
the step where it stopped being finite or overflowed.

The rule can miss a slow divergence (a loss that grows 2 % a step needs ~350 steps to pass
1000x) and says nothing about a run that oscillates without settling: neither diverged by this
rule, and the example's own figures judge whether it learned.

    >>> d = diverged([0.546, 0.644, 0.11, 45.7, 3.3e7, 1.1e25, float("inf")], rate="η = 3")
    >>> d.step, d.end, d.end_step
    (4, 'reached inf', 6)
    >>> print(d.sentence("inverter", "error"))  # doctest: +NORMALIZE_WHITESPACE
    inverter: training diverged at update 4 with η = 3: the error grew from 0.546 to 1.1e+25
    by update 5 and then reached inf at update 6
    >>> diverged([1.0, 10.0, 1e4, 1e5, 1.0, 0.01], rate="r = 1") is None  # overshot, recovered
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

GROWTH = 1000.0  # how many times its start a loss must exceed to count as growing without bound


@dataclass(frozen=True)
class Divergence:
    """Where and how a run diverged; `sentence()` says it in one line."""

    step: int  # the first step from which the loss stayed above GROWTH x start (or end_step)
    unit: str  # what a step is: "update", "step", "iteration", "row"
    rate: str  # the learning rate as the example writes it: "η = 3", "lr = 2 (alpha = 4)"
    start: float  # the loss the growth is measured from
    largest: float  # the largest finite loss
    largest_step: int
    end: str  # "reached inf", "reached NaN", "overflowed", or "was still growing"
    end_step: int  # the step of the non-finite loss or the overflow; the last step if growing

    def sentence(self, name: str, loss: str = "loss", stable: str = "") -> str:
        """One line: `name`, the step, the rate, how the `loss` grew; then `stable` (the largest
        stable rate, where the example can derive it) after a semicolon."""
        where = f"training diverged at {self.unit} {self.step} with {self.rate}"
        grew = f"the {loss} grew from {self.start:.3g} to {self.largest:.3g} by "
        grew += f"{self.unit} {self.largest_step}"
        if self.end == "was still growing":
            grew += " and was still growing when the run ended"
        elif self.largest > self.start:  # False for NaN: a history not finite from its start
            grew += f" and then {self.end} at {self.unit} {self.end_step}"
        else:  # no growth to tell of: it broke down at once
            grew = f"the {loss} {self.end} at {self.unit} {self.end_step}"
        text = f"{name}: {where}: {grew}"
        return f"{text}; {stable}" if stable else text


def diverged(
    losses: Sequence[float],
    *,
    rate: str,
    unit: str = "update",
    first: int = 0,
    overflowed: bool = False,
) -> Divergence | None:
    """The Divergence of a run with these `losses` (step `first + k` for `losses[k]`), or None.

    `overflowed`: the run stopped because computing the next loss (step `first + len(losses)`)
    overflowed. The rule is the module docstring's.
    """
    end = ""
    end_index = len(losses)
    for k, loss in enumerate(losses):
        if not math.isfinite(loss):
            end, end_index = ("reached NaN" if math.isnan(loss) else "reached inf"), k
            break
    else:
        if overflowed:
            end = "overflowed"
    finite = list(losses[:end_index])
    if not finite:  # not finite from the start: there is no growth to describe
        return (
            None
            if not end
            else Divergence(first, unit, rate, math.nan, math.nan, first, end, first)
        )
    start = next((x for x in finite if x > 0.0), finite[0])
    largest = max(finite)
    largest_index = finite.index(largest)
    threshold = GROWTH * start
    onset = len(finite)
    while onset > 0 and finite[onset - 1] > threshold:
        onset -= 1  # walk back over the final run of losses above the threshold
    if not end:
        if onset == len(finite) or finite[-1] <= max(finite[:-1]):
            return None  # ended near its start, or not at a new peak (a bounded swing)
        end, end_index = "was still growing", len(finite) - 1
    step = onset if onset < len(finite) else end_index
    return Divergence(
        step=first + step,
        unit=unit,
        rate=rate,
        start=start,
        largest=largest,
        largest_step=first + largest_index,
        end=end,
        end_step=first + end_index,
    )
