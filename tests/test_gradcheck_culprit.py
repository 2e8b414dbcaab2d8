"""gradcheck names the op whose backward is wrong, and hints at the mistake students make most."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd
from autograd import GradcheckError, gradcheck, tensor


def leaf(shape, seed: int = 0) -> autograd.Tensor:  # type: ignore[no-untyped-def]
    return tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


class CubeMissingFactor(autograd.Function):
    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return grad * x**2  # the 3 of d(x^3) = 3 x^2 dx is missing


class Cube(autograd.Function):
    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return 3 * grad * x**2


class MatMulTransposedWeightGradient(autograd.Function):
    @staticmethod
    def forward(ctx, a, w):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(a, w)
        return a @ w

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        a, w = ctx.saved_tensors
        return grad @ w.T, grad.T @ a  # dw should be a.T @ grad


class AddWithoutSummingTheBroadcast(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        return a + b

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        return grad, grad  # b was (1, 3): its gradient must be summed over axis 0


class SquareInFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return (2 * grad * x).astype(np.float32)


def message_of(fn, inputs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(GradcheckError) as caught:
        gradcheck(fn, inputs)
    return str(caught.value)


def test_the_wrong_custom_function_is_named_among_correct_ops() -> None:
    message = message_of(lambda x: (CubeMissingFactor.apply(x.tanh()) * 2.0 + Cube.apply(x)).sum(), [leaf(3)])
    assert "The op with the wrong backward: CubeMissingFactor (a custom Function)" in message
    assert "Cube (a custom Function)" not in message


def test_the_report_gives_the_input_the_first_entry_and_both_values() -> None:
    x = leaf(3)
    message = message_of(lambda t: CubeMissingFactor.apply(t.exp()).sum(), [x])
    line = next(line for line in message.splitlines() if line.startswith("The op with the wrong backward"))
    e = np.exp(x.detach().numpy()[0])
    assert "Jacobian mismatch for its input 0 (shape (3,)), first at output element 0, input element 0: " in line
    assert f"analytic {e**2:.10g} vs numeric {3 * e**2:.7g}" in line


def test_a_missing_constant_factor_is_hinted() -> None:
    message = message_of(lambda x: CubeMissingFactor.apply(x).sum(), [leaf(4)])
    assert (
        "hint: the numeric derivative is 3 times the analytic one everywhere: a constant factor is missing" in message
    )


def test_a_transposed_matmul_gradient_is_hinted() -> None:
    message = message_of(
        lambda a, w: MatMulTransposedWeightGradient.apply(a, w).sum(), [leaf((3, 3), 1), leaf((3, 3), 2)]
    )
    assert "MatMulTransposedWeightGradient (a custom Function)" in message and "for its input 1" in message
    assert "hint: the analytic gradient is the numeric one transposed" in message


def test_a_gradient_with_the_shape_before_broadcasting_is_refused_with_the_axis_to_sum() -> None:
    with pytest.raises(RuntimeError) as caught:
        gradcheck(lambda a, b: AddWithoutSummingTheBroadcast.apply(a, b).sum(), [leaf((2, 3)), leaf((1, 3))])
    message = str(caught.value)
    assert "backward returned a gradient of shape (2, 3) for input 1, which has shape (1, 3)" in message
    assert "did you sum over the broadcast axis 0?" in message


def test_the_engine_rejects_such_a_gradient_in_backward_with_the_same_hint() -> None:
    a, b = leaf((2, 3)), leaf((1, 3))
    with pytest.raises(
        RuntimeError, match=r"did you sum over the broadcast axis 0\? \(e.g. grad.sum\(axis=0, keepdims=True\)\)"
    ):
        AddWithoutSummingTheBroadcast.apply(a, b).sum().backward()
    assert a.grad is None and b.grad is None


def test_a_transposed_shape_from_a_custom_backward_is_refused_with_a_hint() -> None:
    a, w = leaf((2, 3)), leaf((3, 4))
    with pytest.raises(
        RuntimeError, match=r"shape \(4, 3\) for input 1, which has shape \(3, 4\); \(4, 3\) is the input's shape"
    ):
        MatMulTransposedWeightGradient.apply(a, w).sum().backward()


def test_a_float32_gradient_for_a_float64_input_fails_the_check_and_says_why() -> None:
    message = message_of(lambda x: SquareInFloat32.apply(x).sum(), [leaf(3)])
    assert "SquareInFloat32 (a custom Function)" in message
    assert "the backward returned float32 for a float64 input" in message and "significant digits" in message
    assert gradcheck(lambda x: SquareInFloat32.apply(x).sum(), [leaf(3)], raise_exception=False) is False


def test_the_engine_casts_a_custom_gradient_to_its_inputs_dtype_as_pytorch() -> None:
    x = leaf(3)
    SquareInFloat32.apply(x).sum().backward()
    assert x.grad.dtype == autograd.float64


def test_an_engine_op_at_a_kink_is_reported_as_such() -> None:
    message = message_of(
        lambda x: (x.relu() * 2.0).sum(), [tensor([0.0, 1.0], dtype=autograd.float64, requires_grad=True)]
    )
    assert "Relu (graph node ReluBackward)" in message
    assert "a point where its derivative jumps" in message


def test_raise_exception_false_returns_false_without_searching() -> None:
    assert gradcheck(lambda x: CubeMissingFactor.apply(x).sum(), [leaf(3)], raise_exception=False) is False


def test_a_correct_composite_passes() -> None:
    assert gradcheck(lambda x: (Cube.apply(x.tanh()) * x).sum(), [leaf(4)])


def test_searching_in_one_thread_records_nothing_of_another_threads_ops() -> None:
    import sys

    from autograd.culprit import ops_seen

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    stop, running, other_ops = threading.Event(), threading.Event(), []

    def busy() -> None:
        y = leaf(2)
        while not stop.is_set():
            other_ops.append((y * 2.0).grad_fn)
            running.set()

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        assert running.wait(timeout=10)  # the other thread is making ops before the search starts
        x = leaf(3)
        for _ in range(20):
            seen = ops_seen(lambda t: (t.exp() * 2.0).sum(), (x,))
            assert [type(node).__name__ for node, _ in seen] == ["Exp", "Mul", "Sum"]
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(previous)
    assert other_ops and not autograd.state.Anomaly.enabled


def test_checking_a_custom_function_leaves_the_random_stream_alone() -> None:
    x = leaf(3)
    autograd.manual_seed(0)
    expected = autograd.randn(3).numpy()
    autograd.manual_seed(0)
    assert gradcheck(lambda t: Cube.apply(t).sum(), [x])
    gradcheck(lambda t: CubeMissingFactor.apply(t).sum(), [x], raise_exception=False)
    np.testing.assert_array_equal(autograd.randn(3).numpy(), expected)
