"""Shape ops: reshape/view, flatten, transpose, permute, .T, t, squeeze, unsqueeze, expand, indexing, cat, stack,
split, pad.

Each op moves, copies or sums elements, so its gradient is its NumPy adjoint:
the inverse rearrangement of the upstream gradient (reshape back, permute back,
slice back), a sum over the broadcast dims for expand, and for indexing a
scatter-add computed here from a map of which input element each output
element reads (np.bincount), so repeated indices accumulate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import arrays, shapes, single_dims

import autograd
from autograd import Tensor


def leaf(array: Any) -> Tensor:
    """A float64 leaf tensor that requires grad."""
    return autograd.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


@dataclass
class Case:
    """Inputs, the op on tensors, its NumPy value and its NumPy adjoint (upstream gradient(s) -> input gradients)."""

    call: str  # how the op is written, shown when hypothesis reports a failing example
    inputs: list[np.ndarray]
    op: Callable[..., Any] = field(repr=False)
    value: Callable[..., Any] = field(repr=False)
    adjoint: Callable[[Any], Sequence[np.ndarray]] = field(repr=False)


def sum_to_shape(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reference unbroadcasting: sum the leading dims broadcasting added, then the dims it stretched from 1."""
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True).reshape(shape)


def prime_factors(n: int) -> list[int]:
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


@st.composite
def shapes_with_size(draw: st.DrawFn, n: int) -> tuple[int, ...]:
    """A shape of 0 to 4 dims holding exactly n elements: n's prime factors spread over the dims, plus 1s."""
    factors = prime_factors(n)
    ndim = draw(st.integers(1 if factors else 0, 4))
    slots = draw(st.lists(st.integers(0, ndim - 1), min_size=len(factors), max_size=len(factors))) if ndim else []
    sizes = [1] * ndim
    for factor, slot in zip(factors, slots):
        sizes[slot] *= factor
    return tuple(sizes)


@st.composite
def reshape_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes().flatmap(arrays))
    target = draw(shapes_with_size(x.size))
    requested = list(target)
    if target and draw(st.booleans()):
        requested[draw(st.integers(0, len(target) - 1))] = -1
    forms = {
        "x.reshape(*shape)": lambda t: t.reshape(*requested),
        "x.reshape(shape)": lambda t: t.reshape(tuple(requested)),
        "x.view(*shape)": lambda t: t.view(*requested),
        "autograd.reshape(x, shape)": lambda t: autograd.reshape(t, requested),
    }
    form = draw(st.sampled_from(sorted(forms)))
    return Case(
        f"{form} with shape={requested}", [x], forms[form], lambda a: a.reshape(target), lambda g: [g.reshape(x.shape)]
    )


@st.composite
def flatten_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes().flatmap(arrays))
    start, end = draw(single_dims(x.ndim)), draw(single_dims(x.ndim))
    size = max(x.ndim, 1)
    assume(start % size <= end % size)
    if x.ndim == 0:
        flat_shape: tuple[int, ...] = (1,)
    else:
        s, e = start % size, end % size
        flat_shape = x.shape[:s] + (math.prod(x.shape[s : e + 1]),) + x.shape[e + 1 :]
    method = draw(st.booleans())
    return Case(
        f"{'x.flatten' if method else 'autograd.flatten'}(start_dim={start}, end_dim={end})",
        [x],
        (lambda t: t.flatten(start, end)) if method else (lambda t: autograd.flatten(t, start, end)),
        lambda a: a.reshape(flat_shape),
        lambda g: [g.reshape(x.shape)],
    )


@st.composite
def transpose_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes().flatmap(arrays))
    d0, d1 = draw(single_dims(x.ndim)), draw(single_dims(x.ndim))
    method = draw(st.booleans())

    def swap(a: np.ndarray) -> np.ndarray:  # a 0-d tensor takes dims 0 and -1 and stays as it is, as in PyTorch
        return np.swapaxes(a, d0, d1) if a.ndim else a

    return Case(
        f"{'x.transpose' if method else 'autograd.transpose'}({d0}, {d1})",
        [x],
        (lambda t: t.transpose(d0, d1)) if method else (lambda t: autograd.transpose(t, d0, d1)),
        swap,
        lambda g: [swap(g)],
    )


@st.composite
def permute_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes().flatmap(arrays))
    order = tuple(draw(st.permutations(range(x.ndim))))
    forms = {
        "x.permute(*dims)": lambda t: t.permute(*order),
        "x.permute(dims)": lambda t: t.permute(order),
        "autograd.permute(x, dims)": lambda t: autograd.permute(t, order),
    }
    form = draw(st.sampled_from(sorted(forms)))
    return Case(
        f"{form} with dims={order}",
        [x],
        forms[form],
        lambda a: np.transpose(a, order),
        lambda g: [np.transpose(g, np.argsort(order))],
    )


@st.composite
def T_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes().flatmap(arrays))
    return Case("x.T", [x], lambda t: t.T, lambda a: a.T, lambda g: [np.asarray(g).T])


@st.composite
def t_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes(max_dims=2).flatmap(arrays))
    return Case("x.t()", [x], lambda t: t.t(), lambda a: a.T, lambda g: [np.asarray(g).T])


@st.composite
def squeeze_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes(max_side=2).flatmap(arrays))
    dim = draw(st.none() | single_dims(x.ndim))
    if dim is None:
        squeezed = tuple(s for s in x.shape if s != 1)
    else:
        d = dim % max(x.ndim, 1)
        squeezed = x.shape if x.ndim == 0 or x.shape[d] != 1 else x.shape[:d] + x.shape[d + 1 :]
    method = draw(st.booleans())
    return Case(
        f"{'x.squeeze' if method else 'autograd.squeeze'}(dim={dim})",
        [x],
        (lambda t: t.squeeze(dim)) if method else (lambda t: autograd.squeeze(t, dim)),
        lambda a: a.reshape(squeezed),
        lambda g: [g.reshape(x.shape)],
    )


@st.composite
def unsqueeze_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes(max_dims=3).flatmap(arrays))
    dim = draw(st.integers(-x.ndim - 1, x.ndim))
    method = draw(st.booleans())
    return Case(
        f"{'x.unsqueeze' if method else 'autograd.unsqueeze'}({dim})",
        [x],
        (lambda t: t.unsqueeze(dim)) if method else (lambda t: autograd.unsqueeze(t, dim)),
        lambda a: np.expand_dims(a, dim % (x.ndim + 1)),
        lambda g: [g.reshape(x.shape)],
    )


@st.composite
def expand_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes(max_dims=3, max_elements=12).flatmap(arrays))
    lead = draw(st.lists(st.integers(1, 3), max_size=4 - x.ndim))
    own = [draw(st.integers(1, 3)) if s == 1 else s for s in x.shape]
    target = tuple(lead + own)
    assume(math.prod(target) <= 72)
    requested = list(lead) + [draw(st.sampled_from([s, -1])) if s == x.shape[i] else s for i, s in enumerate(own)]
    forms = {
        "x.expand(*sizes)": lambda t: t.expand(*requested),
        "x.expand(sizes)": lambda t: t.expand(tuple(requested)),
        "autograd.expand(x, sizes)": lambda t: autograd.expand(t, requested),
        "x.expand_as(other)": lambda t: t.expand_as(autograd.zeros(target)),
    }
    form = draw(st.sampled_from(sorted(forms)))
    return Case(
        f"{form} with sizes={requested}",
        [x],
        forms[form],
        lambda a: np.broadcast_to(a, target),
        lambda g: [sum_to_shape(g, x.shape)],
    )


def index_array_forms(part: np.ndarray) -> st.SearchStrategy[Any]:
    """An index array as the user may write it: a NumPy array, a tensor or a list."""
    return st.sampled_from([part, autograd.tensor(part), part.tolist()])


@st.composite
def index_cases(draw: st.DrawFn) -> Case:
    """x[index] with ints, slices, None, Ellipsis and either integer arrays (repeats included) or one bool mask."""
    x = draw(shapes(min_dims=1).flatmap(arrays))
    shape, ndim = x.shape, x.ndim
    if draw(st.integers(0, 5)) == 0:  # a mask over the whole tensor: x[x > 0]
        mask = draw(hnp.arrays(np.bool_, shape))
        return index_case(x, mask, draw(index_array_forms(mask)))
    n_indexed = draw(st.integers(0, ndim))
    with_ellipsis = draw(st.booleans())
    n_before = draw(st.integers(0, n_indexed)) if with_ellipsis else n_indexed
    dims = list(range(n_before)) + list(range(ndim - (n_indexed - n_before), ndim))
    advanced = draw(st.sampled_from(["none", "integer arrays", "one mask"]))
    mask_at = draw(st.sampled_from(dims)) if advanced == "one mask" and dims else None
    array_len = draw(st.integers(1, 4))
    numpy_parts: list[Any] = []
    engine_parts: list[Any] = []
    for d in dims:
        size = shape[d]
        basic = st.integers(-size, size - 1) | st.builds(
            slice,
            st.none() | st.integers(-size, size),
            st.none() | st.integers(-size, size),
            st.none() | st.integers(1, 2),
        )
        if d == mask_at:
            part: Any = draw(hnp.arrays(np.bool_, (size,)))
        elif advanced == "integer arrays":
            part = draw(basic | hnp.arrays(np.int64, (array_len,), elements=st.integers(-size, size - 1)))
        else:
            part = draw(basic)
        numpy_parts.append(part)
        engine_parts.append(draw(index_array_forms(part)) if isinstance(part, np.ndarray) else part)
    if with_ellipsis:
        numpy_parts.insert(n_before, Ellipsis)
        engine_parts.insert(n_before, Ellipsis)
    for position in draw(st.lists(st.integers(0, len(numpy_parts)), max_size=2)):
        numpy_parts.insert(position, None)
        engine_parts.insert(position, None)
    if len(numpy_parts) == 1 and draw(st.booleans()):
        return index_case(x, numpy_parts[0], engine_parts[0])
    return index_case(x, tuple(numpy_parts), tuple(engine_parts))


def index_case(x: np.ndarray, numpy_index: Any, engine_index: Any) -> Case:
    reads = np.arange(x.size).reshape(x.shape)[numpy_index]  # the flat input position each output element reads

    def adjoint(g: np.ndarray) -> list[np.ndarray]:
        return [np.bincount(np.ravel(reads), weights=np.ravel(g), minlength=x.size).reshape(x.shape)]

    return Case(f"x[{engine_index!r}]", [x], lambda t: t[engine_index], lambda a: a[numpy_index], adjoint)


@st.composite
def cat_cases(draw: st.DrawFn) -> Case:
    shape = draw(shapes(min_dims=1, max_elements=12))
    dim = draw(single_dims(len(shape)))
    d = dim % len(shape)
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    xs = [draw(arrays(shape[:d] + (s,) + shape[d + 1 :])) for s in sizes]
    method = draw(st.booleans())
    return Case(
        f"autograd.cat([{len(xs)} tensors], dim={dim})",
        xs,
        (lambda *ts: autograd.cat(list(ts), dim=dim)) if method else (lambda *ts: autograd.cat(ts, dim)),
        lambda *arrays_: np.concatenate(arrays_, axis=d),
        lambda g: np.split(g, np.cumsum(sizes)[:-1], axis=d),
    )


@st.composite
def stack_cases(draw: st.DrawFn) -> Case:
    shape = draw(shapes(max_dims=3, max_elements=12))
    dim = draw(st.integers(-len(shape) - 1, len(shape)))
    d = dim % (len(shape) + 1)
    xs = [draw(arrays(shape)) for _ in range(draw(st.integers(1, 3)))]
    return Case(
        f"autograd.stack([{len(xs)} tensors], dim={dim})",
        xs,
        lambda *ts: autograd.stack(list(ts), dim=dim),
        lambda *arrays_: np.stack(arrays_, axis=d),
        lambda g: [np.take(g, i, axis=d) for i in range(len(xs))],
    )


@st.composite
def split_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes(min_dims=1).flatmap(arrays))
    dim = draw(single_dims(x.ndim))
    d = dim % x.ndim
    n = x.shape[d]
    if draw(st.booleans()):
        sections: Any = draw(st.integers(1, n + 1))
        sizes = [sections] * (n // sections) + ([n % sections] if n % sections else [])
    else:
        cuts = draw(st.lists(st.integers(1, n - 1), unique=True)) if n > 1 else []
        bounds = [0] + sorted(cuts) + [n]
        sections = sizes = [b - a for a, b in zip(bounds, bounds[1:])]
    method = draw(st.booleans())
    return Case(
        f"{'x.split' if method else 'autograd.split'}({sections}, dim={dim})",
        [x],
        (lambda t: t.split(sections, dim)) if method else (lambda t: autograd.split(t, sections, dim=dim)),
        lambda a: tuple(np.split(a, np.cumsum(sizes)[:-1], axis=d)),
        lambda gs: [np.concatenate(gs, axis=d)],
    )


@st.composite
def pad_cases(draw: st.DrawFn) -> Case:
    x = draw(shapes(min_dims=1, max_elements=24).flatmap(arrays))
    n_padded = draw(st.integers(1, x.ndim))
    pads = draw(st.lists(st.integers(0, 2), min_size=2 * n_padded, max_size=2 * n_padded))
    value = draw(st.floats(-3, 3))
    widths = [(0, 0)] * (x.ndim - n_padded) + [(pads[2 * i], pads[2 * i + 1]) for i in reversed(range(n_padded))]
    region = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, x.shape))
    return Case(
        f"autograd.pad(x, {pads}, value={value})",
        [x],
        lambda t: autograd.pad(t, pads, value=value),
        lambda a: np.pad(a, widths, mode="constant", constant_values=value),
        lambda g: [g[region]],
    )


CASES = {
    "reshape/view": reshape_cases(),
    "flatten": flatten_cases(),
    "transpose": transpose_cases(),
    "permute": permute_cases(),
    "T": T_cases(),
    "t": t_cases(),
    "squeeze": squeeze_cases(),
    "unsqueeze": unsqueeze_cases(),
    "expand": expand_cases(),
    "indexing": index_cases(),
    "cat": cat_cases(),
    "stack": stack_cases(),
    "split": split_cases(),
    "pad": pad_cases(),
}


def as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("name", CASES)
@given(data=st.data())
def test_shape_op_value_matches_numpy(name: str, data: st.DataObject) -> None:
    case = data.draw(CASES[name], label="case")
    outs = as_tuple(case.op(*(leaf(x) for x in case.inputs)))
    expected = as_tuple(case.value(*case.inputs))
    assert len(outs) == len(expected)
    for out, reference in zip(outs, expected):
        assert out.shape == reference.shape
        np.testing.assert_array_equal(out.detach().numpy(), reference)


@pytest.mark.parametrize("name", CASES)
@given(data=st.data())
def test_shape_op_gradient_is_the_numpy_adjoint(name: str, data: st.DataObject) -> None:
    case = data.draw(CASES[name], label="case")
    inputs = [leaf(x) for x in case.inputs]
    result = case.op(*inputs)
    outs = as_tuple(result)
    upstream = [data.draw(arrays(out.shape, -1, 1), label="upstream") for out in outs]
    grads = autograd.grad(list(outs), inputs, [autograd.tensor(g) for g in upstream])
    expected = case.adjoint(upstream if isinstance(result, tuple) else upstream[0])
    for grad, reference in zip(grads, expected):
        np.testing.assert_allclose(grad.numpy(), reference, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", CASES)
@given(data=st.data())
def test_shape_op_gradient_passes_gradcheck(name: str, data: st.DataObject) -> None:
    case = data.draw(CASES[name], label="case")
    assert autograd.gradcheck(case.op, [leaf(x) for x in case.inputs])


# -- the forms the teaching material writes, and accumulation under repeated indices ---------------------


def test_indexing_with_repeated_integer_indices_accumulates_the_gradient() -> None:
    x = leaf([10.0, 20.0, 30.0, 40.0])
    out = x[[0, 2, 0, 0, 3]]
    np.testing.assert_array_equal(out.detach().numpy(), [10.0, 30.0, 10.0, 10.0, 40.0])
    out.backward(autograd.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 0.0, 2.0, 5.0])


def test_indexing_with_a_repeated_integer_tensor_on_rows_accumulates_whole_rows() -> None:
    x = leaf(np.arange(6.0).reshape(3, 2))
    out = x[autograd.tensor([2, 2, 1])]
    np.testing.assert_array_equal(out.detach().numpy(), [[4.0, 5.0], [4.0, 5.0], [2.0, 3.0]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])


def test_indexing_with_a_bool_mask_tensor_selects_and_routes_the_gradient() -> None:
    x_np = np.array([[-1.0, 2.0], [3.0, -4.0]])
    x = leaf(x_np)
    out = x[x > 0]
    np.testing.assert_array_equal(out.detach().numpy(), [2.0, 3.0])
    out.backward(autograd.tensor([10.0, 20.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 10.0], [20.0, 0.0]])


def test_indexing_with_ellipsis_and_none_matches_numpy() -> None:
    x_np = np.arange(24.0).reshape(2, 3, 4)
    x = leaf(x_np)
    out = x[..., None, 1:3]
    np.testing.assert_array_equal(out.detach().numpy(), x_np[..., None, 1:3])
    out.sum().backward()
    expected = np.zeros((2, 3, 4))
    expected[..., 1:3] = 1.0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_cat_of_x_and_y_along_dim_0_stacks_rows_and_splits_the_gradient() -> None:
    x, y = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0], [5.0, 6.0]])
    out = autograd.cat([x, y], dim=0)
    np.testing.assert_array_equal(out.detach().numpy(), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out.backward(autograd.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) * 10)
    np.testing.assert_array_equal(x.grad.numpy(), [[10.0, 20.0]])
    np.testing.assert_array_equal(y.grad.numpy(), [[30.0, 40.0], [50.0, 60.0]])


def test_flatten_from_dim_1_keeps_the_batch_dimension() -> None:
    x_np = np.arange(24.0).reshape(2, 3, 2, 2)
    x = leaf(x_np)
    out = autograd.flatten(x, 1)
    assert out.shape == (2, 12)
    np.testing.assert_array_equal(out.detach().numpy(), x_np.reshape(2, 12))
    out.backward(autograd.tensor(np.arange(24.0).reshape(2, 12)))
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(24.0).reshape(2, 3, 2, 2))


def test_reshape_3_2_and_view_1_minus_1_give_numpy_shapes() -> None:
    x = leaf(np.arange(6.0))
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.view(1, -1).shape == (1, 6)
    np.testing.assert_array_equal(x.view(1, -1).detach().numpy(), [np.arange(6.0)])


def test_split_into_sizes_gives_each_piece_its_own_gradient() -> None:
    x = leaf(np.arange(5.0))
    first, second = x.split([2, 3])
    np.testing.assert_array_equal(first.detach().numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(second.detach().numpy(), [2.0, 3.0, 4.0])
    (first * 2 + 0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 0.0, 0.0, 0.0])
