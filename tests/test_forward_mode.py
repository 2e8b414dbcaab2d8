"""Forward mode (autograd.forward_ad): every differentiable op's jvp agrees with its backward,
<u, J v> = <J^T u, v>, on the same random inputs the reference-engine tests draw (float64, broadcasting)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_reference_engine import CASES, Leaf, differentiable_output, fast_args

import autograd
from autograd import forward_ad


def forward_tangent(op: Any, spec: list[Any], tangents: dict[int, np.ndarray], seed: int) -> Any:
    """The chosen output's value and tangent, computed in forward mode."""
    with forward_ad.dual_level():
        args = [
            forward_ad.make_dual(autograd.tensor(a.array), autograd.tensor(tangents[i]))
            if i in tangents
            else autograd.tensor(a.array)
            if isinstance(a, Leaf)
            else a
            for i, a in enumerate(spec)
        ]
        out = differentiable_output(op.apply(*args), seed)
        primal, tangent = forward_ad.unpack_dual(out)
        return primal.detach().numpy(), (np.zeros(primal.shape) if tangent is None else tangent.numpy())


@pytest.mark.parametrize("op", sorted(CASES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_every_ops_forward_rule_agrees_with_its_backward(op: Any, data: st.DataObject, seed: int) -> None:
    spec = CASES[op](data)
    rng = np.random.default_rng(seed)
    tangents = {i: rng.standard_normal(a.array.shape) for i, a in enumerate(spec) if isinstance(a, Leaf) and a.grad}
    value, jv = forward_tangent(op, spec, tangents, seed)
    inputs = fast_args(spec)
    out = differentiable_output(op.apply(*inputs), seed)
    np.testing.assert_allclose(value, out.detach().numpy(), rtol=1e-12)  # forward mode computes the same values
    u = rng.standard_normal(np.shape(value))
    out.backward(autograd.tensor(u))
    reverse = sum(float(np.sum(inputs[i].grad.numpy() * v)) for i, v in tangents.items() if inputs[i].grad is not None)
    forward = float(np.sum(u * jv))
    rel = 1e-5 if out.dtype == autograd.float32 else 1e-8  # (Cast to float32)
    assert forward == pytest.approx(reverse, rel=rel, abs=1e-10), (
        f"{op.__name__}: <u, Jv> {forward} vs <J^T u, v> {reverse}"
    )


# -- the forward_ad API, custom Functions, and the functional helpers built on it -------------------


def test_make_dual_and_unpack_dual_carry_a_tangent_through_ops() -> None:
    with forward_ad.dual_level():
        x = forward_ad.make_dual(autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 0.0]))
        y = (x * x).sum()
        primal, tangent = forward_ad.unpack_dual(y)
        assert float(primal) == 5.0 and float(tangent) == 2.0
        assert forward_ad.unpack_dual(autograd.tensor([3.0])).tangent is None


def test_a_tensor_exponent_carries_its_tangent_through_pow() -> None:
    """d(a^b) = b a^(b-1) da + a^b ln(a) db, also when the exponent requires no grad but is dual."""
    a_value, b_value, da, db = np.array([2.0, 3.0]), np.array([1.5, 0.5]), np.array([1.0, -1.0]), np.array([0.5, 2.0])
    expected = b_value * a_value ** (b_value - 1) * da + a_value**b_value * np.log(a_value) * db
    with forward_ad.dual_level():
        a = forward_ad.make_dual(autograd.tensor(a_value), autograd.tensor(da))
        b = forward_ad.make_dual(autograd.tensor(b_value), autograd.tensor(db))
        both = forward_ad.unpack_dual(a**b).tangent.numpy()
        exponent_only = forward_ad.unpack_dual(autograd.tensor(a_value) ** b).tangent.numpy()
    np.testing.assert_allclose(both, expected, rtol=1e-12)
    np.testing.assert_allclose(exponent_only, a_value**b_value * np.log(a_value) * db, rtol=1e-12)


def test_tangents_end_with_their_level() -> None:
    with forward_ad.dual_level():
        x = forward_ad.make_dual(autograd.tensor([1.0]), autograd.tensor([1.0]))
        y = x * 3.0
    assert forward_ad.unpack_dual(y).tangent is None and forward_ad.unpack_dual(x).tangent is None


def test_forward_mode_needs_an_open_level_and_a_tangent_of_the_primals_shape() -> None:
    with pytest.raises(RuntimeError, match="make_dual: forward mode needs an open level"):
        forward_ad.make_dual(autograd.tensor([1.0]), autograd.tensor([1.0]))
    with forward_ad.dual_level(), pytest.raises(ValueError, match=r"tangent has shape \(3,\) but the primal"):
        forward_ad.make_dual(autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 2.0, 3.0]))


class Cube(autograd.Function):
    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return 3 * grad * x**2

    @staticmethod
    def jvp(ctx, tangent):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return 3 * x**2 * tangent


class CubeWithoutJvp(autograd.Function):
    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        return x**3

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        raise AssertionError("not used")


def test_a_custom_function_supplies_its_rule_as_pytorchs_do() -> None:
    x = autograd.tensor([1.0, -2.0], requires_grad=True)
    with forward_ad.dual_level():
        y = Cube.apply(forward_ad.make_dual(x, autograd.tensor([1.0, 1.0])))
        assert forward_ad.unpack_dual(y).tangent.tolist() == [3.0, 12.0]
    y.sum().backward()  # its backward still has what it saved
    assert x.grad.tolist() == [3.0, 12.0]


def test_a_custom_function_without_a_rule_fails_naming_its_class() -> None:
    with forward_ad.dual_level(), pytest.raises(RuntimeError, match="CubeWithoutJvp has no forward-mode rule"):
        CubeWithoutJvp.apply(forward_ad.make_dual(autograd.tensor([1.0]), autograd.tensor([1.0])))


def test_functional_jvp_is_forward_mode_and_matches_the_double_vjp() -> None:
    x, v = autograd.tensor([1.0, 2.0, 3.0], dtype=autograd.float64), autograd.tensor([1.0, 0.5, -1.0])

    def f(t):  # type: ignore[no-untyped-def]
        return (t**3).sum() * t.sin()

    value, jv = autograd.functional.jvp(f, x, v.double())
    _, by_vjp = autograd.functional.jvp(f, x, v.double(), create_graph=True)
    np.testing.assert_allclose(jv.numpy(), by_vjp.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(value.numpy(), f(x).numpy())


def test_hvp_is_forward_over_reverse_and_equals_the_hessian_times_v() -> None:
    rng = np.random.default_rng(0)
    x, v = autograd.tensor(rng.normal(size=4)), autograd.tensor(rng.normal(size=4))
    a = rng.normal(size=(4, 4))

    def f(t):  # type: ignore[no-untyped-def]
        return (autograd.tensor(a) @ t).tanh().sum() + (t**4).sum()

    _, hv = autograd.functional.hvp(f, x, v)
    hessian = autograd.functional.hessian(f, x).numpy()
    np.testing.assert_allclose(hv.numpy(), hessian @ v.numpy(), rtol=1e-10)


@given(data=st.data())
def test_jacfwd_equals_jacrev(data: st.DataObject) -> None:
    n, m = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    rng = np.random.default_rng(data.draw(st.integers(0, 999)))
    w, x, b = rng.normal(size=(m, n)), autograd.tensor(rng.normal(size=n)), autograd.tensor(rng.normal(size=m))

    def f(t, c):  # type: ignore[no-untyped-def]
        return (autograd.tensor(w) @ t.exp() + c).softmax(0) * c.sigmoid()

    for argnums in (0, 1):
        forward, reverse = autograd.functional.jacfwd(f, argnums)(x, b), autograd.functional.jacrev(f, argnums)(x, b)
        assert forward.shape == (m, (n, m)[argnums])
        np.testing.assert_allclose(forward.numpy(), reverse.numpy(), rtol=1e-10, atol=1e-12)
    both = autograd.functional.jacfwd(f, argnums=(0, 1))(x, b)
    assert isinstance(both, tuple) and both[1].shape == (m, m)


def test_in_place_ops_update_the_tangent() -> None:
    with forward_ad.dual_level():
        x = forward_ad.make_dual(autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 1.0]))
        y = x * 2.0
        y.add_(x)  # y = 3x
        z = x * 1.0
        z.mul_(x)  # z = x^2
        w = x.clone()
        w[0] = 5.0  # a constant where it was written
        assert forward_ad.unpack_dual(y).tangent.tolist() == [3.0, 3.0]
        assert forward_ad.unpack_dual(z).tangent.tolist() == [2.0, 4.0]
        assert forward_ad.unpack_dual(w).tangent.tolist() == [0.0, 1.0]


def test_in_place_ops_update_the_tangent_while_recording_a_backward_too() -> None:
    leaf = autograd.tensor([1.0, 2.0], requires_grad=True)
    with forward_ad.dual_level():
        y = forward_ad.make_dual(leaf, autograd.tensor([1.0, 1.0])) * 2.0
        y.mul_(leaf)  # y = 2 x^2: tangent 4 x, gradient 4 x
        assert forward_ad.unpack_dual(y).tangent.tolist() == [4.0, 8.0]
    y.sum().backward()
    assert leaf.grad.tolist() == [4.0, 8.0]
