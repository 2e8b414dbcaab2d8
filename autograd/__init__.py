"""tinyautograd's engine: tensors that record their history, and backward through it.

>>> import autograd
>>> x = autograd.tensor(5.0, requires_grad=True)
>>> (x ** 3).backward()
>>> x.grad
tensor(75.)
"""

# ruff: noqa: I001  (tensor first: the modules it imports at its end import it back)
from typing import TYPE_CHECKING, Any

from .tensor import Tensor
from . import forward_ad, functional
from . import linalg, return_types
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .engine import backward, grad
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
    dtype,
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
from .explain import BackwardStep, BackwardTrace, explain_backward
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph_drawing import draw_graph
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .promotion import promote_types, result_type
from .device import device
from .random import manual_seed
from . import ops  # noqa: F401  (every module in autograd/ops/: each op registers itself, autograd/registry.py)
from .registry import EXPORTS

globals().update(EXPORTS)  # the ops' functions: autograd.exp, autograd.sum, autograd.conv2d, ...

if TYPE_CHECKING:

    def __getattr__(name: str) -> Any: ...  # for type checkers: the ops registered above


__version__ = "0.1.0"

__all__ = [  # what autograd exports besides its ops
    "AccumulateGrad",
    "DimError",
    "DtypeError",
    "EngineError",
    "Function",
    "GradcheckError",
    "RemovableHandle",
    "ShapeError",
    "Tensor",
    "Variable",
    "arange",
    "as_tensor",
    "backward",
    "bool",
    "detect_anomaly",
    "double",
    "dtype",
    "draw_graph",
    "empty",
    "empty_like",
    "enable_grad",
    "eye",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "forward_ad",
    "functional",
    "linalg",
    "return_types",
    "get_default_dtype",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "half",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "linspace",
    "long",
    "manual_seed",
    "inference_mode",
    "promote_types",
    "result_type",
    "device",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "set_default_dtype",
    "set_detect_anomaly",
    "set_grad_enabled",
    "tensor",
    "uint8",
    "zeros",
    "zeros_like",
    "BackwardStep",
    "BackwardTrace",
    "explain_backward",
]
__all__ += sorted(EXPORTS)  # and the ops
