"""RMSprop, Adagrad, the new losses, and training resumed from nn.save/nn.load bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import float64, tensor


def one_step(optimizer_class, gradients: list[np.ndarray], **options) -> np.ndarray:
    p = tensor([1.0, -2.0, 0.5], dtype=float64, requires_grad=True)
    optimizer = optimizer_class([p], **options)
    for g in gradients:
        p.grad = tensor(g, dtype=float64)
        optimizer.step()
    return p.detach().numpy()


GRADIENTS = [np.array([0.5, -1.0, 2.0]), np.array([0.1, 0.3, -0.2]), np.array([-0.4, 0.2, 0.0])]


def test_rmsprop_follows_its_update_rule() -> None:
    theta, v, b, a = np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3), np.zeros(3)
    for g in GRADIENTS:
        g = g + 0.01 * theta
        v = 0.9 * v + 0.1 * g * g
        a = 0.9 * a + 0.1 * g
        b = 0.5 * b + g / (np.sqrt(v - a * a) + 1e-8)
        theta = theta - 0.01 * b
    options = dict(lr=0.01, alpha=0.9, weight_decay=0.01, momentum=0.5, centered=True)
    np.testing.assert_allclose(one_step(nn.optim.RMSprop, GRADIENTS, **options), theta, rtol=1e-12)


def test_plain_rmsprop() -> None:
    theta, v = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    for g in GRADIENTS:
        v = 0.99 * v + 0.01 * g * g
        theta = theta - 0.01 * g / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(one_step(nn.optim.RMSprop, GRADIENTS), theta, rtol=1e-12)


def test_adagrad_follows_its_update_rule() -> None:
    theta, s = np.array([1.0, -2.0, 0.5]), np.full(3, 0.1)
    for t, g in enumerate(GRADIENTS, 1):
        s = s + g * g
        theta = theta - 0.05 / (1 + (t - 1) * 0.1) * g / (np.sqrt(s) + 1e-10)
    options = dict(lr=0.05, lr_decay=0.1, initial_accumulator_value=0.1)
    np.testing.assert_allclose(one_step(nn.optim.Adagrad, GRADIENTS, **options), theta, rtol=1e-12)


def test_optimizer_state_keys_are_pytorchs() -> None:
    p = tensor([1.0], requires_grad=True)
    p.grad = tensor([1.0])
    rms = nn.optim.RMSprop([p], momentum=0.9, centered=True)
    rms.step()
    assert sorted(rms.state[p]) == ["grad_avg", "momentum_buffer", "square_avg", "step"]
    ada = nn.optim.Adagrad([p])
    ada.step()
    assert sorted(ada.state[p]) == ["step", "sum"]


@pytest.mark.parametrize("make", [nn.optim.Adam, nn.optim.AdamW, nn.optim.RMSprop, nn.optim.SGD])
def test_training_resumed_from_a_checkpoint_matches_uninterrupted_training_bit_for_bit(tmp_path, make) -> None:
    rng = np.random.default_rng(0)
    x, y = (
        tensor(rng.normal(size=(16, 3)), dtype=autograd.float32),
        tensor(rng.normal(size=(16, 1)), dtype=autograd.float32),
    )

    def setup():
        autograd.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
        options = {"momentum": 0.9} if make in (nn.optim.SGD, nn.optim.RMSprop) else {}
        optimizer = make(model.parameters(), lr=0.01, **options)
        scheduler = nn.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
        return model, optimizer, scheduler

    def train(model, optimizer, scheduler, steps):
        for _ in range(steps):
            optimizer.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()

    model, optimizer, scheduler = setup()
    train(model, optimizer, scheduler, 6)
    expected = [p.detach().numpy().copy() for p in model.parameters()]

    model, optimizer, scheduler = setup()
    train(model, optimizer, scheduler, 3)
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    nn.save(state, tmp_path / "run.safetensors")
    model, optimizer, scheduler = setup()
    loaded = nn.load(tmp_path / "run.safetensors")
    model.load_state_dict(loaded["model"])
    optimizer.load_state_dict(loaded["optimizer"])
    scheduler.load_state_dict(loaded["scheduler"])
    train(model, optimizer, scheduler, 3)
    for got, want in zip(model.parameters(), expected):
        np.testing.assert_array_equal(got.detach().numpy(), want)


def test_an_optimizer_saves_directly() -> None:
    p = tensor([1.0], requires_grad=True)
    optimizer = nn.optim.Adam([p])
    p.grad = tensor([0.5])
    optimizer.step()
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        nn.save(optimizer, f"{directory}/adam.safetensors")
        state = nn.load(f"{directory}/adam.safetensors")
    assert state["state"][0]["step"] == 1 and state["param_groups"][0]["betas"] == (0.9, 0.999)


# -- losses ----------------------------------------------------------------------------------------

D = np.array([0.2, -3.0, 1.5, 0.9])


def test_huber_and_smooth_l1_match_their_formulas() -> None:
    x = tensor(D, dtype=float64)
    t = autograd.zeros(4, dtype=float64)
    huber = np.where(np.abs(D) < 1.0, 0.5 * D**2, np.abs(D) - 0.5)
    np.testing.assert_allclose(float(nn.HuberLoss()(x, t)), huber.mean())
    smooth = np.where(np.abs(D) < 2.0, 0.5 * D**2 / 2.0, np.abs(D) - 1.0)
    np.testing.assert_allclose(nn.SmoothL1Loss(reduction="none", beta=2.0)(x, t).numpy(), smooth)
    np.testing.assert_allclose(float(nn.SmoothL1Loss(beta=0.0)(x, t)), np.abs(D).mean())
    assert autograd.gradcheck(
        lambda a: nn.functional.huber_loss(a, t, delta=1.0), [tensor(D, dtype=float64, requires_grad=True)]
    )


def test_kl_div_batchmean_and_log_target() -> None:
    logits = np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 1.0]])
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    target = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    pointwise = np.where(target > 0, target * (np.log(np.where(target > 0, target, 1)) - logp), 0.0)
    got = nn.KLDivLoss(reduction="batchmean")(tensor(logp, dtype=float64), tensor(target, dtype=float64))
    np.testing.assert_allclose(float(got), pointwise.sum() / 2)
    log_target = np.log(np.array([[0.2, 0.3, 0.5]]))
    got = nn.functional.kl_div(
        tensor(logp[1:], dtype=float64), tensor(log_target, dtype=float64), "sum", log_target=True
    )
    np.testing.assert_allclose(float(got), (np.exp(log_target) * (log_target - logp[1:])).sum())


def test_cross_entropy_label_smoothing_with_weights_and_ignore_index() -> None:
    rng = np.random.default_rng(0)
    x, y, w = rng.normal(size=(5, 4)), np.array([0, 3, -100, 1, 2]), np.array([1.0, 2.0, 0.5, 3.0])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    kept, index = y != -100, np.where(y != -100, y, 0)
    denominator = w[index][kept].sum()
    nll = -(logp[np.arange(5), index] * w[index])[kept].sum() / denominator
    smooth = -(logp * w).sum(1)[kept].sum() / denominator
    expected = 0.8 * nll + 0.2 / 4 * smooth
    loss = nn.CrossEntropyLoss(weight=tensor(w, dtype=float64), label_smoothing=0.2)
    np.testing.assert_allclose(float(loss(tensor(x, dtype=float64), tensor(y))), expected, rtol=1e-12)


def test_nll_loss_module() -> None:
    logp = np.log(np.array([[0.7, 0.3], [0.4, 0.6]]))
    np.testing.assert_allclose(
        float(nn.NLLLoss()(tensor(logp, dtype=float64), tensor([0, 1]))), -(logp[0, 0] + logp[1, 1]) / 2
    )
