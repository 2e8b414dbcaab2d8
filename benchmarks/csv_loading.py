"""Loading a big CSV file: `tinyautograd.tables.read_table` against `numpy.loadtxt` on the same file.

    python -m benchmarks.csv_loading                 # 1,000,000 rows x 20 numeric columns (about 190 MB)
    python -m benchmarks.csv_loading --rows 100000

Generates the file in a temporary directory, then times both readers interleaved (medians of
--rounds rounds) and measures each one's peak of traced memory (tracemalloc, which NumPy reports its
arrays to) in a separate pass. Targets: read_table at most 1.5x loadtxt's time, and its peak memory
at most 3x the file's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from tinyautograd.tables import read_table

TIME_TARGET = 1.5
MEMORY_TARGET = 3.0


def write_file(path: str, rows: int, columns: int, seed: int = 0) -> None:
    """A header of column names, then `rows` rows of random numbers with six decimals, in chunks."""
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        f.write(",".join(f"x{j}" for j in range(columns)) + "\n")
        for start in range(0, rows, 100_000):
            block = rng.normal(size=(min(100_000, rows - start), columns))
            np.savetxt(f, block, fmt="%.6f", delimiter=",")


def loadtxt(path: str) -> Any:
    """NumPy's own reader on the whole file."""
    return np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)


def tables(path: str) -> Any:
    """tinyautograd's reader."""
    return read_table(path)


def seconds(reader: Callable[[str], Any], path: str) -> float:
    """Wall time of one read."""
    start = time.perf_counter()
    reader(path)
    return time.perf_counter() - start


def peak_bytes(reader: Callable[[str], Any], path: str) -> int:
    """The peak of traced memory during one read."""
    tracemalloc.start()
    try:
        reader(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    """Generate, time, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "big.csv")
        write_file(path, args.rows, args.columns)
        size = os.path.getsize(path)
        times: dict[str, list[float]] = {"loadtxt": [], "read_table": []}
        for _ in range(args.rounds):
            times["loadtxt"].append(seconds(loadtxt, path))
            times["read_table"].append(seconds(tables, path))
        medians = {name: statistics.median(values) for name, values in times.items()}
        peaks = {"loadtxt": peak_bytes(loadtxt, path), "read_table": peak_bytes(tables, path)}
    ratio = medians["read_table"] / medians["loadtxt"]
    memory = peaks["read_table"] / size
    print(f"file: {args.rows:,} rows x {args.columns} columns, {size / 1e6:.0f} MB")
    for name in ("loadtxt", "read_table"):
        print(f"{name:<10}  {medians[name]:6.2f} s (median of {args.rounds})  peak {peaks[name] / 1e6:6.0f} MB")
    print(
        f"read_table / loadtxt time: {ratio:.2f}x (target <= {TIME_TARGET}x: {'pass' if ratio <= TIME_TARGET else 'FAIL'})"
    )
    verdict = "pass" if memory <= MEMORY_TARGET else "FAIL"
    print(f"read_table peak / file size: {memory:.2f}x (target <= {MEMORY_TARGET}x: {verdict})")


if __name__ == "__main__":
    main()
