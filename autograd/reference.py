"""The reference engine: reverse-mode automatic differentiation in one file. Read this first.

A `Tensor` holds a NumPy array in `.data`. An op on tensors that require a gradient
records a `Node`: which op ran, the inputs it took, and what its forward saved for
its backward. The ops are the `Function` classes in `autograd/ops/`, the very ones
the fast engine (`autograd.Tensor`) runs: each has a `forward` (arrays in, array
out) and a `backward` (the gradient of its output in, one gradient per input out).

`backward()` applies the chain rule over the recorded nodes: it sorts them so that
every node comes before the nodes that made its inputs, then visits them in that
order, once each, handing every node the sum of the gradients that reached its
output and passing what its backward returns on to the node that made each input.
A leaf (a tensor no op made) adds what reaches it into its `.grad`.

    >>> from autograd import reference
    >>> a = reference.Tensor(2.0, requires_grad=True)
    >>> b = reference.Tensor(3.0, requires_grad=True)
    >>> c = a * b + a        # 8
    >>> c.backward()
    >>> a.grad, b.grad       # dc/da = b + 1, dc/db = a
    (array(4.), array(2.))

This engine is the textbook and the oracle: the tests run every op through it and
through the fast engine and require the same values and gradients. It is not a
second API for training: no `no_grad`, no hooks, no gradients of gradients, no
in-place changes. The README ("How it is built") says what the fast engine does
differently, and what each difference buys.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops.add import Add
from .ops.div import Div
from .ops.matmul import MatMul
from .ops.mul import Mul
from .ops.neg import Neg
from .ops.pow import Pow, PowConstant
from .ops.sub import Sub


class Tensor:
    """An array, whether it needs a gradient, its gradient, and the node that made it."""

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        self.data = np.asarray(data)  # Python floats become float64 here (the fast engine: float32)
        self.requires_grad = requires_grad
        self.grad: np.ndarray | None = None  # d(root)/d(this tensor), filled in by backward()
        self.grad_fn: Node | None = None  # the node that made this tensor; None for a leaf
        self.output_nr = 0  # which of grad_fn's outputs this tensor is

    def __repr__(self) -> str:
        return f"Tensor({self.data!r}, requires_grad={self.requires_grad})"

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of `.data`."""
        return self.data.shape

    # Python's operators, each one op. A number on either side is a constant.
    def __add__(self, other: Any) -> Tensor:
        return apply(Add, self, other)

    def __radd__(self, other: Any) -> Tensor:
        return apply(Add, other, self)

    def __sub__(self, other: Any) -> Tensor:
        return apply(Sub, self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return apply(Sub, other, self)

    def __mul__(self, other: Any) -> Tensor:
        return apply(Mul, self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return apply(Mul, other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return apply(Div, self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return apply(Div, other, self)

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, Tensor):  # a ** b with b a tensor: b gets a gradient too
            return apply(Pow, self, exponent)
        return apply(PowConstant, self, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return apply(Pow, base, self)

    def __matmul__(self, other: Any) -> Tensor:
        return apply(MatMul, self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return apply(MatMul, other, self)

    def __neg__(self) -> Tensor:
        return apply(Neg, self)

    def backward(self, gradient: Any = None) -> None:
        """Add d(self)/d(leaf) into the `.grad` of every leaf this tensor was computed from."""
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward: pass gradient= for an output of shape {self.shape}")
            gradient = np.ones_like(self.data)
        gradient = np.asarray(gradient, dtype=self.data.dtype)
        if gradient.shape != self.shape:
            raise RuntimeError(f"backward: gradient of shape {gradient.shape} for an output of shape {self.shape}")
        if self.grad_fn is None:  # a leaf: d(self)/d(self) is the identity
            accumulate(self, gradient)
            return
        # grads[node][i]: the gradient reaching the node's output i, summed over all paths
        grads: dict[Node, dict[int, np.ndarray]] = {self.grad_fn: {self.output_nr: gradient}}
        for node in topological_order(self.grad_fn):
            received = grads.pop(node, {})
            output_grads = [received.get(i, np.zeros(shape, dtype)) for i, (shape, dtype) in enumerate(node.outputs)]
            input_grads = node.op.backward(node.ctx, *output_grads)  # the chain rule, one op at a time
            if not isinstance(input_grads, tuple):
                input_grads = (input_grads,)
            for x, g in zip(node.inputs, input_grads):
                if g is None or not isinstance(x, Tensor) or not x.requires_grad:
                    continue  # a constant, or an input that needs no gradient
                g = np.asarray(g)
                if x.grad_fn is None:
                    accumulate(x, g)  # a leaf: add it in
                else:  # made by an earlier node: hold it until that node runs
                    pending = grads.setdefault(x.grad_fn, {})
                    pending[x.output_nr] = pending[x.output_nr] + g if x.output_nr in pending else g


class Context:
    """What an op's `forward` leaves for its `backward`: the `ctx` argument of both.

    An op can also set attributes of its own on it (`ctx.shape = ...`).
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad  # one bool per input: does it need a gradient?
        self.saved_tensors: tuple[Any, ...] = ()

    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays (inputs or outputs) for backward."""
        self.saved_tensors = values


class Node:
    """One recorded op: the op class, its context, its inputs, and the shape and dtype of each output."""

    def __init__(self, op: Any, ctx: Context, inputs: tuple[Any, ...], outputs: list[np.ndarray]) -> None:
        self.op = op
        self.ctx = ctx
        self.inputs = inputs  # Tensors and constants, as forward took them
        self.outputs = [(out.shape, out.dtype) for out in outputs]  # for a zero gradient where none arrives

    def __repr__(self) -> str:
        return f"<{self.op.__name__}Backward>"

    def parents(self) -> list[Node]:
        """The nodes that made this node's inputs."""
        return [x.grad_fn for x in self.inputs if isinstance(x, Tensor) and x.grad_fn is not None]


def apply(op: Any, *inputs: Any) -> Any:
    """Run `op` (a `Function` subclass) on tensors and constants; record a node when a gradient is needed.

    Returns a Tensor, or a tuple of Tensors when forward returns a tuple.
    """
    needs_input_grad = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
    ctx = Context(needs_input_grad)
    result = op.forward(ctx, *[x.data if isinstance(x, Tensor) else x for x in inputs])
    outputs = [np.asarray(out) for out in (result if isinstance(result, tuple) else (result,))]
    node = Node(op, ctx, inputs, outputs) if any(needs_input_grad) else None
    tensors = []
    for i, out in enumerate(outputs):
        t = Tensor(out)
        if node is not None and out.dtype.kind == "f":  # integer outputs (indices) have no gradient
            t.requires_grad, t.grad_fn, t.output_nr = True, node, i
        tensors.append(t)
    return tuple(tensors) if isinstance(result, tuple) else tensors[0]


def topological_order(root: Node) -> list[Node]:
    """`root` and every node it depends on, each before the nodes that made its inputs.

    A depth-first walk without recursion: a node is appended once all the nodes behind
    its inputs are, and the list is reversed at the end.
    """
    order: list[Node] = []
    visited: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))  # comes back here after the nodes behind its inputs
        stack.extend((parent, False) for parent in node.parents() if parent not in visited)
    return order[::-1]


def accumulate(leaf: Tensor, gradient: np.ndarray) -> None:
    """Add `gradient` into a leaf's `.grad` (a new array: never a view of some other array)."""
    total = gradient if leaf.grad is None else leaf.grad + gradient
    leaf.grad = np.array(total, dtype=leaf.data.dtype)
