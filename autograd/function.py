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
from typing import Any, Callable

import numpy as np

from .errors import EngineError
from .grad_mode import GradMode
from .tensor import Tensor

_FREED = ()  # marks saved values released by a backward pass without retain_graph


class Anomaly:
    """Whether `detect_anomaly()` is on (checked once per op)."""

    enabled = False


class Function:
    """Base class of every op and of user-written differentiable functions."""

    __slots__ = (
        "next_functions",
        "needs_input_grad",
        "_inputs",
        "_saved",
        "_saved_refs",
        "_pre_hooks",
        "_trace",
        "_n_outputs",
        "_output_meta",
        "__weakref__",
    )
    is_view = False  # True for ops whose output shares memory with their first input

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
        node = object.__new__(cls)
        node._inputs = args
        node._saved = None
        node._pre_hooks = None
        arrays = []
        requires = False
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._data)
                requires = requires or a._requires_grad
            else:
                arrays.append(a)
        requires = requires and GradMode.enabled
        if requires:
            node.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        else:
            node.needs_input_grad = (False,) * len(args)
        try:
            out = cls.forward(node, *arrays)
        except EngineError:
            raise
        except (ValueError, TypeError, IndexError) as e:
            shapes = ", ".join(str(tuple(np.shape(a))) for a in arrays if isinstance(a, (np.ndarray, np.generic)))
            raise type(e)(f"{cls.__name__}: {e} (input shapes: {shapes})") from None
        finally:
            node._inputs = None
        if type(out) is tuple:
            node._n_outputs = len(out)
            node._output_meta = tuple((np.shape(o), np.result_type(o)) for o in out)
            return tuple(_output(node, o, i, requires, args) for i, o in enumerate(out))
        return _output(node, out, 0, requires, args)

    @classmethod
    def call(cls, *args: Any) -> Any:
        """Run the op inside a backward: on arrays directly, on Tensors recorded (for create_graph)."""
        if any(isinstance(a, Tensor) for a in args):
            return cls.apply(*args)
        node = object.__new__(cls)
        node._inputs = ()
        node._saved = None
        node.needs_input_grad = (False,) * len(args)
        return node.forward(node, *args)

    # -- what forward saves for backward --------------------------------------------

    def save_for_backward(self, *values: Any) -> None:
        """Keep inputs or outputs for backward; they are checked for in-place changes."""
        refs = []
        inputs = self._inputs or ()
        for v in values:
            for t in inputs:
                if isinstance(t, Tensor) and t._data is v:
                    refs.append((t, t._version_holder()._version))
                    break
            else:
                refs.append(None)  # an output (resolved in _output) or a constant
        self._saved = values
        self._saved_refs = refs

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
        refs = self._saved_refs
        for ref in refs:
            if ref is not None:
                t = ref[0]() if isinstance(ref[0], weakref.ref) else ref[0]
                if t is not None and t._version_holder()._version != ref[1]:
                    raise RuntimeError(
                        f"{self.name()}: one of the tensors needed for gradient computation has "
                        f"been modified by an in-place operation: a tensor of shape "
                        f"{tuple(t.shape)} is at version {t._version_holder()._version}; "
                        f"expected version {ref[1]}. Use an out-of-place op, or .clone() it first."
                    )
        if not GradMode.enabled:
            return saved
        # recording the backward pass (create_graph): hand out Tensors connected to the graph
        out = []
        for v, ref in zip(saved, refs):
            if ref is None:
                out.append(Tensor._make(v) if isinstance(v, (np.ndarray, np.generic)) else v)
            elif isinstance(ref[0], weakref.ref):  # an output of this very node
                out.append(Tensor._make(v, True, self))
            else:
                out.append(ref[0])
        return tuple(out)

    def release_saved(self) -> None:
        """Free what forward saved (done by backward unless retain_graph=True)."""
        if self._saved is not None:
            self._saved = _FREED
            self._saved_refs = None

    # -- what users see of a node ---------------------------------------------------

    @classmethod
    def name(cls) -> str:
        """The node's name, e.g. `MulBackward`."""
        return cls.__name__ + "Backward"

    def register_prehook(self, fn: Callable, output_nr: int = 0) -> RemovableHandle:
        """Call `fn(grad)` on the gradient of output `output_nr` before this node's backward."""
        if getattr(self, "_pre_hooks", None) is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, {})
        return RemovableHandle(hooks, fn)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


def _output(node: Function, data: Any, nr: int, requires: bool, inputs: tuple) -> Tensor:
    """Wrap one forward output as a Tensor, attaching the node when it is recorded."""
    if isinstance(data, Tensor):  # a user forward that returned a Tensor
        data = data._data
    t = Tensor._make(data)
    if requires and data.dtype.kind == "f":
        t._requires_grad = True
        t.grad_fn = node
        t._output_nr = nr
        if nr == 0:
            node.next_functions = tuple(
                (a._grad_node(), a._output_nr) if isinstance(a, Tensor) and a._requires_grad else (None, 0)
                for a in inputs
            )
        saved = node._saved
        if saved:  # outputs saved for backward are held weakly: no reference cycle
            refs = node._saved_refs
            for i, v in enumerate(saved):
                if v is data and refs[i] is None:
                    refs[i] = (weakref.ref(t), 0)
        if Anomaly.enabled:
            node._trace = traceback.extract_stack()[:-3]
            _check_finite(node, data, "forward")
    elif nr == 0:
        node._saved = None
    if node.is_view and isinstance(data, np.ndarray) and data.base is not None:
        src = inputs[0]
        if isinstance(src, Tensor) and np.may_share_memory(data, src._data):
            t._base = src._version_holder()
    return t


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
        self.next_functions = ()
        self._saved = None
        self._pre_hooks = None


class RemovableHandle:
    """Returned by `register_hook`; `.remove()` takes the hook off again."""

    _next_id = 0

    def __init__(self, hooks: dict, fn: Callable) -> None:
        RemovableHandle._next_id += 1
        self.id = RemovableHandle._next_id
        self.hooks = hooks
        hooks[self.id] = fn

    def remove(self) -> None:
        """Remove the hook (doing so twice is harmless)."""
        self.hooks.pop(self.id, None)
