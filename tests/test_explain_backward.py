"""autograd.explain_backward: the backward pass step by step, on a private copy of the bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import tensor


def leaf(values) -> autograd.Tensor:  # type: ignore[no-untyped-def]
    return tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def small_program():  # type: ignore[no-untyped-def]
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = leaf([[1.0, -2.0, 3.0]])
    b = leaf(0.5)
    return a, w, b, ((a * w + b).relu() * a).sum()


def test_the_first_step_is_the_roots_node_and_the_names_are_the_nodes_names() -> None:
    *_, y = small_program()
    trace = autograd.explain_backward(y)
    assert trace[0].node is y.grad_fn
    assert all(step.name == step.node.name() for step in trace)


def test_steps_follow_the_engines_order_newest_node_first() -> None:
    *_, y = small_program()
    trace = autograd.explain_backward(y)
    sequence = [step.node._seq for step in trace if step.name != "AccumulateGrad"]
    assert sequence == sorted(sequence, reverse=True)


def test_each_leaf_appears_once_with_the_total_that_backward_adds_to_its_grad() -> None:
    a, w, b, y = small_program()
    trace = autograd.explain_backward(y)
    leaf_steps = [step for step in trace if step.name == "AccumulateGrad"]
    assert sorted(id(s.node.variable) for s in leaf_steps) == sorted(map(id, (a, w, b)))
    y.backward()
    for step in leaf_steps:
        np.testing.assert_allclose(step.grad_output, step.node.variable.grad.numpy())


def test_a_leaf_used_twice_comes_after_its_last_path_with_a_note_on_the_sum() -> None:
    a, _, _, y = small_program()
    trace = autograd.explain_backward(y)
    position = next(i for i, s in enumerate(trace) if s.name == "AccumulateGrad" and s.node.variable is a)
    feeding = [i for i, s in enumerate(trace) if any(c is a for c, _ in zip(s.node._edges[::2], s.node._edges[1::2]))]
    assert position > max(feeding)
    assert trace[position].note == "the sum of the gradients of 2 paths into this leaf"


def test_the_gradients_of_a_step_are_those_its_backward_computes_from_what_arrived() -> None:
    x = leaf([1.0, -2.0, 3.0])
    y = (x.exp() * 2.0).sum()
    trace = autograd.explain_backward(y)
    exp_step = next(s for s in trace if s.name == "ExpBackward")
    np.testing.assert_allclose(exp_step.grad_output, np.full(3, 2.0))
    np.testing.assert_allclose(exp_step.grad_inputs[0], 2.0 * np.exp([1.0, -2.0, 3.0]))


def test_explaining_changes_no_grad_frees_nothing_and_records_nothing() -> None:
    a, w, b, y = small_program()
    w.grad = tensor(np.full((1, 3), 7.0))
    kept = w.grad
    trace = autograd.explain_backward(y)
    assert a.grad is None and b.grad is None and w.grad is kept and w.grad.tolist() == [[7.0, 7.0, 7.0]]
    assert all(
        not step.grad_inputs or all(isinstance(g, (np.ndarray, type(None))) for g in step.grad_inputs) for step in trace
    )
    autograd.explain_backward(y)  # the graph is still there: explained twice, then run
    y.backward()
    w_total = next(s.grad_output for s in trace if s.name == "AccumulateGrad" and s.node.variable is w)
    np.testing.assert_allclose(w.grad.numpy(), 7.0 + w_total)


def test_each_step_carries_its_ops_rule_written_beside_its_backward() -> None:
    *_, y = small_program()
    rules = {s.name: s.rule for s in autograd.explain_backward(y)}
    assert rules["MulBackward"] == "d(ab) = b da + a db"
    assert rules["AddBackward"] == "d(a+b) = da + db"
    assert rules["AccumulateGrad"].startswith("leaf.grad +=")


def test_a_broadcast_input_gets_a_note_naming_the_summed_axes() -> None:
    _, w, b, y = small_program()
    trace = autograd.explain_backward(y)
    add = next(s for s in trace if s.name == "AddBackward")
    assert add.note == "input 1 was broadcast from () to (2, 3): its gradient is the sum over axes 0, 1"
    mul = [s for s in trace if s.name == "MulBackward"][-1]
    assert mul.note == "input 1 was broadcast from (1, 3) to (2, 3): its gradient is the sum over axis 0"


def test_no_note_where_nothing_was_broadcast() -> None:
    x = leaf([1.0, 2.0])
    assert all(step.note is None for step in autograd.explain_backward((x * 3.0).sum())[:2])


def test_a_scalar_program_and_a_leaf_root() -> None:
    a, b = leaf(2.0), leaf(3.0)
    trace = autograd.explain_backward(a * b + a)
    assert [s.name for s in trace] == ["AddBackward", "MulBackward", "AccumulateGrad", "AccumulateGrad"]
    totals = {id(s.node.variable): float(s.grad_output) for s in trace if s.name == "AccumulateGrad"}
    assert totals == {id(a): 4.0, id(b): 2.0}
    only = autograd.explain_backward(a)
    assert len(only) == 1 and only[0].name == "AccumulateGrad" and float(only[0].grad_output) == 1.0


def test_a_batched_network_is_explained_and_agrees_with_backward() -> None:
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).double()
    x = tensor(np.random.default_rng(0).normal(size=(5, 4)))
    loss = nn.functional.cross_entropy(model(x), tensor([0, 1, 2, 0, 1]))
    trace = autograd.explain_backward(loss)
    loss.backward()
    for step in trace:
        if step.name == "AccumulateGrad":
            np.testing.assert_allclose(step.grad_output, step.node.variable.grad.numpy(), rtol=1e-12)
    assert len([s for s in trace if s.name == "AccumulateGrad"]) == 4


def test_a_non_scalar_root_needs_a_gradient_as_backward_does() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for one-element outputs"):
        autograd.explain_backward(x * 2)
    trace = autograd.explain_backward(x * 2, gradient=tensor([1.0, 10.0]))
    np.testing.assert_allclose(trace[-1].grad_output, [2.0, 20.0])


def test_a_root_that_does_not_require_grad_is_refused() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        autograd.explain_backward(tensor([1.0]).sum())


def test_the_text_table_lists_every_step_with_its_rule_and_gradients() -> None:
    *_, y = small_program()
    text = str(autograd.explain_backward(y))
    assert text.splitlines()[0] == "backward pass of 8 steps (newest node first)"
    assert (
        "SumBackward" in text and "rule: d(ab) = b da + a db" in text and "to input 1: 14." in text
    )  # b: the sum of a where a * w + b > 0
    assert "note: input 1 was broadcast from (1, 3) to (2, 3)" in text


def test_large_arrays_are_shown_by_shape_and_small_ones_by_value() -> None:
    x = leaf(np.arange(40.0).reshape(4, 10))
    text = str(autograd.explain_backward((x * 2.0).sum()))
    assert "shape (4, 10), mean 2, min 2, max 2" in text
