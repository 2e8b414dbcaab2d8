"""Graph nodes: `Function`, the base class of every op, and `AccumulateGrad`, the node behind a leaf.

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

`Mul.apply(x, y)` runs `forward` on the inputs' NumPy arrays and, when grad mode
is on and some input requires grad, records the node: the `ctx` that forward and
backward receive *is* the graph node (`y.grad_fn`). `backward` receives NumPy
arrays, or Tensors when the backward pass is itself recorded (`create_graph=True`):
written with operators, methods and NumPy functions that both understand, one
backward serves both.

`autograd/reference.py` runs the same op classes with none of the speed tricks of
this file; each trick here says what it buys.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from . import anomaly, forward_ad, saved_tensors
from .errors import EngineError
from .state import EVENT_ORDER, GRAD_ENABLED, HOOK_IDS, RECORDED_PASS, Anomaly, ForwardMode, InPlace
from .tensor import Tensor, _ndarray

FREED = saved_tensors.FREED


def needs_input_grad_flags(mask: int) -> tuple[bool, ...]:
    """`needs_input_grad` from a mask: a leading 1, then one bit per input (1: it needs a gradient)."""
    n = mask.bit_length() - 1
    return tuple(bool(mask >> (n - 1 - i) & 1) for i in range(n))


# Speed trick, the shared flags table: one `needs_input_grad` tuple per pattern of up to 8
# inputs, looked up by the mask `apply` builds, instead of a new tuple per node.
NEEDS_INPUT_GRAD = [needs_input_grad_flags(mask) if mask else () for mask in range(1 << 9)]
# The same tuples for `read_inputs`' common calls: two Tensors, by whether each needs a gradient ([a][b])...
TWO_INPUT_FLAGS = ((NEEDS_INPUT_GRAD[4], NEEDS_INPUT_GRAD[5]), (NEEDS_INPUT_GRAD[6], NEEDS_INPUT_GRAD[7]))

# A node's edges say where each input's gradient goes: to the node that made the input, or,
# for a leaf, to the leaf tensor itself (PyTorch's AccumulateGrad node is made only for
# those who ask, through `next_functions`).
# Speed trick, flat edges: one tuple (node0, nr0, node1, nr1, ...), one (node or leaf, output
# index) pair per forward input, instead of a tuple of pairs: half the objects the cyclic
# garbage collector walks in a big graph (a chain of 100,000 nodes: 3.1 -> 2.9 us a node).
NO_EDGE = (None, 0)  # the pair of a Tensor input that needs no gradient
NOT_A_TENSOR = -1
CONSTANT_EDGE = (None, NOT_A_TENSOR)  # the pair of a number or array input: not shown in next_functions
# ... and a Tensor alone or followed by a number: (flags unrecorded, flags recorded, the edges after the Tensor's)
ONE_TENSOR = (NEEDS_INPUT_GRAD[2], NEEDS_INPUT_GRAD[3], ())
TENSOR_AND_CONSTANT = (NEEDS_INPUT_GRAD[4], NEEDS_INPUT_GRAD[6], CONSTANT_EDGE)
TENSOR_AND_TWO_CONSTANTS = (NEEDS_INPUT_GRAD[8], NEEDS_INPUT_GRAD[12], CONSTANT_EDGE + CONSTANT_EDGE)
PLAIN_CONSTANTS = frozenset({int, float, bool, str, tuple, type(None)})  # constants record_inputs passes as they are

_new = object.__new__
_make = Tensor._make
_GENERIC = np.generic
_grad_enabled = GRAD_ENABLED.get
_recorded_pass = RECORDED_PASS.get
_PYTHON_NUMBERS = (int, float, bool)
FLOAT_SCALARS = frozenset({np.float16, np.float32, np.float64})  # a 0-d result: floating without reading .dtype


def _remembering_input_meta(forward: Any) -> Callable[..., Any]:
    """A user Function's forward that first notes each input's shape and dtype on ctx (`_input_meta`),
    so the engine can check the gradients its backward returns against them."""
    func = forward.__func__ if isinstance(forward, staticmethod) else forward

    @functools.wraps(func)
    def forward_noting_inputs(ctx: Any, *args: Any) -> Any:
        meta = tuple((np.shape(a), a.dtype) if isinstance(a, (np.ndarray, np.generic)) else None for a in args)
        try:
            ctx._input_meta = meta
        except AttributeError:  # a Function with __slots__ and no room for it: no checks
            pass
        return func(ctx, *args)

    return forward_noting_inputs


def record_inputs(node: Function, args: tuple) -> tuple[list[Any], bool]:
    """The arrays forward takes, one per argument; when grad mode is on and some Tensor input requires grad,
    the node's edges, creation number and `needs_input_grad` are set and True comes back (it is recorded)."""
    arrays = []
    edges: list[Any] = []
    mask = 1  # NEEDS_INPUT_GRAD's index: a leading 1, then one bit per input that needs a gradient
    recording = _grad_enabled()
    records = False
    for a in args:
        mask <<= 1
        if isinstance(a, Tensor):
            arrays.append(a._data)
            if recording and a._requires_grad:
                mask |= 1
                records = True
                edges += (a.grad_fn or a, a._output_nr)  # the node that made it; for a leaf, the leaf itself
            else:
                edges += NO_EDGE
        else:  # a number, array or anything else is a constant; a NumPy scalar acts as a Python number
            arrays.append(a.item() if isinstance(a, _GENERIC) and a.dtype.kind in "fiu" else a)
            edges += CONSTANT_EDGE
    node.needs_input_grad = NEEDS_INPUT_GRAD[mask] if mask < 512 else needs_input_grad_flags(mask)
    if records:
        node._edges = tuple(edges)
        node._seq = next(EVENT_ORDER)
    return arrays, records


def run_forward(cls: type[Function], node: Function, args: tuple) -> tuple[Any, bool]:
    """`cls.forward` on the arrays of `args`, and whether the node is recorded (see `record_inputs`), with
    the commonest calls first: two Tensors (a * b), one Tensor with at most a Python number (x.relu(),
    x * 2), two Tensors and a third argument (linear, mse_loss).

    Speed trick, common inputs without the loop: they are read without building lists (an op on two
    0-d tensors: 1.72 -> 1.41 us; a chain of x * c and relu: 7% fewer instructions), and forward is
    called with them as they are, not unpacked from a tuple (CPython 3.11 does not inline `f(*arrays)`).
    """
    n = len(args)
    if n == 2:
        a, b = args
        if isinstance(a, Tensor):
            if isinstance(b, Tensor):
                records = record_two_tensors(node, a, b)
                return cls.forward(node, a._data, b._data), records
            if type(b) in _PYTHON_NUMBERS:
                records = record_first_tensor(node, a, TENSOR_AND_CONSTANT)
                return cls.forward(node, a._data, b), records
    elif n == 1 and isinstance(args[0], Tensor):
        a = args[0]
        records = record_first_tensor(node, a, ONE_TENSOR)
        return cls.forward(node, a._data), records
    elif n == 3:
        a, b, c = args
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            if isinstance(c, Tensor):  # linear(x, weight, bias)
                records = record_three_tensors(node, a, b, c, True)
                return cls.forward(node, a._data, b._data, c._data), records
            if c is None or type(c) is str:  # linear(x, weight, None), mse_loss(x, y, "mean")
                records = record_three_tensors(node, a, b, c, False)
                return cls.forward(node, a._data, b._data, c), records
        elif (
            isinstance(a, Tensor) and type(b) in PLAIN_CONSTANTS and type(c) in PLAIN_CONSTANTS
        ):  # x.sum(0), x.clamp(0)
            records = record_first_tensor(node, a, TENSOR_AND_TWO_CONSTANTS)
            return cls.forward(node, a._data, b, c), records
    arrays, records = record_inputs(node, args)
    return cls.forward(node, *arrays), records


NO_THIRD = object()  # apply_two_tensors' third argument when there is none


def apply_two_tensors(cls: type[Function], a: Tensor, b: Tensor, c: Any = NO_THIRD) -> Any:
    """`cls.apply(a, b)`, or `cls.apply(a, b, c)`, for two Tensors and a third argument (a Tensor or a
    constant): the same node and output, made in one call. For engine ops with one output.

    Speed trick, ops on two Tensors in one frame: an engine op on two Tensors (a + b, a * b, a.mm(b),
    linear(x, w, b), mse_loss(x, y)) records its inputs and wraps its output here, without
    the calls `apply` makes to `run_forward` and its recorders (a recorded a * b on 0-d tensors:
    1.36 -> 1.12 us; a tiny graph -9% instructions, a minibatch MLP epoch -1.8%; mse_loss 246 -> 176
    bytecodes, two calls fewer). Everything
    `apply` does besides (forward mode, anomaly mode, views, user Functions) goes to `apply`.
    """
    if ForwardMode.level or Anomaly.enabled or not cls._one_frame:
        return cls.apply(a, b) if c is NO_THIRD else cls.apply(a, b, c)
    node = _new(cls)
    node._saved = node._saved_refs = node._pre_hooks = node._output_meta = None
    recording = _grad_enabled()
    need_a = recording and a._requires_grad
    need_b = recording and b._requires_grad
    need_c = False
    try:
        if c is NO_THIRD:
            node.needs_input_grad = TWO_INPUT_FLAGS[need_a][need_b]
            out = cls.forward(node, a._data, b._data)
        elif isinstance(c, Tensor):
            need_c = recording and c._requires_grad
            node.needs_input_grad = NEEDS_INPUT_GRAD[8 | need_a << 2 | need_b << 1 | need_c]
            out = cls.forward(node, a._data, b._data, c._data)
        else:
            node.needs_input_grad = NEEDS_INPUT_GRAD[8 | need_a << 2 | need_b << 1]
            out = cls.forward(node, a._data, b._data, c)
    except Exception as error:
        raise forward_error(cls, error, (a, b) if c is NO_THIRD else (a, b, c)) from None
    t = _new(Tensor)  # Tensor._make(out), without the call
    t._data = out
    t._grad = t._hooks = None
    t._output_nr = 0
    if (need_a or need_b or need_c) and (type(out) in FLOAT_SCALARS or out.dtype.kind == "f"):
        edges: tuple[Any, ...] = (
            (a.grad_fn or a) if need_a else None,
            a._output_nr if need_a else 0,
            (b.grad_fn or b) if need_b else None,
            b._output_nr if need_b else 0,
        )
        if c is not NO_THIRD:
            edges += (c.grad_fn or c, c._output_nr) if need_c else NO_EDGE if isinstance(c, Tensor) else CONSTANT_EDGE
        node._edges = edges
        node._seq = next(EVENT_ORDER)
        t._requires_grad = True
        t.grad_fn = node
        if node._saved_refs is not None:  # an array was saved: keep the inputs, to find the tensor behind one
            node._saved_refs = (a, b) if c is NO_THIRD else (a, b, c)
            if cls.saves_output:
                saved_tensors.hold_saved_output(node, t)
    else:
        t._requires_grad = False
        t.grad_fn = None
    return t


def apply_one_tensor(cls: type[Function], a: Tensor, b: Any = NO_THIRD, c: Any = NO_THIRD) -> Any:
    """`cls.apply(a)`, `cls.apply(a, b)` or `cls.apply(a, b, c)` for a Tensor and up to two plain
    constants (numbers, None, strings, tuples): the same node and output, made in one call. For
    engine ops with one output.

    Speed trick, ops on one Tensor in one frame: `x.relu()`, `x.clamp(min=0)`, `x.sum()`, `x ** 2` and
    `x * 2.0` record their input and wrap their output here, without the calls `apply` makes to
    `run_forward` and `record_first_tensor` (the two-layer step: 78 -> 66 Python calls, 3,588 ->
    3,448 bytecodes, 1.14-1.15x -> 1.13x NumPy's time). Everything else goes to `apply`.
    """
    kind: Any  # (flags when not recorded, flags when recorded, the edges after the Tensor's)
    if b is NO_THIRD:
        kind = ONE_TENSOR
        args: tuple[Any, ...] = (a,)
    elif c is NO_THIRD:
        kind = TENSOR_AND_CONSTANT
        args = (a, b)
    else:
        kind = TENSOR_AND_TWO_CONSTANTS
        args = (a, b, c)
    if (
        ForwardMode.level
        or Anomaly.enabled
        or not cls._one_frame
        or type(a) is not Tensor
        or not (b is NO_THIRD or type(b) in PLAIN_CONSTANTS)
        or not (c is NO_THIRD or type(c) in PLAIN_CONSTANTS)
    ):
        return cls.apply(*args)
    node = _new(cls)
    node._saved = node._saved_refs = node._pre_hooks = node._output_meta = None
    need = a._requires_grad and _grad_enabled()
    node.needs_input_grad = kind[need]
    try:
        if b is NO_THIRD:
            out = cls.forward(node, a._data)
        elif c is NO_THIRD:
            out = cls.forward(node, a._data, b)
        else:
            out = cls.forward(node, a._data, b, c)
    except Exception as error:
        raise forward_error(cls, error, args) from None
    t = _new(Tensor)  # Tensor._make(out), without the call
    t._data = out
    t._grad = t._hooks = None
    t._output_nr = 0
    if need and (type(out) in FLOAT_SCALARS or out.dtype.kind == "f"):
        node._edges = (a.grad_fn or a, a._output_nr, *kind[2])
        node._seq = next(EVENT_ORDER)
        t._requires_grad = True
        t.grad_fn = node
        if node._saved_refs is not None:  # an array was saved: keep the inputs, to find the tensor behind one
            node._saved_refs = args
            if cls.saves_output:
                saved_tensors.hold_saved_output(node, t)
    else:
        t._requires_grad = False
        t.grad_fn = None
        node._saved = None
    return t


def record_two_tensors(node: Function, a: Tensor, b: Tensor) -> bool:
    """`record_inputs` of two Tensors: whether the node is recorded (then its flags and edges are set)."""
    recording = _grad_enabled()
    need_a = recording and a._requires_grad
    need_b = recording and b._requires_grad
    node.needs_input_grad = TWO_INPUT_FLAGS[need_a][need_b]
    if not (need_a or need_b):
        return False
    node._edges = (
        (a.grad_fn or a) if need_a else None,
        a._output_nr if need_a else 0,
        (b.grad_fn or b) if need_b else None,
        b._output_nr if need_b else 0,
    )
    node._seq = next(EVENT_ORDER)
    return True


def record_three_tensors(node: Function, a: Tensor, b: Tensor, c: Any, c_is_tensor: bool) -> bool:
    """`record_inputs` of two Tensors and a third argument, a Tensor (`c_is_tensor`) or a constant."""
    if not _grad_enabled():
        node.needs_input_grad = NEEDS_INPUT_GRAD[8]
        return False
    need_a, need_b = a._requires_grad, b._requires_grad
    need_c = c_is_tensor and c._requires_grad
    node.needs_input_grad = NEEDS_INPUT_GRAD[8 | need_a << 2 | need_b << 1 | need_c]
    if not (need_a or need_b or need_c):
        return False
    edges: tuple[Any, ...] = (a.grad_fn or a, a._output_nr) if need_a else NO_EDGE
    edges += (b.grad_fn or b, b._output_nr) if need_b else NO_EDGE
    edges += (c.grad_fn or c, c._output_nr) if need_c else NO_EDGE if c_is_tensor else CONSTANT_EDGE
    node._edges = edges
    node._seq = next(EVENT_ORDER)
    return True


def record_first_tensor(node: Function, a: Tensor, kind: tuple[tuple, tuple, tuple]) -> bool:
    """`record_inputs` of a Tensor alone, or followed by a number: `kind` gives the flags (recorded or not)
    and the edges after the Tensor's."""
    if not (a._requires_grad and _grad_enabled()):
        node.needs_input_grad = kind[0]
        return False
    node.needs_input_grad = kind[1]
    node._edges = (a.grad_fn or a, a._output_nr, *kind[2])
    node._seq = next(EVENT_ORDER)
    return True


def differentiable(node: Function, out: Any) -> bool:
    """Whether a user Function's output gets a gradient (not marked by mark_non_differentiable)."""
    return not (node._non_differentiable and id(out) in node._non_differentiable)


class Function:
    """Base class of every op and of user-written differentiable functions."""

    __slots__ = (
        "_edges",
        "needs_input_grad",
        "_saved",
        "_saved_refs",
        "_pre_hooks",
        "_trace",
        "_output_meta",
        "_seq",
        "primals",
        "output",
        "__weakref__",
    )
    is_view = False  # True for ops whose output shares memory with their first input
    # Speed trick, trusted backwards: the engine's own ops return one gradient per input, as
    # arrays (Tensors under create_graph), so the backward pass calls them directly and checks
    # what comes back only for Functions written outside autograd/ops/ (4% of a two-layer step's bytecode).
    _trusted_backward = False
    # Speed trick, outputs looked for only where they may be saved: an op that saves its own output
    # (exp, tanh, ...) says so, and only then does `apply` look for the output among what was saved,
    # to hold it weakly for the in-place check and create_graph (a tiny graph's mul: 120 ns saved).
    # Functions written outside autograd/ops/ may always save theirs.
    saves_output = False
    # Speed trick, one flag for the one-frame paths (`apply_one_tensor`, `apply_two_tensors`): an engine
    # op that is not a view; one class attribute read an op, not two (CPython 3.11 does not specialise
    # them: about 11 ns a read)
    _one_frame = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._trusted_backward = cls.__module__.startswith("autograd.ops.")
        cls._one_frame = cls._trusted_backward and not cls.is_view
        if not cls._trusted_backward:
            cls.saves_output = True
        if not cls._trusted_backward and "forward" in cls.__dict__:
            cls.forward = staticmethod(_remembering_input_meta(cls.__dict__["forward"]))  # type: ignore[method-assign]

    _non_differentiable: tuple[int, ...] = ()  # ids of outputs marked by mark_non_differentiable (user Functions)

    _edges: tuple[Any, ...]  # flat (node or leaf tensor, output index) pairs, one per forward input
    needs_input_grad: tuple[bool, ...]
    _saved: Any  # what forward saved (None: nothing; FREED: freed by a backward pass)
    _saved_refs: Any  # when an array was saved: the inputs, plus a SavedOutput if an output was saved
    _pre_hooks: dict[int, dict[int, Callable]] | None
    _trace: Any  # where the op was created (anomaly mode only)
    _output_meta: tuple[tuple[tuple[int, ...], Any], ...] | None  # (shape, dtype) per output of a multi-output op
    _seq: int  # creation number (EVENT_ORDER): a node is always newer than the nodes it takes input from

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        """Compute the output(s) from NumPy arrays; save what backward needs on `ctx`."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        """Given d(loss)/d(output), return d(loss)/d(input) for each forward input (None for none)."""
        raise NotImplementedError

    @staticmethod
    def jvp(ctx: Any, *tangents: Any) -> Any:
        """Forward mode: given each input's tangent (None where it has none), return the output's tangent(s).

        The engine's ops read the forward's inputs as `ctx.primals` and its result as `ctx.output`; a
        custom Function reads what its forward passed to `ctx.save_for_forward` as `ctx.saved_tensors`.
        """
        raise RuntimeError(
            f"{type(ctx).__name__} has no forward-mode rule: define jvp(ctx, *tangents) on it (returning the "
            "output's tangent, with what forward saved by ctx.save_for_forward(...)) to use it under "
            "forward_ad.dual_level()"
        )

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run the op on Tensors, arrays and numbers; record it when grad mode is on and an input needs a gradient."""
        node = _new(cls)
        node._saved = node._saved_refs = node._pre_hooks = node._output_meta = None
        if cls.is_view and isinstance(args[0], Tensor) and type(args[0]._data) is not _ndarray:
            args[0]._array()  # a 0-d tensor's NumPy scalar becomes its array, which the view then shares
        try:
            out, records = run_forward(cls, node, args)
        except Exception as error:
            raise forward_error(cls, error, args) from None
        if node._saved_refs is not None:  # an array was saved: keep the inputs, to find the tensor behind one
            node._saved_refs = args
        if type(out) is not _ndarray:  # a NumPy scalar (a 0-d result), a tuple (several outputs), or a user's Tensor
            if type(out) is tuple:
                return wrap_outputs(node, out, records, args)
            if isinstance(out, Tensor):
                out = out._data
        if (
            records
            and (type(out) in FLOAT_SCALARS or out.dtype.kind == "f")
            and (cls._trusted_backward or differentiable(node, out))
        ):
            t = _new(Tensor)  # Tensor._make(out, True, node), without the call
            t._data = out
            t._grad = t._hooks = None
            t._requires_grad = True
            t.grad_fn = node
            t._output_nr = 0
            if node._saved_refs is not None and cls.saves_output:  # the output may be among what was saved
                saved_tensors.hold_saved_output(node, t)
            if Anomaly.enabled:
                anomaly.record_creation(node, out, args)
        else:
            t = _make(out)
            node._saved = None  # no backward will read it
        if cls.is_view and type(out) is _ndarray and out.base is not None:
            link_view(t, args[0])
        if ForwardMode.level:  # forward mode: the output's tangent from the inputs' (forward_ad.py)
            forward_ad.attach_tangents(node, args, out, (t,))
        return t

    @classmethod
    def call(cls, *args: Any) -> Any:
        """Run the op inside a backward: on arrays directly, on Tensors recorded (for create_graph)."""
        for a in args:
            if isinstance(a, Tensor):
                return cls.apply(*args)
        node = _new(cls)
        node._saved = None
        mask = 1 << len(args)
        node.needs_input_grad = NEEDS_INPUT_GRAD[mask] if mask < 512 else needs_input_grad_flags(mask)
        return node.forward(node, *args)

    # -- what forward saves for backward --------------------------------------------

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """In forward: these outputs (the arrays forward returns) get no gradient (indices, masks, ...)."""
        try:
            setattr(self, "_non_differentiable", tuple(id(o) for o in outputs))  # noqa: B010 (a user Function's dict)
        except AttributeError:
            raise TypeError(
                f"{type(self).__name__}: mark_non_differentiable needs a Function without __slots__"
            ) from None

    def save_for_forward(self, *values: Any) -> None:
        """In a custom Function's forward: keep values for its `jvp`, which reads them as `ctx.saved_tensors`."""
        try:
            setattr(self, "_saved_for_forward", values)  # noqa: B010 (a custom Function's dict, no slot)
        except AttributeError:
            raise TypeError(f"{type(self).__name__}: save_for_forward needs a Function without __slots__") from None

    def save_for_backward(self, *values: Any) -> None:
        """Keep inputs or outputs for backward; backward raises if one was changed in place meanwhile.

        The node keeps its inputs too (when an array is saved), to find the tensor behind
        a saved array when it is needed: for the in-place check, and under create_graph.
        """
        self._saved = values
        self._saved_refs = None  # None: only numbers and Nones saved, nothing to check
        for v in values:
            if v is not None and type(v) not in _PYTHON_NUMBERS:  # (np.float64 subclasses float: not these)
                self._saved_refs = True  # apply puts the inputs here after forward
                break

    @property
    def saved_tensors(self) -> tuple:
        """What forward saved: arrays, or Tensors while the backward pass is recorded."""
        saved = self._saved
        if saved is FREED:
            raise saved_tensors.freed_error(self)
        if saved is None:
            return ()
        # Speed trick, in-place checks only after in-place changes: a saved tensor can only have
        # changed if some tensor changed in place after this node was made (one global number).
        if InPlace.last > self._seq and self._saved_refs:
            saved_tensors.check_unchanged(self, saved)
        # graph tensors when the backward pass is recorded: for the engine's own ops, a recorded pass
        # (a plain one may run them with grad mode on, see engine.plain_backward), for a custom
        # Function, whenever its backward runs with grad mode on
        if (_recorded_pass() and _grad_enabled()) if self._trusted_backward else _grad_enabled():
            return saved_tensors.as_graph_tensors(self, saved)
        return saved

    # -- what users see of a node ---------------------------------------------------

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """(node, output index) for each Tensor input, a leaf's node being its `AccumulateGrad`;
        (None, 0) where no gradient flows."""
        edges = self._edges
        return tuple(
            (edges[i]._grad_node() if isinstance(edges[i], Tensor) else edges[i], edges[i + 1])
            for i in range(0, len(edges), 2)
            if edges[i + 1] != NOT_A_TENSOR
        )

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


def forward_error(cls: type[Function], error: Exception, args: tuple) -> Exception:
    """The error to raise when an op's forward failed: NumPy's own errors get the op's name and the shapes."""
    if isinstance(error, EngineError) or not isinstance(error, (ValueError, TypeError, IndexError)):
        return error
    arrays = [a._data if isinstance(a, Tensor) else a for a in args]
    shapes = ", ".join(str(tuple(np.shape(a))) for a in arrays if isinstance(a, (np.ndarray, np.generic)))
    message = f"{cls.__name__}: {error} (input shapes: {shapes})"
    try:
        return type(error)(message)
    except TypeError:  # a subclass that takes other arguments (NumPy's _UFuncNoLoopError): its built-in base
        return next(base(message) for base in (TypeError, ValueError, IndexError) if isinstance(error, base))


def wrap_outputs(node: Function, out: tuple, records: bool, args: tuple) -> tuple[Tensor, ...]:
    """The outputs of a multi-output op as Tensors; the node remembers their shapes and dtypes."""
    node._output_meta = tuple((np.shape(o), np.result_type(o)) for o in out)
    outs = tuple(wrap_output(node, o, i, records, args) for i, o in enumerate(out))
    if ForwardMode.level:
        forward_ad.attach_tangents(node, args, out, outs)
    if not any(o._requires_grad for o in outs):
        node._saved = None
    return outs


def wrap_output(node: Function, data: Any, nr: int, records: bool, inputs: tuple) -> Tensor:
    """Output `nr` of a multi-output op as a Tensor, attached to the node when it is recorded."""
    if isinstance(data, Tensor):  # a user forward that returned Tensors
        data = data._data
    if records and data.dtype.kind == "f" and id(data) not in node._non_differentiable:
        t = _make(data, True, node)
        t._output_nr = nr
        if node._saved and node._saved_refs is not None:
            saved_tensors.hold_saved_output(node, t)
        if Anomaly.enabled:
            anomaly.record_creation(node, data, inputs)
    else:
        t = _make(data)
    if node.is_view and type(data) is _ndarray and data.base is not None:
        link_view(t, inputs[0])
    return t


def link_view(view: Tensor, src: Any) -> None:
    """A view shares its base's version counter, so in-place changes through either are seen."""
    if isinstance(src, Tensor) and np.may_share_memory(view._data, src._data):
        view._base = src._version_holder()


class AccumulateGrad(Function):
    """The node behind a leaf tensor, as `next_functions` shows it: `variable` is the leaf.

    The engine itself sends a leaf's gradients straight to the leaf (its edges point to
    the tensor); this node is made when someone asks for it, and kept while they hold it.
    """

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

    def register_prehook(self, fn: Callable, output_nr: int = 0) -> RemovableHandle:
        """Call `fn(grad)` on the gradient reaching the leaf before it is accumulated (as `variable.register_hook`)."""
        return self.variable.register_hook(fn)


class RemovableHandle:
    """Returned by `register_hook`; `.remove()` takes the hook off again."""

    def __init__(self, hooks: dict, fn: Callable) -> None:
        self.id = next(HOOK_IDS)
        self.hooks = hooks
        hooks[self.id] = fn

    def remove(self) -> None:
        """Remove the hook (doing so twice is harmless)."""
        self.hooks.pop(self.id, None)


def once_differentiable(backward: Callable) -> Callable:
    """Decorate a Function's backward written with NumPy only: it gets arrays, and under create_graph its
    results are constants (a second derivative through it is not available), as torch's decorator."""

    def wrapper(ctx: Any, *grads: Any) -> Any:
        arrays = [g._data if isinstance(g, Tensor) else g for g in grads]
        previous = GRAD_ENABLED.get()
        GRAD_ENABLED.set(False)
        try:
            return backward(ctx, *arrays)
        finally:
            GRAD_ENABLED.set(previous)

    wrapper.__name__ = getattr(backward, "__name__", "backward")
    wrapper.__doc__ = backward.__doc__
    return wrapper
