"""relu: max(x, 0); and its in-place form `x.relu_()`."""

from __future__ import annotations

from ..function import Function, apply_one_tensor
from ..inplace import apply_inplace
from ..registry import op
from ..tensor import Tensor, _ndarray
from .limits import at_least
from .tangents import scaled


class Relu(Function):
    __slots__ = ("mask",)

    @staticmethod
    def forward(ctx, x):
        out = at_least(x, 0)
        if ctx.needs_input_grad[0]:
            # x > 0, and True at NaN (which passes its gradient on, as PyTorch's): out != 0, which for an
            # array is astype(bool) (NumPy 2 compares with a Python 0 about 300 ns slower), for a scalar `!= 0`
            ctx.mask = out.astype(bool) if type(out) is _ndarray else out != 0
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(relu x) = [x > 0] dx (and 1 at NaN)
        return scaled(tx, ctx.output != 0)

    @staticmethod
    def backward(ctx, grad):  # d(relu x) = [x > 0] dx (and 1 at NaN)
        return grad * ctx.mask


@op()
def relu(x: Tensor) -> Tensor:
    """max(x, 0); the gradient at 0 is 0."""
    return apply_one_tensor(Relu, x)


@op(export=False)
def relu_(self: Tensor) -> Tensor:
    """ReLU in place."""
    return apply_inplace(self, "relu_", Relu.apply)
