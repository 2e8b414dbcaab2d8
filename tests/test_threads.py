"""Grad mode is per thread, as in PyTorch; the rest of the engine's state is shared and safe to share.

Every test runs with a tiny thread switch interval, so threads interleave between
almost every bytecode, and waits on barriers so the threads really overlap.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest

import autograd


@pytest.fixture(autouse=True)
def switch_threads_often() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def run_threads(*targets: Callable[[], None]) -> None:
    """Run each target in its own thread; re-raise the first error any of them had."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as e:  # reported in the main thread below
                errors.append(e)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_a_new_thread_starts_with_grad_enabled_whatever_the_main_thread_has() -> None:
    seen: list[bool] = []
    with autograd.no_grad():
        run_threads(lambda: seen.append(autograd.is_grad_enabled()))
        assert not autograd.is_grad_enabled()
    assert seen == [True]


def test_ops_recorded_in_one_thread_while_another_sits_in_no_grad() -> None:
    steps = 300
    inside = threading.Barrier(2)
    lost: list[int] = []

    def serve_predictions() -> None:
        with autograd.no_grad():
            inside.wait()
            for _ in range(steps):
                y = autograd.ones(3) * 2.0
                assert y.grad_fn is None

    def train() -> None:
        w = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
        inside.wait()
        for step in range(steps):
            loss = (w * w).sum()
            if loss.grad_fn is None:
                lost.append(step)
                continue
            loss.backward()
        assert w.grad is not None
        np.testing.assert_allclose(w.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]) * (steps - len(lost)))

    run_threads(serve_predictions, train)
    assert lost == []


def test_eight_threads_backward_on_separate_graphs_give_exact_gradients() -> None:
    passes = 40
    start = threading.Barrier(8)
    wrong: list[str] = []

    def worker(k: int) -> Callable[[], None]:
        def run() -> None:
            rng = np.random.default_rng(k)
            x0 = rng.standard_normal((4, 3))
            w0 = rng.standard_normal((3, 2))
            start.wait()
            for _ in range(passes):
                x = autograd.tensor(x0, requires_grad=True)
                w = autograd.tensor(w0, requires_grad=True)
                loss = ((x @ w).tanh() * float(k + 1)).sum()
                loss.backward()
                h = np.tanh(x0 @ w0)
                upstream = (1 - h * h) * (k + 1)
                if x.grad is None or w.grad is None:
                    wrong.append(f"thread {k}: a gradient is missing")
                    continue
                if not np.allclose(x.grad.numpy(), upstream @ w0.T) or not np.allclose(w.grad.numpy(), x0.T @ upstream):
                    wrong.append(f"thread {k}: wrong gradient")

        return run

    run_threads(*(worker(k) for k in range(8)))
    assert wrong == []


def test_a_backward_pass_changes_only_its_own_threads_grad_mode() -> None:
    start = threading.Barrier(2)
    done = threading.Event()
    modes_seen: set[bool] = set()

    def backward_many_times() -> None:
        x = autograd.tensor(np.ones(50), requires_grad=True)
        start.wait()
        for _ in range(300):
            y = x
            for _ in range(20):
                y = y * 1.0
            y.sum().backward()  # runs with grad mode off in this thread
        done.set()

    def watch_mode() -> None:
        start.wait()
        while not done.is_set():
            modes_seen.add(autograd.is_grad_enabled())

    run_threads(backward_many_times, watch_mode)
    assert modes_seen == {True}


def test_interleaved_grad_mode_contexts_leave_each_threads_mode_as_it_was() -> None:
    entered = threading.Barrier(2)
    exited_first = threading.Event()
    after: dict[str, bool] = {}

    def leaves_first() -> None:  # enters no_grad, then leaves it before the other thread leaves its block
        with autograd.no_grad():
            entered.wait()
        exited_first.set()
        after["first"] = autograd.is_grad_enabled()

    def leaves_second() -> None:
        with autograd.enable_grad():
            with autograd.no_grad():
                entered.wait()
                exited_first.wait()
                after["inner"] = autograd.is_grad_enabled()
            after["second"] = autograd.is_grad_enabled()

    run_threads(leaves_first, leaves_second)
    assert after == {"first": True, "inner": False, "second": True}
    assert autograd.is_grad_enabled()


def test_set_grad_enabled_false_in_a_thread_does_not_reach_other_threads() -> None:
    switched = threading.Event()
    checked = threading.Event()
    seen: list[bool] = []

    def switch_off() -> None:
        autograd.set_grad_enabled(False)
        switched.set()
        checked.wait()

    def check() -> None:
        switched.wait()
        seen.append(autograd.is_grad_enabled())
        x = autograd.tensor(1.0, requires_grad=True)
        seen.append((x * 2).requires_grad)
        checked.set()

    run_threads(switch_off, check)
    assert seen == [True, True]
