"""How check shows a node and a number: a node by its label, else a short formula over its
inputs' names (`x*x`, `tanh(w*x)`), else a stable name `v1`, `v2`, ... defined once (`where
v1 = 0.5*x + -1*y + 0.25`); a number as the articles print it (1.045, 0.3, 0.3135).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from micrograd_lite.ops import AFFINE
from micrograd_lite.value import Value

_INFIX = ("+", "-", "*", "/", "**")
_MAX_NAME = 16  # a formula longer than this is called v1, v2, ... and defined once


@dataclass(frozen=True)
class Names:
    """What to call each node of a graph (`names`) and, for each name made up here, what it
    stands for (`definitions`, in the order they were made: `v3` -> `x*y`)."""

    names: dict[Value, str]
    definitions: dict[str, str]

    def where(self, used: Iterable[str], limit: int = 8) -> str:
        """`where v1 = x*y, v2 = tanh(v1)` for the made-up names among `used` ('' if none),
        with the definitions they rely on, in the order they were made; at most `limit` of
        them (a long chain's names each rely on the one before), the rest counted."""
        wanted: set[str] = set()
        todo = [n for n in used if n in self.definitions]
        while todo:
            name = todo.pop()
            if name not in wanted:
                wanted.add(name)
                todo += _V_NAME.findall(self.definitions[name])
        parts = [f"{n} = {text}" for n, text in self.definitions.items() if n in wanted]
        if len(parts) > limit:
            head, tail = limit // 2, limit - limit // 2
            more = f"... ({len(parts) - limit} more)"
            parts = [*parts[:head], more, *parts[len(parts) - tail :]]
        return "where " + ", ".join(parts) if parts else ""


_V_NAME = re.compile(r"\bv\d+\b")


def node_names(order: list[Value], keep: Iterable[Value] = ()) -> Names:
    """A stable, readable name per node of `order` (inputs before the nodes made from them):
    its label; else, for a node made by an op, its formula over its inputs' names when short
    and not taken (`x*y`, `tanh(w*x)`), or else `v1`, `v2`, ... (numbered in graph order) with
    that formula as its definition (a fused neuron's: its terms, `0.5*x + -1*y + 0.25`); a leaf
    without a label is its value (a constant), or a `v` name with its value as definition when
    it is in `keep` (the input a derivative is taken by)."""
    keep = set(keep)
    # two nodes with the same formula (two `x*y`) both get v names: count formulas first
    names, _, formulas = _assign(order, keep, set())
    repeated = Counter(names[n] for n in formulas)
    twice = {n for n in formulas if repeated[names[n]] > 1}
    names, definitions, _ = _assign(order, keep, twice)
    return Names(names, definitions)


def _assign(
    order: list[Value], keep: set[Value], spelled: set[Value]
) -> tuple[dict[Value, str], dict[str, str], set[Value]]:
    """Names as `node_names` gives them, but every node in `spelled` gets a v name; also
    the nodes named by their formula."""
    names: dict[Value, str] = {}
    definitions: dict[str, str] = {}
    formulas: set[Value] = set()  # the nodes named by their own formula
    for node in order:
        if node in names:
            continue
        if node.label:
            name = node.label
        elif node.is_leaf and node not in keep:
            name = num(node.data)
        else:
            if node.is_leaf:
                formula = f"{num(node.data)} (a leaf)"
            else:
                formula = spell(node, [names[p] for p in node.inputs]) or (
                    f"{node.op}({', '.join(names[p] for p in node.inputs)})"
                )
            if not node.is_leaf and len(formula) <= _MAX_NAME and node not in spelled:
                name = formula
                formulas.add(node)
            else:
                name = f"v{len(definitions) + 1}"
                definitions[name] = formula
        names[node] = name
    return names, definitions, formulas


def spell(node: Value, texts: Sequence[str], atomic: Sequence[bool] | None = None) -> str | None:
    """`node`'s op applied to `texts` (one per input) as an expression writes it: `x*y`,
    `(x*y)**2`, `tanh(w*x)`, a fused neuron's terms; None for an op without a spelling (a
    micrograd-style node). `atomic[k]` says `texts[k]` needs no parentheses; by default, as
    names and precedence decide it (a label, a function call, an identifier, a leaf's
    non-negative number, or a formula whose op binds tighter: `w*x+b`, `(a+b)*c`)."""
    inputs = node.inputs
    if atomic is None:
        atomic = [
            not _needs_parentheses(node.op, k, p, t)
            for k, (p, t) in enumerate(zip(inputs, texts, strict=True))
        ]
    parts = [t if ok else f"({t})" for t, ok in zip(texts, atomic, strict=True)]
    op = node.op
    if op in _INFIX:
        return f"{parts[0]}{op}{parts[1]}"
    if op.startswith("**"):
        return f"{parts[0]}{op}"
    if op == "neg":
        return f"-{parts[0]}"
    function = _function_name(node)
    if function is not None:  # `tanh(w*x)`, `leaky_relu(x, 0.2)`: as expressions write it
        params = "".join(f", {num(v)}" for v in (node.rule.values if node.rule else ()))
        return f"{function}({', '.join(texts)}{params})"
    if node.rule is AFFINE:  # b + w_1*x_1 + ...: its terms, as the fused neuron sums them
        n = len(inputs) // 2
        terms = [f"{parts[k]}*{parts[n + k]}" for k in range(n)]
        return " + ".join([*terms, texts[-1]] if len(inputs) % 2 else terms)
    return None


_RULE_OPERAND = re.compile(r"(/d)([ab])\b|(?<![\w.])([ab])(?![\w(])")


def named_rule(node: Value, index: int, names: dict[Value, str]) -> str:
    """The op table's rule for d node/d input `index`, spoken in the operands' own names:
    `d(a*b)/da = b` for `L = d*f` reads `d(d*f)/dd = f`, `d tanh(a)/da = 1 - tanh(a)^2` reads
    `d tanh(w*x)/d(w*x) = 1 - tanh(w*x)^2`. A fused neuron's rule names the matching input
    (`d(w*x + b)/dw = x`); '' for a node whose op records no rule (micrograd-style)."""
    rule, inputs = node.rule, node.inputs
    if rule is None or rule.name == "?":
        return ""
    texts = [names[p] for p in inputs]
    if rule is AFFINE:
        n = len(inputs) // 2
        slope = texts[n + index] if index < n else texts[index - n] if index < 2 * n else "1"
        return f"d{wrap(spell(node, texts) or node.op)}/d{wrap(texts[index])} = {slope}"
    atomic = [_atomic(p, t) for p, t in zip(inputs, texts, strict=True)]
    operand = {"a": 0, "b": 1}

    def speak(match: re.Match[str]) -> str:
        if match[1]:  # `/da`: the input differentiated by
            return f"/d{wrap(texts[operand[match[2]]])}"
        k = operand[match[3]]
        if k >= len(texts):
            return match[0]
        text = rule.rule(index)
        start, end = match.span()
        enclosed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
        return texts[k] if atomic[k] or enclosed else f"({texts[k]})"

    spoken = _RULE_OPERAND.sub(speak, rule.rule(index))
    return re.sub(r"\^1(?![\d.])", "", spoken)  # `2*a^1` (n = 2) is `2*a`


def rule_slope(rule_text: str) -> str:
    """The right-hand side of a spoken rule: `f` from `d(d*f)/dd = f`, `a*b+c` from
    `d((a*b+c)*f)/df = (a*b+c)` (alone, it needs no parentheses)."""
    slope = rule_text.partition(" = ")[2]
    depth = 0
    for k, char in enumerate(slope):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and 0 < k < len(slope) - 1:
            return slope  # `(a)*(b)`: the outer parentheses are not one pair
    return slope[1:-1] if slope.startswith("(") and slope.endswith(")") else slope


def _function_name(node: Value) -> str | None:
    """The name the op table gives `node`'s op in expressions (`relu` for ReLU), if any."""
    rule = node.rule
    return None if rule is None else (rule.family or rule).function


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _needs_parentheses(op: str, index: int, operand: Value, text: str) -> bool:
    """Whether `text`, naming input `index` of an `op` node, needs parentheses: not when it is
    atomic, nor when it is the operand's own formula and its op binds tighter (`w*x` in
    `w*x+b`), or as tight and on the left (`a-b` in `a-b+c`, not in `c-(a-b)`)."""
    if _atomic(operand, text):
        return False
    outer = _PRECEDENCE.get(op)
    own_formula = not operand.label and not operand.is_leaf and not _V_NAME.fullmatch(text)
    power = operand.op.startswith("**")  # `**` and a constant power, `**2`
    inner = (3 if power else _PRECEDENCE.get(operand.op)) if own_formula else None
    if outer is None or inner is None:
        return True
    return inner < outer or (inner == outer and index == 1 and op in ("-", "/"))


def _atomic(node: Value, text: str) -> bool:
    """True when `text` needs no parentheses as an operand."""
    if node.label or _function_name(node) is not None or text.isidentifier():
        return True
    return node.is_leaf and not text.startswith("-")


def wrap(name: str) -> str:
    """A name as the article writes it after `d`: `dE`, `d(x*x)`."""
    simple = name.replace("_", "a").isalnum() and not name[0].isdigit()
    return name if simple else f"({name})"


def num(x: float, *, full: bool = False) -> str:
    """5 significant digits, as the articles print (1.045, 0.3, 1, 0.3135, 0.15675), or every
    digit (`full`: Python's shortest repr, 0.31349999999999995); never `-0`."""
    if x == 0.0:
        return "0"
    return repr(x) if full else format(x, ".5g")


def factor(x: float, *, full: bool = False) -> str:
    """A number as a factor of a product: negative ones in parentheses."""
    return f"({num(x, full=full)})" if x < 0.0 else num(x, full=full)
