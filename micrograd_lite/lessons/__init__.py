"""One lesson per article: the worked examples walked the way each article teaches them.

    lesson.py         Lesson, Step, Source, Exercise and how a lesson prints
    steps.py          the kinds of step: notation, the chain of factors, the hand formula
                      checked, one update by hand, tables
    pictures.py       the lesson's labelled graph as files: a picture and a player page
    graphs.py         each example's labelled graph of its first update
    single_weight.py  the lesson on "Understanding Neural Network Backpropagation Learning
                      Algorithm" (single_weight_exercises.py: its exercises)
    inverter.py       the lesson on "Backpropagation and Gradient Descent"
                      (inverter_exercises.py: its exercises)
    xor.py            Tom Martin's XOR network: the factor 2 behind alpha, a dead ReLU
    xor_exercises.py  what the XOR lesson computes with, and its exercises
    adding_neuron.py  Rodney Pilgrim's adding neuron: its backprop as our chain, its training;
                      what it leaves implicit (the fixed point, the overshooting lr) in
                      adding_neuron_implicit.py, its exercises in adding_neuron_exercises.py

`LESSONS` maps each example's CLI name to the function that builds its lesson
(`micrograd-lite examples NAME --explain` prints it).
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_lite.lessons import adding_neuron
from micrograd_lite.lessons.inverter import inverter_lesson
from micrograd_lite.lessons.lesson import Exercise, Lesson, Source, Step, format_lesson
from micrograd_lite.lessons.single_weight import single_weight_lesson
from micrograd_lite.lessons.xor import xor_lesson

LESSONS: dict[str, Callable[[], Lesson]] = {
    "single-weight": single_weight_lesson,
    "inverter": inverter_lesson,
    "xor": xor_lesson,
    "adding-neuron": adding_neuron.lesson,
}

__all__ = ["LESSONS", "Exercise", "Lesson", "Source", "Step", "format_lesson"]
