"""Workloads (b) and (c): an 11 -> 64 -> 64 -> 1 ReLU MLP trained with MSE and SGD (lr 0.01).

The data has the shape of the red-wine training split (1,279 rows, 11 standardised features),
drawn from a seeded normal distribution: timing does not depend on the values. (b) trains on
the full batch, one step per timed call; (c) on minibatches of 32 rows, one epoch (40 steps,
the last of 31 rows, no shuffling) per timed call. The minibatches are sliced before timing:
data loading is not measured.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .harness import ENGINE, NUMPY, TORCH, Step, Target, Workload

ROWS, FEATURES, HIDDEN = 1279, 11, 64
SIZES = (FEATURES, HIDDEN, HIDDEN, 1)
LEARNING_RATE = 0.01
BATCH = 32
ENGINE_NEEDS = ("nn.Sequential", "nn.Linear", "nn.ReLU", "nn.MSELoss", "nn.optim.SGD")


def data() -> tuple[np.ndarray, np.ndarray]:
    """The inputs (1279x11) and targets (1279x1), float32."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((ROWS, FEATURES), dtype=np.float32)
    y = (x[:, :1] * 0.5 + rng.standard_normal((ROWS, 1), dtype=np.float32) * 0.1).astype(np.float32)
    return x, y


def initial_weights() -> list[tuple[np.ndarray, np.ndarray]]:
    """(weight (out, in), bias) per layer, uniform in +-1/sqrt(fan_in) as PyTorch's default."""
    rng = np.random.default_rng(2)
    layers = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, fan_out).astype(np.float32)
        layers.append((w, b))
    return layers


def batches(batch_size: int | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The data cut into consecutive minibatches (one batch of everything when `batch_size` is None)."""
    x, y = data()
    if batch_size is None:
        return [(x, y)]
    return [(x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, ROWS, batch_size)]


def framework_training(lib: Any, nn_lib: Any, optim: Any, batch_size: int | None) -> Step:
    """The training loop a user writes, once for the engine (autograd, nn, nn.optim) and for torch (same API)."""
    model = nn_lib.Sequential(
        nn_lib.Linear(FEATURES, HIDDEN),
        nn_lib.ReLU(),
        nn_lib.Linear(HIDDEN, HIDDEN),
        nn_lib.ReLU(),
        nn_lib.Linear(HIDDEN, 1),
    )
    with lib.no_grad():
        for layer, (w, b) in zip([model[0], model[2], model[4]], initial_weights()):
            layer.weight.copy_(lib.from_numpy(w))
            layer.bias.copy_(lib.from_numpy(b))
    loss_fn = nn_lib.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=LEARNING_RATE)
    data = [(lib.from_numpy(x), lib.from_numpy(y)) for x, y in batches(batch_size)]

    def step() -> Any:
        for x, y in data:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return loss

    return step


def engine_training(batch_size: int | None) -> Step:
    """The training loop on the engine: `nn.Sequential`, `nn.MSELoss`, `nn.optim.SGD`."""
    import nn

    return framework_training(autograd, nn, nn.optim, batch_size)


def relu_mlp_sgd_step(g: np.ndarray, x: np.ndarray, activations: tuple, params: tuple, lr: np.float32) -> None:
    """Backward by hand through linear-ReLU-linear-ReLU-linear from the output gradient `g`, then SGD in place.

    `activations` are (h1, a1, h2, a2) of the forward pass, `params` (w1, b1, w2, b2, w3, b3).
    """
    h1, a1, h2, a2 = activations
    w1, b1, w2, b2, w3, b3 = params
    g_w3, g_b3 = g.T @ a2, g.sum(axis=0)
    g_h2 = g @ w3
    g_h2 *= h2 > 0
    g_w2, g_b2 = g_h2.T @ a1, g_h2.sum(axis=0)
    g_h1 = g_h2 @ w2
    g_h1 *= h1 > 0
    g_w1, g_b1 = g_h1.T @ x, g_h1.sum(axis=0)
    for p, g_p in zip(params, (g_w1, g_b1, g_w2, g_b2, g_w3, g_b3)):
        p -= lr * g_p


def numpy_training(batch_size: int | None) -> Step:
    """The same training loop with forward, backward and update by hand in NumPy: the floor."""
    (w1, b1), (w2, b2), (w3, b3) = [(w.copy(), b.copy()) for w, b in initial_weights()]
    data = batches(batch_size)
    lr = np.float32(LEARNING_RATE)

    def step() -> Any:
        for x, y in data:
            h1 = x @ w1.T + b1
            a1 = np.maximum(h1, 0)
            h2 = a1 @ w2.T + b2
            a2 = np.maximum(h2, 0)
            diff = a2 @ w3.T + b3 - y
            loss = np.square(diff).mean()
            g = diff * np.float32(2 / diff.size)
            relu_mlp_sgd_step(g, x, (h1, a1, h2, a2), (w1, b1, w2, b2, w3, b3), lr)
        return loss

    return step


def torch_training(batch_size: int | None) -> Step:
    """The same training loop in PyTorch eager."""
    import torch

    return framework_training(torch, torch.nn, torch.optim, batch_size)


def workloads(quick: bool, million: bool) -> list[Workload]:
    """The MLP on the full batch (b) and on minibatches of 32 (c)."""
    epoch_steps = len(range(0, ROWS, BATCH))
    return [
        Workload(
            name="mlp-full",
            description=f"11->64->64->1 ReLU MLP, MSE, nn.optim.SGD, full batch of {ROWS} rows, one step",
            setups={
                ENGINE: lambda: engine_training(None),
                NUMPY: lambda: numpy_training(None),
                TORCH: lambda: torch_training(None),
            },
            engine_needs=ENGINE_NEEDS,
            targets=(Target(1.05, NUMPY),),
        ),
        Workload(
            name="mlp-minibatch",
            description=f"the same MLP, minibatches of {BATCH}: one epoch of {epoch_steps} steps per call",
            setups={
                ENGINE: lambda: engine_training(BATCH),
                NUMPY: lambda: numpy_training(BATCH),
                TORCH: lambda: torch_training(BATCH),
            },
            engine_needs=ENGINE_NEEDS,
            targets=(Target(1.6, NUMPY), Target(0.35, TORCH)),
            per_what=f"epoch ({epoch_steps} steps)",
        ),
    ]
