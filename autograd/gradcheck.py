"""`gradcheck` and `gradgradcheck`: analytic gradients against float64 central differences.

Small problems are checked through the full Jacobian, column by column.
Large ones are checked through random projections: for a random direction v
in input space and u in output space, <u, J v> from backward must match
(<u, f(x + eps v)> - <u, f(x - eps v)>) / (2 eps), so the cost does not grow
with the number of elements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import grad
from .random import generator
from .tensor import Tensor

FULL_JACOBIAN_LIMIT = 256  # inputs or outputs with more elements than this are checked by projection


class GradcheckError(RuntimeError):
    """Analytic and numeric gradients disagree; the message shows both and where."""


def _as_inputs(inputs: Any) -> tuple[Any, ...]:
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    out = []
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad:
            if x.dtype != np.float64:
                x = Tensor._make(x._data.astype(np.float64), True)  # checks need float64 resolution
        out.append(x)
    return tuple(out)


def _outputs(fn: Callable[..., Any], inputs: Sequence[Any]) -> tuple[Tensor, ...]:
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _flat_outputs(fn: Callable[..., Any], inputs: Sequence[Any]) -> np.ndarray:
    outs = _outputs(fn, inputs)  # grad mode stays on: gradgradcheck's fn differentiates inside
    return np.concatenate([np.asarray(o._data, dtype=np.float64).ravel() for o in outs])


def _numeric_column(
    fn: Callable[..., Any], inputs: Sequence[Any], x: Tensor, direction: np.ndarray, eps: float
) -> np.ndarray:
    """(f(x + eps d) - f(x - eps d)) / (2 eps), restoring x afterwards."""
    data = x._array()
    original = data.copy()
    try:
        data += eps * direction
        plus = _flat_outputs(fn, inputs)
        data[...] = original - eps * direction
        minus = _flat_outputs(fn, inputs)
    finally:
        data[...] = original
    return (plus - minus) / (2 * eps)


def _analytic_vjp(outs: Sequence[Tensor], wrt: Sequence[Tensor], u_flat: np.ndarray) -> list[np.ndarray]:
    grads_out, start = [], 0
    for o in outs:
        n = o.numel()
        grads_out.append(Tensor._make(u_flat[start : start + n].reshape(o.shape).astype(o.dtype)))
        start += n
    differentiable = [(o, g) for o, g in zip(outs, grads_out) if o.requires_grad]
    if not differentiable:
        return [np.zeros(x.shape) for x in wrt]
    gs = grad([o for o, _ in differentiable], wrt, [g for _, g in differentiable], retain_graph=True, allow_unused=True)
    return [np.zeros(x.shape) if g is None else np.asarray(g._data, dtype=np.float64) for g, x in zip(gs, wrt)]


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


@dataclass
class Mismatch:
    """Where analytic and numeric derivatives first disagree, for one input."""

    position: int  # which of the checked inputs
    message: str
    analytic: np.ndarray | None = None  # full Jacobians (rows: outputs), when they were computed
    numeric: np.ndarray | None = None


def _projected_mismatch(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    outs: tuple[Tensor, ...],
    wrt: list[Tensor],
    names: list[str],
    eps: float,
    atol: float,
    rtol: float,
) -> Mismatch | None:
    """Random projections: <u, J v> from backward against finite differences along v."""
    rng = generator()
    u = rng.standard_normal(sum(o.numel() for o in outs))
    analytic = _analytic_vjp(outs, wrt, u)
    for k, (x, g, name) in enumerate(zip(wrt, analytic, names)):
        v = rng.standard_normal(x.shape)
        a = float(np.sum(g * v))
        n = float(u @ _numeric_column(fn, inputs, x, v, eps))
        if not abs(a - n) <= atol + rtol * abs(n):
            return Mismatch(
                k,
                f"projected gradient mismatch for {name}: analytic <u, J v> = {a:.10g}, numeric = {n:.10g} "
                f"(difference {abs(a - n):.3g}, allowed {atol + rtol * abs(n):.3g})",
            )
    return None


def _full_mismatch(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    outs: tuple[Tensor, ...],
    wrt: list[Tensor],
    names: list[str],
    eps: float,
    atol: float,
    rtol: float,
) -> Mismatch | None:
    """Full Jacobians: rows from backward (one per output element), columns from differences."""
    n_out = sum(o.numel() for o in outs)
    analytic_rows: list[list[np.ndarray]] = [[] for _ in wrt]
    for k in range(n_out):
        e = np.zeros(n_out)
        e[k] = 1.0
        for i, g in enumerate(_analytic_vjp(outs, wrt, e)):
            analytic_rows[i].append(g.ravel())
    for i, (x, name) in enumerate(zip(wrt, names)):
        analytic_j = np.array(analytic_rows[i]).reshape(n_out, x.numel())
        numeric_j = np.zeros((n_out, x.numel()))
        for j in range(x.numel()):
            d = np.zeros(x.numel())
            d[j] = 1.0
            numeric_j[:, j] = _numeric_column(fn, inputs, x, d.reshape(x.shape), eps)
        bad = ~(np.abs(analytic_j - numeric_j) <= atol + rtol * np.abs(numeric_j))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            with np.printoptions(precision=6, suppress=True, linewidth=120):
                message = (
                    f"Jacobian mismatch for {name}, first at output element {r}, input element {c}: "
                    f"analytic {analytic_j[r, c]:.10g} vs numeric {numeric_j[r, c]:.10g} "
                    f"({int(bad.sum())} of {bad.size} entries differ)\n"
                    f"analytic Jacobian (rows: outputs, columns: input elements):\n{analytic_j}\n"
                    f"numeric Jacobian:\n{numeric_j}"
                )
            return Mismatch(i, message, analytic_j, numeric_j)
    return None


def _mismatch(
    fn: Callable[..., Any], inputs: tuple[Any, ...], eps: float, atol: float, rtol: float, fast_mode: bool | None
) -> tuple[Mismatch | None, tuple[Tensor, ...]]:
    """The first disagreement between analytic and numeric derivatives (None if none), and fn's outputs."""
    wrt = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input requires grad; pass tensors with requires_grad=True")
    outs = _outputs(fn, inputs)
    n_out = sum(o.numel() for o in outs)
    if fast_mode is None:
        fast_mode = n_out > FULL_JACOBIAN_LIMIT or max(x.numel() for x in wrt) > FULL_JACOBIAN_LIMIT
    names = [f"input {i} (shape {tuple(x.shape)})" for i, x in enumerate(inputs) if any(x is w for w in wrt)]
    compare = _projected_mismatch if fast_mode else _full_mismatch
    return compare(fn, inputs, outs, wrt, names, eps, atol, rtol), outs


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool | None = None,
) -> bool:
    """Check `fn`'s gradients at `inputs` against central finite differences in float64.

    Inputs that require grad are checked (converted to float64 first). `fast_mode`
    (default: automatic by size) compares random projections instead of full Jacobians.
    On a mismatch the error also names the op in `fn`'s graph whose backward is wrong (each op
    checked alone on the values it saw), with a hint at the likely mistake. A custom Function whose
    backward returns a lower precision than its float64 input fails the check too.

    >>> gradcheck(lambda x: (x ** 3).sum(), [tensor([1.0, 2.0], dtype=float64, requires_grad=True)])
    True
    """
    from .culprit import culprit_report, precision_report  # (they check ops with this module's comparisons)

    inputs = _as_inputs(inputs)
    found, outs = _mismatch(fn, inputs, eps, atol, rtol, fast_mode)
    if found is not None:
        if not raise_exception:
            return False
        return _fail(f"gradcheck: {found.message}\n{culprit_report(fn, inputs, eps, atol, rtol)}", True)
    lost = precision_report(fn, inputs, outs)  # a float64 check of a gradient computed in float32 proves little
    if lost is not None:
        return _fail(f"gradcheck: {lost}", raise_exception)
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool | None = None,
) -> bool:
    """Check second derivatives: gradcheck of the function (inputs, v) -> v^T J(inputs).

    `grad_outputs` (random when omitted) are the v's, one per output of `fn`.
    """
    inputs = _as_inputs(inputs)
    wrt_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = generator()
        grad_outputs = [Tensor._make(rng.standard_normal(o.shape), True) for o in outs]
    else:
        grad_outputs = list(_as_inputs(grad_outputs))
    n_in = len(inputs)

    def first_derivative(*args: Any) -> tuple[Tensor, ...]:
        xs, vs = args[:n_in], args[n_in:]
        out = _outputs(fn, xs)
        wrt = [xs[i] for i in wrt_idx]
        gs = grad(list(out), wrt, list(vs), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps, atol, rtol, raise_exception, fast_mode)
