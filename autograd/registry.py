"""Registering an op: one decorator beside its function gives `autograd.<name>`, the `Tensor` method and operators.

    @op(operators=["__mul__"], reflected=["__rmul__"])
    def mul(a, b):
        \"\"\"a * b elementwise, broadcasting.\"\"\"
        return Mul.apply(a, b)

makes `autograd.mul(a, b)`, `a.mul(b)`, `a * b` and `2 * a` (the reflected form
swaps the operands back; an op that commutes can list its reflected operator
with the others, `operators=["__mul__", "__rmul__"]`, and save that call).
Importing `autograd` imports every module in `autograd/ops/`, so a new op is one
new file there (and its tests): nothing else lists it. A name registered twice,
or a method or operator `Tensor` already has, is an error at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .tensor import Tensor

F = TypeVar("F", bound=Callable[..., Any])

EXPORTS: dict[str, Callable[..., Any]] = {}  # what `autograd` exports, name -> function, filled as ops register


def op(
    *,
    method: bool | str = True,
    export: bool = True,
    operators: Iterable[str] = (),
    reflected: Iterable[str] = (),
    aliases: Iterable[str] = (),
    as_property: bool = False,
) -> Callable[[F], F]:
    """Register `fn` as `autograd.<name>` (`export`), `Tensor.<name>` (`method`: True, a name, or False)
    and the dunder `operators` that take the tensor first (`reflected` ones take it second).
    `aliases` are further names for both the function and the method; `as_property` makes the
    method a property (`x.T`)."""

    def register(fn: F) -> F:
        if not fn.__doc__:
            raise TypeError(f"op {fn.__module__}.{fn.__name__} needs a docstring: it is public")
        names = [fn.__name__, *aliases]
        for name in names:
            if export:
                if name in EXPORTS:
                    raise RuntimeError(f"op {name!r} is registered twice ({EXPORTS[name].__module__}, {fn.__module__})")
                EXPORTS[name] = fn
            if method:
                attribute = method if isinstance(method, str) and name == fn.__name__ else name
                _bind(attribute, property(fn) if as_property else fn, fn)
        for dunder in operators:
            _bind(dunder, fn, fn)
        for dunder in reflected:
            _bind(dunder, _reflected(fn), fn)
        return fn

    return register


def _bind(attribute: str, value: Any, fn: Callable[..., Any]) -> None:
    """Set `Tensor.<attribute>`, unless the class already has it (two ops, or an op and a core method)."""
    if attribute in vars(Tensor):
        raise RuntimeError(
            f"Tensor.{attribute} is already defined; op {fn.__module__}.{fn.__name__} cannot register it"
        )
    setattr(Tensor, attribute, value)


def _reflected(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`other <op> tensor`: Python calls `tensor.__r<op>__(other)`; the op takes them in their written order."""

    def reflected(self: Any, other: Any) -> Any:
        return fn(other, self)

    reflected.__name__ = f"__r{fn.__name__}__"
    reflected.__doc__ = f"`other {fn.__name__} self`, for Python's reflected operator."
    return reflected
