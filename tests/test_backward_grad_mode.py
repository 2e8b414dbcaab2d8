"""What grad mode the code a backward pass runs sees, and what the pass records.

A plain `loss.backward()` leaves grad mode as it is while only the engine's own ops
run (see `engine.plain_backward`); everything a user wrote (hooks, custom Functions)
must still run with grad mode off, as in PyTorch, and nothing may be recorded.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import numpy as np
import pytest

import autograd
from autograd import Function


class Double(Function):
    """2x, recording the grad mode its backward ran under."""

    seen: list[bool] = []  # noqa: RUF012 (test record)

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, grad):
        Double.seen.append(autograd.is_grad_enabled())
        return 2 * grad


def test_a_leaf_hook_runs_with_grad_mode_off_in_a_plain_backward() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    seen: list[bool] = []
    x.register_hook(lambda g: seen.append(autograd.is_grad_enabled()))
    (x * x).sum().backward()
    assert seen == [False]
    assert autograd.is_grad_enabled()


def test_a_hook_on_an_intermediate_tensor_runs_with_grad_mode_off_in_a_plain_backward() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    seen: list[bool] = []
    y.register_hook(lambda g: seen.append(autograd.is_grad_enabled()))
    (y * 3.0).sum().backward()
    assert seen == [False]
    assert autograd.is_grad_enabled()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def test_a_custom_function_backward_runs_with_grad_mode_off_in_a_plain_backward() -> None:
    Double.seen = []
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (Double.apply(x * x) * 3.0).sum().backward()
    assert Double.seen == [False]
    assert autograd.is_grad_enabled()
    np.testing.assert_allclose(x.grad.numpy(), [12.0, 24.0])


def test_a_custom_function_backward_runs_with_grad_mode_on_under_create_graph() -> None:
    Double.seen = []
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (Double.apply(x * x) * 3.0).sum().backward(create_graph=True)
    assert Double.seen == [True]
    assert x.grad.requires_grad


def test_a_plain_backward_records_nothing_with_grad_mode_on() -> None:
    x = autograd.tensor([1.0, -2.0, 3.0], requires_grad=True)
    w = autograd.tensor([0.5, 0.25, 2.0], requires_grad=True)
    loss = ((x * w).relu() ** 2).sum()
    assert autograd.is_grad_enabled()
    loss.backward()
    assert not x.grad.requires_grad and x.grad.grad_fn is None
    assert not w.grad.requires_grad and w.grad.grad_fn is None
    np.testing.assert_allclose(x.grad.numpy(), [2 * 0.5 * 0.5, 0.0, 2 * 6.0 * 2.0])


def test_a_plain_backward_under_no_grad_leaves_grad_mode_off() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    with autograd.no_grad():
        loss.backward()
        assert not autograd.is_grad_enabled()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_grad_mode_is_back_on_after_a_plain_backward_whose_hook_raised() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)

    def fail(g: autograd.Tensor) -> None:
        raise ValueError("hook failed")

    x.register_hook(fail)
    with pytest.raises(ValueError, match="hook failed"):
        (x * x).sum().backward()
    assert autograd.is_grad_enabled()


def test_a_later_gradient_is_added_into_the_same_grad_array_in_a_plain_backward() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    first = x.grad.numpy()
    (x * x).sum().backward()
    assert x.grad.numpy() is first  # in place, as PyTorch's AccumulateGrad outside a recorded pass
    np.testing.assert_allclose(first, [4.0, 8.0])


def test_a_plain_backward_called_from_a_hook_of_a_recorded_pass_is_not_recorded() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    u = autograd.tensor([3.0, 4.0], requires_grad=True)
    y = x * x

    def inner_backward(g: autograd.Tensor) -> None:
        (u * u).sum().backward()  # a plain pass inside a recorded one

    y.register_hook(inner_backward)
    (gx,) = autograd.grad(y.sum(), x, create_graph=True)
    assert not u.grad.requires_grad
    np.testing.assert_allclose(u.grad.numpy(), [6.0, 8.0])
    assert gx.requires_grad  # the outer pass was recorded all the same
    np.testing.assert_allclose(gx.detach().numpy(), [2.0, 4.0])


def test_plain_and_recorded_passes_in_two_threads_each_get_their_own_kind_of_gradient() -> None:
    errors: list[str] = []
    barrier = threading.Barrier(2)

    def plain() -> None:
        barrier.wait()
        for _ in range(200):
            x = autograd.tensor([1.0, 2.0], requires_grad=True)
            (x * x * 3.0).sum().backward()
            if x.grad.requires_grad or not np.allclose(x.grad.numpy(), [6.0, 12.0]):
                errors.append(f"plain: {x.grad}")

    def recorded() -> None:
        barrier.wait()
        for _ in range(200):
            x = autograd.tensor([1.0, 2.0], requires_grad=True)
            (gx,) = autograd.grad((x * x * 3.0).sum(), x, create_graph=True)
            if not gx.requires_grad or not np.allclose(gx.detach().numpy(), [6.0, 12.0]):
                errors.append(f"recorded: {gx}")

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except Exception as e:  # reported below, in the test's own thread
                errors.append(f"{target.__name__}: {type(e).__name__}: {e}")

        return run

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=guarded(plain)), threading.Thread(target=guarded(recorded))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
