"""program: a traced function as data (forward steps, backward terms), rendered to Python.

A `Program` is a flat list of `Step`s, one per op of the forward pass, and of `Contribution`s,
one per term of the backward pass, in exactly the order `backward.py` accumulates gradients.
`Program.render` writes it out as one straight-line function for a `Dialect` (floats, or numpy
arrays): a line per op and per term, or folded into fewer lines (see `fold`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from micrograd_lite.compile.dialect import SCALAR, Dialect
from micrograd_lite.compile.fold import render_forward_folded, render_sums
from micrograd_lite.compile.session import Watch, captured_check
from micrograd_lite.compile.templates import (
    forward_text,
    may_raise,
    render_checks,
    suspect_terms,
    term_text,
)
from micrograd_lite.ops import Op
from micrograd_lite.value import Value

SOURCE_LIMIT = 200  # ops; bigger programs show an elided `source` (all of it in `full_source`)


class Step(NamedTuple):  # a tuple, not a frozen dataclass: 3x cheaper to make, 65k per trace
    """One op of the forward pass: `out = op(operands)` (for affine: w..., x..., [bias])."""

    out: str
    op: Op
    operands: tuple[str, ...]


class Contribution(NamedTuple):
    """One term of the backward pass: `grad (+)= local_index(step) * g_of_step`."""

    grad: str
    first: bool  # the first term assigns, later ones add (the order backward() adds them)
    step: int
    input: int  # which input of the step (0 for a, 1 for b, ...)
    g: str  # the variable holding d(result)/d(step's output)


@dataclass(frozen=True)
class Program:
    """A traced function as data: argument names, forward steps, backward terms, result."""

    args: tuple[str, ...]
    steps: tuple[Step, ...]
    terms: tuple[Contribution, ...]
    grads: tuple[str | None, ...]  # per differentiated argument: its grad variable or None
    result: str  # a variable or a literal
    seeded: str | None  # grad variable of the result when it is an op node (set to 1.0)
    root_arg: int | None  # the argument the function returns unchanged, if it does
    # Values from outside the function: `captured[k]` is read into variable `live[k]` at every
    # call; `watches` are the ones whose data the function read, checked unchanged first
    captured: tuple[Value, ...] = ()
    live: tuple[str, ...] = ()
    watches: tuple[Watch, ...] = ()
    where: str = "compile"

    @property
    def n_ops(self) -> int:
        return len(self.steps)

    def bindings(self) -> dict[str, Any]:
        """The names the rendered code reads beside the dialect's: the captured Values."""
        names: dict[str, Any] = {f"_captured_{k}": v for k, v in enumerate(self.captured)}
        if self.watches:
            names["_check_captured"] = captured_check(self.watches, self.where)
        return names

    def render(
        self,
        *,
        name: str = "compiled",
        comments: bool = True,
        dialect: Dialect = SCALAR,
        fold: bool | None = None,
    ) -> str:
        """Python source of one function `name(*args) -> (value, grads)`, for `dialect`.

        `fold` (by default past SOURCE_LIMIT ops, where `source` is elided anyway) writes
        fewer, longer lines, which CPython compiles faster, with the same floats (see
        `compile.fold`). Folded lines carry no comments.
        """
        if fold is None:
            fold = self.n_ops > SOURCE_LIMIT
        lines = [f"def {name}({', '.join(self.args)}):"]
        emit = lines.append
        if self.watches:
            emit("    _check_captured()" + ("  # the Values the trace read: unchanged?" * comments))
        for k, var in enumerate(self.live):
            emit(f"    {var} = _captured_{k}.data" + ("  # captured: read live" * comments))
        if comments:
            emit("    # forward: one line per op" if not fold else "    # forward")
        backward: list[str] = []
        risky = [s for s in self.steps if may_raise(s.op)] if dialect.suspects else []
        if fold:
            needed = render_sums(self, backward.append, dialect)
            needed.update(s.out for s in risky)
            render_forward_folded(self, emit, needed, dialect)
        else:
            self._render_forward(emit, comments, dialect)
        if dialect.suspects:
            terms = [t for step in risky for t in suspect_terms(step)]
            emit("    _suspect = 0.0")
            for start in range(0, len(terms), 32):  # a line CPython's parser takes
                emit(f"    _suspect = _suspect + {' + '.join(terms[start : start + 32])}")
        if self.seeded is not None:
            if comments:
                emit(f"    # backward: g_n = d({self.result})/d(n), summed in backward()'s order")
            emit(f"    {self.seeded} = 1.0")
        if fold:
            lines += backward
        else:
            self._render_terms(emit, comments, dialect)
        grads = []
        for i, g in enumerate(self.grads):
            if self.root_arg == i:
                grads.append("1.0")
            elif g is None:
                grads.append("0.0")
            else:  # 0.0 + g: a leaf's grad starts at 0.0 in backward(), which turns -0.0 to 0.0
                grads.append(f"0.0 + {g}")
        tail = "," if len(grads) == 1 else ""
        suspect = ", _suspect" if dialect.suspects else ""
        emit(f"    return {self.result}, ({', '.join(grads)}{tail}){suspect}")
        return "\n".join(lines)

    def _render_forward(
        self, emit: Callable[[str], None], comments: bool, dialect: Dialect
    ) -> None:
        for step in self.steps:
            if dialect.checks and step.op.checks:
                render_checks(emit, step)
            text = f"    {step.out} = {forward_text(step.op, step.operands, dialect)}"
            emit(f"{text}  # {step.op.name}" if comments else text)

    def _render_terms(self, emit: Callable[[str], None], comments: bool, dialect: Dialect) -> None:
        for term in self.terms:
            step = self.steps[term.step]
            value = term_text(step, term, term.g, dialect)
            if term.first:
                text = f"    {term.grad} = {value}"
            elif not dialect.augmented:  # not +=: `g_a = g_b` binds one array to both names
                text = f"    {term.grad} = {term.grad} + {value}"
            else:
                text = f"    {term.grad} += {value}"
            emit(f"{text}  # {step.op.rule(term.input)}" if comments else text)
