"""Graph nodes: `Function` (one op: forward and backward side by side) and `AccumulateGrad`.

An op subclasses `Function` with two static methods:

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):          # arrays in, array out
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):         # d(ab) = b da + a db
            a, b = ctx.saved_tensors
            return grad * b, grad * a

`Mul.apply(x, y)` runs `forward` on the inputs' NumPy arrays and, when any input
requires grad, records the node: the instance `ctx` *is* the graph node
(`y.grad_fn`). `backward` receives NumPy arrays, or Tensors when the backward
pass is itself recorded (`create_graph=True`): written with operators, methods
and NumPy functions that both understand, one backward serves both.
"""

from __future__ import annotations

import traceback
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import EngineError
from .state import EVENT_ORDER, HOOK_IDS, Anomaly, InPlace, thread
from .tensor import Tensor

_FREED = ()  # marks saved values released by a backward pass without retain_graph
# `_edges` is flat, one (node, output index) pair per forward input: (n0, i0, n1, i1, ...).
# One tuple per node instead of one per input keeps the cyclic GC's walks over big graphs short.
_NOT_A_TENSOR = -1  # the output index given to a number or array input: not shown in next_functions
_NO_EDGE = (None, 0)  # the pair of a Tensor input that needs no gradient
_CONSTANT_EDGE = (None, _NOT_A_TENSOR)  # the pair of a number or array input


def _flags(mask: int) -> tuple[bool, ...]:
    """`needs_input_grad` from a mask: a leading 1, then one bit per input (1: it needs a gradient)."""
    n = mask.bit_length() - 1
    return tuple(bool(mask >> (n - 1 - i) & 1) for i in range(n))


_FLAGS_SIZE = 1 << 9  # up to 8 inputs: one shared tuple per pattern, no tuple per node
_FLAGS = [_flags(mask) if mask else () for mask in range(_FLAGS_SIZE)]
_PYTHON_NUMBERS = (int, float, bool)


_new = object.__new__
_make = Tensor._make
_ndarray = np.ndarray
_GENERIC = np.generic


class Function:
    """Base class of every op and of user-written differentiable functions."""

    __slots__ = (
        "_edges",
        "needs_input_grad",
        "_inputs",
        "_saved",
        "_saved_refs",
        "_pre_hooks",
        "_trace",
        "_output_meta",
        "_seq",
        "__weakref__",
    )
    is_view = False  # True for ops whose output shares memory with their first input
    # The engine's own ops return one gradient per input, as arrays (Tensors under
    # create_graph): the backward pass checks that only for Functions defined elsewhere.
    _checked_backward = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._checked_backward = cls.__module__.startswith("autograd.ops.")

    _edges: tuple[Any, ...]  # flat (node, output index) pairs, one per forward input, aligned with backward's results
    needs_input_grad: tuple[bool, ...]
    _inputs: Any
    _saved: Any
    _saved_refs: Any  # when an array was saved: the inputs, plus a _SavedOutput if the output was saved; else None
    _pre_hooks: dict[int, dict[int, Callable]] | None
    _trace: Any
    _output_meta: tuple[tuple[tuple[int, ...], Any], ...] | None
    _seq: int  # creation number (EVENT_ORDER): a node is always newer than the nodes it takes input from

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        """Compute the output(s) from NumPy arrays; save what backward needs on `ctx`."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        """Given d(loss)/d(output), return d(loss)/d(input) for each forward input (None for none)."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run the op on Tensors (or arrays and numbers) and record it when a gradient is needed."""
        node = _new(cls)
        node._inputs = args
        node._saved = None
        node._pre_hooks = None
        node._output_meta = None
        arrays = []
        requires = False
        if thread.grad_enabled:
            edges: list[Any] = []
            mask = 1  # a leading 1, then one bit per input, set when it needs a gradient
            for a in args:
                mask <<= 1
                if isinstance(a, Tensor):
                    arrays.append(a._data)
                    if a._requires_grad:
                        mask |= 1
                        requires = True
                        fn = a.grad_fn
                        if fn is None:  # a leaf: its AccumulateGrad node, held weakly, alive while a graph holds it
                            ref = a._accumulator
                            fn = ref() if ref is not None else None
                            if fn is None:
                                fn = a._grad_node()
                        edges += (fn, a._output_nr)
                    else:
                        edges += _NO_EDGE
                else:
                    edges += _CONSTANT_EDGE
                    arrays.append(a.item() if isinstance(a, _GENERIC) and a.dtype.kind in "fiu" else a)
        else:  # nothing is recorded: just the arrays
            mask = 1 << len(args)
            for a in args:
                if isinstance(a, Tensor):
                    arrays.append(a._data)
                else:  # a NumPy scalar acts as a Python number (float32 stays float32)
                    arrays.append(a.item() if isinstance(a, _GENERIC) and a.dtype.kind in "fiu" else a)
        try:
            node.needs_input_grad = _FLAGS[mask]
        except IndexError:  # more than 8 inputs
            node.needs_input_grad = _flags(mask)
        if requires:
            node._edges = tuple(edges)
            node._seq = next(EVENT_ORDER)
        try:
            out = cls.forward(node, *arrays)
        except EngineError:
            node._inputs = None
            raise
        except (ValueError, TypeError, IndexError) as e:
            node._inputs = None
            shapes = ", ".join(str(tuple(np.shape(a))) for a in arrays if isinstance(a, (np.ndarray, np.generic)))
            raise type(e)(f"{cls.__name__}: {e} (input shapes: {shapes})") from None
        node._inputs = None
        if type(out) is not _ndarray:
            if type(out) is tuple:
                return _outputs(node, out, requires, args)
            if isinstance(out, Tensor):  # a user forward that returned a Tensor
                out = out._data
        if requires and out.dtype.kind == "f":
            t = _make(out, True, node)
            if node._saved is not None and node._saved_refs is not None:  # an array was saved: maybe the output
                _hold_saved_output(node, t)
            if Anomaly.enabled:
                _record_trace(node, out)
        else:
            t = _make(out)
            node._saved = None
        if cls.is_view and type(out) is _ndarray and out.base is not None:
            _link_view(t, args[0])
        return t

    @classmethod
    def call(cls, *args: Any) -> Any:
        """Run the op inside a backward: on arrays directly, on Tensors recorded (for create_graph)."""
        for a in args:
            if isinstance(a, Tensor):
                return cls.apply(*args)
        node = _new(cls)
        node._inputs = ()
        node._saved = None
        mask = 1 << len(args)
        node.needs_input_grad = _FLAGS[mask] if mask < _FLAGS_SIZE else _flags(mask)
        return node.forward(node, *args)

    # -- what forward saves for backward --------------------------------------------

    def save_for_backward(self, *values: Any) -> None:
        """Keep inputs or outputs for backward; they are checked for in-place changes.

        The node keeps its inputs too (when an array is saved), to find the tensor behind
        a saved array when it is needed: for the in-place check, and under create_graph.
        """
        self._saved = values
        self._saved_refs = None  # None: only numbers and Nones saved, nothing to check
        for v in values:
            if v is not None and type(v) not in _PYTHON_NUMBERS:  # (np.float64 subclasses float: not these)
                self._saved_refs = self._inputs
                break

    @property
    def saved_tensors(self) -> tuple:
        """What forward saved: arrays, or Tensors while the backward pass is recorded."""
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time (or to read "
                "saved tensors after they were freed). Saved values are freed by .backward() and "
                "autograd.grad(); pass retain_graph=True to the first call to keep them."
            )
        if saved is None:
            return ()
        if InPlace.last > self._seq and self._saved_refs:  # something changed in place since this node was made
            self._check_saved_unchanged(saved)
        if not thread.grad_enabled:
            return saved
        # recording the backward pass (create_graph): hand out Tensors connected to the graph
        out = []
        for v in saved:
            t = self._tensor_saved_as(v)
            if t is None:
                out.append(Tensor._make(v) if isinstance(v, (np.ndarray, np.generic)) else v)
            elif type(t) is _SavedOutput:  # an output of this very node
                out.append(Tensor._make(v, True, self))
            else:
                out.append(t)
        return tuple(out)

    def _tensor_saved_as(self, value: Any) -> Any:
        """The input Tensor whose array `value` is, its `_SavedOutput` when it is an output, or None."""
        if value is None or type(value) in _PYTHON_NUMBERS:
            return None
        for ref in self._saved_refs or ():
            if type(ref) is _SavedOutput:
                if ref.array is value:
                    return ref
            elif isinstance(ref, Tensor) and ref._data is value:
                return ref
        return None

    def _check_saved_unchanged(self, saved: tuple) -> None:
        """Raise when a saved input or output was changed in place after this node was made."""
        for v in saved:
            ref = self._tensor_saved_as(v)
            t = ref.tensor() if type(ref) is _SavedOutput else ref
            if t is not None and t._version_holder()._changed > self._seq:
                raise RuntimeError(
                    f"{self.name()}: one of the tensors needed for gradient computation has been modified "
                    f"by an in-place operation: a tensor of shape {tuple(t.shape)}, now at version "
                    f"{t._version_holder()._version}, was changed after this node saved it. "
                    "Use an out-of-place op, or .clone() it first."
                )

    # -- what users see of a node ---------------------------------------------------

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """(node, output index) for each Tensor input; (None, 0) where no gradient flows."""
        edges = self._edges
        return tuple((edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] != _NOT_A_TENSOR)

    @classmethod
    def name(cls) -> str:
        """The node's name, e.g. `MulBackward`."""
        return cls.__name__ + "Backward"

    def register_prehook(self, fn: Callable, output_nr: int = 0) -> RemovableHandle:
        """Call `fn(grad)` on the gradient of output `output_nr` before this node's backward."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, {})
        return RemovableHandle(hooks, fn)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


def _outputs(node: Function, out: tuple, requires: bool, args: tuple) -> tuple[Tensor, ...]:
    """Wrap the outputs of a multi-output op."""
    node._output_meta = tuple((np.shape(o), np.result_type(o)) for o in out)
    outs = tuple(_output(node, o, i, requires, args) for i, o in enumerate(out))
    if not any(o._requires_grad for o in outs):
        node._saved = None
    return outs


def _output(node: Function, data: Any, nr: int, requires: bool, inputs: tuple) -> Tensor:
    """Wrap output `nr` of a multi-output op as a Tensor, attaching the node when it is recorded."""
    if isinstance(data, Tensor):  # a user forward that returned a Tensor
        data = data._data
    if requires and data.dtype.kind == "f":
        t = Tensor._make(data, True, node)
        if nr:
            t._output_nr = nr
        if node._saved and node._saved_refs is not None:
            _hold_saved_output(node, t)
        if Anomaly.enabled:
            _record_trace(node, data)
    else:
        t = Tensor._make(data)
    if node.is_view and type(data) is np.ndarray and data.base is not None:
        _link_view(t, inputs[0])
    return t


class _SavedOutput:
    """An output its own node saved: held weakly (no reference cycle), with its array to recognise it."""

    __slots__ = ("tensor", "array")

    def __init__(self, t: Tensor) -> None:
        self.tensor = weakref.ref(t)
        self.array = t._data


def _hold_saved_output(node: Function, t: Tensor) -> None:
    """An output saved for backward is held weakly by its own node: no reference cycle."""
    data = t._data
    for v in node._saved:
        if v is data:
            node._saved_refs = (*node._saved_refs, _SavedOutput(t))
            return


def _record_trace(node: Function, data: Any) -> None:
    node._trace = traceback.extract_stack()[:-3]
    _check_finite(node, data, "forward")


def _link_view(view: Tensor, src: Any) -> None:
    """A view shares its base's version counter, so in-place changes through either are seen."""
    if isinstance(src, Tensor) and np.may_share_memory(view._data, src._data):
        view._base = src._version_holder()


def _check_finite(node: Function, value: Any, phase: str) -> None:
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        where = ""
        trace = getattr(node, "_trace", None)
        if trace:
            user = [f for f in trace if "/autograd/" not in f.filename.replace("\\", "/")]
            frame = (user or trace)[-1]
            where = f"; the op was created at {frame.filename}:{frame.lineno}: {frame.line}"
        bad = "NaN" if np.isnan(value).any() else "Inf"
        raise RuntimeError(f"detect_anomaly: {node.name()} produced {bad} in its {phase} pass{where}")


class AccumulateGrad(Function):
    """The node behind a leaf tensor: backward adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable",)

    @classmethod
    def name(cls) -> str:
        """Always `AccumulateGrad`."""
        return "AccumulateGrad"

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._edges = ()
        self._seq = next(EVENT_ORDER)
        self._saved = None
        self._pre_hooks = None
        self._output_meta = None


class RemovableHandle:
    """Returned by `register_hook`; `.remove()` takes the hook off again."""

    def __init__(self, hooks: dict, fn: Callable) -> None:
        self.id = next(HOOK_IDS)
        self.hooks = hooks
        hooks[self.id] = fn

    def remove(self) -> None:
        """Remove the hook (doing so twice is harmless)."""
        self.hooks.pop(self.id, None)
