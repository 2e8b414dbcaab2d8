"""Forward-mode differentiation, with PyTorch's names: `dual_level`, `make_dual`, `unpack_dual`.

A dual tensor carries a tangent beside its value. Every op applied to dual tensors computes its
output's tangent from its inputs' tangents with its forward-mode rule, the `jvp` written next to its
`forward` and `backward` (J v, where backward computes u^T J). One pass gives the derivative of every
output along one input direction: a Jacobian by columns, where reverse mode gives it by rows.

>>> with forward_ad.dual_level():
...     x = forward_ad.make_dual(tensor([1.0, 2.0]), tensor([1.0, 0.0]))
...     y = (x * x).sum()
...     forward_ad.unpack_dual(y).tangent      # d/dx0 of sum(x^2) = 2 x0 = 2
tensor(2.)

Tangents live as long as the level: when `dual_level()` exits, every tensor made dual in it is
an ordinary tensor again.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

from .state import ForwardMode
from .tensor import Tensor

_LEVELS = threading.Lock()
_LEVEL_IDS = itertools.count(1)  # each level gets a new number, so nothing outlives its level


class UnpackedDualTensor(NamedTuple):
    """A dual tensor's parts: `primal` (its value) and `tangent` (None where it has none)."""

    primal: Any
    tangent: Any


@contextmanager
def dual_level() -> Iterator[int]:
    """Open a forward-mode level (one at a time); tangents made inside are cleared when it closes."""
    with _LEVELS:
        if ForwardMode.level:
            raise RuntimeError("dual_level: a forward-mode level is already open; nested levels are not supported")
        ForwardMode.level, ForwardMode.duals = next(_LEVEL_IDS), []
    try:
        yield 0
    finally:
        for ref in ForwardMode.duals:
            t = ref()
            if t is not None:
                t.__dict__.pop("_tangent", None)
        with _LEVELS:
            ForwardMode.level, ForwardMode.duals = 0, []


def _check_level(name: str) -> None:
    if not ForwardMode.level:
        raise RuntimeError(f"{name}: forward mode needs an open level: use it inside `with forward_ad.dual_level():`")


def make_dual(tensor: Tensor, tangent: Any, level: int | None = None) -> Tensor:
    """A tensor with `tensor`'s value (a view: gradients flow back to it) carrying `tangent`."""
    _check_level("make_dual")
    if not isinstance(tensor, Tensor):
        raise TypeError(f"make_dual: expected a Tensor as primal, got {type(tensor).__name__}")
    if tensor.dtype.kind != "f":
        raise TypeError(f"make_dual: the primal must be floating point, got {tensor.dtype}")
    t = tangent._data if isinstance(tangent, Tensor) else np.asarray(tangent)
    if t.shape != tensor.shape:
        raise ValueError(
            f"make_dual: the tangent has shape {tuple(t.shape)} but the primal has shape {tuple(tensor.shape)}; "
            "they must be the same"
        )
    dual = tensor.view_as(tensor) if tensor.requires_grad else Tensor._make(tensor._data)
    set_tangent(dual, np.array(t, dtype=tensor._data.dtype))
    return dual


def unpack_dual(tensor: Tensor, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of a dual tensor; the tangent is None for a tensor that has none."""
    tangent = tangent_of(tensor)
    return UnpackedDualTensor(tensor, None if tangent is None else Tensor._make(tangent))


def tangent_of(t: Any) -> Any:
    """The tangent array a tensor carries at the open level, or None."""
    return t.__dict__.get("_tangent") if isinstance(t, Tensor) else None


def set_tangent(t: Tensor, tangent: np.ndarray) -> None:
    """Give `t` a tangent for the rest of the level."""
    t.__dict__["_tangent"] = tangent
    ForwardMode.duals.append(weakref.ref(t))


def attach_tangents(node: Any, args: tuple, out: Any, outputs: tuple) -> None:
    """After an op ran inside a level: its outputs' tangents from its inputs', by the op's `jvp`."""
    tangents = [tangent_of(a) for a in args]
    if all(t is None for t in tangents):
        return
    node.primals = tuple(a._data if isinstance(a, Tensor) else a for a in args)
    node.output = out
    cls = type(node)
    saved_for_forward = getattr(node, "_saved_for_forward", None)
    if saved_for_forward is None:
        result = cls.jvp(node, *tangents)
    else:  # a custom Function reads them as ctx.saved_tensors, for its jvp only
        kept = node._saved, node._saved_refs
        node._saved, node._saved_refs = saved_for_forward, None
        try:
            result = cls.jvp(node, *tangents)
        finally:
            node._saved, node._saved_refs = kept
    results = result if isinstance(result, tuple) else (result,)
    for t, r in zip(outputs, results):
        if r is None or t._data.dtype.kind != "f":
            continue
        r = r._data if isinstance(r, Tensor) else r
        tangent = np.broadcast_to(np.asarray(r, dtype=t._data.dtype), np.shape(t._data)).copy()
        set_tangent(t, tangent)
        _keep_with_saved_output(node, t, tangent)


def _keep_with_saved_output(node: Any, t: Tensor, tangent: np.ndarray) -> None:
    """When the node saved this output for its backward, keep the tangent with it too: a backward
    recorded inside the level (hvp, forward over reverse) reads it after the output tensor is gone."""
    from .saved_tensors import SavedOutput

    for ref in node._saved_refs or ():
        if type(ref) is SavedOutput and ref.array is t._data:
            ref.tangent = (ForwardMode.level, tangent)


def carrying_tangent(t: Tensor) -> Tensor:
    """A tensor on t's memory with t's tangent: the input of an in-place op's out-of-place twin."""
    twin = Tensor._make(t._data)
    tangent = tangent_of(t)
    if tangent is not None:
        set_tangent(twin, tangent)
    return twin


def take_tangent(t: Tensor, result: Tensor) -> None:
    """After an in-place change computed as `result`: t's tangent is result's (none if it has none)."""
    tangent = tangent_of(result)
    if tangent is None:
        t.__dict__.pop("_tangent", None)
    else:
        set_tangent(t, tangent)
