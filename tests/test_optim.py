"""nn.optim: each update rule against its closed form written in NumPy, step by step; groups, state, schedulers."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F  # noqa: N812 - the material's name
from nn import optim
from nn.optim import SGD, Adam, AdamW, Optimizer
from nn.optim.lr_scheduler import CosineAnnealingLR, StepLR

STEPS = 6
SHAPE = (3, 4)


def make_problem(seed: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    """A starting parameter and one gradient per step (float64, so the comparison can be tight)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=SHAPE), [rng.normal(size=SHAPE) for _ in range(STEPS)]


def run_optimizer(make: type[Optimizer], theta0: np.ndarray, grads: list[np.ndarray], **options) -> list[np.ndarray]:
    """The parameter after each step, with the given gradients fed in as `.grad`."""
    p = autograd.tensor(theta0.copy(), requires_grad=True)
    optimizer = make([p], **options)
    history = []
    for g in grads:
        p.grad = autograd.tensor(g)
        optimizer.step()
        history.append(p.detach().numpy().copy())
    return history


def sgd_reference(theta, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    theta = theta.copy()
    buffer = None
    history = []
    for grad in grads:
        g = -grad if maximize else grad
        g = g + weight_decay * theta
        if momentum != 0:
            buffer = g if buffer is None else momentum * buffer + (1 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        theta = theta - lr * g
        history.append(theta)
    return history


def adam_reference(
    theta, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False, decoupled=False
):
    beta1, beta2 = betas
    theta = theta.copy()
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    v_max = np.zeros_like(theta)
    history = []
    for t, grad in enumerate(grads, start=1):
        g = -grad if maximize else grad
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        history.append(theta)
    return history


def assert_histories_close(got: list[np.ndarray], expected: list[np.ndarray]) -> None:
    assert len(got) == len(expected)
    for step, (a, b) in enumerate(zip(got, expected), start=1):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"step {step}")


# -- update rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        dict(lr=0.1),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, dampening=0.3),
        dict(lr=0.05, momentum=0.8, nesterov=True),
        dict(lr=0.1, weight_decay=0.01),
        dict(lr=0.05, momentum=0.9, weight_decay=0.1, dampening=0.5),
        dict(lr=0.05, momentum=0.7, weight_decay=0.05, nesterov=True),
        dict(lr=0.1, maximize=True),
        dict(lr=0.05, momentum=0.9, weight_decay=0.1, maximize=True),
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
def test_sgd_follows_pytorchs_update_rule_step_by_step(options):
    theta0, grads = make_problem()
    assert_histories_close(run_optimizer(SGD, theta0, grads, **options), sgd_reference(theta0, grads, **options))


@pytest.mark.parametrize("shape", [(50, 40), ()])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_plain_sgd_steps_in_the_parameters_dtype_with_the_rate_rounded_to_it(dtype, shape):
    """theta - lr * grad computed in the parameter's dtype, lr rounded to it first (NumPy's rule for a Python
    float with an array, and PyTorch's alpha): every dtype and a 0-d parameter, exactly."""
    rng = np.random.default_rng(5)
    theta0 = rng.standard_normal(shape).astype(dtype)
    grad = rng.standard_normal(shape).astype(dtype)
    lr = 0.0123456789
    p = autograd.tensor(theta0, requires_grad=True)
    p.grad = autograd.tensor(grad)
    SGD([p], lr=lr).step()
    expected = theta0 - np.asarray(lr, dtype) * grad
    assert p.dtype == autograd.tensor(theta0).dtype
    np.testing.assert_array_equal(p.detach().numpy(), expected.astype(dtype))


@pytest.mark.parametrize(
    "options",
    [
        dict(lr=0.01),
        dict(lr=0.1, betas=(0.5, 0.9), eps=1e-3),
        dict(lr=0.01, weight_decay=0.1),
        dict(lr=0.01, amsgrad=True),
        dict(lr=0.01, amsgrad=True, weight_decay=0.05, betas=(0.8, 0.95)),
        dict(lr=0.01, maximize=True),
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
def test_adam_follows_pytorchs_update_rule_with_bias_correction(options):
    theta0, grads = make_problem(1)
    assert_histories_close(run_optimizer(Adam, theta0, grads, **options), adam_reference(theta0, grads, **options))


@pytest.mark.parametrize(
    "options",
    [dict(lr=0.01), dict(lr=0.05, weight_decay=0.2), dict(lr=0.01, weight_decay=0.1, amsgrad=True)],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
def test_adamw_decays_weights_apart_from_the_gradient(options):
    theta0, grads = make_problem(2)
    expected = adam_reference(theta0, grads, decoupled=True, **{"weight_decay": 1e-2, **options})
    assert_histories_close(run_optimizer(AdamW, theta0, grads, **options), expected)


def test_adamw_default_weight_decay_is_one_hundredth():
    p = autograd.tensor([1.0], requires_grad=True)
    assert AdamW([p]).param_groups[0]["weight_decay"] == 0.01
    assert Adam([p]).param_groups[0]["weight_decay"] == 0


def test_amsgrad_keeps_the_largest_second_moment():
    p = autograd.tensor(np.zeros(1), requires_grad=True)
    optimizer = Adam([p], lr=0.1, amsgrad=True)
    for g in [5.0, 0.1, 0.1]:
        p.grad = autograd.tensor(np.array([g]))
        optimizer.step()
    state = optimizer.state[p]
    assert state["max_exp_avg_sq"].item() > state["exp_avg_sq"].item()
    v = 0.0
    v_max = 0.0
    for g in [5.0, 0.1, 0.1]:
        v = 0.999 * v + 0.001 * g * g
        v_max = max(v_max, v)
    assert state["max_exp_avg_sq"].item() == pytest.approx(v_max, rel=1e-12)


def test_sgd_trains_a_quadratic_through_backward():
    target = np.array([1.0, -2.0, 3.0])
    w = autograd.zeros(3, requires_grad=True)
    optimizer = SGD([w], lr=0.1, momentum=0.5)
    for _ in range(100):
        optimizer.zero_grad()
        loss = ((w - autograd.tensor(target, dtype=autograd.float32)) ** 2).sum()
        loss.backward()
        optimizer.step()
    np.testing.assert_allclose(w.detach().numpy(), target, atol=1e-4)


def test_float32_parameters_stay_float32_after_steps():
    p = autograd.randn(5, requires_grad=True)
    for make in (SGD, Adam, AdamW):
        optimizer = make([p], lr=0.01)
        p.grad = autograd.randn(5)
        optimizer.step()
        assert p.dtype == np.float32
        assert all(v.dtype == np.float32 for v in optimizer.state[p].values() if isinstance(v, autograd.Tensor))


def test_step_changes_the_parameter_in_place_without_recording():
    p = autograd.tensor([1.0, 2.0], requires_grad=True)
    array = p.detach().numpy()
    optimizer = SGD([p], lr=0.5)
    p.grad = autograd.tensor([1.0, 1.0])
    optimizer.step()
    np.testing.assert_array_equal(array, [0.5, 1.5])  # the same memory was changed
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


def test_step_is_detected_by_a_pending_backward_that_saved_the_parameter():
    p = autograd.tensor([1.0, 2.0], requires_grad=True)
    loss = (p * p).sum()  # saves p for backward
    p.grad = autograd.tensor([1.0, 1.0])
    SGD([p], lr=0.1).step()
    with pytest.raises(RuntimeError):
        loss.backward()


def test_step_skips_parameters_without_a_gradient():
    a = autograd.tensor([1.0], requires_grad=True)
    b = autograd.tensor([1.0], requires_grad=True)
    for make in (SGD, Adam):
        optimizer = make([a, b], lr=0.1)
        a.grad = autograd.tensor([1.0])
        b.grad = None
        optimizer.step()
        assert b.item() == 1.0 and a.item() != 1.0
        assert b not in optimizer.state or not optimizer.state[b]


def test_step_returns_the_closures_loss_computed_with_grad_enabled():
    p = autograd.tensor([3.0], requires_grad=True)
    optimizer = SGD([p], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with autograd.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 9.0
    assert p.item() == pytest.approx(3.0 - 0.1 * 6.0)


# -- groups and zero_grad ----------------------------------------------------------------------


def test_param_groups_update_with_their_own_learning_rate():
    a = autograd.tensor(np.ones(2), requires_grad=True)
    b = autograd.tensor(np.ones(2), requires_grad=True)
    optimizer = SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    grad = np.array([1.0, -2.0])
    for _ in range(3):
        a.grad = autograd.tensor(grad)
        b.grad = autograd.tensor(grad)
        optimizer.step()
    np.testing.assert_allclose(a.detach().numpy(), sgd_reference(np.ones(2), [grad] * 3, lr=0.1)[-1])
    np.testing.assert_allclose(b.detach().numpy(), sgd_reference(np.ones(2), [grad] * 3, lr=0.5, momentum=0.9)[-1])


def test_add_param_group_fills_in_the_defaults():
    a = autograd.tensor([1.0], requires_grad=True)
    b = autograd.tensor([1.0], requires_grad=True)
    optimizer = Adam([a], lr=0.01, betas=(0.8, 0.9))
    optimizer.add_param_group({"params": b, "lr": 0.5})
    group = optimizer.param_groups[1]
    assert group["params"] == [b] and group["lr"] == 0.5 and group["betas"] == (0.8, 0.9)


def test_a_parameter_in_two_groups_is_rejected():
    a = autograd.tensor([1.0], requires_grad=True)
    optimizer = SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optimizer.add_param_group({"params": [a]})
    assert len(optimizer.param_groups) == 1


def test_non_leaf_tensors_and_empty_lists_are_rejected():
    a = autograd.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        SGD([a * 2], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        SGD(a, lr=0.1)


def test_zero_grad_sets_gradients_to_none_by_default():
    a = autograd.tensor([1.0, 2.0], requires_grad=True)
    (a * a).sum().backward()
    SGD([a], lr=0.1).zero_grad()
    assert a.grad is None


def test_zero_grad_without_set_to_none_fills_zeros_in_place():
    a = autograd.tensor([1.0, 2.0], requires_grad=True)
    (a * a).sum().backward()
    grad = a.grad
    SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad is grad
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0])


@pytest.mark.parametrize(
    "make, options, named",
    [
        (SGD, dict(lr=-0.1), "lr=-0.1"),
        (SGD, dict(lr=0.1, momentum=-0.5), "momentum=-0.5"),
        (SGD, dict(lr=0.1, weight_decay=-1e-4), "weight_decay=-0.0001"),
        (SGD, dict(lr=0.1, dampening=-1), "dampening=-1"),
        (SGD, dict(lr=0.1, nesterov=True), "nesterov"),
        (SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening=0.1"),
        (Adam, dict(lr=-1e-3), "lr=-0.001"),
        (Adam, dict(betas=(1.0, 0.999)), "index 0: 1.0"),
        (Adam, dict(betas=(0.9, -0.1)), "index 1: -0.1"),
        (Adam, dict(eps=-1e-8), "eps=-1e-08"),
        (AdamW, dict(weight_decay=-0.01), "weight_decay=-0.01"),
    ],
)
def test_bad_hyperparameters_raise_a_value_error_naming_the_value(make, options, named):
    a = autograd.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError) as error:
        make([a], **options)
    assert named in str(error.value)


def test_bad_hyperparameters_of_a_param_group_are_rejected():
    a = autograd.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="lr=-0.5"):
        SGD([{"params": [a], "lr": -0.5}], lr=0.1)


# -- state_dict ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, options",
    [(SGD, dict(lr=0.05, momentum=0.9, nesterov=True)), (Adam, dict(lr=0.01, amsgrad=True)), (AdamW, dict(lr=0.01))],
)
def test_state_dict_round_trip_continues_identically(make, options):
    theta0, grads = make_problem(3)
    uninterrupted = run_optimizer(make, theta0, grads, **options)

    p = autograd.tensor(theta0.copy(), requires_grad=True)
    first = make([p], **options)
    for g in grads[:3]:
        p.grad = autograd.tensor(g)
        first.step()
    saved_state = first.state_dict()
    saved_theta = p.detach().numpy().copy()

    q = autograd.tensor(saved_theta, requires_grad=True)
    second = make([q], lr=123.0)  # options come back from the state dict
    second.load_state_dict(saved_state)
    for g in grads[3:]:
        q.grad = autograd.tensor(g)
        second.step()
    np.testing.assert_array_equal(q.detach().numpy(), uninterrupted[-1])


def test_state_dict_has_pytorchs_layout():
    a = autograd.tensor([1.0], requires_grad=True)
    b = autograd.tensor([2.0], requires_grad=True)
    c = autograd.tensor([3.0], requires_grad=True)
    optimizer = SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    for p in (a, c):
        p.grad = autograd.tensor([1.0])
    optimizer.step()
    state = optimizer.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in state["param_groups"]] == [0.1, 0.5]
    assert sorted(state["state"]) == [0, 2]
    assert state["state"][0]["momentum_buffer"].tolist() == [1.0]


def test_state_dict_is_a_copy_that_later_steps_leave_alone():
    p = autograd.tensor([1.0], requires_grad=True)
    optimizer = SGD([p], lr=0.1, momentum=0.9)
    p.grad = autograd.tensor([1.0])
    optimizer.step()
    saved = optimizer.state_dict()
    optimizer.step()
    assert saved["state"][0]["momentum_buffer"].tolist() == [1.0]


def test_load_state_dict_with_other_group_sizes_raises_and_changes_nothing():
    a = autograd.tensor([1.0], requires_grad=True)
    b = autograd.tensor([1.0], requires_grad=True)
    source = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad = autograd.tensor([1.0])
    source.step()
    target = SGD([autograd.tensor([1.0], requires_grad=True)], lr=0.7)
    with pytest.raises(ValueError, match="holds 2 parameters"):
        target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.7 and not target.state


def test_load_state_dict_with_a_wrongly_shaped_buffer_raises_and_changes_nothing():
    source = SGD([autograd.zeros(3, requires_grad=True)], lr=0.1, momentum=0.9)
    source.param_groups[0]["params"][0].grad = autograd.ones(3)
    source.step()
    target = SGD([autograd.zeros(4, requires_grad=True)], lr=0.7, momentum=0.9)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.7 and not target.state


# -- learning-rate schedulers ---------------------------------------------------------------------------


def lrs_over_epochs(scheduler, optimizer, epochs: int) -> list[list[float]]:
    seen = []
    for _ in range(epochs):
        seen.append([g["lr"] for g in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return seen


def two_group_sgd() -> SGD:
    a = autograd.tensor([1.0], requires_grad=True)
    b = autograd.tensor([1.0], requires_grad=True)
    return SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1)


def test_step_lr_follows_its_closed_form():
    optimizer = two_group_sgd()
    scheduler = StepLR(optimizer, step_size=3, gamma=0.5)
    seen = lrs_over_epochs(scheduler, optimizer, 10)
    expected = [[base * 0.5 ** (epoch // 3) for base in (0.1, 0.01)] for epoch in range(10)]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)


def test_cosine_annealing_lr_follows_its_closed_form_past_t_max():
    optimizer = two_group_sgd()
    scheduler = CosineAnnealingLR(optimizer, T_max=5, eta_min=0.001)
    seen = lrs_over_epochs(scheduler, optimizer, 13)
    expected = [
        [0.001 + (base - 0.001) * (1 + math.cos(math.pi * epoch / 5)) / 2 for base in (0.1, 0.01)]
        for epoch in range(13)
    ]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)
    assert seen[5][0] == pytest.approx(0.001)  # the minimum is reached at T_max


def test_get_last_lr_reports_what_step_set():
    optimizer = two_group_sgd()
    scheduler = StepLR(optimizer, step_size=1, gamma=0.1)
    assert scheduler.get_last_lr() == [0.1, 0.01]
    scheduler.step()
    assert scheduler.get_last_lr() == pytest.approx([0.01, 0.001])
    assert scheduler.get_last_lr() == [g["lr"] for g in optimizer.param_groups]


def test_scheduler_state_dict_round_trip_continues_identically():
    optimizer = two_group_sgd()
    scheduler = CosineAnnealingLR(optimizer, T_max=10)
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    assert "optimizer" not in saved_scheduler
    expected = lrs_over_epochs(scheduler, optimizer, 3)

    resumed_optimizer = two_group_sgd()  # the usual resume: build both, then load both
    resumed = CosineAnnealingLR(resumed_optimizer, T_max=10)
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved_scheduler)
    assert lrs_over_epochs(resumed, resumed_optimizer, 3) == expected


def test_schedulers_reject_bad_periods():
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        StepLR(two_group_sgd(), step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive integer, got -3"):
        CosineAnnealingLR(two_group_sgd(), T_max=-3)


def test_lr_scheduler_is_reachable_as_in_torch():
    assert optim.lr_scheduler.StepLR is StepLR
    assert optim.lr_scheduler.CosineAnnealingLR is CosineAnnealingLR


# -- the material's optim lines, written as it writes them ------------------------------------------------


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = autograd.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def test_material_sgd_training_loop_steps_each_parameter_by_minus_lr_times_its_gradient():
    net = Net()
    input = autograd.randn(1, 1, 32, 32)  # noqa: A001 - the material's name
    target = autograd.randn(10).view(1, -1)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01)

    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        before = [p.detach().numpy().copy() for p in net.parameters()]
        grads = [p.grad.numpy().copy() for p in net.parameters()]
        optimizer.step()
        losses.append(loss.item())
        for p, old, g in zip(net.parameters(), before, grads):
            np.testing.assert_allclose(p.detach().numpy(), old - 0.01 * g, rtol=1e-6, atol=1e-7)
    assert losses[-1] < losses[0]


def test_material_adam_training_loop_takes_pytorchs_first_step_and_lowers_the_loss():
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = autograd.randn(N, D_in)
    y = autograd.randn(N, D_out)
    model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out))
    loss_fn = nn.MSELoss(reduction="sum")
    learning_rate = 1e-4
    optimizer = optim.Adam(model.parameters(), lr=learning_rate)

    losses = []
    for t in range(30):
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        if t == 0:
            before = [p.detach().numpy().astype(np.float64) for p in model.parameters()]
            grads = [p.grad.numpy().astype(np.float64) for p in model.parameters()]
        optimizer.step()
        if t == 0:
            # step 1: m_hat = g and v_hat = g^2, so each weight moves by lr * g / (|g| + eps)
            for p, old, g in zip(model.parameters(), before, grads):
                expected = old - learning_rate * g / (np.abs(g) + 1e-8)
                np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-5, atol=1e-7)
    assert losses[-1] < 0.7 * losses[0]
