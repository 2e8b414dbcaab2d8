"""Tensors and modules pickle (for multiprocessing and caches) and deep-copy, as in PyTorch."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from typing import Any

import numpy as np
import pytest

import autograd
import nn


def small_net() -> nn.Module:
    autograd.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def trained(net: nn.Module) -> nn.Module:
    optimizer = nn.optim.SGD(net.parameters(), lr=0.1)
    x, y = autograd.randn(8, 3), autograd.randn(8, 2)
    for _ in range(3):
        optimizer.zero_grad()
        nn.MSELoss()(net(x), y).backward()
        optimizer.step()
    return net


def round_trip(obj: Any) -> Any:
    return pickle.loads(pickle.dumps(obj))


def test_a_tensor_pickles_with_its_data_dtype_and_requires_grad() -> None:
    x = autograd.tensor([[1.5, -2.0]], dtype=autograd.float64, requires_grad=True)
    y = round_trip(x)
    assert y.tolist() == [[1.5, -2.0]] and y.dtype == autograd.float64 and y.requires_grad and y.is_leaf


def test_a_tensor_pickled_after_backward_leaves_its_gradient_behind() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    y = round_trip(x)
    assert y.grad is None and y.tolist() == [1.0, 2.0]


def test_a_zero_dimensional_tensor_pickles() -> None:
    x = autograd.tensor(3.0, requires_grad=True)
    (x * 2).backward()
    y = round_trip(x)
    assert y.item() == 3.0 and y.ndim == 0 and y.requires_grad


def test_an_integer_tensor_pickles() -> None:
    assert round_trip(autograd.arange(4)).tolist() == [0, 1, 2, 3]


def test_a_tensor_made_by_an_op_that_requires_grad_refuses_to_pickle() -> None:
    x = autograd.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        pickle.dumps(x * 2)
    assert round_trip((x * 2).detach()).tolist() == [2.0, 2.0]


def test_an_unpickled_tensor_has_its_own_memory() -> None:
    x = autograd.zeros(2)
    y = round_trip(x)
    y.add_(1)
    assert x.tolist() == [0.0, 0.0]


def test_a_module_pickles_after_backward_and_computes_the_same() -> None:
    net = trained(small_net())
    x = autograd.randn(5, 3)
    copy_ = round_trip(net)
    np.testing.assert_array_equal(copy_(x).detach().numpy(), net(x).detach().numpy())
    assert all(type(p) is nn.Parameter and p.requires_grad and p.grad is None for p in copy_.parameters())


def test_an_unpickled_module_trains_on_its_own() -> None:
    net = trained(small_net())
    before = [p.detach().numpy().copy() for p in net.parameters()]
    trained(round_trip(net))
    for p, b in zip(net.parameters(), before):
        np.testing.assert_array_equal(p.detach().numpy(), b)


def test_deepcopy_of_a_trained_model_is_equal_and_independent() -> None:
    net = trained(small_net())
    twin = copy.deepcopy(net)
    x = autograd.randn(5, 3)
    np.testing.assert_array_equal(twin(x).detach().numpy(), net(x).detach().numpy())
    for p, q in zip(net.parameters(), twin.parameters()):
        assert p is not q and p.grad is not None and q.grad is not None
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    trained(twin)
    assert not np.array_equal(twin(x).detach().numpy(), net(x).detach().numpy())
    np.testing.assert_array_equal(copy.deepcopy(net)(x).detach().numpy(), net(x).detach().numpy())


def predict_in_child(net: nn.Module, x: autograd.Tensor) -> autograd.Tensor:
    with autograd.no_grad():
        return net(x)


def test_a_model_and_its_input_go_to_another_process_and_back() -> None:
    net = trained(small_net())
    x = autograd.randn(4, 3)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        out = pool.apply(predict_in_child, (net, x))
    np.testing.assert_allclose(out.numpy(), net(x).detach().numpy(), rtol=1e-6)
