"""How a chain-rule trace reads: the headline product, one line per factor with its rule in the
operands' own names, the paths, and backward()'s per-node sums (see `explain`)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from micrograd_lite.check.naming import factor, named_rule, num, rule_slope, spell, wrap

if TYPE_CHECKING:
    from micrograd_lite.check.explain import ChainPath, ChainRuleTrace

LINE = 100  # a longer headline puts its numbers on a second line
MAX_FACTORS = 8  # a longer path shows its first and last steps (a chain can be 10^6 long)


def format_trace(trace: ChainRuleTrace, *, full: bool = False) -> str:
    """The trace as printed: numbers to 5 significant digits, or every digit (`full`)."""
    top, bottom = trace.names[trace.root], trace.names[trace.wrt]
    whole = f"d{wrap(top)}/d{wrap(bottom)}"
    if trace.path_count == 0:
        return f"{whole} = 0: {top} does not depend on {bottom}"
    if trace.path_count == 1 and len(trace.paths) == 1:
        path = trace.paths[0]
        lines = [f"{whole} = {_chain(trace, path, full=full, indent=len(whole))}"]
        if len(path.locals) > 1 or any(n.label for n in path.nodes[:-1]):
            lines += _factor_lines(trace, path, full=full)
    else:
        products = " + ".join(factor(p.product, full=full) for p in trace.paths)
        more = f" + ... ({trace.omitted} more)" if trace.omitted else ""
        total = num(trace.total, full=full)
        lines = [f"{whole} = {products}{more} = {total}  ({trace.path_count} paths)"]
        for k, path in enumerate(trace.paths, 1):
            chain = _chain(trace, path, full=full, with_symbols=True)
            lines.append(f"  path {k}: {chain}    {_via(trace, path)}")
        if trace.omitted:
            lines.append(
                f"  ... {trace.omitted} more paths not listed "
                "(the per-node sums below cover all of them)"
            )
        lines.extend(_per_node_lines(trace, full=full))
    where = trace.naming.where(_words("\n".join(lines)))
    if where:
        lines.append(where)
    if not _close(trace.wrt.grad, trace.total):
        lines.append(
            f"note: {bottom}.grad is {trace.wrt.grad!r}, but the chain rule gives "
            f"{trace.total!r}: was backward() called exactly once since the grads were zeroed?"
        )
    return "\n".join(lines)


def _steps(trace: ChainRuleTrace, path: ChainPath) -> list[tuple[int, str]]:
    """The path's steps as (index into path.locals, `dE/dout`), at most MAX_FACTORS of
    them: a longer path shows its first and last steps, the middle counted (index -1)."""
    symbols = [
        (k, f"d{wrap(trace.names[a])}/d{wrap(trace.names[b])}")
        for k, (a, b) in enumerate(zip(path.nodes, path.nodes[1:], strict=False))
    ]
    if len(symbols) <= MAX_FACTORS:
        return symbols
    head, tail = MAX_FACTORS // 2, MAX_FACTORS // 2 - 1
    middle = len(symbols) - head - tail
    return [*symbols[:head], (-1, f"... ({middle} more factors)"), *symbols[-tail:]]


def _chain(
    trace: ChainRuleTrace,
    path: ChainPath,
    *,
    full: bool,
    with_symbols: bool = False,
    indent: int = 0,
) -> str:
    """`dE/dout * dout/dh * dh/dw_ih = 1.045 * 0.3 * 1 = 0.3135`: one factor per step of
    the path, each an edge's local derivative, every unlabelled node named by its formula.
    A lone factor is written `d(x*x)/dx = 3` (with_symbols) or just `3` (after the
    headline)."""
    steps = _steps(trace, path)
    result = num(path.product, full=full)
    if len(steps) <= 1:  # root is wrt (no factor), or one factor
        symbols = steps[0][1] if steps else ""
        return f"{symbols} = {result}" if with_symbols and symbols else result
    symbols = " * ".join(symbol for _, symbol in steps)
    numbers = " * ".join("..." if k < 0 else factor(path.locals[k], full=full) for k, _ in steps)
    line = f"{symbols} = {numbers} = {result}"
    if indent + len(line) <= LINE:
        return line
    # a long chain: its symbols, then its numbers under them, after `indent` columns
    return f"{symbols}\n{' ' * indent} = {numbers} = {result}"


def _factor_lines(trace: ChainRuleTrace, path: ChainPath, *, full: bool) -> list[str]:
    """One line per factor: its rule in the operands' names and its number (`dout/dh =
    w_ho = 0.3`), and what a labelled node stands for (`out = w_ho*h`)."""
    rows: list[tuple[str, str]] = []
    for k, symbol in _steps(trace, path):
        if k < 0:
            rows.append((f"  {symbol}", ""))
            continue
        node = path.nodes[k]
        value = num(path.locals[k], full=full)
        slope = rule_slope(named_rule(node, path.indices[k], trace.names))
        said = f"{symbol} = {value}" if _is_number(slope) else f"{symbol} = {slope} = {value}"
        formula = spell(node, [trace.names[p] for p in node.inputs]) if node.label else None
        rows.append((f"  {said}", f"{node.label} = {formula}" if formula else ""))
    width = max(len(text) for text, _ in rows)
    return [f"{text.ljust(width)}    {note}".rstrip() for text, note in rows]


def _per_node_lines(trace: ChainRuleTrace, *, full: bool, limit: int = 30) -> list[str]:
    lines = ["per node (grad = sum over consumers of local derivative * consumer's grad):"]
    width = max(len(n.name) for n in trace.per_node[:limit])
    for entry in trace.per_node[:limit]:
        if entry.node is trace.root:
            lines.append(f"  {entry.name.ljust(width)}  1  (the root)")
            continue
        terms = " + ".join(
            f"{factor(t.local, full=full)} * {factor(t.consumer_grad, full=full)} "
            f"[{trace.names[t.consumer]}, input {t.index + 1}]"
            for t in entry.terms
        )
        lines.append(f"  {entry.name.ljust(width)}  {terms} = {num(entry.grad, full=full)}")
    if len(trace.per_node) > limit:
        lines.append(f"  ... {len(trace.per_node) - limit} more nodes")
    return lines


def _via(trace: ChainRuleTrace, path: ChainPath) -> str:
    """The rules a short path applies, in the operands' names (`[d(x*x)/dx = x]`), or the
    inputs a long one takes."""
    if len(path.indices) > 3:
        return "[inputs " + ",".join(str(k + 1) for k in path.indices) + "]"
    rules = (named_rule(n, k, trace.names) for n, k in zip(path.nodes, path.indices, strict=False))
    return "[" + "; ".join(r for r in rules if r) + "]"


def _is_number(text: str) -> bool:
    """True for a rule's right-hand side that is just a number (`1`, `(-1)`): its value says
    it all; also for '' (no rule)."""
    try:
        float(text.strip("()"))
    except ValueError:
        return not text
    return True


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z_]\w*", text)


def _close(a: float, b: float) -> bool:
    """Equal up to the rounding of summing the same terms in another order."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
