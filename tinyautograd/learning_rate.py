"""A short learning-rate range test: which learning rate makes a model train, when the one given diverged.

The same model, freshly initialised with the same seed, takes `steps` minibatch steps at each candidate
rate: from a tenth of the rate that diverged down to 1e-6, a factor of 10 apart. The suggestion is the
rate whose loss over the last steps fell furthest below the loss before training (a rate whose loss
became NaN or infinite, or did not fall, is out). A few hundred small steps in all: a second or two
for the models `tinyautograd fit` trains.

>>> suggest_learning_rate(probe, diverged=1e6)      # e.g. 0.001
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd
from nn.data import DataLoader, TensorDataset

SMALLEST_RATE = 1e-6


@dataclass
class LearningRateProbe:
    """How to train the model briefly: a builder, an optimiser factory, the loss and the training rows."""

    build: Callable[[], Any]
    make_optimizer: Callable[[Any, float], Any]
    loss_function: Any
    x: np.ndarray
    y: np.ndarray
    batch_size: int
    seed: int
    steps: int = 60

    def initial_loss(self) -> float:
        """The loss of the freshly initialised model on the training rows."""
        autograd.manual_seed(self.seed)
        model = self.build()
        with autograd.no_grad(), np.errstate(all="ignore"):
            return float(self.loss_function(model(autograd.from_numpy(self.x)), autograd.from_numpy(self.y)).item())

    def final_loss(self, rate: float) -> float:
        """The mean loss of the last 10 of `steps` steps at `rate` (inf if it stopped being finite)."""
        autograd.manual_seed(self.seed)
        model = self.build()
        optimizer = self.make_optimizer(model.parameters(), rate)
        losses: list[float] = []
        loader = DataLoader(
            TensorDataset(self.x, self.y), batch_size=self.batch_size, shuffle=True, generator=self.seed
        )
        with np.errstate(all="ignore"):
            while len(losses) < self.steps:
                for x, y in loader:
                    optimizer.zero_grad()
                    loss = self.loss_function(model(x), y)
                    value = loss.item()
                    if not math.isfinite(value):
                        return math.inf
                    loss.backward()
                    optimizer.step()
                    losses.append(value)
                    if len(losses) == self.steps:
                        break
        return float(np.mean(losses[-10:]))


def candidate_rates(diverged: float) -> list[float]:
    """A tenth of `diverged`, a hundredth, ... down to 1e-6 (at least one rate)."""
    rates: list[float] = []
    rate = diverged / 10
    while rate >= SMALLEST_RATE * 0.999 and len(rates) < 20:
        rates.append(float(f"{rate:.3g}"))
        rate /= 10
    return rates or [SMALLEST_RATE]


def suggest_learning_rate(probe: LearningRateProbe, diverged: float) -> float | None:
    """The candidate rate below `diverged` whose loss fell most in a short run, or None if none trained."""
    start = probe.initial_loss()
    best, best_loss = None, start if math.isfinite(start) else math.inf
    for rate in candidate_rates(diverged):
        loss = probe.final_loss(rate)
        if loss < best_loss:
            best, best_loss = rate, loss
    return best
