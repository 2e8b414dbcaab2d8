"""Where a tiny graph's time goes: `c = a*b + a; c.backward()` taken apart, each part timed on its own.

    python -m benchmarks.anatomy            # this tree
    PYTHONPATH=/path/to/other/tree python -m benchmarks.anatomy   # another version, to compare

Each part is timed alone (the best of several repeats of many calls, so a shared machine's noise
mostly drops out) and given in nanoseconds per step of the tiny graph; "the rest" of the forward
and of the backward is what the whole takes beyond its timed parts: the operator call and type
promotion, reading the inputs and writing the edges, the backward pass's start, its ready queue
and the dispatch to each node. micrograd's step is timed the same way when it is installed.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd.accumulation import accumulate_grad
from autograd.ops.add import Add
from autograd.ops.mul import Mul
from autograd.tensor import Tensor


def nanoseconds(fn: Callable[[], Any], number: int = 20000, repeat: int = 7) -> float:
    """The best time of one call to `fn`, in nanoseconds, less the cost of calling an empty function."""
    best = min(timeit.repeat(fn, number=number, repeat=repeat)) / number
    empty = min(timeit.repeat(lambda: None, number=number, repeat=repeat)) / number
    return max(best - empty, 0.0) * 1e9


def engine_parts() -> dict[str, float]:
    """The engine's step and its parts, in nanoseconds per step."""
    a = autograd.tensor(2.0, requires_grad=True)
    b = autograd.tensor(3.0, requires_grad=True)
    product = a * b
    c = product + a
    mul_node, add_node = product.grad_fn, c.grad_fn
    x, y, g = np.float32(2.0), np.float32(3.0), np.float32(1.0)  # 0-d results are held as NumPy scalars

    def step() -> None:
        (a * b + a).backward()

    def forward() -> None:
        a * b + a

    def op_math() -> None:
        Mul.forward(mul_node, x, y)
        Add.forward(add_node, x, y)

    def allocation() -> None:  # the objects only; setting their fields is in "the rest"
        object.__new__(Mul)
        object.__new__(Tensor)
        object.__new__(Add)
        object.__new__(Tensor)

    def backward_math() -> None:
        Mul.backward(mul_node, g)
        Add.backward(add_node, g)

    def leaf_accumulation() -> None:
        accumulate_grad(a, g)
        accumulate_grad(a, g)
        accumulate_grad(b, g)

    parts = {"whole step": nanoseconds(step), "forward": nanoseconds(forward)}
    parts["backward"] = nanoseconds(lambda: c.backward(retain_graph=True))
    parts["forward: ops' forward (NumPy, saving)"] = nanoseconds(op_math)
    parts["forward: allocating the nodes and Tensors"] = nanoseconds(allocation)
    with autograd.no_grad():  # as inside a backward pass: the ops' backward on arrays
        parts["backward: ops' backward (NumPy)"] = nanoseconds(backward_math)
        parts["backward: leaf accumulation"] = nanoseconds(leaf_accumulation)
    parts["forward: the rest (operator, promotion, inputs, edges, fields)"] = parts["forward"] - sum(
        v for k, v in parts.items() if k.startswith("forward:")
    )
    parts["backward: the rest (start, ready queue, dispatch)"] = parts["backward"] - sum(
        v for k, v in parts.items() if k.startswith("backward:")
    )
    return parts


def micrograd_step() -> float | None:
    """micrograd's time for the same step, or None when it is not installed."""
    try:
        from micrograd.engine import Value
    except ImportError:
        return None
    a, b = Value(2.0), Value(3.0)
    return nanoseconds(lambda: (a * b + a).backward())


def main() -> None:
    """Print the parts as a table."""
    parts = engine_parts()
    order = ["whole step", "forward"] + sorted(k for k in parts if k.startswith("forward:"))
    order += ["backward"] + sorted(k for k in parts if k.startswith("backward:"))
    print(f"tiny graph c = a*b + a; c.backward(), ns per step ({autograd.__file__})")
    for key in order:
        print(f"  {key:64} {parts[key]:8.0f}")
    theirs = micrograd_step()
    if theirs is not None:
        print(
            f"  {'micrograd, the same step':64} {theirs:8.0f}   (engine / micrograd: {parts['whole step'] / theirs:.2f}x)"
        )


if __name__ == "__main__":
    main()
