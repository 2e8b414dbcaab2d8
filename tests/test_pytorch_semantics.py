"""Where the engine used to differ from PyTorch 2.13 on the same program, and now does what PyTorch does.

Expected dtypes and values are written out here (checked once against PyTorch by hand, never imported).
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd
import nn
from autograd import float32, float64, int32, int64, tensor

# -- type promotion ------------------------------------------------------------------------------------

PROMOTION = {
    "int tensor + python float": (lambda: tensor([1, 2]) + 1.5, float32),
    "int tensor / python int": (lambda: tensor([1, 2]) / 2, float32),
    "int tensor / int tensor": (lambda: tensor([1, 2]) / tensor([2, 4]), float32),
    "python int / int tensor": (lambda: 2 / tensor([1, 2]), float32),
    "bool tensor * python float": (lambda: tensor([True]) * 1.5, float32),
    "int tensor + float32 tensor": (lambda: tensor([1, 2]) + tensor([1.0, 2.0]), float32),
    "0-d float64 + float32 vector": (lambda: tensor(1.0, dtype=float64) + tensor([1.0, 2.0]), float32),
    "0-d int64 + int32 vector": (lambda: tensor(5) + tensor([1, 2], dtype=int32), int32),
    "0-d float64 + int vector": (lambda: tensor(1.5, dtype=float64) + tensor([1, 2]), float64),
    "int tensor + python int": (lambda: tensor([1, 2], dtype=int32) + 3, int32),
    "int tensor - python int": (lambda: tensor([1, 2]) - 1, int64),
    "float32 vector + float64 vector": (lambda: tensor([1.0]) + tensor([1.0], dtype=float64), float64),
    "where(c, int, float)": (
        lambda: autograd.where(tensor([True, False]), tensor([1, 2]), tensor([0.5, 1.5])),
        float32,
    ),
    "maximum(int, float)": (lambda: autograd.maximum(tensor([1, 2]), tensor([0.5, 2.5])), float32),
}


@pytest.mark.parametrize("case", list(PROMOTION))
def test_mixed_operands_promote_as_pytorch(case: str) -> None:
    make, expected = PROMOTION[case]
    assert make().dtype == expected


def test_promoted_values_are_the_exact_results() -> None:
    np.testing.assert_array_equal((tensor([1, 2]) + 1.5).numpy(), np.array([2.5, 3.5], dtype=np.float32))
    np.testing.assert_array_equal((tensor([1, 3]) / 2).numpy(), np.array([0.5, 1.5], dtype=np.float32))


def test_result_type_and_promote_types_are_pytorchs() -> None:
    assert autograd.promote_types(int64, float32) == float32
    assert autograd.promote_types(autograd.bool, int32) == int32
    assert autograd.result_type(tensor([1, 2]), 1.0) == float32
    assert autograd.result_type(tensor(1.0, dtype=float64), tensor([1.0])) == float32


def test_a_promoted_tensor_that_requires_grad_gets_its_gradient_in_its_own_dtype() -> None:
    x = tensor(2.0, dtype=float64, requires_grad=True)
    y = x * tensor([1.0, 3.0])
    assert y.dtype == float32
    y.sum().backward()
    assert x.grad.dtype == float64 and float(x.grad) == 4.0


# -- the tensor API ------------------------------------------------------------------------------------


def test_max_along_a_dim_is_a_named_tuple_of_values_and_indices() -> None:
    x = tensor([[1.0, 5.0], [3.0, 2.0]])
    result = x.max(1)
    np.testing.assert_array_equal(result.values.numpy(), [5.0, 3.0])
    np.testing.assert_array_equal(result.indices.numpy(), [1, 0])
    values, indices = x.min(dim=0)
    np.testing.assert_array_equal(values.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(indices.numpy(), [0, 1])


def test_max_of_two_tensors_is_elementwise() -> None:
    a, b = tensor([1.0, 5.0]), tensor([3.0, 2.0])
    np.testing.assert_array_equal(autograd.max(a, b).numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(autograd.min(a, b).numpy(), [1.0, 2.0])


def test_to_cpu_device_and_cpu_are_the_tensor_itself() -> None:
    x = tensor([1.0, 2.0])
    assert x.to("cpu") is x and x.cpu() is x and x.to(autograd.device("cpu")) is x
    assert x.device == autograd.device("cpu") and x.device == "cpu" and str(x.device) == "cpu"
    assert x.to("cpu", float64).dtype == float64 and x.to(tensor([1], dtype=int32)).dtype == int32
    assert x.to(dtype=float64).dtype == float64


def test_dtypes_print_as_autograd_dtypes_and_equal_numpys() -> None:
    x = tensor([1, 2], dtype=int32)
    assert str(x.dtype) == "autograd.int32" and repr(autograd.float32) == "autograd.float32"
    assert x.dtype == np.int32 and x.dtype == autograd.int32 and x.dtype != float64
    assert str(autograd.get_default_dtype()) == "autograd.float32"
    assert np.zeros(2, dtype=autograd.float64).dtype == np.float64  # NumPy takes it as its dtype
    assert autograd.float32.is_floating_point and not int32.is_floating_point and x.dtype.itemsize == 4


def test_another_device_is_refused_naming_it() -> None:
    with pytest.raises(RuntimeError, match="'cuda:0' is not available"):
        tensor([1.0]).to("cuda:0")


def test_format_of_a_one_element_tensor_formats_its_value() -> None:
    assert f"{tensor(3.14159):.3f}" == "3.142"
    assert f"{tensor([2.5]):.1f}" == "2.5"
    assert format(tensor([1.0, 2.0])) == repr(tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="unsupported format string"):
        format(tensor([1.0, 2.0]), ".2f")


def test_assigning_a_grad_of_another_shape_or_dtype_raises_and_keeps_the_old_one() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    x.grad = tensor([0.5, 0.5])
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="different type"):
        x.grad = tensor([1.0, 2.0], dtype=float64)
    with pytest.raises(TypeError, match="Tensor or None"):
        x.grad = [1.0, 2.0]  # type: ignore[assignment]
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5])


@pytest.mark.parametrize("dtype", [float64, int64])
def test_linear_refuses_an_input_of_another_dtype_than_its_weights(dtype) -> None:
    layer = nn.Linear(3, 2)
    with pytest.raises(TypeError, match="mat1 and mat2 must have the same dtype"):
        layer(autograd.ones(4, 3, dtype=dtype))


def test_arange_with_a_zero_step_or_the_wrong_sign_raises() -> None:
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        autograd.arange(0, 1, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        autograd.arange(0, 5, -1)


# -- gradients -----------------------------------------------------------------------------------------


def test_sign_requires_grad_with_a_zero_gradient() -> None:
    x = tensor([1.5, -2.0], requires_grad=True)
    y = x.sign()
    assert y.requires_grad
    (y * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_a_gradient_constant_in_x_still_requires_grad_under_create_graph() -> None:
    x = tensor([1.0, -2.0, 3.0], requires_grad=True)
    (g,) = autograd.grad(x.relu().sum() * 3, x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [3.0, 0.0, 3.0])
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


def test_max_of_a_tensor_with_a_nan_sends_the_gradient_to_the_nan() -> None:
    x = tensor([1.0, float("nan"), 3.0], requires_grad=True)
    out = x.max()
    assert np.isnan(out.item())
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])


def test_relu_passes_the_gradient_at_nan() -> None:
    x = tensor([float("nan"), -1.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 1.0])


# -- no warnings where PyTorch gives inf and nan quietly ----------------------------------------------

QUIET = {
    "exp(1000)": "autograd.exp(autograd.tensor(1000.0))",
    "log(0)": "autograd.log(autograd.tensor(0.0))",
    "x / 0": "autograd.tensor([1.0]) / 0",
    "sqrt(-1)": "autograd.sqrt(autograd.tensor(-1.0))",
    "max with nan": "autograd.tensor([1.0, float('nan')]).max()",
    "inf - inf": "autograd.tensor([float('inf')]) - float('inf')",
}


@pytest.mark.parametrize("case", list(QUIET))
def test_floating_point_edge_cases_give_inf_or_nan_without_a_warning(case: str) -> None:
    # A fresh interpreter showing every warning (-W always), as a script would run (pytest resets filters).
    program = f"import autograd, numpy as np; out = {QUIET[case]}; print(np.isfinite(out.numpy()).all())"
    result = subprocess.run([sys.executable, "-W", "always", "-c", program], capture_output=True, text=True)
    assert result.stdout.strip() == "False" and result.stderr == ""


def test_the_users_own_numpy_code_still_warns() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.exp(np.float32(1000.0))
    assert any("overflow" in str(w.message) for w in caught)


# -- in-place ops whose gradient needs the old value ----------------------------------------------


def test_mul_in_place_by_a_tensor_differentiates_with_the_old_value() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.mul_(x)  # y = 2 x^2
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


def test_pow_and_div_in_place_differentiate_with_the_old_value() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.pow_(3)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])
    a, b = tensor([1.0, 2.0], requires_grad=True), tensor([2.0, 4.0], requires_grad=True)
    y = a * 3
    y.div_(b)  # 3 a / b
    y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.5, 0.75])
    np.testing.assert_allclose(b.grad.numpy(), [-0.75, -0.375])


def test_a_tensor_saved_by_another_node_and_changed_in_place_still_raises() -> None:
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    w = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        w.sum().backward()


# -- the Function API and grad modes ---------------------------------------------------------------


class DoubledWithOrder(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        order = np.argsort(x).astype(x.dtype)
        ctx.mark_non_differentiable(order)
        return x * 2, order

    @staticmethod
    @autograd.function.once_differentiable
    def backward(ctx, grad, grad_order):
        assert isinstance(grad, np.ndarray)  # once_differentiable hands NumPy arrays
        return grad * 2


def test_marked_outputs_do_not_require_grad_and_once_differentiable_gets_arrays() -> None:
    x = tensor([3.0, 1.0], requires_grad=True)
    doubled, order = DoubledWithOrder.apply(x)
    assert doubled.requires_grad and not order.requires_grad
    doubled.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_inference_mode_records_nothing_and_false_records() -> None:
    x = tensor([1.0], requires_grad=True)
    with autograd.inference_mode():
        assert not (x * 2).requires_grad
    with autograd.inference_mode(False):
        assert (x * 2).requires_grad
