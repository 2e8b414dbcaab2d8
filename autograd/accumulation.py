"""How a gradient reaches a leaf: `accumulate_grad`, PyTorch's AccumulateGrad.

The first gradient a leaf gets becomes its `.grad`; later ones are added in
place (`+=`, never overwriting), so gradients accumulate across backward passes
until zeroed. A recorded pass (create_graph) adds out of place instead, so the
sum stays a node of the graph.

Speed trick, fresh gradients taken without a copy: when nothing but the engine
holds the first gradient array (a backward function just made it), the leaf
keeps it instead of a copy of it, which saves a full memory pass over every
weight's gradient (a fifth of the two-layer step's time when it was added).
"Nothing but the engine" is read from the array's reference count, calibrated
below by calling through the same steps the engine takes.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .state import RECORDED_PASS
from .tensor import Tensor, _ndarray

_make = Tensor._make
_new = object.__new__
_getrefcount = sys.getrefcount
_recorded_pass = RECORDED_PASS.get


def run_tensor_hooks(hooks: dict, grad: Any) -> Any:
    """Run tensor hooks on a gradient; a hook may return a replacement."""
    wrapped = grad if isinstance(grad, Tensor) else Tensor._make(grad)
    for hook in list(hooks.values()):
        result = hook(wrapped)
        if result is not None:
            wrapped = result if isinstance(result, Tensor) else Tensor._make(np.asarray(result))
    return wrapped if isinstance(grad, Tensor) else wrapped._data


def _refcount_in_callee(grad: Any) -> int:
    return sys.getrefcount(grad)


def _refcount_from_buffer() -> int:
    """sys.getrefcount of an array held only by the engine's gradient buffer (a list), seen from accumulate_grad."""
    grads = [np.empty(1)]
    return _refcount_in_callee(grads[0])


def _refcount_from_loop() -> int:
    """The same, for an array held only by a node's tuple of gradients while the engine loops over it."""
    outputs = (np.empty(1),)
    for _, g in zip(((None, 0),), outputs):  # as the engine's loop over (edges, gradients) holds it
        return _refcount_in_callee(g)
    raise AssertionError


OWNED_REFCOUNT = _refcount_from_buffer()
OWNED_REFCOUNT_IN_LOOP = _refcount_from_loop()


def accumulate_grad(variable: Tensor, grad: Any, owned_refcount: int = OWNED_REFCOUNT) -> None:
    """Add `grad` into `variable.grad`: the first one is stored (taken when fresh), later ones added."""
    if variable._hooks:
        grad = run_tensor_hooks(variable._hooks, grad)
    old = variable._grad
    if old is None:
        data = variable._data
        if (
            type(grad) is _ndarray
            and grad.base is None
            and _getrefcount(grad) <= owned_refcount
            and grad.shape == data.shape
            and grad.dtype is data.dtype  # (NumPy's own float32 is one object; another one goes the long way)
        ):  # a fresh first gradient nobody else holds: taken as it is, before the checks below
            t = _new(Tensor)  # Tensor._make(grad), without the call
            t._data = grad
            t._grad = t._hooks = t.grad_fn = None
            t._requires_grad = False
            t._output_nr = 0
            variable._grad = t
            return
    elif type(grad) is type(old._data) and not old._requires_grad:
        # Speed trick, a later gradient of the kind `.grad` holds is added at once, before the checks
        # a first or recorded one needs (tiny graph: 3 of these a step, 340 -> 150 ns each)
        data = old._data
        if type(data) is not _ndarray:  # a NumPy scalar, of the same type so the same dtype: rebind
            old._data = data + grad
            return
        if data.shape == grad.shape and not _recorded_pass():
            data += grad
            old._bump_version()  # an in-place change, as PyTorch's `grad += new`: a graph that saved it raises
            return
    if grad.shape != variable._data.shape:
        raise RuntimeError(
            f"backward: a gradient of shape {tuple(grad.shape)} reached a leaf of shape {variable.shape}"
        )
    dtype = variable._data.dtype
    if old is None:
        if type(grad) is _ndarray:  # not fresh (or of another dtype): a copy the leaf owns
            variable._grad = Tensor._make(np.array(grad, dtype=dtype))
        elif isinstance(grad, Tensor):  # a recorded pass: the gradient is a node of the graph
            variable._grad = grad if grad._requires_grad else Tensor._make(np.array(grad._data, dtype=dtype))
        else:  # a NumPy scalar (0-d result) is immutable: no copy needed
            variable._grad = Tensor._make(grad if grad.dtype == dtype else dtype.type(grad))
    elif old._requires_grad or isinstance(grad, Tensor):  # recorded: a new node, not an in-place change
        variable._grad = old + grad
    elif type(old._data) is not _ndarray:  # a scalar nobody shares memory with: rebind
        total = old._data + grad
        old._data = total if total.dtype == dtype else dtype.type(total)
    elif _recorded_pass():  # a recorded pass: out of place, as PyTorch, so an earlier .grad is kept
        variable._grad = old + grad
    else:
        array = old._data
        array += grad
        old._bump_version()
