"""batch: a compiled per-sample program run once over numpy arrays of inputs.

The same `Program` that `compile` renders to float code is rendered a second way, in the numpy
dialect (`dialect.numpy_dialect`: the op table's rules written for arrays): every line then
works on whole arrays, one numpy operation per op, vectorised over the samples. This module
runs them. It is imported on first use: it needs numpy.

Differences from the float replay, by design: no domain checks (numpy follows IEEE rules, so
log(-1) is nan, 1/0 is inf, with its warnings silenced), and the transcendental functions are
numpy's, which may differ from Python's math module in the last bit. Needs numpy (extra `fast`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from micrograd_lite.compile.dialect import numpy_dialect

if TYPE_CHECKING:
    from micrograd_lite.compile.program import Program

NDArray = Any  # numpy arrays of float64 (numpy's own stubs are not needed by the package)


def build_batch(program: Program, *, fold: bool | None = None) -> Any:
    """The batch function for `program`; `fold` as in `Program.render` (default: big graphs)."""
    numpy = numpy_dialect()
    source = program.render(name="compiled", comments=False, dialect=numpy, fold=fold)
    return numpy.define(source, f"<micrograd_lite.compile batch: {program.n_ops} ops>")


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
        value, grads = fn(*xs)
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
