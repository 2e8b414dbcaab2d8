"""In-place changes, `.data`, `.detach()` and item assignment, with PyTorch's safety rules."""

from __future__ import annotations

import numpy as np
import pytest

import autograd


def leaf(values):
    return autograd.tensor(values, dtype=autograd.float64, requires_grad=True)


def test_in_place_change_of_a_leaf_that_requires_grad_raises_in_grad_mode():
    w = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"leaf tensor that requires grad .*\(2,\).*no_grad"):
        w += 1
    assert w.tolist() == [1.0, 2.0]


def test_in_place_change_of_a_leaf_is_allowed_under_no_grad_and_keeps_identity():
    w = leaf([1.0, 2.0])
    array = w.detach().numpy()
    with autograd.no_grad():
        w -= 0.5
    assert w.tolist() == [0.5, 1.5] and array.tolist() == [0.5, 1.5]
    assert w.is_leaf and w.requires_grad


def test_changing_a_saved_tensor_in_place_makes_backward_raise_naming_the_op():
    a = leaf([1.0, 2.0])
    b = a * 1  # non-leaf
    c = b * b  # saves b
    with autograd.no_grad():
        b.mul_(3)
    with pytest.raises(
        RuntimeError,
        match=r"MulBackward: .*modified by an in-place operation.*now at version 1, was changed after this node saved it",
    ):
        c.sum().backward()


def test_a_backward_adding_into_a_saved_grad_in_place_makes_the_saving_graphs_backward_raise():
    """Accumulating into an existing `.grad` is an in-place change (PyTorch's `grad += new` bumps its version):
    a graph that saved that `.grad` must not silently use the new values."""
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    w = autograd.tensor([3.0, 4.0], requires_grad=True)
    (x * x).sum().backward()
    loss = (w * x.grad).sum()  # saves x.grad, [2, 4], for w's gradient
    version = x.grad._version
    (x * x).sum().backward()
    assert x.grad._version > version
    with pytest.raises(RuntimeError, match="MulBackward: one of the tensors needed for gradient computation"):
        loss.backward()


def test_a_grad_read_after_the_last_backward_still_gives_its_graph_the_right_gradient():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    w = autograd.tensor([3.0, 4.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    (w * x.grad).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 8.0])


def test_changing_a_saved_zero_dimensional_tensor_in_place_makes_backward_raise():
    """A 0-d tensor holds a NumPy scalar until an in-place change makes it an array: still caught."""
    x = autograd.tensor(2.0, requires_grad=True)
    y = x * x  # saves x
    with autograd.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match=r"MulBackward: .*modified by an in-place operation"):
        y.backward()
    assert x.grad is None


def test_changing_a_saved_zero_dimensional_non_leaf_in_place_makes_backward_raise():
    x = autograd.tensor(2.0, requires_grad=True)
    y = x * 1
    z = y.exp() * y  # saves y
    with autograd.no_grad():
        y.mul_(3)
    with pytest.raises(RuntimeError, match=r"MulBackward: .*modified by an in-place operation"):
        z.backward()


def test_changing_an_input_that_was_not_saved_does_not_raise():
    a = leaf([1.0, 2.0])
    b = a * 1
    c = b + 1  # Add saves nothing
    d = b * 2.0  # Mul by a number saves only the number
    with autograd.no_grad():
        b.mul_(3)
    (c.sum() + d.sum()).backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_an_op_made_after_an_in_place_change_sees_the_new_values_without_raising():
    a = leaf([1.0, 2.0])
    b = a * 1
    with autograd.no_grad():
        b.mul_(3)
    c = b * b  # saves b as it is now
    c.sum().backward()
    assert a.grad.tolist() == [6.0, 12.0]  # dc/db = 2b with the new b = [3, 6]; db/da = 1


def test_changing_a_saved_output_in_place_makes_backward_raise():
    a = leaf([0.0, 1.0])
    b = a.exp()  # ExpBackward saves its output
    with autograd.no_grad():
        b.add_(1)
    with pytest.raises(RuntimeError, match="ExpBackward: .*modified by an in-place operation"):
        b.sum().backward()


def test_changing_a_view_of_a_saved_tensor_makes_backward_raise():
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    b = a * 1
    c = b * b
    with autograd.no_grad():
        b[0].zero_()  # a view of b: it shares b's version
    with pytest.raises(RuntimeError, match="MulBackward: .*modified by an in-place operation"):
        c.sum().backward()


def test_in_place_op_on_a_non_leaf_is_recorded_and_differentiable():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.mul_(3)
    assert y.grad_fn.name() == "MulBackward"
    y.add_(1)
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    assert y.tolist() == [7.0, 13.0]


def test_in_place_relu_and_clamp_on_non_leaf():
    x = leaf([-1.0, 2.0])
    y = x * 1
    y.clamp_(min=0)
    y.sum().backward()
    assert y.tolist() == [0.0, 2.0] and x.grad.tolist() == [0.0, 1.0]


def test_in_place_with_an_operand_that_requires_grad_records_it():
    x = leaf([1.0, 2.0])
    w = leaf([3.0, 4.0])
    y = x * 1
    y.add_(w)
    y.sum().backward()
    assert w.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [1.0, 1.0]


def test_in_place_result_must_keep_the_shape():
    y = autograd.zeros(3)
    with pytest.raises(ValueError, match=r"\(2, 3\).*shape \(3,\)"):
        y.add_(autograd.ones(2, 3))
    assert y.tolist() == [0.0, 0.0, 0.0]


def test_data_is_a_view_without_history_whose_changes_are_not_tracked():
    x = leaf([1.0, 2.0])
    y = x * x
    d = x.data
    assert not d.requires_grad and d.grad_fn is None
    d.mul_(10)  # allowed, and not seen by the version check (as in PyTorch)
    assert x.tolist() == [10.0, 20.0]
    y.sum().backward()
    assert x.grad.tolist() == [20.0, 40.0]


def test_assigning_data_replaces_the_values():
    w = leaf([1.0])
    w.data = w.data - 0.5
    assert w.tolist() == [0.5] and w.requires_grad and w.is_leaf


def test_detach_shares_memory_and_version_so_changes_are_caught():
    a = leaf([1.0, 2.0])
    b = a.exp()
    d = b.detach()
    assert not d.requires_grad
    d.zero_()
    assert b.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="ExpBackward.*in-place"):
        b.sum().backward()


def test_view_shares_memory_with_its_base():
    x = autograd.arange(6).reshape(2, 3)
    row = x[0]
    row[1] = 100
    assert x.tolist() == [[0, 100, 2], [3, 4, 5]]


def test_setitem_on_a_non_leaf_is_recorded():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    y[1] = 0.0
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]


def test_setitem_with_a_value_that_requires_grad_sends_it_gradient():
    x = leaf([1.0, 2.0, 3.0])
    v = leaf(5.0)
    y = x * 1
    y[x > 1.5] = v
    (y * autograd.tensor([1.0, 2.0, 3.0], dtype=autograd.float64)).sum().backward()
    assert v.grad.item() == 5.0
    assert x.grad.tolist() == [1.0, 0.0, 0.0]


def test_setitem_on_a_leaf_that_requires_grad_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="setitem: a leaf tensor"):
        x[0] = 5.0


def test_fill_zero_copy_and_random_fills():
    t = autograd.empty(2, 2)
    assert t.fill_(3.0).tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert t.zero_().tolist() == [[0.0, 0.0], [0.0, 0.0]]
    t.copy_(autograd.tensor([1.0, 2.0]))
    assert t.tolist() == [[1.0, 2.0], [1.0, 2.0]]
    autograd.manual_seed(3)
    first = t.normal_().tolist()
    autograd.manual_seed(3)
    assert t.normal_().tolist() == first
    u = autograd.empty(1000).uniform_(-2, 2).numpy()
    assert u.min() >= -2 and u.max() < 2


def test_version_counter_counts_in_place_changes():
    t = autograd.zeros(2)
    t.add_(1)
    t[0] = 2
    t.zero_()
    assert t._version == 3


def test_in_place_grad_zero_keeps_the_same_grad_tensor():
    x = leaf([1.0])
    (x * 2).backward()
    g = x.grad
    x.grad.zero_()
    (x * 3).backward()
    assert x.grad is g and g.tolist() == [3.0]


def test_numpy_array_from_a_tensor_sees_later_in_place_changes():
    t = autograd.tensor(1.5)
    a = t.numpy()
    t.add_(1)
    assert float(a) == 2.5
    np.testing.assert_array_equal(t.numpy(), a)
