"""What the fast engine's tricks buy: the reference engine against the fast one on the same programs.

    python -m benchmarks.reference_engine

Runs the tiny graph `c = a*b + a` with backward and the two-layer step's forward and
backward (64x1000 -> 100 -> 10, ReLU, sum of squares) on `autograd/reference.py` and on
the fast engine, interleaved, and prints medians and their ratio.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

import autograd
from autograd import reference
from autograd.ops.relu import Relu
from autograd.ops.sum import Sum

ROUNDS = 21


def tiny_graph_fast() -> None:
    """The tiny graph on the fast engine."""
    a = autograd.tensor(2.0, requires_grad=True)
    b = autograd.tensor(3.0, requires_grad=True)
    (a * b + a).backward()


def tiny_graph_reference() -> None:
    """The tiny graph on the reference engine."""
    a = reference.Tensor(2.0, requires_grad=True)
    b = reference.Tensor(3.0, requires_grad=True)
    (a * b + a).backward()


def two_layer_steps() -> tuple[Callable[[], None], Callable[[], None]]:
    """The two-layer forward and backward on each engine, from the same float32 data."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1000)).astype(np.float32)
    y = rng.standard_normal((64, 10)).astype(np.float32)
    w1 = (rng.standard_normal((1000, 100)) * 0.01).astype(np.float32)
    w2 = (rng.standard_normal((100, 10)) * 0.01).astype(np.float32)

    def fast() -> None:
        a, b = autograd.tensor(w1, requires_grad=True), autograd.tensor(w2, requires_grad=True)
        ((autograd.tensor(x) @ a).relu() @ b - autograd.tensor(y)).pow(2).sum().backward()

    def textbook() -> None:
        a, b = reference.Tensor(w1, requires_grad=True), reference.Tensor(w2, requires_grad=True)
        hidden = reference.apply(Relu, reference.Tensor(x) @ a)
        reference.apply(Sum, (hidden @ b - y) ** 2, None, False).backward()

    return fast, textbook


def seconds_per_call(step: Callable[[], None], calls: int) -> float:
    """Mean time of one call over `calls` calls."""
    start = time.perf_counter()
    for _ in range(calls):
        step()
    return (time.perf_counter() - start) / calls


def compare(name: str, fast: Callable[[], None], textbook: Callable[[], None], calls: int) -> str:
    """Interleaved rounds of both engines after a warm-up; one line with the medians and their ratio."""
    seconds_per_call(fast, calls)
    seconds_per_call(textbook, calls)
    fast_times, reference_times = [], []
    for _ in range(ROUNDS):
        fast_times.append(seconds_per_call(fast, calls))
        reference_times.append(seconds_per_call(textbook, calls))
    f, r = statistics.median(fast_times), statistics.median(reference_times)
    return f"{name:<11} fast {f * 1e6:8.1f} us   reference {r * 1e6:8.1f} us   reference/fast {r / f:.2f}x"


def main() -> None:
    """Print both comparisons."""
    print(compare("tiny-graph", tiny_graph_fast, tiny_graph_reference, 2000))
    print(compare("two-layer", *two_layer_steps(), 50))


if __name__ == "__main__":
    main()
