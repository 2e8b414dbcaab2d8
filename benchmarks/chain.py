"""Workload (e): a chain of n multiplications `x = x * c` on a 0-d tensor, forward and backward.

Reported as time per node, for n = 10,000 and 100,000 (and 1,000,000 with --million), so a
per-node time that stays flat shows that building the graph and walking it back are linear in
its length (and that the backward pass does not recurse). The factor is c = 1 + 1/n (1.0001
for 10,000 as in the issue), so the result stays near e at every length instead of overflowing
float32.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

import autograd

from .harness import ENGINE, NUMPY, TORCH, Step, Target, Workload


def chain_step(lib: Any, n: int) -> Step:
    """The chain on 0-d tensors, written once for `autograd` and for `torch` (same API)."""
    factor = 1 + 1 / n
    x = lib.tensor(1.0, requires_grad=True)

    def step() -> Any:
        y = x
        for _ in range(n):
            y = y * factor
        y.backward()
        x.grad = None
        return y

    return step


def engine_setup(n: int) -> Step:
    """The chain on engine 0-d tensors."""
    return chain_step(autograd, n)


def torch_setup(n: int) -> Step:
    """The chain on PyTorch 0-d tensors."""
    import torch

    return chain_step(torch, n)


def numpy_setup(n: int) -> Step:
    """The chain by hand on float32 NumPy scalars: forward, then the gradient multiplied back along it."""
    factor = np.float32(1 + 1 / n)
    x = np.float32(1.0)

    def step() -> Any:
        y = x
        for _ in range(n):
            y = y * factor
        grad = np.float32(1.0)
        for _ in range(n):
            grad = grad * factor
        return y

    return step


def _name(n: int) -> str:
    return f"chain-{n // 1000}k" if n < 1_000_000 else f"chain-{n // 1_000_000}M"


def workloads(quick: bool, million: bool) -> list[Workload]:
    """One row per chain length; the longest is checked against the shortest's per-node time."""
    lengths = [10_000, 100_000] + ([1_000_000] if million else [])
    rows = []
    for n in lengths:
        rows.append(
            Workload(
                name=_name(n),
                description=f"chain of {n:,} multiplications x = x * (1 + 1/n), forward and backward, per node",
                setups={
                    ENGINE: functools.partial(engine_setup, n),
                    NUMPY: functools.partial(numpy_setup, n),
                    TORCH: functools.partial(torch_setup, n),
                },
                targets=(Target(1.3, ENGINE, reference=_name(lengths[0])),) if n != lengths[0] else (),
                per=n,
                per_what="node",
                # the shortest chain again, in the same rounds: the target compares times taken together
                companions={_name(lengths[0]): (functools.partial(engine_setup, lengths[0]), lengths[0])}
                if n != lengths[0]
                else {},
            )
        )
    return rows
