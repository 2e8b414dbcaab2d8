"""Workload (f): the tiny graph `c = a*b + a; c.backward()` on 0-d tensors, once per timed call.

This is pure per-op overhead (two ops, one backward pass, two gradients accumulated into
leaves): what every node of a scalar graph costs before any arithmetic happens.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .harness import ENGINE, MICROGRAD, NUMPY, TORCH, Step, Target, Workload


def graph_step(lib: Any) -> Step:
    """The graph on 0-d tensors, written once for `autograd` and `torch`; gradients accumulate across calls."""
    a = lib.tensor(2.0, requires_grad=True)
    b = lib.tensor(3.0, requires_grad=True)

    def step() -> Any:
        c = a * b + a
        c.backward()
        return c

    return step


def engine_setup() -> Step:
    """The graph on engine 0-d tensors."""
    return graph_step(autograd)


def torch_setup() -> Step:
    """The graph on PyTorch 0-d tensors."""
    import torch

    return graph_step(torch)


def micrograd_setup() -> Step:
    """The graph on micrograd `Value`s, whose backward accumulates into `.grad` as the engine's does."""
    from micrograd.engine import Value

    a, b = Value(2.0), Value(3.0)

    def step() -> Any:
        c = a * b + a
        c.backward()
        return c.data

    return step


def numpy_setup() -> Step:
    """The same by hand on float32 NumPy scalars: dc/da = b + 1, dc/db = a, accumulated."""
    a, b = np.float32(2.0), np.float32(3.0)
    grads = [np.float32(0.0), np.float32(0.0)]
    one = np.float32(1.0)

    def step() -> Any:
        c = a * b + a
        grads[0] += b + one
        grads[1] += a
        return c

    return step


def workloads(quick: bool, million: bool) -> list[Workload]:
    """The tiny graph, as one benchmark row."""
    return [
        Workload(
            name="tiny-graph",
            description="c = a*b + a; c.backward() on 0-d tensors, per iteration",
            setups={ENGINE: engine_setup, NUMPY: numpy_setup, TORCH: torch_setup, MICROGRAD: micrograd_setup},
            targets=(Target(1.3, MICROGRAD),),
            per_what="iteration",
        )
    ]
