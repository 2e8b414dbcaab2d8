"""`detect_anomaly()`: stop at the first NaN or Inf, naming the op and the user's line that made it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .state import Anomaly

F = TypeVar("F", bound=Callable[..., Any])


class detect_anomaly:
    """Context manager and decorator: a NaN or Inf made in forward or backward raises.

    >>> with detect_anomaly():
    ...     y = (x / 0).sum()     # RuntimeError: DivBackward produced Inf ... created at <your line>
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.mode = check_nan

    def __enter__(self) -> None:
        self.prev = Anomaly.enabled
        Anomaly.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        Anomaly.enabled = self.prev

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off globally."""
    Anomaly.enabled = bool(mode)


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return Anomaly.enabled
