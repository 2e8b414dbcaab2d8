"""conv_transpose2d: the transposed convolution, which is conv2d's gradient with respect to its input.

No new Function: `Conv2dInputGrad` (autograd/ops/conv2d.py) is this op, and its backward
(a convolution and a weight gradient) differentiates it to any order.
"""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..registry import op
from ..tensor import Tensor
from .conv2d import Conv2dInputGrad, _as_tensor
from .pad import pad
from .sliding_windows import IntPair, SlidingWindows, image_batch, int_pair


@op(method=False)  # no Tensor method, as in PyTorch
def conv_transpose2d(
    input: Any,  # noqa: A002 - PyTorch's argument name
    weight: Any,
    bias: Any = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    groups: int = 1,
    dilation: IntPair = 1,
) -> Tensor:
    """Transposed 2-D convolution of (N, C_in, H, W) with (C_in, C_out/groups, kH, kW) kernels, as in PyTorch.

    H_out = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1.

    >>> conv_transpose2d(randn(8, 4, 7, 7), randn(4, 2, 4, 4), stride=2, padding=1).shape
    (8, 2, 14, 14)
    """
    name = "conv_transpose2d"
    x4, unbatched = image_batch(input, name)
    w = _as_tensor(weight)
    if w.ndim != 4 or w.shape[0] != x4.shape[1]:
        raise ShapeError(
            f"{name}: expected a 4-D weight (C_in={x4.shape[1]}, C_out/groups, kH, kW), got shape {tuple(w.shape)}"
        )
    if not isinstance(groups, int) or groups < 1 or x4.shape[1] % groups:
        raise ValueError(f"{name}: groups must be a positive int dividing the {x4.shape[1]} input channels")
    stride_hw, dilation_hw = int_pair(stride, "stride", name, 1), int_pair(dilation, "dilation", name, 1)
    (ph, pw), extra = int_pair(padding, "padding", name, 0), int_pair(output_padding, "output_padding", name, 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride_hw, dilation_hw)):
        raise ValueError(f"{name}: output_padding {extra} must be smaller than the stride or the dilation")
    kernel = (int(w.shape[2]), int(w.shape[3]))
    size = [
        (n - 1) * s - 2 * p + d * (k - 1) + e + 1
        for n, s, p, d, k, e in zip(x4.shape[2:], stride_hw, (ph, pw), dilation_hw, kernel, extra)
    ]
    if min(size) < 1:
        raise ShapeError(f"{name}: the output would be {tuple(size)} for input shape {tuple(x4.shape)}")
    # The conv2d this is the input gradient of: its image is the output, padded by `padding` on each side but
    # by padding - output_padding at the bottom and right (output_padding beyond padding: zero rows appended).
    bottom, right = ph - extra[0], pw - extra[1]
    computed = (size[0] + min(bottom, 0), size[1] + min(right, 0))
    win = SlidingWindows(computed, kernel, stride_hw, (ph, max(bottom, 0), pw, max(right, 0)), dilation_hw)
    out = Conv2dInputGrad.apply(x4, w, win, groups, (x4.shape[0], w.shape[1] * groups) + computed)
    if min(bottom, right) < 0:
        out = pad(out, (0, max(-right, 0), 0, max(-bottom, 0)))
    if bias is not None:
        out = out + _as_tensor(bias).reshape(1, -1, 1, 1)
    return out.reshape(tuple(out.shape[1:])) if unbatched else out
