"""Watch backprop happen: a step-through player for the graph of your own code.

`play(root)` returns a `Player`: it shows inline in Jupyter (`_repr_html_`) and `.save(path)`
writes one self-contained HTML page (the Graphviz SVG and a small script inlined; nothing is
fetched). It steps through the forward pass (each node's data appears, in topological order)
and then the backward pass (each step highlights one node and shows the arithmetic it does,
`x.grad += d(x*y)/dx * out.grad = -3 * 1 = -3`, every box updating), with start / prev / play
/ next / end buttons, the arrow keys (Home, End, space) and a step slider. The steps are
computed here, by the engine (`steps`), not in JavaScript; the grads shown at the end are those
of one `backward()` from zero grads, and `play` leaves every `.grad` as it was.

Modules: `steps` (the steps, from the engine), `svg` (Graphviz's SVG marked up for the script),
`page` (the HTML), `player.js` and `player.css` (inlined in every page).

JavaScript API, for embedding and tests: each player element's `backprop` property, and
`window.backprop` on a standalone page: `step(n)` advances n steps (negative goes back),
`reset()` goes back to step 0, `go(k)` to step k, `play()` and `pause()`; `state()` returns
`{phase, step, steps, nodes: [{name, data, grad}]}`: phase 'start', 'forward' or 'backward',
nodes in topological order, numbers as floats (null while not yet computed).

    >>> from micrograd_lite import Value
    >>> x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    >>> out = x * y; out.label = "out"
    >>> steps = compute_steps(out)            # what play(out) replays; play runs Graphviz's dot
    >>> len(steps.steps), steps.grads, x.grad  # 3 forward, the seed, out's step; grads untouched
    (5, (-3.0, 2.0, 1.0), 0.0)
    >>> steps.steps[-1].lines[0]
    'x.grad += d(x*y)/dx * out.grad = -3 * 1 = -3'
"""

from __future__ import annotations

import hashlib
import itertools
import math
import pathlib
from typing import Any

from micrograd_lite.backward import topo_order
from micrograd_lite.errors import OperandTypeError, SettingError, describe
from micrograd_lite.play.page import fragment, page, payload
from micrograd_lite.play.steps import Step, Steps, compute_steps
from micrograd_lite.play.svg import mark_up
from micrograd_lite.render.files import to_svg
from micrograd_lite.value import Value

__all__ = ["Player", "Step", "Steps", "compute_steps", "play"]

_serial = itertools.count(1)  # with a hash of the content: ids that differ between players


class Player:
    """A graph's step-through player: `html` (a standalone page), `save(path)`, and the element
    Jupyter shows (`_repr_html_`). `steps` holds what it replays."""

    def __init__(self, steps: Steps, svg: str, *, title: str, interval: float, digits: int):
        self.steps = steps
        self.title = title
        data = payload(steps, digits, interval)
        digest = hashlib.sha256((repr(data) + svg).encode("utf-8")).hexdigest()[:10]
        self.id = f"mg{next(_serial)}-{digest}"
        self._data = data
        self._svg = mark_up(svg, self.id)

    def _repr_html_(self) -> str:
        """The player element alone, for a notebook (its API: the element's `backprop`)."""
        return fragment(self._data, self._svg, self.id, standalone=False)

    @property
    def html(self) -> str:
        """A standalone page (its API: `window.backprop`)."""
        return page(fragment(self._data, self._svg, self.id, standalone=True), self.title)

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the standalone page to `path` (parent directories are created); return it."""
        path = pathlib.Path(path)
        text = self.html
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return f"<Player {self.title!r}: {len(self.steps.steps)} steps>"


def play(root: Value, *, interval: float = 0.7, digits: int = 4, **draw_kwargs: Any) -> Player:
    """The step-through player of everything `root` depends on (see the module docstring).

    `interval` is the seconds per step while playing; `digits` the significant digits in the
    boxes; `draw_kwargs` go to `draw_dot` for the picture (`rankdir`, `params`, `max_nodes`,
    ...): Values it leaves out of the picture still have their steps. Raises graphviz's
    `ExecutableNotFound` (whose message names the install command) when Graphviz's `dot` is
    missing, GraphError for a node the chain rule cannot pass (as `backward()` does),
    OperandTypeError (a TypeError) for a root that is not a Value, SettingError (a ValueError)
    for an interval that is not > 0, and ValueError for a bad drawing option.
    """
    if not isinstance(root, Value):
        raise OperandTypeError(f"play: root must be a Value, got {describe(root)}")
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise OperandTypeError(
            f"play: interval must be a number of seconds, got {describe(interval)}"
        )
    if not (math.isfinite(interval) and interval > 0.0):
        raise SettingError(
            f"play: interval must be a finite number of seconds > 0, got {interval!r}"
        )
    steps = compute_steps(root)
    order = topo_order(root)
    saved = [v.grad for v in order]
    try:  # the picture shows the final state: the grads the steps end with
        for v, g in zip(order, steps.grads, strict=True):
            v.grad = g
        # a box per Value, whatever the size: each step highlights one (not a neuron view)
        svg = to_svg(root, digits=digits, **{"view": "values", **draw_kwargs})
    finally:
        for v, g in zip(order, saved, strict=True):
            v.grad = g
    title = f"backprop through {steps.names[-1]}"
    return Player(steps, svg, title=title, interval=interval, digits=digits)
