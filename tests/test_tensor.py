"""Tensors: creation, dtypes, NumPy interop, the seeded generator, conversions."""

from __future__ import annotations

import numpy as np
import pytest

import autograd


def test_python_floats_become_float32_and_ints_int64_and_bools_bool():
    assert autograd.tensor(1.0).dtype == autograd.float32
    assert autograd.tensor([1, 2]).dtype == autograd.int64
    assert autograd.tensor([True, False]).dtype == autograd.bool


def test_numpy_arrays_keep_their_dtype():
    assert autograd.tensor(np.zeros(2, dtype=np.float64)).dtype == autograd.float64
    assert autograd.tensor(np.zeros(2, dtype=np.int32)).dtype == autograd.int32


def test_dtype_argument_and_default_dtype():
    assert autograd.tensor([1, 2], dtype=autograd.float64).dtype == autograd.float64
    autograd.set_default_dtype(autograd.float64)
    assert autograd.tensor(1.0).dtype == autograd.float64 and autograd.zeros(2).dtype == autograd.float64
    autograd.set_default_dtype(autograd.float32)
    with pytest.raises(TypeError, match="floating"):
        autograd.set_default_dtype(autograd.int64)


def test_tensor_copies_its_data():
    a = np.ones(2)
    t = autograd.tensor(a)
    a[0] = 5
    assert t.tolist() == [1.0, 1.0]


def test_from_numpy_shares_memory_both_ways():
    a = np.zeros(3)
    t = autograd.from_numpy(a)
    a[0] = 1
    t[1] = 2
    assert t.tolist() == [1.0, 2.0, 0.0] and a.tolist() == [1.0, 2.0, 0.0]


def test_numpy_of_a_tensor_that_requires_grad_raises_with_the_detach_hint():
    x = autograd.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_only_floating_tensors_can_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients, got dtype int64"):
        autograd.tensor([1, 2], requires_grad=True)
    t = autograd.tensor([1, 2])
    with pytest.raises(TypeError, match="int64"):
        t.requires_grad = True
    assert not t.requires_grad


def test_requires_grad_of_a_non_leaf_cannot_be_turned_off():
    y = autograd.ones(1, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_creation_functions_take_varargs_or_one_sequence():
    for make in (autograd.zeros, autograd.ones, autograd.empty, autograd.rand, autograd.randn):
        assert make(2, 3).shape == (2, 3) and make([2, 3]).shape == (2, 3) and make((2, 3)).shape == (2, 3)
    assert autograd.full((2, 2), 7.0).tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert autograd.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert autograd.arange(4).tolist() == [0, 1, 2, 3] and autograd.arange(4).dtype == autograd.int64
    assert autograd.arange(0, 1, 0.5).dtype == autograd.float32
    assert autograd.linspace(0, 1, 3).tolist() == [0.0, 0.5, 1.0]


def test_like_functions_copy_shape_and_dtype():
    x = autograd.ones(2, 3, dtype=autograd.float64)
    for like in (autograd.zeros_like, autograd.ones_like, autograd.empty_like, autograd.rand_like, autograd.randn_like):
        y = like(x)
        assert y.shape == (2, 3) and y.dtype == autograd.float64
    assert autograd.full_like(x, 2.0).tolist() == [[2.0] * 3] * 2


def test_manual_seed_makes_every_random_function_reproducible():
    def draw():
        return (
            autograd.rand(3).tolist(),
            autograd.randn(3).tolist(),
            autograd.randint(0, 10, (3,)).tolist(),
            autograd.randperm(5).tolist(),
        )

    autograd.manual_seed(42)
    first = draw()
    autograd.manual_seed(42)
    assert draw() == first
    autograd.manual_seed(43)
    assert draw() != first


def test_randint_range_and_dtype():
    r = autograd.randint(3, 5, (1000,))
    assert r.dtype == autograd.int64 and set(r.tolist()) == {3, 4}


def test_item_shape_ndim_numel_len_and_repr():
    x = autograd.tensor([[1.0, 2.0, 3.0]])
    assert x.shape == (1, 3) and x.ndim == 2 and x.dim() == 2 and x.numel() == 3 and len(x) == 1
    assert x.size() == (1, 3) and x.size(1) == 3
    assert autograd.tensor(2.5).item() == 2.5
    with pytest.raises(ValueError, match=r"only one-element tensors.*\(1, 3\)"):
        x.item()
    assert repr(autograd.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert "grad_fn=<MulBackward>" in repr(autograd.tensor([1.0], requires_grad=True) * 2)


def test_dtype_conversions():
    x = autograd.tensor([1.5, -2.5])
    assert x.double().dtype == autograd.float64
    assert x.long().tolist() == [1, -2]
    assert x.bool().tolist() == [True, True]
    assert x.to(autograd.float64).dtype == autograd.float64


def test_gradient_flows_through_a_dtype_conversion():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    y.sum().backward()
    assert x.grad.dtype == autograd.float32 and x.grad.tolist() == [3.0, 3.0]


def test_comparisons_give_bool_tensors_without_gradient():
    x = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == autograd.bool and not m.requires_grad and m.tolist() == [False, True, True]
    assert (x == 2.0).tolist() == [False, True, False]
    assert ((x < 2.5) & (x > 1.5)).tolist() == [False, True, False]
    assert (~m).tolist() == [True, False, False]


def test_numpy_array_on_the_left_of_an_operator_gives_a_tensor():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, autograd.Tensor) and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_zero_dimensional_tensor_exposes_shared_memory_when_asked():
    t = autograd.tensor(3.0)
    a = t.numpy()
    a[()] = 4.0
    assert t.item() == 4.0


def test_iteration_over_the_first_dimension():
    rows = [r.tolist() for r in autograd.tensor([[1, 2], [3, 4]])]
    assert rows == [[1, 2], [3, 4]]


def test_deepcopy_of_a_leaf_gets_its_own_memory_gradient_and_graph_node():
    import copy

    w = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (w * 3).sum()  # keeps w's gradient node alive
    c = copy.deepcopy(w)
    (c * 1).sum().backward()
    assert c.grad.tolist() == [1.0, 1.0] and w.grad is None
    c.data.add_(1)
    assert w.tolist() == [1.0, 2.0]
    assert y.grad_fn is not None


def test_deepcopy_of_a_computed_tensor_raises():
    import copy

    with pytest.raises(RuntimeError, match="only leaf tensors"):
        copy.deepcopy(autograd.ones(2, requires_grad=True) * 2)


def test_numpy_scalars_act_as_python_numbers_and_keep_float32():
    x = autograd.ones(3)
    assert (x - np.float64(1.0)).dtype == autograd.float32
    assert (x / np.sqrt(np.float64(4.0))).dtype == autograd.float32
    assert (np.float64(2.0) * x).dtype == autograd.float32
