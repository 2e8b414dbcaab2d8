"""Ops on several tensors, with only some of their floating inputs requiring grad.

An op's forward often saves only what the backward of the inputs that need a gradient
reads (`linear` with only its bias requiring grad once saved nothing and crashed in
backward). For each op on two or more floating tensors, and each non-empty subset of them
requiring grad (the others plain tensors without grad), the backward runs and its gradients
agree with central finite differences (`autograd.gradcheck`, float64, small random shapes);
after `.backward()` each input requiring grad has a `.grad` of its shape and the inputs left
out have none.

Values are drawn away from the points where a derivative jumps: no ties in maximum or
minimum, no input on a clamp bound, no zero difference in l1_loss, no quotient at an
integer in remainder and fmod. Arguments that are not differentiable (a bool condition or
mask, integer indices, the constant weights of the binary cross-entropies) are fixed
arrays captured by the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Tensor

Values = Callable[[np.random.Generator], tuple[np.ndarray, ...]]


@dataclass(frozen=True)
class Case:
    """An op called on floating tensors: their names, how to draw their values, and the call."""

    op: str
    names: tuple[str, ...]
    values: Values
    call: Callable[..., Any]
    discarded: tuple[str, ...] = ()  # inputs whose value the op throws away: their .grad stays None (PyTorch: zeros)


def normal(*shapes: tuple[int, ...]) -> Values:
    """Standard normal values of these shapes."""
    return lambda rng: tuple(rng.standard_normal(s) for s in shapes)


def positive(shape: tuple[int, ...]) -> Callable[[np.random.Generator], np.ndarray]:
    """Values in [0.5, 2]: away from 0 (a denominator, the base of a power, a scale)."""
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def signed_away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values of either sign, at least 0.5 from 0."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)


def apart(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> Values:
    """a and b (broadcasting) at least 0.3 apart everywhere: no ties, no |a - b| at 0."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        b = rng.standard_normal(shape_b)
        return b + signed_away_from_zero(rng, np.broadcast_shapes(shape_a, shape_b)) * 0.6, b

    return draw


def quotient_off_integers(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """a and b with a / b an integer plus a fraction in [0.2, 0.8]: floor and trunc of a / b are constant nearby."""
    b = signed_away_from_zero(rng, (3,))
    q = rng.integers(-2, 3, (2, 3)) + rng.uniform(0.2, 0.8, (2, 3))
    return q * b, b


def clamp_values(*bounds: str) -> Values:
    """x well below, inside or above [lo, hi] (at least 0.4 from each bound), then the bounds asked for."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        x = rng.choice([-2.0, 0.0, 2.0], (2, 3)) + rng.uniform(-0.3, 0.3, (2, 3))
        lo, hi = rng.uniform(-1.3, -0.7, (2, 3)), rng.uniform(0.7, 1.3, (3,))
        return (x,) + tuple({"min": lo, "max": hi}[b] for b in bounds)

    return draw


def probabilities_and_targets(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Probabilities in [0.1, 0.9] (inside binary_cross_entropy's domain) and soft targets in [0, 1]."""
    return rng.uniform(0.1, 0.9, (2, 3)), rng.uniform(0.0, 1.0, (2, 3))


def logits_and_targets(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Logits and soft targets in [0, 1]."""
    return rng.standard_normal((2, 3)), rng.uniform(0.0, 1.0, (2, 3))


def logits_and_class_probabilities(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Logits (N, C) and a probability target of the same shape (rows summing to 1)."""
    p = rng.uniform(0.1, 1.0, (3, 4))
    return rng.standard_normal((3, 4)), p / p.sum(axis=1, keepdims=True)


def these(*draws: Callable[[np.random.Generator], np.ndarray]) -> Values:
    """One value from each draw."""
    return lambda rng: tuple(d(rng) for d in draws)


def divisors(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """A numerator and a denominator at least 0.5 from 0 (broadcast over the rows)."""
    return rng.standard_normal((2, 3)), signed_away_from_zero(rng, (3,))


CONDITION = np.array([[True, False, True], [False, False, True]])
MASK = np.array([[False, True, False], [True, False, False]])
SCATTER_INDEX = np.array([[1, 0, 2], [0, 2, 1]])  # a permutation of each column's rows: no position written twice
ADD_INDEX = np.array([2, 0, 2])  # repeated: the two slices added at 2 accumulate
ROWS = (np.array([0, 2]),)
BCE_WEIGHT = np.array([0.5, 1.0, 2.0])
POS_WEIGHT = np.array([3.0, 0.5, 1.5])
CLASS_WEIGHT = np.array([1.0, 0.5, 2.0, 1.5])


def rows_set(x: Tensor, value: Tensor) -> Tensor:
    """A copy of x with rows 0 and 2 assigned `value` (`y[rows] = value`)."""
    y = x.clone()
    y[ROWS] = value
    return y


CASES = [
    Case("add", ("a", "b"), normal((2, 3), (3,)), autograd.add),
    Case("sub", ("a", "b"), normal((2, 3), (3,)), autograd.sub),
    Case("mul", ("a", "b"), normal((2, 3), (3,)), autograd.mul),
    Case("div", ("a", "b"), divisors, autograd.div),
    Case("pow", ("base", "exponent"), these(positive((2, 3)), lambda rng: rng.standard_normal((3,))), autograd.pow),
    Case(
        "pow operator",
        ("base", "exponent"),
        these(positive((3,)), lambda rng: rng.standard_normal((2, 3))),
        lambda a, b: a**b,
    ),
    Case(
        "atan2",
        ("a", "b"),
        these(lambda rng: signed_away_from_zero(rng, (2, 3)), lambda rng: signed_away_from_zero(rng, (3,))),
        autograd.atan2,
    ),
    Case("maximum", ("a", "b"), apart((2, 3), (3,)), autograd.maximum),
    Case("minimum", ("a", "b"), apart((2, 3), (3,)), autograd.minimum),
    Case("logaddexp", ("a", "b"), normal((2, 3), (3,)), autograd.logaddexp),
    Case("remainder", ("a", "b"), quotient_off_integers, autograd.remainder),
    Case("fmod", ("a", "b"), quotient_off_integers, autograd.fmod),
    Case("lerp", ("start", "end", "weight"), normal((2, 3), (2, 3), (3,)), autograd.lerp),
    Case("where", ("a", "b"), normal((2, 3), (2, 3)), lambda a, b: autograd.where(autograd.tensor(CONDITION), a, b)),
    Case(
        "masked_fill",
        ("x", "value"),
        normal((2, 3), ()),
        lambda x, v: autograd.masked_fill(x, autograd.tensor(MASK), v),
    ),
    Case("clamp", ("x", "min", "max"), clamp_values("min", "max"), lambda x, lo, hi: autograd.clamp(x, lo, hi)),
    Case("clamp min", ("x", "min"), clamp_values("min"), lambda x, lo: autograd.clamp(x, min=lo)),
    Case("clamp max", ("x", "max"), clamp_values("max"), lambda x, hi: autograd.clamp(x, max=hi)),
    Case("matmul", ("a", "b"), normal((2, 3), (3, 4)), autograd.matmul),
    Case("matmul vector", ("a", "b"), normal((3,), (3, 4)), autograd.matmul),
    Case("matmul batched", ("a", "b"), normal((2, 2, 3), (3, 4)), autograd.matmul),
    Case("mm", ("a", "b"), normal((2, 3), (3, 4)), autograd.mm),
    Case("bmm", ("a", "b"), normal((2, 2, 3), (2, 3, 4)), autograd.bmm),
    Case(
        "baddbmm",
        ("x", "batch1", "batch2"),
        normal((2, 2, 4), (2, 2, 3), (2, 3, 4)),
        lambda x, a, b: autograd.baddbmm(x, a, b, beta=0.5, alpha=2.0),
    ),
    Case("dot", ("a", "b"), normal((3,), (3,)), autograd.dot),
    Case("outer", ("a", "b"), normal((2,), (3,)), autograd.outer),
    Case("linear", ("input", "weight", "bias"), normal((4, 3), (2, 3), (2,)), autograd.linear),
    Case("linear batched", ("input", "weight", "bias"), normal((2, 2, 3), (2, 3), (2,)), autograd.linear),
    Case("linear without bias", ("input", "weight"), normal((4, 3), (2, 3)), autograd.linear),
    Case("einsum", ("a", "b"), normal((2, 3), (3, 4)), lambda a, b: autograd.einsum("ij,jk->ik", a, b)),
    Case(
        "einsum three operands",
        ("a", "b", "c"),
        normal((2, 3), (3, 4), (4, 2)),
        lambda a, b, c: autograd.einsum("ij,jk,kl->il", a, b, c),
    ),
    Case("einsum summed alone", ("a", "b"), normal((2, 3), (2, 4)), lambda a, b: autograd.einsum("ij,ik->k", a, b)),
    Case("tensordot", ("a", "b"), normal((2, 3, 4), (3, 4, 2)), autograd.tensordot),
    Case(
        "tensordot paired dims",
        ("a", "b"),
        normal((3, 2), (3, 4)),
        lambda a, b: autograd.tensordot(a, b, dims=([0], [0])),
    ),
    Case("cat", ("a", "b", "c"), normal((2, 1), (2, 3), (2, 2)), lambda a, b, c: autograd.cat([a, b, c], dim=1)),
    Case("stack", ("a", "b", "c"), normal((2, 3), (2, 3), (2, 3)), lambda a, b, c: autograd.stack([a, b, c], dim=1)),
    Case("mse_loss", ("input", "target"), normal((2, 3), (2, 3)), autograd.mse_loss),
    Case(
        "mse_loss none",
        ("input", "target"),
        normal((2, 3), (2, 3)),
        lambda x, y: autograd.mse_loss(x, y, reduction="none"),
    ),
    Case("l1_loss", ("input", "target"), apart((2, 3), (2, 3)), autograd.l1_loss),
    Case(
        "l1_loss sum", ("input", "target"), apart((2, 3), (2, 3)), lambda x, y: autograd.l1_loss(x, y, reduction="sum")
    ),
    Case("binary_cross_entropy", ("input", "target"), probabilities_and_targets, autograd.binary_cross_entropy),
    Case(
        "binary_cross_entropy weight",
        ("input", "target"),
        probabilities_and_targets,
        lambda p, y: autograd.binary_cross_entropy(p, y, autograd.tensor(BCE_WEIGHT)),
    ),
    Case(
        "binary_cross_entropy_with_logits",
        ("input", "target"),
        logits_and_targets,
        autograd.binary_cross_entropy_with_logits,
    ),
    Case(
        "binary_cross_entropy_with_logits weights",
        ("input", "target"),
        logits_and_targets,
        lambda x, y: autograd.binary_cross_entropy_with_logits(
            x, y, autograd.tensor(BCE_WEIGHT), pos_weight=autograd.tensor(POS_WEIGHT)
        ),
    ),
    Case("cross_entropy probabilities", ("input", "target"), logits_and_class_probabilities, autograd.cross_entropy),
    Case(
        "cross_entropy probabilities smoothed",
        ("input", "target"),
        logits_and_class_probabilities,
        lambda x, y: autograd.cross_entropy(x, y, autograd.tensor(CLASS_WEIGHT), label_smoothing=0.1),
    ),
    Case(
        "conv2d",
        ("input", "weight", "bias"),
        normal((2, 2, 4, 5), (3, 2, 3, 3), (3,)),
        lambda x, w, b: autograd.conv2d(x, w, b, padding=1),
    ),
    Case("conv2d wide", ("input", "weight", "bias"), normal((1, 1, 3, 18), (2, 1, 2, 3), (2,)), autograd.conv2d),
    Case(
        "conv2d without bias",
        ("input", "weight"),
        normal((1, 2, 4, 4), (2, 2, 3, 3)),
        lambda x, w: autograd.conv2d(x, w, stride=2, padding=1),
    ),
    Case(
        "conv_transpose2d",
        ("input", "weight", "bias"),
        normal((1, 2, 3, 3), (2, 3, 2, 2), (3,)),
        lambda x, w, b: autograd.conv_transpose2d(x, w, b, stride=2),
    ),
    Case(
        "layer_norm",
        ("input", "weight", "bias"),
        normal((3, 4), (4,), (4,)),
        lambda x, w, b: autograd.layer_norm(x, 4, w, b),
    ),
    Case(
        "layer_norm without bias", ("input", "weight"), normal((3, 4), (4,)), lambda x, w: autograd.layer_norm(x, 4, w)
    ),
    Case(
        "scatter_add",
        ("x", "src"),
        normal((3, 3), (2, 3)),
        lambda x, s: autograd.scatter_add(x, 0, autograd.tensor(SCATTER_INDEX), s),
    ),
    Case(
        "scatter",
        ("x", "src"),
        normal((3, 3), (2, 3)),
        lambda x, s: autograd.scatter(x, 0, autograd.tensor(SCATTER_INDEX), s),
    ),
    Case(
        "index_add",
        ("x", "source"),
        normal((3, 2), (3, 2)),
        lambda x, s: autograd.index_add(x, 0, autograd.tensor(ADD_INDEX), s, alpha=0.5),
    ),
    Case(
        "lstm_recurrence",
        ("x_proj", "h0", "c0", "w_hh", "b_hh"),
        normal((2, 2, 8), (2, 2), (2, 2), (8, 2), (8,)),
        autograd.lstm_recurrence,
    ),
    Case(
        "lstm_recurrence reverse",
        ("x_proj", "h0", "c0", "w_hh"),
        normal((2, 2, 8), (2, 2), (2, 2), (8, 2)),
        lambda x, h, c, w: autograd.lstm_recurrence(x, h, c, w, reverse=True),
    ),
    Case("add_", ("a", "b"), normal((2, 3), (3,)), lambda a, b: a.clone().add_(b)),
    Case("sub_", ("a", "b"), normal((2, 3), (3,)), lambda a, b: a.clone().sub_(b, alpha=2.0)),
    Case("mul_", ("a", "b"), normal((2, 3), (3,)), lambda a, b: a.clone().mul_(b)),
    Case("div_", ("a", "b"), divisors, lambda a, b: a.clone().div_(b)),
    Case(
        "pow_",
        ("base", "exponent"),
        these(positive((2, 3)), lambda rng: rng.standard_normal((3,))),
        lambda a, b: a.clone().pow_(b),
    ),
    Case("copy_", ("dst", "src"), normal((2, 3), (3,)), lambda d, s: (d * 2).copy_(s), discarded=("dst",)),
    Case("setitem", ("x", "value"), normal((3, 3), (2, 3)), rows_set),
]


def subsets(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every non-empty subset of the names, smallest first."""
    return [s for k in range(1, len(names) + 1) for s in combinations(names, k)]


PARAMS = [
    pytest.param(case, subset, id=f"{case.op}-{'+'.join(subset)}") for case in CASES for subset in subsets(case.names)
]


def make_inputs(case: Case, requiring: tuple[str, ...]) -> list[Tensor]:
    """The case's float64 inputs, drawn from a seeded generator; those named in `requiring` require grad."""
    values = case.values(np.random.default_rng(0))
    return [
        autograd.tensor(np.asarray(v, dtype=np.float64), requires_grad=name in requiring)
        for name, v in zip(case.names, values)
    ]


def backward_through(case: Case, inputs: list[Tensor]) -> None:
    """Run the op and backward from a random weighted sum of all its outputs."""
    out = case.call(*inputs)
    outs = [out] if isinstance(out, Tensor) else [o for o in out if isinstance(o, Tensor)]
    rng = np.random.default_rng(1)
    loss = sum((o * autograd.tensor(rng.standard_normal(o.shape))).sum() for o in outs)
    loss.backward()


@pytest.mark.parametrize(("case", "requiring"), PARAMS)
def test_each_subset_of_inputs_requiring_grad_gets_correct_gradients(case: Case, requiring: tuple[str, ...]) -> None:
    assert autograd.gradcheck(case.call, make_inputs(case, requiring))


@pytest.mark.parametrize(("case", "requiring"), PARAMS)
def test_backward_gives_each_input_requiring_grad_a_grad_of_its_shape(case: Case, requiring: tuple[str, ...]) -> None:
    inputs = make_inputs(case, requiring)
    backward_through(case, inputs)
    for name, x in zip(case.names, inputs):
        if name in requiring and name not in case.discarded:
            assert x.grad is not None, name
            assert x.grad.shape == x.shape, name


@pytest.mark.parametrize(("case", "requiring"), PARAMS)
def test_inputs_not_requiring_grad_get_no_grad_after_backward(case: Case, requiring: tuple[str, ...]) -> None:
    inputs = make_inputs(case, requiring)
    backward_through(case, inputs)
    assert [name for name, x in zip(case.names, inputs) if name not in requiring and x.grad is not None] == []
