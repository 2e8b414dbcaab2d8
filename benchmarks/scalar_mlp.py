"""Workload (d): a 2 -> 16 -> 16 -> 1 MLP built from scalars, in the style of micrograd's demo.

Neurons are lists of scalar weights (0-d tensors for the engine and PyTorch, `Value`s for
micrograd), `relu` on the hidden layers; 100 two-moons samples; hinge loss
`mean(relu(1 - y * score))`; one timed call is one step: zero the gradients, forward every
sample, backward, SGD update. The engine, PyTorch and micrograd run the very same program
(`ScalarMLP` below). "NumPy by hand" is the same computation on arrays (one matrix per
layer), so its ratio shows what a graph of scalars costs against vectorised code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd

from .harness import ENGINE, MICROGRAD, NUMPY, TORCH, Step, Target, Workload
from .mlp import relu_mlp_sgd_step

SIZES = (2, 16, 16, 1)
SAMPLES = 100
LEARNING_RATE = 0.05


def moons() -> tuple[list[list[float]], list[float]]:
    """100 two-moons points (seeded, noise 0.1) and their labels in {-1, +1}."""
    rng = np.random.default_rng(3)
    half = SAMPLES // 2
    angle = np.linspace(0, math.pi, half)
    outer = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    inner = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    x = np.concatenate([outer, inner]) + rng.normal(0, 0.1, (SAMPLES, 2))
    y = np.concatenate([-np.ones(half), np.ones(half)])
    return x.tolist(), y.tolist()


def initial_weights() -> list[tuple[list[list[float]], list[float]]]:
    """Per layer, one list of input weights per neuron (uniform in [-1, 1] as micrograd) and the biases (0)."""
    rng = np.random.default_rng(4)
    return [(rng.uniform(-1, 1, (n_out, n_in)).tolist(), [0.0] * n_out) for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]


class ScalarMLP:
    """micrograd's MLP: each neuron sums `w_i * x_i` onto its bias; relu on every layer but the last."""

    def __init__(self, scalar: Callable[[float], Any]) -> None:
        self.layers = [
            [([scalar(w) for w in row], scalar(b)) for row, b in zip(rows, biases)]
            for rows, biases in initial_weights()
        ]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for weights, bias in layer:
                act = sum((wi * xi for wi, xi in zip(weights, x)), bias)
                out.append(act.relu() if i != last else act)
            x = out
        return x[0]

    def parameters(self) -> Iterable[Any]:
        """Every weight and bias."""
        return [p for layer in self.layers for weights, bias in layer for p in [*weights, bias]]


def hinge_loss(model: ScalarMLP, inputs: list[list[Any]], labels: list[float]) -> Any:
    """mean over the samples of relu(1 - y * score)."""
    losses = [(1 - y * model(x)).relu() for x, y in zip(inputs, labels)]
    return sum(losses) * (1.0 / len(losses))


def tensor_step(lib: Any) -> Step:
    """The scalar program on 0-d tensors, once for `autograd` and for `torch` (same API)."""
    model = ScalarMLP(lambda v: lib.tensor(v, requires_grad=True))
    params = model.parameters()
    xs, labels = moons()
    inputs = [[lib.tensor(v) for v in row] for row in xs]

    def step() -> Any:
        for p in params:
            p.grad = None
        loss = hinge_loss(model, inputs, labels)
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= LEARNING_RATE * p.grad
        return loss

    return step


def engine_setup() -> Step:
    """The scalar program on 0-d engine tensors."""
    return tensor_step(autograd)


def torch_setup() -> Step:
    """The scalar program on 0-d PyTorch tensors."""
    import torch

    return tensor_step(torch)


def micrograd_setup() -> Step:
    """The scalar program on micrograd `Value`s, as in its demo."""
    from micrograd.engine import Value

    model = ScalarMLP(Value)
    params = model.parameters()
    xs, labels = moons()
    inputs = [[Value(v) for v in row] for row in xs]

    def step() -> Any:
        for p in params:
            p.grad = 0
        loss = hinge_loss(model, inputs, labels)
        loss.backward()
        for p in params:
            p.data -= LEARNING_RATE * p.grad
        return loss

    return step


def numpy_setup() -> Step:
    """The same step on arrays, forward and backward by hand (a matrix per layer)."""
    weights = [(np.array(rows, dtype=np.float32), np.array(b, dtype=np.float32)) for rows, b in initial_weights()]
    (w1, b1), (w2, b2), (w3, b3) = weights
    xs, labels = moons()
    x = np.array(xs, dtype=np.float32)
    y = np.array(labels, dtype=np.float32)
    lr = np.float32(LEARNING_RATE)

    def step() -> Any:
        h1 = x @ w1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ w2.T + b2
        a2 = np.maximum(h2, 0)
        score = (a2 @ w3.T + b3)[:, 0]
        margin = 1 - y * score
        loss = np.maximum(margin, 0).mean()
        g_score = ((margin > 0) * -y / np.float32(SAMPLES))[:, None]
        relu_mlp_sgd_step(g_score, x, (h1, a1, h2, a2), (w1, b1, w2, b2, w3, b3), lr)
        return loss

    return step


def workloads(quick: bool, million: bool) -> list[Workload]:
    """The scalar MLP, as one benchmark row."""
    return [
        Workload(
            name="scalar-mlp",
            description="2->16->16->1 MLP of 0-d tensors (micrograd's demo), 100 samples, hinge loss, one step",
            setups={ENGINE: engine_setup, NUMPY: numpy_setup, TORCH: torch_setup, MICROGRAD: micrograd_setup},
            targets=(Target(0.8, MICROGRAD),),
        )
    ]
