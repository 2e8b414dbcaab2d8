"""Higher-level derivatives: `vjp`, `jvp`, `jacobian`, `hessian`, `vhp`, `hvp`, and `jacfwd`, `jacrev`
in `torch.func`'s form (they return a function).

Reverse mode (`grad`) gives a Jacobian by rows, one backward pass per output element; forward mode
(`forward_ad`) gives it by columns, one pass per input element. `jvp` and `jacfwd` use forward mode,
`vjp`, `jacobian` and `jacrev` reverse mode, and `hvp` forward over reverse: the gradient, computed
with dual inputs, carries H v as its tangent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import forward_ad
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
    """(func(inputs), J v): the Jacobian-vector product, in forward mode (one pass, v as the tangent).

    With create_graph=True the result must be differentiable again; forward-mode tangents are not
    recorded, so that case takes the double-vjp route (J v as the vjp of u -> J^T u).
    """
    if create_graph:
        return _jvp_by_double_vjp(func, inputs, v)
    xs, single = _prepare(inputs)
    vs = _tuple(v) if v is not None else tuple(Tensor._make(np.ones(x.shape, x.dtype)) for x in xs)
    if len(vs) != len(xs):
        raise ValueError(f"jvp: got {len(vs)} tangents for {len(xs)} inputs; give one v per input")
    with forward_ad.dual_level():
        out = func(*(forward_ad.make_dual(x.detach(), vv) for x, vv in zip(xs, vs)))
        outs = _tuple(out)
        tangents = tuple(forward_ad.unpack_dual(o).tangent for o in outs)
        values = tuple(Tensor._make(np.array(o._data)) for o in outs)
    jv = _zeros_for(outs, tangents)
    return _unpack(values, isinstance(out, Tensor)), _unpack(jv, isinstance(out, Tensor))


def _jvp_by_double_vjp(func: Callable[..., Any], inputs: Any, v: Any) -> tuple[Any, Any]:
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
        jv = _zeros_for(outs, grad([g for g, _ in used], us, v_used, create_graph=True, allow_unused=True))
    return _unpack(outs, isinstance(out, Tensor)), _unpack(jv, isinstance(out, Tensor))


def _argument_indices(argnums: Any, n: int, name: str) -> tuple[int, ...]:
    indices = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in indices:
        if not isinstance(i, int) or not -n <= i < n:
            raise ValueError(f"{name}: argnums {argnums!r} does not name an argument of the {n} given")
    return tuple(i % n for i in indices)


def _jacobian_by(columns: bool, func: Callable[..., Any], argnums: Any, name: str) -> Callable[..., Any]:
    def jacobian_of(*args: Any) -> Any:
        picked = _argument_indices(argnums, len(args), name)
        per_argument = []
        for i in picked:
            x = args[i]
            if not isinstance(x, Tensor) or x.dtype.kind != "f":
                raise TypeError(f"{name}: argument {i} must be a floating-point Tensor, got {type(x).__name__}")

            def of_x(t: Tensor, i: int = i) -> Any:
                return func(*args[:i], t, *args[i + 1 :])

            per_argument.append(_forward_jacobian(of_x, x) if columns else jacobian(of_x, x))
        return per_argument[0] if isinstance(argnums, int) else tuple(per_argument)

    jacobian_of.__name__ = f"{name}({getattr(func, '__name__', 'f')})"
    return jacobian_of


def _forward_jacobian(func: Callable[[Tensor], Any], x: Tensor) -> Any:
    """d func / d x by columns: one forward-mode pass per element of x."""
    columns: list[list[np.ndarray]] = []
    shapes: list[tuple[int, ...]] = []
    single = True
    for k in range(x.numel()):
        basis = np.zeros(x.numel(), dtype=x._data.dtype)
        basis[k] = 1.0
        with forward_ad.dual_level():
            out = func(forward_ad.make_dual(x.detach(), basis.reshape(x.shape)))
            single = isinstance(out, Tensor)
            outs = _tuple(out)
            shapes = [tuple(o.shape) for o in outs]
            tangents = [forward_ad.tangent_of(o) for o in outs]
        columns.append([np.zeros(s) if t is None else np.asarray(t) for t, s in zip(tangents, shapes)])
    result = []
    for j, shape in enumerate(shapes):
        stacked = np.stack([column[j].reshape(-1) for column in columns], axis=-1)  # (outputs, inputs)
        result.append(Tensor._make(stacked.reshape(shape + tuple(x.shape)).astype(x._data.dtype)))
    return result[0] if single else tuple(result)


def jacfwd(func: Callable[..., Any], argnums: Any = 0) -> Callable[..., Any]:
    """`jacfwd(f)(x)`: the Jacobian of f with respect to argument `argnums` (an int or a tuple), computed
    by columns in forward mode: shape output.shape + input.shape, as `torch.func.jacfwd`."""
    return _jacobian_by(True, func, argnums, "jacfwd")


def jacrev(func: Callable[..., Any], argnums: Any = 0) -> Callable[..., Any]:
    """`jacrev(f)(x)`: the same Jacobian computed by rows in reverse mode, as `torch.func.jacrev`."""
    return _jacobian_by(False, func, argnums, "jacrev")


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
    """(func(inputs), H v) for a scalar function, forward over reverse: the gradient is computed (with its
    graph) from dual inputs carrying v, and its tangent is H v. With create_graph=True, as `vhp`."""
    if create_graph:
        return vhp(func, inputs, v, create_graph)
    xs, single = _prepare(inputs)
    vs = _tuple(v)
    with forward_ad.dual_level():
        duals = tuple(forward_ad.make_dual(x, vv) for x, vv in zip(xs, vs))
        out = func(*duals)
        gs = grad(out, duals, create_graph=True, allow_unused=True)
        hv = tuple(None if g is None else forward_ad.tangent_of(g) for g in gs)
        value = Tensor._make(np.array(out._data))
    result = tuple(Tensor._make(np.zeros(x.shape, x.dtype) if h is None else np.array(h)) for x, h in zip(xs, hv))
    return value, _unpack(result, single)
