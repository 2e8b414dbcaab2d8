"""The op registry: one `@op(...)` beside an op's function gives `autograd.<name>`, the Tensor method and operators.

Also what the registry promises the rest of the project: every exported name and
public method is documented, every op module registers what it defines, and the
operators are the op functions themselves (no wrapper between `x * y` and `Mul.apply`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import autograd
import autograd.ops
from autograd import Function, Tensor
from autograd.registry import EXPORTS, op


@pytest.fixture
def throwaway() -> Iterator[list[str]]:
    """Names a test registers; removed from `EXPORTS` and from `Tensor` afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        EXPORTS.pop(name, None)
        if name in vars(Tensor):
            delattr(Tensor, name)


# -- what a registration gives ------------------------------------------------------------------------


def test_a_registration_gives_the_function_the_method_and_the_operators(throwaway: list[str]) -> None:
    throwaway += ["throwaway_axpy", "throwaway_alias", "__lshift__", "__rlshift__"]

    @op(operators=["__lshift__"], reflected=["__rlshift__"], aliases=["throwaway_alias"])
    def throwaway_axpy(a: Any, b: Any) -> Tensor:
        """a + 2 b, for this test."""
        return a + 2 * b

    x, y = autograd.tensor([1.0, 2.0]), autograd.tensor([10.0, 20.0])
    assert EXPORTS["throwaway_axpy"] is throwaway_axpy and EXPORTS["throwaway_alias"] is throwaway_axpy
    assert Tensor.throwaway_axpy is throwaway_axpy and Tensor.throwaway_alias is throwaway_axpy
    assert x.throwaway_axpy(y).tolist() == [21.0, 42.0]
    assert (x << y).tolist() == [21.0, 42.0]
    assert (3.0 << x).tolist() == [5.0, 7.0]  # reflected: the tensor second, as written


def test_method_only_property_and_renamed_registrations(throwaway: list[str]) -> None:
    throwaway += ["throwaway_twice", "throwaway_first"]

    @op(export=False, as_property=True)
    def throwaway_twice(x: Tensor) -> Tensor:
        """2 x, as a property."""
        return x * 2

    @op(export=False, method="throwaway_first")
    def first_element(x: Tensor) -> Tensor:
        """The first element."""
        return x[0]

    x = autograd.tensor([1.0, 2.0])
    assert x.throwaway_twice.tolist() == [2.0, 4.0]
    assert x.throwaway_first().item() == 1.0
    assert "throwaway_twice" not in EXPORTS and "first_element" not in EXPORTS
    assert not hasattr(Tensor, "first_element")


def test_registering_an_exported_name_twice_raises() -> None:
    with pytest.raises(RuntimeError, match="'exp' is registered twice"):

        @op(method=False)
        def exp(x: Tensor) -> Tensor:
            """Another exp."""
            return x

    assert EXPORTS["exp"].__module__ == "autograd.ops.exp"


def test_registering_a_method_or_operator_tensor_has_raises() -> None:
    with pytest.raises(RuntimeError, match=r"Tensor\.detach is already defined"):

        @op(export=False)
        def detach(x: Tensor) -> Tensor:
            """Not the real detach."""
            return x

    with pytest.raises(RuntimeError, match=r"Tensor\.__add__ is already defined"):

        @op(method=False, export=False, operators=["__add__"])
        def other_add(a: Any, b: Any) -> Tensor:
            """Not the real add."""
            return a

    assert Tensor.detach.__module__ == "autograd.tensor" and Tensor.__add__ is autograd.add


def test_an_op_needs_a_docstring() -> None:
    with pytest.raises(TypeError, match="needs a docstring"):

        @op(export=False, method=False)
        def undocumented(x: Tensor) -> Tensor:
            return x


# -- what autograd exports ------------------------------------------------------------------------------


def test_every_registered_function_is_exported_by_autograd() -> None:
    for name, fn in EXPORTS.items():
        assert getattr(autograd, name) is fn, name
    assert set(EXPORTS) <= set(autograd.__all__)
    assert len(autograd.__all__) == len(set(autograd.__all__)), "an op's name shadows a name of the non-op API"


def test_every_exported_name_has_a_docstring() -> None:
    undocumented = [name for name in autograd.__all__ if not inspect.getdoc(getattr(autograd, name))]
    assert not undocumented


def _public_methods() -> dict[str, Any]:
    """Tensor's methods and properties (fields such as `grad` are slots, documented in the class)."""
    return {
        name: value
        for name, value in vars(Tensor).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, (property, staticmethod)))
    }


def test_every_public_tensor_method_and_registered_operator_has_a_docstring() -> None:
    methods = _public_methods()
    assert {"exp", "sum", "reshape", "T", "mT", "view", "float", "clone", "add_", "backward", "detach"} <= set(methods)
    undocumented = [name for name, value in methods.items() if not inspect.getdoc(value)]
    registered = {id(fn) for fn in _registered()}
    operators = [name for name, value in vars(Tensor).items() if name.startswith("__") and id(value) in registered]
    assert len(operators) > 25
    undocumented += [name for name in operators if not inspect.getdoc(getattr(Tensor, name))]
    assert not undocumented


# -- the ops package ------------------------------------------------------------------------------------------


def _registered() -> list[Any]:
    """Every function the registry bound: exports, and the methods, properties and operators that ops gave Tensor."""
    values = list(EXPORTS.values())
    for value in vars(Tensor).values():
        fn = value.fget if isinstance(value, property) else value
        if getattr(fn, "__module__", "").startswith(("autograd.ops.", "autograd.registry")):
            values.append(fn)
    return values


def _op_modules() -> list[Any]:
    return [importlib.import_module(f"autograd.ops.{m.name}") for m in pkgutil.iter_modules(autograd.ops.__path__)]


def test_importing_autograd_imports_every_module_in_ops() -> None:
    names = {m.name for m in pkgutil.iter_modules(autograd.ops.__path__)}
    assert {"add", "mul", "matmul", "exp", "sum", "reshape", "getitem", "conv2d", "linear"} <= names
    assert all(f"autograd.ops.{name}" in sys.modules for name in names)


def test_every_ops_module_that_defines_a_function_registers_one() -> None:
    registered = {id(fn) for fn in _registered()}
    silent = []
    for module in _op_modules():
        defines_op = any(
            isinstance(v, type) and issubclass(v, Function) and v.__module__ == module.__name__
            for v in vars(module).values()
        )
        registers = any(
            inspect.isfunction(v) and v.__module__ == module.__name__ and id(v) in registered
            for v in vars(module).values()
        )
        if defines_op and not registers:
            silent.append(module.__name__)
    assert not silent


def test_operators_and_methods_are_the_op_functions_themselves() -> None:
    """No wrapper between `x * y` and `Mul.apply`: the operator is `mul`, which calls it."""
    assert Tensor.__mul__ is autograd.mul and Tensor.__rmul__ is autograd.mul and Tensor.mul is autograd.mul
    assert Tensor.__add__ is autograd.add and Tensor.__radd__ is autograd.add
    assert Tensor.__sub__ is autograd.sub and Tensor.__truediv__ is autograd.div
    assert Tensor.__matmul__ is autograd.matmul and Tensor.__pow__ is autograd.pow
    assert Tensor.__neg__ is autograd.neg and Tensor.exp is autograd.exp and Tensor.sum is autograd.sum
    assert Tensor.__isub__ is Tensor.sub_ and Tensor.__iadd__ is Tensor.add_
    assert Tensor.clip is autograd.clip is autograd.clamp


def test_reflected_operators_keep_the_written_order() -> None:
    x = autograd.tensor([1.0, 2.0, 4.0])
    np.testing.assert_allclose((1 - x).numpy(), [0.0, -1.0, -3.0])
    np.testing.assert_allclose((1 / x).numpy(), [1.0, 0.5, 0.25])
    np.testing.assert_allclose((2**x).numpy(), [2.0, 4.0, 16.0])
    np.testing.assert_allclose((np.ones((2, 3), np.float32) @ x).numpy(), [7.0, 7.0])
