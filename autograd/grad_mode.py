"""Grad modes: whether operations are recorded in the graph.

`no_grad()`, `enable_grad()` and `set_grad_enabled(flag)` work as context
managers and as decorators, as in PyTorch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class GradMode:
    """The global switch the engine reads on every op (one attribute, no lookup chain)."""

    enabled = True


def is_grad_enabled() -> bool:
    """True when operations are being recorded."""
    return GradMode.enabled


class set_grad_enabled:
    """Turn recording on or off; as a call, a context manager or a decorator.

    >>> with set_grad_enabled(False):
    ...     y = x * 2   # not recorded
    """

    def __init__(self, mode: bool) -> None:
        self.prev = GradMode.enabled
        self.mode = bool(mode)
        GradMode.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        GradMode.enabled = self.prev

    def __call__(self, fn: F) -> F:
        GradMode.enabled = self.prev  # used as a decorator: undo the switch made in __init__
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class _GradModeContext:
    mode = True

    def __enter__(self) -> None:
        self.prev = GradMode.enabled
        GradMode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        GradMode.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Do not record operations: `with no_grad(): param -= lr * param.grad`."""

    mode = False


class enable_grad(_GradModeContext):
    """Record operations again inside a `no_grad()` block."""

    mode = True
