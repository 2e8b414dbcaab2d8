"""The extension API: what layers, optimisers and data loaders outside the engine use.

`nn` is written on these, and so can your own code; nothing outside `autograd/`
touches the engine's private fields.

- `wrap(array)`: a tensor around a NumPy array, without a copy (a change to either
  shows in both); `wrap(array, cls=MyTensor)` makes an instance of a Tensor subclass
  (how `nn.Parameter` is made). `autograd.from_numpy(array)` is the same for plain
  tensors, under PyTorch's name.
- `t.numpy(force=True)`: the array behind any tensor, also one that requires grad,
  without a copy.
- `arrays_with_gradients(tensors)`: the tensors that have a `.grad`, their arrays and
  their gradients' arrays (no copies), in one call: what an optimiser's step reads.
- `increment_version(t)`: after changing that array in place, tell the engine, so a
  backward pass that saved `t` raises instead of silently using the new values (as
  `torch.autograd.graph.increment_version`).
- `autograd.random.generator()`: the seeded NumPy generator behind every random
  function (`autograd.manual_seed` reseeds it), for initialisers and shuffling.

An optimiser's step, for example:

    >>> w = nn.Parameter(autograd.ones(3))
    >>> loss = (w * w).sum()
    >>> w.numpy(force=True)[...] -= 0.1 * 2       # the update, straight into w's memory
    >>> increment_version(w)
    >>> loss.backward()                           # RuntimeError: ... modified by an in-place operation
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from .tensor import Tensor, _ndarray

T = TypeVar("T", bound=Tensor)


def wrap(array: np.ndarray, requires_grad: bool = False, cls: type[T] = Tensor) -> T:  # type: ignore[assignment]
    """A leaf tensor (of class `cls`) holding `array` itself, not a copy."""
    if not isinstance(array, (np.ndarray, np.generic)):
        raise TypeError(f"wrap: expected a NumPy array, got {type(array).__name__}")
    t = object.__new__(cls)
    Tensor._init(t, array, False)
    if requires_grad:
        t.requires_grad = True  # checks that the dtype is floating
    return t


def increment_version(t: Any) -> None:
    """Record that `t`'s memory was changed in place (one tensor, or each of a sequence of them)."""
    Tensor._bump_versions((t,) if isinstance(t, Tensor) else t)


def arrays_with_gradients(tensors: Any) -> tuple[list[Tensor], list[np.ndarray], list[Any]]:
    """(the tensors that have a `.grad`, each one's array, each one's gradient array), no copies.

    Speed trick, one call for an optimiser's reads: `p.grad` and two `numpy(force=True)` per
    parameter cost a minibatch MLP step (six parameters) 7% of its bytecode.
    """
    with_grad, arrays, grads = [], [], []
    for t in tensors:
        g = t._grad
        if g is not None:
            with_grad.append(t)
            arrays.append(t._data if type(t._data) is _ndarray else t._array())
            grads.append(g._data)
    return with_grad, arrays, grads
