"""Learning-rate schedulers as PyTorch's: chainable, each against its formula written out here."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from nn.optim import SGD, Adam
from nn.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)


def sgd(lr: float = 1.0, momentum: float = 0.0) -> SGD:
    return SGD([autograd.tensor([1.0], requires_grad=True)], lr=lr, momentum=momentum)


def rates(optimizer, step, epochs: int) -> list[float]:
    """The rate in effect at epochs 0 .. epochs-1, calling `step()` between them."""
    seen = []
    for _ in range(epochs):
        seen.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        step()
    return seen


def cosine(epoch: int, period: int, low: float = 0.0, base: float = 1.0) -> float:
    return low + (base - low) * (1 + math.cos(math.pi * epoch / period)) / 2


def test_step_lr_and_cosine_annealing_on_one_optimizer_multiply() -> None:
    optimizer = sgd()
    step_lr = StepLR(optimizer, step_size=2, gamma=0.5)
    cosine_lr = CosineAnnealingLR(optimizer, T_max=5)

    def both() -> None:
        step_lr.step()
        cosine_lr.step()

    seen = rates(optimizer, both, 5)
    expected = [0.5 ** (e // 2) * cosine(e, 5) for e in range(5)]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)
    np.testing.assert_allclose(seen[1:], [0.9045, 0.3273, 0.1727, 0.0239], atol=5e-5)  # the numbers


def test_chained_scheduler_steps_both_together() -> None:
    optimizer = sgd()
    chained = ChainedScheduler([ExponentialLR(optimizer, gamma=0.9), MultiStepLR(optimizer, milestones=[2], gamma=0.1)])
    seen = rates(optimizer, chained.step, 4)
    np.testing.assert_allclose(seen, [1.0, 0.9, 0.9**2 * 0.1, 0.9**3 * 0.1], rtol=1e-12)
    assert chained.get_last_lr() == [optimizer.param_groups[0]["lr"]]


def test_multistep_lr_multiplies_at_each_milestone() -> None:
    optimizer = sgd(0.1)
    scheduler = MultiStepLR(optimizer, milestones=[2, 5, 5], gamma=0.5)
    np.testing.assert_allclose(rates(optimizer, scheduler.step, 7), [0.1, 0.1, 0.05, 0.05, 0.05, 0.0125, 0.0125])


def test_lambda_lr_is_the_initial_rate_times_the_function() -> None:
    optimizer = sgd(0.2)
    scheduler = LambdaLR(optimizer, lambda epoch: 1 / (epoch + 1))
    np.testing.assert_allclose(rates(optimizer, scheduler.step, 4), [0.2, 0.1, 0.2 / 3, 0.05])
    assert scheduler.state_dict()["lr_lambdas"] == [None]


def test_multiplicative_lr_multiplies_the_current_rate() -> None:
    optimizer = sgd(1.0)
    scheduler = MultiplicativeLR(optimizer, lambda epoch: 0.5)
    np.testing.assert_allclose(rates(optimizer, scheduler.step, 4), [1.0, 0.5, 0.25, 0.125])


def test_linear_lr_warms_up_from_start_to_end_factor() -> None:
    optimizer = sgd(1.0)
    scheduler = LinearLR(optimizer, start_factor=0.25, end_factor=1.0, total_iters=3)
    np.testing.assert_allclose(rates(optimizer, scheduler.step, 6), [0.25, 0.5, 0.75, 1.0, 1.0, 1.0], rtol=1e-12)


def test_constant_lr_scales_until_total_iters() -> None:
    optimizer = sgd(1.0)
    scheduler = ConstantLR(optimizer, factor=0.5, total_iters=2)
    np.testing.assert_allclose(rates(optimizer, scheduler.step, 4), [0.5, 0.5, 1.0, 1.0], rtol=1e-12)


def test_sequential_lr_switches_scheduler_at_the_milestone() -> None:
    optimizer = sgd(1.0)
    warmup = LinearLR(optimizer, start_factor=0.5, total_iters=2)
    decay = ExponentialLR(optimizer, gamma=0.5)
    scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[2])
    np.testing.assert_allclose(rates(optimizer, scheduler.step, 5), [0.5, 0.75, 1.0, 0.5, 0.25], rtol=1e-12)


def test_one_cycle_rises_then_anneals_and_moves_momentum_the_other_way() -> None:
    optimizer = sgd(1.0, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=1.0, total_steps=10, pct_start=0.3)
    seen, momenta = [], []
    for _ in range(10):
        seen.append(optimizer.param_groups[0]["lr"])
        momenta.append(optimizer.param_groups[0]["momentum"])
        optimizer.step()
        if len(seen) < 10:
            scheduler.step()

    def anneal(start: float, end: float, pct: float) -> float:
        return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)

    low, top, bottom = 1 / 25, 1.0, 1 / 25 / 1e4
    expected = [anneal(low, top, s / 2) if s <= 2 else anneal(top, bottom, (s - 2) / 7) for s in range(10)]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)
    expected_momentum = [anneal(0.95, 0.85, s / 2) if s <= 2 else anneal(0.85, 0.95, (s - 2) / 7) for s in range(10)]
    np.testing.assert_allclose(momenta, expected_momentum, rtol=1e-12)
    scheduler.step()
    with pytest.raises(ValueError, match="Tried to step 11 times. The specified number of total steps is 10"):
        scheduler.step()


def test_one_cycle_cycles_adams_beta1() -> None:
    optimizer = Adam([autograd.tensor([1.0], requires_grad=True)], lr=1.0)
    OneCycleLR(optimizer, max_lr=0.1, total_steps=5)
    assert optimizer.param_groups[0]["betas"] == (0.95, 0.999)


def test_reduce_lr_on_plateau_reduces_after_patience_epochs_without_improvement() -> None:
    optimizer = sgd(1.0)
    scheduler = ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    seen = []
    for loss in [5.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0]:
        scheduler.step(loss)
        seen.append(optimizer.param_groups[0]["lr"])
    assert seen == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]
    assert scheduler.get_last_lr() == [0.25]


def test_reduce_lr_on_plateau_respects_cooldown_min_lr_and_max_mode() -> None:
    optimizer = sgd(1.0)
    scheduler = ReduceLROnPlateau(optimizer, mode="max", factor=0.1, patience=0, cooldown=1, min_lr=0.05)
    seen = []
    for accuracy in [0.5, 0.4, 0.4, 0.4, 0.4]:
        scheduler.step(accuracy)
        seen.append(optimizer.param_groups[0]["lr"])
    np.testing.assert_allclose(seen, [1.0, 0.1, 0.1, 0.05, 0.05])


def test_reduce_lr_on_plateau_rejects_a_factor_of_one_or_more() -> None:
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        ReduceLROnPlateau(sgd(), factor=1.0)


def test_cosine_annealing_resumed_from_a_state_dict_continues_identically() -> None:
    optimizer = sgd(0.1)
    scheduler = CosineAnnealingLR(optimizer, T_max=10)
    rates(optimizer, scheduler.step, 4)
    saved_optimizer, saved = optimizer.state_dict(), scheduler.state_dict()
    expected = rates(optimizer, scheduler.step, 3)
    resumed_optimizer = sgd(0.1)
    resumed = CosineAnnealingLR(resumed_optimizer, T_max=10)
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved)
    assert rates(resumed_optimizer, resumed.step, 3) == expected


def test_cosine_warm_restarts_restart_at_the_initial_rate_with_longer_periods() -> None:
    optimizer = sgd(0.1)
    scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2, eta_min=0.01)
    seen = []
    for _ in range(8):
        optimizer.step()
        scheduler.step()
        seen.append(optimizer.param_groups[0]["lr"])
    periods = [(1, 2), (0, 4), (1, 4), (2, 4), (3, 4), (0, 8), (1, 8), (2, 8)]  # (T_cur, T_i) after each step
    expected = [0.01 + 0.09 * (1 + math.cos(math.pi * t / period)) / 2 for t, period in periods]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)


def test_cosine_warm_restarts_take_fractional_epochs() -> None:
    optimizer = sgd(0.1)
    scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=3)
    scheduler.step(7.5)  # 1.5 epochs into the third period
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * (1 + math.cos(math.pi * 1.5 / 3)) / 2)
