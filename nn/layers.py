"""Layers: `Linear`, `Conv2d`, `MaxPool2d`, `AvgPool2d`, `Flatten`, `Dropout`, `Identity`.

>>> layer = nn.Linear(2, 3, bias=False)
>>> layer.weight.shape
(3, 2)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import functional as F  # noqa: N812 - the name PyTorch code uses
from . import init
from .module import Module
from .parameter import Parameter


def _positive_int(layer: str, name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")
    return int(value)


def _pair(layer: str, name: str, value: Any, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, as a pair (what PyTorch's layers store)."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair):
        raise TypeError(f"{layer}: {name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{layer}: {name} must be at least {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _default_init(weight: Parameter, bias: Parameter | None, fan_in: int) -> None:
    """PyTorch's default for Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) weights, bias U(±1/sqrt(fan_in))."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        bound = 1.0 / math.sqrt(fan_in)
        init.uniform_(bias, -bound, bound)


class Linear(Module):
    """y = x @ weight.T + bias, with `weight` of shape (out_features, in_features).

    Initialised as PyTorch does: weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features))
    (`kaiming_uniform_` with a = sqrt(5) for the weight).

    >>> nn.Linear(20, 30)(autograd.randn(128, 20)).shape
    (128, 30)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.in_features = _positive_int("Linear", "in_features", in_features)
        self.out_features = _positive_int("Linear", "out_features", out_features)
        self.weight = Parameter(autograd.empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias: Parameter | None = Parameter(autograd.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights (and bias) with PyTorch's default initialisation."""
        _default_init(self.weight, self.bias, fan_in=self.in_features)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """x @ weight.T + bias over the last dimension of `input` (any leading dimensions)."""
        return autograd.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        """`in_features=2, out_features=3, bias=True`."""
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class _Convolution(Module):
    """What Conv2d and ConvTranspose2d share: channel checks, kernels, PyTorch's initialisation and repr."""

    in_channels: int
    out_channels: int
    groups: int
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    weight: Parameter
    bias: Parameter | None
    repr_options: tuple[tuple[str, Any], ...] = ()  # (option, default): shown in the repr when not the default

    def _set_channels(self, name: str, in_channels: int, out_channels: int, groups: int) -> None:
        self.in_channels = _positive_int(name, "in_channels", in_channels)
        self.out_channels = _positive_int(name, "out_channels", out_channels)
        self.groups = _positive_int(name, "groups", groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must both be divisible "
                f"by groups ({groups})"
            )

    def _add_kernels(self, weight_shape: tuple[int, ...], bias: bool, dtype: Any) -> None:
        self.weight = Parameter(autograd.empty(*weight_shape, dtype=dtype))
        if bias:
            self.bias = Parameter(autograd.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new kernels (and bias) with PyTorch's default initialisation (fan_in from the weight's
        second dimension times the kernel's area, as PyTorch computes it for both layers)."""
        fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
        _default_init(self.weight, self.bias, fan_in)

    def extra_repr(self) -> str:
        """`1, 6, kernel_size=(5, 5), stride=(1, 1)` and the options that differ from their defaults."""
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        for option, default in self.repr_options:
            if getattr(self, option) != default:
                text += f", {option}={getattr(self, option)}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_Convolution):
    """2-D convolution (cross-correlation) of (N, C_in, H, W) images with learnable kernels.

    `weight` has shape (out_channels, in_channels / groups, kH, kW), `bias` (out_channels,);
    both initialised as PyTorch does (U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in/groups * kH * kW).

    >>> nn.Conv2d(1, 6, 5)(autograd.randn(1, 1, 32, 32)).shape
    (1, 6, 28, 28)
    """

    repr_options = (("padding", (0, 0)), ("dilation", (1, 1)))

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self._set_channels("Conv2d", in_channels, out_channels, groups)
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(
                f"padding_mode must be one of 'zeros', 'reflect', 'replicate' or 'circular', got {padding_mode!r}"
            )
        self.padding_mode = padding_mode
        self.kernel_size = _pair("Conv2d", "kernel_size", kernel_size, 1)
        self.stride = _pair("Conv2d", "stride", stride, 1)
        self.dilation = _pair("Conv2d", "dilation", dilation, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(f"Conv2d: padding='same' needs stride 1, got stride {stride!r}")
            self.padding: tuple[int, int] | str = padding
        else:
            self.padding = _pair("Conv2d", "padding", padding, 0)
        self._add_kernels((out_channels, in_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Convolve (N, C_in, H, W) (or unbatched (C_in, H, W)) images: (N, C_out, H_out, W_out)."""
        if self.padding_mode != "zeros" and isinstance(self.padding, tuple):  # pad from the image, then convolve
            ph, pw = self.padding
            padded = F.pad(input, (pw, pw, ph, ph), mode=self.padding_mode)
            return F.conv2d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(_Convolution):
    """Transposed 2-D convolution (the gradient of a convolution with respect to its input), as PyTorch's.

    `weight` has shape (in_channels, out_channels / groups, kH, kW), `bias` (out_channels,); initialised as
    PyTorch does (fan_in = out_channels / groups * kH * kW). Each output side is
    (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1.

    >>> nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)(autograd.randn(1, 16, 7, 7)).shape
    (1, 8, 14, 14)
    """

    repr_options = (("padding", (0, 0)), ("dilation", (1, 1)), ("output_padding", (0, 0)))

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        output_padding: int | tuple[int, int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, int] = 1,
        padding_mode: str = "zeros",
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = "ConvTranspose2d"
        self._set_channels(name, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode 'zeros' is supported (as PyTorch), got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.kernel_size = _pair(name, "kernel_size", kernel_size, 1)
        self.stride = _pair(name, "stride", stride, 1)
        self.padding = _pair(name, "padding", padding, 0)
        self.output_padding = _pair(name, "output_padding", output_padding, 0)
        self.dilation = _pair(name, "dilation", dilation, 1)
        self._add_kernels((in_channels, out_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:  # noqa: A002
        """(N, C_in, H, W) to (N, C_out, H_out, W_out); `output_size` picks the output_padding that gives it."""
        output_padding = self.output_padding
        if output_size is not None:
            wanted = tuple(output_size)[-2:]
            smallest = [
                (n - 1) * s - 2 * p + d * (k - 1) + 1
                for n, s, p, d, k in zip(input.shape[-2:], self.stride, self.padding, self.dilation, self.kernel_size)
            ]
            output_padding = (wanted[0] - smallest[0], wanted[1] - smallest[1])
        return F.conv_transpose2d(
            input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups, self.dilation
        )


class _Pool2d(Module):
    """What the pooling layers share: window geometry, checks and repr; `pool` is the function form."""

    pool: Any

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        _pair(name, "kernel_size", kernel_size, 1)
        if stride is not None:
            _pair(name, "stride", stride, 1)
        _pair(name, "padding", padding, 0)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Pool each window of (N, C, H, W) images."""
        return type(self).pool(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        """`kernel_size=2, stride=2, padding=0`."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum over each kernel_size window of (N, C, H, W) images; stride defaults to kernel_size."""

    pool = staticmethod(F.max_pool2d)

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__(kernel_size, stride, padding)
        self.dilation, self.return_indices, self.ceil_mode = dilation, return_indices, ceil_mode

    def forward(self, input: Tensor) -> Any:  # noqa: A002
        """Pool each window (and return the maxima's indices too with return_indices)."""
        return F.max_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )

    def extra_repr(self) -> str:
        """`kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False`."""
        return f"{super().extra_repr()}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class AvgPool2d(_Pool2d):
    """The mean over each kernel_size window of (N, C, H, W) images (padding counts); stride defaults to kernel_size."""

    pool = staticmethod(F.avg_pool2d)

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Average each window, with the divisor the options choose."""
        return F.avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )


class Flatten(Module):
    """Merge dimensions start_dim..end_dim into one; by default all but the batch dimension."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """`input.flatten(start_dim, end_dim)`."""
        return autograd.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """`start_dim=1, end_dim=-1`."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """In training mode, zero each element with probability p and scale the rest by 1/(1-p); identity in eval mode.

    The masks come from the generator `autograd.manual_seed` seeds.
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability has to be between 0 and 1, but got {p!r}")
        self.p = float(p)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Drop (training) or pass through (eval)."""
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        """`p=0.5`."""
        return f"p={self.p}"


class Identity(Module):
    """Returns its input unchanged (a placeholder layer); any constructor arguments are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:  # noqa: A002
        """`input` itself."""
        return input


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size`: the inverse of Flatten."""

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """input with dim split into unflattened_size."""
        d = self.dim % input.ndim
        return input.reshape(*input.shape[:d], *self.unflattened_size, *input.shape[d + 1 :])

    def extra_repr(self) -> str:
        """`dim=1, unflattened_size=(2, 5)`."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout2d(Module):
    """Zero whole channels with probability p when training (scaling the rest by 1/(1-p))."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """dropout2d when training, the identity in eval."""
        from .functional import dropout2d

        return dropout2d(input, self.p, self.training)

    def extra_repr(self) -> str:
        """`p=0.5, inplace=False`."""
        return f"p={self.p}, inplace=False"


class Conv1d(Module):
    """1-D convolution of (N, C_in, L) sequences; weight (out_channels, in_channels / groups, kernel_size)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int | str = 0,
        dilation: int = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if in_channels % groups or out_channels % groups:
            raise ValueError("Conv1d: in_channels and out_channels must be divisible by groups")
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, (kernel_size,)
        self.stride, self.padding, self.dilation, self.groups = (stride,), padding, (dilation,), groups
        self.weight = Parameter(autograd.empty(out_channels, in_channels // groups, kernel_size))
        if bias:
            self.bias: Parameter | None = Parameter(autograd.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        _default_init(self.weight, self.bias, (in_channels // groups) * kernel_size)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """(N, C_in, L) -> (N, C_out, L_out)."""
        return F.conv1d(input, self.weight, self.bias, self.stride[0], self.padding, self.dilation[0], self.groups)

    def extra_repr(self) -> str:
        """`4, 8, kernel_size=(3,), stride=(1,)`."""
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        return text + (
            f", padding={(self.padding,) if isinstance(self.padding, int) else self.padding}" if self.padding else ""
        )


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (H_out, W_out), with PyTorch's bins."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """(N, C, H, W) -> (N, C, H_out, W_out)."""
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        """`output_size=(1, 1)`."""
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Nearest-neighbour upsampling by `scale_factor` or to `size`."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest") -> None:
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """F.interpolate."""
        return F.interpolate(input, self.size, self.scale_factor, self.mode)

    def extra_repr(self) -> str:
        """`scale_factor=2.0, mode='nearest'`."""
        what = f"size={self.size}" if self.size is not None else f"scale_factor={float(self.scale_factor)}"
        return f"{what}, mode='{self.mode}'"
