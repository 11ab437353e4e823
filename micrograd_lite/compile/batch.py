"""batch: a compiled per-sample program run once over numpy arrays of inputs.

The same `Program` that `compile` renders to float code is rendered a second way, in the numpy
dialect (`dialect.numpy_dialect`: the op table's rules written for arrays): every line then
works on whole arrays, one numpy operation per op, vectorised over the samples. This module
runs them. It is imported on first use: it needs numpy.

Errors are the eager run's: numpy follows IEEE rules (log(-1) is nan, 1/0 is inf), so the
program also sums the results, inputs and failing checks of every op that may raise, which is
not finite at every sample where an eager run could raise; those samples are replayed as eager
runs them (`replay.first_error`), in order, and the first error found is raised, naming its
sample: "sample 3: log: log(a) is defined only for a > 0 ...; got a = -1.0", with eager's class.
The transcendental functions are numpy's, which may differ from Python's math module in the
last bit. Needs numpy (extra `fast`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from micrograd_lite.compile.dialect import numpy_dialect
from micrograd_lite.compile.replay import first_error

if TYPE_CHECKING:
    from micrograd_lite.compile.program import Program

NDArray = Any  # numpy arrays of float64 (numpy's own stubs are not needed by the package)


def build_batch(program: Program, *, fold: bool | None = None) -> Any:
    """The batch function for `program`; `fold` as in `Program.render` (default: big graphs)."""
    numpy = numpy_dialect()
    source = program.render(name="compiled", comments=False, dialect=numpy, fold=fold)
    name = f"<micrograd_lite.compile batch: {program.n_ops} ops>"
    return numpy.define(source, name, program.bindings())


def run_batch(
    program: Program, cache: dict[str, Any], arrays: tuple[Any, ...]
) -> tuple[NDArray, tuple[NDArray, ...]]:
    """Evaluate `program` on arrays (or scalars) broadcast together; one result per sample.

    Returns (values, grads): `values[k]` is the function at sample k, `grads[i][k]` its
    derivative with respect to argument i there. Sum over samples yourself for a batch loss.
    """
    if len(arrays) != len(program.args):
        raise TypeError(
            f"batch: the compiled function takes {len(program.args)} arguments "
            f"({', '.join(program.args)}), got {len(arrays)}"
        )
    fn = cache.get("fn")
    if fn is None:
        fn = cache["fn"] = build_batch(program)
    # a Python float broadcasts as it is (and faster than a 0-d array); anything else becomes
    # an array of float64
    xs: list[Any] = [a if type(a) is float else np.asarray(a, dtype=np.float64) for a in arrays]
    shape = np.broadcast_shapes(*[x.shape for x in xs if type(x) is not float])
    with np.errstate(all="ignore"):
        value, grads, suspect = fn(*xs)
    if not np.all(np.isfinite(suspect)):
        _raise_first_error(program, xs, np.broadcast_to(~np.isfinite(suspect), shape))
    # One copy of each result, into one block: no two results share memory (the generated
    # code may return one array under two names), and a scalar one is broadcast over the batch
    out = np.empty((1 + len(grads), *shape))
    out[0] = value
    if all(type(g) is np.ndarray and g.shape == shape for g in grads):
        out[1:] = grads  # one numpy call when every gradient is a full array (the usual case)
    else:  # some are scalars or smaller: broadcast each (a bare sequence would broadcast
        for i, g in enumerate(grads, 1):  # along the wrong axis)
            out[i] = g
    return out[0, ...], tuple(out[i, ...] for i in range(1, len(out)))  # arrays, even 0-d


def _raise_first_error(program: Program, xs: list[Any], suspects: NDArray) -> None:
    """Raise the eager run's error at the first sample that has one, named by its index.

    `suspects` marks the samples where some op that may raise met a non-finite number or a
    failing check (numpy follows IEEE rules instead of raising): each is replayed as eager
    runs it (`replay.first_error`), in order, until one raises. Other samples cannot raise.
    """
    shape = suspects.shape
    columns: list[Any] = [x if type(x) is float else np.broadcast_to(x, shape) for x in xs]
    for k in np.flatnonzero(suspects):
        at = np.unravel_index(k, shape)
        sample = [x if type(x) is float else float(x[at]) for x in columns]
        error = first_error(program, sample)
        if error is not None:
            where = int(k) if len(shape) == 1 else tuple(int(i) for i in at)
            raise type(error)(f"sample {where}: {error}") from None
