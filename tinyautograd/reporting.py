"""What a training run writes: the results table, history.csv, report.json, loss.png, all into a run directory
that appears only when the run succeeds.

>>> with staged_directory("runs/today") as work:      # a hidden temporary directory next to runs/today
...     write_history_csv(work / "history.csv", history)
>>> # renamed to runs/today on success; removed (with any parents it created) on failure
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HISTORY_COLUMNS = ("epoch", "train_loss", "validation_loss", "test_loss", "lr")


class OutputDirectoryError(OSError):
    """The run directory cannot be used (it exists and is not empty, or it is a file)."""


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A plain-text table: one line per row, `columns` as (key, heading); numbers with 4 decimals.

    >>> print(format_table([{"name": "mean", "mse": 1.5}], [("name", "predictor"), ("mse", "test MSE")]))
    predictor  test MSE
    mean         1.5000
    """

    def text(value: Any) -> str:
        return f"{value:.4f}" if isinstance(value, float) else str(value)

    cells = [[heading for _, heading in columns]] + [[text(row[key]) for key, _ in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = []
    for line in cells:
        first = line[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(line[1:], widths[1:])]
        lines.append("  ".join([first, *rest]))
    return "\n".join(lines)


def write_history_csv(path: str | os.PathLike[str], history: Sequence[dict[str, Any]]) -> None:
    """One row per epoch with the columns epoch, train_loss, validation_loss, test_loss, lr."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(HISTORY_COLUMNS), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()} for row in history)


def write_report_json(path: str | os.PathLike[str], report: dict[str, Any]) -> None:
    """`report` as indented JSON (floats written exactly, so two runs can be compared number for number)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


def plot_losses(
    path: str | os.PathLike[str],
    history: Sequence[dict[str, Any]],
    best_epoch: int | None = None,
    ylabel: str = "mean squared error",
) -> None:
    """Save a PNG of the train, validation and test loss per epoch (log scale), marking the kept epoch.

    Draws with matplotlib's Agg canvas directly (no pyplot, no display needed).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=(7, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    epochs = [row["epoch"] for row in history]
    for key, label in (("train_loss", "train"), ("validation_loss", "validation"), ("test_loss", "test")):
        axes.plot(epochs, [row[key] for row in history], label=label)
    if best_epoch is not None:
        axes.axvline(best_epoch, color="grey", linestyle=":", label=f"kept (epoch {best_epoch})")
    values = [row[key] for row in history for key in ("train_loss", "validation_loss", "test_loss")]
    if values and min(values) > 0:
        axes.set_yscale("log")
        plain = FuncFormatter(lambda value, _: f"{value:g}")
        axes.yaxis.set_major_formatter(plain)
        axes.yaxis.set_minor_formatter(plain)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("epoch")
    axes.set_ylabel(ylabel)
    axes.set_title("loss per epoch")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.fspath(path), format="png")


def check_output_directory(target: str | os.PathLike[str]) -> Path:
    """`target` as a Path if a run can be written there (absent, or an empty directory); else OutputDirectoryError."""
    path = Path(target)
    if path.exists() and not path.is_dir():
        raise OutputDirectoryError(f"{path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()):
        raise OutputDirectoryError(f"{path} already exists and is not empty; choose another --out")
    return path


@contextlib.contextmanager
def staged_directory(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary directory next to `target`, renamed to `target` when the block ends without error.

    On error (or Ctrl-C) the temporary directory and any parent directories this created are removed,
    so no half-written run is left behind.
    """
    path = check_output_directory(target).absolute()
    created: list[Path] = []
    parent = path.parent
    while not parent.exists():
        created.append(parent)
        parent = parent.parent
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        yield work
        check_output_directory(path)
        os.replace(work, path)  # an empty directory at `path` is replaced; on POSIX the rename is atomic
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        for directory in created:  # innermost first; stops at the first one something else has written into
            try:
                directory.rmdir()
            except OSError:
                break
        raise


def plot_confusion_matrix(path: str | os.PathLike[str], counts: Any, classes: Sequence[str], title: str) -> None:
    """Save a PNG of a confusion matrix (rows: actual class, columns: predicted class), counts written in."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    size = min(3 + 0.5 * len(classes), 12)
    figure = Figure(figsize=(size, size), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.imshow(counts, cmap="Blues")
    ticks = range(len(classes))
    axes.set_xticks(ticks, [str(c) for c in classes], rotation=45 if len(classes) > 6 else 0)
    axes.set_yticks(ticks, [str(c) for c in classes])
    limit = counts.max() / 2 if counts.size else 0
    for i in ticks:
        for j in ticks:
            color = "white" if counts[i, j] > limit else "black"
            axes.text(j, i, str(int(counts[i, j])), ha="center", va="center", color=color, fontsize=8)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("actual class")
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(os.fspath(path), format="png")
