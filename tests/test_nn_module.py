"""`nn.Module`, `nn.Sequential`, `nn.ModuleList`: registration, traversal, modes, state dicts, repr."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor


class TwoLayer(nn.Module):
    """A small model of the shape the material writes."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))


class WithBuffer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(autograd.ones(2))
        self.register_buffer("running", autograd.zeros(2))
        self.register_buffer("scratch", autograd.zeros(3), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return x * self.scale + self.running


def values(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.numpy().copy() for k, v in module.state_dict().items()}


# -- registration ----------------------------------------------------------------------------------


def test_assigned_parameters_and_submodules_are_registered_in_order() -> None:
    net = TwoLayer()
    assert list(net._parameters) == []
    assert list(net._modules) == ["fc1", "act", "fc2"]
    assert [name for name, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def test_named_parameters_gives_the_registered_objects() -> None:
    net = TwoLayer()
    named = dict(net.named_parameters())
    assert named["fc1.weight"] is net.fc1.weight and named["fc2.bias"] is net.fc2.bias


def test_plain_tensors_and_numbers_are_not_registered() -> None:
    class Holder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.constant = autograd.ones(3)
            self.size = 5

    holder = Holder()
    assert list(holder.parameters()) == [] and list(holder.buffers()) == []
    assert holder.size == 5


def test_nested_modules_get_dotted_names() -> None:
    class Outer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.block = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
            self.head = TwoLayer()

    names = [name for name, _ in Outer().named_parameters()]
    assert names == [
        "block.0.weight", "block.0.bias", "block.2.weight", "block.2.bias",
        "head.fc1.weight", "head.fc1.bias", "head.fc2.weight", "head.fc2.bias",
    ]  # fmt: skip


def test_parameters_without_recursion_are_only_the_modules_own() -> None:
    module = WithBuffer()
    module.inner = nn.Linear(2, 2)
    assert [p is module.scale for p in module.parameters(recurse=False)] == [True]
    assert len(list(module.parameters())) == 3


def test_a_shared_parameter_is_listed_once() -> None:
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    net[1].weight = net[0].weight
    assert [name for name, _ in net.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    assert set(net.state_dict()) == {"0.weight", "0.bias", "1.weight", "1.bias"}


def test_assignment_before_super_init_is_a_clear_error() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgetful()


def test_assigning_a_plain_tensor_over_a_parameter_is_refused_but_none_is_allowed() -> None:
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        layer.weight = autograd.zeros(2, 2)
    assert isinstance(layer.weight, nn.Parameter)
    layer.bias = None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]


def test_reassigning_a_name_moves_it_between_kinds() -> None:
    module = nn.Module()
    module.thing = nn.Linear(1, 1)
    module.thing = nn.Parameter(autograd.ones(1))
    assert list(module._modules) == [] and list(module._parameters) == ["thing"]


def test_deleting_an_attribute_unregisters_it() -> None:
    net = TwoLayer()
    del net.fc2
    assert [name for name, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias"]
    assert not hasattr(net, "fc2")


def test_register_parameter_checks_its_arguments() -> None:
    module = nn.Module()
    with pytest.raises(KeyError, match="contain"):
        module.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        module.register_parameter("w", autograd.ones(2))  # type: ignore[arg-type]


def test_buffers_are_registered_and_persistent_ones_are_state() -> None:
    module = WithBuffer()
    assert [name for name, _ in module.named_buffers()] == ["running", "scratch"]
    assert list(module.state_dict()) == ["scale", "running"]
    assert all(b.requires_grad is False for b in module.buffers())


def test_buffer_assignment_must_be_a_tensor() -> None:
    module = WithBuffer()
    module.running = autograd.ones(2)
    np.testing.assert_array_equal(module.state_dict()["running"].numpy(), [1.0, 1.0])
    with pytest.raises(TypeError, match="buffer 'running'"):
        module.running = [1.0, 2.0]


def test_children_and_modules_walk_the_tree() -> None:
    net = TwoLayer()
    assert list(net.children()) == [net.fc1, net.act, net.fc2]
    assert [name for name, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert list(net.modules()) == [net, net.fc1, net.act, net.fc2]
    assert [name for name, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]


def test_named_modules_lists_a_shared_module_once_depth_first() -> None:
    shared = nn.Linear(2, 2)
    net = nn.Sequential(nn.Sequential(shared, nn.ReLU()), shared)
    assert [name for name, _ in net.named_modules()] == ["", "0", "0.0", "0.1"]


def test_get_submodule_follows_a_dotted_path() -> None:
    net = nn.Sequential(TwoLayer())
    assert net.get_submodule("0.fc2") is net[0].fc2
    with pytest.raises(AttributeError, match="no sub-module 'fc9'"):
        net.get_submodule("0.fc9")


# -- running ---------------------------------------------------------------------------------------


def test_calling_a_module_runs_forward() -> None:
    net = TwoLayer()
    x = autograd.randn(5, 3)
    expected = np.maximum(x.numpy() @ net.fc1.weight.detach().numpy().T + net.fc1.bias.detach().numpy(), 0)
    expected = expected @ net.fc2.weight.detach().numpy().T + net.fc2.bias.detach().numpy()
    np.testing.assert_allclose(net(x).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_a_module_without_forward_says_so() -> None:
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(autograd.ones(1))


def test_bias_grad_is_none_before_the_first_backward_and_set_after() -> None:
    net = TwoLayer()
    assert net.fc1.bias.grad is None
    net(autograd.randn(2, 3)).sum().backward()
    assert net.fc1.bias.grad is not None and net.fc1.bias.grad.shape == (4,)


def test_zero_grad_sets_gradients_to_none_by_default() -> None:
    net = TwoLayer()
    net(autograd.randn(2, 3)).sum().backward()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_zero_grad_without_set_to_none_zeroes_the_same_gradient_tensors() -> None:
    net = TwoLayer()
    net(autograd.randn(2, 3)).sum().backward()
    grads = [p.grad for p in net.parameters()]
    net.zero_grad(set_to_none=False)
    for p, g in zip(net.parameters(), grads):
        assert p.grad is g and not p.grad.numpy().any()


def test_gradients_accumulate_across_backward_calls_until_zero_grad() -> None:
    layer = nn.Linear(3, 1)
    x = autograd.randn(4, 3)
    layer(x).sum().backward()
    first = layer.weight.grad.numpy().copy()
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), 2 * first, rtol=1e-6)


def test_train_and_eval_switch_every_submodule() -> None:
    net = nn.Sequential(TwoLayer(), nn.Dropout(0.5))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_train_rejects_a_non_bool_mode() -> None:
    with pytest.raises(ValueError, match="bool"):
        TwoLayer().train("no")  # type: ignore[arg-type]


def test_apply_visits_children_before_the_parent() -> None:
    net = TwoLayer()
    seen: list[str] = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "TwoLayer"]


def test_apply_can_reinitialise_the_linear_layers() -> None:
    net = TwoLayer()

    def zero_bias(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)

    net.apply(zero_bias)
    assert not net.fc1.bias.detach().numpy().any() and not net.fc2.bias.detach().numpy().any()


def test_requires_grad_false_freezes_every_parameter() -> None:
    net = TwoLayer().requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_double_converts_parameters_in_place_and_keeps_the_objects() -> None:
    net = TwoLayer()
    before = list(net.parameters())
    net.double()
    assert [p is q for p, q in zip(net.parameters(), before)] == [True] * 4
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net(autograd.randn(2, 3, dtype=autograd.float64)).dtype == np.float64


# -- state dicts -----------------------------------------------------------------------------------


def test_state_dict_has_pytorch_key_names_and_shares_memory() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(not v.requires_grad for v in state.values())
    with autograd.no_grad():
        model[0].bias.fill_(3.0)
    np.testing.assert_array_equal(state["0.bias"].numpy(), [3.0, 3.0, 3.0])


def test_state_dict_keep_vars_returns_the_parameters() -> None:
    layer = nn.Linear(2, 2)
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight


def test_load_state_dict_copies_values_in_place() -> None:
    source, target = TwoLayer(), TwoLayer()
    weight_object = target.fc1.weight
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.fc1.weight is weight_object  # an optimiser holding it keeps working
    for key, value in values(source).items():
        np.testing.assert_array_equal(target.state_dict()[key].numpy(), value)


def test_load_state_dict_accepts_numpy_arrays_and_casts_to_the_parameter_dtype() -> None:
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"weight": np.array([[1.0, 2.0]]), "bias": np.array([0.5])})
    assert layer.weight.dtype == np.float32
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[1.0, 2.0]])


def test_load_state_dict_lists_every_problem_in_one_error_and_changes_nothing() -> None:
    model = TwoLayer()
    before = values(model)
    bad = model.state_dict()
    bad = {k: v.numpy().copy() for k, v in bad.items()}
    del bad["fc1.bias"]
    bad["fc2.weight"] = np.zeros((5, 5))
    bad["extra.weight"] = np.zeros(1)
    bad["fc1.weight"] = bad["fc1.weight"] + 1  # a good entry: must not be copied either
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    assert 'Missing key(s) in state_dict: "fc1.bias"' in message
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in message
    assert "size mismatch for fc2.weight: copying a param with shape (5, 5)" in message
    assert "(2, 4)" in message
    for key, value in values(model).items():
        np.testing.assert_array_equal(value, before[key])


def test_load_state_dict_non_strict_reports_missing_and_unexpected_keys() -> None:
    layer = nn.Linear(2, 1)
    result = layer.load_state_dict({"weight": np.ones((1, 2)), "other": np.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[1.0, 1.0]])


def test_load_state_dict_non_strict_still_refuses_a_wrong_shape() -> None:
    layer = nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        layer.load_state_dict({"weight": np.ones((2, 2))}, strict=False)


def test_load_state_dict_refuses_non_numeric_values() -> None:
    layer = nn.Linear(1, 1)
    with pytest.raises(RuntimeError, match='"bias" has non-numeric dtype'):
        layer.load_state_dict({"weight": np.ones((1, 1)), "bias": np.array(["a"])})


def test_load_state_dict_restores_buffers() -> None:
    module = WithBuffer()
    module.load_state_dict({"scale": np.ones(2), "running": np.array([4.0, 5.0])})
    np.testing.assert_array_equal(module.running.numpy(), [4.0, 5.0])


def test_training_after_load_state_dict_updates_the_loaded_parameters() -> None:
    model = nn.Linear(2, 1)
    params = list(model.parameters())
    model.load_state_dict({"weight": np.array([[1.0, -1.0]]), "bias": np.array([0.0])})
    model(autograd.tensor([[1.0, 2.0]])).sum().backward()
    with autograd.no_grad():
        for p in params:  # references taken before loading, as an optimiser holds them
            p -= 0.1 * p.grad
    np.testing.assert_allclose(model.weight.detach().numpy(), [[0.9, -1.2]], rtol=1e-6)


# -- repr ------------------------------------------------------------------------------------------


def test_repr_prints_the_tree_as_pytorch_does() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            self.out = nn.Linear(3, 1, bias=False)

    assert repr(Net()) == (
        "Net(\n"
        "  (features): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (out): Linear(in_features=3, out_features=1, bias=False)\n"
        ")"
    )


def test_repr_of_a_leaf_module_is_one_line() -> None:
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.Module()) == "Module()"


# -- Sequential ------------------------------------------------------------------------------------


def test_sequential_runs_its_modules_in_order() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    x = autograd.randn(4, 2)
    expected = model[2](model[1](model[0](x)))
    np.testing.assert_array_equal(model(x).detach().numpy(), expected.detach().numpy())


def test_sequential_is_indexable_sized_and_iterable() -> None:
    first, act, last = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    model = nn.Sequential(first, act, last)
    assert model[0] is first and model[-1] is last and len(model) == 3
    assert list(model) == [first, act, last]
    assert model[0].weight.shape == (3, 2)


def test_sequential_slice_is_a_sequential_of_the_same_modules() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [model[0], model[1]]


def test_sequential_index_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(IndexError, match="index 3 is out of range for a Sequential of length 2"):
        nn.Sequential(nn.ReLU(), nn.ReLU())[3]


def test_sequential_from_an_ordered_dict_uses_its_names() -> None:
    model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert [name for name, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias"]
    assert model[1] is model.act


def test_sequential_append_and_setitem_register_modules() -> None:
    model = nn.Sequential(nn.Linear(2, 2))
    model.append(nn.Linear(2, 1))
    model[0] = nn.Linear(2, 2, bias=False)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "1.weight", "1.bias"]


# -- ModuleList ------------------------------------------------------------------------------------


def test_module_list_registers_its_modules() -> None:
    class Stack(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x: Tensor) -> Tensor:
            for layer in self.layers:
                x = layer(x)
            return x

    stack = Stack()
    assert len(list(stack.parameters())) == 6
    assert [name for name, _ in stack.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    assert stack(autograd.randn(1, 2)).shape == (1, 2)


def test_module_list_indexing_and_list_operations() -> None:
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    layers = nn.ModuleList([a])
    layers.append(c)
    layers.insert(1, b)
    assert list(layers) == [a, b, c] and layers[-1] is c and len(layers) == 3
    assert list(layers[1:]) == [b, c]
    layers.extend([nn.Identity()])
    del layers[0]
    assert list(layers)[:2] == [b, c] and list(layers._modules) == ["0", "1", "2"]


def test_module_list_is_not_callable() -> None:
    with pytest.raises(NotImplementedError, match="iterate"):
        nn.ModuleList([nn.ReLU()])(autograd.ones(1))


def test_deepcopy_gives_an_independent_model_with_the_same_values() -> None:
    model = TwoLayer()
    clone = copy.deepcopy(model)
    assert all(isinstance(p, nn.Parameter) for p in clone.parameters())
    for key, value in values(model).items():
        np.testing.assert_array_equal(values(clone)[key], value)
    with autograd.no_grad():
        clone.fc1.weight.fill_(0.0)
    assert values(model)["fc1.weight"].any()
    clone(autograd.randn(2, 3)).sum().backward()
    assert model.fc1.weight.grad is None and clone.fc1.weight.grad is not None


def test_to_an_integer_dtype_is_refused() -> None:
    with pytest.raises(TypeError, match="floating dtypes, got int64"):
        TwoLayer().to(autograd.int64)


def test_sequential_delitem_removes_the_module() -> None:
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    del model[1]
    assert len(model) == 2 and [type(m).__name__ for m in model] == ["Linear", "Linear"]
