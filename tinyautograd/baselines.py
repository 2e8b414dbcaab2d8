"""Baseline predictors a model must beat: the training mean and least squares (regression), the majority class.

>>> baseline = LeastSquares().fit(x_train, y_train)
>>> float(np.mean((baseline.predict(x_test) - y_test) ** 2))      # the test MSE to beat
"""

from __future__ import annotations

from typing import Any

import numpy as np


class MeanPredictor:
    """Predicts the mean of the training targets for every row.

    >>> MeanPredictor().fit(np.zeros((3, 1)), np.array([1.0, 2.0, 6.0])).predict(np.zeros((2, 1)))
    array([3., 3.])
    """

    name = "predicting the mean"

    def __init__(self) -> None:
        self.mean: float | None = None

    def fit(self, x: Any, y: Any) -> MeanPredictor:
        """Remember the mean of `y`; returns self."""
        self.mean = float(np.mean(np.asarray(y, dtype=np.float64)))
        return self

    def predict(self, x: Any) -> np.ndarray:
        """The training mean, once per row of `x`."""
        if self.mean is None:
            raise RuntimeError("MeanPredictor.predict: call fit() first")
        return np.full(len(x), self.mean)


class LeastSquares:
    """Linear regression y ≈ x @ coef + intercept, fitted by least squares (numpy.linalg.lstsq).

    Collinear or constant columns are fine: lstsq returns the minimum-norm solution.

    >>> LeastSquares().fit(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])).coef
    array([2.])
    """

    name = "linear least squares"

    def __init__(self) -> None:
        self.coef: np.ndarray | None = None
        self.intercept: float | None = None

    def fit(self, x: Any, y: Any) -> LeastSquares:
        """Fit the coefficients and intercept to the rows of `x` (n × features) and targets `y` (n); returns self."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        design = np.column_stack([x, np.ones(len(x))])
        solution = np.linalg.lstsq(design, y, rcond=None)[0]
        self.coef, self.intercept = solution[:-1], float(solution[-1])
        return self

    def predict(self, x: Any) -> np.ndarray:
        """x @ coef + intercept for each row of `x`."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("LeastSquares.predict: call fit() first")
        return np.asarray(x, dtype=np.float64) @ self.coef + self.intercept


class MajorityClass:
    """Predicts the most frequent training class for every row (ties: the lowest class index).

    >>> MajorityClass().fit(np.zeros((3, 1)), np.array([2, 0, 2])).predict(np.zeros((2, 1)))
    array([2, 2])
    """

    name = "majority class"

    def __init__(self) -> None:
        self.label: int | None = None

    def fit(self, x: Any, y: Any) -> MajorityClass:
        """Remember the most frequent class index of `y`; returns self."""
        self.label = int(np.bincount(np.asarray(y, dtype=np.int64)).argmax())
        return self

    def predict(self, x: Any) -> np.ndarray:
        """The majority class, once per row of `x`."""
        if self.label is None:
            raise RuntimeError("MajorityClass.predict: call fit() first")
        return np.full(len(x), self.label, dtype=np.int64)
