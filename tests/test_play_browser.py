"""The player in a real browser: Debian's headless Chromium, driven by playwright from PyPI.

Each page is generated here (the inverter article's 1-1-1 network, an MLP loss, a page written
by `micrograd-lite play`), opened from a file, stepped to the end through its JavaScript API,
its buttons, keys and slider, and the numbers it shows are compared with the Values' own after
`backward()`: `state()` exactly (floats cross into JavaScript as their shortest repr), and
each box's text as `draw_dot` formats it. Screenshots are checked for content.

Chromium is started with the flags this sandboxed machine needs (no background networking: the
network is closed, and without them it hangs), in a fresh profile. Where Chromium, playwright
or Graphviz is missing, the tests skip with the install command, except under CI (CI=true), where
.ci/run installs both and a missing browser is a failure. Set MICROGRAD_LITE_SCREENSHOTS=DIR
to keep the screenshots. The whole module takes a few seconds.
"""

from __future__ import annotations

import base64
import os
import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from micrograd_lite import Value, cli, play, zero_grad_graph
from micrograd_lite.backward import topo_order
from micrograd_lite.expr import parse
from micrograd_lite.render import fmt
from tests.test_play import NASTY, inverter_loss, mlp_loss

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HIGHLIGHT = (0xD6, 0x28, 0x28)  # the current step's red (player.css)


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI installs it: see .ci/run)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: python3 -m pip install -e '.[test]'")
    if not os.path.exists(CHROMIUM):
        _missing("no Chromium at /usr/bin/chromium: apt-get install -y chromium")
    if shutil.which("dot") is None:  # the pages' pictures
        _missing("Graphviz's dot is missing: apt-get install graphviz")
    with sync_playwright() as p:
        # launch() starts Chromium with a new, empty profile (--user-data-dir) of its own
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page whose script errors (uncaught exceptions, console errors) fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    assert errors == []


def open_player(page: Any, path: pathlib.Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function("window.backprop !== undefined")


def state(page: Any, call: str = "state()") -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(f"window.backprop.{call}")
    return result


def assert_shows_engine_grads(page: Any, root: Value) -> None:
    """At the last step: state() holds exactly the data and grads of one backward() from zero,
    and every drawn box shows them as draw_dot formats them."""
    order = topo_order(root)
    zero_grad_graph(root)
    root.backward()
    shown = state(page)
    assert shown["step"] == shown["steps"] and shown["phase"] == "backward"
    assert [(n["data"], n["grad"]) for n in shown["nodes"]] == [(v.data, v.grad) for v in order]
    texts = page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-mg-node]")).map(g => [
            +g.getAttribute("data-mg-node"), g.querySelector(".mg-data").textContent,
            g.querySelector(".mg-grad").textContent])"""
    )
    assert len(texts) > 0
    for i, data, grad in texts:
        assert (data, grad) == (f"data {fmt(order[i].data)}", f"grad {fmt(order[i].grad)}")


def screenshot(page: Any, tmp_path: pathlib.Path, name: str) -> dict[str, int]:
    """Take a screenshot, keep it (MICROGRAD_LITE_SCREENSHOTS), and count its colours: how
    many distinct ones, and how many pixels are the current step's red (decoded by the
    browser itself, on a blank page, so the test needs no image library)."""
    png = page.screenshot(full_page=True)
    keep = os.environ.get("MICROGRAD_LITE_SCREENSHOTS")
    for directory in (tmp_path, *([pathlib.Path(keep)] if keep else [])):
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{name}.png").write_bytes(png)
    probe = page.context.new_page()
    counts: dict[str, int] = probe.evaluate(
        """async ([b64, red]) => {
            const img = new Image();
            img.src = "data:image/png;base64," + b64;
            await img.decode();
            const canvas = document.createElement("canvas");
            canvas.width = img.width; canvas.height = img.height;
            const ctx = canvas.getContext("2d");
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, img.width, img.height).data;
            const seen = new Set();
            let hot = 0;
            for (let i = 0; i < px.length; i += 4) {
                seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
                if (px[i] === red[0] && px[i + 1] === red[1] && px[i + 2] === red[2]) hot++;
            }
            return {colours: seen.size, red: hot, width: img.width};
        }""",
        [base64.b64encode(png).decode("ascii"), list(HIGHLIGHT)],
    )
    probe.close()
    return counts


def test_inverter_steps_forward_then_backward(page: Any, tmp_path: pathlib.Path) -> None:
    root, _ = inverter_loss()
    open_player(page, play(root).save(tmp_path / "inverter.html"))
    start = state(page)
    assert (start["phase"], start["step"], start["steps"]) == ("start", 0, 16)
    assert all(n["data"] is None and n["grad"] is None for n in start["nodes"])
    first = state(page, "step(3)")  # the forward pass: data appears in topological order
    assert first["phase"] == "forward"
    assert [n["data"] for n in first["nodes"][:4]] == [0.5, 1.0, 0.15, None]
    assert all(n["grad"] is None for n in first["nodes"])
    seeded = state(page, "step(8)")  # 10 nodes, then the seed: E.grad = 1, all others 0
    assert seeded["phase"] == "backward"
    assert [n["grad"] for n in seeded["nodes"]] == [0.0] * 9 + [1.0]
    text = page.inner_text(".mg-text")
    assert "E.grad = 1" in text
    state(page, "step(3)")  # ... out.grad from out - (-1): the article's 1.045
    assert "out.grad += d(out-(-1))/dout * (out-(-1)).grad = 1 * 1.045 = 1.045" in page.inner_text(
        ".mg-text"
    )
    counts = screenshot(page, tmp_path, "inverter-backward")
    assert counts["colours"] > 10 and counts["red"] > 50  # drawn, with the step highlighted
    assert state(page, "step(-100)")["step"] == 0  # clamped at the start
    assert state(page, "step(Infinity)")["step"] == 16 and state(page, "go('x')")["step"] == 16
    state(page, "step(100)")
    assert_shows_engine_grads(page, root)
    assert state(page, "reset()")["step"] == 0
    assert page.inner_text(".mg-counter") == "step 0 / 16"


def test_mlp_loss_through_the_buttons_keys_and_slider(page: Any, tmp_path: pathlib.Path) -> None:
    root = mlp_loss()[0]
    open_player(page, play(root, interval=0.02).save(tmp_path / "mlp.html"))
    total = state(page)["steps"]
    for _ in range(3):
        page.click(".mg-next")
    assert state(page)["step"] == 3
    page.keyboard.press("ArrowRight")  # the page has the keyboard: no click needed
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert state(page)["step"] == 4
    page.click(".mg-prev")
    assert state(page)["step"] == 3
    page.keyboard.press("End")
    assert state(page)["step"] == total
    page.keyboard.press("Home")
    assert state(page)["step"] == 0
    page.click(".mg-play")  # plays on its own, 20 ms a step, until paused
    page.wait_for_function("window.backprop.state().step >= 5")
    page.click(".mg-play")
    paused = state(page)["step"]
    page.wait_for_timeout(100)
    assert state(page)["step"] == paused
    page.focus(".mg-slider")  # the slider moves by the keys a range input takes
    page.keyboard.press("End")
    assert state(page)["step"] == total
    page.click(".mg-first")
    page.eval_on_selector(
        ".mg-slider", "(s, k) => { s.value = k; s.dispatchEvent(new Event('input')); }", total - 1
    )
    assert state(page)["step"] == total - 1
    page.click(".mg-last")
    assert_shows_engine_grads(page, root)
    counts = screenshot(page, tmp_path, "mlp-end")
    assert counts["colours"] > 10 and counts["width"] >= 1400


def test_a_page_from_the_command_line(
    page: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "backprop.html"
    expression, at = "x*y + tanh(x)", {"x": 0.3, "y": -1.2}
    code = cli.main(["play", expression, "--at", "x=0.3,y=-1.2", "-o", str(target)])
    assert (code, capsys.readouterr().out) == (0, f"{target}\n")
    open_player(page, target)
    for _ in range(state(page)["steps"]):  # to the end, a key press at a time
        page.keyboard.press("ArrowRight")
    leaves = {name: Value(x, label=name) for name, x in at.items()}
    root = parse(expression).evaluate(leaves)
    assert_shows_engine_grads(page, root)
    names = [n["name"] for n in state(page)["nodes"]]
    assert names[:2] == ["x", "y"] and "tanh(x)" in names
    counts = screenshot(page, tmp_path, "cli-end")
    assert counts["colours"] > 10 and counts["red"] > 50


def test_two_players_on_one_page_stay_apart(page: Any, tmp_path: pathlib.Path) -> None:
    inverter, mlp = inverter_loss()[0], mlp_loss()[0]
    body = play(inverter)._repr_html_() + play(mlp)._repr_html_()  # as a notebook shows them
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    page.goto(path.as_uri())
    both = "document.querySelectorAll('.mg-player')"
    page.wait_for_function(f"Array.from({both}).every(el => el.backprop)")
    assert page.evaluate("window.backprop") is None  # only a standalone page sets it
    steps = page.evaluate(f"Array.from({both}).map(el => el.backprop.step(12).step)")
    assert steps == [12, 12]
    page.locator(".mg-player").nth(1).locator(".mg-next").click()
    assert page.evaluate(f"Array.from({both}).map(el => el.backprop.state().step)") == [12, 13]
    first = page.locator(".mg-player").nth(0)
    assert "step 12 / 16" in first.locator(".mg-counter").inner_text()
    # JupyterLab's way: the output's HTML set as innerHTML, then each script made anew and run;
    # here the same player twice (one output shown twice shares its id)
    again = play(inverter)._repr_html_()
    page.evaluate(
        """(html) => { for (let k = 0; k < 2; k++) {
            const out = document.createElement("div");
            out.innerHTML = html;
            document.body.appendChild(out);
            out.querySelectorAll("script").forEach(old => {
                const s = document.createElement("script");
                s.textContent = old.textContent;
                old.replaceWith(s);
            });
        } }""",
        again,
    )
    players = page.evaluate(f"Array.from({both}).map(el => el.backprop.step(1).step)")
    assert players == [13, 14, 1, 1]  # every player answers, each for itself


def test_labels_stay_text(page: Any, tmp_path: pathlib.Path) -> None:
    a = Value(1.5, label=NASTY)
    b = Value(-2.0, label="{{")
    out = a * b
    out.label = "f"
    open_player(page, play(out).save(tmp_path / "nasty.html"))
    assert page.evaluate("document.querySelectorAll('b').length") == 0
    names = [n["name"] for n in state(page, "step(100)")["nodes"]]
    assert names == [NASTY, "{{", "f"]
    assert NASTY in page.inner_text(".mg-graph") and "{{" in page.inner_text(".mg-graph")
    assert f"{NASTY}.grad" not in page.inner_text(".mg-text")  # written as ("...").grad
    assert f"({NASTY}).grad += " in page.inner_text(".mg-text")


def test_without_javascript_the_final_picture_shows(browser: Any, tmp_path: pathlib.Path) -> None:
    root, _ = inverter_loss()
    path = play(root).save(tmp_path / "static.html")
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(path.as_uri())
        assert not tab.is_visible(".mg-controls")  # nothing that would not work
        graph = tab.inner_text(".mg-graph")
        assert "grad 0.3135" in graph and "grad 0.04702" in graph  # dE/dw_ih, dE/dX
        assert "step through it" in tab.inner_text(".mg-text")
    finally:
        context.close()
