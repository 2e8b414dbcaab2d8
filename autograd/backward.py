"""The backward pass: walk the graph from the roots in topological order, without recursion.

1. Count, for every node reachable from the roots, how many edges point at it
   (`count_dependencies`, an iterative depth-first walk).
2. Start from the roots; a node runs once all the nodes that feed it have run,
   with the sum of the gradients they sent it. Its backward returns one
   gradient per input, which goes to the matching entry of `next_functions`.
3. `AccumulateGrad` nodes add what reaches them into their leaf's `.grad`.

With `create_graph=True` the whole pass runs with grad mode on, on Tensors, so
it is recorded like any forward computation.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .function import AccumulateGrad, Anomaly, Function, _check_finite
from .grad_mode import set_grad_enabled
from .tensor import Tensor


def count_dependencies(roots: Sequence[Function]) -> dict[Function, int]:
    """How many edges point at each node reachable from `roots`."""
    deps: dict[Function, int] = {}
    stack = list(roots)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps


def nodes_reaching(roots: Sequence[Function], targets: set[Function]) -> set[Function]:
    """The nodes from which some target can be reached (targets included): the part of the graph to run."""
    needed: set[Function] = set()
    done: set[Function] = set()
    stack: list[tuple[Function, bool]] = [(r, False) for r in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in targets or any(c in needed for c, _ in node.next_functions if c is not None):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c, _ in node.next_functions if c is not None and c not in done)
    return needed


def _root_gradient(root: Tensor, gradient: Any, create_graph: bool) -> Any:
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for one-element outputs, but the output "
                f"has shape {tuple(root.shape)}; pass gradient= (a tensor of that shape), "
                "or reduce the output first, e.g. y.sum().backward()"
            )
        g: Any = np.ones_like(root._data)
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


def _call_hooks(hooks: dict, grad: Any) -> Any:
    """Run tensor hooks on a gradient; a hook may return a replacement."""
    wrapped = grad if isinstance(grad, Tensor) else Tensor._make(grad)
    for hook in list(hooks.values()):
        result = hook(wrapped)
        if result is not None:
            wrapped = result if isinstance(result, Tensor) else Tensor._make(np.asarray(result))
    return wrapped if isinstance(grad, Tensor) else wrapped._data


def accumulate_grad(variable: Tensor, grad: Any, create_graph: bool) -> None:
    """Add `grad` into `variable.grad` (a copy on the first store, then `+=`)."""
    if variable._hooks:
        grad = _call_hooks(variable._hooks, grad)
    if tuple(grad.shape) != variable._data.shape:
        raise RuntimeError(
            f"backward: a gradient of shape {tuple(grad.shape)} reached a leaf of shape {variable.shape}"
        )
    old = variable.grad
    if old is None:
        if isinstance(grad, Tensor):
            variable.grad = grad if create_graph else Tensor._make(np.array(grad._data, dtype=variable.dtype))
        else:
            variable.grad = Tensor._make(np.array(grad, dtype=variable.dtype))
    elif create_graph or old._requires_grad or isinstance(grad, Tensor):
        variable.grad = old + grad
    else:
        old._array()[...] += grad


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
        _add_to_buffer(buffers, node, root._output_nr, g)
        if node not in root_nodes:
            root_nodes.append(node)

    targets: dict[Function, list[tuple[int, int]]] | None = None  # node -> [(output_nr, slot)]
    captured: list[Any] = []
    accumulate_nonleaf: list[Tensor] = []
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
                accumulate_nonleaf.append(t)
        captured = [None] * len(wanted)

    deps = count_dependencies(root_nodes)
    needed = nodes_reaching(root_nodes, set(targets)) if targets is not None else None
    ready = [n for n in root_nodes if n not in deps]

    with set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            if grads is not None and node._pre_hooks:
                for nr, hooks in node._pre_hooks.items():
                    if nr < len(grads) and grads[nr] is not None and hooks:
                        grads[nr] = _call_hooks(hooks, grads[nr])
            run = grads is not None and (needed is None or node in needed)
            if run and targets is not None and node in targets:
                for nr, slot in targets[node]:
                    captured[slot] = grads[nr] if nr < len(grads) else None
                if capture is not None and type(node) is AccumulateGrad:
                    run = False
            outputs: Any = None
            if run:
                if type(node) is AccumulateGrad:
                    accumulate_grad(node.variable, grads[0], create_graph)  # type: ignore[union-attr]
                    continue
                outputs = _call_backward(node, grads, create_graph)  # type: ignore[arg-type]
                if not retain_graph:
                    node.release_saved()
            for i, (child, nr) in enumerate(node.next_functions):
                if child is None:
                    continue
                g = outputs[i] if outputs is not None else None
                if g is not None:
                    _add_to_buffer(buffers, child, nr, g)
                count = deps[child] - 1
                deps[child] = count
                if count == 0:
                    ready.append(child)

    if targets is None:
        return None
    for slot, t in enumerate(accumulate_nonleaf):
        index = list(wanted).index(t)
        if captured[index] is not None:
            accumulate_grad(t, captured[index], create_graph)
    if capture is None:
        return None
    result = []
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


def _call_backward(node: Function, grads: list[Any], create_graph: bool) -> tuple:
    n_out = getattr(node, "_n_outputs", 1)
    if n_out > 1:
        grads = list(grads) + [None] * (n_out - len(grads))
        meta = node._output_meta  # type: ignore[attr-defined]
        for i, g in enumerate(grads):
            if g is None:
                z = np.zeros(meta[i][0], dtype=meta[i][1])
                grads[i] = Tensor._make(z) if create_graph else z
    out = type(node).backward(node, *grads)
    if type(out) is not tuple:
        out = (out,)
    n_in = len(node.next_functions)
    if len(out) != n_in:
        if len(out) > n_in and all(g is None for g in out[n_in:]):
            out = out[:n_in]
        else:
            raise RuntimeError(
                f"{node.name()}: backward returned {len(out)} gradients, but forward took {n_in} inputs"
            )
    if not create_graph:
        out = tuple(g._data if isinstance(g, Tensor) else g for g in out)
    if Anomaly.enabled:
        for g in out:
            if g is not None:
                _check_finite(node, g, "backward")
    return out


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
    result = run_backward(
        outputs, grad_outputs, retain_graph, create_graph, capture=inputs, allow_unused=allow_unused
    )
    assert result is not None
    return tuple(result)
