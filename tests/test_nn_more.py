"""nn layers, containers, hooks, utils and functional pieces that small models use, against NumPy reference math.

State-dict names and shapes are PyTorch's, written out here.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F  # noqa: N812 - the name PyTorch code uses
from autograd import float64, tensor


def leaf(values) -> autograd.Tensor:
    return tensor(np.asarray(values, dtype=np.float64), dtype=float64, requires_grad=True)


RNG = np.random.default_rng(0)


# -- layer norm --------------------------------------------------------------------------------------


def test_layer_norm_matches_the_formula_and_its_gradients_check_twice() -> None:
    x, w, b = RNG.normal(size=(3, 4, 5)), RNG.normal(size=5), RNG.normal(size=5)
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * w + b
    np.testing.assert_allclose(F.layer_norm(leaf(x), (5,), leaf(w), leaf(b)).detach().numpy(), expected, rtol=1e-10)
    assert autograd.gradcheck(lambda *t: F.layer_norm(t[0], (5,), t[1], t[2]), [leaf(x), leaf(w), leaf(b)])
    assert autograd.gradgradcheck(
        lambda *t: F.layer_norm(t[0], (4, 5), t[1], t[2]), [leaf(x), leaf(np.ones((4, 5))), leaf(np.zeros((4, 5)))]
    )


def test_layer_norm_module_has_pytorchs_parameters_and_repr() -> None:
    layer = nn.LayerNorm(8)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"weight": (8,), "bias": (8,)}
    assert repr(layer) == "LayerNorm((8,), eps=1e-05, elementwise_affine=True)"
    np.testing.assert_array_equal(layer.weight.detach().numpy(), np.ones(8))
    with pytest.raises(ValueError, match=r"expected input with shape \[\*, 8\]"):
        layer(autograd.ones(2, 7))


# -- batch norm ---------------------------------------------------------------------------------------


def test_batch_norm_trains_on_batch_statistics_and_updates_the_running_ones() -> None:
    layer = nn.BatchNorm1d(3, momentum=0.1)
    x = RNG.normal(size=(10, 3)) * 2 + 1
    out = layer(tensor(x, dtype=autograd.float32))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.9 + 0.1 * x.var(0, ddof=1), rtol=1e-5)
    assert int(layer.num_batches_tracked.item()) == 1


def test_batch_norm_in_eval_uses_the_running_statistics() -> None:
    layer = nn.BatchNorm2d(2)
    with autograd.no_grad():
        layer.running_mean.copy_(tensor([1.0, -1.0]))
        layer.running_var.copy_(tensor([4.0, 0.25]))
    layer.eval()
    x = RNG.normal(size=(2, 2, 3, 3)).astype(np.float32)
    expected = (x - np.array([1.0, -1.0]).reshape(1, 2, 1, 1)) / np.sqrt(
        np.array([4.0, 0.25]).reshape(1, 2, 1, 1) + 1e-5
    )
    np.testing.assert_allclose(layer(tensor(x)).detach().numpy(), expected, rtol=1e-5)


def test_batch_norm_state_dict_names_are_pytorchs() -> None:
    shapes = {k: tuple(v.shape) for k, v in nn.BatchNorm2d(4).state_dict().items()}
    assert shapes == {
        "weight": (4,),
        "bias": (4,),
        "running_mean": (4,),
        "running_var": (4,),
        "num_batches_tracked": (),
    }


def test_batch_norm_gradient_checks() -> None:
    x = leaf(RNG.normal(size=(6, 3)))
    w, b = leaf(RNG.normal(size=3)), leaf(RNG.normal(size=3))
    assert autograd.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [x, w, b])


def test_momentum_none_averages_the_batches() -> None:
    layer = nn.BatchNorm1d(1, momentum=None)
    for values in ([1.0, 3.0], [5.0, 7.0]):
        layer(tensor([[v] for v in values]))
    np.testing.assert_allclose(layer.running_mean.numpy(), [4.0])


def test_group_norm_normalises_each_group_of_each_sample() -> None:
    x = RNG.normal(size=(2, 4, 3))
    out = F.group_norm(tensor(x, dtype=float64), 2).numpy()
    groups = x.reshape(2, 2, -1)
    expected = ((groups - groups.mean(-1, keepdims=True)) / np.sqrt(groups.var(-1, keepdims=True) + 1e-5)).reshape(
        x.shape
    )
    np.testing.assert_allclose(out, expected, rtol=1e-10)


# -- embedding -----------------------------------------------------------------------------------------


def test_embedding_looks_up_rows_and_the_padding_row_gets_no_gradient() -> None:
    layer = nn.Embedding(5, 3, padding_idx=0)
    np.testing.assert_array_equal(layer.weight.detach().numpy()[0], np.zeros(3))
    index = tensor([[0, 2], [2, 4]])
    out = layer(index)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.detach().numpy(), layer.weight.detach().numpy()[index.numpy()])
    out.sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy()[:, 0], [0.0, 0.0, 2.0, 0.0, 1.0])
    assert repr(layer) == "Embedding(5, 3, padding_idx=0)"
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"weight": (5, 3)}


def test_one_hot_matches_numpy() -> None:
    np.testing.assert_array_equal(F.one_hot(tensor([0, 2, 1])).numpy(), np.eye(3, dtype=np.int64)[[0, 2, 1]])
    assert F.one_hot(tensor([1]), num_classes=4).shape == (1, 4)
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tensor([5]), num_classes=3)


# -- attention ---------------------------------------------------------------------------------------


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_scaled_dot_product_attention_is_the_formula_with_a_causal_mask() -> None:
    q, k, v = (RNG.normal(size=(2, 4, 8)) for _ in range(3))
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(8)
    scores = np.where(np.tri(4, 4, dtype=bool), scores, -np.inf)
    expected = softmax(scores) @ v
    out = F.scaled_dot_product_attention(*(tensor(a, dtype=float64) for a in (q, k, v)), is_causal=True)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    assert autograd.gradcheck(
        lambda *t: F.scaled_dot_product_attention(*t, is_causal=True), [leaf(q), leaf(k), leaf(v)]
    )


def test_multihead_attention_matches_the_formula_per_head() -> None:
    layer = nn.MultiheadAttention(8, 2, batch_first=True).double()
    x = RNG.normal(size=(3, 5, 8))
    out, weights = layer(tensor(x, dtype=float64), tensor(x, dtype=float64), tensor(x, dtype=float64))
    w, b = layer.in_proj_weight.detach().numpy(), layer.in_proj_bias.detach().numpy()
    q, k, v = (x @ w[i * 8 : (i + 1) * 8].T + b[i * 8 : (i + 1) * 8] for i in range(3))
    split = lambda t: t.reshape(3, 5, 2, 4).transpose(0, 2, 1, 3)  # noqa: E731
    attention = softmax(split(q) @ split(k).transpose(0, 1, 3, 2) / 2.0)
    merged = (attention @ split(v)).transpose(0, 2, 1, 3).reshape(3, 5, 8)
    expected = merged @ layer.out_proj.weight.detach().numpy().T + layer.out_proj.bias.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weights.detach().numpy(), attention.mean(1), rtol=1e-9)


def test_multihead_attention_state_dict_is_pytorchs() -> None:
    shapes = {k: tuple(v.shape) for k, v in nn.MultiheadAttention(16, 4).state_dict().items()}
    assert shapes == {
        "in_proj_weight": (48, 16),
        "in_proj_bias": (48,),
        "out_proj.weight": (16, 16),
        "out_proj.bias": (16,),
    }


def test_key_padding_mask_hides_the_padded_keys() -> None:
    layer = nn.MultiheadAttention(4, 1, batch_first=True)
    x = autograd.randn(1, 3, 4)
    _, weights = layer(x, x, x, key_padding_mask=tensor([[False, False, True]]))
    np.testing.assert_array_equal(weights.detach().numpy()[0, :, 2], [0.0, 0.0, 0.0])


# -- containers, hooks, utils -------------------------------------------------------------------------


def test_module_dict_and_parameter_containers_register_their_members() -> None:
    model = nn.Module()
    model.blocks = nn.ModuleDict({"a": nn.Linear(2, 3), "b": nn.Linear(3, 1)})
    model.scales = nn.ParameterList([autograd.ones(2), autograd.zeros(3)])
    model.extra = nn.ParameterDict({"bias": autograd.zeros(1)})
    assert list(model.state_dict()) == [
        "blocks.a.weight",
        "blocks.a.bias",
        "blocks.b.weight",
        "blocks.b.bias",
        "scales.0",
        "scales.1",
        "extra.bias",
    ]
    assert len(list(model.parameters())) == 7 and "a" in model.blocks and list(model.blocks.keys()) == ["a", "b"]


def test_forward_hooks_can_replace_inputs_and_outputs_and_be_removed() -> None:
    layer = nn.Linear(2, 1)
    pre = layer.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda module, args, output: output + 1)
    out = layer(autograd.ones(1, 2))
    np.testing.assert_allclose(out.detach().numpy(), layer.bias.detach().numpy().reshape(1, 1) + 1)
    pre.remove()
    post.remove()
    weight, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    np.testing.assert_allclose(
        layer(autograd.ones(1, 2)).detach().numpy(), np.ones((1, 2)) @ weight.T + bias, rtol=1e-6
    )
    assert not layer._forward_hooks and not layer._forward_pre_hooks


def test_full_backward_hook_sees_the_gradients_of_input_and_output() -> None:
    layer = nn.Linear(3, 2)
    seen = []
    layer.register_full_backward_hook(lambda module, grad_input, grad_output: seen.append((grad_input, grad_output)))
    x = autograd.ones(4, 3, requires_grad=True)
    layer(x).sum().backward()
    (grad_input,), (grad_output,) = seen[0]
    np.testing.assert_array_equal(grad_output.numpy(), np.ones((4, 2)))
    np.testing.assert_allclose(grad_input.numpy(), np.ones((4, 2)) @ layer.weight.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), grad_input.numpy())


def test_clip_grad_norm_scales_to_the_max_norm_and_returns_the_total() -> None:
    a, b = leaf([3.0, 0.0]), leaf([0.0, 4.0])
    (a.sum() + b.sum() * 1).backward()
    a.grad, b.grad = tensor([3.0, 0.0], dtype=float64), tensor([0.0, 4.0], dtype=float64)
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert float(total) == pytest.approx(5.0)
    np.testing.assert_allclose(
        np.concatenate([a.grad.numpy(), b.grad.numpy()]), np.array([3.0, 0.0, 0.0, 4.0]) / 5, rtol=1e-5
    )


def test_clip_grad_norm_raises_on_a_nonfinite_norm_when_asked() -> None:
    a = leaf([1.0])
    a.grad = tensor([float("inf")], dtype=float64)
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_parameter_vectors() -> None:
    a = leaf([1.0, -2.0, 3.0])
    a.grad = tensor([5.0, -5.0, 0.5], dtype=float64)
    nn.utils.clip_grad_value_([a], 1.0)
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, -1.0, 0.5])
    layer = nn.Linear(2, 2)
    vector = nn.utils.parameters_to_vector(layer.parameters())
    assert vector.shape == (6,)
    nn.utils.vector_to_parameters(autograd.arange(6.0), layer.parameters())
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[0.0, 1.0], [2.0, 3.0]])


# -- functional ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
def test_pad_modes_match_numpy(mode: str) -> None:
    x = np.arange(12.0).reshape(1, 3, 4)
    numpy_mode = {"replicate": "edge", "circular": "wrap", "reflect": "reflect", "constant": "constant"}[mode]
    expected = np.pad(x, ((0, 0), (1, 2), (2, 1)), mode=numpy_mode)
    np.testing.assert_array_equal(F.pad(tensor(x), (2, 1, 1, 2), mode=mode).numpy(), expected)
    assert autograd.gradcheck(lambda t: F.pad(t, (2, 1, 1, 2), mode=mode), [leaf(x)])


def test_normalize_and_cosine_similarity() -> None:
    x, y = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    np.testing.assert_allclose(
        F.normalize(tensor(x, dtype=float64)).numpy(), x / np.linalg.norm(x, axis=1, keepdims=True)
    )
    expected = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    np.testing.assert_allclose(
        F.cosine_similarity(tensor(x, dtype=float64), tensor(y, dtype=float64)).numpy(), expected
    )


def test_elu_silu_softplus_modules() -> None:
    x = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_allclose(nn.ELU(0.5)(tensor(x, dtype=float64)).numpy(), np.where(x > 0, x, 0.5 * np.expm1(x)))
    np.testing.assert_allclose(nn.SiLU()(tensor(x, dtype=float64)).numpy(), x / (1 + np.exp(-x)))
    np.testing.assert_allclose(nn.Softplus()(tensor(x, dtype=float64)).numpy(), np.log1p(np.exp(x)))


def test_unflatten_and_dropout2d() -> None:
    assert nn.Unflatten(1, (2, 5))(autograd.ones(3, 10)).shape == (3, 2, 5)
    autograd.manual_seed(0)
    out = nn.Dropout2d(0.5)(autograd.ones(4, 6, 3, 3)).numpy()
    per_channel = out.reshape(4, 6, 9)
    assert set(np.unique(per_channel)) <= {0.0, 2.0} and (per_channel.min(-1) == per_channel.max(-1)).all()
    layer = nn.Dropout2d(0.5)
    layer.eval()
    np.testing.assert_array_equal(layer(autograd.ones(2, 2, 2)).numpy(), np.ones((2, 2, 2)))


# -- convolution family and resizing -------------------------------------------------------------------


def test_conv1d_is_the_correlation_along_the_sequence() -> None:
    layer = nn.Conv1d(2, 3, 3, padding=1).double()
    x = RNG.normal(size=(4, 2, 7))
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    expected = np.stack([np.einsum("nck,ock->no", padded[:, :, i : i + 3], w) for i in range(7)], -1) + b[:, None]
    np.testing.assert_allclose(layer(tensor(x, dtype=float64)).detach().numpy(), expected, rtol=1e-10)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"weight": (3, 2, 3), "bias": (3,)}


def test_conv_transpose2d_layer_has_pytorchs_weight_layout_init_and_repr() -> None:
    layer = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"weight": (16, 8, 4, 4), "bias": (8,)}
    bound = 1 / np.sqrt(8 * 4 * 4)  # fan_in from the weight's second dimension, as PyTorch
    assert np.abs(layer.weight.detach().numpy()).max() <= bound and np.abs(layer.bias.detach().numpy()).max() <= bound
    assert repr(layer) == "ConvTranspose2d(16, 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))"
    assert layer(autograd.randn(2, 16, 7, 7)).shape == (2, 8, 14, 14)


def test_conv_transpose2d_output_size_chooses_the_output_padding() -> None:
    layer = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1).double()
    x = tensor(RNG.normal(size=(1, 2, 4, 4)), dtype=float64)
    sized = layer(x, output_size=(1, 2, 8, 8))
    assert sized.shape == (1, 2, 8, 8)
    np.testing.assert_array_equal(
        sized.detach().numpy(), F.conv_transpose2d(x, layer.weight, layer.bias, 2, 1, 1).detach().numpy()
    )


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv2d_padding_modes_pad_from_the_image(mode: str) -> None:
    layer = nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode, bias=False).double()
    x = RNG.normal(size=(1, 1, 4, 5))
    padded = F.pad(tensor(x, dtype=float64), (1, 1, 1, 1), mode=mode)
    expected = F.conv2d(padded, layer.weight).detach().numpy()
    np.testing.assert_allclose(layer(tensor(x, dtype=float64)).detach().numpy(), expected)


def test_adaptive_avg_pool_uses_pytorchs_bins() -> None:
    x = np.arange(2 * 5 * 7.0).reshape(1, 2, 5, 7)
    out = nn.AdaptiveAvgPool2d((2, 3))(tensor(x, dtype=float64)).numpy()
    rows, cols = [(0, 3), (2, 5)], [(0, 3), (2, 5), (4, 7)]
    expected = np.array([[[x[0, c, r0:r1, c0:c1].mean() for c0, c1 in cols] for r0, r1 in rows] for c in range(2)])
    np.testing.assert_allclose(out[0], expected)
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d(1)(tensor(x)).numpy().ravel(), x.mean((2, 3)).ravel())


def test_upsample_nearest_repeats_pixels() -> None:
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    out = nn.Upsample(scale_factor=2)(tensor(x)).numpy()
    np.testing.assert_array_equal(out[0, 0], np.repeat(np.repeat(x[0, 0], 2, 0), 2, 1))
    assert F.interpolate(tensor(x), size=(3, 3)).shape == (1, 1, 3, 3)


def test_transformer_encoder_layer_post_norm_matches_the_formula_in_eval() -> None:
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True).double()
    layer.eval()
    x = RNG.normal(size=(2, 4, 8))
    attention, _ = layer.self_attn(*(tensor(x, dtype=float64),) * 3)

    def norm(v: np.ndarray, module: nn.LayerNorm) -> np.ndarray:
        normalised = (v - v.mean(-1, keepdims=True)) / np.sqrt(v.var(-1, keepdims=True) + 1e-5)
        return normalised * module.weight.detach().numpy() + module.bias.detach().numpy()

    def linear(v: np.ndarray, module: nn.Linear) -> np.ndarray:
        return v @ module.weight.detach().numpy().T + module.bias.detach().numpy()

    h = norm(x + attention.detach().numpy(), layer.norm1)
    expected = norm(h + linear(np.maximum(linear(h, layer.linear1), 0), layer.linear2), layer.norm2)
    np.testing.assert_allclose(layer(tensor(x, dtype=float64)).detach().numpy(), expected, rtol=1e-9, atol=1e-12)


def test_transformer_encoder_state_dict_names_are_pytorchs() -> None:
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), num_layers=2)
    names = list(encoder.state_dict())
    assert names[:4] == [
        "layers.0.self_attn.in_proj_weight",
        "layers.0.self_attn.in_proj_bias",
        "layers.0.self_attn.out_proj.weight",
        "layers.0.self_attn.out_proj.bias",
    ]
    assert "layers.1.norm2.bias" in names and len(names) == 24


# -- max pooling options ---------------------------------------------------------------------------


def max_pool_reference(x: np.ndarray, k: int, s: int, p: int, d: int, ceil: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each window's maximum and its flat index h * W + w, by loops (padding never wins; PyTorch's output size)."""
    n, c, h, w = x.shape

    def size(length: int) -> int:
        span = length + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil else span // s) + 1
        return out - 1 if ceil and (out - 1) * s >= length + p else out

    oh, ow = size(h), size(w)
    values, index = np.full((n, c, oh, ow), -np.inf), np.zeros((n, c, oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            for a in range(k):
                for b in range(k):
                    r, q = i * s - p + a * d, j * s - p + b * d
                    if 0 <= r < h and 0 <= q < w:
                        better = x[:, :, r, q] > values[:, :, i, j]
                        values[:, :, i, j] = np.where(better, x[:, :, r, q], values[:, :, i, j])
                        index[:, :, i, j] = np.where(better, r * w + q, index[:, :, i, j])
    return values, index


@pytest.mark.parametrize(
    ("k", "s", "p", "d", "ceil"), [(2, 2, 0, 1, True), (3, 2, 1, 1, True), (2, 2, 0, 2, False), (3, 2, 1, 2, True)]
)
def test_max_pool_dilation_ceil_mode_and_indices_match_the_loops(k: int, s: int, p: int, d: int, ceil: bool) -> None:
    x = RNG.normal(size=(2, 3, 7, 9))
    layer = nn.MaxPool2d(k, s, p, dilation=d, return_indices=True, ceil_mode=ceil)
    values, index = layer(tensor(x, dtype=float64))
    expected_values, expected_index = max_pool_reference(x, k, s, p, d, ceil)
    np.testing.assert_array_equal(values.numpy(), expected_values)
    np.testing.assert_array_equal(index.numpy(), expected_index)
    assert autograd.gradcheck(lambda t: F.max_pool2d(t, k, s, p, d, ceil), [leaf(x[:1, :1])])
