"""Nested state (an optimiser's or scheduler's `state_dict()`, or a dict of several) in a safetensors file.

safetensors holds named tensors and string metadata. A nested state is split into its tensors, stored
under their path ("optimizer/state/0/exp_avg"), and a JSON skeleton of everything else (numbers,
strings, None, lists, tuples, dicts with str or int keys), stored in the metadata under TREE_KEY with
a {"tensor": path} entry where each tensor was. Loading puts the tree back together exactly.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from autograd import Tensor

TREE_KEY = "tinyautograd.state_tree"
MAX_DEPTH = 32


def is_flat(state: Any) -> bool:
    """True for a plain state_dict: a dict of str keys to tensors or arrays (stored without a skeleton)."""
    return isinstance(state, dict) and all(
        isinstance(k, str) and isinstance(v, (Tensor, np.ndarray)) for k, v in state.items()
    )


def flatten(state: Any) -> tuple[dict[str, np.ndarray], str]:
    """(the tensors by path, the JSON skeleton)."""
    arrays: dict[str, np.ndarray] = {}
    skeleton = _encode(state, [], arrays)
    return arrays, json.dumps(skeleton)


def _encode(value: Any, path: list[str], arrays: dict[str, np.ndarray]) -> Any:
    if len(path) > MAX_DEPTH:
        raise TypeError(f"nn.save: the state nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, (Tensor, np.ndarray)):
        key = "/".join(path) or "."
        arrays[key] = np.require(value.numpy(force=True) if isinstance(value, Tensor) else value, requirements="C")
        return {"tensor": key}
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise TypeError(f"nn.save: dict keys must be strings or integers, got {k!r} at {'/'.join(path)}")
            items.append(["int" if isinstance(k, int) else "str", k, _encode(v, [*path, str(k)], arrays)])
        return {"dict": items}
    if isinstance(value, (list, tuple)):
        encoded = [_encode(v, [*path, str(i)], arrays) for i, v in enumerate(value)]
        return {"tuple" if isinstance(value, tuple) else "list": encoded}
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    raise TypeError(f"nn.save: cannot store a {type(value).__name__} (at {'/'.join(path) or 'the top'})")


def unflatten(skeleton: str, tensors: dict[str, Tensor]) -> Any:
    """The nested state from its skeleton and the loaded tensors (ValueError for a malformed skeleton)."""
    return _decode(json.loads(skeleton), tensors, 0)


def _decode(node: Any, tensors: dict[str, Tensor], depth: int) -> Any:
    if depth > MAX_DEPTH or not isinstance(node, dict) or len(node) != 1:
        raise ValueError("the state skeleton is malformed")
    ((kind, body),) = node.items()
    if kind == "tensor":
        if body not in tensors:
            raise ValueError(f"the state skeleton names a tensor {str(body)[:60]!r} the file does not hold")
        return tensors[body]
    if kind == "dict":
        return {(int(k) if t == "int" else str(k)): _decode(v, tensors, depth + 1) for t, k, v in body}
    if kind in ("list", "tuple"):
        items = [_decode(v, tensors, depth + 1) for v in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "float":
        return float(body)
    if kind == "value":
        return body
    raise ValueError(f"the state skeleton has an unknown entry {kind[:40]!r}")
