"""All the state the engine keeps outside tensors and graph nodes, in one place.

PyTorch keeps grad mode per thread and the rest per process; so does this engine.

| state                  | name                   | scope      | what it is                                   |
|------------------------|------------------------|------------|----------------------------------------------|
| grad mode              | `GRAD_ENABLED`         | per thread | whether ops are recorded; every new thread   |
|                        |                        |            | starts with it on; `no_grad()` and a         |
|                        |                        |            | backward pass change only their own thread's |
| recorded pass          | `RECORDED_PASS`        | per thread | whether this thread is running a backward    |
|                        |                        |            | pass that is recorded (create_graph)         |
| anomaly detection      | `Anomaly.detect`       | process    | `detect_anomaly()`: check every op for NaN   |
| creation hook switch   | `Anomaly.enabled`      | process    | something to do as each op is made: anomaly  |
|                        |                        |            | detection, or some thread's gradcheck        |
|                        |                        |            | looking for the op with a wrong backward     |
| inputs each op saw     | `SEEN_INPUTS`          | per thread | that gradcheck's record, node -> arguments   |
| default dtype          | `Defaults.dtype`       | process    | what Python floats become (float32)          |
| forward-mode level     | `ForwardMode.level`    | process    | the open `forward_ad.dual_level()`s number,  |
|                        |                        |            | else 0; the dual tensors made in it, to clear|
|                        |                        |            | at its end (as PyTorch's, per process)       |
| random generator       | `Random.generator`     | process    | behind every random function and initialiser |
|                        |                        |            | (`manual_seed` replaces it)                  |
| event order            | `EVENT_ORDER`          | process    | numbers graph nodes as they are made and     |
|                        |                        |            | in-place changes as they happen              |
| latest in-place change | `InPlace.last`         | process    | the event number of the newest in-place      |
|                        |                        |            | change to any tensor                         |
| hook handle ids        | `HOOK_IDS`             | process    | numbers the handles `register_hook` returns  |
| NumPy's warnings       | `QUIET_NUMPY_WARNINGS` | process    | a warnings filter: NumPy's floating-point    |
|                        |                        |            | RuntimeWarnings raised inside `autograd` are |
|                        |                        |            | not shown (PyTorch gives inf and NaN quietly)|

Grad mode is a `contextvars.ContextVar`: each thread has its own context, so its
own value, and a new thread starts from the default (on). Reading it costs what
reading a class attribute costs; a `threading.local` costs three times that on
every op (measured: about 190 against 630 machine instructions per read). It is
also per asyncio task, which PyTorch's thread-local flag is not: a task that
awaits inside `no_grad()` does not turn recording off in the others.

A plain backward pass (`loss.backward()`) leaves grad mode as it is while it runs
the engine's own ops, whose backward functions compute on arrays and record
nothing either way; it turns grad mode off only before it runs anything else (a
hook, a custom Function). What those backward functions read in place of grad
mode is `RECORDED_PASS`, set only by a recorded pass: their saved arrays come back
as graph tensors, and a leaf's gradient is added out of place, only in one.

The warnings filter matches only warnings raised from the engine's own modules, so
the user's NumPy code warns as before; NumPy's own switch (`np.errstate`) would
cost about 1.8 us per op, the filter nothing until a warning is raised. A
`warnings.simplefilter("error")` of the user's own, inserted in front of it, wins.

The two counters are `itertools.count` objects: taking the next number is one
step under the interpreter lock, so threads never get the same number. A
process-wide `InPlace.last` can only make a saved-tensor check run when it was
not needed, never skip one that was (see `Function.saved_tensors`).
"""

from __future__ import annotations

import contextvars
import itertools
import warnings

import numpy as np

GRAD_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar("grad_enabled", default=True)


RECORDED_PASS: contextvars.ContextVar[bool] = contextvars.ContextVar("recorded_pass", default=False)


class AnomalyState:
    """Whether `detect_anomaly()` is on, and whether anything is to be done as each op is made (read once per op)."""

    __slots__ = ("capturing", "detect", "enabled")

    def __init__(self) -> None:
        self.detect = False
        self.capturing = 0  # threads recording the inputs each op saw (gradcheck's search for a culprit)
        self.enabled = False  # detect or capturing: the one flag `Function.apply` reads

    def refresh(self) -> None:
        """Recompute `enabled` after `detect` or `capturing` changed."""
        self.enabled = self.detect or self.capturing > 0


class ForwardModeState:
    """Whether a forward-mode level is open (read once per op), and the tensors given tangents in it."""

    __slots__ = ("duals", "level")

    def __init__(self) -> None:
        self.level = 0
        self.duals: list = []  # weak references to the tensors holding a tangent at this level


SEEN_INPUTS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("seen_inputs", default=None)


class DefaultsState:
    """The dtype Python floats become (`set_default_dtype`)."""

    __slots__ = ("dtype",)

    def __init__(self) -> None:
        self.dtype: np.dtype = np.dtype(np.float32)


class RandomState:
    """The NumPy generator behind every random function (`manual_seed` replaces it)."""

    __slots__ = ("generator",)

    def __init__(self) -> None:
        self.generator: np.random.Generator = np.random.default_rng()


class InPlaceState:
    """The event number of the latest in-place change to any tensor (-1: none yet)."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last = -1


# Speed trick, state as slots of one object each: CPython 3.11 specialises reading an instance's
# slot (about 3 ns) but not a class attribute (about 11 ns), and ops read these once or twice each.
Anomaly = AnomalyState()
ForwardMode = ForwardModeState()
Defaults = DefaultsState()
Random = RandomState()
InPlace = InPlaceState()

EVENT_ORDER = itertools.count()
HOOK_IDS = itertools.count(1)

QUIET_NUMPY_WARNINGS = {"action": "ignore", "category": RuntimeWarning, "module": r"autograd(\.|$)"}
warnings.filterwarnings(**QUIET_NUMPY_WARNINGS)  # type: ignore[arg-type]
