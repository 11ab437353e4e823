"""The player as HTML: one element that holds its style, its controls, the arithmetic panel, the
marked-up SVG and a script with the steps as data. Nothing is fetched: no CDN, no network.

The SVG shows the final state (every data and grad after the backward pass), so a viewer that
strips scripts (a code host's notebook view) still shows the finished picture; the script then
turns it into the player, starting at step 0. Labels are data: the SVG is escaped by
ElementTree (`svg.mark_up`), text in the HTML by `html.escape`, and the script's data is JSON
with `<`, `>` and `&` written as `\\u003c`, `\\u003e`, `\\u0026`, so no label can close the
`<script>` element or start a tag; the script puts text in the page with `textContent` only.

    >>> script_data({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from micrograd_lite.play.steps import Steps
from micrograd_lite.render.boxes import fmt

CAPTION = (
    "The graph after the backward pass: each box shows its data and its grad, each edge into "
    "an op its local derivative. Open this in a browser with JavaScript to step through it."
)
# (class, label, tooltip) of each button, in the order they are shown
BUTTONS = (
    ("mg-first", "\u21e4 start", "back to the start (Home)"),
    ("mg-prev", "\u25c0 prev", "previous step (\u2190)"),
    ("mg-play", "\u25b6 play", "play / pause (space)"),
    ("mg-next", "next \u25b6", "next step (\u2192)"),
    ("mg-last", "end \u21e5", "to the last step (End)"),
    ("mg-zoom", "fit", "fit the picture to the width / show it at full size"),
)


def _asset(name: str) -> str:
    return resources.files("micrograd_lite.play").joinpath(name).read_text(encoding="utf-8")


def payload(steps: Steps, digits: int, interval: float) -> dict[str, Any]:
    """What the script replays: the nodes (name, data and its text) and every step, each grad
    with the text its box shows (formatted here, as `draw_dot` formats it)."""
    return {
        "interval": round(interval * 1000),
        "nodes": [
            {"name": name, "title": title, "data": x, "text": fmt(x, digits)}
            for name, title, x in zip(steps.names, steps.titles, steps.data, strict=True)
        ],
        "steps": [
            {
                "phase": s.phase,
                "node": s.node,
                "lines": list(s.lines),
                "inputs": list(s.inputs),
                "grads": [[i, g, fmt(g, digits)] for i, g in s.grads],
                "seed": s.seed,
            }
            for s in steps.steps
        ],
    }


def script_data(data: Any) -> str:
    """`data` as a JavaScript literal that is safe inside `<script>`: JSON (NaN and Infinity
    stay numbers, as JavaScript spells them) with every `<`, `>` and `&` escaped."""
    text = json.dumps(data, ensure_ascii=True, allow_nan=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def fragment(data: dict[str, Any], svg: str, player_id: str, *, standalone: bool) -> str:
    """The player element. The script finds its own element (by `data-mg-player`, the last one
    without a player yet, should a notebook show the same output twice) and sets its
    `backprop` property; on a standalone page also `window.backprop`, and takes the keyboard."""
    buttons = "".join(
        f'<button type="button" class="{cls}" title="{html.escape(tip)}">{label}</button>'
        for cls, label, tip in BUTTONS
    )
    total = len(data["steps"])
    finish = "window.backprop = player; root.focus();" if standalone else ""
    script = (
        f"(function () {{\n{_asset('player.js')}\n"
        f"var id = {script_data(player_id)}, root = null;\n"
        'var all = document.querySelectorAll(".mg-player[data-mg-player=\'" + id + "\']");\n'
        "for (var i = all.length - 1; i >= 0 && root === null; i--) {\n"
        "  if (!all[i].backprop) { root = all[i]; }\n}\n"
        f"if (root !== null) {{ var player = mgPlayer(root, {script_data(data)}); {finish} }}\n"
        "})();"
    )
    return (
        f'<div class="mg-player" data-mg-player="{player_id}" tabindex="0">\n'
        f"<style>\n{_asset('player.css')}</style>\n"
        f'<div class="mg-controls" hidden>{buttons}'
        f'<input type="range" class="mg-slider" min="0" max="{total}" value="{total}" '
        f'aria-label="step"><span class="mg-counter">step {total} / {total}</span></div>\n'
        f'<div class="mg-text">{html.escape(CAPTION)}</div>\n'
        f'<div class="mg-graph">{svg}</div>\n'
        f"<script>\n{script}\n</script>\n</div>"
    )


def page(body: str, title: str) -> str:
    """A standalone HTML page around the player element."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n"
        f'<body style="margin: 16px">\n{body}\n</body>\n</html>\n'
    )
