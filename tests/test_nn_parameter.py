"""`nn.Parameter`: a leaf tensor that requires grad, shares memory with its source, and costs what a Tensor costs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor


def test_parameter_from_a_tensor_that_requires_grad_as_the_material_writes_it() -> None:
    source = autograd.randn(4, 2, requires_grad=True)
    w = nn.Parameter(source)
    assert isinstance(w, Tensor) and isinstance(w, nn.Parameter)
    assert w.requires_grad and w.is_leaf and w.grad is None
    assert w.shape == (4, 2)
    np.testing.assert_array_equal(w.detach().numpy(), source.detach().numpy())


def test_parameter_shares_memory_with_its_source_tensor() -> None:
    source = autograd.zeros(3)
    w = nn.Parameter(source)
    source[1] = 5.0
    assert w.tolist() == [0.0, 5.0, 0.0]


def test_parameter_requires_grad_false_on_request() -> None:
    assert not nn.Parameter(autograd.ones(2), requires_grad=False).requires_grad


def test_parameter_of_integers_that_requires_grad_is_refused() -> None:
    with pytest.raises(autograd.DtypeError, match="floating"):
        nn.Parameter(autograd.tensor([1, 2]))


def test_parameter_repr_says_parameter_containing() -> None:
    text = repr(nn.Parameter(autograd.tensor([1.0, 2.0])))
    assert text.startswith("Parameter containing:\ntensor([1., 2.]")
    assert text.endswith("requires_grad=True)")


def test_ops_on_a_parameter_give_plain_tensors_with_gradients_back_to_the_parameter() -> None:
    w = nn.Parameter(autograd.tensor([1.0, 2.0, 3.0]))
    y = (w * w).sum()
    assert type(y) is Tensor and type(w * 2) is Tensor and type(w.detach()) is Tensor
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 4.0, 6.0])


def test_parameter_update_under_no_grad_keeps_the_same_parameter_object() -> None:
    w = nn.Parameter(autograd.tensor([1.0, 2.0]))
    (w * 3).sum().backward()
    same = w
    with autograd.no_grad():
        w -= 0.5 * w.grad
    assert w is same and isinstance(w, nn.Parameter)
    np.testing.assert_allclose(w.detach().numpy(), [-0.5, 0.5])


def test_parameter_deepcopy_is_an_independent_parameter() -> None:
    w = nn.Parameter(autograd.tensor([1.0, 2.0]))
    (w * w).sum().backward()
    clone = copy.deepcopy(w)
    assert isinstance(clone, nn.Parameter) and clone.requires_grad
    with autograd.no_grad():
        clone.fill_(7.0)
    assert w.tolist() == [1.0, 2.0]
    np.testing.assert_allclose(clone.grad.numpy(), [2.0, 4.0])
    (clone * 1).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 4.0])  # the copy's backward does not reach the original
