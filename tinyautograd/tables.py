"""Reading tables from CSV files: fast for big numeric files, forgiving with messy ones.

>>> table = read_table("winequality-red.csv")             # separator sniffed: , ; tab or |
>>> table.names[:2], table.is_text("quality"), len(table)
>>> numeric = read_csv("winequality-red.csv", target="quality")   # all-numeric features and target, as arrays

The body is parsed in blocks of about 4 MB. A block of numbers goes through NumPy's C reader
(`numpy.loadtxt`, the library already installed: no new dependency, and within a few percent of its
own time on a whole file); a block that holds text, missing cells or a field longer than NumPy takes
is split in Python, line by line. Fields may be any length. Quoted fields may hold the separator but
not a line break.

Missing cells are the empty cell and `NA`, `NaN`, `N/A`, `null` and `?` (any case): NaN in a numeric
column, None in a text column.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Tensor, float32
from autograd.extension import wrap
from nn.data import TensorDataset

SEPARATORS = (",", ";", "\t", "|")
MISSING = frozenset({"", "na", "nan", "n/a", "null", "?"})
BLOCK_BYTES = 4 << 20
Progress = Callable[[int, int], None]  # (bytes read so far, bytes in the file)


class DataError(ValueError):
    """Data that cannot be used: an empty or malformed file, an unknown column, a non-numeric cell."""


@dataclass
class RawTable:
    """Every column of a file by name: float64 (NaN where missing) or, for text, an object array (None where missing)."""

    path: str
    names: list[str]
    columns: dict[str, np.ndarray]
    line_numbers: np.ndarray = field(repr=False)  # the file's line of each row, for messages

    def __len__(self) -> int:
        return len(self.line_numbers)

    def is_text(self, name: str) -> bool:
        """True for a column with a cell that is neither a number nor missing."""
        return self.columns[name].dtype == object

    def missing(self, name: str) -> np.ndarray:
        """One bool per row: is the cell missing?"""
        column = self.columns[name]
        return (column == None) if column.dtype == object else np.isnan(column)  # noqa: E711 (elementwise)

    def rows(self, index: Any) -> RawTable:
        """The rows at `index` (an index array or mask) as a new RawTable."""
        columns = {name: column[index] for name, column in self.columns.items()}
        return RawTable(self.path, list(self.names), columns, self.line_numbers[index])

    def require(self, names: list[str], what: str) -> None:
        """A DataError naming the columns of `names` the file lacks, and the columns it has."""
        absent = [n for n in names if n not in self.columns]
        if absent:
            raise DataError(
                f"{self.path}: no column {', '.join(map(repr, absent))} ({what}); "
                f"the columns are {', '.join(map(repr, self.names))}"
            )


def check_regular_file(path: str) -> None:
    """FileNotFoundError / DataError unless `path` is a regular file (a FIFO or device would block or never end)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{path}: is a directory, not a CSV file")
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "not a regular file"
        raise DataError(f"{path}: is {kind}; give a CSV file")


def split_fields(line: str, separator: str) -> list[str]:
    """The fields of one line: separated by `separator`, double-quoted fields unquoted ("" is a quote)."""
    if '"' not in line:
        return line.split(separator)
    fields, current, quoted, i = [], [], False, 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == '"' and line[i + 1 : i + 2] == '"':
                current.append('"')
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = True
        elif c == separator:
            fields.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    fields.append("".join(current))
    return fields


def sniff_separator(header: str, first_row: str | None, path: str) -> str:
    """The separator that splits the header into the most columns (and the first row into as many)."""
    best, best_count = "", 1
    for sep in SEPARATORS:
        count = len(split_fields(header, sep))
        if first_row is not None and len(split_fields(first_row, sep)) != count:
            continue
        if count > best_count:
            best, best_count = sep, count
    if not best:
        raise DataError(f"{path}: the header has a single column; expected columns separated by , ; tab or |")
    return best


def _decode(data: bytes, path: str, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not a text (UTF-8) file: byte {offset + e.start} cannot be decoded") from None


@dataclass
class _Blocks:
    """What the body's blocks parsed to: float arrays (numbers) or lists of string rows (the rest)."""

    parts: list[Any] = field(default_factory=list)
    lines: list[np.ndarray] = field(default_factory=list)


def _parse_block(text: str, separator: str, width: int, first_line: int, path: str) -> tuple[Any, np.ndarray]:
    """(values, line numbers) of a block of whole lines: a float array when NumPy's reader takes it, else rows."""
    try:
        values = np.loadtxt(
            io.StringIO(text), delimiter=separator, dtype=np.float64, comments=None, quotechar='"', ndmin=2
        )
        if values.shape[1] == width and np.isfinite(values).all() and text.count("\n\n") == 0:
            return values, np.arange(first_line, first_line + len(values))
    except ValueError:
        pass
    rows, numbers = [], []
    for offset, line in enumerate(text.split("\n")):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = split_fields(line, separator)
        if len(fields) != width:
            raise DataError(
                f"{path}: line {first_line + offset} has {len(fields)} fields but the header has {width} columns"
            )
        rows.append(fields)
        numbers.append(first_line + offset)
    return rows, np.array(numbers, dtype=np.int64)


def _column(parts: list[Any], j: int) -> np.ndarray:
    """Column j over all blocks: float64 with NaN for missing, or an object array of str/None if any cell is text."""
    pieces: list[np.ndarray] = []
    text = False
    for part in parts:
        if isinstance(part, np.ndarray):
            pieces.append(part[:, j])
            continue
        cells = [row[j].strip() for row in part]
        numbers = np.empty(len(cells))
        for i, cell in enumerate(cells):
            if cell.lower() in MISSING:
                numbers[i] = np.nan
                continue
            try:
                numbers[i] = float(cell)
            except ValueError:
                text = True
                break
        pieces.append(numbers if not text else np.array(cells, dtype=object))
        if text:
            break
    if not text:
        return np.concatenate(pieces) if pieces else np.empty(0)
    out: list[Any] = []
    for part in parts:
        if isinstance(part, np.ndarray):
            out.extend(None if np.isnan(v) else format(v, "g") for v in part[:, j])
        else:
            out.extend(None if row[j].strip().lower() in MISSING else row[j].strip() for row in part)
    return np.array(out, dtype=object)


def read_table(path: str | os.PathLike[str], progress: Progress | None = None) -> RawTable:
    """Read a CSV file with a header row: every column, numeric or text, with missing cells marked.

    Raises FileNotFoundError, or DataError for a file that is not a regular file, not UTF-8, empty, has
    duplicate column names or rows of the wrong length (naming the line).
    """
    path = os.fspath(path)
    check_regular_file(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        offset, header_line, line_number = 0, b"", 0
        while not header_line.strip():
            header_line = f.readline()
            line_number += 1
            if not header_line:
                raise DataError(f"{path}: the file is empty")
            offset += len(header_line)
        header = _decode(header_line, path, 0).lstrip("\ufeff").rstrip("\r\n")
        body_start = f.tell()
        first_row = next((line for line in _peek_lines(f) if line.strip()), None)
        f.seek(body_start)
        separator = sniff_separator(header, first_row, path)
        names = [name.strip() for name in split_fields(header, separator)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise DataError(f"{path}: duplicate column names {duplicates}")
        blocks = _Blocks()
        while True:
            data = f.read(BLOCK_BYTES)
            if not data:
                break
            if not data.endswith(b"\n"):
                data += f.readline()  # whole lines only
            text = _decode(data, path, offset)
            part, lines = _parse_block(text, separator, len(names), line_number + 1, path)
            blocks.parts.append(part)
            blocks.lines.append(lines)
            offset += len(data)
            line_number += text.count("\n")
            if progress is not None:
                progress(offset, size)
    columns = {name: _column(blocks.parts, j) for j, name in enumerate(names)}
    line_numbers = np.concatenate(blocks.lines) if blocks.lines else np.empty(0, dtype=np.int64)
    return RawTable(path, names, columns, line_numbers)


def _peek_lines(f: Any, limit: int = 5) -> list[str]:
    lines = []
    for _ in range(limit):
        line = f.readline()
        if not line:
            break
        lines.append(line.decode("utf-8", errors="replace").rstrip("\r\n"))
    return lines


# -- an all-numeric table, for the notebooks and the regression path -------------------------------------


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


def first_bad_cell(table: RawTable, name: str) -> str:
    """'line N, column C: ...' for the first cell of `name` that is missing or not a finite number."""
    column = table.columns[name]
    for i, cell in enumerate(column):
        where = f"line {table.line_numbers[i]}, column {name!r}"
        if cell is None or (column.dtype != object and np.isnan(cell)):
            return f"{where}: a missing cell (empty, NA, NaN, N/A, null or ?)"
        if column.dtype == object:
            try:
                float(cell)
            except ValueError:
                return f"{where}: {cell!r} is not a number"
        elif not np.isfinite(cell):
            return f"{where}: {float(cell)!r} is not a finite number"
    return f"column {name!r}"  # pragma: no cover


def numeric_columns(table: RawTable, names: list[str]) -> np.ndarray:
    """The columns `names` as a float64 matrix; DataError naming the first cell that is missing or not a number."""
    for name in names:
        column = table.columns[name]
        if column.dtype == object or not np.isfinite(column).all():
            raise DataError(f"{table.path}: {first_bad_cell(table, name)}")
    return np.column_stack([table.columns[n] for n in names]) if names else np.empty((len(table), 0))


def read_csv(path: str | os.PathLike[str], target: str, min_rows: int = 2) -> Table:
    """Read an all-numeric CSV file with a header row into a Table, with `target` as the column to predict.

    >>> table = read_csv("winequality-red.csv", target="quality"); table.features.shape
    (1599, 11)
    """
    table = read_table(path)
    table.require([target], "the target")
    if len(table.names) < 2:
        raise DataError(f"{table.path}: needs at least one feature column besides the target {target!r}")
    if len(table) < min_rows:
        raise DataError(f"{table.path}: has {len(table)} data rows; at least {min_rows} are needed")
    features = [n for n in table.names if n != target]
    values = numeric_columns(table, features)
    return Table(values, numeric_columns(table, [target])[:, 0], features, target)


def train_test_split(table: Any, test_fraction: float = 0.2, seed: int = 0) -> tuple[Any, Any]:
    """Shuffle the rows with `seed` and cut them into (train, test); the test part has round(n * test_fraction) rows.

    Works on a Table or a RawTable. >>> train, test = train_test_split(table)        # 8:2, seed 0
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
        if self.mean is not None and self.std is not None and self.mean.shape != self.std.shape:
            raise ValueError(f"Standardizer: mean {self.mean.shape} and std {self.std.shape} differ in shape")

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
