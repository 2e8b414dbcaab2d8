"""Losses: values and gradients against closed-form NumPy, reductions, stability, and errors on bad input."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
import nn.functional as F  # noqa: N812 - the name PyTorch code uses
from autograd import Tensor

REDUCTIONS = ["mean", "sum", "none"]


def leaf(values: np.ndarray) -> Tensor:
    return autograd.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def const(values: np.ndarray) -> Tensor:
    return autograd.tensor(np.asarray(values, dtype=np.float64))


def array(t: Tensor) -> np.ndarray:
    return t.detach().numpy()


def reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](values)


def grad_of(loss_fn: Callable[[Tensor], Tensor], values: np.ndarray, reduction: str) -> np.ndarray:
    """d(sum of the loss)/d(input): for 'none' the incoming gradient is all ones."""
    x = leaf(values)
    out = loss_fn(x)
    out.backward(autograd.ones_like(out) if reduction == "none" else None)
    return x.grad.numpy()


def log_softmax_reference(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


pairs = hnp.array_shapes(min_dims=1, max_dims=3, max_side=4).flatmap(
    lambda shape: st.tuples(
        hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)),
        hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)),
    )
)
classification = st.tuples(st.integers(1, 5), st.integers(2, 4)).flatmap(
    lambda nc: st.tuples(
        hnp.arrays(np.float64, nc, elements=st.floats(-5, 5)),
        hnp.arrays(np.int64, (nc[0],), elements=st.integers(0, nc[1] - 1)),
    )
)


# -- MSE and L1 ------------------------------------------------------------------------------------


@given(data=pairs, reduction=st.sampled_from(REDUCTIONS))
def test_mse_loss_value_and_gradient_are_the_closed_form_ones(
    data: tuple[np.ndarray, np.ndarray], reduction: str
) -> None:
    x, y = data
    d = x - y
    np.testing.assert_allclose(array(nn.MSELoss(reduction=reduction)(leaf(x), const(y))), reduce(d**2, reduction))
    scale = 1 / d.size if reduction == "mean" else 1.0
    np.testing.assert_allclose(
        grad_of(lambda t: F.mse_loss(t, const(y), reduction=reduction), x, reduction), 2 * d * scale
    )


@given(data=pairs, reduction=st.sampled_from(REDUCTIONS))
def test_mse_loss_passes_gradcheck_and_gradgradcheck_in_both_arguments(
    data: tuple[np.ndarray, np.ndarray], reduction: str
) -> None:
    x, y = data
    assert autograd.gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), (leaf(x), leaf(y)))
    assert autograd.gradgradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), (leaf(x), leaf(y)))


@given(data=pairs, reduction=st.sampled_from(REDUCTIONS))
def test_l1_loss_value_and_gradient_are_the_closed_form_ones(
    data: tuple[np.ndarray, np.ndarray], reduction: str
) -> None:
    x, y = data
    y = np.where(np.abs(x - y) < 1e-3, y + 0.5, y)  # away from the kink
    d = x - y
    np.testing.assert_allclose(array(nn.L1Loss(reduction=reduction)(leaf(x), const(y))), reduce(np.abs(d), reduction))
    scale = 1 / d.size if reduction == "mean" else 1.0
    np.testing.assert_allclose(
        grad_of(lambda t: F.l1_loss(t, const(y), reduction=reduction), x, reduction), np.sign(d) * scale
    )
    assert autograd.gradcheck(lambda a, b: F.l1_loss(a, b, reduction=reduction), (leaf(x), leaf(y)))


def test_mse_loss_sum_as_the_material_writes_it() -> None:
    loss_fn = nn.MSELoss(reduction="sum")
    loss = loss_fn(autograd.tensor([[1.0], [2.0]]), autograd.tensor([[0.0], [4.0]]))
    assert loss.item() == pytest.approx(5.0)


def test_mse_loss_refuses_to_broadcast_and_names_both_shapes() -> None:
    with pytest.raises(autograd.ShapeError, match=r"input of shape \(4, 1\) and target of shape \(4,\)"):
        nn.MSELoss()(autograd.randn(4, 1), autograd.randn(4))


def test_l1_loss_shape_mismatch_is_a_clear_error() -> None:
    with pytest.raises(autograd.ShapeError, match=r"l1_loss: input of shape \(2, 3\) and target of shape \(3,\)"):
        F.l1_loss(autograd.randn(2, 3), autograd.randn(3))


def test_mse_loss_takes_an_integer_or_numpy_target_and_keeps_the_input_dtype() -> None:
    x = autograd.tensor([1.0, 2.0])
    assert F.mse_loss(x, autograd.tensor([1, 3])).item() == pytest.approx(0.5)
    out = F.mse_loss(x, np.array([0.0, 0.0]))
    assert out.dtype == np.float32 and out.item() == pytest.approx(2.5)


@pytest.mark.parametrize(
    "make",
    [
        lambda r: nn.MSELoss(reduction=r),
        lambda r: nn.L1Loss(reduction=r),
        lambda r: nn.CrossEntropyLoss(reduction=r),
        lambda r: nn.BCELoss(reduction=r),
        lambda r: nn.BCEWithLogitsLoss(reduction=r),
    ],
)
def test_an_unknown_reduction_is_refused_when_the_loss_is_made(make: Callable[[str], nn.Module]) -> None:
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        make("avg")


def test_an_unknown_reduction_is_refused_by_the_functions() -> None:
    with pytest.raises(ValueError, match="mse_loss: reduction must be"):
        F.mse_loss(autograd.ones(2), autograd.ones(2), reduction="average")


def test_a_loss_of_integer_inputs_is_refused() -> None:
    with pytest.raises(autograd.DtypeError, match="floating"):
        F.mse_loss(autograd.tensor([1, 2]), autograd.tensor([1, 2]))


# -- cross-entropy and NLL -------------------------------------------------------------------------


@given(data=classification, reduction=st.sampled_from(REDUCTIONS))
def test_cross_entropy_value_and_gradient_are_the_closed_form_ones(
    data: tuple[np.ndarray, np.ndarray], reduction: str
) -> None:
    z, t = data
    n = len(t)
    per_sample = -log_softmax_reference(z)[np.arange(n), t]
    np.testing.assert_allclose(
        array(nn.CrossEntropyLoss(reduction=reduction)(leaf(z), t)), reduce(per_sample, reduction), rtol=1e-12
    )
    softmax = np.exp(log_softmax_reference(z))
    expected = softmax - np.eye(z.shape[1])[t]
    if reduction == "mean":
        expected /= n
    got = grad_of(lambda a: F.cross_entropy(a, autograd.tensor(t), reduction=reduction), z, reduction)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


@given(data=classification, reduction=st.sampled_from(REDUCTIONS))
def test_cross_entropy_passes_gradcheck_and_gradgradcheck(data: tuple[np.ndarray, np.ndarray], reduction: str) -> None:
    z, t = data
    assert autograd.gradcheck(lambda a: F.cross_entropy(a, t, reduction=reduction), (leaf(z),))
    assert autograd.gradgradcheck(lambda a: F.cross_entropy(a, t, reduction=reduction), (leaf(z),))


def test_cross_entropy_is_stable_for_huge_logits() -> None:
    z = leaf(np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]))
    loss = F.cross_entropy(z, autograd.tensor([0, 2]))
    expected = np.mean([0.0, -(999.0 - np.logaddexp(1000.0, 999.0))])
    assert loss.item() == pytest.approx(expected)
    loss.backward()
    assert np.isfinite(z.grad.numpy()).all()


def test_cross_entropy_class_weights_give_a_weighted_mean() -> None:
    z = np.array([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0], [2.0, 0.0, 0.0]])
    t = np.array([1, 2, 0])
    w = np.array([0.5, 2.0, 1.0])
    per_sample = -log_softmax_reference(z)[np.arange(3), t] * w[t]
    loss = nn.CrossEntropyLoss(weight=autograd.tensor(w))(const(z), autograd.tensor(t))
    assert loss.item() == pytest.approx(per_sample.sum() / w[t].sum())
    assert F.cross_entropy(const(z), t, w, reduction="sum").item() == pytest.approx(per_sample.sum())


def test_cross_entropy_skips_targets_equal_to_ignore_index() -> None:
    z = np.array([[1.0, 2.0], [3.0, 0.0], [0.0, 0.0]])
    x = leaf(z)
    loss = F.cross_entropy(x, autograd.tensor([1, -100, 0]))
    per_sample = -log_softmax_reference(z)[[0, 2], [1, 0]]
    assert loss.item() == pytest.approx(per_sample.mean())
    loss.backward()
    assert not x.grad.numpy()[1].any()
    assert F.cross_entropy(const(z), [1, 5, 0], ignore_index=5, reduction="none")[1].item() == 0.0


def test_cross_entropy_with_class_probabilities() -> None:
    z = np.array([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])
    p = np.array([[0.2, 0.7, 0.1], [0.0, 0.5, 0.5]])
    loss = F.cross_entropy(leaf(z), const(p))
    assert loss.item() == pytest.approx(-(p * log_softmax_reference(z)).sum(axis=1).mean())


def test_cross_entropy_of_one_sample_without_batch_dimension() -> None:
    z = np.array([0.5, 1.5, -1.0])
    expected = -log_softmax_reference(z[None])[0, 1]
    assert F.cross_entropy(const(z), autograd.tensor(1)).item() == pytest.approx(expected)


def test_cross_entropy_target_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(IndexError, match="target 3 is out of bounds for 3 classes"):
        F.cross_entropy(autograd.randn(2, 3), autograd.tensor([0, 3]))


def test_cross_entropy_target_of_the_wrong_shape_is_a_clear_error() -> None:
    with pytest.raises(autograd.ShapeError, match=r"needs a target of shape \(2,\)"):
        nn.CrossEntropyLoss()(autograd.randn(2, 3), autograd.tensor([[0], [1]]))


def test_nll_loss_picks_minus_the_target_log_probability() -> None:
    logp = log_softmax_reference(np.array([[0.3, 1.0], [2.0, -1.0], [0.0, 0.0]]))
    t = np.array([1, 0, 1])
    for reduction in REDUCTIONS:
        got = array(F.nll_loss(const(logp), autograd.tensor(t), reduction=reduction))
        np.testing.assert_allclose(got, reduce(-logp[np.arange(3), t], reduction))


def test_nll_loss_over_spatial_dimensions() -> None:
    logp = log_softmax_reference(np.random.default_rng(0).standard_normal((2, 3, 4)))
    t = np.random.default_rng(1).integers(0, 3, (2, 4))
    expected = -np.take_along_axis(logp, t[:, None, :], axis=1)[:, 0, :]
    np.testing.assert_allclose(array(F.nll_loss(const(logp), t, reduction="none")), expected)


# -- binary cross-entropy --------------------------------------------------------------------------


probabilities = hnp.array_shapes(min_dims=1, max_dims=2, max_side=4).flatmap(
    lambda shape: st.tuples(
        hnp.arrays(np.float64, shape, elements=st.floats(0.05, 0.95)),
        hnp.arrays(np.float64, shape, elements=st.floats(0, 1)),
    )
)


@given(data=probabilities, reduction=st.sampled_from(REDUCTIONS))
def test_bce_loss_value_and_gradient_are_the_closed_form_ones(
    data: tuple[np.ndarray, np.ndarray], reduction: str
) -> None:
    p, y = data
    per_element = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(
        array(nn.BCELoss(reduction=reduction)(leaf(p), const(y))), reduce(per_element, reduction), rtol=1e-12
    )
    scale = 1 / p.size if reduction == "mean" else 1.0
    got = grad_of(lambda t: F.binary_cross_entropy(t, const(y), reduction=reduction), p, reduction)
    np.testing.assert_allclose(got, (p - y) / (p * (1 - p)) * scale, rtol=1e-10)
    assert autograd.gradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), (leaf(p), leaf(y)))
    assert autograd.gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), (leaf(p), leaf(y)))


def test_bce_loss_clamps_the_log_at_minus_100() -> None:
    loss = F.binary_cross_entropy(const(np.array([0.0, 1.0, 1.0])), const(np.array([1.0, 0.0, 1.0])), reduction="none")
    np.testing.assert_array_equal(array(loss), [100.0, 100.0, 0.0])


def test_bce_loss_weight_scales_each_element() -> None:
    p, y, w = np.array([0.2, 0.9]), np.array([1.0, 0.0]), np.array([2.0, 0.5])
    loss = nn.BCELoss(weight=autograd.tensor(w), reduction="sum")(const(p), const(y))
    assert loss.item() == pytest.approx(-(w * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum())


def test_bce_loss_rejects_inputs_outside_zero_one() -> None:
    with pytest.raises(ValueError, match=r"between 0 and 1, got values in \[-0.5, 1.2\].*with_logits"):
        nn.BCELoss()(autograd.tensor([-0.5, 1.2]), autograd.tensor([0.0, 1.0]))


@given(
    data=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-6, 6)),
            hnp.arrays(np.float64, shape, elements=st.floats(0, 1)),
        )
    ),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_bce_with_logits_value_and_gradient_are_the_closed_form_ones(
    data: tuple[np.ndarray, np.ndarray], reduction: str
) -> None:
    x, y = data
    per_element = (1 - y) * x + np.logaddexp(0, -x)
    np.testing.assert_allclose(
        array(nn.BCEWithLogitsLoss(reduction=reduction)(leaf(x), const(y))),
        reduce(per_element, reduction),
        rtol=1e-10,
        atol=1e-12,
    )
    scale = 1 / x.size if reduction == "mean" else 1.0
    got = grad_of(lambda t: F.binary_cross_entropy_with_logits(t, const(y), reduction=reduction), x, reduction)
    np.testing.assert_allclose(got, (1 / (1 + np.exp(-x)) - y) * scale, rtol=1e-10, atol=1e-14)
    assert autograd.gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), (leaf(x), leaf(y))
    )
    assert autograd.gradgradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), (leaf(x), leaf(y))
    )


def test_bce_with_logits_is_stable_for_logits_of_plus_minus_1000() -> None:
    x = leaf(np.array([1000.0, 1000.0, -1000.0, -1000.0]))
    y = const(np.array([1.0, 0.0, 1.0, 0.0]))
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_array_equal(array(loss), [0.0, 1000.0, 1000.0, 0.0])
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, -1.0, 0.0])


def test_bce_with_logits_matches_bce_of_the_sigmoid() -> None:
    x, y = np.array([-2.0, 0.3, 1.7]), np.array([0.0, 1.0, 0.4])
    with_logits = F.binary_cross_entropy_with_logits(const(x), const(y)).item()
    of_sigmoid = F.binary_cross_entropy(autograd.sigmoid(const(x)), const(y)).item()
    assert with_logits == pytest.approx(of_sigmoid, rel=1e-12)


def test_bce_with_logits_pos_weight_weights_the_positive_term() -> None:
    x, y, pw = np.array([[0.5, -1.0], [2.0, 0.1]]), np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([3.0, 0.5])
    log_s, log_1ms = -np.logaddexp(0, -x), -np.logaddexp(0, x)
    expected = -(pw * y * log_s + (1 - y) * log_1ms).mean()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=autograd.tensor(pw))
    assert loss_fn(const(x), const(y)).item() == pytest.approx(expected)
    assert autograd.gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw), (leaf(x), leaf(y)))


def test_bce_with_logits_shape_mismatch_is_a_clear_error() -> None:
    with pytest.raises(autograd.ShapeError, match=r"input of shape \(3, 1\) and target of shape \(3,\)"):
        nn.BCEWithLogitsLoss()(autograd.randn(3, 1), autograd.ones(3))


def test_loss_weights_are_buffers_in_the_state_dict() -> None:
    loss_fn = nn.CrossEntropyLoss(weight=autograd.tensor([1.0, 2.0]))
    assert list(loss_fn.state_dict()) == ["weight"]
    assert list(nn.MSELoss().state_dict()) == []
