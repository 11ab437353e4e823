"""A lesson: one article walked the way it teaches, every number computed by the library.

A `Lesson` is the article (`Source`: its title, author and date as the article gives them, and
the sources it credits), then its `Step`s in the order a student reads them (the article's
notation mapped to ours, the labelled graph, the key gradient factor by factor, the hand
formula checked, one update by hand, what the article leaves implicit, the training), then
`Exercise`s whose answers the student checks with the library itself. `figures` keeps the
lesson's numbers by name, so tests assert what the lesson prints; `checks` are the claims the
lesson makes and verified while it was built (a gradcheck PASS, a hand update equal to the
optimizer's): `ok` is False if any failed, and the CLI then exits 1.

    >>> lesson = Lesson(
    ...     "demo",
    ...     Source("An article", author="A. Author", date="May 1, 2020"),
    ...     "one weight, one step",
    ...     steps=(Step("One update by hand", ("w1 = 0.8 - 0.1 · 2.1 = 0.59",)),),
    ...     checks=(("w1 equals the optimizer's step", True),),
    ... )
    >>> print(format_lesson(lesson))
    demo: a lesson on "An article" by A. Author, May 1, 2020
      the article credits no sources
      one weight, one step
    <BLANKLINE>
    1. One update by hand
       w1 = 0.8 - 0.1 · 2.1 = 0.59
    <BLANKLINE>
    checked while building this lesson: w1 equals the optimizer's step (ok)
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from micrograd_lite.value import Value

WIDTH = 96  # the printed lesson's line width


@dataclass(frozen=True)
class Source:
    """An article as it names itself: `author` and `date` are None when it gives none, and
    `credits` lists the works it names as its own sources, worded as it words them."""

    title: str
    author: str | None = None
    date: str | None = None
    credits: tuple[str, ...] = ()

    def __str__(self) -> str:
        by = f" by {self.author}" if self.author else ""
        when = f", {self.date}" if self.date else ""
        return f'"{self.title}"{by}{when}'

    def credits_line(self) -> str:
        """What the article says of itself beyond its title: `the article names no author or
        date, and credits no sources`, or `the article credits: ...`."""
        given = (("author", self.author), ("date", self.date))
        missing = [what for what, text in given if not text]
        names = f"names no {' or '.join(missing)}" if missing else ""
        credits = "; ".join(self.credits)
        if not credits:
            return (
                f"the article {names}, and credits no sources"
                if names
                else ("the article credits no sources")
            )
        return (
            f"the article {names} and credits: {credits}"
            if names
            else (f"the article credits: {credits}")
        )


@dataclass(frozen=True)
class Step:
    """One part of a lesson: a heading and its lines, already worded."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    """A question for the student, the one line they run to check their answer, and `verify`,
    which runs that check with the right answer (tests call it: an exercise whose check cannot
    confirm its own answer is a broken exercise)."""

    question: str
    check: str
    verify: Callable[[], bool]


@dataclass(frozen=True)
class Lesson:
    """An article, walked step by step (see the module docstring)."""

    name: str
    source: Source
    about: str
    steps: tuple[Step, ...] = ()
    exercises: tuple[Exercise, ...] = ()
    figures: Mapping[str, float] = field(default_factory=dict)
    checks: tuple[tuple[str, bool], ...] = ()
    graph: Callable[[], Value] | None = None  # the key gradient's graph, every leaf labelled

    @property
    def ok(self) -> bool:
        """True when every claim the lesson checked while it was built holds."""
        return all(held for _, held in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(claim for claim, held in self.checks if not held)


def format_lesson(lesson: Lesson, pictures: Sequence[str] = ()) -> str:
    """The lesson as printed: the article, its steps numbered, then the exercises; `pictures`
    are lines naming the picture files written for it (placed after the first step that asks
    for them, a step headed 'The graph ...', or else at the end)."""
    lines = [f"{lesson.name}: a lesson on {lesson.source}"]
    lines += wrap(lesson.source.credits_line(), indent="  ")
    lines += wrap(lesson.about, indent="  ")
    placed = False
    for k, step in enumerate(lesson.steps, 1):
        lines += ["", f"{k}. {step.heading}"]
        lines += [f"   {line}" if line else "" for line in step.lines]
        if pictures and not placed and step.heading.lower().startswith("the graph"):
            lines += [f"   {line}" for line in pictures]
            placed = True
    if pictures and not placed:
        lines += ["", *pictures]
    if lesson.exercises:
        lines += ["", "Exercises (try first, then run the check)"]
        for k, exercise in enumerate(lesson.exercises, 1):
            lines += wrap(exercise.question, indent=f"  {k}. ", after="     ")
            lines += [f"     check: {exercise.check}"]
    if lesson.checks:
        said = "; ".join(f"{claim} ({'ok' if held else 'FAILED'})" for claim, held in lesson.checks)
        lines += ["", *wrap(f"checked while building this lesson: {said}")]
    return "\n".join(lines)


def wrap(text: str, *, indent: str = "", after: str | None = None) -> list[str]:
    """`text` as lines of at most WIDTH characters, the first after `indent`, the rest after
    `after` (default: as indented as the first)."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if after is None else after,
        break_on_hyphens=False,
    )
