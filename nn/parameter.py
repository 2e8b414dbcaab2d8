"""`Parameter`: a tensor that a `Module` registers as one of its learnable weights.

>>> w = Parameter(autograd.randn(4, 2))
>>> w.requires_grad, isinstance(w, autograd.Tensor)
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extension import wrap


class Parameter(Tensor):
    """A leaf tensor that requires grad; assigning it to a `Module` attribute registers it.

    It shares memory with the tensor it is made from, as in PyTorch. Ops on a
    Parameter cost what they cost on a Tensor, and give plain Tensors.

    >>> nn.Parameter(autograd.randn(4, 2, requires_grad=True)).shape
    (4, 2)
    """

    __slots__ = ()

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            array = np.empty((0,), dtype=np.float32)
        elif isinstance(data, Tensor):
            array = data.numpy(force=True)  # the same memory, as in PyTorch
        else:
            array = np.asarray(data)
            if array.dtype == np.float64 and not isinstance(data, np.ndarray):
                array = array.astype(np.float32)  # Python floats become float32, as in autograd.tensor
        return wrap(array, requires_grad, cls)  # checks that a parameter requiring grad is floating

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        pass  # made by __new__

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        copy = Parameter(self.numpy(force=True).copy(), self.requires_grad)
        if self.grad is not None:
            copy.grad = wrap(self.grad.numpy(force=True).copy())
        memo[id(self)] = copy
        return copy
