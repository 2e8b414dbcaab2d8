"""`detect_anomaly()`: stop at the first NaN or Inf, naming the op and the user's line that made it."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .state import SEEN_INPUTS, Anomaly

F = TypeVar("F", bound=Callable[..., Any])


class detect_anomaly:
    """Context manager and decorator: a NaN or Inf made in forward or backward raises.

    >>> with detect_anomaly():
    ...     y = (x / 0).sum()     # RuntimeError: DivBackward produced Inf ... created at <your line>
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.mode = check_nan

    def __enter__(self) -> None:
        self.prev = Anomaly.detect
        Anomaly.detect = self.mode
        Anomaly.refresh()

    def __exit__(self, *exc: object) -> None:
        Anomaly.detect = self.prev
        Anomaly.refresh()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off globally."""
    Anomaly.detect = bool(mode)
    Anomaly.refresh()


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return Anomaly.detect


def record_creation(node: Any, data: Any, args: tuple) -> None:
    """As an op is made, in anomaly mode: remember where (the user's line) and check its output; while this
    thread's gradcheck searches for a culprit: remember the arguments the op saw."""
    seen = SEEN_INPUTS.get()
    if seen is not None:
        seen.setdefault(node, args)
    if Anomaly.detect:
        node._trace = traceback.extract_stack()[:-3]
        check_finite(node, data, "forward")


def check_finite(node: Any, value: Any, phase: str) -> None:
    """Anomaly mode: raise when `value` (an op's output, or a gradient it returned) holds a NaN or Inf."""
    from .tensor import Tensor

    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        where = ""
        trace = getattr(node, "_trace", None)
        if trace:
            user = [f for f in trace if "/autograd/" not in f.filename.replace("\\", "/")]
            frame = (user or trace)[-1]
            where = f"; the op was created at {frame.filename}:{frame.lineno}: {frame.line}"
        bad = "NaN" if np.isnan(value).any() else "Inf"
        raise RuntimeError(f"detect_anomaly: {node.name()} produced {bad} in its {phase} pass{where}")
