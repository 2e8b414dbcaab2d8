"""RNN, LSTM and GRU against their equations written out in NumPy; PyTorch's parameter names and shapes."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import float64, tensor


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def weights(module: nn.Module, suffix: str) -> tuple[np.ndarray, ...]:
    return tuple(
        getattr(module, f"{name}{suffix}").detach().numpy() for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )


def lstm_reference(x: np.ndarray, w: tuple[np.ndarray, ...], h: np.ndarray, c: np.ndarray, reverse: bool = False):
    w_ih, w_hh, b_ih, b_hh = w
    outputs = [None] * len(x)
    for t in range(len(x) - 1, -1, -1) if reverse else range(len(x)):
        i, f, g, o = np.split(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outputs[t] = h
    return np.stack(outputs), h, c


def gru_reference(x: np.ndarray, w: tuple[np.ndarray, ...], h: np.ndarray):
    w_ih, w_hh, b_ih, b_hh = w
    outputs = []
    for t in range(len(x)):
        xr, xz, xn = np.split(x[t] @ w_ih.T + b_ih, 3, axis=-1)
        hr, hz, hn = np.split(h @ w_hh.T + b_hh, 3, axis=-1)
        r, z = sigmoid(xr + hr), sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        h = (1 - z) * n + z * h
        outputs.append(h)
    return np.stack(outputs), h


RNG = np.random.default_rng(0)


def test_lstm_matches_the_equations_over_two_layers_and_both_directions() -> None:
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    x = RNG.normal(size=(5, 2, 3))
    h0, c0 = RNG.normal(size=(4, 2, 4)), RNG.normal(size=(4, 2, 4))
    out, (h_n, c_n) = lstm(tensor(x, dtype=float64), (tensor(h0, dtype=float64), tensor(c0, dtype=float64)))
    layer_input, finals = x, []
    for layer in range(2):
        forward = lstm_reference(layer_input, weights(lstm, f"_l{layer}"), h0[2 * layer], c0[2 * layer])
        backward = lstm_reference(
            layer_input, weights(lstm, f"_l{layer}_reverse"), h0[2 * layer + 1], c0[2 * layer + 1], True
        )
        layer_input = np.concatenate([forward[0], backward[0]], -1)
        finals += [forward, backward]
    np.testing.assert_allclose(out.detach().numpy(), layer_input, rtol=1e-10)
    np.testing.assert_allclose(h_n.detach().numpy(), [f[1] for f in finals], rtol=1e-10)
    np.testing.assert_allclose(c_n.detach().numpy(), [f[2] for f in finals], rtol=1e-10)


def test_gru_matches_the_equations_with_batch_first() -> None:
    gru = nn.GRU(3, 4, batch_first=True).double()
    x = RNG.normal(size=(2, 6, 3))
    out, h_n = gru(tensor(x, dtype=float64))
    expected, h = gru_reference(x.transpose(1, 0, 2), weights(gru, "_l0"), np.zeros((2, 4)))
    np.testing.assert_allclose(out.detach().numpy(), expected.transpose(1, 0, 2), rtol=1e-10)
    np.testing.assert_allclose(h_n.detach().numpy()[0], h, rtol=1e-10)


def test_rnn_relu_and_tanh_are_elman_steps() -> None:
    for nonlinearity, activation in (("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0))):
        rnn = nn.RNN(2, 3, nonlinearity=nonlinearity).double()
        x = RNG.normal(size=(4, 1, 2))
        w_ih, w_hh, b_ih, b_hh = weights(rnn, "_l0")
        h, expected = np.zeros((1, 3)), []
        for t in range(4):
            h = activation(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
            expected.append(h)
        np.testing.assert_allclose(rnn(tensor(x, dtype=float64))[0].detach().numpy(), np.stack(expected), rtol=1e-10)


def test_lstm_gradients_check() -> None:
    lstm = nn.LSTM(2, 3).double()
    x = tensor(RNG.normal(size=(3, 2, 2)), dtype=float64, requires_grad=True)
    assert autograd.gradcheck(lambda t: lstm(t)[0], [x])
    h0 = tensor(RNG.normal(size=(1, 2, 3)), dtype=float64, requires_grad=True)
    c0 = tensor(RNG.normal(size=(1, 2, 3)), dtype=float64, requires_grad=True)
    assert autograd.gradcheck(lambda h, c: lstm(x.detach(), (h, c))[1][1], [h0, c0])
    lstm(x)[0].sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in lstm.parameters())


def test_cells_are_one_step_of_the_layers() -> None:
    cell = nn.LSTMCell(3, 4).double()
    x, h, c = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 4)), RNG.normal(size=(2, 4))
    h1, c1 = cell(tensor(x, dtype=float64), (tensor(h, dtype=float64), tensor(c, dtype=float64)))
    _, h_ref, c_ref = lstm_reference(x[None], weights(cell, ""), h, c)
    np.testing.assert_allclose(h1.detach().numpy(), h_ref, rtol=1e-10)
    np.testing.assert_allclose(c1.detach().numpy(), c_ref, rtol=1e-10)
    gru_cell = nn.GRUCell(3, 4).double()
    _, h_gru = gru_reference(x[None], weights(gru_cell, ""), h)
    np.testing.assert_allclose(
        gru_cell(tensor(x, dtype=float64), tensor(h, dtype=float64)).detach().numpy(), h_gru, rtol=1e-10
    )


def test_state_dict_names_and_shapes_are_pytorchs() -> None:
    shapes = {k: tuple(v.shape) for k, v in nn.LSTM(10, 20, num_layers=2).state_dict().items()}
    assert shapes == {
        "weight_ih_l0": (80, 10),
        "weight_hh_l0": (80, 20),
        "bias_ih_l0": (80,),
        "bias_hh_l0": (80,),
        "weight_ih_l1": (80, 20),
        "weight_hh_l1": (80, 20),
        "bias_ih_l1": (80,),
        "bias_hh_l1": (80,),
    }
    assert list(nn.GRU(3, 5, bidirectional=True).state_dict())[4:] == [
        "weight_ih_l0_reverse",
        "weight_hh_l0_reverse",
        "bias_ih_l0_reverse",
        "bias_hh_l0_reverse",
    ]
    assert repr(nn.LSTM(10, 20, num_layers=2, batch_first=True)) == "LSTM(10, 20, num_layers=2, batch_first=True)"


def test_initialisation_is_uniform_within_one_over_sqrt_hidden() -> None:
    values = np.concatenate([p.detach().numpy().ravel() for p in nn.LSTM(8, 16).parameters()])
    assert np.abs(values).max() <= 0.25 and values.std() > 0.1


def test_a_wrong_input_size_or_state_shape_raises() -> None:
    with pytest.raises(RuntimeError, match="input_size"):
        nn.LSTM(3, 4)(autograd.randn(5, 2, 7))
    with pytest.raises(RuntimeError, match="Expected hidden"):
        nn.GRU(3, 4)(autograd.randn(5, 2, 3), autograd.zeros(2, 2, 4))
