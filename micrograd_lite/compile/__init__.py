"""compile: trace a function of Values once, then replay forward and backward on plain floats.

`compile(fn, example_args)` runs `fn` once on Values made from `example_args` (inside
`tracing.tracing()`, so code that branches on a Value's data is refused), walks the graph it
built and writes it out as one straight-line Python function: a line per op for the forward
pass, then a line per local derivative for the backward pass, in exactly the order
`backward.py` accumulates gradients (a gradient that merely equals its consumer's, like g_v1
below for d(a+b)/da = 1, gets no line of its own). That function is the result:
`cf(*floats)` returns `(value, grads)`, one gradient per argument, equal to an eager run bit
for bit, because every line pastes the op table's own rules (`ops/table.py`), written for
floats, run with the table's own functions.

    >>> cf = compile(lambda x, w, b: (w * x + b).tanh(), [1.0, 0.5, 0.0])
    >>> value, (dx, dw, db) = cf(2.0, -0.25, 0.5)
    >>> value, dx, dw, db
    (0.0, -0.25, 2.0, 1.0)
    >>> print(cf.source)
    def compiled(x, w, b):
        # forward: one line per op
        v1 = w * x  # *
        v2 = v1 + b  # +
        v3 = tanh(v2)  # tanh
        # backward: g_n = d(v3)/d(n), summed in backward()'s order
        g_v3 = 1.0
        g_v2 = (1.0 - v3 * v3) * g_v3  # d tanh(a)/da = 1 - tanh(a)^2
        g_b = g_v2  # d(a+b)/db = 1
        g_w = x * g_v2  # d(a*b)/da = b
        g_x = w * g_v2  # d(a*b)/db = a
        return v3, (0.0 + g_x, 0.0 + g_w, 0.0 + g_b)

The compiled function never returns a number the eager run would not (see `compile.traced`):

* While tracing, a Value that depends on an argument cannot be read by the function's own
  code: `.data`, `.grad`, `local_grads`, `float()`, `int()`, `round()`, formatting,
  comparisons and `bool()` raise TraceError naming the line (`x * x.data` would bake in the
  traced number, `if x > 0` the traced branch). Express a choice with an op (relu, abs, ...).
* A Value captured from outside the function (a closure's parameter) that an op uses is read
  live: `cf` reads its `.data` at every call, as the eager run would. One whose data the
  function's code read (`x * w.data`, `if w > 0`) is checked instead: after it changed, a call
  raises TraceError ("... changed since compile(...): pass it as an argument or compile
  again"). Gradients are for the arguments only: to train a parameter, pass it as one.
* Constants made during the trace (the 2.0 in `x * 2.0`) are literals.
* Every op the function made runs in the order it made them, with the eager path's domain
  checks: a call raises the error an eager run raises first, with the same class and message
  (`OpOverflowError` for `x ** 2` at 1e200; `.batch` too, naming the sample).

The graph is fixed at trace time: a different loop count or list length needs a new `compile`.

Past SOURCE_LIMIT ops the code is folded (see `compile.fold`): a value read once is pasted
into the expression that reads it, and a gradient's terms are summed in one expression, which
CPython compiles in about half the time, with the same floats.

With numpy (`pip install micrograd_lite[fast]`), `cf.batch(*arrays)` replays the same
per-sample program over arrays of inputs, one numpy operation per line (see `compile.batch`).
"""

from micrograd_lite.compile.codegen import Compiled, build, compile
from micrograd_lite.compile.program import SOURCE_LIMIT, Contribution, Program, Step
from micrograd_lite.compile.tracer import trace

__all__ = [
    "SOURCE_LIMIT",
    "Compiled",
    "Contribution",
    "Program",
    "Step",
    "build",
    "compile",
    "trace",
]
