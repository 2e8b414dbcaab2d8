"""Which op has the wrong backward: gradcheck's search when a composite function fails its check.

`fn` runs once more while this thread records the arguments each op of its graph received
(`SEEN_INPUTS`, through the hook every op's creation passes when `Anomaly.enabled`). Then each op is
checked alone, oldest first, on float64 copies of the values it actually saw: its own backward
against its own finite differences. The first op that fails is the culprit; the report names it (a
custom Function by its class name), the input, the first entry where the two derivatives differ and
both values, and a hint where the mistake has a recognisable pattern (gradient_hints.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from .function import Function
from .grad_mode import no_grad
from .gradcheck import Mismatch, _mismatch, _outputs
from .gradient_hints import dtype_hint, shape_hint, value_hints
from .state import SEEN_INPUTS, Anomaly
from .tensor import Tensor

_COUNTING = threading.Lock()  # Anomaly.capturing is shared by the threads


def ops_seen(fn: Callable[..., Any], inputs: tuple[Any, ...]) -> list[tuple[Function, tuple]]:
    """Run `fn` and return each recorded op of its graph with the arguments it received, oldest first."""
    seen: dict[Function, tuple] = {}
    token = SEEN_INPUTS.set(seen)
    with _COUNTING:
        Anomaly.capturing += 1
        Anomaly.refresh()
    try:
        _outputs(fn, inputs)
    finally:
        with _COUNTING:
            Anomaly.capturing -= 1
            Anomaly.refresh()
        SEEN_INPUTS.reset(token)
    return sorted(seen.items(), key=lambda item: item[0]._seq)


def culprit_report(fn: Callable[..., Any], inputs: tuple[Any, ...], eps: float, atol: float, rtol: float) -> str:
    """A paragraph naming the first op whose backward disagrees with its own finite differences: custom
    Functions first; an engine op (tested on its own elsewhere) only when no custom one is wrong."""
    seen = ops_seen(fn, inputs)
    for custom in (True, False):
        for node, args in seen:
            if _is_custom(type(node)) != custom:
                continue
            report = check_op(type(node), args, eps, atol, rtol)
            if report is not None:
                return report if custom else report + "\n" + KINK_NOTE
    return (
        "Each op of the graph, checked alone on the values it saw, agrees with its finite differences: "
        "the mismatch comes from how they combine (a point where a derivative jumps, such as relu at 0 or a "
        "tie in max, or a step eps too large for the function)."
    )


KINK_NOTE = (
    "note: this is one of the engine's own ops, whose backward is tested on its own; a disagreement at these "
    "values usually means a point where its derivative jumps (relu or abs at 0, a tie in max or sort), where "
    "finite differences average the two sides"
)


def precision_report(fn: Callable[..., Any], inputs: tuple[Any, ...], outs: tuple[Tensor, ...]) -> str | None:
    """A custom Function whose backward returns a lower floating precision than its input, or None.

    `outs` are fn's outputs already computed: without a custom Function in their graph, fn is not run again.
    """
    if not _has_custom_node(outs):
        return None
    for node, args in ops_seen(fn, inputs):
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a._requires_grad]
        if not _is_custom(type(node)) or not positions:
            continue
        leaves = tuple(Tensor._make(np.array(args[i]._data), True) for i in positions)
        for i, x, g in zip(positions, leaves, _raw_gradients(_applied_to(type(node), args, positions), leaves)):
            hint = None if g is None else dtype_hint(np.result_type(g), x.dtype)
            if hint:
                return f"{_op_name(type(node))}: its backward's gradient for input {i}: {hint}"
    return None


def _has_custom_node(outs: tuple[Tensor, ...]) -> bool:
    """Whether a Function written outside autograd is among the nodes behind `outs`."""
    stack = [o.grad_fn for o in outs if o.grad_fn is not None]
    seen = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if _is_custom(type(node)):
            return True
        stack.extend(child for child in node._edges[::2] if isinstance(child, Function))
    return False


def _applied_to(cls: Any, args: tuple, positions: list[int]) -> Callable[..., Any]:
    """The op `cls` at `args`, as a function of the arguments at `positions` (the rest held fixed)."""

    def op(*xs: Any) -> Any:
        call = list(args)
        for i, x in zip(positions, xs):
            call[i] = x
        return cls.apply(*call)

    return op


def _is_custom(cls: type) -> bool:
    return not cls.__module__.startswith("autograd.")


def _op_name(cls: Any) -> str:
    return f"{cls.__name__} (a custom Function)" if _is_custom(cls) else f"{cls.__name__} (graph node {cls.name()})"


def check_op(cls: Any, args: tuple, eps: float, atol: float, rtol: float) -> str | None:
    """Check one op alone at `args` (float64 copies of its floating inputs); a report when it is wrong."""
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a._requires_grad and a.dtype.kind == "f"]
    if not positions:
        return None
    xs = tuple(Tensor._make(np.array(args[i]._data, dtype=np.float64), True) for i in positions)
    op = _applied_to(cls, args, positions)
    header = f"The op with the wrong backward: {_op_name(cls)}, checked alone on the values it saw"
    raw = _raw_gradients(op, xs)
    for k, (x, g) in enumerate(zip(xs, raw)):
        if g is not None and tuple(np.shape(g)) != x.shape:
            hint = shape_hint(tuple(np.shape(g)), x.shape)
            return (
                f"{header}: its backward returns a gradient of shape {tuple(np.shape(g))} for its input "
                f"{positions[k]}, of shape {x.shape}" + (f"\nhint: {hint}" if hint else "")
            )
    try:
        found = _mismatch(op, xs, eps, atol, rtol, None)[0]
    except Exception as error:  # its backward raised: that is the report
        return f"{header}: its backward raised {type(error).__name__}: {error}"
    if found is None:
        return None
    return _describe(header, positions, found, raw, xs)


def _raw_gradients(op: Callable[..., Any], xs: tuple[Tensor, ...]) -> list[Any]:
    """What the op's backward itself returns for its inputs xs (before the engine checks it), for a random
    output gradient; [] when it cannot be called that way."""
    outs = op(*xs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    node = next((o.grad_fn for o in outs if isinstance(o, Tensor) and o.grad_fn is not None), None)
    if node is None:
        return []
    rng = np.random.default_rng(0)  # its own: the user's random stream is left as it was
    grads = [rng.standard_normal(np.shape(o._data)).astype(o.dtype) for o in outs if isinstance(o, Tensor)]
    with no_grad():
        try:
            returned = node.backward(node, *grads)
        except Exception:
            return []
    returned = returned if isinstance(returned, tuple) else (returned,)
    children = node._edges[::2]  # per forward argument, where its gradient goes (a leaf: the tensor itself)
    result = []
    for x in xs:
        index = next((i for i, child in enumerate(children) if child is x), None)
        result.append(returned[index] if index is not None and index < len(returned) else None)
    return result


def _describe(header: str, positions: list[int], found: Mismatch, raw: list[Any], xs: tuple[Tensor, ...]) -> str:
    k = found.position
    first_line = found.message.split("\n")[0].replace(f"for input {k} (", f"for its input {positions[k]} (", 1)
    lines = [f"{header}: {first_line}"]
    g = raw[k] if k < len(raw) else None
    hints = []
    if g is not None:
        hint = dtype_hint(np.result_type(g), xs[k].dtype)
        if hint:
            hints.append(hint)
    if found.analytic is not None and found.numeric is not None:
        u = np.random.default_rng(20261204).standard_normal(found.analytic.shape[0])
        shape = xs[k].shape
        hints += value_hints((u @ found.analytic).reshape(shape), (u @ found.numeric).reshape(shape))
    lines += [f"hint: {h}" for h in hints]
    return "\n".join(lines)
