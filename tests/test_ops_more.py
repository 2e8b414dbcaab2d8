"""The ops PyTorch programs reach for beyond the basics: values against NumPy, gradients by gradcheck (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, distinct_arrays, nonzero_arrays, positive_arrays, shapes

import autograd
from autograd import float64, tensor


def leaf(values) -> autograd.Tensor:
    return tensor(np.asarray(values, dtype=np.float64), dtype=float64, requires_grad=True)


# -- elementwise -----------------------------------------------------------------------------------

UNARY = {
    "log1p": (np.log1p, positive_arrays),
    "expm1": (np.expm1, arrays),
    "log2": (np.log2, positive_arrays),
    "log10": (np.log10, positive_arrays),
    "reciprocal": (np.reciprocal, nonzero_arrays),
    "rsqrt": (lambda x: 1 / np.sqrt(x), positive_arrays),
    "silu": (lambda x: x / (1 + np.exp(-x)), arrays),
    "softplus": (lambda x: np.log1p(np.exp(x)), arrays),
}


@pytest.mark.parametrize("name", list(UNARY))
@given(data=st.data())
def test_unary_op_matches_numpy_and_its_gradient_checks(name: str, data: st.DataObject) -> None:
    reference, domain = UNARY[name]
    x = data.draw(shapes().flatmap(domain))
    out = getattr(autograd, name)(leaf(x))
    np.testing.assert_allclose(out.detach().numpy(), reference(x), rtol=1e-12, atol=1e-12)
    assert autograd.gradcheck(getattr(autograd, name), [leaf(x)])


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round"])
def test_rounding_matches_numpy_with_a_zero_gradient(name: str) -> None:
    values = [-2.5, -1.5, -0.4, 0.5, 1.5, 2.7]
    x = leaf(values)
    out = getattr(autograd, name)(x)
    np.testing.assert_array_equal(out.detach().numpy(), getattr(np, name)(values))
    assert out.requires_grad
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(6))


def test_round_to_decimals() -> None:
    np.testing.assert_allclose(autograd.round(tensor([1.2345, -2.5678]), decimals=2).numpy(), [1.23, -2.57], rtol=1e-6)


@given(a=arrays((5,), -5, 5), b=nonzero_arrays((5,), 0.5, 3))
def test_remainder_and_fmod_follow_the_sign_of_the_divisor_and_of_the_dividend(a, b) -> None:
    np.testing.assert_allclose((leaf(a) % leaf(b)).detach().numpy(), np.remainder(a, b), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(autograd.fmod(leaf(a), leaf(b)).detach().numpy(), np.fmod(a, b), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal((leaf(a) // leaf(b)).numpy(), np.floor_divide(a, b))


def test_remainder_gradient_is_one_and_minus_the_quotient() -> None:
    a, b = leaf([5.0, -5.0, 7.5]), leaf([3.0, 3.0, -2.0])
    (a % b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(b.grad.numpy(), -np.floor_divide([5.0, -5.0, 7.5], [3.0, 3.0, -2.0]))


def test_integer_floor_division_and_remainder_stay_integers() -> None:
    assert (tensor([7, -7]) // 2).tolist() == [3, -4]
    assert (tensor([7, -7]) % 3).tolist() == [1, 2]
    assert (7 // tensor([2])).tolist() == [3] and (5 % tensor([3])).tolist() == [2]


def test_atan2_logaddexp_lerp_match_numpy_and_check() -> None:
    a, b = np.array([1.0, -2.0, 0.5]), np.array([-1.0, 3.0, 2.0])
    np.testing.assert_allclose(autograd.atan2(leaf(a), leaf(b)).detach().numpy(), np.arctan2(a, b))
    np.testing.assert_allclose(autograd.logaddexp(leaf(a), leaf(b)).detach().numpy(), np.logaddexp(a, b))
    np.testing.assert_allclose(autograd.lerp(leaf(a), leaf(b), 0.25).detach().numpy(), a + 0.25 * (b - a))
    for f in (autograd.atan2, autograd.logaddexp, lambda x, y: autograd.lerp(x, y, 0.25)):
        assert autograd.gradcheck(f, [leaf(a), leaf(b)])


def test_nan_to_num_replaces_and_passes_the_gradient_only_where_finite() -> None:
    x = leaf([float("nan"), float("inf"), -float("inf"), 2.0])
    out = autograd.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0)
    np.testing.assert_array_equal(out.detach().numpy(), [0.0, 9.0, -9.0, 2.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 1.0])


# -- indexing along a dimension --------------------------------------------------------------------

MATRIX = np.arange(12.0).reshape(3, 4)
INDEX = np.array([[0, 1, 2, 0], [2, 2, 1, 0]])


def test_gather_is_take_along_axis_and_its_gradient_scatters_back() -> None:
    x = leaf(MATRIX)
    out = autograd.gather(x, 0, tensor(INDEX))
    np.testing.assert_array_equal(out.detach().numpy(), np.take_along_axis(MATRIX, INDEX, 0))
    out.sum().backward()
    expected = np.zeros_like(MATRIX)
    np.add.at(expected, (INDEX, np.arange(4)), 1.0)
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    assert autograd.gradgradcheck(lambda t: autograd.gather(t, 1, tensor(INDEX[:, :3].T)), [leaf(MATRIX)])


def test_take_along_dim_and_index_select() -> None:
    np.testing.assert_array_equal(
        autograd.take_along_dim(tensor(MATRIX), tensor(INDEX), 0).numpy(), np.take_along_axis(MATRIX, INDEX, 0)
    )
    np.testing.assert_array_equal(tensor(MATRIX).index_select(1, tensor([3, 0, 3])).numpy(), MATRIX[:, [3, 0, 3]])
    assert autograd.gradcheck(lambda t: t.index_select(1, tensor([3, 0, 3])), [leaf(MATRIX)])


def test_gather_refuses_an_out_of_range_index_naming_it() -> None:
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        autograd.gather(tensor(MATRIX), 0, tensor([[5]]))


def test_scatter_add_accumulates_repeated_positions() -> None:
    src = np.arange(8.0).reshape(2, 4) + 1
    out = autograd.scatter_add(tensor(np.zeros((3, 4))), 0, tensor(INDEX), tensor(src))
    expected = np.zeros((3, 4))
    np.add.at(expected, (INDEX, np.arange(4)), src)
    np.testing.assert_array_equal(out.numpy(), expected)
    assert autograd.gradcheck(lambda x, s: autograd.scatter_add(x, 0, tensor(INDEX), s), [leaf(MATRIX), leaf(src)])


def test_scatter_writes_src_or_a_value_and_cuts_the_gradient_where_it_writes() -> None:
    index = np.array([[0, 1, 2, 0]])
    x = leaf(MATRIX)
    out = autograd.scatter(x, 0, tensor(index), value=-1.0)
    expected = MATRIX.copy()
    expected[index[0], np.arange(4)] = -1.0
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (expected != -1.0).astype(float))
    src = leaf(np.full((1, 4), 7.0))
    written = autograd.scatter(leaf(MATRIX), 0, tensor(index), src)
    assert written.detach().numpy()[0, 0] == 7.0 and autograd.gradcheck(
        lambda s: autograd.scatter(leaf(MATRIX), 0, tensor(index), s), [src]
    )


def test_index_add_adds_slices_at_positions() -> None:
    out = autograd.index_add(tensor(np.zeros((3, 2))), 0, tensor([0, 2, 0]), tensor(np.ones((3, 2))), alpha=2)
    np.testing.assert_array_equal(out.numpy(), [[4.0, 4.0], [0.0, 0.0], [2.0, 2.0]])


def test_masked_fill_fills_where_the_mask_holds() -> None:
    x = leaf(MATRIX)
    out = x.masked_fill(tensor(MATRIX > 5), -1.0)
    np.testing.assert_array_equal(out.detach().numpy(), np.where(MATRIX > 5, -1.0, MATRIX))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (MATRIX <= 5).astype(float))
    with pytest.raises(TypeError, match="bool"):
        x.masked_fill(tensor(MATRIX), 0.0)


@given(reps=st.lists(st.integers(1, 3), min_size=2, max_size=3))
def test_repeat_is_np_tile_and_its_gradient_sums_the_copies(reps: list[int]) -> None:
    x = leaf(MATRIX[:2, :3])
    np.testing.assert_array_equal(x.repeat(*reps).detach().numpy(), np.tile(MATRIX[:2, :3], reps))
    x.repeat(*reps).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), float(np.prod(reps))))


def test_tile_with_fewer_dims_repeats_the_last_ones() -> None:
    np.testing.assert_array_equal(autograd.tile(tensor(MATRIX), (2,)).numpy(), np.tile(MATRIX, (2,)))


# -- sorting ---------------------------------------------------------------------------------------


@given(n=st.integers(1, 8), data=st.data())
def test_sort_argsort_topk_match_numpy(n: int, data: st.DataObject) -> None:
    values = data.draw(distinct_arrays((n,)))  # no near-ties: the derivative of a sort is defined
    x = list(values)
    result = leaf(values).sort(descending=True)
    np.testing.assert_array_equal(result.values.detach().numpy(), np.sort(values)[::-1])
    np.testing.assert_array_equal(result.indices.numpy(), np.argsort(-values))
    np.testing.assert_array_equal(autograd.argsort(tensor(values)).numpy(), np.argsort(values))
    k = len(x) // 2 + 1
    top = leaf(values).topk(k)
    np.testing.assert_array_equal(top.values.detach().numpy(), np.sort(values)[::-1][:k])
    assert autograd.gradcheck(lambda t: t.topk(k).values, [leaf(values)])


def test_sort_gradient_goes_back_to_where_each_value_came_from() -> None:
    x = leaf([3.0, 1.0, 2.0])
    (x.sort().values * tensor([1.0, 10.0, 100.0], dtype=float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 1.0, 10.0])


def test_median_is_the_lower_median() -> None:
    assert float(autograd.median(tensor([4.0, 1.0, 3.0, 2.0]))) == 2.0
    result = autograd.median(tensor([[1.0, 5.0, 3.0], [9.0, 2.0, 7.0]]), 1)
    assert result.values.tolist() == [3.0, 7.0] and result.indices.tolist() == [2, 2]


# -- matrices --------------------------------------------------------------------------------------


def test_mode_is_the_smallest_most_frequent_value_at_its_last_index() -> None:
    values, indices = autograd.mode(tensor([[3.0, 1.0, 3.0, 1.0], [2.0, 2.0, 5.0, 7.0]]), 1)
    assert values.tolist() == [1.0, 2.0] and indices.tolist() == [3, 1]
    kept = tensor([[1, 2, 2], [4, 4, 1]]).mode(dim=1, keepdim=True)
    assert kept.values.tolist() == [[2], [4]] and kept.indices.tolist() == [[2], [1]]


def test_mode_gradient_goes_to_the_index_it_names() -> None:
    x = leaf(np.array([[1.0, 2.0, 2.0, 3.0], [4.0, 4.0, 4.0, 1.0]]))
    result = x.mode(1)
    result.values.sum().backward()
    expected = np.zeros((2, 4))
    expected[[0, 1], result.indices.numpy()] = 1.0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


@pytest.mark.parametrize("k", [-1, 0, 2])
def test_tril_triu_diagonal_match_numpy(k: int) -> None:
    np.testing.assert_array_equal(autograd.tril(tensor(MATRIX), k).numpy(), np.tril(MATRIX, k))
    np.testing.assert_array_equal(autograd.triu(tensor(MATRIX), k).numpy(), np.triu(MATRIX, k))
    np.testing.assert_array_equal(autograd.diagonal(tensor(MATRIX), k).numpy(), np.diagonal(MATRIX, k))
    assert autograd.gradcheck(lambda t: autograd.diagonal(t, k), [leaf(MATRIX)])


def test_diagonal_of_other_dims_is_the_last_dimension_as_numpy() -> None:
    cube = np.arange(24.0).reshape(2, 3, 4)
    for d1, d2 in [(0, 1), (1, 2), (0, 2)]:
        np.testing.assert_array_equal(autograd.diagonal(tensor(cube), 0, d1, d2).numpy(), np.diagonal(cube, 0, d1, d2))


def test_diag_and_trace() -> None:
    np.testing.assert_array_equal(autograd.diag(tensor([1.0, 2.0]), 1).numpy(), np.diag([1.0, 2.0], 1))
    np.testing.assert_array_equal(autograd.diag(tensor(MATRIX)).numpy(), np.diag(MATRIX))
    assert float(autograd.trace(tensor(MATRIX[:3, :3]))) == np.trace(MATRIX[:3, :3])


def test_bmm_baddbmm_outer_and_their_errors() -> None:
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 3, 5))
    np.testing.assert_allclose(autograd.bmm(tensor(a), tensor(b)).numpy(), a @ b)
    np.testing.assert_allclose(
        autograd.baddbmm(tensor(c), tensor(a), tensor(b), beta=0.5, alpha=2).numpy(), 0.5 * c + 2 * a @ b
    )
    np.testing.assert_array_equal(
        autograd.outer(tensor([1.0, 2.0]), tensor([3.0, 4.0, 5.0])).numpy(), np.outer([1, 2], [3, 4, 5])
    )
    with pytest.raises(ValueError, match="bmm"):
        autograd.bmm(tensor(a), tensor(a))


EINSUM = ["ij,jk->ik", "bij,bjk->bik", "ii->i", "ii", "ij->", "i,j->ij", "ij->ji", "iji->j"]


@pytest.mark.parametrize("equation", EINSUM)
def test_einsum_matches_numpy_and_its_gradients_check(equation: str) -> None:
    rng = np.random.default_rng(1)
    sizes = {"i": 3, "j": 2, "k": 4, "b": 2}
    terms = equation.split("->")[0].split(",")
    operands = [rng.normal(size=[sizes[c] for c in term]) for term in terms]
    out = autograd.einsum(equation, *[tensor(o, dtype=float64) for o in operands])
    np.testing.assert_allclose(out.numpy(), np.einsum(equation, *operands), rtol=1e-12)
    assert autograd.gradcheck(lambda *ts: autograd.einsum(equation, *ts), [leaf(o) for o in operands])


def test_einsum_second_derivatives_check() -> None:
    rng = np.random.default_rng(2)
    a, b = leaf(rng.normal(size=(2, 3))), leaf(rng.normal(size=(3, 2)))
    assert autograd.gradgradcheck(lambda x, y: autograd.einsum("ij,jk->ik", x, y), [a, b])


# -- running sums, products, norms, comparisons ----------------------------------------------------


@given(data=st.data())
def test_cumsum_matches_numpy_and_checks(data: st.DataObject) -> None:
    x = data.draw(shapes(min_dims=1).flatmap(arrays))
    dim = data.draw(st.integers(0, x.ndim - 1))
    np.testing.assert_allclose(autograd.cumsum(leaf(x), dim).detach().numpy(), np.cumsum(x, axis=dim), rtol=1e-12)
    assert autograd.gradcheck(lambda t: t.cumsum(dim), [leaf(x)])


@given(data=st.data())
def test_cumprod_matches_numpy_and_checks(data: st.DataObject) -> None:
    x = data.draw(shapes(min_dims=1).flatmap(arrays))
    dim = data.draw(st.integers(0, x.ndim - 1))
    np.testing.assert_allclose(autograd.cumprod(leaf(x), dim).detach().numpy(), np.cumprod(x, axis=dim), rtol=1e-12)
    assert autograd.gradcheck(lambda t: t.cumprod(dim), [leaf(x)])


@pytest.mark.parametrize(
    "row", [[2.0, 0.0, 3.0, 4.0], [0.0, 0.0, 2.0, 3.0], [1.5, 0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 0.0]]
)
def test_cumprod_gradient_is_right_where_elements_are_zero(row: list[float]) -> None:
    values = np.array(row)
    x = leaf(values)
    x.cumprod(0).sum().backward()
    n = len(row)  # d/dx_j of sum_i prod_{k<=i} x_k, each product written out without x_j
    expected = [sum(np.prod(np.delete(values[: i + 1], j)) for i in range(j, n)) for j in range(n)]
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)
    assert autograd.gradgradcheck(lambda t: t.cumprod(0), [leaf(values)])


def test_cumprod_of_integers_stays_integer() -> None:
    out = autograd.cumprod(tensor([1, 2, 3]), 0)
    assert out.dtype == autograd.int64 and out.tolist() == [1, 2, 6]


def test_prod_gradient_is_the_product_of_the_others_even_with_zeros() -> None:
    values = np.array([[2.0, 0.0, 3.0], [1.5, 4.0, 0.0]])
    x = leaf(values)
    x.prod().backward()
    others = np.array([np.prod(np.delete(values.reshape(-1), i)) for i in range(6)]).reshape(2, 3)
    np.testing.assert_array_equal(x.grad.numpy(), others)
    np.testing.assert_array_equal(autograd.prod(tensor(values), 1).numpy(), np.prod(values, 1))
    assert autograd.gradcheck(lambda t: t.prod(1), [leaf(values)])
    assert autograd.gradcheck(lambda t: t.prod(0, keepdim=True), [leaf(values)])


def test_prod_second_derivatives_check_without_zeros() -> None:
    values = np.random.default_rng(3).uniform(0.5, 2.0, size=(3, 4))
    assert autograd.gradgradcheck(lambda t: t.prod(), [leaf(values)])
    assert autograd.gradgradcheck(lambda t: t.prod(1), [leaf(values)])


@pytest.mark.parametrize("p", [1, 2, 3, math.inf])
def test_norms_match_numpy(p) -> None:
    x = MATRIX - 5
    np.testing.assert_allclose(autograd.linalg.vector_norm(tensor(x), p, dim=1).numpy(), np.linalg.norm(x, p, axis=1))
    assert autograd.gradcheck(lambda t: autograd.linalg.vector_norm(t, p, dim=1), [leaf(x + 0.25)])
    np.testing.assert_allclose(float(tensor(x).norm()), np.linalg.norm(x))


def test_isclose_allclose_equal() -> None:
    a = tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(autograd.isclose(a, a + tensor([0.0, 1e-9, 1.0])).numpy(), [True, True, False])
    assert autograd.allclose(a, a + 1e-9) and not autograd.allclose(a, a + 1)
    assert autograd.equal(a, tensor([1.0, 2.0, 3.0])) and not autograd.equal(a, tensor([1.0, 2.0]))


def test_any_and_all_along_a_dim() -> None:
    m = np.array([[True, False], [True, True]])
    np.testing.assert_array_equal(tensor(m).all(1).numpy(), m.all(1))
    np.testing.assert_array_equal(tensor(m).any(dim=0, keepdim=True).numpy(), m.any(0, keepdims=True))


# -- shapes ----------------------------------------------------------------------------------------


def test_flip_roll_movedim_unbind_narrow_match_numpy() -> None:
    cube = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(autograd.flip(tensor(cube), (0, 2)).numpy(), np.flip(cube, (0, 2)))
    np.testing.assert_array_equal(autograd.roll(tensor(cube), 2, 2).numpy(), np.roll(cube, 2, 2))
    np.testing.assert_array_equal(autograd.roll(tensor(cube), 5).numpy(), np.roll(cube, 5))
    np.testing.assert_array_equal(autograd.movedim(tensor(cube), 0, -1).numpy(), np.moveaxis(cube, 0, -1))
    np.testing.assert_array_equal(tensor(cube).unbind(1)[2].numpy(), cube[:, 2])
    np.testing.assert_array_equal(tensor(cube).narrow(2, 1, 2).numpy(), cube[:, :, 1:3])
    assert autograd.gradcheck(lambda t: autograd.roll(t, 1, 1), [leaf(MATRIX)])


# -- sampling and tensordot ------------------------------------------------------------------------


def test_flip_takes_its_dims_as_a_sequence_or_one_by_one() -> None:
    x = tensor(MATRIX)
    expected = MATRIX[::-1, ::-1]
    for flipped in (x.flip(0, 1), x.flip((0, 1)), autograd.flip(x, dims=[0, 1])):
        np.testing.assert_array_equal(flipped.numpy(), expected)


def test_multinomial_draws_in_proportion_and_never_a_zero_weight() -> None:
    autograd.manual_seed(0)
    draws = autograd.multinomial(tensor([0.0, 1.0, 3.0]), 4000, replacement=True).numpy()
    counts = np.bincount(draws, minlength=3)
    assert counts[0] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03
    rows = autograd.multinomial(tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]]), 2).numpy()
    assert rows.shape == (2, 2) and len(set(rows[0])) == 2 and set(rows[1]) == {1, 2}
    with pytest.raises(RuntimeError, match="not enough"):
        autograd.multinomial(tensor([0.0, 0.0, 1.0]), 2)


def test_bernoulli_and_normal_sample_from_the_seeded_generator() -> None:
    autograd.manual_seed(1)
    first = autograd.bernoulli(autograd.full((1000,), 0.3)).numpy()
    autograd.manual_seed(1)
    assert (autograd.bernoulli(autograd.full((1000,), 0.3)).numpy() == first).all()
    assert abs(first.mean() - 0.3) < 0.05 and set(np.unique(first)) <= {0.0, 1.0}
    samples = autograd.normal(autograd.full((5000,), 2.0), 0.5).numpy()
    assert abs(samples.mean() - 2.0) < 0.05 and abs(samples.std() - 0.5) < 0.05
    assert autograd.normal(0.0, 1.0, size=(2, 3)).shape == (2, 3)


def test_tensordot_matches_numpy_and_checks() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 3, 5))
    out = autograd.tensordot(tensor(a, dtype=float64), tensor(b, dtype=float64), ([1, 2], [1, 0]))
    np.testing.assert_allclose(out.numpy(), np.tensordot(a, b, ([1, 2], [1, 0])))
    c = rng.normal(size=(3, 4))
    np.testing.assert_allclose(
        autograd.tensordot(tensor(a, dtype=float64), tensor(c, dtype=float64)).numpy(), np.tensordot(a, c)
    )
    assert autograd.gradcheck(
        lambda x, y: autograd.tensordot(x, y, 1),
        [leaf(a[0]), leaf(rng.normal(size=(4, 2)))],
    )
