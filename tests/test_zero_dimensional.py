"""0-d tensors behave the same whichever form holds their data: a NumPy scalar or a 0-d ndarray.

A leaf made by `autograd.tensor(2.0)` and the 0-d result of an op hold a NumPy scalar
(np.float32) that becomes a 0-d ndarray on demand (`numpy()`, printing, an in-place change);
`autograd.from_numpy(np.array(2.0))` holds a 0-d ndarray from the start. Code that works on one
and not the other (a scalar has no `.flags`, `.base`, `out=` or item assignment; NumPy returns a
scalar where an array went in) is the bug these tests sweep for: every registered op that takes
0-d float input is run on each form, and its outputs, their dtypes and shapes, its gradients and
its errors must be the same; in-place methods, conversions, copies and serialisation likewise.
"""

from __future__ import annotations

import copy
import math
import pickle
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, forward_ad
from autograd.registry import EXPORTS

F32 = np.float32
U = 0.75  # inside (0, 1): every op is defined there (log, sqrt, binary cross-entropy)
N = -1.25  # a negative value for the ops defined everywhere
B = 1.5  # a second operand


# -- the forms -------------------------------------------------------------------------------------
# A form says how each float input is made (and whether the index/mask/target inputs are scalars).
#   scalar_leaf:    autograd.tensor(v, requires_grad=True): a leaf holding np.float32
#   promoted_leaf:  the same, turned into a 0-d ndarray by numpy(force=True) before the op
#   array_leaf:     autograd.from_numpy(np.array(v)).requires_grad_(): a 0-d ndarray from the start
#   scalar_result:  scalar_leaf * 1, an op's result holding np.float32
#   array_result:   array_leaf * 1, turned into a 0-d ndarray by numpy(force=True)
#   scalar_then_array: scalar_result, with every input and output turned into an array after the
#                   op ran and before backward (the saved values are scalars the tensors no longer hold)
#   mixed / mixed_reversed: scalar and array leaves alternating (for ops of two or more float inputs)
#   scalar_nograd / array_nograd: autograd.tensor(v) / autograd.from_numpy(...) without requires_grad

REFERENCE = "scalar_leaf"
GRAD_FORMS = ["promoted_leaf", "array_leaf", "scalar_result", "array_result", "scalar_then_array"]
MIXED_FORMS = ["mixed", "mixed_reversed"]
NOGRAD_FORMS = ["scalar_nograd", "array_nograd"]


def scalar_leaf(v: float) -> Tensor:
    t = autograd.tensor(v, requires_grad=True)
    assert isinstance(t._data, np.generic), "autograd.tensor(v) should hold a NumPy scalar"
    return t


def array_leaf(v: float) -> Tensor:
    t = autograd.from_numpy(np.array(v, dtype=F32)).requires_grad_()
    assert type(t._data) is np.ndarray
    return t


def as_array(t: Tensor) -> Tensor:
    """Turn the tensor's NumPy scalar into a 0-d ndarray (its memory), as numpy() does."""
    t.numpy(force=True)
    assert type(t._data) is np.ndarray
    return t


def scalar_result(leaf: Tensor) -> Tensor:
    t = leaf * 1
    assert isinstance(t._data, np.generic), "a 0-d op result should hold a NumPy scalar"
    return t


def float_input(form: str, position: int, v: float) -> tuple[Tensor, Tensor | None]:
    """(the input, the leaf its gradient reaches) for float input number `position` in `form`."""
    if form in MIXED_FORMS:
        form = "scalar_leaf" if (position % 2 == 0) == (form == "mixed") else "array_leaf"
    if form == "scalar_leaf":
        leaf = scalar_leaf(v)
        return leaf, leaf
    if form == "promoted_leaf":
        leaf = as_array(scalar_leaf(v))
        return leaf, leaf
    if form == "array_leaf":
        leaf = array_leaf(v)
        return leaf, leaf
    if form in ("scalar_result", "scalar_then_array"):
        leaf = scalar_leaf(v)
        return scalar_result(leaf), leaf
    if form == "array_result":
        leaf = array_leaf(v)
        return as_array(leaf * 1), leaf
    if form == "scalar_nograd":
        t = autograd.tensor(v)
        assert isinstance(t._data, np.generic)
        return t, None
    assert form == "array_nograd", form
    return autograd.from_numpy(np.array(v, dtype=F32)), None


def aux_input(form: str, position: int, value: np.ndarray) -> Tensor:
    """An index, mask or target input: a NumPy scalar in the scalar forms, an array in the others."""
    scalar = form.startswith("scalar") or (form in MIXED_FORMS and (position % 2 == 0) == (form == "mixed"))
    if value.ndim == 0 and scalar:
        t = autograd.tensor(value)
        assert isinstance(t._data, np.generic)
        return t
    return autograd.from_numpy(np.array(value, copy=True))


# -- the ops ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One call of an op: `fn(*float inputs, *aux inputs)`."""

    id: str
    op: str  # the name in autograd.registry.EXPORTS (or the method/operator) it covers
    fn: Callable[..., Any]
    values: tuple[float, ...] = (U,)  # the float inputs' values (each a 0-d tensor in the form tested)
    aux: tuple[np.ndarray, ...] = ()  # further 0-d (or n-d) inputs that do not require grad
    smooth: bool = True  # differentiable around `values`: gradcheck applies
    ref: Callable[..., Any] | None = None  # NumPy reference for the value, on float32 inputs

    def __str__(self) -> str:
        return self.id


def call(name: str, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """`autograd.<name>(*tensors, *args, **kwargs)`."""
    function = EXPORTS[name]

    def run(*tensors: Any) -> Any:
        return function(*tensors, *args, **kwargs)

    return run


def method(name: str, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """`x.<name>(*args, **kwargs)` for a Tensor method that is not an export."""

    def run(x: Tensor, *more: Any) -> Any:
        return getattr(x, name)(*more, *args, **kwargs)

    return run


def np_erf(x: Any) -> Any:
    return np.vectorize(math.erf, otypes=[F32])(x)


UNARY_EVERYWHERE = {  # name: (NumPy reference, smooth at U and N)
    "abs": (np.abs, True),
    "ceil": (np.ceil, False),
    "floor": (np.floor, False),
    "round": (np.round, False),
    "trunc": (np.trunc, False),
    "cos": (np.cos, True),
    "sin": (np.sin, True),
    "erf": (np_erf, True),
    "erfc": (lambda x: 1 - np_erf(x), True),
    "exp": (np.exp, True),
    "expm1": (np.expm1, True),
    "neg": (np.negative, True),
    "relu": (lambda x: np.maximum(x, 0), True),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), True),
    "sign": (np.sign, False),
    "silu": (lambda x: x / (1 + np.exp(-x)), True),
    "square": (np.square, True),
    "tanh": (np.tanh, True),
    "gelu": (lambda x: 0.5 * x * (1 + np_erf(x / np.sqrt(F32(2)))), True),
    "leaky_relu": (lambda x: np.where(x > 0, x, F32(0.01) * x), True),
    "softplus": (lambda x: np.log1p(np.exp(x)), True),
    "logical_not": (np.logical_not, False),
    "nan_to_num": (np.nan_to_num, True),
    "clone": (np.copy, True),
}
UNARY_POSITIVE = {
    "log": np.log,
    "log10": np.log10,
    "log1p": np.log1p,
    "log2": np.log2,
    "reciprocal": np.reciprocal,
    "rsqrt": lambda x: 1 / np.sqrt(x),
    "sqrt": np.sqrt,
}
BINARY = {  # name: (NumPy reference, smooth at (U, B))
    "add": (np.add, True),
    "sub": (np.subtract, True),
    "mul": (np.multiply, True),
    "div": (np.divide, True),
    "pow": (np.power, True),
    "atan2": (np.arctan2, True),
    "arctan2": (np.arctan2, True),
    "maximum": (np.maximum, True),
    "minimum": (np.minimum, True),
    "logaddexp": (np.logaddexp, True),
    "remainder": (np.remainder, True),
    "fmod": (np.fmod, True),
    "floor_divide": (np.floor_divide, False),
    "eq": (np.equal, False),
    "ne": (np.not_equal, False),
    "lt": (np.less, False),
    "le": (np.less_equal, False),
    "gt": (np.greater, False),
    "ge": (np.greater_equal, False),
    "logical_and": (np.logical_and, False),
    "logical_or": (np.logical_or, False),
    "isclose": (np.isclose, False),
    "allclose": (None, False),
    "equal": (None, False),
}
OPERATORS = {  # id: (the call, the op it reaches, NumPy reference, smooth)
    "x+2": (lambda x: x + 2.0, "add", lambda x: x + F32(2), True),
    "2+x": (lambda x: 2.0 + x, "add", lambda x: F32(2) + x, True),
    "x-2": (lambda x: x - 2.0, "sub", lambda x: x - F32(2), True),
    "2-x": (lambda x: 2.0 - x, "sub", lambda x: F32(2) - x, True),
    "x*2": (lambda x: x * 2.0, "mul", lambda x: x * F32(2), True),
    "2*x": (lambda x: 2.0 * x, "mul", lambda x: F32(2) * x, True),
    "x/2": (lambda x: x / 2.0, "div", lambda x: x / F32(2), True),
    "2/x": (lambda x: 2.0 / x, "div", lambda x: F32(2) / x, True),
    "x**2": (lambda x: x**2.0, "pow", lambda x: x ** F32(2), True),
    "x**0.5": (lambda x: x**0.5, "pow", np.sqrt, True),
    "x**-1": (lambda x: x**-1, "pow", np.reciprocal, True),
    "2**x": (lambda x: 2.0**x, "pow", lambda x: F32(2) ** x, True),
    "x//0.5": (lambda x: x // 0.5, "floor_divide", lambda x: x // F32(0.5), False),
    "2//x": (lambda x: 2.0 // x, "floor_divide", lambda x: F32(2) // x, False),
    "x%0.5": (lambda x: x % 0.5, "remainder", lambda x: x % F32(0.5), True),
    "2%x": (lambda x: 2.0 % x, "remainder", lambda x: F32(2) % x, True),
    "-x": (lambda x: -x, "neg", np.negative, True),
    "+x": (lambda x: +x, "__pos__", None, True),
    "abs(x)": (lambda x: abs(x), "abs", np.abs, True),
    "x==0.75": (lambda x: x == 0.75, "eq", lambda x: x == F32(0.75), False),
    "x!=0.75": (lambda x: x != 0.75, "ne", lambda x: x != F32(0.75), False),
    "x<1": (lambda x: x < 1.0, "lt", lambda x: x < 1, False),
    "x<=1": (lambda x: x <= 1.0, "le", lambda x: x <= 1, False),
    "x>1": (lambda x: x > 1.0, "gt", lambda x: x > 1, False),
    "x>=1": (lambda x: x >= 1.0, "ge", lambda x: x >= 1, False),
    "x+np.float32": (lambda x: x + np.float32(2), "add", lambda x: x + F32(2), True),
    "np.float32+x": (lambda x: np.float32(2) + x, "add", lambda x: F32(2) + x, True),
    "np.float32*x": (lambda x: np.float32(2) * x, "mul", lambda x: F32(2) * x, True),
    "np.float32-x": (lambda x: np.float32(2) - x, "sub", lambda x: F32(2) - x, True),
    "np.float32/x": (lambda x: np.float32(2) / x, "div", lambda x: F32(2) / x, True),
    "np.float64*x": (lambda x: np.float64(2) * x, "mul", lambda x: F32(2) * x, True),
    "x*np.array0d": (lambda x: x * np.array(2.0, dtype=F32), "mul", lambda x: x * F32(2), True),
    "np.array0d*x": (lambda x: np.array(2.0, dtype=F32) * x, "mul", lambda x: F32(2) * x, True),
    "np.array0d+x": (lambda x: np.array(2.0, dtype=F32) + x, "add", lambda x: F32(2) + x, True),
    "add(x,np.float32)": (lambda x: autograd.add(x, np.float32(2)), "add", lambda x: x + F32(2), True),
    "mul(np.array0d,x)": (lambda x: autograd.mul(np.array(2.0, dtype=F32), x), "mul", lambda x: F32(2) * x, True),
    "x@x": (lambda x: x @ x, "matmul", None, True),
    "np1d@x": (lambda x: np.array([2.0], dtype=F32) @ x, "__rmatmul__", None, True),
    "x@np.float32": (lambda x: x @ np.float32(2), "matmul", None, True),
}


def unary_cases() -> list[Case]:
    cases = []
    for name, (ref, smooth) in UNARY_EVERYWHERE.items():
        for label, v in (("pos", U), ("neg", N)):
            cases.append(Case(f"{name}-{label}", name, call(name), (v,), smooth=smooth, ref=ref))
    for name, ref in UNARY_POSITIVE.items():
        cases.append(Case(name, name, call(name), (U,), ref=ref))
    return cases + [
        Case("gelu-tanh", "gelu", call("gelu", approximate="tanh"), (N,)),
        Case("leaky_relu-slope", "leaky_relu", call("leaky_relu", 0.2), (N,), ref=lambda x: F32(0.2) * x),
        Case("softplus-beta", "softplus", call("softplus", beta=2.0), (U,)),
        Case("softplus-over-threshold", "softplus", call("softplus", threshold=0.5), (U,), ref=lambda x: x),
        Case("round-decimals", "round", call("round", decimals=1), (U,), smooth=False),
        Case("nan_to_num-nan", "nan_to_num", call("nan_to_num", nan=2.0), (math.nan,), smooth=False),
        Case("nan_to_num-inf", "nan_to_num", call("nan_to_num", posinf=3.0), (math.inf,), smooth=False),
        Case("clamp-floats", "clamp", call("clamp", 0.0, 0.5), (U,), ref=lambda x: np.clip(x, 0, 0.5)),
        Case("clamp-min", "clamp", call("clamp", min=1.0), (U,), ref=lambda x: np.maximum(x, 1)),
        Case("clamp-max-inside", "clamp", call("clamp", max=1.0), (U,), ref=lambda x: np.minimum(x, 1)),
        Case("clip", "clip", call("clip", -1.0, 1.0), (N,), ref=lambda x: np.clip(x, -1, 1)),
        Case("clamp-tensor-bounds", "clamp", call("clamp"), (U, 0.0, 0.5), ref=np.clip),
        Case("clamp-tensor-min", "clamp", lambda x, lo: autograd.clamp(x, min=lo), (U, 1.0)),
    ]


def binary_cases() -> list[Case]:
    cases = []
    for name, (ref, smooth) in BINARY.items():
        cases.append(Case(name, name, call(name), (U, B), smooth=smooth, ref=ref))
    return cases + [
        Case("maximum-tie", "maximum", call("maximum"), (B, B), smooth=False),
        Case("minimum-tie", "minimum", call("minimum"), (B, B), smooth=False),
        Case("remainder-negative", "remainder", call("remainder"), (N, B), ref=np.remainder),
        Case("fmod-negative", "fmod", call("fmod"), (N, B), ref=np.fmod),
        Case("pow-negative-base-int", "pow", call("pow", 3), (N,), ref=lambda x: x**3),
        Case("pow-scalar-base", "pow", lambda x: autograd.pow(2.0, x), (U,)),
        Case("eq-float", "eq", call("eq", 0.75), (U,), smooth=False),
        Case("ne-float", "ne", call("ne", 0.75), (U,), smooth=False),
        Case("isclose-float", "isclose", call("isclose", 0.75), (U,), smooth=False),
        Case("allclose-equal", "allclose", call("allclose"), (U, U), smooth=False),
        Case("equal-equal", "equal", call("equal"), (U, U), smooth=False),
        Case("lerp-tensor-weight", "lerp", call("lerp"), (U, B, 0.25), ref=lambda a, b, w: a + w * (b - a)),
        Case("lerp-float-weight", "lerp", lambda a, b: autograd.lerp(a, b, 0.25), (U, B)),
        Case("lerp-float-end", "lerp", lambda a, w: autograd.lerp(a, 2.0, w), (U, 0.25)),
        Case("where-true", "where", lambda a, b, c: autograd.where(c, a, b), (U, B), (np.array(True),)),
        Case("where-false", "where", lambda a, b, c: autograd.where(c, a, b), (U, B), (np.array(False),)),
        Case("where-float-other", "where", lambda a, c: autograd.where(c, a, 0.0), (U,), (np.array(False),)),
        Case("where-condition-from-x", "where", lambda a, b: autograd.where(a > 0.5, a, b), (U, B)),
        Case("masked_fill-true", "masked_fill", call("masked_fill", value=2.0), (U,), (np.array(True),)),
        Case("masked_fill-false", "masked_fill", call("masked_fill", value=2.0), (U,), (np.array(False),)),
        Case(
            "masked_fill-tensor-value",
            "masked_fill",
            lambda x, v, m: autograd.masked_fill(x, m, v),
            (U, B),
            (np.array(True),),
        ),
        Case("logical_and-bool", "logical_and", call("logical_and"), (U,), (np.array(False),), smooth=False),
        Case("x&bool", "__and__", lambda x, m: (x > 0) & m, (U,), (np.array(True),), smooth=False),
        Case("x|bool", "__or__", lambda x, m: (x > 1) | m, (U,), (np.array(False),), smooth=False),
        Case("~bool", "__invert__", lambda x, m: ~m, (U,), (np.array(True),), smooth=False),
    ]


def operator_cases() -> list[Case]:
    return [
        Case(label, name, fn, (U,), smooth=smooth, ref=ref) for label, (fn, name, ref, smooth) in OPERATORS.items()
    ] + [
        Case("x+y", "add", lambda x, y: x + y, (U, B), ref=np.add),
        Case("x-y", "sub", lambda x, y: x - y, (U, B), ref=np.subtract),
        Case("x*y", "mul", lambda x, y: x * y, (U, B), ref=np.multiply),
        Case("x/y", "div", lambda x, y: x / y, (U, B), ref=np.divide),
        Case("x**y", "pow", lambda x, y: x**y, (U, B), ref=np.power),
        Case("x//y", "floor_divide", lambda x, y: x // y, (U, B), smooth=False),
        Case("x%y", "remainder", lambda x, y: x % y, (U, B), ref=np.remainder),
        Case("x*x", "mul", lambda x: x * x, (U,), ref=np.square),
        Case("x-x", "sub", lambda x: x - x, (U,)),
        Case("x/x", "div", lambda x: x / x, (U,)),
        Case("x<y", "lt", lambda x, y: x < y, (U, B), smooth=False),
        Case("x==y", "eq", lambda x, y: x == y, (U, B), smooth=False),
    ]


def reduction_cases() -> list[Case]:
    cases = []
    for name in ("sum", "mean", "prod", "amax", "logsumexp", "max", "min", "median", "argmax", "argmin", "all", "any"):
        smooth = name not in ("argmax", "argmin", "all", "any")
        cases += [
            Case(f"{name}", name, call(name), (U,), smooth=smooth),
            Case(f"{name}-dim0", name, call(name, 0), (U,), smooth=smooth),
            Case(f"{name}-dim-1-keepdim", name, call(name, -1, keepdim=True), (U,), smooth=smooth),
        ]
    return cases + [
        Case("sum-dim-tuple", "sum", call("sum", (0,)), (U,)),
        Case("sum-dim-empty-tuple", "sum", call("sum", ()), (U,)),
        Case("sum-axis", "sum", call("sum", axis=0), (U,)),
        Case("mean-keepdims", "mean", call("mean", axis=0, keepdims=True), (U,)),
        Case("prod-dtype", "prod", call("prod", dtype=autograd.float64), (U,)),
        Case("amax-dim1", "amax", call("amax", 1), (U,)),
        Case("mode", "mode", call("mode"), (U,)),
        Case("mode-dim0", "mode", call("mode", 0), (U,)),
        Case("norm", "norm", call("norm"), (N,)),
        Case("norm-1", "norm", call("norm", 1), (N,)),
        Case("norm-inf", "norm", call("norm", math.inf), (N,)),
        Case("norm-2-dim0", "norm", call("norm", 2, 0), (N,)),
        Case("var", "var", call("var"), (U,), smooth=False),
        Case("var-correction0", "var", call("var", correction=0), (U,)),
        Case("var-dim0-unbiased-false", "var", call("var", 0, unbiased=False), (U,)),
        Case("std", "std", call("std"), (U,), smooth=False),
        Case("std-correction0", "std", call("std", correction=0), (U,), smooth=False),
        Case("cumsum-dim0", "cumsum", call("cumsum", 0), (U,)),
        Case("cumsum-dim-1", "cumsum", call("cumsum", -1), (U,)),
        Case("cumsum-dtype", "cumsum", call("cumsum", 0, dtype=autograd.float64), (U,)),
        Case("cumprod-dim0", "cumprod", call("cumprod", 0), (U,)),
        Case("softmax-dim0", "softmax", call("softmax", 0), (U,)),
        Case("softmax-dim-1", "softmax", call("softmax", -1), (U,)),
        Case("log_softmax-dim0", "log_softmax", call("log_softmax", 0), (U,)),
        Case("sort", "sort", call("sort"), (U,)),
        Case("sort-descending", "sort", call("sort", 0, descending=True), (U,)),
        Case("argsort", "argsort", call("argsort"), (U,), smooth=False),
        Case("topk-1", "topk", call("topk", 1), (U,)),
        Case("topk-2", "topk", call("topk", 2), (U,)),
    ]


def shape_cases() -> list[Case]:
    return [
        Case("reshape-1", "reshape", call("reshape", 1), (U,)),
        Case("reshape-empty", "reshape", call("reshape", ()), (U,)),
        Case("reshape-minus-1", "reshape", call("reshape", -1), (U,)),
        Case("reshape-1-1", "reshape", call("reshape", 1, 1), (U,)),
        Case("reshape-2", "reshape", call("reshape", 2), (U,)),
        Case("view-1", "view", method("view", 1), (U,)),
        Case("view-empty", "view", method("view", ()), (U,)),
        Case("view_as", "view_as", lambda x, y: x.view_as(y), (U, B)),
        Case("flatten", "flatten", call("flatten"), (U,)),
        Case("flatten-0-0", "flatten", call("flatten", 0, 0), (U,)),
        Case("squeeze", "squeeze", call("squeeze"), (U,)),
        Case("squeeze-0", "squeeze", call("squeeze", 0), (U,)),
        Case("squeeze-1", "squeeze", call("squeeze", 1), (U,)),
        Case("unsqueeze-0", "unsqueeze", call("unsqueeze", 0), (U,)),
        Case("unsqueeze--1", "unsqueeze", call("unsqueeze", -1), (U,)),
        Case("unsqueeze-2", "unsqueeze", call("unsqueeze", 2), (U,)),
        Case("expand-3", "expand", call("expand", 3), (U,)),
        Case("expand-2-3", "expand", call("expand", 2, 3), (U,)),
        Case("expand-empty", "expand", call("expand", ()), (U,)),
        Case("broadcast_to", "broadcast_to", call("broadcast_to", (3,)), (U,)),
        Case("expand_as", "expand_as", lambda x, y: x.expand_as(y), (U,), (np.zeros((2, 2), F32),)),
        Case("expand_as-0d", "expand_as", lambda x, y: x.expand_as(y), (U, B)),
        Case("repeat-3", "repeat", call("repeat", 3), (U,)),
        Case("repeat-2-2", "repeat", call("repeat", 2, 2), (U,)),
        Case("repeat-empty", "repeat", call("repeat", ()), (U,)),
        Case("tile", "tile", call("tile", (3,)), (U,)),
        Case("tile-empty", "tile", call("tile", ()), (U,)),
        Case("permute-empty", "permute", call("permute"), (U,)),
        Case("permute-0", "permute", call("permute", 0), (U,)),
        Case("movedim", "movedim", call("movedim", 0, 0), (U,)),
        Case("moveaxis", "moveaxis", call("moveaxis", -1, 0), (U,)),
        Case("transpose", "transpose", call("transpose", 0, 0), (U,)),
        Case("transpose--1", "transpose", call("transpose", 0, -1), (U,)),
        Case("swapaxes", "swapaxes", call("swapaxes", 0, 0), (U,)),
        Case("t", "t", call("t"), (U,)),
        Case("T", "T", lambda x: x.T, (U,)),
        Case("mT", "mT", lambda x: x.mT, (U,)),
        Case("flip-0", "flip", call("flip", 0), (U,)),
        Case("flip-empty", "flip", call("flip", ()), (U,)),
        Case("roll", "roll", call("roll", 1), (U,)),
        Case("roll-dim0", "roll", call("roll", 1, 0), (U,)),
        Case("narrow", "narrow", call("narrow", 0, 0, 1), (U,)),
        Case("select", "select", call("select", 0, 0), (U,)),
        Case("unbind", "unbind", call("unbind"), (U,)),
        Case("split", "split", call("split", 1), (U,)),
        Case("chunk", "chunk", call("chunk", 1), (U,)),
        Case("diag", "diag", call("diag"), (U,)),
        Case("diagonal", "diagonal", call("diagonal"), (U,)),
        Case("trace", "trace", call("trace"), (U,)),
        Case("tril", "tril", call("tril"), (U,)),
        Case("triu", "triu", call("triu"), (U,)),
        Case("pad", "pad", call("pad", (1, 1)), (U,)),
        Case("pad-empty", "pad", call("pad", ()), (U,)),
        Case("cat", "cat", lambda a, b: autograd.cat([a, b]), (U, B)),
        Case("cat-with-1d", "cat", lambda a, b: autograd.cat([a.reshape(1), b]), (U, B)),
        Case("stack", "stack", lambda a, b: autograd.stack([a, b]), (U, B), ref=lambda a, b: np.stack([a, b])),
        Case("stack-dim-1", "stack", lambda a, b: autograd.stack([a, b], -1), (U, B)),
        Case("stack-one", "stack", lambda a: autograd.stack([a]), (U,)),
    ]


def indexing_cases() -> list[Case]:
    i0, i1 = np.array(0), np.array([0])
    return [
        Case("x[()]", "__getitem__", lambda x: x[()], (U,)),
        Case("x[...]", "__getitem__", lambda x: x[...], (U,)),
        Case("x[None]", "__getitem__", lambda x: x[None], (U,)),
        Case("x[..., None]", "__getitem__", lambda x: x[..., None], (U,)),
        Case("x[None][0]", "__getitem__", lambda x: x[None][0], (U,)),
        Case("x[0]", "__getitem__", lambda x: x[0], (U,)),
        Case("x[:]", "__getitem__", lambda x: x[:], (U,)),
        Case("x[x>0]", "__getitem__", lambda x: x[x > 0], (U,)),
        Case("x[x<0]", "__getitem__", lambda x: x[x < 0], (U,)),
        Case("x[bool-tensor]", "__getitem__", lambda x, m: x[m], (U,), (np.array(True),)),
        Case("x[int-tensor]", "__getitem__", lambda x, i: x[i], (U,), (i0,)),
        Case("gather", "gather", lambda x, i: autograd.gather(x, 0, i), (U,), (i0,)),
        Case("gather-1d-index", "gather", lambda x, i: autograd.gather(x, 0, i), (U,), (i1,)),
        Case("index_select", "index_select", lambda x, i: autograd.index_select(x, 0, i), (U,), (i0,)),
        Case("index_select-1d", "index_select", lambda x, i: autograd.index_select(x, 0, i), (U,), (i1,)),
        Case("take_along_dim", "take_along_dim", lambda x, i: autograd.take_along_dim(x, i, 0), (U,), (i0,)),
        Case("scatter-src", "scatter", lambda x, s, i: autograd.scatter(x, 0, i, s), (U, B), (i0,)),
        Case("scatter-value", "scatter", lambda x, i: autograd.scatter(x, 0, i, value=2.0), (U,), (i0,)),
        Case("scatter_add", "scatter_add", lambda x, s, i: autograd.scatter_add(x, 0, i, s), (U, B), (i0,)),
        Case("index_add", "index_add", lambda x, s, i: autograd.index_add(x, 0, i, s), (U, B), (i0,)),
        Case(
            "index_add-1d",
            "index_add",
            lambda x, s, i: autograd.index_add(x, 0, i, s.reshape(1), alpha=2.0),
            (U, B),
            (i1,),
        ),
    ]


def linalg_cases() -> list[Case]:
    return [
        Case("matmul", "matmul", call("matmul"), (U, B)),
        Case("mm", "mm", call("mm"), (U, B)),
        Case("bmm", "bmm", call("bmm"), (U, B)),
        Case("dot", "dot", call("dot"), (U, B)),
        Case("outer", "outer", call("outer"), (U, B)),
        Case("ger", "ger", call("ger"), (U, B)),
        Case("baddbmm", "baddbmm", call("baddbmm"), (U, B, B)),
        Case("tensordot-0", "tensordot", call("tensordot", dims=0), (U, B), ref=np.multiply),
        Case("tensordot-empty-lists", "tensordot", call("tensordot", dims=([], [])), (U, B), ref=np.multiply),
        Case("einsum-identity", "einsum", lambda a: autograd.einsum("->", a), (U,)),
        Case("einsum-product", "einsum", lambda a, b: autograd.einsum(",->", a, b), (U, B), ref=np.multiply),
        Case("einsum-implicit", "einsum", lambda a, b: autograd.einsum(",", a, b), (U, B)),
        Case("einsum-with-1d", "einsum", lambda a, b: autograd.einsum(",i->i", a, b.reshape(1)), (U, B)),
        Case("linear", "linear", call("linear"), (U, B)),
        Case("linear-bias", "linear", lambda x, w, b: autograd.linear(x.reshape(1), w.reshape(1, 1), b), (U, B, U)),
        Case("layer_norm-empty-shape", "layer_norm", call("layer_norm", ()), (U,)),
        Case("layer_norm-affine", "layer_norm", lambda x, w, b: autograd.layer_norm(x, (), w, b), (U, B, N)),
        Case("conv2d", "conv2d", call("conv2d"), (U, B)),
        Case("conv_transpose2d", "conv_transpose2d", call("conv_transpose2d"), (U, B)),
        Case("avg_pool2d", "avg_pool2d", call("avg_pool2d", 1), (U,)),
        Case("max_pool2d", "max_pool2d", call("max_pool2d", 1), (U,)),
        Case("lstm_recurrence", "lstm_recurrence", call("lstm_recurrence"), (U, U, U, U)),
    ]


def loss_cases() -> list[Case]:
    target, index = np.array(0.25, F32), np.array(0)
    cases = []
    for reduction in ("mean", "sum", "none"):
        cases += [
            Case(f"mse_loss-{reduction}", "mse_loss", call("mse_loss", reduction=reduction), (U, B)),
            Case(f"l1_loss-{reduction}", "l1_loss", call("l1_loss", reduction=reduction), (U, B)),
            Case(
                f"binary_cross_entropy-{reduction}",
                "binary_cross_entropy",
                call("binary_cross_entropy", reduction=reduction),
                (U,),
                (target,),
            ),
            Case(
                f"binary_cross_entropy_with_logits-{reduction}",
                "binary_cross_entropy_with_logits",
                call("binary_cross_entropy_with_logits", reduction=reduction),
                (N,),
                (target,),
            ),
        ]
    return cases + [
        Case("mse_loss-float-target", "mse_loss", call("mse_loss", target), (U,)),
        Case("binary_cross_entropy-weight", "binary_cross_entropy", call("binary_cross_entropy"), (U,), (target,) * 2),
        Case(
            "binary_cross_entropy_with_logits-pos_weight",
            "binary_cross_entropy_with_logits",
            lambda x, t, w: autograd.binary_cross_entropy_with_logits(x, t, pos_weight=w),
            (N,),
            (target, np.array(2.0, F32)),
        ),
        Case(
            "binary_cross_entropy_with_logits-tensor-target",
            "binary_cross_entropy_with_logits",
            call("binary_cross_entropy_with_logits"),
            (N, U),
        ),
        Case("cross_entropy", "cross_entropy", call("cross_entropy"), (U,), (index,)),
        Case("nll_loss", "nll_loss", call("nll_loss"), (U,), (index,)),
    ]


def conversion_cases() -> list[Case]:
    return [
        Case("to-float64", "to", method("to", autograd.float64), (U,)),
        Case("to-float32", "to", method("to", autograd.float32), (U,), smooth=False),  # float64 -> float32 in gradcheck
        Case("to-copy", "to", method("to", autograd.float32, copy=True), (U,), smooth=False),
        Case("to-cpu", "to", method("to", "cpu"), (U,)),
        Case("to-int64", "to", method("to", autograd.int64), (N,), smooth=False),
        Case("to-tensor", "to", lambda x, y: x.to(y), (U,), (np.array(2.0, np.float64),)),
        Case("type-float16", "type", method("type", autograd.float16), (U,), smooth=False),
        Case("double", "double", method("double"), (U,)),
        Case("float", "float", method("float"), (U,), smooth=False),
        Case("long", "long", method("long"), (N,), smooth=False),
        Case("int", "int", method("int"), (N,), smooth=False),
        Case("bool", "bool", method("bool"), (U,), smooth=False),
        Case("detach", "detach", method("detach"), (U,), smooth=False),
        Case("clone-then-double", "clone", lambda x: x.clone().double(), (U,)),
        Case("contiguous", "contiguous", method("contiguous"), (U,)),
        Case("cpu", "cpu", method("cpu"), (U,)),
    ]


def sampling_cases() -> list[Case]:
    return [
        Case("bernoulli", "bernoulli", call("bernoulli"), (U,), smooth=False),
        Case("bernoulli-p", "bernoulli", call("bernoulli", 0.5), (U,), smooth=False),
        Case("multinomial", "multinomial", call("multinomial", 1), (U,), smooth=False),
        Case("normal-tensors", "normal", call("normal"), (U, B), smooth=False),
        Case("normal-tensor-mean", "normal", call("normal", 2.0), (U,), smooth=False),
    ]


CASES = (
    unary_cases()
    + binary_cases()
    + operator_cases()
    + reduction_cases()
    + shape_cases()
    + indexing_cases()
    + linalg_cases()
    + loss_cases()
    + conversion_cases()
    + sampling_cases()
)


def reference_form(form: str) -> str:
    """The scalar form a form is compared with: leaves with a leaf, op results with an op result
    (an op that returns its input, `x.reshape(())`, returns a tensor with a grad_fn then)."""
    if form in NOGRAD_FORMS:
        return "scalar_nograd"
    return "scalar_result" if form in ("array_result", "scalar_then_array") else REFERENCE


def forms_of(case: Case) -> list[str]:
    return GRAD_FORMS + (MIXED_FORMS if len(case.values) > 1 else []) + ["array_nograd"]


def pairs() -> list[Any]:
    return [pytest.param(case, form, id=f"{case.id}-{form}") for case in CASES for form in forms_of(case)]


# -- running a case ---------------------------------------------------------------------------------


@dataclass
class Raised:
    """An exception an op or its backward raised, as compared across forms: its type and message."""

    type: type
    message: str


@dataclass
class Outcome:
    result: Any  # describe() of what the op returned, or Raised
    grads: Any  # describe() of each leaf's .grad after backward, or Raised, or None (nothing to differentiate)
    inputs_after: list[np.ndarray]  # the inputs' values after the op and backward (an op must not change them)


def tensors_in(out: Any) -> list[Tensor]:
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in tensors_in(o)]
    return []


def describe(out: Any) -> Any:
    """What must match across forms: each tensor's shape, dtype, values, requires_grad, grad_fn; other values."""
    if isinstance(out, Tensor):
        data = out._data
        assert type(data) is np.ndarray or isinstance(data, np.generic), f"a tensor holds a {type(data).__name__}"
        assert data.dtype == out.dtype
        node = out.grad_fn.name() if out.grad_fn is not None else None
        return ("Tensor", out.shape, out.dtype, np.array(data, copy=True), out.requires_grad, node)
    if isinstance(out, (tuple, list)):
        return (type(out).__name__, tuple(describe(o) for o in out))
    return (type(out).__name__, out)


def run_backward(out: Any) -> bool:
    """Backward from every float output that requires grad (summed); False when there is none."""
    roots = [t for t in tensors_in(out) if t.requires_grad and t.dtype.kind == "f"]
    if not roots:
        return False
    if len(roots) == 1 and roots[0].ndim == 0:
        roots[0].backward()
    else:
        autograd.backward(roots, [autograd.ones_like(r) for r in roots])
    return True


def grads_of(leaves: list[Tensor | None]) -> list[Any]:
    grads = []
    for leaf in leaves:
        g = None if leaf is None else leaf.grad
        if g is not None:
            assert g.shape == leaf.shape, f"a 0-d leaf got a gradient of shape {g.shape}"
            assert g.dtype == leaf.dtype, f"a {leaf.dtype} leaf got a {g.dtype} gradient"
        grads.append(describe(g))
    return grads


def build(case: Case, form: str) -> tuple[list[Tensor], list[Tensor | None]]:
    floats = [float_input(form, i, v) for i, v in enumerate(case.values)]
    aux = [aux_input(form, len(floats) + i, a) for i, a in enumerate(case.aux)]
    return [t for t, _ in floats] + aux, [leaf for _, leaf in floats]


REFERENCE_OUTCOMES: dict[tuple[str, str], Outcome] = {}


def reference_outcome(case: Case, form: str) -> Outcome:
    """The outcome of a reference form, computed once (it is compared with every other form)."""
    key = (case.id, form)
    if key not in REFERENCE_OUTCOMES:
        REFERENCE_OUTCOMES[key] = outcome(case, form)
    return REFERENCE_OUTCOMES[key]


def outcome(case: Case, form: str) -> Outcome:
    with np.errstate(all="ignore"), warnings.catch_warnings():  # (var of one element warns, in every form)
        warnings.simplefilter("ignore", RuntimeWarning)
        return run_case(case, form)


def run_case(case: Case, form: str) -> Outcome:
    inputs, leaves = build(case, form)
    autograd.manual_seed(0)  # the sampling ops draw the same numbers in every form
    try:
        out = case.fn(*inputs)
    except Exception as e:  # noqa: BLE001 - compared across forms
        return Outcome(Raised(type(e), str(e)), None, [])
    result = describe(out)
    if form == "scalar_then_array":
        for t in inputs + tensors_in(out):
            t.numpy(force=True)
    try:
        grads = grads_of(leaves) if run_backward(out) else None
    except Exception as e:  # noqa: BLE001 - compared across forms
        grads = Raised(type(e), str(e))
    return Outcome(result, grads, [np.array(t._data, copy=True) for t in inputs])


def assert_same(expected: Any, actual: Any, where: str, *, grad_state: bool = True, max_ulp: int = 0) -> None:
    """Recursive equality of describe() values; arrays exactly (NaN equal to NaN), with their dtypes, or
    within `max_ulp` units in the last place."""
    if isinstance(expected, tuple) and expected and expected[0] == "Tensor":
        assert isinstance(actual, tuple) and actual[0] == "Tensor", f"{where}: {actual!r} is not a Tensor"
        _, shape, dtype, values, requires_grad, node = expected
        assert actual[1] == shape, f"{where}: shape {actual[1]} instead of {shape}"
        assert actual[2] == dtype, f"{where}: dtype {actual[2]} instead of {dtype}"
        if max_ulp:
            np.testing.assert_array_max_ulp(np.asarray(actual[3]), np.asarray(values), maxulp=max_ulp)
        else:
            np.testing.assert_array_equal(actual[3], values, err_msg=where, strict=True)
        if grad_state:
            assert (actual[4], actual[5]) == (requires_grad, node), f"{where}: requires_grad/grad_fn differ"
        return
    if isinstance(expected, Raised) or isinstance(actual, Raised):
        assert expected == actual, f"{where}: {actual} where the reference form gave {expected}"
        return
    if isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), f"{where}: {actual!r} vs {expected!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, f"{where}[{i}]", grad_state=grad_state, max_ulp=max_ulp)
        return
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(actual, float) and math.isnan(actual), f"{where}: {actual!r} instead of nan"
        return
    assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} instead of {expected!r}"


# -- every op, every form ---------------------------------------------------------------------------


METHODS = {  # each Tensor method or operator an op registers besides its export: a case that calls it
    "T": "T",
    "mT": "mT",
    "__abs__": "abs(x)",
    "__add__": "x+2",
    "__radd__": "2+x",
    "__iadd__": "+=float",
    "__sub__": "x-2",
    "__rsub__": "2-x",
    "__isub__": "-=tensor",
    "__mul__": "x*2",
    "__rmul__": "2*x",
    "__imul__": "*=tensor",
    "__truediv__": "x/2",
    "__rtruediv__": "2/x",
    "__itruediv__": "/=float",
    "__floordiv__": "x//0.5",
    "__rfloordiv__": "2//x",
    "__mod__": "x%0.5",
    "__rmod__": "2%x",
    "__pow__": "x**2",
    "__rpow__": "2**x",
    "__matmul__": "x@x",
    "__rmatmul__": "np1d@x",
    "__neg__": "-x",
    "__eq__": "x==y",
    "__ne__": "x!=0.75",
    "__lt__": "x<y",
    "__le__": "x<=1",
    "__gt__": "x>1",
    "__ge__": "x>=1",
    "__and__": "x&bool",
    "__or__": "x|bool",
    "__invert__": "~bool",
    "__getitem__": "x[()]",
    "__setitem__": "t[()]=tensor",
    "add_": "add_-tensor",
    "sub_": "sub_-float",
    "mul_": "mul_-tensor",
    "div_": "div_-tensor",
    "pow_": "pow_-tensor",
    "relu_": "relu_-negative",
    "clamp_": "clamp_",
    "copy_": "copy_-tensor",
    "fill_": "fill_-tensor",
    "zero_": "zero_",
    "normal_": "normal_",
    "uniform_": "uniform_",
    "to": "to-float64",
    "type": "type-float16",
    "float": "float",
    "double": "double",
    "long": "long",
    "int": "int",
    "bool": "bool",
    "view": "view-1",
    "view_as": "view_as",
    "expand_as": "expand_as",
}


def test_every_tensor_method_an_op_registers_is_swept() -> None:
    registered = set()
    for name, value in vars(Tensor).items():
        function = value.fget if isinstance(value, property) else value
        if getattr(function, "__module__", "").startswith(("autograd.ops", "autograd.registry")):
            registered.add(name)
    assert registered - set(EXPORTS) == set(METHODS)
    ids = {case.id for case in CASES} | {change.id for change in INPLACE}
    assert {name: case for name, case in METHODS.items() if case not in ids} == {}


def test_every_exported_op_is_swept() -> None:
    covered = {case.op for case in CASES}
    assert set(EXPORTS) - covered == set()
    assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique"


def max_ulp(case_id: str) -> int:
    """How far apart the forms may be: a power with a fractional exponent is C's powf on NumPy scalars and
    NumPy's own loop on arrays, which differ in the last bit for about one value in five (PyTorch's
    vectorised and scalar loops differ the same way); everything else is bitwise the same."""
    return 1 if case_id.startswith(("pow", "x**y")) else 0


@pytest.mark.parametrize(("case", "form"), pairs())
def test_op_gives_the_same_result_and_gradients_for_each_form(case: Case, form: str) -> None:
    expected = reference_outcome(case, reference_form(form))
    actual = outcome(case, form)
    # an op that returns its input (`x.reshape(())`) returns a leaf for a leaf and a result for a result
    same_kind = form != "scalar_result"
    ulp = max_ulp(case.id)
    assert_same(expected.result, actual.result, f"{case.id} [{form}] result", grad_state=same_kind, max_ulp=ulp)
    assert_same(expected.grads, actual.grads, f"{case.id} [{form}] gradients", max_ulp=ulp)
    for i, (before, after) in enumerate(zip(case.values, actual.inputs_after)):
        np.testing.assert_array_equal(after, np.float32(before), err_msg=f"the op changed input {i}")


@pytest.mark.parametrize("case", [c for c in CASES if c.ref is not None], ids=str)
@pytest.mark.parametrize("form", ["scalar_leaf", "array_leaf"])
def test_op_value_matches_numpy(case: Case, form: str) -> None:
    inputs, _ = build(case, form)
    out = case.fn(*inputs)
    expected = np.asarray(case.ref(*(np.float32(v) for v in case.values), *case.aux))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=2e-6, atol=1e-7)


def reference_succeeds(case: Case) -> bool:
    """Whether the op takes 0-d input and returns something differentiable (in the scalar form)."""
    probe = reference_outcome(case, REFERENCE)
    return not isinstance(probe.result, Raised) and isinstance(probe.grads, list)


def differentiable_cases() -> list[Case]:
    return [c for c in CASES if c.smooth and reference_succeeds(c)]


DIFFERENTIABLE = differentiable_cases()


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=str)
@pytest.mark.parametrize("form", ["scalar_leaf", "array_leaf"])
def test_op_gradient_passes_gradcheck(case: Case, form: str) -> None:
    inputs, _ = build(case, form)
    assert autograd.gradcheck(case.fn, inputs)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=str)
@pytest.mark.parametrize("form", ["scalar_leaf", "array_leaf"])
def test_op_second_derivative_passes_gradgradcheck(case: Case, form: str) -> None:
    inputs, _ = build(case, form)

    def float_outputs(*args: Tensor) -> list[Tensor]:  # (sort's indices are no function to differentiate)
        return [t for t in tensors_in(case.fn(*args)) if t.dtype.kind == "f"]

    assert autograd.gradgradcheck(float_outputs, inputs)


def tangents_of(case: Case, form: str, tangent_form: str) -> list[Any]:
    """The output tangents of `case` with every float input carrying tangent 1 (in `tangent_form`)."""
    inputs, _ = build(case, form)
    n = len(case.values)
    with forward_ad.dual_level():
        ones = [autograd.tensor(1.0) if tangent_form == "scalar" else autograd.from_numpy(np.ones((), F32))] * n
        duals = [forward_ad.make_dual(t, one) for t, one in zip(inputs[:n], ones)]
        out = case.fn(*duals, *inputs[n:])
        return [describe(forward_ad.unpack_dual(t).tangent) for t in tensors_in(out) if t.dtype.kind == "f"]


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=str)
@pytest.mark.parametrize(
    ("form", "tangent_form"),
    [("array_leaf", "array"), ("scalar_nograd", "array")],
)
def test_op_forward_mode_tangent_is_the_same_for_each_form(case: Case, form: str, tangent_form: str) -> None:
    expected = tangents_of(case, "scalar_leaf", "scalar")
    assert_same(expected, tangents_of(case, form, tangent_form), f"{case.id} tangents", grad_state=False)
    reference = reference_outcome(case, REFERENCE)
    if len(expected) == 1 and expected[0][1] == ():  # a 0-d output: its tangent along all-ones is the sum of grads
        total = sum(float(g[3]) for g in reference.grads if g[0] == "Tensor")
        np.testing.assert_allclose(float(expected[0][3]), total, rtol=1e-5, atol=1e-6)


# -- ops that refuse 0-d input refuse it in every form (above), with an error that names the op ---------

SAYS = {  # the name an op's error starts with, where it is not the op's own (an alias, or the op it calls)
    "ger": "outer",
    "baddbmm": "bmm",
    "moveaxis": "movedim",
    "mT": "transpose",
    "__getitem__": "index",
    "__rmatmul__": "matmul",
}


@pytest.mark.parametrize(
    "case", [c for c in CASES if isinstance(reference_outcome(c, REFERENCE).result, Raised)], ids=str
)
def test_op_that_rejects_0d_input_says_so_naming_the_op(case: Case) -> None:
    raised = reference_outcome(case, REFERENCE).result
    name = SAYS.get(case.op, case.op)
    assert raised.message.startswith((f"{name}:", f"{name} ")), (
        f"{case.id}: {raised.type.__name__}: {raised.message} (expected an error that starts with '{name}:')"
    )


def test_pow_of_a_0d_tensor_is_within_one_ulp_in_each_form() -> None:
    """`a ** b` on NumPy float32 scalars (C powf) and on 0-d arrays (NumPy's ufunc loop) may differ in the last
    bit (see max_ulp), never by more."""
    values = np.linspace(0.05, 5, 97, dtype=F32)
    scalar = np.array([(autograd.tensor(v) ** 1.7).item() for v in values], dtype=F32)
    array = np.array([(autograd.from_numpy(np.array(v)) ** 1.7).item() for v in values], dtype=F32)
    one_d = (autograd.from_numpy(values.copy()) ** 1.7).numpy()
    np.testing.assert_array_max_ulp(scalar, array, maxulp=1)
    np.testing.assert_array_equal(array, one_d)


# -- in-place changes --------------------------------------------------------------------------------
# The target is a plain 0-d tensor (no grad) in one of four forms; the operand, where there is one,
# a 0-d tensor in the scalar or the array form.

TARGETS = {
    "scalar": lambda v: autograd.tensor(v),
    "promoted": lambda v: as_array(autograd.tensor(v)),
    "array": lambda v: autograd.from_numpy(np.array(v, dtype=F32)),
    "scalar_result": lambda v: autograd.tensor(v) * 1,
}
OPERANDS = {
    "scalar": lambda v: autograd.tensor(v),
    "array": lambda v: autograd.from_numpy(np.array(v, dtype=F32)),
}


def setitem(t: Tensor, index: Any, value: Any) -> Tensor:
    t[index] = value
    return t


@dataclass(frozen=True)
class InPlace:
    """`change(t, operand)` changes t in place (returning it); `ref(v, o)` is the value it should hold."""

    id: str
    change: Callable[[Tensor, Any], Any]
    ref: Callable[[Any, Any], Any]
    operand: float | None = None  # the 0-d tensor operand's value (None: no tensor operand)
    value: float = U
    grads: tuple[float | None, ...] | None = None  # d/d(old value), d/d(operand) when recorded, if known

    def __str__(self) -> str:
        return self.id


INPLACE = [
    InPlace("add_-float", lambda t, o: t.add_(2.0), lambda v, o: v + F32(2)),
    InPlace("add_-tensor", lambda t, o: t.add_(o), lambda v, o: v + o, B, grads=(1.0, 1.0)),
    InPlace("add_-alpha", lambda t, o: t.add_(o, alpha=2), lambda v, o: v + 2 * o, B, grads=(1.0, 2.0)),
    InPlace("add_-np.float32", lambda t, o: t.add_(np.float32(2)), lambda v, o: v + F32(2)),
    InPlace("add_-np.array0d", lambda t, o: t.add_(np.array(2.0, F32)), lambda v, o: v + F32(2)),
    InPlace("sub_-float", lambda t, o: t.sub_(2.0), lambda v, o: v - F32(2)),
    InPlace("sub_-tensor-alpha", lambda t, o: t.sub_(o, alpha=0.5), lambda v, o: v - o / 2, B, grads=(1.0, -0.5)),
    InPlace("mul_-float", lambda t, o: t.mul_(2.0), lambda v, o: v * F32(2)),
    InPlace("mul_-tensor", lambda t, o: t.mul_(o), lambda v, o: v * o, B, grads=(B, U)),
    InPlace("div_-float", lambda t, o: t.div_(2.0), lambda v, o: v / F32(2)),
    InPlace("div_-tensor", lambda t, o: t.div_(o), lambda v, o: v / o, B, grads=(1 / B, -U / B**2)),
    InPlace("pow_-float", lambda t, o: t.pow_(2.0), lambda v, o: v * v, grads=(2 * U,)),
    InPlace("pow_-tensor", lambda t, o: t.pow_(o), lambda v, o: np.power(v, o), B),
    InPlace("relu_-negative", lambda t, o: t.relu_(), lambda v, o: np.maximum(v, 0), value=N, grads=(0.0,)),
    InPlace("relu_-positive", lambda t, o: t.relu_(), lambda v, o: v, grads=(1.0,)),
    InPlace("clamp_", lambda t, o: t.clamp_(0.0, 0.5), lambda v, o: F32(0.5), grads=(0.0,)),
    InPlace("clamp_-min", lambda t, o: t.clamp_(min=1.0), lambda v, o: F32(1), grads=(0.0,)),
    InPlace("clamp_-inside", lambda t, o: t.clamp_(-1.0, 1.0), lambda v, o: v, grads=(1.0,)),
    InPlace("clamp_-tensor-min", lambda t, o: t.clamp_(min=o), lambda v, o: o, B, grads=(0.0, 1.0)),
    InPlace("zero_", lambda t, o: t.zero_(), lambda v, o: F32(0)),
    InPlace("fill_-float", lambda t, o: t.fill_(2.0), lambda v, o: F32(2)),
    InPlace("fill_-tensor", lambda t, o: t.fill_(o), lambda v, o: o, B),
    InPlace("copy_-tensor", lambda t, o: t.copy_(o), lambda v, o: o, B),
    InPlace("copy_-float64-tensor", lambda t, o: t.copy_(o.double()), lambda v, o: o, B),
    InPlace("copy_-np.float32", lambda t, o: t.copy_(np.float32(2)), lambda v, o: F32(2)),
    InPlace("copy_-np.array0d", lambda t, o: t.copy_(np.array(2.0)), lambda v, o: F32(2)),
    InPlace("copy_-1-element", lambda t, o: t.copy_(o.reshape(1, 1)), lambda v, o: o, B),
    InPlace("t[()]=float", lambda t, o: setitem(t, (), 2.0), lambda v, o: F32(2)),
    InPlace("t[...]=float", lambda t, o: setitem(t, ..., 2.0), lambda v, o: F32(2)),
    InPlace("t[()]=tensor", lambda t, o: setitem(t, (), o), lambda v, o: o, B, grads=(0.0, 1.0)),
    InPlace("t[...]=tensor", lambda t, o: setitem(t, ..., o), lambda v, o: o, B, grads=(0.0, 1.0)),
    InPlace("t[True]=float", lambda t, o: setitem(t, True, 2.0), lambda v, o: F32(2)),
    InPlace("t[t>0]=float", lambda t, o: setitem(t, t > 0, 2.0), lambda v, o: F32(2)),
    InPlace("t[None]=float", lambda t, o: setitem(t, None, 2.0), lambda v, o: F32(2)),
    InPlace("+=float", lambda t, o: t.__iadd__(2.0), lambda v, o: v + F32(2)),
    InPlace("-=tensor", lambda t, o: t.__isub__(o), lambda v, o: v - o, B, grads=(1.0, -1.0)),
    InPlace("*=tensor", lambda t, o: t.__imul__(o), lambda v, o: v * o, B, grads=(B, U)),
    InPlace("/=float", lambda t, o: t.__itruediv__(4.0), lambda v, o: v / F32(4)),
    InPlace("normal_", lambda t, o: t.normal_(), lambda v, o: None),
    InPlace("uniform_", lambda t, o: t.uniform_(), lambda v, o: None),
]


def inplace_pairs(recorded: bool = False) -> list[Any]:
    targets = ["scalar_result", "array_result"] if recorded else list(TARGETS)
    params = []
    for change in INPLACE:
        if recorded and change.grads is None:
            continue
        for target in targets:
            for operand in OPERANDS if change.operand is not None else ["none"]:
                params.append(pytest.param(change, target, operand, id=f"{change.id}-{target}-{operand}"))
    return params


def changed(change: InPlace, target: str, operand: str) -> tuple[Tensor, Any, Any]:
    """(t after the change, what the change returned, the operand)."""
    t = TARGETS[target](change.value)
    o = None if change.operand is None else OPERANDS[operand](change.operand)
    autograd.manual_seed(0)
    return t, change.change(t, o), o


@pytest.mark.parametrize(("change", "target", "operand"), inplace_pairs())
def test_inplace_change_gives_the_same_value_in_each_form(change: InPlace, target: str, operand: str) -> None:
    t, returned, o = changed(change, target, operand)
    assert returned is t, "an in-place method returns the tensor itself"
    assert t.shape == () and t.dtype == autograd.float32 and t._version == 1
    assert type(t._data) is np.ndarray or isinstance(t._data, np.generic)
    reference, _, _ = changed(change, "scalar", "scalar")
    if max_ulp(change.id):
        np.testing.assert_array_max_ulp(t.numpy(), np.asarray(reference.numpy()), maxulp=max_ulp(change.id))
    else:
        np.testing.assert_array_equal(t.numpy(), reference.numpy(), strict=True)
    expected = change.ref(F32(change.value), None if o is None else F32(change.operand))
    if expected is not None:
        np.testing.assert_allclose(t.item(), expected, rtol=1e-6)
    if o is not None:
        assert o.item() == F32(change.operand), "the operand changed"


@pytest.mark.parametrize(("change", "target", "operand"), inplace_pairs())
def test_inplace_change_shows_in_the_array_numpy_gave_before(change: InPlace, target: str, operand: str) -> None:
    t = TARGETS[target](change.value)
    array = t.numpy()
    o = None if change.operand is None else OPERANDS[operand](change.operand)
    change.change(t, o)
    assert np.shares_memory(array, t.numpy())
    np.testing.assert_array_equal(array, t.numpy())


@pytest.mark.parametrize(("change", "target", "operand"), inplace_pairs())
def test_numpy_after_an_inplace_change_shares_the_tensors_memory(change: InPlace, target: str, operand: str) -> None:
    t, _, _ = changed(change, target, operand)
    array = t.numpy()
    array[()] = 7.0
    assert t.item() == 7.0 and np.shares_memory(t.numpy(), array)


def test_from_numpy_0d_shares_memory_with_its_array_through_inplace_changes() -> None:
    array = np.array(U, dtype=F32)
    t = autograd.from_numpy(array)
    t.add_(1.0)
    t[()] = t * 2
    assert array[()] == F32((U + 1) * 2) and t.numpy() is array


@pytest.mark.parametrize(("change", "target", "operand"), inplace_pairs(recorded=True))
def test_recorded_inplace_change_gives_the_same_gradients_in_each_form(
    change: InPlace, target: str, operand: str
) -> None:
    def run(target: str, operand: str) -> tuple[Tensor, list[Any]]:
        leaf = scalar_leaf(change.value) if target == "scalar_result" else array_leaf(change.value)
        t = scalar_result(leaf) if target == "scalar_result" else as_array(leaf * 1)
        o = None if change.operand is None else float_input(f"{operand}_leaf", 0, change.operand)[0]
        assert change.change(t, o) is t and t.grad_fn is not None
        t.backward()
        return t, [describe(leaf.grad)] + ([] if o is None else [describe(o.grad)])

    t, grads = run(target, operand)
    reference, expected = run("scalar_result", "scalar")
    np.testing.assert_array_equal(t.detach().numpy(), reference.detach().numpy(), strict=True)
    assert_same(expected, grads, f"{change.id} gradients", grad_state=False)
    for grad, value in zip(grads, change.grads):
        assert grad[1] == () and grad[2] == autograd.float32
        np.testing.assert_allclose(float(grad[3]), value, rtol=1e-6)


INPLACE_ON_LEAF = [c for c in INPLACE if c.id in ("add_-float", "mul_-tensor", "zero_", "t[()]=float", "copy_-tensor")]


@pytest.mark.parametrize("change", INPLACE_ON_LEAF, ids=str)
@pytest.mark.parametrize("form", ["scalar_leaf", "promoted_leaf", "array_leaf"])
def test_inplace_change_of_a_leaf_that_requires_grad_is_refused_in_each_form(change: InPlace, form: str) -> None:
    leaf, _ = float_input(form, 0, change.value)
    o = None if change.operand is None else autograd.tensor(change.operand)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        change.change(leaf, o)
    assert leaf.item() == F32(change.value) and leaf._version == 0


@pytest.mark.parametrize("change", INPLACE_ON_LEAF, ids=str)
@pytest.mark.parametrize("form", ["scalar_leaf", "promoted_leaf", "array_leaf"])
def test_inplace_change_of_a_leaf_under_no_grad_works_in_each_form(change: InPlace, form: str) -> None:
    leaf, _ = float_input(form, 0, change.value)
    o = None if change.operand is None else autograd.tensor(change.operand)
    with autograd.no_grad():
        change.change(leaf, o)
    np.testing.assert_allclose(leaf.item(), change.ref(F32(change.value), None if o is None else F32(o.item())))
    assert leaf.requires_grad and leaf.is_leaf and leaf.shape == ()


SAVING_OPS = {  # an op that saves its 0-d input (or output) for backward, and the tensor it saved
    "mul-saves-input": lambda y, w: (y * w, y),
    "pow-saves-input": lambda y, w: (y**3, y),
    "exp-saves-output": lambda y, w: (lambda out: (out * 1, out))(y.exp()),
    "sigmoid-saves-output": lambda y, w: (lambda out: (out * 1, out))(y.sigmoid()),
    "div-saves-divisor": lambda y, w: (w / y, y),
}


@pytest.mark.parametrize("op", SAVING_OPS)
@pytest.mark.parametrize("form", ["scalar_result", "array_result", "scalar_leaf", "array_leaf"])
def test_changing_a_saved_0d_tensor_in_place_makes_backward_raise(op: str, form: str) -> None:
    y, _ = float_input(form, 0, U)
    w = autograd.tensor(B, requires_grad=True)
    out, saved = SAVING_OPS[op](y, w)
    with autograd.no_grad():  # (a leaf that requires grad is changed under no_grad, as an optimiser does)
        saved.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.backward()


@pytest.mark.parametrize("op", SAVING_OPS)
@pytest.mark.parametrize("form", ["scalar_result", "scalar_leaf"])
def test_turning_a_saved_0d_scalar_into_an_array_keeps_backward_right(op: str, form: str) -> None:
    def grads(promote: bool) -> list[float]:
        y, leaf = float_input(form, 0, U)
        w = autograd.tensor(B, requires_grad=True)
        out, saved = SAVING_OPS[op](y, w)
        if promote:
            for t in (y, w, out, saved):
                t.numpy(force=True)
        out.backward()
        return [leaf.grad.item(), None if w.grad is None else w.grad.item()]

    assert grads(promote=True) == grads(promote=False)


# -- gradients of 0-d leaves ---------------------------------------------------------------------------

LEAF_FORMS = ["scalar_leaf", "promoted_leaf", "array_leaf"]


@pytest.mark.parametrize("form", LEAF_FORMS)
def test_gradient_of_a_0d_leaf_accumulates_over_backward_calls(form: str) -> None:
    x, _ = float_input(form, 0, U)
    (x * x).backward()
    first = x.grad
    assert first.shape == () and first.dtype == autograd.float32 and first.item() == F32(2 * U)
    first.numpy()  # the gradient's scalar becomes an array: the next backward adds to it all the same
    (x * 3).backward()
    assert x.grad.shape == () and x.grad.item() == F32(2 * U + 3)


@pytest.mark.parametrize("form", LEAF_FORMS)
@pytest.mark.parametrize("set_to_none", [True, False], ids=["set_to_none", "zeroed"])
def test_gradient_of_a_0d_leaf_restarts_after_zero_grad(form: str, set_to_none: bool) -> None:
    x, _ = float_input(form, 0, U)
    optimizer = nn.optim.SGD([x], lr=0.1)
    (x * x).backward()
    optimizer.zero_grad(set_to_none=set_to_none)
    assert x.grad is None if set_to_none else x.grad.item() == 0.0
    (x * 3).backward()
    assert x.grad.shape == () and x.grad.item() == 3.0


@pytest.mark.parametrize("form", LEAF_FORMS)
def test_gradient_zeroed_in_place_by_hand_restarts(form: str) -> None:
    x, _ = float_input(form, 0, U)
    (x * x).backward()
    x.grad.zero_()
    (x * 3).backward()
    assert x.grad.item() == 3.0


@pytest.mark.parametrize("form", ["scalar_result", "array_result"])
def test_retain_grad_of_a_0d_result_keeps_a_0d_gradient(form: str) -> None:
    y, leaf = float_input(form, 0, U)
    y.retain_grad()
    (y.exp() * 2).backward()
    assert y.grad.shape == () and y.grad.dtype == autograd.float32
    np.testing.assert_allclose(y.grad.item(), 2 * np.exp(F32(U)), rtol=1e-6)
    np.testing.assert_allclose(leaf.grad.item(), 2 * np.exp(F32(U)), rtol=1e-6)


@pytest.mark.parametrize("form", LEAF_FORMS + ["scalar_result", "array_result"])
@pytest.mark.parametrize("returned", ["scalar_tensor", "array_tensor"])
def test_hook_on_a_0d_tensor_can_replace_its_gradient_in_either_form(form: str, returned: str) -> None:
    y, leaf = float_input(form, 0, U)
    replacement = autograd.tensor(5.0) if returned == "scalar_tensor" else autograd.from_numpy(np.array(5.0, F32))
    y.register_hook(lambda g: replacement)
    (y * 2).backward()
    assert leaf.grad.shape == () and leaf.grad.item() == 5.0


@pytest.mark.parametrize("form", LEAF_FORMS + ["scalar_result", "array_result"])
@pytest.mark.parametrize("gradient", ["scalar", "array", "float", "np.float32"])
def test_backward_with_an_explicit_0d_gradient(form: str, gradient: str) -> None:
    y, leaf = float_input(form, 0, U)
    g = {
        "scalar": autograd.tensor(3.0),
        "array": autograd.from_numpy(np.array(3.0, F32)),
        "float": 3.0,
        "np.float32": np.float32(3.0),
    }[gradient]
    (y * 2).backward(g)
    assert leaf.grad.shape == () and leaf.grad.dtype == autograd.float32 and leaf.grad.item() == 6.0


@pytest.mark.parametrize("form", LEAF_FORMS + ["scalar_result", "array_result"])
def test_second_derivative_of_a_0d_tensor_under_create_graph(form: str) -> None:
    y, leaf = float_input(form, 0, U)
    (first,) = autograd.grad(y**3, [leaf], create_graph=True)
    assert first.shape == () and first.requires_grad
    (second,) = autograd.grad(first, [leaf])
    np.testing.assert_allclose(first.item(), 3 * U**2, rtol=1e-6)
    np.testing.assert_allclose(second.item(), 6 * U, rtol=1e-6)


# -- conversions and printing --------------------------------------------------------------------------

ALL_FORMS = LEAF_FORMS + ["scalar_result", "array_result", "scalar_nograd", "array_nograd"]
CONVERSIONS = {
    "item": lambda t: t.item(),
    "float": lambda t: float(t),
    "int": lambda t: int(t),
    "bool": lambda t: bool(t),
    "tolist": lambda t: t.tolist(),
    "repr": lambda t: repr(t),
    "str": lambda t: str(t),
    "format-.3f": lambda t: format(t, ".3f"),
    "f-string": lambda t: f"{t}",
    "shape": lambda t: t.shape,
    "size": lambda t: t.size(),
    "dim": lambda t: t.dim(),
    "ndim": lambda t: t.ndim,
    "numel": lambda t: t.numel(),
    "dtype": lambda t: t.dtype,
    "len": lambda t: len(t),
    "iter": lambda t: list(t),
    "index": lambda t: [0, 1, 2][t],
    "np.asarray-detach": lambda t: np.asarray(t.detach()).tolist(),
    "np.array-detach-float64": lambda t: np.array(t.detach(), dtype=np.float64).tolist(),
    "math.isclose": lambda t: math.isclose(t, 0.75),
    "hash-is-identity": lambda t: hash(t) == object.__hash__(t),
    "is_leaf": lambda t: t.is_leaf,
    "requires_grad": lambda t: t.requires_grad,
    "grad_fn": lambda t: None if t.grad_fn is None else t.grad_fn.name(),
}


def convert(name: str, form: str) -> Any:
    t, _ = float_input(form, 0, U)
    try:
        value = CONVERSIONS[name](t)
    except Exception as e:  # noqa: BLE001 - compared across forms
        return Raised(type(e), str(e))
    return type(value), value


@pytest.mark.parametrize("name", CONVERSIONS)
@pytest.mark.parametrize("form", ALL_FORMS)
def test_conversion_gives_the_same_in_each_form(name: str, form: str) -> None:
    reference = {"scalar_nograd": "scalar_nograd", "array_nograd": "scalar_nograd"}.get(form, REFERENCE)
    if form in ("scalar_result", "array_result"):
        reference = "scalar_result"
    assert convert(name, form) == convert(name, reference)


def test_conversions_give_python_numbers_and_the_engines_text() -> None:
    x = autograd.tensor(U, requires_grad=True)
    assert type(x.item()) is float and type(x.tolist()) is float and type(float(x)) is float
    assert repr(x) == "tensor(0.75, requires_grad=True)" and repr(x * 1) == "tensor(0.75, grad_fn=<MulBackward>)"
    assert repr(autograd.tensor(2.0, dtype=autograd.float64)) == "tensor(2., dtype=autograd.float64)"
    assert repr(autograd.tensor(3)) == "tensor(3)" and repr(autograd.tensor(True)) == "tensor(True)"
    with pytest.raises(TypeError, match="len"):
        len(x)
    with pytest.raises(TypeError, match="iteration"):
        iter(x)


# -- copies, detach, casts ------------------------------------------------------------------------------

DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "bool": np.bool_}


def zero_d(form: str, value: Any, dtype: Any, requires_grad: bool) -> Tensor:
    array = np.array(value, dtype=dtype)
    t = autograd.tensor(array[()]) if form == "scalar" else autograd.from_numpy(array)
    assert isinstance(t._data, np.generic) if form == "scalar" else type(t._data) is np.ndarray
    return t.requires_grad_() if requires_grad else t


COPY_PARAMS = [
    pytest.param(form, dtype, requires_grad, id=f"{form}-{dtype}{'-requires_grad' if requires_grad else ''}")
    for form in ("scalar", "array")
    for dtype in DTYPES
    for requires_grad in ((False, True) if dtype.startswith("float") else (False,))
]


def check_copy(original: Tensor, copied: Tensor, *, requires_grad: bool) -> None:
    assert copied is not original and copied.shape == () and copied.dtype == original.dtype
    assert copied.item() == original.item() and copied.requires_grad == requires_grad and copied.is_leaf
    assert not np.shares_memory(copied.numpy(force=True), original.numpy(force=True))


@pytest.mark.parametrize(("form", "dtype", "requires_grad"), COPY_PARAMS)
def test_deepcopy_of_a_0d_leaf_has_its_own_memory_and_gradient(form: str, dtype: str, requires_grad: bool) -> None:
    t = zero_d(form, 2, DTYPES[dtype], requires_grad)
    if requires_grad:
        (t * 3).backward()
    copied = copy.deepcopy(t)
    check_copy(t, copied, requires_grad=requires_grad)
    if requires_grad:
        assert copied.grad.shape == () and copied.grad.item() == 3.0 and copied.grad is not t.grad
        assert not np.shares_memory(copied.grad.numpy(), t.grad.numpy())
    before = t.item()
    with autograd.no_grad():
        copied.fill_(0)
    assert t.item() == before


@pytest.mark.parametrize(("form", "dtype", "requires_grad"), COPY_PARAMS)
def test_pickle_round_trip_of_a_0d_tensor(form: str, dtype: str, requires_grad: bool) -> None:
    t = zero_d(form, 2, DTYPES[dtype], requires_grad)
    copied = pickle.loads(pickle.dumps(t))
    check_copy(t, copied, requires_grad=requires_grad)
    assert copied.grad is None


@pytest.mark.parametrize("form", ["scalar_result", "array_result"])
def test_a_0d_result_that_requires_grad_refuses_deepcopy_and_pickle(form: str) -> None:
    y, _ = float_input(form, 0, U)
    with pytest.raises(RuntimeError, match="deepcopy"):
        copy.deepcopy(y)
    with pytest.raises(RuntimeError, match="pickle"):
        pickle.dumps(y)
    assert pickle.loads(pickle.dumps(y.detach())).item() == U


@pytest.mark.parametrize("form", ALL_FORMS)
def test_detach_shares_memory_and_version_with_the_0d_tensor(form: str) -> None:
    t, _ = float_input(form, 0, U)
    version = t._version
    d = t.detach()
    assert d.shape == () and not d.requires_grad and d.is_leaf
    d.add_(1.0)
    assert t.item() == F32(U + 1) and t._version == version + 1
    assert np.shares_memory(d.numpy(), t.numpy(force=True))


@pytest.mark.parametrize("form", ALL_FORMS)
def test_data_shares_memory_with_the_0d_tensor(form: str) -> None:
    t, _ = float_input(form, 0, U)
    t.data.mul_(2.0)
    assert t.item() == F32(2 * U)
    t.data = autograd.tensor(5.0)
    assert t.item() == 5.0 and t.shape == ()


@pytest.mark.parametrize("form", ALL_FORMS)
def test_clone_of_a_0d_tensor_has_its_own_memory_and_passes_the_gradient(form: str) -> None:
    t, leaf = float_input(form, 0, U)
    c = t.clone()
    assert c.shape == () and c.dtype == autograd.float32 and c.item() == F32(U)
    c.mul_(2.0)
    assert t.item() == F32(U)
    if leaf is not None:
        c.backward()
        assert leaf.grad.shape == () and leaf.grad.item() == 2.0


@pytest.mark.parametrize("form", ALL_FORMS)
def test_to_float64_of_a_0d_tensor_is_a_copy_with_a_float32_gradient(form: str) -> None:
    t, leaf = float_input(form, 0, U)
    d = t.to(autograd.float64)
    assert d.shape == () and d.dtype == autograd.float64 and d.item() == float(F32(U))
    assert t.to(autograd.float32) is t and t.to("cpu") is t
    with autograd.no_grad():
        d.detach().add_(1.0)
    assert t.item() == F32(U)
    if leaf is not None:
        (d * 2).backward()
        assert leaf.grad.dtype == autograd.float32 and leaf.grad.shape == () and leaf.grad.item() == 2.0


@pytest.mark.parametrize("form", ALL_FORMS)
def test_numpy_of_a_0d_tensor_returns_its_memory_each_time(form: str) -> None:
    t, _ = float_input(form, 0, U)
    first = t.numpy(force=True)
    assert type(first) is np.ndarray and first.shape == () and first.dtype == np.float32
    assert t.numpy(force=True) is first
    first[()] = 4.0
    assert t.item() == 4.0
    if t.requires_grad:
        with pytest.raises(RuntimeError, match="requires grad"):
            t.numpy()


CREATORS = {
    "tensor": lambda t: autograd.tensor(t),
    "as_tensor": lambda t: autograd.as_tensor(t),
    "as_tensor-float64": lambda t: autograd.as_tensor(t, dtype=autograd.float64),
    "zeros_like": lambda t: autograd.zeros_like(t),
    "ones_like": lambda t: autograd.ones_like(t),
    "full_like": lambda t: autograd.full_like(t, 2.0),
    "empty_like": lambda t: autograd.empty_like(t).fill_(0),
    "rand_like": lambda t: autograd.rand_like(t),
    "randn_like": lambda t: autograd.randn_like(t),
    "Tensor": lambda t: Tensor(t),
    "Variable": lambda t: autograd.Variable(t),
    "nn.Parameter": lambda t: nn.Parameter(t),
    "extension.wrap": lambda t: autograd.extension.wrap(t._data),
}


@pytest.mark.parametrize("name", CREATORS)
@pytest.mark.parametrize("form", ["promoted_leaf", "array_leaf", "scalar_result", "array_result", "array_nograd"])
def test_making_a_tensor_from_a_0d_tensor_is_the_same_in_each_form(name: str, form: str) -> None:
    def made(form: str) -> Any:
        t, _ = float_input(form, 0, U)
        autograd.manual_seed(0)
        out = CREATORS[name](t)
        return describe(out)

    reference = "scalar_result" if form in ("scalar_result", "array_result") else REFERENCE
    if form == "array_nograd":
        reference = "scalar_nograd"
    assert_same(made(reference), made(form), f"{name} [{form}]")


# -- serialization ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ALL_FORMS)
def test_safetensors_round_trip_of_a_0d_tensor(form: str, tmp_path: Any) -> None:
    t, _ = float_input(form, 0, U)
    double = t.detach().double()
    nn.save({"x": t, "x64": double, "n": autograd.tensor(7), "b": autograd.tensor(True)}, tmp_path / "t.safetensors")
    header, _ = nn.serialization.read_header(tmp_path / "t.safetensors")
    assert {key: info.shape for key, info in header.items()} == {"x": (), "x64": (), "n": (), "b": ()}
    loaded = nn.load(tmp_path / "t.safetensors")
    for key, expected in (("x", t), ("x64", double), ("n", autograd.tensor(7)), ("b", autograd.tensor(True))):
        assert loaded[key].shape == () and loaded[key].dtype == expected.dtype
        assert loaded[key].item() == expected.item()


class Scaled(nn.Module):
    """A module with a 0-d parameter and a 0-d buffer."""

    def __init__(self, scale: Tensor, count: Tensor) -> None:
        super().__init__()
        self.scale = nn.Parameter(scale)
        self.register_buffer("count", count)

    def forward(self, x: Tensor) -> Tensor:
        return x * self.scale + self.count


@pytest.mark.parametrize("saved_form", ["scalar", "array"])
@pytest.mark.parametrize("loaded_form", ["scalar", "array"])
def test_module_with_0d_parameter_and_buffer_saves_loads_and_trains(
    saved_form: str, loaded_form: str, tmp_path: Any
) -> None:
    def module(form: str, scale: float, count: float) -> Scaled:
        return Scaled(zero_d(form, scale, F32, False), zero_d(form, count, F32, False))

    saved = module(saved_form, 1.5, 3.0)
    nn.save(saved, tmp_path / "m.safetensors")
    loaded = module(loaded_form, 0.0, 0.0)
    loaded.load_state_dict(nn.load(tmp_path / "m.safetensors"))
    assert loaded.scale.shape == () and loaded.count.shape == () and loaded.scale.requires_grad
    assert loaded.scale.item() == 1.5 and loaded.count.item() == 3.0
    loaded(autograd.tensor(2.0)).backward()
    assert loaded.scale.grad.shape == () and loaded.scale.grad.item() == 2.0


# -- optimisers on a 0-d parameter -------------------------------------------------------------------------
# A 0-d parameter must follow exactly the trajectory the same parameter of shape (1,) follows.

OPTIMIZERS = {
    "SGD": lambda p: nn.optim.SGD(p, lr=0.1),
    "SGD-momentum-nesterov": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "SGD-weight_decay-maximize": lambda p: nn.optim.SGD(p, lr=0.1, weight_decay=0.1, maximize=True),
    "Adam": lambda p: nn.optim.Adam(p, lr=0.1),
    "Adam-amsgrad": lambda p: nn.optim.Adam(p, lr=0.1, amsgrad=True),
    "AdamW": lambda p: nn.optim.AdamW(p, lr=0.1, weight_decay=0.1),
    "RMSprop-centered-momentum": lambda p: nn.optim.RMSprop(p, lr=0.1, momentum=0.5, centered=True),
    "Adagrad": lambda p: nn.optim.Adagrad(p, lr=0.1),
}
PARAMETERS = {
    "scalar_leaf": lambda: scalar_leaf(U),
    "array_leaf": lambda: array_leaf(U),
    "parameter": lambda: nn.Parameter(autograd.tensor(U)),
    "scalar_leaf-array_grad": lambda: scalar_leaf(U),  # its gradient turned into an array before each step
}


def trajectory(make: Callable[[list[Tensor]], Any], p: Tensor, array_grad: bool = False) -> list[Any]:
    optimizer = make([p])
    values = []
    for _ in range(4):
        optimizer.zero_grad()
        ((p - 2.0) ** 2).sum().backward()
        if array_grad:
            p.grad.numpy()
        optimizer.step()
        values.append(p.detach().numpy().copy())
    return values


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("parameter", PARAMETERS)
def test_optimizer_step_on_a_0d_parameter_matches_a_1_element_one(optimizer: str, parameter: str) -> None:
    p = PARAMETERS[parameter]()
    values = trajectory(OPTIMIZERS[optimizer], p, array_grad=parameter.endswith("array_grad"))
    expected = trajectory(OPTIMIZERS[optimizer], autograd.tensor([U], requires_grad=True))
    assert p.shape == () and p.dtype == autograd.float32 and p.is_leaf
    np.testing.assert_array_equal(np.stack(values), np.stack(expected)[:, 0], strict=False)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_optimizer_state_of_a_0d_parameter_saves_and_loads(optimizer: str, tmp_path: Any) -> None:
    p = nn.Parameter(autograd.tensor(U))
    first = OPTIMIZERS[optimizer]([p])
    trajectory(lambda params: first, p)
    nn.save(first.state_dict(), tmp_path / "o.safetensors")
    q = nn.Parameter(autograd.tensor(p.item()))
    second = OPTIMIZERS[optimizer]([q])
    second.load_state_dict(nn.load(tmp_path / "o.safetensors"))
    np.testing.assert_array_equal(trajectory(lambda params: second, q), trajectory(lambda params: first, p))


# -- views of a 0-d tensor ------------------------------------------------------------------------------
# As in PyTorch, these are views: a change through one shows in the tensor (and counts as its change).

VIEWS = {
    "x[...]": lambda x: x[...],
    "x[()]": lambda x: x[()],
    "x[None]": lambda x: x[None],
    "reshape(1)": lambda x: x.reshape(1),
    "view(1)": lambda x: x.view(1),
    "view(1,1)": lambda x: x.view(1, 1),
    "unsqueeze(0)": lambda x: x.unsqueeze(0),
    "flatten": lambda x: x.flatten(),
    "squeeze": lambda x: x.squeeze(),
    "T": lambda x: x.T,
    "transpose(0,0)": lambda x: x.transpose(0, 0),
    "permute()": lambda x: x.permute(),
    "view_as": lambda x: x.view_as(x),
    "detach": lambda x: x.detach(),
}
VIEW_FORMS = {
    "scalar": lambda: autograd.tensor(U),
    "promoted": lambda: as_array(autograd.tensor(U)),
    "array": lambda: autograd.from_numpy(np.array(U, dtype=F32)),
    "scalar_result": lambda: autograd.tensor(U) * 1,
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("form", VIEW_FORMS)
def test_change_through_a_view_of_a_0d_tensor_changes_the_tensor(view: str, form: str) -> None:
    x = VIEW_FORMS[form]()
    v = VIEWS[view](x)
    v.fill_(5.0)
    assert x.item() == 5.0, f"{view} of a {form} 0-d tensor does not share its memory"
    assert x._version == 1


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("form", VIEW_FORMS)
def test_change_of_a_0d_tensor_shows_in_its_view(view: str, form: str) -> None:
    x = VIEW_FORMS[form]()
    v = VIEWS[view](x)
    x.fill_(5.0)
    assert v.tolist() in (5.0, [5.0], [[5.0]]), f"{view} of a {form} 0-d tensor does not share its memory"


@pytest.mark.parametrize("view", ["x[...]", "x[None]", "reshape(1)", "unsqueeze(0)"])
@pytest.mark.parametrize("form", ["scalar_result", "array_result"])
def test_recorded_change_through_a_view_of_a_0d_result_reaches_its_gradient(view: str, form: str) -> None:
    y, leaf = float_input(form, 0, U)
    VIEWS[view](y).mul_(2.0)
    (y * 3).backward()
    assert y.item() == F32(2 * U) and leaf.grad.item() == 6.0


# -- gradient utilities on a 0-d tensor ----------------------------------------------------------------


def backward_then(p: Tensor, then: Callable[[], Any]) -> Any:
    (p * 4).backward()
    result = then()
    return result, p.grad.item()


UTILITIES = {
    "clip_grad_norm_": lambda p: backward_then(p, lambda: nn.utils.clip_grad_norm_([p], 1.0).item()),
    "clip_grad_value_": lambda p: backward_then(p, lambda: nn.utils.clip_grad_value_([p], 1.0)),
    "parameters_to_vector": lambda p: nn.utils.parameters_to_vector([p]).tolist(),
    "vector_to_parameters": lambda p: (nn.utils.vector_to_parameters(autograd.tensor([3.0]), [p]), p.shape, p.item()),
    "functional.jacobian": lambda p: autograd.functional.jacobian(lambda x: x.exp(), p.detach()).tolist(),
    "functional.hessian": lambda p: autograd.functional.hessian(lambda x: x**3, p.detach()).tolist(),
    "functional.vjp": lambda p: [t.tolist() for t in autograd.functional.vjp(lambda x: x**2, p.detach(), p * 0 + 1)],
    "functional.jvp": lambda p: [t.tolist() for t in autograd.functional.jvp(lambda x: x**2, p.detach(), p * 0 + 1)],
    "functional.hvp": lambda p: [t.tolist() for t in autograd.functional.hvp(lambda x: x**3, p.detach(), p * 0 + 1)],
    "grad-grad_outputs": lambda p: autograd.grad(p * 2, [p], [p.detach() * 0 + 3])[0].tolist(),
}
UTILITY_FORMS = {
    "scalar_leaf": lambda: scalar_leaf(U),
    "array_leaf": lambda: array_leaf(U),
    "parameter": lambda: nn.Parameter(autograd.tensor(U)),
}


@pytest.mark.parametrize("utility", UTILITIES)
@pytest.mark.parametrize("form", ["array_leaf", "parameter"])
def test_gradient_utility_on_a_0d_tensor_is_the_same_in_each_form(utility: str, form: str) -> None:
    assert UTILITIES[utility](UTILITY_FORMS[form]()) == UTILITIES[utility](UTILITY_FORMS["scalar_leaf"]())
