"""The worked examples of the teaching material, with their exact numbers, written as the material writes them
(`autograd` in place of `torch`)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Variable


def test_cube_gradient_at_5_accumulates_with_retain_graph_and_resets_after_zeroing():
    x = Variable(autograd.tensor([5.0]), requires_grad=True)
    y = x**3
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [75.0]
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [150.0]
    x.grad.data.zero_()
    y.backward()
    assert x.grad.tolist() == [75.0]


def test_reciprocal_gradient_at_2_is_minus_a_quarter():
    x = Variable(autograd.tensor([2.0]), requires_grad=True)
    y = 1 / x
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [-0.25]
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [-0.5]
    x.grad.data.zero_()
    y.backward()
    assert x.grad.tolist() == [-0.25]


def test_matmul_plus_scalar_gives_gradients_of_b_and_one():
    a = autograd.tensor([[1.0, 2.0]], requires_grad=True)
    b = autograd.tensor([[3.0], [4.0]])
    c = autograd.tensor(5.0, requires_grad=True)
    y = a @ b + c
    y.backward()
    assert a.grad.tolist() == [[3.0, 4.0]]
    assert c.grad.item() == 1.0


def test_gradient_of_sum_of_sigmoid_is_sigmoid_times_one_minus_sigmoid():
    a = autograd.ones(20, requires_grad=True)
    z = autograd.sum(autograd.sigmoid(a))
    z.backward()
    s = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(a.grad.numpy(), np.full(20, s * (1 - s)), rtol=1e-6)


def test_gradients_of_two_graphs_accumulate_then_zero():
    x = autograd.tensor(2.0, requires_grad=True)
    y = x**2
    y.backward()
    assert x.grad.item() == 4.0
    z = x + 3
    z.backward()
    assert x.grad.item() == 5.0
    x.grad.zero_()
    assert x.grad.item() == 0.0


def test_training_w_times_x_by_hand_predicts_8_at_4():
    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]
    w = autograd.Tensor([1.0])
    w.requires_grad = True

    def forward(x):
        return x * w

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) ** 2

    for _epoch in range(100):
        for x, y in zip(x_data, y_data):
            l_ = loss(x, y)
            l_.backward()
            w.data = w.data - 0.01 * w.grad.data
            w.grad.data.zero_()
    assert forward(4).item() == pytest.approx(8.0, abs=1e-3)


class HandWrittenLinear:
    """The material's Linear layer: W of shape (in, out), b of shape (1, out), backward by hand."""

    def __init__(self, w: np.ndarray, b: np.ndarray) -> None:
        self.W, self.b = w, b

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.W + self.b

    def backward(self, grads: np.ndarray) -> np.ndarray:
        self.dW = self.x.T @ grads
        self.db = grads.sum(axis=0, keepdims=True)
        return grads @ self.W.T


def test_hand_written_linear_layer_agrees_with_the_engine():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal((1, 4))
    upstream = rng.standard_normal((5, 4))
    layer = HandWrittenLinear(w, b)
    out = layer.forward(x)
    dx = layer.backward(upstream)

    xt = autograd.tensor(x, requires_grad=True)
    wt = autograd.tensor(w, requires_grad=True)
    bt = autograd.tensor(b, requires_grad=True)
    yt = xt @ wt + bt
    yt.backward(autograd.tensor(upstream))
    np.testing.assert_allclose(yt.detach().numpy(), out, rtol=1e-12)
    np.testing.assert_allclose(xt.grad.numpy(), dx, rtol=1e-12)
    np.testing.assert_allclose(wt.grad.numpy(), layer.dW, rtol=1e-12)
    np.testing.assert_allclose(bt.grad.numpy(), layer.db, rtol=1e-12)


# -- DESIGN.md, "What the teaching material writes": the engine lines -------------------------


def test_legacy_tensor_constructor_then_requires_grad_flag():
    w = autograd.Tensor([1.0])
    w.requires_grad = True
    assert w.dtype == autograd.float32 and w.requires_grad and w.is_leaf


def test_tensor_with_dtype_and_creation_with_varargs_or_one_sequence():
    x = autograd.tensor([[1, 2, 3], [4, 5, 6]], dtype=autograd.float32)
    assert x.dtype == autograd.float32
    assert autograd.empty(2, 3).shape == (2, 3)
    assert autograd.rand([3, 4]).shape == (3, 4)
    assert autograd.zeros([2, 3]).tolist() == [[0.0] * 3] * 2
    assert autograd.randn(64, 1000).shape == (64, 1000)


def test_methods_the_material_calls():
    x = autograd.tensor([[1, 2, 3], [4, 5, 6]])
    y = autograd.tensor([[6, 5, 4], [3, 2, 1]])
    assert x.mul(y).tolist() == [[6, 10, 12], [12, 10, 6]]
    assert x.matmul(y.T).tolist() == (np.array(x.tolist()) @ np.array(y.tolist()).T).tolist()
    assert (x @ y.T).tolist() == x.matmul(y.T).tolist()
    assert x.float().mm(y.float().t()).tolist() == x.matmul(y.T).tolist()
    v = autograd.tensor([1.0, 2.0])
    assert v.T is v
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.view(1, -1).shape == (1, 6)
    assert autograd.cat([x, y], dim=0).shape == (4, 3)
    assert autograd.cat([x, y], dim=1).shape == (2, 6)
    assert autograd.flatten(autograd.zeros(2, 3, 4), 1).shape == (2, 12)
    h = autograd.tensor([-1.0, 0.5])
    assert h.clamp(min=0).tolist() == [0.0, 0.5]
    assert h.pow(2).tolist() == [1.0, 0.25]
    c = h.clone()
    c[0] = 7.0
    assert h.tolist() == [-1.0, 0.5]
    g = autograd.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert autograd.sum(g, dim=0).tolist() == [4.0, 6.0]
    assert autograd.matmul(g, g).tolist() == (np.array(g.tolist()) @ np.array(g.tolist())).tolist()


def test_numpy_view_and_from_numpy_share_memory_and_mask_assignment():
    x = autograd.tensor([[1, 2, 3], [4, 5, 6]])
    y = x.numpy()
    x[:] = 0
    assert y.tolist() == [[0, 0, 0], [0, 0, 0]]
    z = autograd.from_numpy(y)
    y[0, 0] = 9
    assert z[0, 0].item() == 9
    grad_h = autograd.tensor([[1.0, 2.0], [3.0, 4.0]])
    h = autograd.tensor([[-1.0, 1.0], [1.0, -1.0]])
    grad_h[h < 0] = 0
    assert grad_h.tolist() == [[0.0, 2.0], [3.0, 0.0]]


def test_backward_with_random_gradient_on_a_non_scalar_output():
    w = autograd.randn(3, 10, requires_grad=True)
    out = autograd.ones(1, 3) @ w
    upstream = autograd.randn(1, 10)
    out.backward(upstream)
    np.testing.assert_allclose(w.grad.numpy(), np.ones((3, 1)) @ upstream.numpy(), rtol=1e-6)


def test_manual_updates_the_material_writes():
    f = autograd.tensor([1.0, 2.0], requires_grad=True)
    (f * f).sum().backward()
    f.data.sub_(f.grad.data * 0.5)
    assert f.tolist() == [0.0, 0.0]
    param = autograd.tensor([1.0, 2.0], requires_grad=True)
    (param * 3).sum().backward()
    with autograd.no_grad():
        param -= 0.1 * param.grad
    np.testing.assert_allclose(param.detach().numpy(), [0.7, 1.7], rtol=1e-6)


def test_grad_fn_chain_and_item_and_detach_numpy():
    x = autograd.randn(4, requires_grad=True)
    loss = (x.relu() * 2).sum()
    assert loss.grad_fn.name() == "SumBackward"
    assert loss.grad_fn.next_functions[0][0].name() == "MulBackward"
    assert loss.grad_fn.next_functions[0][0].next_functions[0][0].name() == "ReluBackward"
    assert isinstance(loss.item(), float)
    assert loss.detach().numpy().shape == ()


def test_comparing_a_tensor_with_none_is_false_not_an_error():
    grads = autograd.ones(3)
    assert (grads == None) is False  # noqa: E711 - the material writes exactly this
    assert (grads != None) is True  # noqa: E711
