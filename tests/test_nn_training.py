"""Small networks learn: XOR to 100% and two moons (generated here with NumPy) to at least 97% training accuracy."""

from __future__ import annotations

import numpy as np

import autograd
import nn
from autograd import Tensor


def two_moons(n_per_moon: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles: the upper one (label 0) and the lower, shifted one (label 1)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, size=(2, n_per_moon))
    upper = np.stack([np.cos(t[0]), np.sin(t[0])], axis=1)
    lower = np.stack([1 - np.cos(t[1]), 0.5 - np.sin(t[1])], axis=1)
    x = np.concatenate([upper, lower]) + rng.normal(0, noise, size=(2 * n_per_moon, 2))
    y = np.concatenate([np.zeros(n_per_moon, dtype=np.int64), np.ones(n_per_moon, dtype=np.int64)])
    return x.astype(np.float32), y


def train(model: nn.Module, loss_fn: nn.Module, x: Tensor, y: Tensor, steps: int, lr: float) -> list[float]:
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_xor_is_learned_to_full_accuracy() -> None:
    autograd.manual_seed(0)
    x = autograd.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = autograd.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    losses = train(model, nn.BCEWithLogitsLoss(), x, y, steps=300, lr=0.05)
    predictions = (model(x).detach().numpy() > 0).astype(np.float32)
    np.testing.assert_array_equal(predictions, y.numpy())
    assert losses[-1] < 0.05


def test_two_moons_are_learned_to_at_least_97_percent() -> None:
    autograd.manual_seed(0)
    features, labels = two_moons(150, noise=0.1, seed=1)
    x, y = autograd.tensor(features), autograd.tensor(labels)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))
    losses = train(model, nn.CrossEntropyLoss(), x, y, steps=400, lr=0.02)
    accuracy = (model(x).detach().numpy().argmax(axis=1) == labels).mean()
    assert accuracy >= 0.97, f"training accuracy {accuracy:.3f}, final loss {losses[-1]:.4f}"
    assert losses[-1] < 0.25 * losses[0]


def test_two_moons_with_gelu_dropout_and_eval_mode() -> None:
    autograd.manual_seed(0)
    features, labels = two_moons(150, noise=0.1, seed=2)
    x, y = autograd.tensor(features), autograd.tensor(labels.astype(np.float32)[:, None])
    model = nn.Sequential(
        nn.Linear(2, 32), nn.GELU(), nn.Dropout(0.1), nn.Linear(32, 32), nn.LeakyReLU(0.1), nn.Linear(32, 1)
    )
    train(model, nn.BCEWithLogitsLoss(), x, y, steps=400, lr=0.02)
    model.eval()
    first, second = model(x).detach().numpy(), model(x).detach().numpy()
    np.testing.assert_array_equal(first, second)  # no dropout in eval mode
    assert ((first[:, 0] > 0) == labels).mean() >= 0.97
