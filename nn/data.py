"""Data for training: datasets, batches and splits, as `torch.utils.data`.

>>> dataset = TensorDataset(features, targets)              # tensors with the same first dimension
>>> train, val = random_split(dataset, [0.8, 0.2], generator=0)
>>> for x, y in DataLoader(train, batch_size=32, shuffle=True):
...     ...

Reading tables from CSV files is the application's job (`tinyautograd.tables`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from autograd import Tensor, as_tensor, get_default_dtype
from autograd.extension import wrap
from autograd.random import generator as default_generator

# -- datasets -----------------------------------------------------------------------------------


class Dataset:
    """A sized collection of samples: `dataset[i]` and `len(dataset)`."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples that are rows of tensors: `dataset[i]` is `(t[i] for t in tensors)`.

    >>> dataset = TensorDataset(autograd.randn(100, 3), autograd.randn(100, 1)); x, y = dataset[0]
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        converted = tuple(as_tensor(t) for t in tensors)
        sizes = [t.shape[0] if t.ndim > 0 else None for t in converted]
        if None in sizes or len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in converted)
            raise ValueError(f"TensorDataset: all tensors must have the same size in dimension 0, got shapes {shapes}")
        self.tensors = converted

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: indices must be in [0, {n}) for a dataset of {n} samples")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (list, np.ndarray)):
            return self.dataset[self.indices[np.asarray(index)]]
        return self.dataset[int(self.indices[index])]

    def __len__(self) -> int:
        return int(self.indices.size)


def _rng(generator: Any) -> np.random.Generator:
    """A NumPy generator from `generator`: None (the library's seeded one), a seed, or a numpy Generator."""
    if generator is None:
        return default_generator()
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    raise TypeError(f"generator must be None, an int seed or a numpy.random.Generator, got {type(generator).__name__}")


def random_split(dataset: Dataset, lengths: Sequence[float], generator: Any = None) -> list[Subset]:
    """Split `dataset` at random into Subsets of the given lengths (ints summing to len(dataset), or fractions).

    Fractions summing to 1 give floor(f * n) samples each, the remainder handed out one by one from the first.

    >>> train, test = random_split(dataset, [0.8, 0.2], generator=0)
    """
    n = len(dataset)
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths is empty")
    if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in lengths):
        sizes = [int(x) for x in lengths]
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise ValueError(f"random_split: lengths {sizes} must be non-negative and sum to the dataset size {n}")
    else:
        if any(not 0 <= x <= 1 for x in lengths) or not math.isclose(sum(lengths), 1.0, abs_tol=1e-6):
            raise ValueError(f"random_split: fractions {lengths} must be in [0, 1] and sum to 1")
        sizes = [int(math.floor(n * x)) for x in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    order = _rng(generator).permutation(n)
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


# -- batches ------------------------------------------------------------------------------------


def _rows_of(dataset: Dataset) -> tuple[tuple[np.ndarray, ...], np.ndarray | None] | None:
    """For a TensorDataset (or Subsets of one): its arrays and the row map (None: all rows in order)."""
    rows: np.ndarray | None = None
    while isinstance(dataset, Subset):
        rows = dataset.indices if rows is None else dataset.indices[rows]
        dataset = dataset.dataset
    if isinstance(dataset, TensorDataset):
        return tuple(t.numpy(force=True) for t in dataset.tensors), rows
    return None


def collate(samples: list[Any]) -> Any:
    """Stack a list of samples into a batch: tensors/arrays/numbers stacked on a new first dimension, tuples and
    dicts field by field.
    """
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return [collate([s[i] for s in samples]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: collate([s[k] for s in samples]) for k in first}
    if isinstance(first, Tensor):
        return wrap(np.stack([s.numpy(force=True) for s in samples]))
    if isinstance(first, float):
        return wrap(np.array(samples, dtype=get_default_dtype()))
    return wrap(np.stack([np.asarray(s) for s in samples]))


class DataLoader:
    """Batches of a dataset: `batch_size` samples stacked into tensors, in order or shuffled each epoch.

    The shuffle order comes from `generator`: None (the library's generator, seeded by `autograd.manual_seed`),
    an int seed, or a numpy Generator. A TensorDataset (or a Subset of one) is batched by indexing its arrays,
    without a Python loop over rows.

    >>> for x, y in DataLoader(TensorDataset(x_all, y_all), batch_size=32, shuffle=True): ...
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: Any = None,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.generator = (
            np.random.default_rng(int(generator)) if isinstance(generator, (int, np.integer)) else generator
        )
        _rng(self.generator)  # check its type now rather than at the first epoch

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = _rng(self.generator).permutation(n) if self.shuffle else None
        stop = n - n % self.batch_size if self.drop_last else n
        fast = _rows_of(self.dataset)
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            if fast is not None:
                arrays, rows = fast
                index: Any = slice(start, end) if order is None else order[start:end]
                if rows is not None:
                    index = rows[index]
                # fancy indexing copies; a slice is a view, copied so that changing a batch leaves the data alone
                yield [wrap(a[index].copy() if isinstance(index, slice) else a[index]) for a in arrays]
            else:
                indices = range(start, end) if order is None else order[start:end].tolist()
                yield collate([self.dataset[i] for i in indices])
