"""The engine: the backward pass, in topological order, without recursion.

What it does is what `autograd/reference.py` does in a few lines: visit every node
once, after all the nodes that use its outputs, hand it the sum of the gradients
that reached it, and pass what its backward returns on to the nodes that made its
inputs; leaves add what reaches them into `.grad`. This file does the same with
fewer steps per node:

- No sort first. Every node is numbered when it is made (`Function._seq`), after
  the nodes it takes input from, so running the newest node holding a gradient is
  a topological order by construction (`ReadyNodes`).
- Leaves take gradients as they come (`accumulate_grad`), and keep a fresh
  gradient array without copying it.

A backward pass runs with its own thread's grad mode set to `create_graph`: then the
backward functions run on Tensors and are recorded like any forward computation,
so the gradients can be differentiated again. A plain pass (`loss.backward()`)
sets it only once it meets something besides the engine's own ops (see
`plain_backward`); a recorded pass also sets `RECORDED_PASS`, which is what the
engine's ops read to give their saved arrays as graph tensors, and the leaves to
add a gradient out of place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from heapq import heappop, heappush, heappushpop
from typing import Any

import numpy as np

from . import anomaly
from .accumulation import OWNED_REFCOUNT_IN_LOOP, accumulate_grad, run_tensor_hooks
from .function import FREED, Function
from .gradient_hints import shape_hint
from .state import GRAD_ENABLED, RECORDED_PASS, Anomaly
from .tensor import Tensor, _ndarray

ONE = {t: t(1) for t in (np.float16, np.float32, np.float64)}  # a scalar root's starting gradient, by its type
_new = object.__new__
_set_grad_mode, _reset_grad_mode = GRAD_ENABLED.set, GRAD_ENABLED.reset  # bound once: one call, no lookup
_recorded_pass = RECORDED_PASS.get


class ReadyNodes:
    """The nodes holding a gradient, newest first: when a node is the newest of them, every node that
    could still send it a gradient has run.

    Speed trick, `follow`: a node that just got its first gradient and is newer than every waiting
    node runs next without going through the heap, so a chain never touches it (chain backward:
    0.82 -> 0.71 us a node).
    """

    __slots__ = ("heap", "follow")

    def __init__(self, nodes: Sequence[Function]) -> None:
        self.heap: list[tuple[int, Function]] = []
        self.follow: Function | None = None
        for node in nodes:
            self.add(node)

    def add(self, node: Function) -> None:
        """A node that just got its first gradient."""
        follow = self.follow
        self.follow = node if follow is None else newer_first(self.heap, follow, node)

    def __iter__(self) -> Iterator[Function]:
        """The newest node holding a gradient, again and again, until none is left."""
        heap = self.heap
        while True:
            follow = self.follow
            if follow is None:
                if not heap:
                    return
                yield heappop(heap)[1]
            else:
                self.follow = None
                if heap and -heap[0][0] > follow._seq:  # a newer node is waiting: `follow` waits too
                    yield heappushpop(heap, (-follow._seq, follow))[1]
                else:
                    yield follow


def newer_first(heap: list[tuple[int, Function]], follow: Function, node: Function) -> Function:
    """Of the node to run next and a node that just got its first gradient, the newer: it runs next,
    and the other waits in the heap."""
    if node._seq > follow._seq:
        heappush(heap, (-follow._seq, follow))
        return node
    heappush(heap, (-node._seq, node))
    return follow


class GraphTask:
    """One backward pass: the gradients waiting at each node, the nodes ready to run, and what was asked.

    `autograd.grad` captures the gradients reaching its `inputs` instead of accumulating
    them (`capturing`); `backward(inputs=...)` accumulates only into those. Either way
    only the nodes from which one of them can be reached run (`needed`).

    Speed trick, a plain pass starts lean: what only `grad()`, `inputs=`, several roots or leaf
    hooks use is a class default until a pass sets it, and a pass from one root that is not a
    leaf starts with `task_from_root`, its gradient straight into the buffers (1.5 -> 0.5 us a pass).
    """

    __slots__ = ("buffers", "roots", "retain_graph", "lean", "grad_mode", "__dict__")
    leaf_grads: dict[Tensor, Any] | None = None  # leaves whose gradients are summed until the pass ends
    targets: dict[Any, list[tuple[int, int]]] | None = None  # node or leaf -> [(output_nr, slot)]
    needed: set[Any] | None = None
    captured: list[Any] = []  # noqa: RUF012 (read only: a pass that captures sets its own list)
    capturing = False

    def __init__(
        self, roots: Sequence[Tensor], gradients: Sequence[Any], retain_graph: bool | None, wanted: Any, capturing: bool
    ) -> None:
        self.retain_graph = retain_graph
        self.lean = False  # grad mode was set by the caller (see plain_backward)
        self.grad_mode: Any = None  # the token to reset grad mode with, once a lean pass set it
        self.buffers: dict[Function, list[Any]] = {}  # node -> the gradient of each of its outputs, summed so far
        self.capturing = capturing
        root_nodes: list[Function] = []
        for root, gradient in zip(roots, gradients):
            check_root(root)
            g = root_gradient(root, gradient)
            node = root.grad_fn
            if node is None:  # a leaf is its own root
                self.hold_leaf_gradient(root, g)
                continue
            add_gradient(self.buffers, node, root._output_nr, g)
            if node not in root_nodes:
                root_nodes.append(node)
        if wanted is not None:
            self.targets = targets_of(wanted)
            self.needed = nodes_reaching(root_nodes, set(self.targets))
            self.captured = [None] * len(wanted)
        self.roots = root_nodes

    def leave_lean(self) -> None:
        """Turn grad mode off for the rest of a lean pass, before something that is not an engine op runs."""
        if self.lean:
            self.lean = False
            self.grad_mode = _set_grad_mode(False)

    def hold_leaf_gradient(self, leaf: Tensor, g: Any) -> None:
        """Sum a leaf's gradients until the pass ends: its hooks see the total, or `grad()` captures it."""
        if self.leaf_grads is None:
            self.leaf_grads = {}
        old = self.leaf_grads.get(leaf)
        self.leaf_grads[leaf] = g if old is None else old + g

    def skips(self, node: Function, grads: list[Any]) -> bool:
        """With wanted tensors: capture the gradients reaching one; skip nodes that lead to none."""
        assert self.targets is not None and self.needed is not None
        if node not in self.needed:
            return True
        for nr, slot in self.targets.get(node, ()):
            self.captured[slot] = grads[nr] if nr < len(grads) else None
        return False

    def finish_leaves(self) -> None:
        """Accumulate (or capture) the gradients held back for leaves."""
        targets = self.targets
        for leaf, total in (self.leaf_grads or {}).items():
            if targets is None:
                accumulate_grad(leaf, total)
                continue
            for _, slot in targets.get(leaf, ()):
                self.captured[slot] = total
            if not self.capturing and leaf in targets:
                accumulate_grad(leaf, total)


def task_from_root(root: Tensor, g: Any, retain_graph: bool | None, lean: bool) -> GraphTask:
    """The task of a plain pass from one root that is not a leaf: no set-up beyond its first gradient.

    A module function, not a static method: CPython 3.11 does not specialise looking one up on its class.
    """
    task = _new(GraphTask)
    task.retain_graph = retain_graph
    task.lean = lean
    task.grad_mode = None
    nr = root._output_nr
    task.buffers = {root.grad_fn: [g] if nr == 0 else [*([None] * nr), g]}
    return task


def check_root(root: Any) -> None:
    """A root must be a Tensor that requires grad."""
    if not isinstance(root, Tensor):
        raise TypeError(f"backward: expected Tensors as outputs, got {type(root).__name__}")
    if not root._requires_grad:
        raise RuntimeError(
            "backward: the tensor does not require grad and has no grad_fn; "
            "set requires_grad=True on the leaves it is computed from (and not inside no_grad())"
        )


def targets_of(wanted: Sequence[Any]) -> dict[Any, list[tuple[int, int]]]:
    """For the node (or leaf) behind each wanted tensor: (which of its outputs, the tensor's position in `wanted`)."""
    targets: dict[Any, list[tuple[int, int]]] = {}
    for i, t in enumerate(wanted):
        if not isinstance(t, Tensor) or not t._requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
        targets.setdefault(t.grad_fn or t, []).append((t._output_nr, i))
    return targets


def nodes_reaching(roots: Sequence[Function], targets: set[Any]) -> set[Any]:
    """The nodes (and leaves) from which some target can be reached, targets included: the part of the graph to run."""
    needed: set[Any] = set()
    done: set[Any] = set()
    stack: list[tuple[Any, bool]] = [(r, False) for r in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in targets or any(c in needed for c in inputs_of(node)):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in inputs_of(node) if c not in done)
    return needed


def inputs_of(node: Any) -> list[Any]:
    """The nodes and leaves a node's gradients flow to (none for a leaf)."""
    return [] if isinstance(node, Tensor) else [c for c in node._edges[::2] if c is not None]


def implicit_gradient(root: Tensor) -> Any:
    """The gradient `loss.backward()` starts from when none is given: a one-element root's one, as an array."""
    data = root._data
    one = ONE.get(type(data))  # a 0-d result held as a NumPy scalar
    if one is not None:
        return one
    if data.size != 1:
        raise RuntimeError(
            f"backward: grad can be implicitly created only for one-element outputs, but the output "
            f"has shape {tuple(root.shape)}; pass gradient= (a tensor of that shape), "
            "or reduce the output first, e.g. y.sum().backward()"
        )
    return np.ones(data.shape, data.dtype) if type(data) is _ndarray else data.dtype.type(1)


def root_gradient(root: Tensor, gradient: Any) -> Any:
    """The gradient a backward pass starts from: ones for a one-element root, else the one given.

    Read inside the pass: a Tensor when the pass is recorded (create_graph), else an array.
    """
    if gradient is None:
        g = implicit_gradient(root)
    else:
        g = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient, dtype=root.dtype)
        if tuple(g.shape) != tuple(root.shape):
            raise RuntimeError(
                f"backward: gradient has shape {tuple(g.shape)} but the output has shape {tuple(root.shape)}; "
                "they must match"
            )
        if isinstance(gradient, Tensor) and GRAD_ENABLED.get():
            return gradient  # recorded: the given tensor itself, so gradients flow into it too
    return Tensor._make(g) if GRAD_ENABLED.get() else g


def add_gradient(buffers: dict[Function, list[Any]], node: Function, nr: int, g: Any) -> None:
    """Add `g` to what output `nr` of `node` has received."""
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * (nr + 1)
    elif len(slots) <= nr:
        slots.extend([None] * (nr + 1 - len(slots)))
    old = slots[nr]
    slots[nr] = g if old is None else old + g


def run_backward(
    roots: Sequence[Tensor],
    gradients: Sequence[Any],
    retain_graph: bool | None,
    create_graph: bool,
    inputs: Any = None,
    capture: Sequence[Tensor] | None = None,
    allow_unused: bool = False,
) -> list[Any] | None:
    """Run the backward pass from `roots`.

    With `capture` (used by `autograd.grad`), the gradients reaching those tensors
    are returned instead of accumulated into any `.grad`. With `inputs`, only those
    tensors' `.grad` are accumulated.
    """
    wanted: Any = capture if capture is not None else inputs
    if isinstance(wanted, Tensor):
        wanted = (wanted,)
    create_graph = bool(create_graph)
    mode = GRAD_ENABLED.set(create_graph)  # this thread only: a recorded pass under create_graph, none otherwise
    recorded = RECORDED_PASS.set(create_graph) if _recorded_pass() is not create_graph else None
    try:
        retain = create_graph if retain_graph is None else retain_graph
        if wanted is None and len(roots) == 1 and isinstance(roots[0], Tensor) and roots[0].grad_fn is not None:
            task = task_from_root(roots[0], root_gradient(roots[0], gradients[0]), retain, False)
            execute(task, roots[0].grad_fn, [])
        else:
            task = GraphTask(roots, gradients, retain, wanted, capture is not None)
            ready = ReadyNodes(task.roots)
            execute(task, ready.follow, ready.heap)
        task.finish_leaves()
        if wanted is not None and capture is None:  # backward(inputs=...): non-leaf inputs get their gradient now
            for t, g in zip(wanted, task.captured):
                if g is not None and t.grad_fn is not None:
                    accumulate_grad(t, g)
    finally:
        GRAD_ENABLED.reset(mode)
        if recorded is not None:
            RECORDED_PASS.reset(recorded)
    if capture is None:
        return None
    result = captured_gradients(wanted, task.captured, allow_unused)
    return [linked_to_input(g, t) for g, t in zip(result, wanted)] if create_graph else result


class ZeroDerivative(Function):
    """A gradient that does not depend on its input, linked to it with a derivative of zero.

    PyTorch's backward formulas record an edge to every input they read, so under create_graph
    the gradient of relu(x).sum() (a mask) still requires grad, with a zero second derivative;
    here such a gradient comes back as a constant, and this gives it that edge.
    """

    @staticmethod
    def forward(ctx, value, x):
        ctx.shape, ctx.dtype = np.shape(x), x.dtype
        return value

    @staticmethod
    def backward(ctx, grad):  # d(value)/dx = 0
        return None, np.zeros(ctx.shape, ctx.dtype)


def linked_to_input(g: Any, t: Tensor) -> Any:
    """`g` as a tensor that requires grad when `t` does (see ZeroDerivative)."""
    if g is None or g._requires_grad or not t._requires_grad:
        return g
    return ZeroDerivative.apply(g._data, t)


def plain_backward(root: Tensor, retain_graph: bool | None) -> None:
    """`loss.backward()` and nothing more (no gradient given, no inputs=, no create_graph) from a non-leaf root.

    Speed trick, the plain pass called directly: `Tensor.backward` comes here without packing its
    arguments for `run_backward`, and a 0-d root starts from its one (a tiny graph: 4.1 -> 3.6 us).

    Speed trick, a lean pass: grad mode stays as it is while only the engine's own ops run (their
    backward functions take arrays and read `RECORDED_PASS`, not grad mode), and is switched off only
    before a hook, a custom Function or anything else runs (`GraphTask.leave_lean`): a ContextVar's
    set and reset cost 175 ns (a tiny graph: 53.7k -> 52.8k instructions a step, mean of three hash
    seeds; 1.35x -> 1.29x micrograd's time, medians of ten interleaved runs each).
    """
    if _recorded_pass():  # called inside a recorded pass (from a hook): switched as run_backward does
        run_backward((root,), (None,), retain_graph, False)
        return
    one = ONE.get(type(root._data))
    task = task_from_root(root, implicit_gradient(root) if one is None else one, retain_graph, True)
    try:
        execute(task, root.grad_fn, [])
        if task.leaf_grads:
            task.leave_lean()  # leaf hooks run now
            task.finish_leaves()
    finally:
        if task.grad_mode is not None:
            _reset_grad_mode(task.grad_mode)


def execute(task: GraphTask, follow: Function | None, heap: list[tuple[int, Function]]) -> None:
    """Run the nodes, newest first, each once with the sum of its gradients, until none holds one.

    `follow` and `heap` are the ready nodes (see ReadyNodes) to start from. Gradients held back for
    leaves (`task.leaf_grads`) are the caller's to finish.

    Speed trick, the ready nodes in the loop: `follow` and the heap are read and updated here
    directly, not through ReadyNodes' generator (a tiny graph's backward: 2.2k fewer instructions, 5%).
    """
    buffers = task.buffers
    filtered = task.targets is not None
    direct = not (filtered or Anomaly.detect)  # the engine's own one-output ops are called directly
    retain_graph = task.retain_graph
    while True:
        if follow is not None:
            node, follow = follow, None
            if heap and -heap[0][0] > node._seq:  # a newer node is waiting: it goes first
                node = heappushpop(heap, (-node._seq, node))[1]
        elif heap:
            node = heappop(heap)[1]
        else:
            break
        grads = buffers.pop(node)
        if direct and node._trusted_backward and node._output_meta is None and not node._pre_hooks:
            outputs = node.backward(node, grads[0])
            if type(outputs) is not tuple:
                outputs = (outputs,)
        else:
            outputs = run_node(task, node, grads)
            if outputs is None:
                continue
        if not retain_graph and node._saved is not None:
            node._saved = FREED  # free what forward saved: a second backward raises
            node._saved_refs = None
        pairs = iter(node._edges)
        for child, nr, g in zip(pairs, pairs, outputs):  # where each input's gradient goes, and the gradient
            if child is None or g is None:
                continue
            if isinstance(child, Tensor):  # a leaf: add each gradient in as it comes (sums are associative)
                old = child._grad
                if (
                    old is not None
                    and type(g) is type(old._data) is not _ndarray
                    and not (filtered or child._hooks or old._requires_grad)
                ):  # Speed trick, a later 0-d gradient: accumulate_grad's rebind without the call (tiny graph -5%)
                    old._data = old._data + g
                elif filtered or child._hooks:
                    task.hold_leaf_gradient(child, g)  # ... unless hooks must see the sum, or grad() wants it
                else:
                    accumulate_grad(child, g, OWNED_REFCOUNT_IN_LOOP)
            elif child in buffers:
                add_gradient(buffers, child, nr, g)
            else:  # the child's first gradient: it will have to run
                buffers[child] = [g] if nr == 0 else [*([None] * nr), g]
                follow = child if follow is None else newer_first(heap, follow, child)
        g = outputs = None  # hold no gradient longer than its buffer does


def run_node(task: GraphTask, node: Function, grads: list[Any]) -> tuple[Any, ...] | None:
    """A node's backward with everything around it: its pre-hooks, the filter of `grad()` and `inputs=`
    (None: skipped), user backwards' checks and anomaly detection."""
    task.leave_lean()  # what runs now may be a user's code
    if node._pre_hooks:
        run_pre_hooks(node, grads)
    if task.targets is not None and task.skips(node, grads):
        return None
    return call_backward(node, grads)


def call_backward(node: Function, grads: list[Any]) -> tuple[Any, ...]:
    """Call the node's backward with the gradient of each of its outputs; one gradient per input back."""
    if node._output_meta is None:
        outputs = node.backward(node, grads[0])
    else:
        outputs = node.backward(node, *all_output_grads(node, grads))
    if type(outputs) is not tuple:
        outputs = (outputs,)
    if not node._trusted_backward:
        outputs = checked_outputs(node, outputs)
    if Anomaly.detect:
        for g in outputs:
            if g is not None:
                anomaly.check_finite(node, g, "backward")
    return outputs


def run_pre_hooks(node: Function, grads: list[Any]) -> None:
    """Hooks registered on a non-leaf tensor (or with retain_grad) see its gradient before its node runs."""
    for nr, hooks in node._pre_hooks.items():  # type: ignore[union-attr]
        if nr < len(grads) and grads[nr] is not None and hooks:
            grads[nr] = run_tensor_hooks(hooks, grads[nr])


def all_output_grads(node: Function, grads: list[Any]) -> list[Any]:
    """One gradient per output of a multi-output node; zeros for outputs nothing flowed into."""
    meta = node._output_meta
    assert meta is not None
    grads = list(grads) + [None] * (len(meta) - len(grads))
    for i, g in enumerate(grads):
        if g is None:
            z = np.zeros(meta[i][0], dtype=meta[i][1])
            grads[i] = Tensor._make(z) if GRAD_ENABLED.get() else z
    return grads


def checked_outputs(node: Function, outputs: tuple) -> tuple:
    """What a user-written backward returned, checked: one gradient per input, as arrays unless recording."""
    n_in = len(node.needs_input_grad)
    if len(outputs) != n_in:
        if len(outputs) > n_in and all(g is None for g in outputs[n_in:]):
            outputs = outputs[:n_in]
        else:
            raise RuntimeError(
                f"{node.name()}: backward returned {len(outputs)} gradients, but forward took {n_in} inputs"
            )
    meta = getattr(node, "_input_meta", None)
    if meta is not None:
        outputs = tuple(_fits_input(node, i, g, m) for i, (g, m) in enumerate(zip(outputs, meta)))
    if GRAD_ENABLED.get():
        return outputs
    return tuple(g._data if isinstance(g, Tensor) else g for g in outputs)


def _fits_input(node: Function, i: int, g: Any, meta: Any) -> Any:
    """A user backward's gradient for input `i`, checked against that input's shape (with a hint for the
    likely mistake) and given its floating dtype (as PyTorch casts it)."""
    if g is None or meta is None or not node.needs_input_grad[i]:
        return g
    shape, dtype = meta
    if tuple(np.shape(g)) != tuple(shape):
        hint = shape_hint(tuple(np.shape(g)), tuple(shape))
        raise RuntimeError(
            f"{node.name()}: backward returned a gradient of shape {tuple(np.shape(g))} for input {i}, "
            f"which has shape {tuple(shape)}" + (f"; {hint}" if hint else "")
        )
    if dtype.kind == "f" and (g._data.dtype if isinstance(g, Tensor) else np.result_type(g)) != dtype:
        return g.to(dtype) if isinstance(g, Tensor) else np.asarray(g).astype(dtype)
    return g


def captured_gradients(wanted: Sequence[Tensor], captured: list[Any], allow_unused: bool) -> list[Any]:
    """What `autograd.grad` returns: a Tensor per input (None for an unused one, with allow_unused)."""
    result: list[Any] = []
    for i, (t, g) in enumerate(zip(wanted, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {tuple(t.shape)}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            result.append(None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(Tensor._make(np.array(g, dtype=t.dtype) if np.shape(g) != t.shape else g))
    return result


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate the gradients of several outputs at once: `autograd.backward([loss1, loss2])`."""
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    run_backward(tensors, tuple(grad_tensors), retain_graph, create_graph, inputs=inputs)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of `outputs` with respect to `inputs`, returned (not accumulated into `.grad`).

    >>> x = tensor(3.0, requires_grad=True)
    >>> (dx,) = grad(x ** 2, x, create_graph=True)   # 6
    >>> grad(dx, x)                                   # (tensor(2.),)
    """
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    result = run_backward(outputs, grad_outputs, retain_graph, create_graph, capture=inputs, allow_unused=allow_unused)
    assert result is not None
    return tuple(result)
