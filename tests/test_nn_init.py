"""`nn.init`: in place, unrecorded, seeded, with PyTorch's bounds, fans and gains (checked against formulas here)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor


def big_weight(*shape: int) -> nn.Parameter:
    return nn.Parameter(autograd.empty(*shape))


def values(t: Tensor) -> np.ndarray:
    return t.detach().numpy()


def test_calculate_gain_matches_pytorchs_table() -> None:
    gain = nn.init.calculate_gain
    assert gain("linear") == 1 and gain("conv2d") == 1 and gain("sigmoid") == 1
    assert gain("tanh") == pytest.approx(5 / 3)
    assert gain("relu") == pytest.approx(math.sqrt(2))
    assert gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    assert gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        gain("swish")


def test_normal_as_the_material_writes_it_fills_in_place_and_returns_the_tensor() -> None:
    w = big_weight(200, 100)
    assert nn.init.normal_(w) is w
    assert w.grad_fn is None and w.requires_grad
    assert abs(values(w).mean()) < 0.02 and abs(values(w).std() - 1) < 0.02


def test_normal_with_mean_and_std() -> None:
    w = nn.init.normal_(big_weight(300, 100), mean=3.0, std=0.5)
    assert abs(values(w).mean() - 3) < 0.01 and abs(values(w).std() - 0.5) < 0.01


def test_uniform_stays_within_its_bounds_and_spreads_over_them() -> None:
    w = nn.init.uniform_(big_weight(100, 100), -2.0, 3.0)
    assert values(w).min() >= -2 and values(w).max() <= 3
    assert values(w).min() < -1.95 and values(w).max() > 2.95


def test_constant_zeros_and_ones() -> None:
    w = big_weight(2, 3)
    np.testing.assert_array_equal(values(nn.init.constant_(w, 0.25)), np.full((2, 3), 0.25))
    np.testing.assert_array_equal(values(nn.init.zeros_(w)), np.zeros((2, 3)))
    np.testing.assert_array_equal(values(nn.init.ones_(w)), np.ones((2, 3)))


def test_initialisers_are_seeded_by_manual_seed() -> None:
    autograd.manual_seed(7)
    first = values(nn.init.xavier_uniform_(big_weight(4, 5))).copy()
    second = values(nn.init.xavier_uniform_(big_weight(4, 5))).copy()
    autograd.manual_seed(7)
    np.testing.assert_array_equal(values(nn.init.xavier_uniform_(big_weight(4, 5))), first)
    assert not np.array_equal(first, second)


def test_xavier_uniform_bound_uses_both_fans() -> None:
    w = nn.init.xavier_uniform_(big_weight(300, 200), gain=2.0)
    bound = 2.0 * math.sqrt(6 / (200 + 300))
    assert np.abs(values(w)).max() <= bound and np.abs(values(w)).max() > 0.99 * bound


def test_xavier_normal_std_uses_both_fans_and_the_receptive_field() -> None:
    w = nn.init.xavier_normal_(big_weight(64, 32, 3, 3))
    expected = math.sqrt(2 / (32 * 9 + 64 * 9))
    assert abs(values(w).std() / expected - 1) < 0.03


@pytest.mark.parametrize(("mode", "fan"), [("fan_in", 50 * 4), ("fan_out", 80 * 4)])
def test_kaiming_uniform_bound_for_each_fan_mode(mode: str, fan: int) -> None:
    w = nn.init.kaiming_uniform_(big_weight(80, 50, 2, 2), mode=mode, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / fan)
    assert np.abs(values(w)).max() <= bound and np.abs(values(w)).max() > 0.99 * bound


def test_kaiming_uniform_with_a_sqrt5_gives_one_over_sqrt_fan_in() -> None:
    w = nn.init.kaiming_uniform_(big_weight(500, 40), a=math.sqrt(5))
    bound = 1 / math.sqrt(40)
    assert np.abs(values(w)).max() <= bound * (1 + 1e-6) and np.abs(values(w)).max() > 0.99 * bound


def test_kaiming_normal_std_is_gain_over_sqrt_fan() -> None:
    w = nn.init.kaiming_normal_(big_weight(400, 100), nonlinearity="tanh")
    assert abs(values(w).std() / ((5 / 3) / math.sqrt(100)) - 1) < 0.03


def test_initialisers_work_on_a_parameter_with_grad_mode_on_and_record_nothing() -> None:
    w = nn.Parameter(autograd.ones(3, 3))
    with autograd.enable_grad():
        nn.init.kaiming_normal_(w)
    assert w.is_leaf and w.grad_fn is None


@pytest.mark.parametrize(
    "init",
    [nn.init.xavier_uniform_, nn.init.xavier_normal_, nn.init.kaiming_uniform_, nn.init.kaiming_normal_],
)
def test_fan_based_initialisers_need_two_dimensions(init: Callable[[Tensor], Tensor]) -> None:
    with pytest.raises(ValueError, match=r"fewer than 2 dimensions \(got shape \(5,\)\)"):
        init(big_weight(5))


def test_kaiming_rejects_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan_avg'"):
        nn.init.kaiming_uniform_(big_weight(2, 2), mode="fan_avg")


def test_initialising_an_empty_tensor_is_a_no_op() -> None:
    w = big_weight(0, 3)
    assert nn.init.kaiming_uniform_(w) is w and nn.init.xavier_normal_(w) is w


def test_initialisers_keep_the_dtype() -> None:
    w = nn.Parameter(autograd.zeros(3, 3, dtype=autograd.float64))
    assert nn.init.normal_(w).dtype == np.float64
