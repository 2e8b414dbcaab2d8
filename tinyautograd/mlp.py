"""The multilayer perceptron `tinyautograd fit` trains, and its checkpoint with what predicting needs.

The checkpoint is one safetensors file: the weights under PyTorch's keys ("0.weight", "0.bias", ...), so
`model.load_state_dict(nn.load(path))` works, and string metadata (JSON) with the task, the architecture,
the column encoding, the standardisation and the class names, so `load_model` rebuilds everything.
`load_model` checks the architecture against the tensors the file actually holds (names, shapes, dtype)
before it allocates anything, so a hostile file cannot make it allocate more than the file's own size.

>>> model = build_mlp(11, [64, 64], "gelu")         # Linear(11, 64), GELU, Linear(64, 64), GELU, Linear(64, 1)
>>> trained = load_model("model.safetensors"); trained.predict(trained.encoder.transform(table))
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd
import nn
from nn import GELU, CheckpointError, Linear, Module, ReLU, Sequential, Sigmoid, Tanh

from .features import ColumnEncoder
from .tables import Standardizer

ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "gelu": GELU}
CHECKPOINT_FORMAT = "tinyautograd-mlp/2"
TASKS = ("regression", "classification")
MAX_LAYERS = 64
MAX_WIDTH = 1 << 20


def build_mlp(n_inputs: int, hidden: Sequence[int], activation: str = "relu", n_outputs: int = 1) -> Sequential:
    """Linear layers of widths `hidden` with `activation` after each, then a Linear layer to `n_outputs`.

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
    layers.append(Linear(width, n_outputs))
    return Sequential(*layers)


def expected_tensors(architecture: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes of `build_mlp` for an architecture dict."""
    widths = [architecture["inputs"], *architecture["hidden"], architecture["outputs"]]
    shapes: dict[str, tuple[int, ...]] = {}
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        shapes[f"{2 * i}.weight"] = (fan_out, fan_in)
        shapes[f"{2 * i}.bias"] = (fan_out,)
    return shapes


@dataclass
class TabularModel:
    """A trained MLP with what turns table rows into predictions: the column encoding, the scaling, the classes."""

    model: Sequential
    architecture: dict[str, Any]  # {"inputs": int, "hidden": [int, ...], "activation": str, "outputs": int}
    task: str  # "regression" or "classification"
    encoder: ColumnEncoder
    feature_scaler: Standardizer
    target_name: str
    target_scaler: Standardizer | None = None  # regression: the target's standardisation
    classes: list[str] = field(default_factory=list)  # classification: the label of each output
    id_column: str | None = None

    def outputs(self, features: np.ndarray) -> np.ndarray:
        """The network's outputs (float64, rows × outputs) for encoded, unscaled feature rows."""
        x = self.feature_scaler.transform(np.asarray(features, dtype=np.float64)).astype(np.float32)
        self.model.eval()
        with autograd.no_grad(), np.errstate(all="ignore"):
            return self.model(autograd.from_numpy(x)).numpy().astype(np.float64)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Regression: values in the target's units; classification: class indices (into `classes`)."""
        out = self.outputs(features)
        if self.task == "classification":
            return out.argmax(axis=1)
        assert self.target_scaler is not None
        return np.asarray(self.target_scaler.inverse_transform(out)).reshape(-1)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Classification: the probability of each class (rows × classes), a softmax of the outputs."""
        out = self.outputs(features)
        out = np.exp(out - out.max(axis=1, keepdims=True))
        return out / out.sum(axis=1, keepdims=True)


def _scaler_json(scaler: Standardizer) -> str:
    return json.dumps({k: v.tolist() for k, v in scaler.to_dict().items()})


def save_model(path: str | os.PathLike[str], trained: TabularModel, extra: dict[str, str] | None = None) -> None:
    """Write the weights and (as metadata) everything `load_model` needs to `path`."""
    metadata = {
        "format": CHECKPOINT_FORMAT,
        "task": trained.task,
        "architecture": json.dumps(trained.architecture),
        "encoder": json.dumps(trained.encoder.to_dict()),
        "feature_standardizer": _scaler_json(trained.feature_scaler),
        "target_name": trained.target_name,
        "classes": json.dumps(trained.classes),
        "id_column": json.dumps(trained.id_column),
        **(extra or {}),
    }
    if trained.target_scaler is not None:
        metadata["target_standardizer"] = _scaler_json(trained.target_scaler)
    nn.save(trained.model, path, metadata=metadata)


def _architecture(metadata: dict[str, str]) -> dict[str, Any]:
    arch = json.loads(metadata["architecture"])
    if not isinstance(arch, dict) or arch.get("activation") not in ACTIVATIONS:
        raise ValueError("the architecture names no known activation")
    hidden = arch.get("hidden")
    if not isinstance(hidden, list) or len(hidden) > MAX_LAYERS:
        raise ValueError(f"the architecture's hidden layers are not a list of at most {MAX_LAYERS} widths")
    sizes = [arch.get("inputs"), arch.get("outputs"), *hidden]
    if not all(type(n) is int and 1 <= n <= MAX_WIDTH for n in sizes):
        raise ValueError(f"the architecture's layer widths are not whole numbers from 1 to {MAX_WIDTH}")
    return arch


def _check_tensors(path: str, arch: dict[str, Any], tensors: dict[str, nn.TensorInfo]) -> None:
    expected = expected_tensors(arch)
    if set(expected) != set(tensors):
        raise CheckpointError(
            f"{path}: the metadata describes {len(expected) // 2} layers but the file holds the tensors "
            f"{', '.join(sorted(tensors)[:8])}{' ...' if len(tensors) > 8 else ''}"
        )
    for key, shape in expected.items():
        info = tensors[key]
        if info.shape != shape or info.dtype != np.float32:
            raise CheckpointError(
                f"{path}: tensor {key!r} is {info.dtype} {list(info.shape)}; the metadata's architecture needs "
                f"float32 {list(shape)}"
            )


def load_model(path: str | os.PathLike[str]) -> TabularModel:
    """Rebuild the TabularModel saved by `save_model` (CheckpointError, one line, if the file is not one)."""
    path = os.fspath(path)
    tensors, metadata = nn.read_header(path)
    if metadata.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{path} is a safetensors file but not a model saved by this version of `tinyautograd fit`"
        )
    try:
        arch = _architecture(metadata)
        task = metadata["task"]
        if task not in TASKS:
            raise ValueError(f"unknown task {task[:40]!r}")
        _check_tensors(path, arch, tensors)
        encoder = ColumnEncoder.from_dict(json.loads(metadata["encoder"]))
        feature_scaler = Standardizer.from_dict(json.loads(metadata["feature_standardizer"]))
        classes = json.loads(metadata["classes"])
        id_column = json.loads(metadata["id_column"])
        target_scaler = None
        if task == "regression":
            target_scaler = Standardizer.from_dict(json.loads(metadata["target_standardizer"]))
        _check_consistent(arch, task, encoder, feature_scaler, classes)
        model = build_mlp(arch["inputs"], arch["hidden"], arch["activation"], arch["outputs"])
        model.load_state_dict(nn.load(path))
        return TabularModel(
            model, arch, task, encoder, feature_scaler, metadata["target_name"], target_scaler, classes, id_column
        )
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError, RuntimeError, RecursionError) as e:
        reason = " ".join(str(e).split())[:200]
        raise CheckpointError(f"{path}: the saved model does not fit its description ({reason})") from None


def _check_consistent(
    arch: dict[str, Any], task: str, encoder: ColumnEncoder, scaler: Standardizer, classes: Any
) -> None:
    if len(encoder.output_names) != arch["inputs"] or scaler.mean is None or scaler.mean.shape != (arch["inputs"],):
        raise ValueError(f"the column encoding and scaling do not give the model's {arch['inputs']} inputs")
    if task == "classification":
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise ValueError("the classes are not a list of names")
        if len(classes) != arch["outputs"]:
            raise ValueError(f"{len(classes)} classes for {arch['outputs']} outputs")
    elif arch["outputs"] != 1:
        raise ValueError("a regression model has one output")
