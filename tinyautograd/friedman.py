"""The Friedman #1 regression problem: synthetic tabular data that needs no download.

y = 10 sin(π x1 x2) + 20 (x3 - 0.5)² + 10 x4 + 5 x5 + ε, with x uniform on [0, 1]^10 (x6 ... x10 are
noise features the target does not depend on) and ε ~ N(0, noise²). With noise = 1 the best possible
mean squared error is 1.0, the bar a model approaches (Friedman, "Multivariate adaptive regression
splines", Annals of Statistics, 1991).

>>> table = make_friedman1(n_samples=1000, seed=0)
>>> table.features.shape, table.target_name
((1000, 10), 'y')
"""

from __future__ import annotations

import numpy as np

from .tables import Table


def friedman1_function(x: np.ndarray) -> np.ndarray:
    """The noise-free target 10 sin(π x1 x2) + 20 (x3 - 0.5)² + 10 x4 + 5 x5 of each row of `x` (n × ≥5)."""
    return 10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]


def make_friedman1(n_samples: int = 10_000, n_features: int = 10, noise: float = 1.0, seed: int = 0) -> Table:
    """`n_samples` rows of the Friedman #1 problem as a Table (features x1 ... x<n_features>, target y).

    The same seed always gives the same numbers.

    >>> make_friedman1(5, seed=1).target.shape
    (5,)
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"make_friedman1: n_samples must be a positive integer, got {n_samples!r}")
    if isinstance(n_features, bool) or not isinstance(n_features, (int, np.integer)) or n_features < 5:
        raise ValueError(f"make_friedman1: n_features must be an integer >= 5 (the target uses 5), got {n_features!r}")
    if not noise >= 0:
        raise ValueError(f"make_friedman1: noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(int(n_samples), int(n_features)))
    y = friedman1_function(x) + noise * rng.standard_normal(int(n_samples))
    return Table(x, y, [f"x{i + 1}" for i in range(int(n_features))], "y")
