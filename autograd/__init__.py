"""tinyautograd's engine: tensors that record their history, and backward through it.

>>> import autograd
>>> x = autograd.tensor(5.0, requires_grad=True)
>>> (x ** 3).backward()
>>> x.grad
tensor(75.)
"""

# ruff: noqa: I001  (tensor first: the modules it imports at its end import it back)
from .tensor import Tensor
from . import functional
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .backward import grad
from .creation import (
    Variable,
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool,
    double,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    uint8,
)
from .errors import DimError, DtypeError, EngineError, ShapeError
from .function import AccumulateGrad, Function, RemovableHandle
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .ops.elementwise import (
    abs,
    add,
    clamp,
    clip,
    clone,
    cos,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    relu,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    sub,
    tanh,
    where,
)
from .ops.linalg import dot, matmul, mm
from .ops.reduction import (
    amax,
    argmax,
    argmin,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    std,
    sum,
    var,
)
from .ops.shape import (
    broadcast_to,
    cat,
    chunk,
    expand,
    flatten,
    pad,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    t,
    transpose,
    unsqueeze,
)
from .random import manual_seed

__version__ = "0.1.0"

__all__ = [
    "AccumulateGrad", "DimError", "DtypeError", "EngineError", "Function", "GradcheckError",
    "RemovableHandle", "ShapeError", "Tensor", "Variable", "abs", "add", "amax", "arange",
    "argmax", "argmin", "as_tensor", "bool", "broadcast_to", "cat", "chunk", "clamp", "clip",
    "clone", "cos", "detect_anomaly", "div", "dot", "double", "empty", "empty_like",
    "enable_grad", "exp", "expand", "eye", "flatten", "float", "float16", "float32", "float64",
    "from_numpy", "full", "full_like", "functional", "get_default_dtype", "grad", "gradcheck",
    "gradgradcheck", "half", "int8", "int16", "int32", "int64", "is_anomaly_enabled",
    "is_grad_enabled", "linspace", "log", "log_softmax", "logsumexp", "long", "manual_seed",
    "matmul", "max", "maximum", "mean", "min", "minimum", "mm", "mul", "neg", "no_grad", "ones",
    "ones_like", "pad", "permute", "pow", "rand", "rand_like", "randint", "randn", "randn_like",
    "randperm", "relu", "reshape", "set_default_dtype", "set_detect_anomaly",
    "set_grad_enabled", "sigmoid", "sign", "sin", "softmax", "split", "sqrt", "square",
    "squeeze", "stack", "std", "sub", "sum", "t", "tanh", "tensor", "transpose", "uint8",
    "unsqueeze", "var", "where", "zeros", "zeros_like",
]
