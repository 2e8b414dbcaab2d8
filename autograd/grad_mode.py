"""Grad modes: whether operations are recorded in the graph, per thread as in PyTorch.

`no_grad()`, `enable_grad()` and `set_grad_enabled(flag)` work as context
managers and as decorators. Each changes the mode of the thread it runs in
only, and each new thread starts with recording on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .state import GRAD_ENABLED

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """True when operations are being recorded in this thread."""
    return GRAD_ENABLED.get()


class _GradModeContext:
    """Set this thread's grad mode for a block (or a decorated function), then restore it."""

    mode = True

    def __enter__(self) -> None:
        self.prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(self.mode)

    def __exit__(self, *exc: object) -> None:
        GRAD_ENABLED.set(self.prev)

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = GRAD_ENABLED.get()
            GRAD_ENABLED.set(mode)
            try:
                return fn(*args, **kwargs)
            finally:
                GRAD_ENABLED.set(previous)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Do not record operations: `with no_grad(): param -= lr * param.grad`."""

    mode = False


class enable_grad(_GradModeContext):
    """Record operations again inside a `no_grad()` block."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off in this thread; as a call, a context manager or a decorator.

    >>> with set_grad_enabled(False):
    ...     y = x * 2   # not recorded
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(self.mode)  # a plain call takes effect at once, as in PyTorch

    def __enter__(self) -> None:
        pass  # already switched by __init__; __exit__ restores what was before

    def __call__(self, fn: F) -> F:
        GRAD_ENABLED.set(self.prev)  # used as a decorator: undo the switch made in __init__
        return super().__call__(fn)


class inference_mode(_GradModeContext):
    """`torch.inference_mode`: no recording (here the same as no_grad); `inference_mode(False)` records."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode
