"""Grad modes as context managers and decorators."""

from __future__ import annotations

import autograd


def test_no_grad_context_records_nothing():
    x = autograd.ones(2, requires_grad=True)
    with autograd.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert autograd.is_grad_enabled()


def test_no_grad_decorator():
    @autograd.no_grad()
    def double(t):
        return t * 2

    assert not double(autograd.ones(1, requires_grad=True)).requires_grad
    assert autograd.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = autograd.ones(1, requires_grad=True)
    with autograd.no_grad():
        with autograd.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad


def test_set_grad_enabled_as_context_call_and_decorator():
    x = autograd.ones(1, requires_grad=True)
    with autograd.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad

    @autograd.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert not f(x).requires_grad and autograd.is_grad_enabled()
    autograd.set_grad_enabled(False)
    assert not autograd.is_grad_enabled()
    autograd.set_grad_enabled(True)
    assert autograd.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception():
    try:
        with autograd.no_grad():
            raise KeyError
    except KeyError:
        pass
    assert autograd.is_grad_enabled()
