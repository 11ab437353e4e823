"""How check shows a node and a number: a node by its label, else a short formula over labels
and constants (`x*x`, `tanh(w*x)`), else its op in brackets; a number as the articles print it
(1.045, 0.3, 0.3135).
"""

from __future__ import annotations

from micrograd_lite.value import Value

_INFIX = ("+", "-", "*", "/", "**")
_MAX_NAME = 30


def node_names(nodes: list[Value], expressions: dict[Value, str | None]) -> dict[Value, str]:
    """A readable, unique name per node: its label, else its expression if short (`x*x`,
    `tanh(w*x)`), else its op in brackets (`[+]`); repeats get #2, #3, ..."""
    names: dict[Value, str] = {}
    used: dict[str, int] = {}
    for node in nodes:
        if node in names:
            continue
        name = node.label or expressions.get(node) or f"[{node.op or num(node.data)}]"
        used[name] = used.get(name, 0) + 1
        names[node] = name if used[name] == 1 else f"{name}#{used[name]}"
    return names


def expressions(order: list[Value]) -> dict[Value, str | None]:
    """Each node as a formula over labels and constants, None once longer than _MAX_NAME
    characters; built inputs first, so each formula reuses its inputs' (linear, no recursion)."""
    texts: dict[Value, str | None] = {}
    for node in order:
        if node.label:
            texts[node] = node.label
            continue
        if node.is_leaf:
            texts[node] = num(node.data)
            continue
        args = [texts[p] for p in node.inputs]
        text = None if any(a is None for a in args) else _formula(node, node.inputs, args)
        texts[node] = text if text is not None and len(text) <= _MAX_NAME else None
    return texts


def _formula(node: Value, inputs: tuple[Value, ...], args: list[str | None]) -> str | None:
    texts = [a or "" for a in args]
    parts = [t if _atomic(p, t) else f"({t})" for p, t in zip(inputs, texts, strict=True)]
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
    return None  # the fused neuron: no short formula


def _function_name(node: Value) -> str | None:
    """The name the op table gives `node`'s op in expressions (`relu` for ReLU), if any."""
    rule = node.rule
    return None if rule is None else (rule.family or rule).function


def _atomic(node: Value, text: str) -> bool:
    """True when `text` needs no parentheses as an operand."""
    if node.label or _function_name(node) is not None:
        return True
    return node.is_leaf and not text.startswith("-")


def wrap(name: str) -> str:
    """A name as the article writes it after `d`: `dE`, `d(x*x)`."""
    simple = name.replace("_", "a").isalnum() and not name[0].isdigit()
    return name if simple else f"({name})"


def num(x: float) -> str:
    """4-5 significant digits, as the articles print: 1.045, 0.3, 1, 0.3135, 0.15675."""
    return format(x, ".5g")


def factor(x: float) -> str:
    return f"({num(x)})" if x < 0.0 else num(x)
