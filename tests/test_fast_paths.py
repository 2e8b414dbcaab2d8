"""Each fast path of the engine gives what the general path gives."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd


def test_a_fresh_gradient_taken_without_copy_is_not_shared_between_leaves():
    a = autograd.zeros(3, requires_grad=True)
    b = autograd.zeros(3, requires_grad=True)
    (a + b).backward(autograd.ones(3) * 2)  # Add passes one array to both inputs
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.add_(1)
    assert b.grad.tolist() == [2.0, 2.0, 2.0]


def test_a_gradient_array_the_user_holds_is_copied_not_taken():
    x = autograd.zeros(3, requires_grad=True)
    g = autograd.ones(3)
    x.backward(g)
    g.add_(5)
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_a_gradient_that_is_a_view_is_copied():
    w = autograd.zeros(2, 3, requires_grad=True)
    w.sum().backward()  # SumBackward hands out a broadcast (read-only) view
    w.grad.add_(1)
    assert w.grad.tolist() == [[2.0] * 3] * 2


def test_taken_gradients_equal_copied_ones():
    rng = np.random.default_rng(1)
    x = autograd.tensor(rng.standard_normal((4, 3)))
    w1 = autograd.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    w2 = autograd.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    ((x @ w1).tanh() ** 2).sum().backward()
    with autograd.no_grad():
        w2.copy_(w1)
    w2.grad = autograd.zeros(3, 5, dtype=autograd.float64)  # forces the accumulate (+=) path
    ((x @ w2).tanh() ** 2).sum().backward()
    np.testing.assert_array_equal(w1.grad.numpy(), w2.grad.numpy())


@pytest.mark.parametrize(
    ("method", "reference"),
    [("add_", np.add), ("sub_", np.subtract), ("mul_", np.multiply), ("div_", np.divide)],
)
def test_in_place_arithmetic_direct_path_equals_recorded_path(method, reference):
    base = np.array([[1.0, 2.0], [3.0, 4.0]])
    other = np.array([0.5, -2.0])
    direct = autograd.tensor(base)
    getattr(direct, method)(autograd.tensor(other))  # nothing recorded: NumPy into the memory
    recorded_leaf = autograd.tensor(base, requires_grad=True)
    recorded = recorded_leaf * 1
    getattr(recorded, method)(autograd.tensor(other))  # recorded out of place, copied back
    np.testing.assert_array_equal(direct.numpy(), reference(base, other))
    np.testing.assert_array_equal(recorded.detach().numpy(), direct.numpy())


def test_in_place_direct_path_rejects_a_shape_change_and_leaves_the_tensor_unchanged():
    t = autograd.zeros(3)
    with pytest.raises(ValueError, match=r"add_: an operand of shape \(2, 3\)"):
        t.add_(autograd.ones(2, 3))
    assert t.tolist() == [0.0, 0.0, 0.0]


def test_zero_dimensional_results_held_as_scalars_behave_as_arrays():
    x = autograd.tensor(3.0, requires_grad=True)
    y = x * x
    assert isinstance(y.item(), float) and y.shape == () and y.dtype == autograd.float32
    y.backward()
    g = x.grad
    (x * 2).backward()
    assert g.item() == 8.0 and x.grad is g
    view = x.grad.data
    view.zero_()
    assert x.grad.item() == 0.0


@pytest.mark.parametrize(
    ("shape", "target"),
    [((1, 1), (32, 64)), ((3,), (2, 3)), ((2, 1, 3), (4, 2, 5, 3)), ((), (3,)), ((1,), (1,))],
)
def test_broadcast_view_equals_numpy_broadcast_to_and_is_read_only(shape, target):
    from autograd.ops.broadcast import broadcast_view

    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    view = broadcast_view(x, target)
    np.testing.assert_array_equal(view, np.broadcast_to(x, target))
    assert not view.flags.writeable and np.shares_memory(view, x)


def test_broadcast_view_of_a_non_contiguous_array_falls_back_to_numpy():
    from autograd.ops.broadcast import broadcast_view

    x = np.arange(6.0).reshape(2, 3)[:, :1]
    np.testing.assert_array_equal(broadcast_view(x, (2, 4)), np.broadcast_to(x, (2, 4)))


def _two_layer_gradients(change_something_in_place_after_the_graph: bool) -> list[list[list[float]]]:
    rng = np.random.default_rng(2)
    x = autograd.tensor(rng.standard_normal((4, 3)))
    w1 = autograd.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    w2 = autograd.tensor(rng.standard_normal((5, 2)), requires_grad=True)
    unrelated = autograd.zeros(2)
    loss = (x.mm(w1).clamp(min=0).mm(w2).exp() ** 2).sum()
    if change_something_in_place_after_the_graph:
        unrelated.add_(1)  # makes every saved tensor go through the per-tensor check
    loss.backward()
    return [w1.grad.tolist(), w2.grad.tolist()]


def test_saved_tensors_read_without_checks_equal_checked_ones():
    assert _two_layer_gradients(False) == _two_layer_gradients(True)


def test_two_dimensional_matmul_backward_equals_the_batched_path():
    rng = np.random.default_rng(3)
    a_data, b_data, g = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    a, b = autograd.tensor(a_data, requires_grad=True), autograd.tensor(b_data, requires_grad=True)
    (a @ b).backward(autograd.tensor(g))
    a3, b3 = autograd.tensor(a_data[None], requires_grad=True), autograd.tensor(b_data[None], requires_grad=True)
    (a3 @ b3).backward(autograd.tensor(g[None]))  # 3-D: the general path with swapaxes and unbroadcast
    np.testing.assert_array_equal(a.grad.numpy(), a3.grad.numpy()[0])
    np.testing.assert_array_equal(b.grad.numpy(), b3.grad.numpy()[0])


def test_a_user_function_may_return_tensors_from_backward():
    class Twice(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return autograd.tensor(grad) * 2  # a Tensor, not an array: the engine unwraps it

    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    Twice.apply(x).sum().backward()
    assert type(x.grad.numpy()) is np.ndarray and x.grad.tolist() == [2.0, 2.0]


@given(
    n_rows=st.integers(1, 6),
    ids=st.lists(st.integers(-6, 5), max_size=12),
    width=st.integers(1, 3),
    seed=st.integers(0, 99),
)
def test_sorted_row_sums_equal_numpys_add_at(n_rows: int, ids: list[int], width: int, seed: int) -> None:
    from autograd.ops.getitem import add_at_rows

    rows = np.array([i % n_rows - (n_rows if i < 0 else 0) for i in ids], dtype=np.int64)
    values = np.random.default_rng(seed).normal(size=(len(rows), width))
    fast, general = np.zeros((n_rows, width)), np.zeros((n_rows, width))
    add_at_rows(fast, rows, values)
    np.add.at(general, rows, values)
    np.testing.assert_allclose(fast, general, rtol=1e-12, atol=1e-12)


def _tensor(kind):
    """A tensor that needs no gradient, a leaf that does, or output 1 of a node (an edge with output index 1)."""
    t = autograd.tensor([1.0, 2.0], requires_grad=bool(kind))
    return t.split(1)[1] if kind == "non-leaf" else t


INPUT_PATTERNS = [
    ("T", "T"),
    ("T", 2.0),
    ("T", 3),
    ("T", True),
    ("T",),
    ("T", np.float32(2.0)),
    (2.0, "T"),
    ("T", "T", "T"),
    ("T", "T", None),
    ("T", "T", "mean"),
    ("T", "T", 2.0),
    ("T", 2.0, "T"),
    ("T", 0, None),
    ("T", (0, 1), False),
    ("T", np.float32(0.0), None),
    ("T", None, "T"),
]
TENSOR_KINDS = [False, True, "non-leaf"]


@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize(
    ("pattern", "kinds"),
    [
        (pattern, kinds)
        for pattern in INPUT_PATTERNS
        for kinds in itertools.product(TENSOR_KINDS, repeat=pattern.count("T"))
    ],
)
def test_common_inputs_are_recorded_as_the_general_loop_records_them(grad_mode, pattern, kinds):
    """run_forward's quick paths (two Tensors, alone or with a third argument; one Tensor, alone or with a
    number) against record_inputs, for each kind of tensor in each place: the same flags and edges, and
    forward gets the same arrays."""
    from autograd.function import Function, record_inputs, run_forward

    class Inputs(Function):
        """Forward returns what it was given."""

        @staticmethod
        def forward(ctx, *arrays):
            return arrays

    kinds = iter(kinds)
    args = tuple(_tensor(next(kinds)) if p == "T" else p for p in pattern)
    fast, general = object.__new__(Inputs), object.__new__(Inputs)
    with autograd.set_grad_enabled(grad_mode):
        fast_arrays, fast_records = run_forward(Inputs, fast, args)
        general_arrays, general_records = record_inputs(general, args)
    assert fast_records == general_records
    assert fast.needs_input_grad == general.needs_input_grad
    assert [type(a) for a in fast_arrays] == [type(a) for a in general_arrays]
    assert all(f is g or f == g for f, g in zip(fast_arrays, general_arrays))
    if general_records:
        assert fast._edges == general._edges and fast._seq < general._seq  # both numbered, fast first


def test_a_saved_output_changed_in_place_is_caught():
    x = autograd.tensor([0.5, 1.0], requires_grad=True)
    y = x.tanh()
    with autograd.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.sum().backward()


@pytest.mark.parametrize("shape", [(), (3,)])
def test_later_gradients_add_into_the_grad_the_user_holds(shape):
    """The quick path for a gradient of the kind .grad holds (a NumPy scalar, or an array of its shape)."""
    x = autograd.tensor(np.full(shape, 2.0, dtype=np.float32), requires_grad=True)
    (x * x).sum().backward()
    held = x.grad
    (x * x * 3).sum().backward()
    assert x.grad is held
    assert x.grad.dtype == autograd.float32
    np.testing.assert_array_equal(held.numpy(), np.full(shape, 4.0 + 12.0, dtype=np.float32))


def test_later_zero_dimensional_gradients_added_in_the_backward_loop_equal_the_general_path():
    """A 0-d leaf's later gradients are added in the backward loop (no accumulate_grad call): the same
    sums as a pass that holds them back for `inputs=` and accumulates them at its end."""
    fast, general = autograd.tensor(2.0, requires_grad=True), autograd.tensor(2.0, requires_grad=True)
    for _ in range(3):
        (fast * fast + fast * 3.0).backward()
        y = general * general + general * 3.0
        autograd.backward([y], inputs=[general])
    assert type(fast.grad._data) is type(general.grad._data) is np.float32
    assert fast.grad.item() == general.grad.item() == 3 * (2 * 2.0 + 3.0)


def test_a_later_gradient_into_a_grad_that_requires_grad_is_added_out_of_place():
    """A `.grad` left by a create_graph pass is part of a graph: a later plain pass adds out of place."""
    x = autograd.tensor(2.0, requires_grad=True)
    (x * x).backward(create_graph=True)
    first = x.grad
    (x * 3.0).backward()
    assert first.item() == 4.0 and x.grad.item() == 7.0


@pytest.mark.parametrize("root_output", [0, 1])
def test_a_backward_from_one_root_equals_the_general_start(root_output):
    """`y.backward()` starts without the general set-up (one root, nothing wanted); `inputs=` takes the general one."""
    rng = np.random.default_rng(4)
    data = rng.standard_normal((2, 3))
    gradient = autograd.tensor(rng.standard_normal((1, 3)))

    def run(general: bool) -> np.ndarray:
        x = autograd.tensor(data, requires_grad=True)
        y = (x.tanh() * x + x.exp()).split(1)[root_output]  # a root that is output 1 of its node, too
        if general:
            autograd.backward([y], [gradient], inputs=[x])
        else:
            y.backward(gradient)
        return x.grad.numpy()

    np.testing.assert_array_equal(run(general=False), run(general=True))


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_a_plain_backward_equals_the_general_pass(shape):
    """`loss.backward()` (no gradient, inputs or create_graph) takes plain_backward; `inputs=` the general pass."""
    rng = np.random.default_rng(5)
    data = rng.standard_normal((2, 3))
    other = rng.standard_normal(shape)

    def run(general: bool) -> np.ndarray:
        x = autograd.tensor(data, requires_grad=True)
        y = ((x.tanh() * x).sum() + x.exp().mean()) * autograd.tensor(other)
        if general:
            autograd.backward([y], inputs=[x])
        else:
            y.backward()
        return x.grad.numpy()

    np.testing.assert_array_equal(run(general=False), run(general=True))


def test_a_plain_backward_frees_the_graph_unless_retained():
    x = autograd.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()  # retained: a second pass runs
    assert x.grad.item() == 8.0
    with pytest.raises(RuntimeError, match="second time|freed"):
        y.backward()


def test_a_scalar_root_starts_from_a_one_of_its_dtype():
    for dtype in (autograd.float16, autograd.float32, autograd.float64):
        x = autograd.tensor(1.5, dtype=dtype, requires_grad=True)
        (x * 2).backward()
        assert x.grad.dtype == dtype
        assert x.grad.item() == 2.0


@given(
    n=st.sampled_from([1, 255, 256, 1000]),
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    bound=st.sampled_from([0, 0.5, -2, float("inf"), float("nan")]),
    seed=st.integers(0, 2**16),
)
def test_limits_against_a_full_array_equal_numpys_against_the_number(n, dtype, bound, seed):
    from autograd.ops.limits import at_least, at_most

    x = (np.random.default_rng(seed).standard_normal(n) * 3).astype(dtype)
    x[::7] = np.nan
    x[1::11] = -np.inf
    x[2::13] = np.inf
    for fast, numpy_limit in ((at_least, np.maximum), (at_most, np.minimum)):
        got, expected = fast(x, bound), numpy_limit(x, bound)
        assert got.dtype == expected.dtype == dtype
        np.testing.assert_array_equal(got, expected)


def test_limits_of_a_strided_view_equal_numpys():
    from autograd.ops.limits import at_least, at_most

    x = np.random.default_rng(0).standard_normal((40, 30)).astype(np.float32).T[::2]
    np.testing.assert_array_equal(at_least(x, 0), np.maximum(x, 0))
    np.testing.assert_array_equal(at_most(x, 0.25), np.minimum(x, 0.25))


def test_relu_and_clamp_of_a_large_tensor_equal_numpys_limits():
    x = np.random.default_rng(3).standard_normal((64, 100)).astype(np.float32)
    x[0, :5] = [np.nan, -np.inf, np.inf, 0.0, -0.0]
    t = autograd.tensor(x)
    np.testing.assert_array_equal(t.relu().numpy(), np.maximum(x, 0))
    np.testing.assert_array_equal(t.clamp(min=-0.5).numpy(), np.maximum(x, -0.5))
    np.testing.assert_array_equal(t.clamp(max=0.5).numpy(), np.minimum(x, 0.5))


@pytest.mark.parametrize(("rows", "cols"), [(1, 1), (5, 7), (300, 64)])
def test_an_outer_product_as_a_broadcast_multiply_equals_matmul_exactly(rows, cols):
    from autograd.ops.linear import matrix_product

    rng = np.random.default_rng(rows)
    a, b = rng.standard_normal((rows, 1)).astype(np.float32), rng.standard_normal((1, cols)).astype(np.float32)
    np.testing.assert_array_equal(matrix_product(a, b), a @ b)


def test_a_product_with_mismatched_inner_dimensions_is_refused_not_broadcast():
    from autograd.ops.linear import matrix_product

    with pytest.raises(ValueError):
        matrix_product(np.ones((3, 1)), np.ones((3, 3)))  # a broadcast multiply would give a 3x3 result


@pytest.mark.parametrize("rows", [3, 255, 256, 1279])
def test_column_sums_as_a_product_with_ones_equal_numpys_sum(rows):
    from autograd.ops.linear import column_sums

    g = np.random.default_rng(rows).standard_normal((rows, 64)).astype(np.float32)
    np.testing.assert_allclose(column_sums(g), g.sum(axis=0, dtype=np.float64), rtol=1e-5, atol=1e-4)
    assert column_sums(g).dtype == np.float32 and column_sums(g).shape == (64,)


@pytest.mark.parametrize("rows", [4, 300])
def test_linear_layers_of_one_input_and_one_output_match_the_matrix_formulas(rows):
    """A 1-in layer's forward and a 1-out layer's input gradient are outer products; a tall bias gradient
    is a product with ones: each against the plain NumPy formula."""
    rng = np.random.default_rng(rows)
    x = rng.standard_normal((rows, 1)).astype(np.float32)
    w1, b1 = rng.standard_normal((8, 1)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    w2, b2 = rng.standard_normal((1, 8)).astype(np.float32), rng.standard_normal(1).astype(np.float32)
    xt = autograd.tensor(x, requires_grad=True)
    params = [autograd.tensor(p, requires_grad=True) for p in (w1, b1, w2, b2)]
    h = autograd.linear(xt, params[0], params[1])
    y = autograd.linear(h, params[2], params[3])
    y.sum().backward()
    h_ref = x @ w1.T + b1
    np.testing.assert_array_equal(h.detach().numpy(), h_ref)
    g_y = np.ones((rows, 1), np.float32)
    g_h = g_y @ w2
    np.testing.assert_allclose(params[2].grad.numpy(), g_y.T @ h_ref, rtol=1e-5)
    np.testing.assert_allclose(params[3].grad.numpy(), g_y.sum(axis=0), rtol=1e-6)
    np.testing.assert_allclose(params[1].grad.numpy(), g_h.sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(params[0].grad.numpy(), g_h.T @ x, rtol=1e-5)
    np.testing.assert_allclose(xt.grad.numpy(), g_h @ w1, rtol=1e-5)


TWO_TENSOR_OPS = ["Add", "Sub", "Mul", "MatMul", "Linear", "Linear without bias", "MseLoss"]


def _two_tensor_node_parts(t):
    """What a node and its output hold, for comparing two ways of making them."""
    node = t.grad_fn
    parts = [type(t._data), t._data.dtype, t.requires_grad, type(node)]
    if node is not None:
        parts += [node.needs_input_grad, node._edges, node._saved_refs]
        parts += [id(v) for v in node._saved or ()]  # the very arrays of the inputs, not copies
    return parts


def _two_tensor_op(op_name, a, b):
    """The op's class and its arguments: two Tensors (and a bias or None for linear)."""
    from autograd.ops import add, linear, matmul, mse_loss, mul, sub

    if op_name == "MatMul":
        return matmul.MatMul, (a.reshape(-1, 1), b.reshape(1, -1))  # an outer product: any two sizes multiply
    if op_name.startswith("Linear"):
        bias = None if op_name.endswith("without bias") else _tensor(True).reshape(-1)[: b.numel()]
        return linear.Linear, (a.reshape(-1, 1), b.reshape(-1, 1), bias)
    if op_name == "MseLoss":
        return mse_loss.MseLoss, (a, b, "mean")
    return {"Add": add.Add, "Sub": sub.Sub, "Mul": mul.Mul}[op_name], (a, b)


@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize("kinds", list(itertools.product(TENSOR_KINDS, repeat=2)))
@pytest.mark.parametrize("op_name", TWO_TENSOR_OPS)
def test_two_tensor_ops_made_in_one_call_equal_apply(op_name, kinds, grad_mode):
    """apply_two_tensors (a + b, a * b, a.mm(b), linear(x, w, b), mse_loss(x, y)) against Function.apply: the same
    output, node, flags, edges and saved arrays; then the same gradients."""
    from autograd.function import apply_two_tensors

    cls, args = _two_tensor_op(op_name, _tensor(kinds[0]), _tensor(kinds[1]))
    with autograd.set_grad_enabled(grad_mode):
        fast, general = apply_two_tensors(cls, *args), cls.apply(*args)
    np.testing.assert_array_equal(fast.numpy(force=True), general.numpy(force=True))
    assert _two_tensor_node_parts(fast) == _two_tensor_node_parts(general)
    if fast.requires_grad:
        leaves = [t for t in args if isinstance(t, autograd.Tensor) and t.requires_grad]
        fast_grads = autograd.grad(fast.sum(), leaves, allow_unused=True)
        general_grads = autograd.grad(general.sum(), leaves, allow_unused=True)
        assert [g is None for g in fast_grads] == [g is None for g in general_grads]
        for f, g in zip(fast_grads, general_grads):
            if g is not None:
                np.testing.assert_array_equal(f.numpy(), g.numpy())


ONE_TENSOR_OPS = {  # the op's class and the constants after the tensor, as their module functions pass them
    "Relu": ("relu", "Relu", ()),
    "Clamp": ("clamp", "Clamp", (0.5, None)),
    "Sum": ("sum", "Sum", (None, False)),
    "Sum over a dim": ("sum", "Sum", ((0,), True)),
    "PowConstant": ("pow", "PowConstant", (2,)),
    "Add a float": ("add", "Add", (1.5,)),
    "Mul by a float": ("mul", "Mul", (-2.0,)),
}


@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize("kind", TENSOR_KINDS)
@pytest.mark.parametrize("op_name", list(ONE_TENSOR_OPS))
def test_one_tensor_ops_made_in_one_call_equal_apply(op_name, kind, grad_mode):
    """apply_one_tensor (x.relu(), x.clamp(min=0), x.sum(), x ** 2, x * 2.0 on a Tensor) against Function.apply:
    the same output, node, flags, edges and saved arrays; then the same gradients."""
    import importlib

    from autograd.function import apply_one_tensor

    module, name, constants = ONE_TENSOR_OPS[op_name]
    cls = getattr(importlib.import_module(f"autograd.ops.{module}"), name)
    x = _tensor(kind)
    with autograd.set_grad_enabled(grad_mode):
        fast, general = apply_one_tensor(cls, x, *constants), cls.apply(x, *constants)
    np.testing.assert_array_equal(fast.numpy(force=True), general.numpy(force=True))
    assert _two_tensor_node_parts(fast) == _two_tensor_node_parts(general)
    if fast.requires_grad:
        (fast_grad,) = autograd.grad(fast.sum(), [x])
        (general_grad,) = autograd.grad(general.sum(), [x])
        np.testing.assert_array_equal(fast_grad.numpy(), general_grad.numpy())


def test_an_op_on_a_tensor_and_a_numpy_scalar_records_the_scalar_as_a_number():
    """A NumPy scalar constant is not one apply_one_tensor passes on as it is: the general path makes it a number."""
    from autograd.function import apply_one_tensor
    from autograd.ops.pow import PowConstant

    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = apply_one_tensor(PowConstant, x, np.float64(3.0))
    assert y.dtype == autograd.float32
    np.testing.assert_array_equal(y.detach().numpy(), [1.0, 8.0])


def test_an_integer_tensor_made_in_one_call_records_nothing():
    c = autograd.tensor([1, -2]).relu()
    assert c.dtype == autograd.int64 and c.grad_fn is None and c.tolist() == [1, 0]


def test_an_op_on_one_tensor_that_numpy_refuses_names_the_op():
    with pytest.raises(TypeError, match=r"PowConstant: .*input shapes: \(2,\)"):
        autograd.ones(2, requires_grad=True) ** "a"


def test_two_integer_tensors_made_in_one_call_record_nothing():
    a = autograd.tensor([1, 2])
    b = autograd.tensor([3, 4])
    c = a * b
    assert c.dtype == autograd.int64 and c.grad_fn is None and c.tolist() == [3, 8]


def test_an_op_on_two_tensors_that_numpy_refuses_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"Add: .*input shapes: \(2,\), \(3,\)"):
        autograd.ones(2, requires_grad=True) + autograd.ones(3)
