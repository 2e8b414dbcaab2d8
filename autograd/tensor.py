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
from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from .device import CPU
from .errors import DtypeError
from .state import EVENT_ORDER, Defaults, InPlace

# Speed trick, the array type as a global: NumPy's module __getattr__ keeps CPython 3.11 from
# specialising `np.ndarray` (19 ns a read against 1); the engine's modules import this name.
_ndarray = np.ndarray
_new = object.__new__


class Tensor:
    """An n-dimensional array with an optional gradient and the history that made it.

    The legacy constructor is kept as PyTorch keeps it: `Tensor([1.0])` makes a
    float32 tensor from data, `Tensor(2, 3)` an uninitialised one of that shape.
    Prefer `autograd.tensor(data)`.
    """

    # Speed trick, fields most tensors never change live on the class: a new tensor sets
    # the six it needs (`_make` runs once per op), and the others are class defaults until
    # a tensor changes its own (kept then in its `__dict__`): 5% of a tiny graph's time.
    __slots__ = (
        "_data",  # np.ndarray (or a NumPy scalar for 0-d results, promoted on demand)
        "_grad",  # .grad, checked when a user assigns it
        "_requires_grad",
        "grad_fn",
        "_output_nr",  # which output of grad_fn this tensor is
        "_hooks",
        "__dict__",
        "__weakref__",
    )
    __array_priority__ = 1000  # ndarray (op) Tensor defers to the Tensor

    _data: Any
    _grad: Tensor | None
    _requires_grad: builtins.bool
    grad_fn: Any
    _output_nr: builtins.int
    _hooks: dict[int, Callable] | None
    _version: builtins.int = 0  # in-place changes so far (a view shares its base's)
    _changed: builtins.int = -1  # EVENT_ORDER number of the latest in-place change (-1: never changed)
    _base: Tensor | None = None  # for a view: the tensor whose memory and version counter it shares
    _accumulator: Any = None  # a weak reference to a leaf's AccumulateGrad node, once someone asked for it
    _retains_grad: builtins.bool = False
    _held_scalar: Any = None  # the NumPy scalar a 0-d tensor held before its data became an array (see _array)

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
        """Set the fields of a new tensor (`_make` sets the same ones inline: it runs once per op)."""
        self._data = data
        self._grad = None
        self._requires_grad = requires_grad
        self.grad_fn = None
        self._output_nr = 0
        self._hooks = None

    @staticmethod
    def _make(data: Any, requires_grad: builtins.bool = False, grad_fn: Any = None) -> Tensor:
        """Wrap an array without copying or checking (the engine's constructor)."""
        t = _new(Tensor)
        t._data = data
        t._grad = None
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._output_nr = 0
        t._hooks = None
        return t

    # -- the array -----------------------------------------------------------------

    def _array(self) -> np.ndarray:
        """The data as an ndarray (a 0-d result held as a NumPy scalar becomes an array).

        A node that saved the scalar still finds this tensor behind it (`_held_scalar`), to see
        its in-place changes and to connect it under create_graph.
        """
        d = self._data
        if type(d) is not _ndarray:
            self._held_scalar = d
            d = self._data = np.array(d)
        return d

    def _version_holder(self) -> Tensor:
        """The tensor whose version counter this one shares (its base for a view)."""
        b = self._base
        return self if b is None else b

    def _bump_version(self) -> None:
        Tensor._bump_versions((self,))

    @staticmethod
    def _bump_versions(tensors: Any) -> None:
        """Record an in-place change of each tensor (its base's counter for a view); tensors changed
        together (an optimiser's step) share one event number."""
        event = InPlace.last = next(EVENT_ORDER)
        for t in tensors:
            base = t._base
            holder = t if base is None else base
            holder._version += 1
            holder._changed = event

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
    def dtype(self) -> dtypes.dtype:
        """The element type, e.g. `autograd.float32` (NumPy takes it as its dtype)."""
        return dtypes.of(self._data.dtype)

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

    @property
    def grad(self) -> Tensor | None:
        """d(root)/d(self), accumulated by backward passes (None until one reaches this tensor)."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.dtype != self.dtype:
                raise RuntimeError(
                    f"assigned grad has data of a different type: {value.dtype} for a tensor of {self.dtype}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: {tuple(value.shape)} for a tensor of shape "
                    f"{tuple(self.shape)}"
                )
        self._grad = value

    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The data as a NumPy array sharing memory with the tensor.

        A tensor that requires grad refuses unless `force=True` (as PyTorch): changing the
        array changes the tensor behind the engine's back (see `autograd.extension`).
        """
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on a tensor that requires grad. Use tensor.detach().numpy() instead "
                "(or numpy(force=True) for the tensor's own memory)."
            )
        d = self._data
        if type(d) is not _ndarray:  # a 0-d result held as a NumPy scalar becomes an array now
            d = self._array()
        return d

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

    @property
    def device(self) -> Any:
        """Where the tensor lives: always `device(type='cpu')`."""
        return CPU

    is_cuda = False

    def __format__(self, spec: str) -> str:
        if self._data.size == 1 and (spec or self._data.ndim == 0):  # one number: formatted as that number
            return format(self._data.item(), spec)
        if spec:
            raise TypeError(f"unsupported format string passed to Tensor.__format__ (a tensor of shape {self.shape})")
        return repr(self)

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
        ref = self._accumulator  # held weakly: the node holds the leaf
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
        if gradient is None and inputs is None and not create_graph and self.grad_fn is not None:
            plain_backward(self, retain_graph)
        else:
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
                if t._grad is None:
                    t._grad = Tensor._make(np.array(g, dtype=t.dtype)) if not isinstance(g, Tensor) else g
                else:
                    t._grad = t._grad + g

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
        if self._grad is not None:
            t._grad = Tensor._make(np.array(self._grad._data, copy=True))
        memo[id(self)] = t
        return t

    def __getstate__(self) -> tuple[np.ndarray, builtins.bool]:
        """What pickle keeps of a tensor: its data and whether it requires grad (not `.grad`, not the graph)."""
        if self.grad_fn is not None and self._requires_grad:
            raise RuntimeError(
                "pickle: cannot pickle a tensor made by an op that requires grad: the graph does not cross "
                "processes; pickle t.detach() to keep only its data"
            )
        return self._array(), self._requires_grad

    def __setstate__(self, state: tuple[np.ndarray, builtins.bool]) -> None:
        """Rebuild a pickled tensor (a leaf, with no gradient yet)."""
        data, requires_grad = state
        Tensor._init(self, data, requires_grad)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    # -- conversions ---------------------------------------------------------------------

    def cpu(self) -> Tensor:
        """Itself (there is only the CPU)."""
        return self

    def contiguous(self) -> Tensor:
        """Itself (NumPy handles strides)."""
        return self

    def __pos__(self) -> Tensor:
        """Itself: +x is x."""
        return self

    __hash__ = object.__hash__  # tensors compare elementwise (`==` is an op), so they hash by identity

    # -- ops -----------------------------------------------------------------------------------
    # Every op's method and operator (`x.exp()`, `x + y`, `x[0]`, `x.T`) is bound to this class by
    # its registration in autograd/ops/ (`@op(...)` in autograd/registry.py) when `autograd` is
    # imported. For type checkers, these stubs say the same:

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...  # the registered methods: exp, sum, reshape, T, ...
        def __getitem__(self, index: Any) -> Tensor: ...
        def __setitem__(self, index: Any, value: Any) -> None: ...
        def __add__(self, other: Any) -> Tensor: ...
        def __radd__(self, other: Any) -> Tensor: ...
        def __iadd__(self, other: Any) -> Tensor: ...
        def __sub__(self, other: Any) -> Tensor: ...
        def __rsub__(self, other: Any) -> Tensor: ...
        def __isub__(self, other: Any) -> Tensor: ...
        def __mul__(self, other: Any) -> Tensor: ...
        def __rmul__(self, other: Any) -> Tensor: ...
        def __imul__(self, other: Any) -> Tensor: ...
        def __truediv__(self, other: Any) -> Tensor: ...
        def __rtruediv__(self, other: Any) -> Tensor: ...
        def __itruediv__(self, other: Any) -> Tensor: ...
        def __pow__(self, other: Any) -> Tensor: ...
        def __rpow__(self, other: Any) -> Tensor: ...
        def __matmul__(self, other: Any) -> Tensor: ...
        def __rmatmul__(self, other: Any) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __eq__(self, other: Any) -> Any: ...
        def __ne__(self, other: Any) -> Any: ...
        def __lt__(self, other: Any) -> Tensor: ...
        def __le__(self, other: Any) -> Tensor: ...
        def __gt__(self, other: Any) -> Tensor: ...
        def __ge__(self, other: Any) -> Tensor: ...
        def __and__(self, other: Any) -> Tensor: ...
        def __or__(self, other: Any) -> Tensor: ...
        def __invert__(self) -> Tensor: ...


from .engine import plain_backward, run_backward  # noqa: E402
from .function import AccumulateGrad, RemovableHandle  # noqa: E402

__all__ = ["Tensor"]
