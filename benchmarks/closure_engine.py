"""How close any Python engine gets to NumPy by hand on the two-layer step: a bare-bones engine's floor.

The two-layer step of `two_layer_net` (64x1000 -> 100 -> 10, ReLU, sum of squares,
`w -= lr * w.grad`) on `Node` below, an autograd engine cut to the bone (micrograd's design on arrays: a
closure per node, a recursive topological sort, none of the engine's checks, promotion,
version counters, hooks or modes). It does the same NumPy calls as the hand-written
step, so its ratio to it is the cost of the least Python an engine can run per op
(about 800 bytecodes and 32 calls a step, against the engine's 3,400 and 66): the floor
under the engine's ratio on this machine. `python -m benchmarks --only two-layer` times it in
the same rounds as the row's contenders and prints it under the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import two_layer_net


class Node:
    """An array, its gradient, the nodes it was computed from, and how to pass a gradient back to them."""

    __slots__ = ("back", "data", "grad", "parents")

    def __init__(self, data: Any, parents: tuple[Node, ...] = (), wants_grad: bool = True) -> None:
        self.data = data
        self.grad: Any = None
        self.parents = parents
        self.back: Callable[[Any], None] | None = None if wants_grad else _ignore

    def take(self, g: Any) -> None:
        """Add a gradient reaching this node."""
        if self.back is not _ignore:
            self.grad = g if self.grad is None else self.grad + g

    def mm(self, other: Node) -> Node:
        """self @ other."""
        out = Node(self.data @ other.data, (self, other))

        def back(g: Any) -> None:
            other.take(self.data.T @ g)
            if self.back is not _ignore:
                self.take(g @ other.data.T)

        out.back = back
        return out

    def relu(self) -> Node:
        """max(self, 0)."""
        mask = self.data > 0
        out = Node(np.maximum(self.data, 0), (self,))
        out.back = lambda g: self.take(g * mask)
        return out

    def minus(self, other: Node) -> Node:
        """self - other (other takes no gradient)."""
        out = Node(self.data - other.data, (self,))
        out.back = self.take
        return out

    def square_sum(self) -> Node:
        """(self ** 2).sum()."""
        d = self.data
        out = Node(np.square(d).sum(), (self,))
        out.back = lambda g: self.take(2.0 * g * d)
        return out

    def backward(self) -> None:
        """Gradients of this one-element node into every node it was computed from."""
        order: list[Node] = []
        seen: set[int] = set()

        def visit(node: Node) -> None:
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = np.float32(1.0)
        for node in reversed(order):
            if node.back is not None and node.back is not _ignore and node.grad is not None:
                node.back(node.grad)


def _ignore(g: Any) -> None:
    """The `back` of a node that takes no gradient (the data)."""


def closure_step() -> Callable[[], Any]:
    """The two-layer step on `Node`, from the workload's data."""
    a = two_layer_net._arrays()
    x, y = Node(a["x"], wants_grad=False), Node(a["y"], wants_grad=False)
    w1, w2 = Node(a["w1"].copy()), Node(a["w2"].copy())
    rate = two_layer_net.LEARNING_RATE

    def step() -> Any:
        loss = x.mm(w1).relu().mm(w2).minus(y).square_sum()
        loss.backward()
        w1.data -= rate * w1.grad
        w2.data -= rate * w2.grad
        w1.grad = w2.grad = None
        return loss.data

    return step
