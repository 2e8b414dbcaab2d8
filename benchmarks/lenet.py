"""Workload (g): the LeNet-style net of PyTorch's "neural networks" tutorial, forward and backward.

conv(1, 6, 5) -> ReLU -> max-pool 2 -> conv(6, 16, 5) -> ReLU -> max-pool 2 -> flatten ->
120 -> 84 -> 10, on a batch of 64 images of 1x32x32, cross-entropy loss. One timed call is
`zero_grad`, forward, loss and backward (no update). The engine and PyTorch run the same
`Net` class (written once, against the modules passed in); NumPy by hand does im2col (k*k block
copies, one matrix product per convolution, col2im by k*k adds) and pools on strided views.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

import autograd

from .harness import ENGINE, NUMPY, TORCH, Step, Target, Workload

BATCH, CLASSES = 64, 10
ENGINE_NEEDS = (
    "nn.Module",
    "nn.Conv2d",
    "nn.Linear",
    "nn.functional.relu",
    "nn.functional.max_pool2d",
    "nn.functional.cross_entropy",
    "autograd.flatten",
)
SHAPES = {
    "conv1.weight": (6, 1, 5, 5),
    "conv1.bias": (6,),
    "conv2.weight": (16, 6, 5, 5),
    "conv2.bias": (16,),
    "fc1.weight": (120, 400),
    "fc1.bias": (120,),
    "fc2.weight": (84, 120),
    "fc2.bias": (84,),
    "fc3.weight": (10, 84),
    "fc3.bias": (10,),
}


def initial_weights() -> dict[str, np.ndarray]:
    """Every parameter by its PyTorch name, uniform in +-1/sqrt(fan_in) as PyTorch's default."""
    rng = np.random.default_rng(5)
    weights = {}
    for name, shape in SHAPES.items():
        layer = name.split(".")[0]
        fan_in = int(np.prod(SHAPES[layer + ".weight"][1:]))
        bound = 1 / np.sqrt(fan_in)
        weights[name] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return weights


def batch() -> tuple[np.ndarray, np.ndarray]:
    """64 random 1x32x32 images (float32) and their class indices (int64)."""
    rng = np.random.default_rng(6)
    return rng.standard_normal((BATCH, 1, 32, 32), dtype=np.float32), rng.integers(0, CLASSES, BATCH)


def define_net(nn: Any, F: Any, flatten: Any) -> type:
    """The tutorial's `Net`, against `nn` (engine's or torch.nn), its functional `F` and `flatten`."""

    class Net(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x: Any) -> Any:
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net


def _training_step(framework: SimpleNamespace) -> Step:
    net = define_net(framework.nn, framework.F, framework.flatten)()
    weights = initial_weights()
    with framework.no_grad():
        for name, param in net.named_parameters():
            param.copy_(framework.from_numpy(weights[name]))
    images, labels = batch()
    x, target = framework.from_numpy(images), framework.from_numpy(labels)

    def step() -> Any:
        net.zero_grad()
        loss = framework.F.cross_entropy(net(x), target)
        loss.backward()
        return loss

    return step


def engine_setup() -> Step:
    """LeNet on the engine's nn."""
    import nn
    import nn.functional as F  # noqa: N812  (the name every PyTorch tutorial uses)

    return _training_step(
        SimpleNamespace(nn=nn, F=F, flatten=autograd.flatten, no_grad=autograd.no_grad, from_numpy=autograd.from_numpy)
    )


def torch_setup() -> Step:
    """LeNet on PyTorch eager."""
    import torch

    return _training_step(
        SimpleNamespace(
            nn=torch.nn,
            F=torch.nn.functional,
            flatten=torch.flatten,
            no_grad=torch.no_grad,
            from_numpy=torch.from_numpy,
        )
    )


def conv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """out[n,f,i,j] = sum_{c,p,q} x[n,c,i+p,j+q] w[f,c,p,q] + b[f], as one matrix product with im2col.

    The columns are laid out (C, k, k, N, Ho, Wo), filled by k*k block copies (the fastest
    layout to fill here); they are returned for backward.
    """
    n, c, h, width = x.shape
    f, _, k, _ = w.shape
    ho, wo = h - k + 1, width - k + 1
    cols = np.empty((c, k, k, n, ho, wo), dtype=x.dtype)
    by_channel = x.transpose(1, 0, 2, 3)
    for p in range(k):
        for q in range(k):
            cols[:, p, q] = by_channel[:, :, p : p + ho, q : q + wo]
    cols = cols.reshape(c * k * k, n * ho * wo)
    out = (w.reshape(f, -1) @ cols + b[:, None]).reshape(f, n, ho, wo)
    return out.transpose(1, 0, 2, 3), cols


def conv_backward(
    grad: np.ndarray, cols: np.ndarray, w: np.ndarray, need_input: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Gradients of the weight, the bias and (when needed) the input: matrix products, then col2im by k*k adds."""
    n, f, ho, wo = grad.shape
    _, c, k, _ = w.shape
    by_filter = grad.transpose(1, 0, 2, 3).reshape(f, -1)
    g_w = (by_filter @ cols.T).reshape(w.shape)
    g_b = by_filter.sum(axis=1)
    if not need_input:
        return g_w, g_b, None
    g_cols = (w.reshape(f, -1).T @ by_filter).reshape(c, k, k, n, ho, wo)
    g_x = np.zeros((c, n, ho + k - 1, wo + k - 1), dtype=grad.dtype)
    for p in range(k):
        for q in range(k):
            g_x[:, :, p : p + ho, q : q + wo] += g_cols[:, p, q]
    return g_w, g_b, g_x.transpose(1, 0, 2, 3)


def pool_forward(x: np.ndarray) -> np.ndarray:
    """2x2 max-pool with stride 2: the maximum of the four strided views (much faster than `.max` over axes)."""
    return np.maximum(
        np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2]), np.maximum(x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2])
    )


def pool_backward(grad: np.ndarray, x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The gradient goes to the maximum of each block (ties, only zeros after ReLU here, are cut by ReLU's backward)."""
    g_x = np.empty_like(x)
    for p in range(2):
        for q in range(2):
            np.multiply(x[:, :, p::2, q::2] == out, grad, out=g_x[:, :, p::2, q::2])
    return g_x


def numpy_setup() -> Step:
    """LeNet forward and backward by hand in NumPy: the floor."""
    p = initial_weights()
    x, labels = batch()
    rows = np.arange(BATCH)
    grads: dict[str, np.ndarray] = {}  # each parameter's gradient, as `.grad` holds it for the engine

    def step() -> Any:
        h1, win1 = conv_forward(x, p["conv1.weight"], p["conv1.bias"])
        a1 = np.maximum(h1, 0)
        p1 = pool_forward(a1)
        h2, win2 = conv_forward(p1, p["conv2.weight"], p["conv2.bias"])
        a2 = np.maximum(h2, 0)
        p2 = pool_forward(a2)
        f = p2.reshape(BATCH, -1)
        z1 = f @ p["fc1.weight"].T + p["fc1.bias"]
        r1 = np.maximum(z1, 0)
        z2 = r1 @ p["fc2.weight"].T + p["fc2.bias"]
        r2 = np.maximum(z2, 0)
        logits = r2 @ p["fc3.weight"].T + p["fc3.bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = (np.log(total[:, 0]) - shifted[rows, labels]).mean()

        g = exp / total
        g[rows, labels] -= 1
        g /= BATCH
        grads["fc3.weight"], grads["fc3.bias"] = g.T @ r2, g.sum(axis=0)
        g = g @ p["fc3.weight"]
        g *= z2 > 0
        grads["fc2.weight"], grads["fc2.bias"] = g.T @ r1, g.sum(axis=0)
        g = g @ p["fc2.weight"]
        g *= z1 > 0
        grads["fc1.weight"], grads["fc1.bias"] = g.T @ f, g.sum(axis=0)
        g = (g @ p["fc1.weight"]).reshape(p2.shape)
        g = pool_backward(g, a2, p2)
        g *= h2 > 0
        grads["conv2.weight"], grads["conv2.bias"], g_p1 = conv_backward(g, win2, p["conv2.weight"], True)
        assert g_p1 is not None
        g = pool_backward(g_p1, a1, p1)
        g *= h1 > 0
        grads["conv1.weight"], grads["conv1.bias"], _ = conv_backward(g, win1, p["conv1.weight"], False)
        return loss

    return step


def workloads(quick: bool, million: bool) -> list[Workload]:
    """LeNet, as one benchmark row."""
    return [
        Workload(
            name="lenet",
            description="LeNet-style convnet, batch 64 of 1x32x32, cross-entropy, forward + backward",
            setups={ENGINE: engine_setup, NUMPY: numpy_setup, TORCH: torch_setup},
            engine_needs=ENGINE_NEEDS,
            targets=(Target(1.1, TORCH),),
        )
    ]
