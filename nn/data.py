"""Data for training: datasets, batches, splits, and tabular data from CSV files.

Datasets and loading, as `torch.utils.data`:

>>> dataset = TensorDataset(features, targets)              # tensors with the same first dimension
>>> train, val = random_split(dataset, [0.8, 0.2], generator=0)
>>> for x, y in DataLoader(train, batch_size=32, shuffle=True):
...     ...

Tabular data (what `tinyautograd fit` uses):

>>> table = read_csv("winequality-red.csv", target="quality")   # `,` or `;` separator detected
>>> train, test = train_test_split(table, test_fraction=0.2, seed=0)
>>> scaler = Standardizer().fit(train.features)                # statistics of the training split only
>>> x_train, x_test = scaler.transform(train.features), scaler.transform(test.features)
>>> Standardizer.from_dict(scaler.to_dict())                   # arrays only, e.g. to save with the model
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Tensor, as_tensor, float32, get_default_dtype
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


# -- tabular data from CSV ---------------------------------------------------------------------


class DataError(ValueError):
    """Data that cannot be used: an empty or malformed file, an unknown column, a non-numeric cell."""


@dataclass
class Table:
    """Numeric tabular data: `features` (rows × columns, float64), `target` (one per row) and their names."""

    features: np.ndarray
    target: np.ndarray
    feature_names: list[str]
    target_name: str

    def __len__(self) -> int:
        return int(self.features.shape[0])

    def rows(self, index: Any) -> Table:
        """The rows at `index` (an index array, mask or slice) as a new Table."""
        return Table(self.features[index], self.target[index], list(self.feature_names), self.target_name)

    def to_dataset(self, dtype: Any = float32) -> TensorDataset:
        """A TensorDataset of (features, target as a column of shape (n, 1)) in `dtype` (float32 by default)."""
        return TensorDataset(wrap(self.features.astype(dtype)), wrap(self.target.reshape(-1, 1).astype(dtype)))


def _detect_separator(header: str, path: str) -> str:
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (",", ";")}
    sep = max(counts, key=lambda s: counts[s])
    if counts[sep] < 2:
        raise DataError(f"{path}: the header has a single column; expected columns separated by ',' or ';'")
    return sep


def read_csv(path: str | os.PathLike[str], target: str, separator: str | None = None, min_rows: int = 2) -> Table:
    """Read a numeric CSV file with a header row into a Table, with `target` as the column to predict.

    The separator (`,` or `;`) is detected from the header unless given; quoted names are unquoted.
    Raises FileNotFoundError for a missing file and DataError (a ValueError) for an empty file, fewer than
    `min_rows` data rows, an unknown target (the message lists the columns), rows of the wrong length, and
    cells that are not finite numbers (the message names the line, column and text).

    >>> table = read_csv("winequality-red.csv", target="quality"); table.features.shape
    (1599, 11)
    """
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not a text (UTF-8) file: byte {e.start} cannot be decoded") from None
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise DataError(f"{path}: the file is empty")
    sep = separator or _detect_separator(lines[first], path)
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header: list[str] | None = None
    cells: list[list[str]] = []
    line_numbers: list[int] = []
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            continue
        if len(row) != len(header):
            raise DataError(
                f"{path}: line {reader.line_num} has {len(row)} fields but the header has {len(header)} columns"
            )
        cells.append(row)
        line_numbers.append(reader.line_num)
    assert header is not None
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates:
        raise DataError(f"{path}: duplicate column names {duplicates}")
    if target not in header:
        raise DataError(f"{path}: no column {target!r}; the columns are {', '.join(repr(c) for c in header)}")
    if len(header) < 2:
        raise DataError(f"{path}: needs at least one feature column besides the target {target!r}")
    if len(cells) < min_rows:
        raise DataError(f"{path}: has {len(cells)} data rows; at least {min_rows} are needed")
    values = _parse_numbers(cells, header, line_numbers, path)
    t = header.index(target)
    feature_columns = [i for i in range(len(header)) if i != t]
    return Table(values[:, feature_columns], values[:, t].copy(), [header[i] for i in feature_columns], target)


def _parse_numbers(cells: list[list[str]], header: list[str], line_numbers: list[int], path: str) -> np.ndarray:
    """The cells as a float64 array, or a DataError naming the first cell that is not a finite number."""
    try:
        values = np.array(cells, dtype=np.str_).astype(np.float64)
        if np.isfinite(values).all():
            return values
    except ValueError:
        pass
    for row, line in zip(cells, line_numbers):
        for column, text in zip(header, row):
            try:
                ok = math.isfinite(float(text))
            except ValueError:
                ok = False
            if not ok:
                raise DataError(f"{path}: line {line}, column {column!r}: {text!r} is not a number")
    raise DataError(f"{path}: could not read the cells as numbers")  # pragma: no cover  (every cell parsed above)


def train_test_split(table: Table, test_fraction: float = 0.2, seed: int = 0) -> tuple[Table, Table]:
    """Shuffle the rows with `seed` and cut them into (train, test); the test part has round(n * test_fraction) rows.

    >>> train, test = train_test_split(table)        # 8:2, seed 0
    """
    n = len(table)
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must be between 0 and 1, got {test_fraction!r}")
    n_test = round(n * test_fraction)
    if n_test < 1 or n_test > n - 1:
        raise DataError(
            f"train_test_split: {n} rows cannot give a non-empty {1 - test_fraction:g}:{test_fraction:g} split"
        )
    order = np.random.default_rng(seed).permutation(n)
    return table.rows(order[n_test:]), table.rows(order[:n_test])


class Standardizer:
    """Scale each feature to mean 0 and standard deviation 1, with statistics fitted on the training data only.

    A constant feature (standard deviation 0) is only centred. `to_dict()` / `from_dict()` keep the statistics
    as plain arrays so they can be saved next to the model.

    >>> scaler = Standardizer().fit(train_x); scaler.transform(test_x)
    """

    def __init__(self, mean: Any = None, std: Any = None) -> None:
        self.mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.std = None if std is None else np.asarray(std, dtype=np.float64)
        if (self.mean is None) != (self.std is None):
            raise ValueError("Standardizer: give both mean and std, or neither")
        if self.mean is not None and self.mean.shape != self.std.shape:  # type: ignore[union-attr]
            raise ValueError(f"Standardizer: mean {self.mean.shape} and std {self.std.shape} differ in shape")  # type: ignore[union-attr]

    def fit(self, x: Any) -> Standardizer:
        """Learn the mean and (population) standard deviation of each column of `x`; returns self."""
        array = _as_array(x)
        if array.shape[0] == 0:
            raise ValueError("Standardizer.fit: no rows to fit on")
        self.mean = array.mean(axis=0)
        std = array.std(axis=0)
        self.std = np.where(std > 0, std, 1.0)
        return self

    def transform(self, x: Any) -> Any:
        """(x - mean) / std, as an array (or a Tensor when given a Tensor)."""
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer.transform: call fit() (or from_dict()) first")
        array = _as_array(x)
        if array.shape[1:] != self.mean.shape:
            raise ValueError(
                f"Standardizer.transform: data with shape {array.shape} does not fit statistics of shape "
                f"{self.mean.shape}"
            )
        out = (array - self.mean) / self.std
        return wrap(out.astype(x.dtype)) if isinstance(x, Tensor) else out

    def fit_transform(self, x: Any) -> Any:
        """fit(x), then transform(x)."""
        return self.fit(x).transform(x)

    def inverse_transform(self, x: Any) -> Any:
        """x * std + mean: back to the original units."""
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer.inverse_transform: call fit() (or from_dict()) first")
        out = _as_array(x) * self.std + self.mean
        return wrap(out.astype(x.dtype)) if isinstance(x, Tensor) else out

    def to_dict(self) -> dict[str, np.ndarray]:
        """{"mean": array, "std": array}: the fitted statistics (copies)."""
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer.to_dict: call fit() first")
        return {"mean": self.mean.copy(), "std": self.std.copy()}

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Standardizer:
        """A Standardizer with the statistics of `to_dict()` (arrays or Tensors)."""
        missing = {"mean", "std"} - set(state)
        if missing:
            raise ValueError(f"Standardizer.from_dict: missing {sorted(missing)}")
        return cls(_as_array(state["mean"]), _as_array(state["std"]))


def _as_array(x: Any) -> np.ndarray:
    return x.numpy(force=True).astype(np.float64) if isinstance(x, Tensor) else np.asarray(x, dtype=np.float64)
