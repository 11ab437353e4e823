"""What a Neuron, Layer or MLP takes as inputs: a list or tuple of numbers and Values, a single
one when it has one input, or a 1-D numpy array (duck-typed by `ndim` and `tolist`, so numpy
stays optional), read as the list of Python numbers it holds: the same leaves, the same floats.

    >>> import numpy as np
    >>> as_inputs(np.array([1.0, 2.0]), 2, "Neuron(2)")
    [1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from micrograd_lite.errors import OperandTypeError, ShapeError, describe
from micrograd_lite.value import Number, Value

__all__ = ["Array", "Inputs", "as_inputs", "unarray"]


class Array(Protocol):
    """A numpy array, or anything else with `ndim` and `tolist()`."""

    @property
    def ndim(self) -> int: ...

    def tolist(self) -> object: ...


Inputs = Sequence[Value | Number] | Value | Number | Array


def unarray(x: Inputs, who: str) -> Inputs:
    """`x`, or the numbers of a 1-D array as a list (a 0-D one as its number); any other array
    is a ShapeError naming `who` and the array's shape."""
    ndim = getattr(x, "ndim", None)
    if ndim is None or isinstance(x, Value):
        return x
    if ndim > 1:
        shape = getattr(x, "shape", None)
        raise ShapeError(
            f"{who}: expected a 1-D array of inputs, got a {ndim}-D array of shape {shape}; "
            "call it once per row"
        )
    # a 1-D array's list of numbers (or Values, from an object array); a 0-D one's number
    return cast("list[Value | Number] | Number", cast(Array, x).tolist())


def as_inputs(x: Inputs, nin: int, who: str) -> Sequence[Value | Number]:
    """`x` as a sequence of `nin` inputs for `who`; a wrong count is a ShapeError."""
    if (type(x) is list or type(x) is tuple) and len(x) == nin:  # the common case, cheaply
        return x
    x = unarray(x, who)
    if isinstance(x, Value) or not isinstance(x, Sequence):
        if nin == 1:
            return [x]  # type: ignore[list-item]  # a single number or Value
        raise ShapeError(f"{who}: expected a list of {nin} inputs, got a single {describe(x)}")
    if isinstance(x, str):
        raise OperandTypeError(f"{who}: expected a list of {nin} inputs, got {describe(x)}")
    if len(x) != nin:
        raise ShapeError(f"{who}: expected {nin} inputs, got {len(x)}")
    return x
