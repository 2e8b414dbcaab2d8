"""`Tensor`: a NumPy array that records the operations made on it.

A tensor that requires grad remembers the node that made it (`grad_fn`);
`backward()` walks those nodes and accumulates gradients into the leaves.

>>> x = tensor(5.0, requires_grad=True)
>>> (x ** 3).backward()
>>> x.grad
tensor(75.)
"""

from __future__ import annotations

import builtins
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import dtypes
from .errors import DtypeError
from .state import EVENT_ORDER, Defaults, InPlace

_ndarray = np.ndarray
_new = object.__new__


class Tensor:
    """An n-dimensional array with an optional gradient and the history that made it.

    The legacy constructor is kept as PyTorch keeps it: `Tensor([1.0])` makes a
    float32 tensor from data, `Tensor(2, 3)` an uninitialised one of that shape.
    Prefer `autograd.tensor(data)`.
    """

    __slots__ = (
        "_data",  # np.ndarray (or a NumPy scalar for 0-d results, promoted on demand)
        "grad",
        "_requires_grad",
        "grad_fn",
        "_version",
        "_changed",  # EVENT_ORDER number of the latest in-place change (-1: never changed)
        "_base",
        "_output_nr",
        "_accumulator",
        "_hooks",
        "_retains_grad",
        "__weakref__",
    )
    __array_priority__ = 1000  # ndarray (op) Tensor defers to the Tensor

    _data: Any
    grad: Tensor | None
    _requires_grad: builtins.bool
    grad_fn: Any
    _version: builtins.int
    _changed: builtins.int
    _base: Tensor | None
    _output_nr: builtins.int
    _accumulator: Any
    _hooks: dict[int, Callable] | None
    _retains_grad: builtins.bool

    def __init__(self, *args: Any, dtype: Any = None, requires_grad: builtins.bool = False) -> None:
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            data = args[0]._data if isinstance(args[0], Tensor) else args[0]
            array = np.array(data, dtype=dtypes.to_dtype(dtype) if dtype is not None else Defaults.dtype)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            array = np.empty(tuple(int(s) for s in shape), dtype=dtypes.to_dtype(dtype or Defaults.dtype))
        Tensor._init(self, array, False)
        if requires_grad:
            self.requires_grad = True

    def _init(self, data: Any, requires_grad: builtins.bool) -> None:
        """Set every field of a new tensor (`_make` sets the same ones inline: it runs once per op)."""
        self._data = data
        self.grad = None
        self._requires_grad = requires_grad
        self.grad_fn = None
        self._version = 0
        self._changed = -1
        self._base = None
        self._output_nr = 0
        self._accumulator = None
        self._hooks = None
        self._retains_grad = False

    @staticmethod
    def _make(data: Any, requires_grad: builtins.bool = False, grad_fn: Any = None) -> Tensor:
        """Wrap an array without copying or checking (the engine's constructor)."""
        t = _new(Tensor)
        t._data = data
        t.grad = None
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._version = 0
        t._changed = -1
        t._base = None
        t._output_nr = 0
        t._accumulator = None
        t._hooks = None
        t._retains_grad = False
        return t

    # -- the array -----------------------------------------------------------------

    def _array(self) -> np.ndarray:
        """The data as an ndarray (a 0-d result held as a NumPy scalar becomes an array)."""
        d = self._data
        if type(d) is not _ndarray:
            d = self._data = np.array(d)
        return d

    def _version_holder(self) -> Tensor:
        """The tensor whose version counter this one shares (its base for a view)."""
        b = self._base
        return self if b is None else b

    def _bump_version(self) -> None:
        base = self._base
        holder = self if base is None else base
        holder._version += 1
        holder._changed = InPlace.last = next(EVENT_ORDER)

    @property
    def data(self) -> Tensor:
        """The same memory as a tensor without history (changes to it are not tracked)."""
        return Tensor._make(self._array())

    @data.setter
    def data(self, value: Any) -> None:
        array = value._array() if isinstance(value, Tensor) else np.asarray(value)
        self._data = array

    @property
    def shape(self) -> tuple[builtins.int, ...]:
        """The size of each dimension, as a tuple."""
        return self._data.shape

    def size(self, dim: builtins.int | None = None) -> Any:
        """The shape, or the size of one dimension."""
        if dim is None:
            return self._data.shape
        from .ops.dims import normalize_dim

        return self._data.shape[normalize_dim(dim, self.ndim, "size")]

    @property
    def dtype(self) -> np.dtype:
        """The element type (a NumPy dtype, e.g. `autograd.float32`)."""
        return self._data.dtype

    @property
    def ndim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    def dim(self) -> builtins.int:
        """The number of dimensions."""
        return self._data.ndim

    def numel(self) -> builtins.int:
        """The number of elements."""
        return int(self._data.size)

    def __len__(self) -> builtins.int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self._data.shape[0])

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item(): only one-element tensors can be converted, got shape {self.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists."""
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data as a NumPy array sharing memory with the tensor."""
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on a tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._array()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self.numpy()
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a

    def __float__(self) -> builtins.float:
        return float(self.item())

    def __int__(self) -> builtins.int:
        return int(self.item())

    def __bool__(self) -> builtins.bool:
        if self._data.size != 1:
            raise RuntimeError(f"the truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()")
        return bool(self._data)

    def __index__(self) -> builtins.int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only one-element integer tensors can be used as an index")
        return int(self._data)

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __repr__(self) -> str:
        body = np.array2string(self._array(), separator=", ", precision=4, prefix="tensor(")
        extras = ""
        if self._data.dtype != Defaults.dtype and self._data.dtype != np.int64 and self._data.dtype != np.bool_:
            extras += f", dtype=autograd.{self._data.dtype}"
        if self.grad_fn is not None:
            extras += f", grad_fn=<{self.grad_fn.name()}>"
        elif self._requires_grad:
            extras += ", requires_grad=True"
        return f"tensor({body}{extras})"

    # -- gradients and the graph ------------------------------------------------------

    @property
    def requires_grad(self) -> builtins.bool:
        """Whether operations on this tensor are recorded for backward."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: builtins.bool) -> None:
        if value and self._data.dtype.kind != "f":
            raise DtypeError(
                f"only floating-point tensors can require gradients, got dtype {self._data.dtype}; "
                "create it with dtype=autograd.float32"
            )
        if not value and self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; use .detach() for a copy without history"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Set `requires_grad` in place and return the tensor."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> builtins.bool:
        """True for tensors not made by a recorded op (gradients accumulate only in leaves)."""
        return self.grad_fn is None

    def _grad_node(self) -> Any:
        """The graph node gradients flow into: `grad_fn`, or the leaf's `AccumulateGrad`."""
        fn = self.grad_fn
        if fn is not None:
            return fn
        ref = self._accumulator
        acc = ref() if ref is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return acc

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`.

        >>> x = tensor([2.0], requires_grad=True); (1 / x).backward(); x.grad
        tensor([-0.25])
        """
        run_backward((self,), (gradient,), retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self._requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require grad")
        if self.grad_fn is not None:
            return self.grad_fn.register_prehook(hook, self._output_nr)
        if self._hooks is None:
            self._hooks = {}
        return RemovableHandle(self._hooks, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` for this non-leaf tensor after backward (leaves always keep it)."""
        if not self._requires_grad:
            raise RuntimeError("retain_grad: can't retain_grad on a tensor that doesn't require grad")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def store(grad: Tensor) -> None:
            t = ref()
            if t is not None:
                g = grad._data if not grad._requires_grad else grad
                if t.grad is None:
                    t.grad = Tensor._make(np.array(g, dtype=t.dtype)) if not isinstance(g, Tensor) else g
                else:
                    t.grad = t.grad + g

        self.grad_fn.register_prehook(store, self._output_nr)

    @property
    def retains_grad(self) -> builtins.bool:
        """True when `retain_grad()` was called on this non-leaf tensor."""
        return self._retains_grad

    def detach(self) -> Tensor:
        """The same memory, cut from the graph (shares the version counter)."""
        t = Tensor._make(self._array())
        t._base = self._version_holder()
        return t

    def __deepcopy__(self, memo: dict) -> Tensor:
        """A copy of a leaf with its own memory, gradient and graph node (as PyTorch, only leaves copy)."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "deepcopy: only leaf tensors (made by the user, not by an op) can be deep-copied; "
                "use .detach().clone() for a copy of a computed tensor"
            )
        t = Tensor._make(np.array(self._data, copy=True), self._requires_grad)
        if self.grad is not None:
            t.grad = Tensor._make(np.array(self.grad._data, copy=True))
        memo[id(self)] = t
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    # -- conversions ---------------------------------------------------------------------

    def to(self, dtype: Any) -> Tensor:
        """This tensor with another dtype (itself when the dtype matches)."""
        return _ew.cast(self, dtypes.to_dtype(dtype))

    def type(self, dtype: Any) -> Tensor:
        """This tensor with another dtype."""
        return self.to(dtype)

    def float(self) -> Tensor:
        """As float32."""
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """As float64."""
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        """As int64 (no gradient)."""
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        """As int32 (no gradient)."""
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        """As bool (no gradient)."""
        return self.to(dtypes.bool)

    def cpu(self) -> Tensor:
        """Itself (there is only the CPU)."""
        return self

    def contiguous(self) -> Tensor:
        """Itself (NumPy handles strides)."""
        return self

    # -- arithmetic operators -------------------------------------------------------------

    def __add__(self, other: Any) -> Tensor:
        return _ew.Add.apply(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ew.Add.apply(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ew.Sub.apply(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ew.Sub.apply(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ew.Mul.apply(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ew.Mul.apply(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ew.Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ew.Div.apply(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ew.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ew.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _linalg.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ew.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ew.abs(self)

    # comparisons: no gradient, bool results
    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        if other is None:
            return False
        return _ew.compare(np.equal, self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        if other is None:
            return True
        return _ew.compare(np.not_equal, self, other)

    def __lt__(self, other: Any) -> Tensor:
        return _ew.compare(np.less, self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ew.compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ew.compare(np.greater, self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ew.compare(np.greater_equal, self, other)

    def __invert__(self) -> Tensor:
        return _ew.logical_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _ew.compare(np.logical_and, self, other)

    def __or__(self, other: Any) -> Tensor:
        return _ew.compare(np.logical_or, self, other)

    __hash__ = object.__hash__

    # -- in-place operators ----------------------------------------------------------------

    def add_(self, other: Any, alpha: Any = 1) -> Tensor:
        """self += alpha * other, in place."""
        return _inplace.apply_inplace(self, "add_", _ew.Add.apply, other if alpha == 1 else other * alpha, ufunc=np.add)

    def sub_(self, other: Any, alpha: Any = 1) -> Tensor:
        """self -= alpha * other, in place."""
        return _inplace.apply_inplace(
            self, "sub_", _ew.Sub.apply, other if alpha == 1 else other * alpha, ufunc=np.subtract
        )

    def mul_(self, other: Any) -> Tensor:
        """self *= other, in place."""
        return _inplace.apply_inplace(self, "mul_", _ew.Mul.apply, other, ufunc=np.multiply)

    def div_(self, other: Any) -> Tensor:
        """self /= other, in place."""
        return _inplace.apply_inplace(self, "div_", _ew.Div.apply, other, ufunc=np.true_divide)

    __iadd__ = add_  # `w -= lr * g` is `w.sub_(lr * g)`, without a call in between
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def pow_(self, exponent: Any) -> Tensor:
        """self **= exponent, in place."""
        return _inplace.apply_inplace(self, "pow_", _ew.pow, exponent)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        """Clamp in place."""
        return _inplace.apply_inplace(self, "clamp_", lambda t: _ew.clamp(t, min, max))

    def relu_(self) -> Tensor:
        """ReLU in place."""
        return _inplace.apply_inplace(self, "relu_", _ew.relu)

    def copy_(self, src: Any) -> Tensor:
        """Copy `src` (broadcast to this shape) into this tensor."""
        return _inplace.apply_inplace(self, "copy_", _inplace.copy_from, src, ufunc=_inplace.assign)

    def zero_(self) -> Tensor:
        """Fill with zeros, in place."""
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        """Fill with `value`, in place."""
        return _inplace.apply_inplace(self, "fill_", _inplace.filled, value, ufunc=_inplace.assign)

    def normal_(self, mean: builtins.float = 0.0, std: builtins.float = 1.0) -> Tensor:
        """Fill with samples of N(mean, std^2) from the seeded generator."""
        from .random import generator

        sample = generator().normal(mean, std, size=self.shape)
        return _inplace.apply_inplace(self, "normal_", _inplace.copy_from, sample)

    def uniform_(self, a: builtins.float = 0.0, b: builtins.float = 1.0) -> Tensor:
        """Fill with samples of U(a, b) from the seeded generator."""
        from .random import generator

        sample = generator().uniform(a, b, size=self.shape)
        return _inplace.apply_inplace(self, "uniform_", _inplace.copy_from, sample)

    def __setitem__(self, index: Any, value: Any) -> None:
        _inplace.setitem(self, index, value)

    # -- ops as methods ------------------------------------------------------------------------

    def __getitem__(self, index: Any) -> Tensor:
        return _shape.getitem(self, index)

    def add(self, other: Any) -> Tensor:
        """self + other."""
        return _ew.Add.apply(self, other)

    def sub(self, other: Any) -> Tensor:
        """self - other."""
        return _ew.Sub.apply(self, other)

    def mul(self, other: Any) -> Tensor:
        """self * other (elementwise, broadcasting)."""
        return _ew.Mul.apply(self, other)

    def div(self, other: Any) -> Tensor:
        """self / other."""
        return _ew.Div.apply(self, other)

    def pow(self, exponent: Any) -> Tensor:
        """self ** exponent."""
        return _ew.pow(self, exponent)

    def neg(self) -> Tensor:
        """-self."""
        return _ew.Neg.apply(self)

    def abs(self) -> Tensor:
        """|self|."""
        return _ew.abs(self)

    def exp(self) -> Tensor:
        """e ** self."""
        return _ew.exp(self)

    def log(self) -> Tensor:
        """Natural logarithm."""
        return _ew.log(self)

    def sqrt(self) -> Tensor:
        """Square root."""
        return _ew.sqrt(self)

    def sin(self) -> Tensor:
        """Sine."""
        return _ew.sin(self)

    def cos(self) -> Tensor:
        """Cosine."""
        return _ew.cos(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent."""
        return _ew.tanh(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e ** -self), computed stably."""
        return _ew.sigmoid(self)

    def relu(self) -> Tensor:
        """max(self, 0)."""
        return _ew.relu(self)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit values to [min, max]; `h.clamp(min=0)` is ReLU."""
        return _ew.clamp(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> Tensor:
        """Elementwise maximum."""
        return _ew.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise minimum."""
        return _ew.minimum(self, other)

    def sign(self) -> Tensor:
        """-1, 0 or 1 (no gradient)."""
        return _ew.sign(self)

    def matmul(self, other: Any) -> Tensor:
        """Matrix product, as `@`."""
        return _linalg.matmul(self, other)

    def mm(self, other: Any) -> Tensor:
        """Product of two 2-D tensors."""
        return _linalg.mm(self, other)

    def dot(self, other: Any) -> Tensor:
        """Inner product of two 1-D tensors."""
        return _linalg.dot(self, other)

    def sum(self, dim: Any = None, keepdim: builtins.bool = False, *, axis: Any = None, keepdims: Any = None) -> Tensor:
        """Sum over `dim` (all dimensions by default)."""
        return _red.sum(self, dim if axis is None else axis, keepdim if keepdims is None else keepdims)

    def mean(
        self, dim: Any = None, keepdim: builtins.bool = False, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Mean over `dim` (all dimensions by default)."""
        return _red.mean(self, dim if axis is None else axis, keepdim if keepdims is None else keepdims)

    def var(
        self, dim: Any = None, keepdim: builtins.bool = False, *, unbiased: Any = None, correction: Any = None
    ) -> Tensor:
        """Variance over `dim`; unbiased (correction=1) by default."""
        return _red.var(self, dim, keepdim=keepdim, unbiased=unbiased, correction=correction)

    def std(
        self, dim: Any = None, keepdim: builtins.bool = False, *, unbiased: Any = None, correction: Any = None
    ) -> Tensor:
        """Standard deviation over `dim`; unbiased (correction=1) by default."""
        return _red.std(self, dim, keepdim=keepdim, unbiased=unbiased, correction=correction)

    def max(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The largest value, or (values, indices) along `dim`."""
        return _red.max(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The smallest value, or (values, indices) along `dim`."""
        return _red.min(self, dim, keepdim)

    def argmax(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the largest value (no gradient)."""
        return _red.argmax(self, dim, keepdim)

    def argmin(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the smallest value (no gradient)."""
        return _red.argmin(self, dim, keepdim)

    def logsumexp(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """log(sum(exp(self))) over `dim`, computed stably."""
        return _red.logsumexp(self, dim, keepdim)

    def softmax(self, dim: builtins.int = -1) -> Tensor:
        """exp(self) / sum(exp(self)) along `dim`."""
        return _red.softmax(self, dim)

    def log_softmax(self, dim: builtins.int = -1) -> Tensor:
        """log(softmax(self)) along `dim`, computed stably."""
        return _red.log_softmax(self, dim)

    def all(self) -> Tensor:
        """True when every element is non-zero (no gradient)."""
        return Tensor._make(np.all(self._data))

    def any(self) -> Tensor:
        """True when some element is non-zero (no gradient)."""
        return Tensor._make(np.any(self._data))

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape; one size may be -1."""
        return _shape.reshape(self, *shape)

    def view(self, *shape: Any) -> Tensor:
        """As `reshape` (NumPy views whenever it can)."""
        return _shape.reshape(self, *shape)

    def view_as(self, other: Tensor) -> Tensor:
        """Reshape to `other`'s shape."""
        return _shape.reshape(self, other.shape)

    def flatten(self, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Tensor:
        """Merge dimensions start_dim..end_dim into one."""
        return _shape.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """Swap two dimensions."""
        return _shape.transpose(self, dim0, dim1)

    swapaxes = transpose

    def t(self) -> Tensor:
        """Transpose of a tensor of at most 2 dimensions."""
        return _shape.t(self)

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (a 1-D tensor is returned unchanged)."""
        return _shape.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped."""
        return _shape.transpose(self, -2, -1)

    def permute(self, *dims: Any) -> Tensor:
        """Reorder dimensions."""
        return _shape.permute(self, *dims)

    def squeeze(self, dim: Any = None) -> Tensor:
        """Remove dimensions of size 1 (all, or the one given)."""
        return _shape.squeeze(self, dim)

    def unsqueeze(self, dim: builtins.int) -> Tensor:
        """Insert a dimension of size 1 at `dim`."""
        return _shape.unsqueeze(self, dim)

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to a larger shape (-1 keeps a size)."""
        return _shape.expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        """Broadcast to `other`'s shape."""
        return _shape.expand(self, other.shape)

    def split(self, split_size_or_sections: Any, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """Cut into chunks of a size (or of the sizes listed) along `dim`."""
        return _shape.split(self, split_size_or_sections, dim)

    def chunk(self, chunks: builtins.int, dim: builtins.int = 0) -> tuple[Tensor, ...]:
        """Cut into `chunks` nearly equal parts along `dim`."""
        return _shape.chunk(self, chunks, dim)

    def clone(self) -> Tensor:
        """A copy with its own memory, still connected to the graph."""
        return _ew.clone(self)


from .engine import run_backward  # noqa: E402
from .function import AccumulateGrad, RemovableHandle  # noqa: E402
from .ops import elementwise as _ew  # noqa: E402
from .ops import inplace as _inplace  # noqa: E402
from .ops import linalg as _linalg  # noqa: E402
from .ops import reduction as _red  # noqa: E402
from .ops import shape as _shape  # noqa: E402

__all__ = ["Tensor"]
