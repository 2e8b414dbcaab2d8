"""autograd.lstm_recurrence, the LSTM layer's loop over time as one node, against the same steps written
as one op each, against the LSTM equations in NumPy, and numerically (first and second derivatives)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd.ops.lstm_recurrence import _steps


def leaf(rng: np.random.Generator, *shape: int) -> autograd.Tensor:
    return autograd.tensor(rng.normal(size=shape), dtype=autograd.float64, requires_grad=True)


def numpy_lstm(x_proj, h, c, w_hh, b_hh, reverse):  # type: ignore[no-untyped-def]
    """The LSTM equations, one step at a time, in NumPy."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    n = x_proj.shape[0]
    out = np.zeros(x_proj.shape[:2] + h.shape[-1:])
    for t in range(n - 1, -1, -1) if reverse else range(n):
        i, f, g, o = np.split(x_proj[t] + h @ w_hh.T + b_hh, 4, axis=-1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = out[t] = sig(o) * np.tanh(c)
    return out, h, c


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_recurrence_follows_the_lstm_equations(reverse: bool) -> None:
    rng = np.random.default_rng(0)
    args = [leaf(rng, 5, 3, 8), leaf(rng, 3, 2), leaf(rng, 3, 2), leaf(rng, 8, 2), leaf(rng, 8)]
    got = autograd.lstm_recurrence(*args, reverse=reverse)
    expected = numpy_lstm(*(a.detach().numpy() for a in args), reverse)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.detach().numpy(), e, rtol=1e-12, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)),
    reverse=st.booleans(),
    bias=st.booleans(),
    seed=st.integers(0, 999),
)
def test_lstm_recurrence_gradients_equal_those_of_the_step_by_step_ops(shape, reverse, bias, seed) -> None:
    steps, batch, hidden = shape
    rng = np.random.default_rng(seed)
    args = [leaf(rng, steps, batch, 4 * hidden), leaf(rng, batch, hidden), leaf(rng, batch, hidden)]
    args += [leaf(rng, 4 * hidden, hidden), leaf(rng, 4 * hidden) if bias else None]
    weights = [rng.normal(size=s) for s in ((steps, batch, hidden), (batch, hidden), (batch, hidden))]
    fused, stepped = autograd.lstm_recurrence(*args, reverse=reverse), _steps(*args, reverse)
    inputs = [a for a in args if a is not None]

    def gradients(outputs):  # type: ignore[no-untyped-def]
        loss = sum((o * autograd.tensor(w)).sum() for o, w in zip(outputs, weights))
        return autograd.grad(loss, inputs)

    for a, b in zip(gradients(fused), gradients(stepped)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


def test_lstm_recurrence_second_derivatives_check() -> None:
    rng = np.random.default_rng(1)
    args = (leaf(rng, 3, 2, 8), leaf(rng, 2, 2), leaf(rng, 2, 2), leaf(rng, 8, 2), leaf(rng, 8))
    assert autograd.gradgradcheck(lambda *a: autograd.lstm_recurrence(*a, reverse=True), args)


def test_lstm_recurrence_refuses_shapes_that_do_not_fit_naming_them() -> None:
    rng = np.random.default_rng(2)
    with pytest.raises(ValueError, match=r"lstm_recurrence: expected x_proj \(T, B, 4H\).*w_hh \(8, 3\)"):
        autograd.lstm_recurrence(leaf(rng, 3, 2, 8), leaf(rng, 2, 2), leaf(rng, 2, 2), leaf(rng, 8, 3))


def test_nn_lstm_runs_its_layers_through_the_one_node_recurrence() -> None:
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    out, _ = lstm(autograd.randn(5, 2, 3))
    recurrences = set()
    stack = [out.grad_fn]
    while stack:  # every node of the graph
        node = stack.pop()
        if node is not None and node not in recurrences:
            recurrences.add(node)
            stack.extend(n for n, _ in node.next_functions)
    assert sum(type(n).__name__ == "LSTMRecurrence" for n in recurrences) == 4  # 2 layers x 2 directions
