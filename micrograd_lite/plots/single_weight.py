"""The single-weight article's pictures: the cost per step, and the steps down the parabola C(w)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from micrograd_lite.plots.figure import Plot, log_if_spanning, new_figure, positive_points, styled

if TYPE_CHECKING:  # the worked examples sit beside plots (layer 8), so types only
    from micrograd_lite.worked import single_weight


def plot_single_weight(
    result: single_weight.Result, *, input: float, target: float
) -> tuple[Plot, Plot]:
    """the cost per step, and the steps walking down the parabola C(w) to y/i.

    `input` and `target` are the example's i and y; they define C(w) = (i·w - y)².
    """
    limit = target / input
    # w_k+1 - y/i = (1 - 2·r·i²)(w_k - y/i): the run's own factor, whatever its r
    factor = 1.0 - 2.0 * result.lr * input * input
    side = ", on the other side" if factor < 0 else ""
    fate = ": it diverges" if abs(factor) > 1 else ": it never settles" if abs(factor) == 1 else ""
    more = f"\n{(side[2:] + fate).capitalize()}" if side or fate else ""
    cost = f"C(w_k) = ({input:g}·w_k - {target:g})²"
    steps = list(range(len(result.costs)))
    with styled():
        cost_fig, (ax,) = new_figure()
        xs, ys = positive_points(steps, result.costs)
        ax.plot(xs, ys, "o-", markersize=4, label=cost)
        log_if_spanning(ax, ys)
        if len(xs) < len(steps):  # the float walk lands on 1/3 and C is exactly 0 from there
            zero_from = steps[len(xs)]
            ax.axvspan(zero_from - 0.5, steps[-1] + 0.5, color="C2", alpha=0.12)
            ax.text(
                (zero_from + steps[-1]) / 2,
                0.5,
                f"steps {zero_from}-{steps[-1]}:\nC = 0.0\nexactly\n(not drawn\non a log axis)",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="center",
            )
        ax.set_title(f"A single weight: each step multiplies the cost by {factor * factor:.6g}")
        ax.set_xlabel("gradient-descent step k")
        ax.set_ylabel("cost C (squared output error)")

        walk_fig, (ax,) = new_figure()
        weights = result.weights[: len(result.costs)]
        left, right = min(*weights, limit) - 0.25, max(*weights, limit) + 0.1
        ws = [left + (right - left) * j / 200 for j in range(201)]
        ax.plot(ws, [(input * w - target) ** 2 for w in ws], color="0.6", label="C(w)")
        ax.plot(
            weights,
            result.costs,
            "o-",
            color="C3",
            markersize=5,
            label=f"w_k after step k (r = {result.lr:g})",
        )
        ax.axvline(limit, color="C2", linestyle="--", label="fixed point w = y/i = 1/3")
        ax.annotate(
            f"w0 = {weights[0]:g}, C = {result.costs[0]:.2f}",
            xy=(weights[0], result.costs[0]),
            xytext=(-20, -5),
            textcoords="offset points",
            ha="right",
        )
        if len(weights) > 1:
            ax.annotate(
                f"w1 = {weights[1]:g}",
                xy=(weights[1], result.costs[1]),
                xytext=(-12, 6),
                textcoords="offset points",
                ha="right",
            )
        ax.annotate(
            f"1/3: a = {input:g}·w = y = {target:g}",
            xy=(limit, 0.0),
            xytext=(10, 30),
            textcoords="offset points",
            arrowprops={"arrowstyle": "->"},
        )
        ax.set_title(
            f"A single weight: each step lands {abs(factor):.4g} times as far from 1/3{more}"
        )
        ax.set_xlabel("weight w")
        ax.set_ylabel(f"cost C(w) = ({input:g}·w - {target:g})²")
        ax.legend(loc="upper center")
    return Plot("single-weight-cost", cost_fig), Plot("single-weight-parabola", walk_fig)
