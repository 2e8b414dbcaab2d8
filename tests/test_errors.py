"""Bad input gets an error that names the op, the shapes or value, and what was expected."""

from __future__ import annotations

import pytest

import autograd


def test_matmul_with_mismatched_inner_dimensions():
    with pytest.raises(ValueError, match=r"matmul: shapes \(3, 4\) and \(5, 2\) cannot be multiplied"):
        autograd.ones(3, 4) @ autograd.ones(5, 2)


def test_mm_with_mismatched_inner_dimensions_names_mm():
    with pytest.raises(ValueError, match=r"mm: shapes \(3, 4\) and \(5, 2\) cannot be multiplied"):
        autograd.ones(3, 4).mm(autograd.ones(5, 2))


def test_matmul_with_batch_dimensions_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"matmul: batch dimensions of shapes \(2, 3, 4\) and \(5, 4, 2\)"):
        autograd.ones(2, 3, 4) @ autograd.ones(5, 4, 2)


def test_unknown_dim_names_the_op_and_the_valid_range():
    with pytest.raises(
        IndexError, match=r"sum: dim 2 is out of range for a tensor with 2 dimensions \(expected -2..1\)"
    ):
        autograd.ones(3, 4).sum(dim=2)
    with pytest.raises(IndexError, match="softmax: dim -3"):
        autograd.ones(3, 4).softmax(dim=-3)


def test_reshape_to_an_impossible_shape():
    with pytest.raises(
        ValueError, match=r"reshape: shape \[5, 3\] is invalid for a tensor of shape \(3, 4\) \(12 elements\)"
    ):
        autograd.ones(3, 4).reshape(5, 3)


def test_indexing_out_of_bounds():
    with pytest.raises(IndexError, match=r"index 5 is out of bounds .*shape \(3,\)"):
        autograd.ones(3)[5]


def test_requires_grad_on_an_integer_tensor():
    with pytest.raises(TypeError, match="int64"):
        autograd.zeros(2, dtype=autograd.int64, requires_grad=True)


def test_broadcasting_failure_in_an_elementwise_op_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"Add: .*\(input shapes: \(2, 3\), \(4,\)\)"):
        autograd.ones(2, 3) + autograd.ones(4)


def test_a_numpy_error_whose_class_takes_other_arguments_still_names_the_op():
    """NumPy's "no loop for these types" error cannot be remade with a message: the op's error is its TypeError."""
    with pytest.raises(TypeError, match=r"Clamp: .*input shapes: \(2,\)"):
        autograd.ones(2, requires_grad=True).clamp(min="a")


def test_cat_with_mismatched_shapes():
    with pytest.raises(ValueError, match=r"cat: shapes \[\(2, 3\), \(2, 4\)\] must match except in dimension 0"):
        autograd.cat([autograd.ones(2, 3), autograd.ones(2, 4)], dim=0)


def test_expand_to_an_incompatible_shape():
    with pytest.raises(ValueError, match=r"expand: shape \(2,\) cannot be expanded to \(3,\)"):
        autograd.ones(2).expand(3)


def test_errors_are_engine_errors_not_bare_numpy_ones():
    with pytest.raises(autograd.EngineError):
        autograd.ones(3, 4) @ autograd.ones(5, 2)
    with pytest.raises(autograd.EngineError):
        autograd.ones(3).reshape(2, 2)
