"""Named results of ops that give values and indices, as `torch.return_types`: `x.max(0).values`.

Each is a named tuple, so `values, indices = x.max(0)` still unpacks.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class max(NamedTuple):  # noqa: N801, A001 - PyTorch's name
    """The largest values along a dim and their indices."""

    values: Any
    indices: Any


class min(NamedTuple):  # noqa: N801, A001 - PyTorch's name
    """The smallest values along a dim and their indices."""

    values: Any
    indices: Any


class sort(NamedTuple):  # noqa: N801 - PyTorch's name
    """Sorted values along a dim and the indices they came from."""

    values: Any
    indices: Any


class topk(NamedTuple):  # noqa: N801 - PyTorch's name
    """The k largest (or smallest) values along a dim and their indices."""

    values: Any
    indices: Any


class median(NamedTuple):  # noqa: N801 - PyTorch's name
    """The median values along a dim and their indices."""

    values: Any
    indices: Any


class mode(NamedTuple):  # noqa: N801 - PyTorch's name
    """The most frequent values along a dim and an index of each."""

    values: Any
    indices: Any
