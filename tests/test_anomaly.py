"""detect_anomaly(): NaN or Inf in forward or backward raises, naming the op and the user's line."""

from __future__ import annotations

import math

import pytest

import autograd


@pytest.mark.filterwarnings("ignore:invalid value")
def test_nan_in_forward_names_the_op_and_the_line_that_made_it():
    x = autograd.tensor([-1.0, 1.0], requires_grad=True)
    with autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"LogBackward produced NaN in its forward pass.*test_anomaly\.py:\d+"):
            x.log()


@pytest.mark.filterwarnings("ignore:invalid value")
def test_nan_in_forward_of_an_op_on_two_tensors_names_it_and_the_line():
    x = autograd.tensor([math.inf], requires_grad=True)
    y = autograd.tensor([0.0])
    with autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"MulBackward produced NaN in its forward pass.*test_anomaly\.py:\d+"):
            x * y


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_inf_in_backward_names_the_op():
    x = autograd.tensor([0.0, 1.0], requires_grad=True)
    with autograd.detect_anomaly():
        y = x.sqrt()  # finite forward, infinite derivative at 0
        with pytest.raises(RuntimeError, match=r"SqrtBackward produced Inf in its backward pass.*test_anomaly\.py"):
            y.sum().backward()


@pytest.mark.filterwarnings("ignore:invalid value")
def test_without_anomaly_detection_nan_passes_silently():
    x = autograd.tensor([-1.0], requires_grad=True)
    y = x.log()
    assert math.isnan(y.item())


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_detect_anomaly_as_decorator_and_restores_state():
    @autograd.detect_anomaly()
    def f(t):
        return (t / 0).sum()

    with pytest.raises(RuntimeError, match="DivBackward produced Inf"):
        f(autograd.ones(1, requires_grad=True))
    assert not autograd.is_anomaly_enabled()
