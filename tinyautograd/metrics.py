"""How good predictions are: mean squared error, accuracy, macro-averaged F1 and the confusion matrix.

>>> accuracy(np.array([0, 1, 1]), np.array([0, 1, 0]))
0.6666666666666666
"""

from __future__ import annotations

import numpy as np


def mse(predictions: np.ndarray, targets: np.ndarray) -> float:
    """Mean squared error, in float64."""
    with np.errstate(all="ignore"):
        return float(np.mean((np.asarray(predictions, dtype=np.float64) - targets) ** 2))


def accuracy(predicted: np.ndarray, actual: np.ndarray) -> float:
    """The fraction of rows whose predicted class is the actual one."""
    return float(np.mean(np.asarray(predicted) == np.asarray(actual)))


def confusion_matrix(predicted: np.ndarray, actual: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[i, j]: rows of actual class i predicted as class j (a negative actual class: a label the
    model never saw, in no cell)."""
    actual, predicted = np.asarray(actual, dtype=np.int64), np.asarray(predicted, dtype=np.int64)
    known = actual >= 0
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (actual[known], predicted[known]), 1)
    return counts


def macro_f1(predicted: np.ndarray, actual: np.ndarray, n_classes: int) -> float:
    """The F1 score of each class that occurs (actual or predicted), averaged with equal weight per class.

    >>> macro_f1(np.array([0, 0, 1]), np.array([0, 1, 1]), 2)
    0.6666666666666666
    """
    counts = confusion_matrix(predicted, actual, n_classes)
    true_positive = np.diag(counts).astype(np.float64)
    predicted_total, actual_total = counts.sum(axis=0), counts.sum(axis=1)
    present = (predicted_total + actual_total) > 0
    denominator = predicted_total + actual_total
    f1 = np.divide(2 * true_positive, denominator, out=np.zeros(n_classes), where=denominator > 0)
    return float(f1[present].mean()) if present.any() else 0.0
