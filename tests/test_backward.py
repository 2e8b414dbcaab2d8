"""The backward pass: accumulation, roots, retain_graph, inputs=, hooks, retain_grad, higher order, grad()."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import autograd
from autograd import Function


def leaf(values, dtype=autograd.float64):
    return autograd.tensor(values, dtype=dtype, requires_grad=True)


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])


def test_a_node_used_twice_gets_the_sum_of_its_gradients():
    x = leaf(3.0)
    y = x * x + x
    y.backward()
    assert x.grad.item() == 2 * 3 + 1


def test_one_element_root_needs_no_gradient_argument():
    x = leaf([5.0])
    (x * 2).backward()
    assert x.grad.tolist() == [2.0]


def test_non_scalar_root_without_gradient_raises_naming_the_shape():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"one-element outputs.*\(2,\).*gradient="):
        (x * 2).backward()


def test_gradient_argument_must_match_the_root_shape():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\) but the output has shape \(2,\)"):
        (x * 2).backward(autograd.ones(3))


def test_gradient_argument_weights_a_non_scalar_root():
    x = leaf([1.0, 2.0])
    (x * x).backward(autograd.tensor([10.0, 100.0], dtype=autograd.float64))
    assert x.grad.tolist() == [20.0, 400.0]


def test_second_backward_through_a_freed_graph_raises_with_the_retain_graph_hint():
    x = leaf(2.0)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match=r"MulBackward.*second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0


def test_backward_of_a_tensor_that_does_not_require_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        autograd.ones(2).sum().backward()


def test_no_gradient_flows_to_tensors_that_do_not_require_it():
    x = leaf(2.0)
    c = autograd.tensor(3.0, dtype=autograd.float64)
    (x * c).backward()
    assert c.grad is None and x.grad.item() == 3.0


def test_non_leaf_tensors_get_no_grad_unless_retained():
    x = leaf(2.0)
    y = x * 3
    z = y * y
    y2 = x * 4
    y2.retain_grad()
    (z + y2).backward()
    assert y.grad is None
    assert y2.grad.item() == 1.0
    assert y2.retains_grad and not y.retains_grad


def test_backward_inputs_accumulates_only_into_the_inputs_given():
    a, b = leaf(2.0), leaf(3.0)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 3.0 and b.grad is None


def test_tensor_hook_sees_and_can_replace_the_gradient():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 2
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[20.0, 20.0]]
    assert x.grad.tolist() == [20.0, 20.0]


def test_removed_hook_is_not_called():
    x = leaf(1.0)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    handle.remove()
    (x * 2).backward()
    assert calls == []


def test_hook_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require grad"):
        autograd.ones(2).register_hook(lambda g: g)


def test_nodes_show_names_next_functions_and_accumulate_grad_variables():
    a, b = leaf(1.0), leaf(2.0)
    c = a * b + a
    assert c.grad_fn.name() == "AddBackward"
    mul_node, nr = c.grad_fn.next_functions[0]
    assert mul_node.name() == "MulBackward" and nr == 0
    acc = c.grad_fn.next_functions[1][0]
    assert isinstance(acc, autograd.AccumulateGrad) and acc.name() == "AccumulateGrad"
    assert acc.variable is a
    assert mul_node.next_functions[1][0].variable is b


def test_a_million_node_chain_backpropagates_without_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_gradient_of_gradient_with_create_graph():
    x = leaf(3.0)
    y = x**3
    (dy,) = autograd.grad(y, x, create_graph=True)
    assert dy.item() == 27.0 and dy.requires_grad
    (d2y,) = autograd.grad(dy, x)
    assert d2y.item() == 18.0


def test_printing_a_zero_dimensional_input_keeps_its_second_derivative():
    """Printing a 0-d tensor turns the NumPy scalar it holds into an array; what its users saved still
    leads back to it when the backward pass is recorded."""
    x = leaf(3.0)
    y = x * x * x
    repr(x)
    (dy,) = autograd.grad(y, x, create_graph=True)
    (d2y,) = autograd.grad(dy, x)
    assert (dy.item(), d2y.item()) == (27.0, 18.0)


def test_backward_with_create_graph_makes_grad_differentiable():
    x = leaf(2.0)
    (x**4).backward(create_graph=True)
    g = x.grad
    assert g.item() == 32.0 and g.requires_grad
    x.grad = None
    g.backward()
    assert x.grad.item() == 4 * 3 * 4.0


def test_gradient_penalty_style_second_order_through_matmul():
    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    x = leaf([1.0, -1.0])
    y = (w @ x).tanh().sum()
    (gx,) = autograd.grad(y, x, create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    assert w.grad is not None and w.grad.shape == (2, 2)
    assert autograd.gradcheck(
        lambda w_: (autograd.grad((w_ @ x).tanh().sum(), x, create_graph=True)[0] ** 2).sum(), [w]
    )


def test_grad_returns_gradients_without_touching_dot_grad():
    a, b = leaf(2.0), leaf(5.0)
    ga, gb = autograd.grad(a * b, [a, b])
    assert (ga.item(), gb.item()) == (5.0, 2.0)
    assert a.grad is None and b.grad is None


def test_grad_of_an_unused_input_raises_unless_allow_unused():
    a, b = leaf(2.0), leaf(5.0)
    with pytest.raises(RuntimeError, match="not used.*allow_unused=True"):
        autograd.grad(a * 2, [a, b])
    ga, gb = autograd.grad(a * 2, [a, b], allow_unused=True)
    assert ga.item() == 2.0 and gb is None


def test_grad_with_respect_to_an_intermediate_tensor():
    x = leaf(2.0)
    y = x * 3
    z = y * y
    (gy,) = autograd.grad(z, y)
    assert gy.item() == 12.0


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2


def test_custom_function_with_save_for_backward():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]


def test_custom_function_is_differentiable_twice_when_written_with_shared_operators():
    x = leaf(2.0)
    (g,) = autograd.grad(Cube.apply(x), x, create_graph=True)
    (h,) = autograd.grad(g, x)
    assert (g.item(), h.item()) == (12.0, 12.0)


def test_custom_function_returning_the_wrong_number_of_gradients_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    with pytest.raises(RuntimeError, match="BadBackward: backward returned 2 gradients, but forward took 1"):
        Bad.apply(leaf(1.0)).backward()


def _live_tensors() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is autograd.Tensor)


def test_each_training_step_frees_its_graph_without_reference_cycles():
    w = leaf(np.ones((8, 8)))
    x = autograd.randn(16, 8, dtype=autograd.float64)
    refs = []
    gc.disable()
    try:
        for _ in range(5):
            h = (x @ w).tanh()
            loss = (h * h).mean()
            loss.backward()
            refs.append(weakref.ref(h))
            refs.append(weakref.ref(loss.grad_fn))
            with autograd.no_grad():
                w -= 0.1 * w.grad
            w.grad = None
            del h, loss
        # freed by reference counting alone (gc is off): no cycle keeps a graph alive
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_live_tensor_count_does_not_grow_over_training_steps():
    w = leaf(np.ones((4, 4)))
    x = autograd.randn(8, 4, dtype=autograd.float64)

    def step():
        loss = ((x @ w).relu() ** 2).sum()
        loss.backward()
        with autograd.no_grad():
            w.sub_(0.01 * w.grad)
        w.grad.zero_()

    for _ in range(3):
        step()
    before = _live_tensors()
    for _ in range(50):
        step()
    assert _live_tensors() <= before


def test_next_functions_list_tensor_inputs_only():
    x = leaf([1.0, 2.0])
    c = autograd.tensor([3.0, 4.0], dtype=autograd.float64)
    assert len(x.sum(dim=0).grad_fn.next_functions) == 1
    assert len((2 - x).grad_fn.next_functions) == 1
    assert [n is None for n, _ in (x * c).grad_fn.next_functions] == [False, True]
    cat = autograd.cat([x, c])
    assert len(cat.grad_fn.next_functions) == 2
    (cat * cat).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_backward_of_several_roots_sums_their_gradients():
    a, b = leaf(2.0), leaf(3.0)
    autograd.backward([a * b, a * a])
    assert (a.grad.item(), b.grad.item()) == (3.0 + 4.0, 2.0)


def test_a_leaf_that_is_also_a_root_gets_both_gradients():
    x = leaf(2.0)
    autograd.backward([x * 3, x])
    assert x.grad.item() == 4.0


def test_each_node_runs_once_with_the_sum_of_all_its_gradients_in_a_diamond():
    calls = []

    class Count(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, grad):
            calls.append(float(grad))
            return grad

    x = leaf(1.0)
    shared = Count.apply(x * 2)  # consumed by nodes made both soon after and much later
    early = shared * 3
    unrelated = leaf(5.0)
    for _ in range(50):
        unrelated = unrelated * 1.0
    late = shared * 4 + unrelated * 0
    (early + late).backward()
    assert calls == [7.0]
    assert x.grad.item() == 14.0
