"""`Optimizer`: the base of every optimiser: parameter groups, per-parameter state, `zero_grad`, `state_dict`.

A subclass validates its options in `_check_options` and implements `step()`, which
changes the parameters' arrays in place with NumPy (nothing is recorded in the graph).

>>> optimizer = SGD(net.parameters(), lr=0.01)
>>> optimizer.zero_grad(); loss_fn(net(x), y).backward(); optimizer.step()
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad
from autograd.extension import arrays_with_gradients, increment_version, wrap


class Optimizer:
    """Updates parameters from their `.grad`; `params` are tensors or dicts (parameter groups with their own options).

    >>> Optimizer([{"params": [w]}, {"params": [b], "lr": 0.1}], {"lr": 0.01})   # b uses lr 0.1, w 0.01
    """

    decoupled_weight_decay = False  # True where weight_decay shrinks the parameter apart from the gradient (AdamW)

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name()}: params must be an iterable of tensors or of dicts, got a single Tensor "
                "(write [tensor])"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name()}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _name(self) -> str:
        return type(self).__name__

    def _check_options(self, group: dict[str, Any]) -> None:
        """Raise ValueError for a bad option of `group` (subclasses check their own options)."""
        lr = group.get("lr")
        if lr is not None and not lr >= 0.0:
            raise ValueError(f"{self._name()}: invalid learning rate lr={lr!r} (expected lr >= 0)")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options; options it does not set take the defaults.

        >>> optimizer.add_param_group({"params": head.parameters(), "lr": 1e-3})
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name()}: a parameter group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        if "params" not in group:
            raise ValueError(f"{self._name()}: a parameter group needs a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{self._name()}: can only optimize Tensors, but parameter {i} is {type(p).__name__}")
            if p.grad_fn is not None:
                raise ValueError(
                    f"{self._name()}: can't optimize a non-leaf Tensor (parameter {i}, shape {tuple(p.shape)}, "
                    f"made by {p.grad_fn.name()}); optimise the leaf it was computed from"
                )
            if p.dtype.kind != "f":
                raise TypeError(f"{self._name()}: parameter {i} has dtype {p.dtype}; only floating tensors can learn")
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            raise ValueError(f"{self._name()}: a parameter group lists the same parameter more than once")
        if any(id(p) in ids for g in self.param_groups for p in g["params"]):
            raise ValueError(f"{self._name()}: some parameters appear in more than one parameter group")
        group["params"] = params
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_options(group)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set each `.grad` to None (default), or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                    continue
                grad = p.grad
                if grad is None:
                    continue
                if grad.grad_fn is not None or grad.requires_grad:
                    grad = p.grad = grad.detach()
                grad.numpy(force=True).fill(0)
                increment_version(grad)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; `closure` (re)computes and returns the loss first."""
        raise NotImplementedError(f"{self._name()}.step() is not implemented")

    def _gradients(self, group: dict[str, Any]) -> Iterator[tuple[Any, np.ndarray, np.ndarray]]:
        """(parameter, its array, its gradient array) for each parameter of `group` that has a `.grad`.

        The gradient is negated under `maximize`, and L2 `weight_decay` (theta * weight_decay) is
        added to it unless the optimiser decouples the decay (AdamW); both leave `.grad` unchanged.
        """
        maximize = group.get("maximize", False)
        weight_decay = 0 if self.decoupled_weight_decay else group.get("weight_decay", 0)
        for p, theta, g in zip(*arrays_with_gradients(group["params"])):
            if maximize:
                g = -g
            if weight_decay != 0:
                decayed = theta * weight_decay
                decayed += g
                g = decayed
            yield p, theta, g

    def _run_closure(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def state_dict(self) -> dict[str, Any]:
        """The options and state as PyTorch lays them out, with parameters numbered in group order (a copy).

        >>> optimizer.state_dict()
        {'state': {0: {'momentum_buffer': tensor(...)}, ...}, 'param_groups': [{'lr': 0.01, ..., 'params': [0, 1]}]}
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state and self.state[p]:
                    state[index[id(p)]] = {k: _copy_value(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by `state_dict()` (groups must hold as many parameters as then).

        Everything is checked first: on an error nothing changes.
        """
        name = self._name()
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict or "state" not in state_dict:
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {len(saved_groups)} parameter groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[Any, Tensor] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {i} holds {len(saved['params'])} parameters in the "
                    f"saved state but {len(group['params'])} here"
                )
            by_index.update(zip(saved["params"], group["params"]))
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, values in state_dict["state"].items():
            if key not in by_index:
                raise ValueError(f"{name}.load_state_dict: state for parameter {key!r}, which no group lists")
            p = by_index[key]
            restored: dict[str, Any] = {}
            for k, v in values.items():
                if isinstance(v, (Tensor, np.ndarray)):
                    array = v.numpy(force=True) if isinstance(v, Tensor) else v
                    if array.shape != p.shape:
                        raise ValueError(
                            f"{name}.load_state_dict: state {k!r} of parameter {key!r} has shape {array.shape}, "
                            f"but the parameter has shape {tuple(p.shape)}"
                        )
                    restored[k] = wrap(np.array(array, dtype=p.dtype))
                else:
                    restored[k] = _copy_value(v)
            new_state[p] = restored
        for saved, group in zip(saved_groups, self.param_groups):
            group.update({k: _copy_value(v) for k, v in saved.items() if k != "params"})
        self.state = defaultdict(dict, new_state)

    def __repr__(self) -> str:
        lines = [f"{self._name()} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines + [")"])


def _copy_value(value: Any) -> Any:
    """A copy that shares no memory with `value` (tensors and arrays copied; numbers and tuples are immutable)."""
    if isinstance(value, Tensor):
        return wrap(value.numpy(force=True).copy())
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy_value(v) for k, v in value.items()}
    return value
