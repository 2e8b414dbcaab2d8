"""What a node's forward saved for its backward: freeing it, and checking it was not changed in place.

`ctx.save_for_backward(a, out)` keeps arrays. Backward needs them as they were,
so every tensor counts its in-place changes, and reading a saved array whose
tensor changed after the node was made raises, as in PyTorch. To know which
tensor is behind a saved array, a node that saved one keeps its inputs tuple;
an output it saved is held weakly (`SavedOutput`): the output holds the node
(`grad_fn`), so a strong reference back would be a cycle.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from . import forward_ad
from .state import ForwardMode
from .tensor import Tensor

if TYPE_CHECKING:
    from .function import Function

FREED: tuple[()] = ()  # marks saved values released by a backward pass without retain_graph
_PYTHON_NUMBERS = (int, float, bool)


class SavedOutput:
    """An output its own node saved: held weakly, with its array to recognise it (and, in forward mode,
    its tangent and the level it belongs to, which outlive the output tensor itself)."""

    __slots__ = ("tensor", "array", "tangent")

    def __init__(self, t: Tensor) -> None:
        self.tensor = weakref.ref(t)
        self.array = t._data
        self.tangent: tuple[int, Any] | None = None  # (level, tangent)


def hold_saved_output(node: Function, t: Tensor) -> None:
    """If `t`'s array is among what `node` saved, remember `t` (weakly) as the tensor behind it."""
    data = t._data
    for v in node._saved:
        if v is data:
            node._saved_refs = (*node._saved_refs, SavedOutput(t))
            return


def tensor_saved_as(node: Function, value: Any) -> Any:
    """The input Tensor whose array `value` is, its `SavedOutput` when it is an output, or None."""
    if value is None or type(value) in _PYTHON_NUMBERS:
        return None
    for ref in node._saved_refs or ():
        if type(ref) is SavedOutput:
            if ref.array is value:
                return ref
        elif isinstance(ref, Tensor) and (ref._data is value or ref._held_scalar is value):
            return ref  # (a 0-d input saved as the scalar it held until something asked for its array)
    return None


def check_unchanged(node: Function, saved: tuple) -> None:
    """Raise when a saved input or output was changed in place after `node` was made."""
    for v in saved:
        ref = tensor_saved_as(node, v)
        t = ref.tensor() if type(ref) is SavedOutput else ref
        if t is not None and t._version_holder()._changed > node._seq:
            raise RuntimeError(
                f"{node.name()}: one of the tensors needed for gradient computation has been modified "
                f"by an in-place operation: a tensor of shape {tuple(t.shape)}, now at version "
                f"{t._version_holder()._version}, was changed after this node saved it. "
                "Use an out-of-place op, or .clone() it first."
            )


def as_graph_tensors(node: Function, saved: tuple) -> tuple:
    """What `node` saved as Tensors connected to the graph, for a backward pass that is recorded."""
    out = []
    for v in saved:
        t = tensor_saved_as(node, v)
        if t is None:
            out.append(Tensor._make(v) if isinstance(v, (np.ndarray, np.generic)) else v)
        elif type(t) is SavedOutput:  # an output of this very node
            wrapper = Tensor._make(v, True, node)
            if t.tangent is not None and t.tangent[0] == ForwardMode.level:  # forward over reverse (hvp)
                forward_ad.set_tangent(wrapper, t.tangent[1])
            out.append(wrapper)
        else:
            out.append(t)
    return tuple(out)


def freed_error(node: Function) -> RuntimeError:
    """The error for reading saved values a backward pass already freed."""
    return RuntimeError(
        f"{node.name()}: trying to backward through the graph a second time (or to read "
        "saved tensors after they were freed). Saved values are freed by .backward() and "
        "autograd.grad(); pass retain_graph=True to the first call to keep them."
    )
