"""Workload (a): the two-layer ReLU net of PyTorch's "learning by examples" tutorial.

x is 64x1000, hidden layer 100, output 10, sum-of-squares loss, and a manual SGD step
(`w -= lr * w.grad` under no_grad, then the gradients dropped). One timed call is one step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .harness import ENGINE, NUMPY, TORCH, Step, Target, Workload

N, D_IN, HIDDEN, D_OUT = 64, 1000, 100, 10
LEARNING_RATE = 1e-6
BARE_BONES = "bare-bones engine"  # the companion timed with the contenders (see `workloads`)


def _arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "x": rng.standard_normal((N, D_IN), dtype=np.float32),
        "y": rng.standard_normal((N, D_OUT), dtype=np.float32),
        "w1": rng.standard_normal((D_IN, HIDDEN), dtype=np.float32),
        "w2": rng.standard_normal((HIDDEN, D_OUT), dtype=np.float32),
    }


def tutorial_step(lib: Any) -> Step:
    """The tutorial's autograd version, written once for `autograd` and for `torch` (same API)."""
    a = _arrays()
    x, y = lib.from_numpy(a["x"]), lib.from_numpy(a["y"])
    w1 = lib.tensor(a["w1"], requires_grad=True)
    w2 = lib.tensor(a["w2"], requires_grad=True)

    def step() -> Any:
        nonlocal w1, w2
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with lib.no_grad():
            w1 -= LEARNING_RATE * w1.grad
            w2 -= LEARNING_RATE * w2.grad
        # drop the gradients rather than zero them (PyTorch's zero_grad(set_to_none=True)):
        # the hand-written NumPy step keeps no gradient buffers between steps either
        w1.grad = None
        w2.grad = None
        return loss

    return step


def engine_setup() -> Step:
    """The tutorial's step on the engine."""
    return tutorial_step(autograd)


def numpy_setup() -> Step:
    """Forward and backward by hand in NumPy: the floor."""
    a = _arrays()
    x, y, w1, w2 = a["x"], a["y"], a["w1"].copy(), a["w2"].copy()

    def step() -> Any:
        nonlocal w1, w2
        h = x @ w1
        h_relu = np.maximum(h, 0)
        y_pred = h_relu @ w2
        diff = y_pred - y
        loss = np.square(diff).sum()
        grad_y_pred = 2.0 * diff
        grad_w2 = h_relu.T @ grad_y_pred
        grad_h = grad_y_pred @ w2.T
        grad_h *= h > 0
        grad_w1 = x.T @ grad_h
        w1 -= LEARNING_RATE * grad_w1
        w2 -= LEARNING_RATE * grad_w2
        return loss

    return step


def torch_setup() -> Step:
    """The tutorial's step in PyTorch eager."""
    import torch

    return tutorial_step(torch)


def bare_bones_setup() -> Step:
    """The step on `closure_engine`'s bare-bones engine: how close any Python engine gets here."""
    from .closure_engine import closure_step  # it builds on this module's data

    return closure_step()


def workloads(quick: bool, million: bool) -> list[Workload]:
    """The two-layer net, as one benchmark row; the bare-bones engine is timed in the same rounds, so every
    run shows the floor a Python engine reaches on its machine beside the engine's ratio."""
    return [
        Workload(
            name="two-layer",
            description="64x1000 -> 100 -> 10 ReLU net, sum of squares, manual SGD step",
            setups={ENGINE: engine_setup, NUMPY: numpy_setup, TORCH: torch_setup},
            targets=(Target(1.08, NUMPY),),
            companions={BARE_BONES: (bare_bones_setup, 1)},
        )
    ]
