"""`Module`, the base of every layer and model, and the containers `Sequential` and `ModuleList`.

A Module registers the `Parameter`s, sub-modules and buffers assigned to its
attributes, so `parameters()`, `state_dict()`, `zero_grad()`, `train()` and
`print(net)` reach the whole tree:

>>> class Net(nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.fc1 = nn.Linear(2, 3)
...     def forward(self, x):
...         return self.fc1(x)
>>> [name for name, _ in Net().named_parameters()]
['fc1.weight', 'fc1.bias']
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np

import autograd
from autograd import Tensor

from .parameter import Parameter

M = TypeVar("M", bound="Module")


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` did not match: keys the model has but the dict lacks, and the reverse."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _indent_after_first_line(text: str, spaces: int) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:1] + [" " * spaces + line for line in lines[1:]])


class Module:
    """Base class of layers and models: subclass it, assign layers in `__init__`, write `forward`.

    Calling the module (`net(x)`) runs `forward(x)`. Parameters, sub-modules and
    buffers assigned to attributes are registered under their attribute names.
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers: set[str]
    _modules: dict[str, Module | None]

    def __init__(self) -> None:
        # registered values also live in the instance __dict__, so reading `self.weight` costs
        # a plain attribute lookup (no __getattr__ on the hot path of forward)
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})

    # -- running ----------------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses must define it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # hooks live in the instance's __dict__ once registered; the class's empty dicts keep __call__ fast,
    # and `_hooked` (set when a module gets its first hook) spares it reading them at all
    _forward_pre_hooks: dict[int, Callable] = {}
    _forward_hooks: dict[int, Callable] = {}
    _backward_hooks: dict[int, Callable] = {}
    _hooked = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self._hooked:
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        for hook in list(self._forward_pre_hooks.values()):
            replaced = hook(self, args)
            if replaced is not None:
                args = replaced if isinstance(replaced, tuple) else (replaced,)
        state = BackwardHookState(self) if self._backward_hooks else None
        if state is not None:
            args = state.wrap_inputs(args)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            replaced = hook(self, args, output)
            if replaced is not None:
                output = replaced
        if state is not None:
            output = state.wrap_output(output)
        return output

    def _hook_dict(self, name: str) -> dict[int, Callable]:
        if name not in self.__dict__:
            object.__setattr__(self, name, {})
            object.__setattr__(self, "_hooked", True)
        return self.__dict__[name]

    def register_forward_pre_hook(self, hook: Callable) -> autograd.RemovableHandle:
        """Call `hook(module, args)` before forward; a returned value replaces the positional arguments."""
        return autograd.RemovableHandle(self._hook_dict("_forward_pre_hooks"), hook)

    def register_forward_hook(self, hook: Callable) -> autograd.RemovableHandle:
        """Call `hook(module, args, output)` after forward; a returned value replaces the output."""
        return autograd.RemovableHandle(self._hook_dict("_forward_hooks"), hook)

    def register_full_backward_hook(self, hook: Callable) -> autograd.RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` when the gradients of the module's tensor inputs are
        computed; a returned tuple replaces grad_input. (grad_output: the gradient of the output.)"""
        return autograd.RemovableHandle(self._hook_dict("_backward_hooks"), hook)

    # -- registration -------------------------------------------------------------------------

    def _require_init(self, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {what} before Module.__init__() call: call super().__init__() first in "
                f"{type(self).__name__}.__init__"
            )

    @staticmethod
    def _check_name(kind: str, name: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f'{kind} name can\'t be empty or contain ".", got {name!r}')

    def _forget(self, name: str, keep: dict | None = None) -> None:
        """Unregister `name` everywhere except in `keep` (where reassigning keeps its place in the order)."""
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent_buffers.discard(name)

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            self._require_init("parameters")
            self._forget(name, keep=self._parameters)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._require_init("modules")
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif "_parameters" in d and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' (nn.Parameter or None expected)"
                )
            self._parameters[name] = None
        elif "_modules" in d and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' (Module or None expected)"
                )
            self._modules[name] = None
        elif "_buffers" in d and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' (Tensor or None expected)")
            self._buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if "_parameters" in self.__dict__:
            self._forget(name)
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (a Parameter, or None for an absent one such as `bias=False`) under `name`."""
        self._require_init("parameters")
        self._check_name("parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: cannot assign '{type(param).__name__}' as parameter '{name}' "
                "(nn.Parameter or None expected)"
            )
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"register_parameter: attribute '{name}' already exists")
        self._forget(name, keep=self._parameters)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (e.g. running statistics).

        Persistent buffers are part of `state_dict()`.
        """
        self._require_init("buffers")
        self._check_name("buffer", name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: cannot assign '{type(tensor).__name__}' as buffer '{name}' (Tensor or None expected)"
            )
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"register_buffer: attribute '{name}' already exists")
        self._forget(name, keep=self._buffers)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register `module` as a child under `name` (what attribute assignment does)."""
        self._require_init("modules")
        self._check_name("module", name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module subclass")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"add_module: attribute '{name}' already exists")
        self._forget(name, keep=self._modules)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The sub-module at a dotted path, e.g. `net.get_submodule("features.0")`."""
        module: Module = self
        if target == "":
            return module
        for part in target.split("."):
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(
                    f"get_submodule: {type(module).__name__} has no sub-module '{part}' (in '{target}')"
                )
            module = child
        return module

    # -- walking the tree ------------------------------------------------------------------------

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ('') and every module below it, each once."""
        stack: list[tuple[str, Module]] = [(prefix, self)]
        seen = memo if memo is not None else set()
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{key}" if name else key, m) for key, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every module below it (depth first, in registration order)."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct sub-modules."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        seen: set[int] = set()
        for module_name, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs with PyTorch's names: `0.weight`, `fc1.bias`.

        A parameter shared by two modules is listed once.
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters of this module (and, with `recurse`, of every sub-module): what an optimiser takes."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers of this module (and of every sub-module)."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call `fn` on every sub-module (children first) and then on this module; returns self.

        >>> net.apply(lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ----------------------------------------------------------------------

    def train(self: M, mode: bool = True) -> M:
        """Set training mode (Dropout active) on this module and every sub-module; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: mode is expected to be a bool, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self: M) -> M:
        """Set evaluation mode (Dropout is the identity); the same as `train(False)`."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Switch gradient recording on or off for every parameter (e.g. to freeze a layer); returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter: to None (default), or to zeros in place."""
        for param in self.parameters():
            grad = param.grad
            if grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    # -- dtype -------------------------------------------------------------------------------------

    def to(self: M, dtype: Any) -> M:
        """Convert every floating parameter and buffer to `dtype` in place (the Parameter objects stay); returns self."""
        target = np.dtype(dtype)
        if target.kind != "f":
            raise TypeError(f"to: nn.Module.to only accepts floating dtypes, got {target}")
        for module in self.modules():
            for registry in (module._parameters, module._buffers):
                for value in registry.values():
                    if value is not None and value.dtype.kind == "f" and value.dtype != target:
                        value.data = value.data.numpy().astype(target)
                        if value.grad is not None:
                            value.grad = value.grad.to(target)
        return self

    def float(self: M) -> M:
        """Convert parameters and buffers to float32."""
        return self.to(autograd.float32)

    def double(self: M) -> M:
        """Convert parameters and buffers to float64 (useful for gradcheck)."""
        return self.to(autograd.float64)

    # -- state ----------------------------------------------------------------------------------

    def _state_entries(self) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, tensor) for every parameter and persistent buffer, shared ones under each name."""
        for module_name, module in self.named_modules(remove_duplicate=False):
            lead = module_name + "." if module_name else ""
            for name, param in module._parameters.items():
                if param is not None:
                    yield lead + name, param
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent_buffers:
                    yield lead + name, buf

    def state_dict(self, *, prefix: str = "", keep_vars: bool = False) -> dict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name (`fc1.weight`), as tensors sharing memory.

        With `keep_vars=True` the Parameters themselves are returned instead of detached views.
        """
        seen: dict[str, Tensor] = OrderedDict()
        for name, value in self._state_entries():
            seen[prefix + name] = value if keep_vars else value.detach()
        return seen

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values from `state_dict` into the parameters and buffers, in place.

        Missing or unexpected keys (with `strict`) and wrongly shaped values raise one
        error that lists all of them, and then nothing is changed. Optimisers keep
        their references: the Parameter objects stay, only their values change.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: expected a dict of name -> tensor, got {type(state_dict).__name__}")
        own = dict(self._state_entries())
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        problems: list[str] = []
        arrays: dict[str, np.ndarray] = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            try:
                array = value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)
            except Exception as e:  # noqa: BLE001 - any unconvertible value is reported with the others
                problems.append(f'value for "{key}" cannot be read as an array: {e}')
                continue
            if array.dtype.kind not in "fiub":
                problems.append(f'value for "{key}" has non-numeric dtype {array.dtype}')
            elif array.shape != target.shape:
                problems.append(
                    f"size mismatch for {key}: copying a param with shape {array.shape} from checkpoint, "
                    f"the shape in current model is {tuple(target.shape)}."
                )
            else:
                arrays[key] = array
        if strict:
            if unexpected:
                problems.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
            if missing:
                problems.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
        if problems:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__} (nothing was changed):\n\t"
                + "\n\t".join(problems)
            )
        with autograd.no_grad():
            for key, array in arrays.items():
                own[key].copy_(array)
        return IncompatibleKeys(missing, unexpected)

    # -- printing -----------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The part of `repr` inside the parentheses, e.g. `in_features=2, out_features=3, bias=True`."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _indent_after_first_line(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{type(self).__name__}({body})"


class Sequential(Module):
    """Modules run one after the other: `Sequential(nn.Linear(2, 3), nn.ReLU())`; `model[0].weight`.

    Sub-modules are named "0", "1", ... (or by the keys of an OrderedDict).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (OrderedDict, dict)):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def _key(self, index: int) -> str:
        n = len(self._modules)
        if not isinstance(index, (int, np.integer)):
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, not {type(index).__name__}")
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a {type(self).__name__} of length {n}")
        return list(self._modules)[index % n]

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        return self._modules[self._key(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        setattr(self, self._key(index), module)

    def __delitem__(self, index: int | slice) -> None:
        keys = list(self._modules)[index] if isinstance(index, slice) else [self._key(index)]
        for key in keys:
            delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def append(self, module: Module) -> Sequential:
        """Add `module` at the end; returns self."""
        self.add_module(str(len(self._modules)), module)
        return self

    def forward(self, input: Any) -> Any:  # noqa: A002 - PyTorch's name
        """Feed `input` through each module in turn."""
        for module in self._modules.values():
            input = module(input)  # type: ignore[misc]
        return input


class ModuleList(Module):
    """A list of modules, registered (so their parameters are found) but not called in any order.

    >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, index: int) -> str:
        n = len(self._modules)
        if not isinstance(index, (int, np.integer)):
            raise TypeError(f"ModuleList indices must be integers or slices, not {type(index).__name__}")
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a ModuleList of length {n}")
        return str(index % n)

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])  # type: ignore[arg-type]
        return self._modules[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        setattr(self, self._index(index), module)

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        del modules[index]
        for key in list(self._modules):
            delattr(self, key)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add `module` at the end; returns self."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each of `modules` at the end; returns self."""
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError(
                f"ModuleList.extend: expected an iterable of modules, got a single {type(modules).__name__}"
            )
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert `module` before position `index`."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        for key in list(self._modules):
            delattr(self, key)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """A ModuleList is not callable; iterate over it in your own forward."""
        raise NotImplementedError("ModuleList has no forward: iterate over it in your module's forward")


class BackwardHookState:
    """What a module's full backward hooks need: the gradient of its output, kept until its inputs' arrive."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.grad_output: tuple[Any, ...] | None = None
        self.pending = 0
        self.grad_input: list[Any] = []

    def wrap_inputs(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """The tensor inputs that require grad, passed through a node that catches their gradient."""
        wrapped = []
        for position, a in enumerate(args):
            if isinstance(a, Tensor) and a.requires_grad:
                self.pending += 1
                a = _HookedInput.apply(a, self, position)
            wrapped.append(a)
        self.grad_input = [None] * len(args)
        return tuple(wrapped)

    def wrap_output(self, output: Any) -> Any:
        """The output, passed through a node that records its gradient (a single tensor output)."""
        if isinstance(output, Tensor) and output.requires_grad:
            return _HookedOutput.apply(output, self)
        return output

    def input_gradient(self, position: int, grad: Any) -> Any:
        """Record one input's gradient; when all have arrived, run the hooks (which may replace them)."""
        self.grad_input[position] = grad
        self.pending -= 1
        if self.pending == 0:
            grads = tuple(None if g is None else autograd.tensor(g) for g in self.grad_input)
            for hook in list(self.module._backward_hooks.values()):
                replaced = hook(self.module, grads, self.grad_output or ())
                if replaced is not None:
                    grads = tuple(replaced)
            self.grad_input = [None if g is None else g.numpy(force=True) for g in grads]
        return self.grad_input[position]


class _HookedInput(autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any, state: BackwardHookState, position: int) -> Any:
        ctx.state, ctx.position = state, position
        return x.copy()

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:  # the identity, reported to the module's backward hooks
        return ctx.state.input_gradient(ctx.position, grad), None, None


class _HookedOutput(autograd.Function):
    @staticmethod
    def forward(ctx: Any, y: Any, state: BackwardHookState) -> Any:
        ctx.state = state
        return y.copy()

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:  # the identity; remembers the output's gradient
        ctx.state.grad_output = (autograd.tensor(grad),)
        return grad, None
