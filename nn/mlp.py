"""The multilayer perceptron regressor `tinyautograd fit` trains, and its checkpoint with what predicting needs.

The checkpoint is one safetensors file: the weights under PyTorch's keys ("0.weight", "0.bias", ...), so
`model.load_state_dict(nn.load(path))` works, and string metadata (JSON) with the architecture, the column
names and the standardisation of the features and the target, so `load_regressor` rebuilds everything.

>>> model = build_mlp(11, [64, 64], "gelu")         # Linear(11, 64), GELU, Linear(64, 64), GELU, Linear(64, 1)
>>> save_regressor("model.safetensors", Regressor(model, architecture, names, "quality", x_scaler, y_scaler))
>>> regressor = load_regressor("model.safetensors"); regressor.predict(features)
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd

from .activations import GELU, ReLU, Sigmoid, Tanh
from .data import Standardizer
from .layers import Linear
from .module import Module, Sequential
from .serialization import CheckpointError, load, read_metadata, save

ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "gelu": GELU}
CHECKPOINT_FORMAT = "tinyautograd-mlp-regressor/1"


def build_mlp(n_inputs: int, hidden: Sequence[int], activation: str = "relu") -> Sequential:
    """Linear layers of widths `hidden` with `activation` after each, then a Linear layer to one output.

    >>> build_mlp(3, [8], "tanh")
    Sequential(
      (0): Linear(in_features=3, out_features=8, bias=True)
      (1): Tanh()
      (2): Linear(in_features=8, out_features=1, bias=True)
    )
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"build_mlp: activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    layers: list[Module] = []
    width = n_inputs
    for size in hidden:
        layers += [Linear(width, size), ACTIVATIONS[activation]()]
        width = size
    layers.append(Linear(width, 1))
    return Sequential(*layers)


@dataclass
class Regressor:
    """A trained MLP with what turns raw feature rows into predictions in the target's units."""

    model: Sequential
    architecture: dict[str, Any]  # {"inputs": int, "hidden": [int, ...], "activation": str}
    feature_names: list[str]
    target_name: str
    feature_scaler: Standardizer
    target_scaler: Standardizer

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Predictions (float64, one per row) for raw (unstandardised) feature rows."""
        x = self.feature_scaler.transform(np.asarray(features, dtype=np.float64)).astype(np.float32)
        self.model.eval()
        with autograd.no_grad():
            out = self.model(autograd.from_numpy(x)).numpy().astype(np.float64)
        return np.asarray(self.target_scaler.inverse_transform(out)).reshape(-1)


def _scaler_json(scaler: Standardizer) -> str:
    return json.dumps({k: v.tolist() for k, v in scaler.to_dict().items()})


def save_regressor(path: str | os.PathLike[str], regressor: Regressor, extra: dict[str, str] | None = None) -> None:
    """Write the weights and (as metadata) the architecture, column names and standardisation to `path`."""
    metadata = {
        "format": CHECKPOINT_FORMAT,
        "architecture": json.dumps(regressor.architecture),
        "feature_names": json.dumps(regressor.feature_names),
        "target_name": regressor.target_name,
        "feature_standardizer": _scaler_json(regressor.feature_scaler),
        "target_standardizer": _scaler_json(regressor.target_scaler),
        **(extra or {}),
    }
    save(regressor.model, path, metadata=metadata)


def load_regressor(path: str | os.PathLike[str]) -> Regressor:
    """Rebuild the Regressor saved by `save_regressor` (CheckpointError if the file is not one)."""
    metadata = read_metadata(path)
    if metadata.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{os.fspath(path)} is a safetensors file but not a model saved by `tinyautograd fit`")
    try:
        architecture = json.loads(metadata["architecture"])
        model = build_mlp(
            int(architecture["inputs"]), [int(h) for h in architecture["hidden"]], architecture["activation"]
        )
        model.load_state_dict(load(path))
        return Regressor(
            model,
            architecture,
            list(json.loads(metadata["feature_names"])),
            metadata["target_name"],
            Standardizer.from_dict(json.loads(metadata["feature_standardizer"])),
            Standardizer.from_dict(json.loads(metadata["target_standardizer"])),
        )
    except (KeyError, TypeError, ValueError, RuntimeError) as e:
        reason = " ".join(str(e).split())
        raise CheckpointError(f"{os.fspath(path)}: the saved model does not fit its description ({reason})") from None
