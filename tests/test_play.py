"""The step-through player without a browser: its steps against the engine and torch, the page
it writes (self-contained, escaped), `play` on the command line and in `examples --play`.
tests/test_play_browser.py runs the pages in Chromium."""

from __future__ import annotations

import json
import math
import pathlib
import re
import shutil
import xml.etree.ElementTree as ET

import graphviz
import pytest

from micrograd_lite import MLP, GraphError, Value, mse, play, zero_grad_graph
from micrograd_lite.backward import topo_order
from micrograd_lite.errors import OperandTypeError, SettingError
from micrograd_lite.play import compute_steps
from micrograd_lite.play.page import script_data

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")
NASTY = "</script><b>x\"&'"


def inverter_loss() -> tuple[Value, dict[str, Value]]:
    """The inverter article's 1-1-1 network at its start: E = 0.5*(X*w_ih*w_ho - -1)^2."""
    leaves = {n: Value(x, label=n) for n, x in (("X", 1.0), ("w_ih", 0.15), ("w_ho", 0.3))}
    h = leaves["X"] * leaves["w_ih"]
    h.label = "h"
    out = h * leaves["w_ho"]
    out.label = "out"
    error = 0.5 * (out - -1.0) ** 2
    error.label = "E"
    return error, leaves


def mlp_loss(seed: int = 1) -> tuple[Value, MLP, list[list[float]]]:
    """An MLP(2, [4, 4, 1]) mean squared error over two samples."""
    model = MLP(2, [4, 4, 1], seed=seed)
    xs = [[0.5, -1.0], [-0.3, 0.8]]
    preds = [model(x) for x in xs]
    loss = mse([p for p in preds if isinstance(p, Value)], [1.0, -1.0])
    return loss, model, xs


def engine_grads(root: Value) -> list[float]:
    """What one backward() from zero grads gives, node by node in topological order."""
    zero_grad_graph(root)
    root.backward()
    return [v.grad for v in topo_order(root)]


@pytest.mark.parametrize("make", [lambda: inverter_loss()[0], lambda: mlp_loss()[0]])
def test_the_last_step_holds_backwards_grads_bit_for_bit(make: object) -> None:
    root = make()  # type: ignore[operator]
    steps = compute_steps(root)
    assert list(steps.grads) == engine_grads(root)  # the engine's floats: exactness is the claim
    grads = {i: 0.0 for i in range(len(steps.names))}
    for step in steps.steps:  # replaying the recorded changes, as the page does, ends there too
        grads.update(dict(step.grads))
    assert list(grads.values()) == list(steps.grads)


def test_the_mlp_grads_match_torch() -> None:
    torch = pytest.importorskip("torch")
    loss, model, xs = mlp_loss()
    steps = compute_steps(loss)
    index = {v: i for i, v in enumerate(topo_order(loss))}
    params = [
        torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in model.parameters()
    ]
    it = iter(params)
    layers = [
        [([next(it) for _ in n.w], next(it)) for n in layer.neurons] for layer in model.layers
    ]
    total = torch.tensor(0.0, dtype=torch.float64)
    for x, target in zip(xs, [1.0, -1.0], strict=True):
        h = [torch.tensor(v, dtype=torch.float64) for v in x]
        for k, layer in enumerate(layers):
            z = [sum((w * a for w, a in zip(ws, h, strict=True)), b) for ws, b in layer]
            h = z if k == len(layers) - 1 else [torch.relu(v) for v in z]  # linear output
        total = total + (h[0] - target) ** 2
    (total / 2).backward()
    ours = [steps.grads[index[p]] for p in model.parameters()]
    theirs = [float(t.grad) for t in params]
    # float64 both, summed in other orders: a few ulps apart, 1e-12 relative at the most
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_steps_forward_in_topological_order_then_one_per_op() -> None:
    root, _ = inverter_loss()
    order = topo_order(root)
    steps = compute_steps(root)
    forward = [s for s in steps.steps if s.phase == "forward"]
    backward = [s for s in steps.steps if s.phase == "backward"]
    assert [s.node for s in forward] == list(range(len(order)))
    assert backward[0].seed and backward[0].grads == ((len(order) - 1, 1.0),)
    ops = [i for i, v in enumerate(order) if v.inputs]
    assert [s.node for s in backward[1:]] == sorted(ops, reverse=True)
    assert steps.names[-1] == "E" and steps.data == tuple(v.data for v in order)


def test_the_arithmetic_each_step_shows() -> None:
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    out = x * y
    out.label = "out"
    last = compute_steps(out).steps[-1]
    assert last.lines == (
        "x.grad += d(x*y)/dx * out.grad = -3 * 1 = -3",  # the example, as it writes it
        "y.grad += d(x*y)/dy * out.grad = 2 * 1 = 2",
    )
    root, _ = inverter_loss()
    lines = [line for s in compute_steps(root).steps for line in s.lines]
    assert "h = X*w_ih = 1*0.15 = 0.15" in lines
    assert "w_ih.grad += d(X*w_ih)/dw_ih * h.grad = 1 * 0.3135 = 0.3135" in lines  # article's


def test_a_grad_accumulated_twice_shows_its_sum() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    last = compute_steps(y).steps[-1]
    assert last.lines == (
        "x.grad += d(x*x)/dx * y.grad = 3 * 1 = 3",
        "x.grad += d(x*x)/dx * y.grad = 3 * 1 = 3, so x.grad = 3 + 3 = 6",
    )
    assert last.grads == ((0, 6.0),)


def test_every_grad_is_left_as_it_was() -> None:
    root, leaves = inverter_loss()
    root.backward()
    root.backward()  # leaves hold twice the gradient now; interior nodes once
    before = [v.grad for v in topo_order(root)]
    steps = compute_steps(root)
    assert [v.grad for v in topo_order(root)] == before
    assert list(steps.grads) == engine_grads(inverter_loss()[0])  # one backward's, from zero
    assert leaves["w_ih"].grad == 2 * steps.grads[2]


def test_grads_are_restored_when_a_node_cannot_be_passed() -> None:
    x = Value(2.0, label="x")
    x.grad = 5.0
    opaque = Value(4.0, (x,), "mine")  # micrograd's way, but no _backward assigned
    y = opaque * 2.0
    with pytest.raises(GraphError):
        compute_steps(y)
    assert (x.grad, opaque.grad, y.grad) == (5.0, 0.0, 0.0)


def test_a_micrograd_style_node_steps_through_its_own_backward() -> None:
    x = Value(0.5, label="x")
    out = Value(math.sin(0.5), (x,), "sin")

    def _backward() -> None:
        x.grad += math.cos(x.data) * out.grad

    out._backward = _backward  # type: ignore[method-assign]
    out.label = "s"
    steps = compute_steps(out)
    assert steps.grads[0] == math.cos(0.5)
    assert steps.steps[-1].lines == (f"x.grad += d(sin(x))/dx * s.grad = {math.cos(0.5):.5g} * 1 = "
                                     f"{math.cos(0.5):.5g}",)  # fmt: skip


def test_script_data_cannot_close_the_script() -> None:
    text = script_data({"name": NASTY, "other": "{{ }}", "n": math.nan})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "NaN" in text  # a number to JavaScript, as the float is
    assert json.loads(text.replace("NaN", "null"))["name"] == NASTY


@needs_dot
def test_the_page_is_self_contained_and_escapes_labels(tmp_path: pathlib.Path) -> None:
    a = Value(1.5, label=NASTY)
    b = Value(-2.0, label="{{")
    out = a * b + a
    out.label = "f"
    path = play(out).save(tmp_path / "sub" / "p.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("</script>") == 1
    assert "<b>" not in page and NASTY not in page  # nowhere as markup
    assert re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", page) is None  # fetches nothing
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # names only
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert NASTY in texts and "{{" in texts  # in the picture, as text
    assert "window.backprop = player" in page
    assert "window.backprop = player" not in play(out)._repr_html_()  # a notebook: no global


@needs_dot
def test_players_have_their_own_ids_and_leave_grads_alone() -> None:
    root, leaves = inverter_loss()
    leaves["X"].grad = 7.0
    first, second = play(root), play(root)
    assert first.id != second.id
    assert f'id="{first.id}-graph0"' in first._repr_html_()  # Graphviz's ids, prefixed
    assert leaves["X"].grad == 7.0 and root.grad == 0.0
    assert repr(first) == "<Player 'backprop through E'>: 16 steps>".replace("'>:", "':")


def test_play_refuses_what_is_not_a_graph() -> None:
    with pytest.raises(OperandTypeError, match=r"play: root must be a Value, got 3\.0"):
        play(3.0)  # type: ignore[arg-type]
    with pytest.raises(SettingError, match="interval must be a finite number of seconds > 0"):
        play(Value(1.0), interval=0.0)


def test_without_dot_play_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on it
    with pytest.raises(graphviz.ExecutableNotFound, match="apt-get install graphviz"):
        play(inverter_loss()[0])
