"""The extension API (autograd.extension) and the rule that code outside the engine uses only it."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn
from autograd import Function, Tensor
from autograd.errors import DtypeError
from autograd.extension import arrays_with_gradients, increment_version, wrap

REPO = Path(__file__).resolve().parent.parent


def test_wrap_shares_memory_with_the_array() -> None:
    array = np.zeros(3, dtype=np.float32)
    t = wrap(array)
    array[0] = 5.0
    t.numpy()[1] = 7.0
    assert t.tolist() == [5.0, 7.0, 0.0] and array.tolist() == [5.0, 7.0, 0.0]
    assert t.is_leaf and not t.requires_grad


def test_wrap_makes_an_instance_of_a_tensor_subclass() -> None:
    p = wrap(np.ones(2, dtype=np.float32), requires_grad=True, cls=nn.Parameter)
    assert type(p) is nn.Parameter and p.requires_grad and p.is_leaf


def test_wrap_refuses_a_gradient_for_an_integer_array() -> None:
    with pytest.raises(DtypeError, match="floating"):
        wrap(np.arange(3), requires_grad=True)


def test_wrap_refuses_what_is_not_an_array() -> None:
    with pytest.raises(TypeError, match="wrap: expected a NumPy array, got list"):
        wrap([1.0, 2.0])  # type: ignore[arg-type]


def test_numpy_with_force_is_the_memory_of_a_tensor_that_requires_grad() -> None:
    w = autograd.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        w.numpy()
    w.numpy(force=True)[0] = 4.0
    assert w.tolist() == [4.0, 1.0, 1.0]


def test_numpy_with_force_makes_a_scalar_result_an_array_in_place() -> None:
    x = autograd.tensor(3.0, requires_grad=True)
    y = x * 2
    array = y.numpy(force=True)
    array[...] = 1.0
    assert isinstance(array, np.ndarray) and y.item() == 1.0


def test_arrays_with_gradients_are_the_memory_of_the_tensors_that_have_a_gradient() -> None:
    w = autograd.tensor([1.0, 2.0], requires_grad=True)
    unused = autograd.tensor([5.0], requires_grad=True)
    s = autograd.tensor(3.0, requires_grad=True)  # 0-d: its array is made on demand, as numpy(force=True)
    (w * s).sum().backward()
    tensors, arrays, grads = arrays_with_gradients([w, unused, s])
    assert [id(t) for t in tensors] == [id(w), id(s)]
    arrays[0] -= 1.0
    arrays[1] -= 1.0
    assert w.tolist() == [0.0, 1.0] and s.item() == 2.0
    np.testing.assert_array_equal(grads[0], [3.0, 3.0])
    assert grads[1] == 3.0
    assert np.shares_memory(grads[0], w.grad.numpy())


def test_increment_version_makes_a_backward_that_saved_the_tensor_raise() -> None:
    w = autograd.ones(3, requires_grad=True)
    loss = (w * w).sum()
    w.numpy(force=True)[...] -= 0.5
    increment_version(w)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_increment_version_of_several_tensors_bumps_each_once() -> None:
    a, b = autograd.ones(2, requires_grad=True), autograd.ones(3, requires_grad=True)
    view = b[1:]  # a view: its base's counter goes up
    before = (a._version, b._version)
    increment_version([a, view])
    assert (a._version, b._version) == (before[0] + 1, before[1] + 1)


def test_increment_version_of_several_tensors_makes_a_backward_that_saved_one_raise() -> None:
    w = nn.Parameter(autograd.ones(3))
    v = nn.Parameter(autograd.ones(3))
    loss = (w * v).sum()
    increment_version([w, v])
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_increment_version_leaves_a_graph_that_did_not_save_the_tensor_alone() -> None:
    w = autograd.ones(3, requires_grad=True)
    loss = (w + 1).sum()  # addition saves nothing
    increment_version(w)
    loss.backward()
    assert w.grad is not None and w.grad.tolist() == [1.0, 1.0, 1.0]


def test_increment_version_takes_several_tensors() -> None:
    a, b = autograd.zeros(2), autograd.zeros(2)
    increment_version([a, b])
    assert a._version == 1 and b._version == 1


def engine_private_names() -> set[str]:
    names = {n for cls in (Tensor, Function) for n in dir(cls) if n.startswith("_") and not n.startswith("__")}
    return names - {"_version"}  # PyTorch's own name for the version counter, read by users


@pytest.mark.parametrize("package", ["nn", "tinyautograd", "benchmarks"])
def test_code_outside_the_engine_uses_no_private_name_of_it(package: str) -> None:
    private = engine_private_names()
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in private:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: .{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd."):
                module = node.module or ""
                if any(part.startswith("_") for part in module.split(".")) or any(
                    alias.name.startswith("_") for alias in node.names
                ):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}: from {module} import ...")
    assert found == []
