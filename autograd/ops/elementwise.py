"""Elementwise ops, broadcasting as NumPy does; each gradient is reduced to its input's shape.

Every backward uses only what NumPy arrays and Tensors share (operators,
`.sum`, `.reshape`) or another op's `call`, so it runs on arrays normally and
is recorded on Tensors under `create_graph=True`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import DtypeError
from ..function import Function
from ..tensor import Tensor
from .broadcast import unbroadcast


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if hasattr(x, "shape") else ()


class Add(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        need_a, need_b = ctx.needs_input_grad  # only inputs that need a gradient are Tensors with a shape
        ctx.a_shape = a.shape if need_a else None
        ctx.b_shape = b.shape if need_b else None
        return a + b

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(a+b) = da + db
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.a_shape) if need_a else None,
            unbroadcast(grad, ctx.b_shape) if need_b else None,
        )


class Sub(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        need_a, need_b = ctx.needs_input_grad  # only inputs that need a gradient are Tensors with a shape
        ctx.a_shape = a.shape if need_a else None
        ctx.b_shape = b.shape if need_b else None
        return a - b

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(a-b) = da - db
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.a_shape) if need_a else None,
            unbroadcast(-grad, ctx.b_shape) if need_b else None,
        )


class Mul(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        need_a, need_b = ctx.needs_input_grad
        if need_a or need_b:
            ctx.a_shape = a.shape if need_a else None
            ctx.b_shape = b.shape if need_b else None
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(ab) = b da + a db
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad * b, ctx.a_shape) if need_a else None,
            unbroadcast(grad * a, ctx.b_shape) if need_b else None,
        )


class Div(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        need_a, need_b = ctx.needs_input_grad
        if need_a or need_b:
            ctx.a_shape = a.shape if need_a else None
            ctx.b_shape = b.shape if need_b else None
            ctx.save_for_backward(a if need_b else None, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(a/b) = da / b - a db / b^2
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, ctx.a_shape) if need_a else None,
            unbroadcast(-grad * a / (b * b), ctx.b_shape) if need_b else None,
        )


class PowConstant(Function):
    """x ** p for a constant exponent p."""

    __slots__ = ("p", "x_shape")

    @staticmethod
    def forward(ctx, x, p):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        ctx.p = p
        ctx.x_shape = _shape(x)
        return x**p

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(x^p) = p x^(p-1) dx, and 0 where p = 0
        (x,) = ctx.saved_tensors
        p = ctx.p
        if isinstance(p, np.ndarray):  # the array of a tensor exponent without grad: may broadcast x
            slope = p * x ** (np.where(p == 0, 1, p) - 1)  # p = 0 gives 0 * x^0, not 0 * 0^-1 = nan
            return unbroadcast(grad * slope, ctx.x_shape), None
        if p == 2:
            return grad * (2 * x), None
        if p == 0:
            return grad * 0, None
        return grad * (p * x ** (p - 1)), None


class Pow(Function):
    """a ** b where the exponent is a tensor."""

    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        out = a**b
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(a^b) = b a^(b-1) da + a^b ln(a) db
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(grad * b * a ** (b - 1), ctx.a_shape) if need_a else None
        gb = None
        if need_b:
            log_a = Log.call(Where.call(a > 0, a, 1.0))  # 0 ** b contributes nothing to db
            gb = unbroadcast(grad * out * log_a, ctx.b_shape)
        return ga, gb


class Neg(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        return -x

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(-x) = -dx
        return -grad


class Abs(Function):
    __slots__ = ("sign",)

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.sign = np.sign(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d|x| = sign(x) dx
        return grad * ctx.sign


class Exp(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(e^x) = e^x dx
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(ln x) = dx / x
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(sqrt x) = dx / (2 sqrt x)
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Sin(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(sin x) = cos x dx
        (x,) = ctx.saved_tensors
        return grad * Cos.call(x)


class Cos(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(cos x) = -sin x dx
        (x,) = ctx.saved_tensors
        return -grad * Sin.call(x)


class Tanh(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(tanh x) = (1 - tanh^2 x) dx
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        e = np.exp(-np.abs(x))  # never overflows: e in (0, 1]
        out = np.where(x >= 0, 1, e) / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(s(x)) = s(x) (1 - s(x)) dx
        (out,) = ctx.saved_tensors
        return grad * (out * (1 - out))


class Relu(Function):
    __slots__ = ("mask",)

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        if ctx.needs_input_grad[0]:
            ctx.mask = x > 0
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(relu x) = [x > 0] dx
        return grad * ctx.mask


class Clamp(Function):
    __slots__ = ("mask",)

    @staticmethod
    def forward(ctx, x, lo, hi):  # type: ignore[no-untyped-def]
        if ctx.needs_input_grad[0]:  # where the gradient passes
            if hi is None:
                ctx.mask = x >= lo
            elif lo is None:
                ctx.mask = x <= hi
            else:
                ctx.mask = (x >= lo) & (x <= hi)
        if hi is None:
            return np.maximum(x, lo)
        if lo is None:
            return np.minimum(x, hi)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(clamp x) = [lo <= x <= hi] dx
        return grad * ctx.mask, None, None


class Maximum(Function):
    __slots__ = ("weight_a", "a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        out = np.maximum(a, b)
        # ties split the gradient in half, as PyTorch does
        ctx.weight_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)).astype(out.dtype)
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d max(a,b) = [a>b] da + [b>a] db
        w = ctx.weight_a
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad * w, ctx.a_shape) if need_a else None,
            unbroadcast(grad * (1 - w), ctx.b_shape) if need_b else None,
        )


class Where(Function):
    __slots__ = ("cond", "a_shape", "b_shape")

    @staticmethod
    def forward(ctx, cond, a, b):  # type: ignore[no-untyped-def]
        ctx.cond = cond
        ctx.a_shape, ctx.b_shape = _shape(a), _shape(b)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d where(c,a,b) = [c] da + [not c] db
        c = ctx.cond
        need_a, need_b = ctx.needs_input_grad[1:]
        return (
            None,
            unbroadcast(grad * c, ctx.a_shape) if need_a else None,
            unbroadcast(grad * ~c, ctx.b_shape) if need_b else None,
        )


class Cast(Function):
    __slots__ = ("src",)

    @staticmethod
    def forward(ctx, x, dtype):  # type: ignore[no-untyped-def]
        ctx.src = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # the identity, in the source dtype
        return Cast.call(grad, ctx.src), None


class Clone(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        return np.array(x)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # the identity
        return grad


# -- the module-level functions (autograd.exp, ...) ---------------------------------------


def _unary(cls: type[Function]) -> Callable[[Tensor], Tensor]:
    def op(x: Tensor) -> Tensor:
        return cls.apply(_as_tensor(x))

    return op


def _as_tensor(x: Any) -> Any:
    """Accept Tensors, arrays and numbers; lists become tensors."""
    if isinstance(x, (Tensor, np.ndarray, np.generic, int, float, bool)):
        return x
    from ..creation import tensor

    return tensor(x)


def add(a: Any, b: Any) -> Tensor:
    """a + b, broadcasting."""
    return Add.apply(a, b)


def sub(a: Any, b: Any) -> Tensor:
    """a - b, broadcasting."""
    return Sub.apply(a, b)


def mul(a: Any, b: Any) -> Tensor:
    """a * b elementwise, broadcasting."""
    return Mul.apply(a, b)


def div(a: Any, b: Any) -> Tensor:
    """a / b, broadcasting."""
    return Div.apply(a, b)


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001 - torch.pow
    """a ** b; the exponent may be a number or a tensor."""
    if isinstance(b, Tensor):
        if b._requires_grad or not isinstance(a, Tensor):
            return Pow.apply(a, b)
        b = b._data
    return PowConstant.apply(a, b)


neg = _unary(Neg)
neg.__doc__ = "-x."
abs = _unary(Abs)  # noqa: A001 - torch.abs
abs.__doc__ = "|x|; the gradient at 0 is 0."
exp = _unary(Exp)
exp.__doc__ = "e ** x."
log = _unary(Log)
log.__doc__ = "Natural logarithm."
sqrt = _unary(Sqrt)
sqrt.__doc__ = "Square root."
sin = _unary(Sin)
sin.__doc__ = "Sine."
cos = _unary(Cos)
cos.__doc__ = "Cosine."
tanh = _unary(Tanh)
tanh.__doc__ = "Hyperbolic tangent."
sigmoid = _unary(Sigmoid)
sigmoid.__doc__ = "1 / (1 + e ** -x), without overflow for large |x|."
relu = _unary(Relu)
relu.__doc__ = "max(x, 0); the gradient at 0 is 0."
clone = _unary(Clone)
clone.__doc__ = "A copy with its own memory, still connected to the graph."


def square(x: Tensor) -> Tensor:
    """x ** 2."""
    return PowConstant.apply(x, 2)


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Limit x to [min, max] (either may be None); the gradient is 1 inside, 0 outside."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = x if min is None else maximum(x, min)
        return out if max is None else minimum(out, max)
    return Clamp.apply(x, min, max)


clip = clamp


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; where a == b each gets half the gradient."""
    return Maximum.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; where a == b each gets half the gradient."""
    return -Maximum.apply(
        -a if isinstance(a, Tensor) else np.negative(a), -b if isinstance(b, Tensor) else np.negative(b)
    )


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elements of `a` where `condition` holds, of `b` elsewhere (no gradient through the condition)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    return Where.apply(cond, a, b)


def cast(x: Tensor, dtype: np.dtype) -> Tensor:
    """`x` converted to `dtype`; the gradient flows back only between floating dtypes."""
    if x.dtype == dtype:
        return x
    if x._requires_grad and dtype.kind != "f":
        return Tensor._make(x._data.astype(dtype))
    return Cast.apply(x, dtype)


def compare(ufunc: Callable, a: Any, b: Any) -> Tensor:
    """A comparison or logical op (`<`, `==`, `&` ...): a bool tensor without gradient."""
    a_ = a._data if isinstance(a, Tensor) else a
    b_ = b._data if isinstance(b, Tensor) else b
    try:
        return Tensor._make(ufunc(a_, b_))
    except (ValueError, TypeError) as e:
        raise DtypeError(f"{ufunc.__name__}: cannot compare shapes {np.shape(a_)} and {np.shape(b_)}: {e}") from None


def logical_not(x: Tensor) -> Tensor:
    """Elementwise not (no gradient)."""
    return Tensor._make(np.logical_not(x._data))


def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 elementwise (no gradient)."""
    return Tensor._make(np.sign(x._data))
