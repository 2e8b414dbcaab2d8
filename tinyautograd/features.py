"""From table columns to the numbers a network takes: learned on the training split, applied everywhere.

- A numeric column stays one column; its missing cells get the training split's mean, and an
  indicator column (1 where the cell was missing) is added when the training split had any.
- A text column becomes one column per category seen in the training split (one-hot), the
  `MAX_CATEGORIES` most frequent of them; a category seen only later (at predict time) or a rarer
  one is all zeros, and missing cells get an indicator column as above.

`ColumnEncoder.to_dict()` is plain JSON, saved with the model, so `predict` encodes new rows exactly
as training did.

>>> encoder = ColumnEncoder.fit(train_table, ["alcohol", "region"])
>>> encoder.output_names            # ['alcohol', 'region=north', 'region=south']
>>> x = encoder.transform(test_table)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from .tables import RawTable

MAX_CATEGORIES = 100
MAX_COLUMNS = 100_000  # what a saved encoder may describe (a hostile file could claim more)


@dataclass
class ColumnEncoding:
    """How one column is encoded: `kind` "number" (with its `fill` value) or "text" (with its `categories`)."""

    name: str
    kind: str
    fill: float = 0.0
    categories: tuple[str, ...] = ()
    indicator: bool = False

    def output_names(self) -> list[str]:
        """The names of the columns this one becomes."""
        names = [self.name] if self.kind == "number" else [f"{self.name}={c}" for c in self.categories]
        return names + ([f"{self.name} is missing"] if self.indicator else [])

    def encode(self, column: np.ndarray) -> np.ndarray:
        """The encoded columns (rows × len(output_names())) of one column of a RawTable."""
        if self.kind == "number":
            values = _as_numbers(column)
            missing = np.isnan(values)
            blocks = [np.where(missing, self.fill, values)[:, None]]
        else:
            texts = _as_texts(column)
            missing = texts == None  # noqa: E711 (elementwise)
            index = {c: i for i, c in enumerate(self.categories)}
            onehot = np.zeros((len(texts), len(self.categories)))
            positions = np.array([index.get(t, -1) for t in texts], dtype=np.int64)
            known = positions >= 0
            onehot[np.flatnonzero(known), positions[known]] = 1.0
            blocks = [onehot]
        if self.indicator:
            blocks.append(missing[:, None].astype(np.float64))
        return np.hstack(blocks)


def _as_numbers(column: np.ndarray) -> np.ndarray:
    if column.dtype != object:
        return column
    out = np.full(len(column), np.nan)  # text where a number was learned: unreadable cells count as missing
    for i, cell in enumerate(column):
        try:
            out[i] = float(cell)
        except (TypeError, ValueError):
            pass
    return np.where(np.isfinite(out), out, np.nan)


def _as_texts(column: np.ndarray) -> np.ndarray:
    if column.dtype == object:
        return column
    return np.array([None if math.isnan(v) else format(v, "g") for v in column], dtype=object)


@dataclass
class ColumnEncoder:
    """The encodings of the feature columns, in order."""

    columns: list[ColumnEncoding]

    @classmethod
    def fit(cls, table: RawTable, names: list[str]) -> ColumnEncoder:
        """Learn each column's encoding from the rows of `table` (the training split)."""
        encodings = []
        for name in names:
            column = table.columns[name]
            missing = table.missing(name)
            if table.is_text(name):
                counts = Counter(c for c in column if c is not None)
                top = sorted(c for c, _ in counts.most_common(MAX_CATEGORIES))
                encodings.append(ColumnEncoding(name, "text", categories=tuple(top), indicator=bool(missing.any())))
            else:
                present = column[~missing]
                fill = float(present.mean()) if len(present) else 0.0
                encodings.append(ColumnEncoding(name, "number", fill=fill, indicator=bool(missing.any())))
        return cls(encodings)

    @property
    def names(self) -> list[str]:
        """The table columns this encoder reads."""
        return [c.name for c in self.columns]

    @property
    def output_names(self) -> list[str]:
        """The names of the encoded columns."""
        return [name for c in self.columns for name in c.output_names()]

    def transform(self, table: RawTable) -> np.ndarray:
        """The encoded feature matrix (float64) of every row of `table`."""
        if not self.columns:
            return np.empty((len(table), 0))
        return np.hstack([c.encode(table.columns[c.name]) for c in self.columns])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (see from_dict)."""
        return {
            "columns": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "fill": c.fill,
                    "categories": list(c.categories),
                    "indicator": c.indicator,
                }
                for c in self.columns
            ]
        }

    @classmethod
    def from_dict(cls, state: Any) -> ColumnEncoder:
        """The encoder of `to_dict()`; ValueError for anything that is not one (a saved file may be hostile)."""
        columns = state.get("columns") if isinstance(state, dict) else None
        if not isinstance(columns, list) or len(columns) > MAX_COLUMNS:
            raise ValueError("the column encoder is not a list of columns")
        encodings = []
        for c in columns:
            if not isinstance(c, dict) or c.get("kind") not in ("number", "text") or not isinstance(c.get("name"), str):
                raise ValueError("a column encoding lacks its name or kind")
            categories = c.get("categories", [])
            fill = c.get("fill", 0.0)
            if not isinstance(categories, list) or not all(isinstance(x, str) for x in categories):
                raise ValueError(f"column {c['name']!r}: categories are not strings")
            if not isinstance(fill, (int, float)) or not math.isfinite(fill):
                raise ValueError(f"column {c['name']!r}: the fill value is not a finite number")
            encodings.append(
                ColumnEncoding(c["name"], c["kind"], float(fill), tuple(categories), bool(c.get("indicator")))
            )
        return cls(encodings)
