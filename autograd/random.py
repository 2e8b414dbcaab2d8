"""One seeded generator behind every random function and initialiser."""

from __future__ import annotations

import numpy as np

from .state import Random


def manual_seed(seed: int) -> None:
    """Seed the generator behind `rand`, `randn`, `randint`, `normal_`, `nn.init`, ...

    >>> manual_seed(0); a = randn(3); manual_seed(0); bool((a == randn(3)).all())
    True
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: expected a non-negative integer, got {seed!r}")
    Random.generator = np.random.default_rng(int(seed))


def generator() -> np.random.Generator:
    """The NumPy generator the library draws from (reseeded by `manual_seed`)."""
    return Random.generator
