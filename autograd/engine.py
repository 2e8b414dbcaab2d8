"""The engine: the backward pass, walking the graph in topological order, without recursion.

Every graph node is numbered when it is made (`Function._seq`), and a node is
always made after the nodes it takes input from. So the pass keeps the nodes
that hold a gradient in a heap and always runs the newest one: by then every
node that could still send it a gradient has run, and it runs once, with the
sum of what it received. Its backward returns one gradient per input, which
goes to the node that made that input (`next_functions`); `AccumulateGrad` nodes add
what reaches them into their leaf's `.grad` (directly, as it arrives, when the
leaf has no hooks: the sum is the same). No separate walk counts dependencies.

With `create_graph=True` the whole pass runs with grad mode on, on Tensors, so
it is recorded like any forward computation.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from heapq import heapify, heappop, heappush
from typing import Any

import numpy as np

from .function import _FREED, AccumulateGrad, Function, _check_finite
from .state import Anomaly, thread
from .tensor import Tensor


def nodes_reaching(roots: Sequence[Function], targets: set[Function]) -> set[Function]:
    """The nodes from which some target can be reached (targets included): the part of the graph to run."""
    needed: set[Function] = set()
    done: set[Function] = set()
    stack: list[tuple[Function, bool]] = [(r, False) for r in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in targets or any(c in needed for c in node._edges[::2] if c is not None):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in node._edges[::2] if c is not None and c not in done)
    return needed


def _root_gradient(root: Tensor, gradient: Any, create_graph: bool) -> Any:
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for one-element outputs, but the output "
                f"has shape {tuple(root.shape)}; pass gradient= (a tensor of that shape), "
                "or reduce the output first, e.g. y.sum().backward()"
            )
        data = root._data
        if type(data) is np.ndarray:
            g: Any = np.ones(data.shape, data.dtype)
        else:  # a NumPy scalar is immutable, so one shared 1 per dtype will do
            g = _ONE.get(data.dtype)
            if g is None:
                g = _ONE[data.dtype] = data.dtype.type(1)
    else:
        g = gradient._data if isinstance(gradient, Tensor) and not create_graph else gradient
        if not isinstance(g, Tensor):
            g = np.asarray(g, dtype=root.dtype)
        if tuple(g.shape) != tuple(root.shape):
            raise RuntimeError(
                f"backward: gradient has shape {tuple(g.shape)} but the output has shape {tuple(root.shape)}; "
                "they must match"
            )
    if create_graph and not isinstance(g, Tensor):
        g = Tensor._make(g)
    return g


_ONE: dict[np.dtype, Any] = {}


def _call_hooks(hooks: dict, grad: Any) -> Any:
    """Run tensor hooks on a gradient; a hook may return a replacement."""
    wrapped = grad if isinstance(grad, Tensor) else Tensor._make(grad)
    for hook in list(hooks.values()):
        result = hook(wrapped)
        if result is not None:
            wrapped = result if isinstance(result, Tensor) else Tensor._make(np.asarray(result))
    return wrapped if isinstance(grad, Tensor) else wrapped._data


def _refcount_in_callee(grad: Any) -> int:
    return sys.getrefcount(grad)


def _owned_refcount() -> int:
    """sys.getrefcount of an array held only by the engine's buffer list, seen from accumulate_grad."""
    grads = [np.empty(1)]
    return _refcount_in_callee(grads[0])


def _owned_refcount_in_loop() -> int:
    """The same, for an array held only by an op's tuple of gradients while the engine loops over it."""
    outputs = (np.empty(1),)
    for _, g in zip(((None, 0),), outputs):  # as the loop over (edges, outputs) holds it
        return _refcount_in_callee(g)
    raise AssertionError


_OWNED_REFCOUNT = _owned_refcount()
_OWNED_REFCOUNT_IN_LOOP = _owned_refcount_in_loop()


def accumulate_grad(variable: Tensor, grad: Any, create_graph: bool, owned_refcount: int = _OWNED_REFCOUNT) -> None:
    """Add `grad` into `variable.grad` (a copy on the first store, then `+=`)."""
    if variable._hooks:
        grad = _call_hooks(variable._hooks, grad)
    if grad.shape != variable._data.shape:
        raise RuntimeError(
            f"backward: a gradient of shape {tuple(grad.shape)} reached a leaf of shape {variable.shape}"
        )
    old = variable.grad
    dtype = variable._data.dtype
    if old is None:
        if isinstance(grad, Tensor):
            variable.grad = grad if create_graph else Tensor._make(np.array(grad._data, dtype=dtype))
        elif type(grad) is np.ndarray:
            if grad.base is None and grad.dtype == dtype and sys.getrefcount(grad) <= owned_refcount:
                variable.grad = Tensor._make(grad)  # a fresh array nobody else holds: take it, no copy
            else:
                variable.grad = Tensor._make(np.array(grad, dtype=dtype))  # a copy the leaf owns
        else:  # a NumPy scalar (0-d result) is immutable: no copy needed
            variable.grad = Tensor._make(grad if grad.dtype == dtype else dtype.type(grad))
    elif create_graph or old._requires_grad or isinstance(grad, Tensor):
        variable.grad = old + grad
    elif type(old._data) is not np.ndarray:  # a scalar nobody shares memory with: rebind
        total = old._data + grad
        old._data = total if total.dtype == dtype else dtype.type(total)
    else:
        array = old._data
        array += grad


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
    if retain_graph is None:
        retain_graph = create_graph
    root_nodes: list[Function] = []
    buffers: dict[Function, list[Any]] = {}
    for root, gradient in zip(roots, gradients):
        if not isinstance(root, Tensor):
            raise TypeError(f"backward: expected Tensors as outputs, got {type(root).__name__}")
        if not root._requires_grad:
            raise RuntimeError(
                "backward: the tensor does not require grad and has no grad_fn; "
                "set requires_grad=True on the leaves it is computed from (and not inside no_grad())"
            )
        g = _root_gradient(root, gradient, create_graph)
        node = root._grad_node()
        if node in buffers or root._output_nr:
            _add_to_buffer(buffers, node, root._output_nr, g)
        else:
            buffers[node] = [g]
        if node not in root_nodes:
            root_nodes.append(node)

    targets: dict[Function, list[tuple[int, int]]] | None = None  # node -> [(output_nr, slot)]
    captured: list[Any] = []
    accumulate_nonleaf: list[tuple[int, Tensor]] = []
    wanted = capture if capture is not None else inputs
    if wanted is not None:
        if isinstance(wanted, Tensor):
            wanted = (wanted,)
        targets = {}
        for i, t in enumerate(wanted):
            if not isinstance(t, Tensor) or not t._requires_grad:
                raise RuntimeError(f"grad: input {i} does not require grad")
            targets.setdefault(t._grad_node(), []).append((t._output_nr, i))
            if capture is None and t.grad_fn is not None:
                accumulate_nonleaf.append((i, t))
        captured = [None] * len(wanted)

    needed = nodes_reaching(root_nodes, set(targets)) if targets is not None else None
    # Nodes run newest first: a node is created after every node it takes input from, so
    # when it is the newest node holding a gradient, nothing can still send it one. A node
    # that just received its first gradient and is newer than every waiting node runs next
    # without a trip through the heap (a chain never touches it).
    follow: Function | None = None  # a node known to be the newest pending one: it runs next, bypassing the heap
    if len(root_nodes) == 1:
        heap: list[tuple[int, Function]] = []
        follow = root_nodes[0]
    else:
        heap = [(-node._seq, node) for node in root_nodes]
        heapify(heap)
    capturing = capture is not None
    direct = targets is None
    anomaly = Anomaly.enabled

    previous_mode = thread.grad_enabled
    thread.grad_enabled = create_graph
    try:
        while follow is not None or heap:
            if follow is None:
                node = heappop(heap)[1]
            else:
                node, follow = follow, None
            grads = buffers.pop(node)
            if node._pre_hooks:
                _run_pre_hooks(node, grads)
            if targets is not None:
                if needed is None or node not in needed:
                    continue
                if node in targets:
                    for nr, slot in targets[node]:
                        captured[slot] = grads[nr] if nr < len(grads) else None
                    if capturing and type(node) is AccumulateGrad:
                        continue
            if type(node) is AccumulateGrad:
                accumulate_grad(node.variable, grads[0], create_graph)  # type: ignore[attr-defined]
                continue
            if node._output_meta is None:
                outputs = node.backward(node, grads[0])
            else:
                outputs = node.backward(node, *_all_output_grads(node, grads, create_graph))
            if type(outputs) is not tuple:
                outputs = (outputs,)
            if not node._checked_backward:
                outputs = _checked_outputs(node, outputs, create_graph)
            if anomaly:
                _check_backward_outputs(node, outputs)
            if not retain_graph and node._saved is not None:
                node._saved = _FREED  # free what forward saved: a second backward raises
                node._saved_refs = None
            pairs = iter(node._edges)
            for child, nr, g in zip(pairs, pairs, outputs):  # (node, output index) of each input, its gradient
                if child is None or g is None:
                    continue
                if (
                    type(child) is AccumulateGrad
                    and direct
                    and child._pre_hooks is None
                    and child.variable._hooks is None  # type: ignore[attr-defined]
                ):  # a leaf: sums are associative, so add each gradient in as it comes
                    accumulate_grad(child.variable, g, create_graph, _OWNED_REFCOUNT_IN_LOOP)  # type: ignore[attr-defined]
                    continue
                slots = buffers.get(child)
                if slots is None:  # the child's first gradient: it will have to run
                    if nr == 0:
                        buffers[child] = [g]
                    else:
                        _add_to_buffer(buffers, child, nr, g)
                    if follow is None:
                        follow = child
                    elif child._seq > follow._seq:
                        heappush(heap, (-follow._seq, follow))
                        follow = child
                    else:
                        heappush(heap, (-child._seq, child))
                elif nr == 0:
                    old = slots[0]
                    slots[0] = g if old is None else old + g
                else:
                    _add_to_buffer(buffers, child, nr, g)
            if follow is not None and heap and -heap[0][0] > follow._seq:
                heappush(heap, (-follow._seq, follow))  # an older node than one already waiting: queue it
                follow = None
            g = outputs = None  # hold no gradient longer than its buffer does
    finally:
        thread.grad_enabled = previous_mode

    if targets is None:
        return None
    for index, t in accumulate_nonleaf:
        if captured[index] is not None:
            accumulate_grad(t, captured[index], create_graph)
    if capture is None:
        return None
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


def _add_to_buffer(buffers: dict[Function, list[Any]], node: Function, nr: int, g: Any) -> None:
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * (nr + 1)
    elif len(slots) <= nr:
        slots.extend([None] * (nr + 1 - len(slots)))
    old = slots[nr]
    slots[nr] = g if old is None else old + g


def _run_pre_hooks(node: Function, grads: list[Any]) -> None:
    for nr, hooks in node._pre_hooks.items():  # type: ignore[union-attr]
        if nr < len(grads) and grads[nr] is not None and hooks:
            grads[nr] = _call_hooks(hooks, grads[nr])


def _check_backward_outputs(node: Function, outputs: tuple) -> None:
    for g in outputs:
        if g is not None:
            _check_finite(node, g, "backward")


def _all_output_grads(node: Function, grads: list[Any], create_graph: bool) -> list[Any]:
    """One gradient per output of a multi-output node; zeros for outputs nothing flowed into."""
    meta = node._output_meta
    assert meta is not None
    grads = list(grads) + [None] * (len(meta) - len(grads))
    for i, g in enumerate(grads):
        if g is None:
            z = np.zeros(meta[i][0], dtype=meta[i][1])
            grads[i] = Tensor._make(z) if create_graph else z
    return grads


def _checked_outputs(node: Function, outputs: tuple, create_graph: bool) -> tuple:
    """What a user-written backward returned, checked: one gradient per input, as arrays unless recording."""
    n_in = len(node.needs_input_grad)
    if len(outputs) != n_in:
        if len(outputs) > n_in and all(g is None for g in outputs[n_in:]):
            outputs = outputs[:n_in]
        else:
            raise RuntimeError(
                f"{node.name()}: backward returned {len(outputs)} gradients, but forward took {n_in} inputs"
            )
    if create_graph:
        return outputs
    return tuple(g._data if isinstance(g, Tensor) else g for g in outputs)


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
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    result = run_backward(outputs, grad_outputs, retain_graph, create_graph, capture=inputs, allow_unused=allow_unused)
    assert result is not None
    return tuple(result)
