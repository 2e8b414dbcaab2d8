"""Hypothesis strategies shared by the op tests: shapes, broadcasting shapes, float64 arrays in an op's domain.

Sizes stay small on purpose: `gradcheck` builds full Jacobians (one backward per
output element, two forwards per input element), so a shape of at most a few
dozen elements keeps every example cheap while still covering 0-d to 4-d.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_SIDE = 3
MAX_ELEMENTS = 36


def shapes(
    min_dims: int = 0,
    max_dims: int = 4,
    min_side: int = 1,
    max_side: int = MAX_SIDE,
    max_elements: int = MAX_ELEMENTS,
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes of `min_dims` to `max_dims` dimensions with at most `max_elements` elements: (), (3,), (2, 1, 3) ..."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side).filter(
        lambda shape: math.prod(shape) <= max_elements
    )


def broadcastable_shapes(
    num_shapes: int = 2, max_dims: int = 4, max_side: int = MAX_SIDE, max_elements: int = MAX_ELEMENTS
) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """`num_shapes` shapes that broadcast together (sizes of 1 and missing leading dims), e.g. ((2, 1), (3, 1, 4))."""
    return (
        hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=0, max_dims=max_dims, max_side=max_side)
        .filter(lambda b: math.prod(b.result_shape) <= max_elements)
        .map(lambda b: b.input_shapes)
    )


def arrays(shape: Sequence[int], low: float = -2.0, high: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of `shape` with values in [low, high] (repeated values allowed).

    No subnormal values: at 5e-324 the same product rounded in another order differs by 100%.
    """
    return hnp.arrays(np.float64, tuple(shape), elements=st.floats(low, high, allow_subnormal=False))


def positive_arrays(shape: Sequence[int], low: float = 0.2, high: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays with values in [low, high], low > 0: the domain of log, sqrt and non-integer powers."""
    return arrays(shape, low, high)


def nonzero_arrays(shape: Sequence[int], min_abs: float = 0.5, max_abs: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose values are at least `min_abs` away from 0, of either sign: divisors, abs, relu."""
    magnitude = st.floats(min_abs, max_abs)
    return hnp.arrays(np.float64, tuple(shape), elements=magnitude | magnitude.map(lambda v: -v))


def arrays_away_from(
    shape: Sequence[int], points: Sequence[float], margin: float = 0.1, low: float = -2.0, high: float = 2.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays in [low, high] whose values keep `margin` away from each of `points` (an op's kinks).

    Values are drawn from the intervals between the points, so no example is thrown away.
    """
    edges = [low] + [e for p in sorted(points) for e in (p - margin, p + margin)] + [high]
    intervals = [(lo, hi) for lo, hi in zip(edges[::2], edges[1::2]) if lo < hi]
    elements = st.one_of(*(st.floats(lo, hi) for lo, hi in intervals))
    return hnp.arrays(np.float64, tuple(shape), elements=elements)


def distinct_arrays(shape: Sequence[int], spacing: float = 0.25) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose values differ pairwise by at least `spacing / 2`: no ties for max, min, argmax.

    The values are a shuffled ladder k * spacing plus a jitter below spacing / 2.
    """
    n = math.prod(shape)
    rungs = st.permutations(range(n))
    jitter = hnp.arrays(np.float64, (n,), elements=st.floats(0.0, spacing / 2))
    return st.tuples(rungs, jitter).map(
        lambda rj: ((np.array(rj[0], dtype=np.float64) - n / 2) * spacing + rj[1]).reshape(tuple(shape))
    )


def grid_arrays(shape: Sequence[int], offset: float) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of values k + offset + jitter (k an integer in -2..2, jitter in [0, 0.3]).

    Arrays drawn with offsets 0 and 0.5 never come within 0.2 of each other, so
    `maximum(a, b)` and `minimum(a, b)` have no ties between them, with any broadcasting.
    """
    elements = st.builds(lambda k, j: k + offset + j, st.integers(-2, 2), st.floats(0.0, 0.3))
    return hnp.arrays(np.float64, tuple(shape), elements=elements)


def reduction_dims(ndim: int) -> st.SearchStrategy[None | int | tuple[int, ...]]:
    """A `dim` argument for a reduction over a tensor with `ndim` dims: None, an int (maybe negative) or a tuple."""
    if ndim == 0:
        return st.sampled_from([None, 0, -1])  # a 0-d tensor accepts dim 0 and -1, as in PyTorch
    one = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return st.none() | one | several


def single_dims(ndim: int) -> st.SearchStrategy[int]:
    """One `dim` argument for a tensor with `ndim` dims, negative values included (0 and -1 for a 0-d tensor)."""
    size = max(ndim, 1)
    return st.integers(-size, size - 1)
