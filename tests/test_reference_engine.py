"""The reference engine (autograd/reference.py) is the textbook and the oracle of the fast one.

Every differentiable op class runs through both engines on the same random inputs,
and so do random programs built from several ops; values and gradients must agree.
The ops' own math is checked against NumPy elsewhere (tests/test_ops_*.py): what
this file checks is the fast engine's bookkeeping (edges, the order nodes run in,
summed gradients, leaves, saved tensors, its speed tricks) against the plain one.
"""

from __future__ import annotations

import ast
import doctest
import io
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_shapes, nonzero_arrays, positive_arrays, shapes

import autograd
from autograd import reference
from autograd.function import Function
from autograd.ops.abs import Abs
from autograd.ops.add import Add
from autograd.ops.atan2 import Atan2
from autograd.ops.binary_cross_entropy import BinaryCrossEntropy
from autograd.ops.binary_cross_entropy_with_logits import BinaryCrossEntropyWithLogits
from autograd.ops.cat import Cat
from autograd.ops.clamp import Clamp
from autograd.ops.clone import Clone
from autograd.ops.conv2d import Conv2d, Conv2dInputGrad, Conv2dWeightGrad
from autograd.ops.copy import CopyFrom
from autograd.ops.cumprod import Cumprod
from autograd.ops.cumsum import Cumsum
from autograd.ops.div import Div
from autograd.ops.einsum import Einsum
from autograd.ops.erf import Erf, Erfc
from autograd.ops.exp import Exp
from autograd.ops.expand import Expand
from autograd.ops.expm1 import Expm1
from autograd.ops.gelu import Gelu, GeluTanh
from autograd.ops.getitem import GetItem, IndexAdd
from autograd.ops.l1_loss import L1Loss
from autograd.ops.layer_norm import LayerNorm
from autograd.ops.leaky_relu import LeakyRelu
from autograd.ops.linear import Linear
from autograd.ops.log import Log
from autograd.ops.log1p import Log1p
from autograd.ops.log_softmax import LogSoftmax
from autograd.ops.logaddexp import LogAddExp
from autograd.ops.logsumexp import LogSumExp
from autograd.ops.lstm_recurrence import LSTMRecurrence
from autograd.ops.matmul import MatMul
from autograd.ops.max import MaxAll, MaxDim
from autograd.ops.maximum import Maximum
from autograd.ops.mean import Mean
from autograd.ops.mse_loss import MseLoss
from autograd.ops.mul import Mul
from autograd.ops.nan_to_num import NanToNum
from autograd.ops.neg import Neg
from autograd.ops.nll_loss import NllLoss
from autograd.ops.pad import Pad
from autograd.ops.permute import Permute
from autograd.ops.pooling import AvgPool2d, MaxPool2d, WindowGather, WindowScatter
from autograd.ops.pow import Pow, PowConstant
from autograd.ops.prod import Prod
from autograd.ops.reciprocal import Reciprocal
from autograd.ops.relu import Relu
from autograd.ops.remainder import Remainder
from autograd.ops.reshape import Reshape
from autograd.ops.rounding import Rounding
from autograd.ops.rsqrt import Rsqrt
from autograd.ops.setitem import IndexPut
from autograd.ops.sigmoid import Sigmoid
from autograd.ops.sign import Sign
from autograd.ops.silu import Silu
from autograd.ops.sin_cos import Cos, Sin
from autograd.ops.sliding_windows import SlidingWindows
from autograd.ops.softmax import Softmax
from autograd.ops.softplus import Softplus
from autograd.ops.split import Split
from autograd.ops.sqrt import Sqrt
from autograd.ops.stack import Stack
from autograd.ops.sub import Sub
from autograd.ops.sum import Sum
from autograd.ops.tanh import Tanh
from autograd.ops.to import Cast
from autograd.ops.unbind import Unbind
from autograd.ops.where import Where

REFERENCE = Path(reference.__file__)


@dataclass
class Leaf:
    """An input array that becomes a tensor in each engine (requiring grad unless `grad=False`)."""

    array: np.ndarray
    grad: bool = True


Case = Callable[[st.DataObject], list[Any]]  # draws the arguments of one op: Leafs and constants


def draw(data: st.DataObject, strategy: st.SearchStrategy[Any]) -> Any:
    return data.draw(strategy)


def one_array(domain: Callable[..., st.SearchStrategy[np.ndarray]] = arrays) -> Case:
    return lambda data: [Leaf(draw(data, shapes().flatmap(domain)))]


def two_broadcasting(
    first: Callable[..., st.SearchStrategy[np.ndarray]] = arrays,
    second: Callable[..., st.SearchStrategy[np.ndarray]] = arrays,
) -> Case:
    def case(data: st.DataObject) -> list[Any]:
        sa, sb = draw(data, broadcastable_shapes())
        return [Leaf(draw(data, first(sa))), Leaf(draw(data, second(sb)))]

    return case


def reduction(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1).flatmap(arrays))
    axes = draw(data, st.none() | st.sets(st.integers(0, x.ndim - 1), min_size=1).map(lambda s: tuple(sorted(s))))
    return [Leaf(x), axes, draw(data, st.booleans())]


def along_dim(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1).flatmap(arrays))
    return [Leaf(x), draw(data, st.integers(0, x.ndim - 1))]


def split_case(data: st.DataObject) -> list[Any]:
    x, dim = along_dim(data)
    cuts = sorted(draw(data, st.lists(st.integers(0, x.array.shape[dim]), max_size=3)))
    return [x, dim, (0, *cuts, x.array.shape[dim])]


def lstm_case(data: st.DataObject) -> list[Any]:
    steps, batch, hidden = draw(data, st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)))
    with_bias = draw(data, st.booleans())
    return [
        Leaf(draw(data, arrays((steps, batch, 4 * hidden)))),
        Leaf(draw(data, arrays((batch, hidden)))),
        Leaf(draw(data, arrays((batch, hidden)))),
        Leaf(draw(data, arrays((4 * hidden, hidden)))),
        Leaf(draw(data, arrays((4 * hidden,)))) if with_bias else None,
        draw(data, st.booleans()),
    ]


def max_dim(data: st.DataObject) -> list[Any]:
    x, dim = along_dim(data)
    return [x, dim, draw(data, st.booleans()), draw(data, st.booleans())]


def clamp(data: st.DataObject) -> list[Any]:
    lo, hi = draw(data, st.sampled_from([(-0.5, None), (None, 0.5), (-0.5, 0.5)]))
    return [*one_array()(data), lo, hi]


def pow_constant(data: st.DataObject) -> list[Any]:
    return [*one_array(positive_arrays)(data), draw(data, st.sampled_from([2, 3, 0.5, -1.0, 0]))]


def where(data: st.DataObject) -> list[Any]:
    sc, sa, sb = draw(data, broadcastable_shapes(num_shapes=3))
    cond = np.asarray(draw(data, arrays(sc))) > 0
    return [cond, Leaf(draw(data, arrays(sa))), Leaf(draw(data, arrays(sb)))]


def reshape(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes().flatmap(arrays))
    return [Leaf(x), draw(data, st.sampled_from([(x.size,), (1, x.size), (x.size, 1), x.shape[::-1]]))]


def permute(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1).flatmap(arrays))
    return [Leaf(x), tuple(draw(data, st.permutations(range(x.ndim))))]


def expand(data: st.DataObject) -> list[Any]:
    sx, _ = draw(data, broadcastable_shapes())
    target = tuple(draw(data, st.integers(2, 3)) if s == 1 else s for s in sx)
    return [Leaf(draw(data, arrays(sx))), (2, *target)]


def getitem(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1).flatmap(arrays))
    n = x.shape[0]
    index = draw(data, st.sampled_from([slice(0, n, 2), 0, (Ellipsis, None), np.array([0, n - 1, 0])]))
    return [Leaf(x), index]


def index_add(data: st.DataObject) -> list[Any]:
    values = draw(data, arrays((3, 2)))
    return [Leaf(values), np.array([0, 2, 0]), (4, 2)]


def joined(data: st.DataObject) -> list[Any]:
    shape = draw(data, shapes(min_dims=1, max_dims=3))
    parts = [Leaf(draw(data, arrays(shape))), Leaf(draw(data, arrays(shape)), grad=draw(data, st.booleans()))]
    return [draw(data, st.integers(0, len(shape) - 1)), *parts]


def stacked(data: st.DataObject) -> list[Any]:
    shape = draw(data, shapes(max_dims=3))
    return [draw(data, st.integers(0, len(shape))), Leaf(draw(data, arrays(shape))), Leaf(draw(data, arrays(shape)))]


def pad(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1, max_dims=3).flatmap(arrays))
    widths = tuple(draw(data, st.tuples(st.integers(0, 2), st.integers(0, 2))) for _ in x.shape)
    return [Leaf(x), widths, 0.5]


def matmul(data: st.DataObject) -> list[Any]:
    n, k, m, b = (draw(data, st.integers(1, 3)) for _ in range(4))
    sa, sb = draw(
        data,
        st.sampled_from(
            [
                ((n, k), (k, m)),
                ((k,), (k, m)),
                ((n, k), (k,)),
                ((k,), (k,)),
                ((b, n, k), (k, m)),
                ((b, 1, n, k), (b, k, m)),
            ]
        ),
    )
    return [Leaf(draw(data, arrays(sa))), Leaf(draw(data, arrays(sb)))]


def linear(data: st.DataObject) -> list[Any]:
    n, i, o = (draw(data, st.integers(1, 3)) for _ in range(3))
    bias = Leaf(draw(data, arrays((o,)))) if draw(data, st.booleans()) else None
    return [Leaf(draw(data, arrays((n, i)))), Leaf(draw(data, arrays((o, i)))), bias]


def pair_loss(data: st.DataObject) -> list[Any]:
    shape = draw(data, shapes())
    reduction = draw(data, st.sampled_from(["mean", "sum", "none"]))
    return [Leaf(draw(data, arrays(shape))), Leaf(draw(data, arrays(shape))), reduction]


def binary_cross_entropy(data: st.DataObject) -> list[Any]:
    shape = draw(data, shapes())
    p, y = draw(data, arrays(shape, 0.05, 0.95)), draw(data, arrays(shape, 0.0, 1.0))
    weight = draw(data, st.none() | arrays(shape, 0.5, 2.0))
    return [Leaf(p), Leaf(y), weight, draw(data, st.sampled_from(["mean", "sum", "none"]))]


def binary_cross_entropy_with_logits(data: st.DataObject) -> list[Any]:
    x, y, weight, reduction = binary_cross_entropy(data)
    pos_weight = draw(data, st.none() | st.just(np.full(x.array.shape[-1:] or (), 1.5)))
    return [Leaf(x.array * 4 - 2), y, weight, pos_weight, reduction]


def nll_loss(data: st.DataObject) -> list[Any]:
    n, c = draw(data, st.integers(1, 4)), draw(data, st.integers(2, 4))
    target = np.array(draw(data, st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    weight = draw(data, st.none() | st.just(np.linspace(0.5, 2.0, c)))
    return [
        Leaf(draw(data, arrays((n, c), -3.0, -0.1))),
        target,
        weight,
        -100,
        draw(data, st.sampled_from(["mean", "sum", "none"])),
    ]


def windows(data: st.DataObject, kernel: tuple[int, int]) -> SlidingWindows:
    stride = draw(data, st.sampled_from([(1, 1), (2, 1), (2, 2)]))
    padding = draw(data, st.sampled_from([(0, 0, 0, 0), (1, 1, 1, 1), (0, 1, 1, 0)]))
    return SlidingWindows((5, 4), kernel, stride, padding)


def conv2d(data: st.DataObject) -> list[Any]:
    groups = draw(data, st.sampled_from([1, 2]))
    x, w = draw(data, arrays((2, 2, 5, 4))), draw(data, arrays((2, 2 // groups, 2, 3)))
    bias = Leaf(draw(data, arrays((2,)))) if draw(data, st.booleans()) else None
    return [Leaf(x), Leaf(w), bias, windows(data, (2, 3)), groups]


def conv2d_input_grad(data: st.DataObject) -> list[Any]:
    win = windows(data, (2, 3))
    g = draw(data, arrays((2, 2, *win.out_size)))
    return [Leaf(g), Leaf(draw(data, arrays((2, 2, 2, 3)))), win, 1, (2, 2, 5, 4)]


def conv2d_weight_grad(data: st.DataObject) -> list[Any]:
    win = windows(data, (2, 3))
    g = draw(data, arrays((2, 2, *win.out_size)))
    return [Leaf(draw(data, arrays((2, 2, 5, 4)))), Leaf(g), win, 1, (2, 2, 2, 3)]


def pooling(data: st.DataObject) -> list[Any]:
    return [Leaf(draw(data, arrays((2, 1, 5, 4)))), windows(data, (2, 2))]


def window_gather(data: st.DataObject) -> list[Any]:
    return [Leaf(draw(data, arrays((1, 2, 5, 4)))), None, windows(data, (2, 2))]


def window_scatter(data: st.DataObject) -> list[Any]:
    win = windows(data, (2, 2))
    return [Leaf(draw(data, arrays((1, 2, *win.out_size)))), None, win]


def copy_from(data: st.DataObject) -> list[Any]:
    sd, ss = draw(data, broadcastable_shapes())
    target = np.broadcast_shapes(sd, ss)
    return [Leaf(draw(data, arrays(target))), Leaf(draw(data, arrays(ss)))]


def index_put(data: st.DataObject) -> list[Any]:
    x = draw(data, arrays((4, 3)))
    return [
        Leaf(x),
        Leaf(draw(data, arrays((3,)))),
        draw(data, st.sampled_from([1, (slice(0, 4, 2),), np.array([0, 2])])),
    ]


def einsum_case(data: st.DataObject) -> list[Any]:
    n, m, k = draw(data, st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)))
    equation = draw(data, st.sampled_from(["ij,jk->ik", "ij,jk->", "ij,jk->ki"]))
    return [equation, Leaf(draw(data, arrays((n, m)))), Leaf(draw(data, arrays((m, k))))]


def prod_case(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1).flatmap(arrays))
    return [Leaf(x), draw(data, st.none() | st.integers(0, x.ndim - 1)), draw(data, st.booleans())]


def layer_norm_case(data: st.DataObject) -> list[Any]:
    x = draw(data, shapes(min_dims=1).flatmap(arrays))
    n = draw(data, st.integers(1, x.ndim))
    normalized = x.shape[x.ndim - n :]
    weight, bias = draw(data, arrays(normalized)), draw(data, arrays(normalized))
    return [Leaf(x), Leaf(weight), Leaf(bias), n, 1e-5]


CASES: dict[type[Function], Case] = {
    Add: two_broadcasting(),
    Sub: two_broadcasting(),
    Mul: two_broadcasting(),
    Div: two_broadcasting(arrays, nonzero_arrays),
    Pow: two_broadcasting(positive_arrays, arrays),
    PowConstant: pow_constant,
    Maximum: two_broadcasting(),
    Neg: one_array(),
    Abs: one_array(nonzero_arrays),
    Exp: one_array(),
    Log: one_array(positive_arrays),
    Sqrt: one_array(positive_arrays),
    Sin: one_array(),
    Cos: one_array(),
    Tanh: one_array(),
    Sigmoid: one_array(),
    Relu: one_array(nonzero_arrays),
    Sign: one_array(nonzero_arrays),
    Log1p: one_array(positive_arrays),
    Expm1: one_array(),
    Reciprocal: one_array(nonzero_arrays),
    Rsqrt: one_array(positive_arrays),
    Silu: one_array(),
    Rounding: lambda data: [*one_array()(data), draw(data, st.sampled_from(["floor", "ceil", "trunc", "round"])), 0],
    Remainder: lambda data: [*two_broadcasting(arrays, nonzero_arrays)(data), draw(data, st.booleans())],
    Atan2: two_broadcasting(nonzero_arrays, nonzero_arrays),
    LogAddExp: two_broadcasting(),
    Softplus: lambda data: [*one_array()(data), draw(data, st.sampled_from([1.0, 2.0])), 1.0],
    NanToNum: lambda data: [*one_array()(data), 0.0, None, None],
    Cumsum: along_dim,
    Cumprod: along_dim,
    Split: split_case,
    LSTMRecurrence: lstm_case,
    Unbind: along_dim,
    Einsum: einsum_case,
    Prod: prod_case,
    LayerNorm: layer_norm_case,
    Erf: one_array(),
    Erfc: one_array(),
    Gelu: one_array(),
    GeluTanh: one_array(),
    Clone: one_array(),
    Clamp: clamp,
    LeakyRelu: lambda data: [*one_array(nonzero_arrays)(data), 0.1],
    Where: where,
    Cast: lambda data: [*one_array()(data), np.dtype(np.float32)],
    Sum: reduction,
    Mean: reduction,
    LogSumExp: reduction,
    MaxAll: reduction,
    MaxDim: max_dim,
    Softmax: along_dim,
    LogSoftmax: along_dim,
    Reshape: reshape,
    Permute: permute,
    Expand: expand,
    GetItem: getitem,
    IndexAdd: index_add,
    Cat: joined,
    Stack: stacked,
    Pad: pad,
    MatMul: matmul,
    Linear: linear,
    MseLoss: pair_loss,
    L1Loss: pair_loss,
    BinaryCrossEntropy: binary_cross_entropy,
    BinaryCrossEntropyWithLogits: binary_cross_entropy_with_logits,
    NllLoss: nll_loss,
    Conv2d: conv2d,
    Conv2dInputGrad: conv2d_input_grad,
    Conv2dWeightGrad: conv2d_weight_grad,
    MaxPool2d: pooling,
    AvgPool2d: pooling,
    WindowGather: window_gather,
    WindowScatter: window_scatter,
    CopyFrom: copy_from,
    IndexPut: index_put,
}


def all_op_classes() -> set[type[Function]]:
    found: set[type[Function]] = set()
    stack = [Function]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("autograd.ops."):
                found.add(sub)
    return found


def fast_args(spec: list[Any]) -> list[Any]:
    return [autograd.tensor(a.array, requires_grad=a.grad) if isinstance(a, Leaf) else a for a in spec]


def reference_args(spec: list[Any]) -> list[Any]:
    return [reference.Tensor(a.array.copy(), requires_grad=a.grad) if isinstance(a, Leaf) else a for a in spec]


def differentiable_output(out: Any, seed: int) -> Any:
    """The op's floating output (MaxDim also returns integer indices); of several (Split, Unbind), one chosen by
    `seed`, so the others are outputs nothing flows into."""
    outs = out if isinstance(out, tuple) else (out,)
    floating = [
        o
        for o in outs
        if np.asarray(o.data if isinstance(o, reference.Tensor) else o.detach().numpy()).dtype.kind == "f"
    ]
    assert floating
    return floating[seed % len(floating)]


def assert_engines_agree(op: type[Function], spec: list[Any], seed: int) -> None:
    fast_inputs, ref_inputs = fast_args(spec), reference_args(spec)
    fast_out = differentiable_output(op.apply(*fast_inputs), seed)
    ref_out = differentiable_output(reference.apply(op, *ref_inputs), seed)
    values = ref_out.data
    np.testing.assert_allclose(fast_out.detach().numpy(), values, rtol=1e-6 if values.dtype == np.float32 else 1e-12)
    weights = np.random.default_rng(seed).standard_normal(values.shape).astype(values.dtype)
    fast_out.backward(autograd.tensor(weights))
    ref_out.backward(weights)
    for i, (f, r) in enumerate(zip(fast_inputs, ref_inputs)):
        if isinstance(r, reference.Tensor) and r.requires_grad:
            expected = np.zeros(r.shape) if r.grad is None else r.grad
            got = np.zeros(r.shape) if f.grad is None else f.grad.numpy()
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=f"{op.__name__}: input {i}")


@pytest.mark.parametrize("op", sorted(CASES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_every_op_gives_the_same_values_and_gradients_in_both_engines(
    op: type[Function], data: st.DataObject, seed: int
) -> None:
    assert_engines_agree(op, CASES[op](data), seed)


@pytest.mark.parametrize("op", sorted(CASES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_an_op_that_saves_its_output_says_so(op: type[Function], data: st.DataObject) -> None:
    """Only ops declaring `saves_output` have their output looked for among what they saved (the fast
    engine's trick, see Function.saves_output): one saving it unannounced would lose its in-place check."""
    out = op.apply(*fast_args(CASES[op](data)))
    outs = out if isinstance(out, tuple) else (out,)
    saved = [v for o in outs if o.grad_fn is not None for v in (o.grad_fn._saved or ())]
    if any(v is o._data for o in outs for v in saved):
        assert op.saves_output, f"{op.__name__} saves its output: give it saves_output = True"


def test_every_op_class_is_checked_against_the_reference_engine() -> None:
    missing = {c.__name__ for c in all_op_classes()} - {c.__name__ for c in CASES}
    assert not missing, f"add these ops to CASES in tests/test_reference_engine.py: {sorted(missing)}"


# -- random programs: several ops, tensors used more than once, broadcasting -----------------------

UNARY = [Neg, Exp, Tanh, Sigmoid, Sin]
BINARY = [Add, Sub, Mul, Maximum]


@st.composite
def programs(draw_: st.DrawFn) -> tuple[list[np.ndarray], list[tuple[Any, ...]]]:
    """Leaves of broadcastable shapes, then steps (op, operand indices) over everything made so far."""
    leaf_shapes = draw_(broadcastable_shapes(num_shapes=3, max_dims=3))
    leaves = [draw_(arrays(s)) for s in leaf_shapes]
    steps = []
    for n in range(len(leaves), len(leaves) + draw_(st.integers(1, 8))):
        if draw_(st.booleans()):
            steps.append((draw_(st.sampled_from(UNARY)), draw_(st.integers(0, n - 1))))
        else:
            steps.append((draw_(st.sampled_from(BINARY)), draw_(st.integers(0, n - 1)), draw_(st.integers(0, n - 1))))
    return leaves, steps


def run_program(
    make: Callable[[np.ndarray], Any], run: Callable[..., Any], leaves: list[np.ndarray], steps: list[tuple[Any, ...]]
) -> tuple[list[Any], Any]:
    values = [make(a) for a in leaves]
    inputs = list(values)
    for op, *operands in steps:
        values.append(run(op, *(values[i] for i in operands)))
    return inputs, values[-1]


@given(program=programs(), seed=st.integers(0, 2**16))
def test_random_programs_give_the_same_values_and_gradients_in_both_engines(
    program: tuple[list[np.ndarray], list[tuple[Any, ...]]], seed: int
) -> None:
    leaves, steps = program
    fast_in, fast_out = run_program(
        lambda a: autograd.tensor(a, requires_grad=True), lambda op, *xs: op.apply(*xs), leaves, steps
    )
    ref_in, ref_out = run_program(lambda a: reference.Tensor(a, requires_grad=True), reference.apply, leaves, steps)
    np.testing.assert_allclose(fast_out.detach().numpy(), ref_out.data, rtol=1e-12)
    weights = np.random.default_rng(seed).standard_normal(ref_out.shape)
    fast_out.backward(autograd.tensor(weights))
    ref_out.backward(weights)
    for f, r in zip(fast_in, ref_in):
        expected = np.zeros(r.shape) if r.grad is None else r.grad
        got = np.zeros(r.shape) if f.grad is None else f.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


# Steps written with Python's operators, as users write them: in the fast engine they go through its
# one-frame paths (`apply_two_tensors`, `apply_one_tensor`), not `Function.apply`. A divisor is a leaf.
OPERATOR_STEPS: dict[str, Callable[[Any, Any], Any]] = {
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "a / leaf": lambda a, b: a / b,
    "a * 3.0": lambda a, _: a * 3.0,
    "0.5 * a": lambda a, _: 0.5 * a,
    "2.0 - a": lambda a, _: 2.0 - a,
    "a / 4.0": lambda a, _: a / 4.0,
    "a ** 2": lambda a, _: a**2,
    "a ** 3": lambda a, _: a**3,
    "-a": lambda a, _: -a,
}


@st.composite
def operator_programs(draw_: st.DrawFn) -> tuple[list[np.ndarray], list[bool], list[tuple[str, int, int]]]:
    """Leaves (all 0-d, as in a tiny graph, or of broadcastable shapes), which of them require grad, and
    steps (operator, operand, operand) over everything made so far."""
    if draw_(st.booleans()):
        leaf_shapes: tuple[tuple[int, ...], ...] = ((), (), ())
    else:
        leaf_shapes = draw_(broadcastable_shapes(num_shapes=3, max_dims=2))
    leaves = [draw_(nonzero_arrays(s)) for s in leaf_shapes]
    needs = [draw_(st.booleans()) for _ in leaves]
    steps = []
    for n in range(len(leaves), len(leaves) + draw_(st.integers(1, 6))):
        name = draw_(st.sampled_from(sorted(OPERATOR_STEPS)))
        divisor = draw_(st.integers(0, len(leaves) - 1))
        steps.append(
            (name, draw_(st.integers(0, n - 1)), divisor if name == "a / leaf" else draw_(st.integers(0, n - 1)))
        )
    return leaves, needs, steps


def run_operators(leaves: list[Any], steps: list[tuple[str, int, int]]) -> Any:
    values = list(leaves)
    for name, i, j in steps:
        values.append(OPERATOR_STEPS[name](values[i], values[j]))
    return values[-1]


@settings(max_examples=200)
@given(program=operator_programs(), passes=st.integers(1, 2))
def test_programs_written_with_operators_and_a_plain_backward_match_the_reference_engine(
    program: tuple[list[np.ndarray], list[bool], list[tuple[str, int, int]]], passes: int
) -> None:
    leaves, needs, steps = program
    fast_leaves = [autograd.tensor(a, requires_grad=n) for a, n in zip(leaves, needs)]
    ref_leaves = [reference.Tensor(a, requires_grad=n) for a, n in zip(leaves, needs)]
    for _ in range(passes):  # a second pass on a new graph adds into the gradients of the first
        fast, ref = run_operators(fast_leaves, steps), run_operators(ref_leaves, steps)
        np.testing.assert_allclose(fast.detach().numpy(), ref.data, rtol=1e-12)
        if not fast.requires_grad:
            continue
        if fast.ndim == 0:  # the plain pass from a 0-d root, as `c.backward()` in a tiny graph
            fast.backward()
            ref.backward()
        else:  # the plain pass from the sum, whose gradient is ones
            fast.sum().backward()
            ref.backward(np.ones(ref.shape))
    for f, r in zip(fast_leaves, ref_leaves):
        assert (f.grad is None) == (r.grad is None)
        if r.grad is not None:
            np.testing.assert_allclose(f.grad.numpy(), r.grad, rtol=1e-10, atol=1e-12)


@given(a=arrays((3, 3), 0.5, 2.0), b=arrays((3, 3), 0.5, 2.0))
def test_the_operators_of_both_engines_record_the_same_ops(a: np.ndarray, b: np.ndarray) -> None:
    def program(x: Any, y: Any) -> Any:
        return (x * y - x / (y * y + 1)) ** 2 + (-x) @ y - 2.0**y + (1 - x) * 3.0 + x**y

    fa, fb = autograd.tensor(a, requires_grad=True), autograd.tensor(b, requires_grad=True)
    ra, rb = reference.Tensor(a, requires_grad=True), reference.Tensor(b, requires_grad=True)
    fast, ref = program(fa, fb), program(ra, rb)
    np.testing.assert_allclose(fast.detach().numpy(), ref.data, rtol=1e-12)
    fast.backward(autograd.ones(3, 3, dtype=autograd.float64))
    ref.backward(np.ones((3, 3)))
    assert fa.grad is not None and fb.grad is not None and ra.grad is not None and rb.grad is not None
    np.testing.assert_allclose(fa.grad.numpy(), ra.grad, rtol=1e-10)
    np.testing.assert_allclose(fb.grad.numpy(), rb.grad, rtol=1e-10)


# -- the reference engine itself -------------------------------------------------------------------


def lines_of_code(path: Path) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    source = path.read_text()
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None:
            first = node.body[0]
            docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    code: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            code.update(line for line in range(token.start[0], token.end[0] + 1) if line not in docstrings)
    return len(code)


def test_the_reference_engine_is_at_most_200_lines_of_code() -> None:
    assert lines_of_code(REFERENCE) <= 200


def test_the_reference_engine_imports_only_numpy_and_op_classes() -> None:
    imported = set()
    for node in ast.walk(ast.parse(REFERENCE.read_text())):
        if isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert all(name in {"__future__", "typing", "numpy"} or name.startswith(".ops.") for name in imported), imported


def test_the_reference_engines_docstring_example_runs() -> None:
    result = doctest.testmod(reference)
    assert result.attempted > 0 and result.failed == 0


def test_a_reference_backward_sums_the_gradients_of_every_path() -> None:
    x = reference.Tensor(3.0, requires_grad=True)
    y = x * x + x * 2.0 + x  # dy/dx = 2x + 3
    y.backward()
    assert x.grad == pytest.approx(9.0)


def test_a_reference_backward_needs_a_gradient_for_an_output_with_several_elements() -> None:
    x = reference.Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="gradient"):
        (x * 2.0).backward()


def test_a_reference_chain_of_a_hundred_thousand_ops_runs_without_recursion() -> None:
    x = reference.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == pytest.approx(1.0)
