"""to: a tensor converted to another dtype; and `type`, `float`, `double`, `long`, `int`, `bool`."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..device import device as device_type
from ..device import is_device
from ..function import Function
from ..registry import op
from ..tensor import Tensor


class Cast(Function):
    __slots__ = ("src",)

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.src = x.dtype
        return x.astype(dtype)

    @staticmethod
    def jvp(ctx, tx, _dtype):  # the identity, in the output's dtype
        return tx

    @staticmethod
    def backward(ctx, grad):  # the identity, in the source dtype
        return Cast.call(grad, ctx.src), None


def cast(x: Tensor, dtype: Any) -> Tensor:
    """`x` converted to `dtype`; the gradient flows back only between floating dtypes."""
    if x.dtype == dtype:
        return x
    if x._requires_grad and dtype.kind != "f":
        return Tensor._make(x._data.astype(dtype))
    return Cast.apply(x, dtype)


@op(export=False)
def to(x: Tensor, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False, **_: Any) -> Tensor:
    """This tensor in another dtype: `to(float64)`, `to("cpu")`, `to(other)` (its dtype), `to("cpu", float64)`.

    Itself when nothing changes (a copy with copy=True); another device than the CPU raises.
    """
    target = dtype
    for arg in args:
        if isinstance(arg, Tensor):
            target = arg.dtype
        elif is_device(arg):
            check_device(arg)
        else:
            target = arg
    if device is not None:
        check_device(device)
    out = x if target is None else cast(x, dtypes.to_dtype(target))
    return out.clone() if copy and out is x else out


def check_device(spec: Any) -> None:
    """Raise unless `spec` names the CPU."""
    device_type(spec)


@op(export=False, method="type")
def to_type(x: Tensor, dtype: Any) -> Tensor:
    """This tensor with another dtype."""
    return cast(x, dtypes.to_dtype(dtype))


@op(export=False, method="float")
def to_float(x: Tensor) -> Tensor:
    """As float32."""
    return cast(x, dtypes.float32)


@op(export=False, method="double")
def to_double(x: Tensor) -> Tensor:
    """As float64."""
    return cast(x, dtypes.float64)


@op(export=False, method="long")
def to_long(x: Tensor) -> Tensor:
    """As int64 (no gradient)."""
    return cast(x, dtypes.int64)


@op(export=False, method="int")
def to_int(x: Tensor) -> Tensor:
    """As int32 (no gradient)."""
    return cast(x, dtypes.int32)


@op(export=False, method="bool")
def to_bool(x: Tensor) -> Tensor:
    """As bool (no gradient)."""
    return cast(x, dtypes.bool)
