"""One lesson per article: the worked examples walked the way each article teaches them.

    lesson.py         Lesson, Step, Source, Exercise and how a lesson prints
    steps.py          the kinds of step: notation, the chain of factors, the hand formula
                      checked, one update by hand, tables
    pictures.py       the lesson's labelled graph as files: a picture and a player page
    graphs.py         each example's labelled graph of its first update
    adding_neuron.py  Rodney Pilgrim's adding neuron: its backprop as our chain, its training;
                      what it leaves implicit (the fixed point, the overshooting lr) in
                      adding_neuron_implicit.py, its exercises in adding_neuron_exercises.py

`LESSONS` maps each example's CLI name to the function that builds its lesson
(`micrograd-lite examples NAME --explain` prints it).
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_lite.lessons import adding_neuron
from micrograd_lite.lessons.lesson import Exercise, Lesson, Source, Step, format_lesson

LESSONS: dict[str, Callable[[], Lesson]] = {
    "adding-neuron": adding_neuron.lesson,
}

__all__ = ["LESSONS", "Exercise", "Lesson", "Source", "Step", "format_lesson"]
