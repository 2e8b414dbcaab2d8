"""Higher-level derivatives built on `grad`: `vjp`, `jvp`, `jacobian`, `hessian`, `hvp`.

`jvp` uses the double-vjp trick: for u with a gradient, g(u) = J^T u is linear
in u, so the vjp of g with v is J v.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import grad
from .tensor import Tensor


def _tuple(x: Any) -> tuple[Any, ...]:
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prepare(inputs: Any) -> tuple[tuple[Tensor, ...], bool]:
    single = isinstance(inputs, Tensor)
    xs = tuple(Tensor._make(x._array(), True) if x.dtype.kind == "f" else x for x in _tuple(inputs))
    return xs, single


def _zeros_for(xs: tuple[Tensor, ...], gs: tuple[Any, ...]) -> tuple[Tensor, ...]:
    return tuple(Tensor._make(np.zeros(x.shape, x.dtype)) if g is None else g for x, g in zip(xs, gs))


def _detach(ts: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    return ts if create_graph else tuple(t.detach() for t in ts)


def _unpack(ts: tuple[Any, ...], single: bool) -> Any:
    return ts[0] if single else ts


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False) -> tuple[Any, Any]:
    """(func(inputs), v^T J): the vector-Jacobian product, as `torch.autograd.functional.vjp`."""
    xs, single = _prepare(inputs)
    out = func(*xs)
    outs = _tuple(out)
    vs = _tuple(v) if v is not None else (None,) * len(outs)
    gs = grad(outs, xs, vs, create_graph=create_graph, allow_unused=True)
    return _unpack(_detach(outs, create_graph), isinstance(out, Tensor)), _unpack(
        _detach(_zeros_for(xs, gs), create_graph), single
    )


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False) -> tuple[Any, Any]:
    """(func(inputs), J v): the Jacobian-vector product, by differentiating a vjp."""
    xs, single = _prepare(inputs)
    out = func(*xs)
    outs = _tuple(out)
    us = tuple(Tensor._make(np.zeros(o.shape, o.dtype), True) for o in outs)
    gs = grad(outs, xs, us, create_graph=True, allow_unused=True)
    used = [(g, x) for g, x in zip(gs, xs) if g is not None]
    vs = _tuple(v) if v is not None else tuple(Tensor._make(np.ones(x.shape, x.dtype)) for x in xs)
    if not used:
        jv = tuple(Tensor._make(np.zeros(o.shape, o.dtype)) for o in outs)
    else:
        v_used = [vv for g, vv in zip(gs, vs) if g is not None]
        jv = _zeros_for(outs, grad([g for g, _ in used], us, v_used, create_graph=create_graph, allow_unused=True))
    return _unpack(_detach(outs, create_graph), isinstance(out, Tensor)), _unpack(
        _detach(jv, create_graph), isinstance(out, Tensor)
    )


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """The Jacobian of `func` at `inputs`: shape output.shape + input.shape (nested for tuples)."""
    xs, single_in = _prepare(inputs)
    out = func(*xs)
    outs = _tuple(out)
    result = []
    for o in outs:
        rows: list[list[Tensor]] = [[] for _ in xs]
        flat = o.reshape(-1)
        for k in range(o.numel()):
            gs = _zeros_for(xs, grad(flat[k], xs, retain_graph=True, create_graph=create_graph, allow_unused=True))
            for i, g in enumerate(gs):
                rows[i].append(g)
        per_input = []
        for i, x in enumerate(xs):
            if rows[i]:
                from .ops.stack import stack

                j = stack(rows[i]).reshape(tuple(o.shape) + tuple(x.shape))
            else:
                j = Tensor._make(np.zeros(tuple(o.shape) + tuple(x.shape), x.dtype))
            per_input.append(j if create_graph else j.detach())
        result.append(_unpack(tuple(per_input), single_in))
    return _unpack(tuple(result), isinstance(out, Tensor))


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """The Hessian of a scalar function: the Jacobian of its gradient."""
    xs, single = _prepare(inputs)

    def gradient(*args: Tensor) -> Any:
        gs = grad(func(*args), args, create_graph=True, allow_unused=True)
        return _unpack(_zeros_for(args, gs), single)

    return jacobian(gradient, _unpack(xs, single), create_graph=create_graph)


def vhp(func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool = False) -> tuple[Any, Any]:
    """(func(inputs), v^T H) for a scalar function."""
    xs, single = _prepare(inputs)
    out = func(*xs)
    gs = _zeros_for(xs, grad(out, xs, create_graph=True, allow_unused=True))
    hv = grad(gs, xs, _tuple(v), create_graph=create_graph, allow_unused=True)
    return _detach((out,), create_graph)[0], _unpack(_detach(_zeros_for(xs, hv), create_graph), single)


def hvp(func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool = False) -> tuple[Any, Any]:
    """(func(inputs), H v) for a scalar function (H is symmetric, so this is `vhp`)."""
    return vhp(func, inputs, v, create_graph)
