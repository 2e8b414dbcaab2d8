"""Where a kernel sits as it slides over an image (`SlidingWindows`), and reading the arguments that say so.

Shared by `conv2d` and the pooling ops: kernel size, stride, padding and dilation,
each an int or a pair, checked against an (N, C, H, W) or (C, H, W) input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DtypeError, ShapeError
from ..tensor import Tensor

IntPair = int | tuple[int, int]


class SlidingWindows:
    """Where a kernel sits as it slides over an image: sizes, stride, padding, dilation.

    Kernel position (i, j) of every window together reads the strided slab
    `padded[..., rows(i), cols(j)]`, of the output's spatial size.
    """

    __slots__ = ("size", "kernel", "stride", "padding", "dilation", "out_size", "padded_size", "disjoint")

    def __init__(
        self,
        size: tuple[int, int],
        kernel: tuple[int, int],
        stride: tuple[int, int],
        padding: tuple[int, int, int, int],
        dilation: tuple[int, int] = (1, 1),
    ) -> None:
        self.size, self.kernel, self.stride, self.padding, self.dilation = size, kernel, stride, padding, dilation
        top, bottom, left, right = padding
        self.padded_size = (size[0] + top + bottom, size[1] + left + right)
        extent = self.extent
        self.out_size = tuple((p - e) // s + 1 for p, e, s in zip(self.padded_size, extent, stride))
        # windows that never share a pixel: a scatter can assign instead of add
        self.disjoint = stride[0] >= extent[0] and stride[1] >= extent[1]

    @property
    def extent(self) -> tuple[int, int]:
        """The kernel's span on the image, dilation included."""
        return (self.dilation[0] * (self.kernel[0] - 1) + 1, self.dilation[1] * (self.kernel[1] - 1) + 1)

    @property
    def positions(self) -> list[tuple[int, int]]:
        """The kernel positions (i, j) in row-major order."""
        return [(i, j) for i in range(self.kernel[0]) for j in range(self.kernel[1])]

    def rows(self, i: int) -> slice:
        """The padded image's rows that kernel row i reads, one per output row."""
        start = i * self.dilation[0]
        return slice(start, start + self.stride[0] * (self.out_size[0] - 1) + 1, self.stride[0])

    def cols(self, j: int) -> slice:
        """The padded image's columns that kernel column j reads, one per output column."""
        start = j * self.dilation[1]
        return slice(start, start + self.stride[1] * (self.out_size[1] - 1) + 1, self.stride[1])

    def interior(self) -> tuple[slice, slice]:
        """The unpadded image inside the padded one."""
        top, _, left, _ = self.padding
        return slice(top, top + self.size[0]), slice(left, left + self.size[1])

    def pad(self, x: np.ndarray, value: float) -> np.ndarray:
        """`x` (N, C, H, W) padded with `value` (returned unchanged without padding)."""
        if not any(self.padding):
            return x
        out = np.full(x.shape[:2] + self.padded_size, value, dtype=x.dtype)
        out[(...,) + self.interior()] = x
        return out


def int_pair(value: Any, name: str, op: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, each at least `minimum`, as a pair."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value!r}")
    return pair


def image_batch(x: Any, op: str) -> tuple[Tensor, bool]:
    """`x` (a Tensor, or an array made one) as (N, C, H, W), and whether it came without the batch dimension."""
    if not isinstance(x, Tensor):
        x = Tensor._make(np.asarray(x))
    if x.ndim not in (3, 4):
        raise ShapeError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise DtypeError(f"{op}: expected a floating-point input, got {x.dtype}")
    if x.ndim == 3:
        return x.reshape((1,) + tuple(x.shape)), True
    return x, False


def windows_for(
    op: str, x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], padding: Any, dilation: tuple[int, int]
) -> SlidingWindows:
    """The window geometry, or an error naming the op when the kernel does not fit the padded image."""
    win = SlidingWindows(tuple(x.shape[2:]), kernel, stride, padding, dilation)  # type: ignore[arg-type]
    if win.extent[0] > win.padded_size[0] or win.extent[1] > win.padded_size[1]:
        raise ShapeError(
            f"{op}: the kernel {kernel} (spanning {win.extent} with dilation {dilation}) is larger than the "
            f"padded input {win.padded_size} (input shape {tuple(x.shape)}, padding {_padding_text(padding)})"
        )
    return win


def _padding_text(padding: tuple[int, int, int, int]) -> str:
    top, bottom, left, right = padding
    return (
        f"({top}, {left})"
        if (top, left) == (bottom, right)
        else f"(top {top}, bottom {bottom}, left {left}, right {right})"
    )
