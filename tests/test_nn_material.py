"""The `nn` programs of the teaching material, written as the material writes them (autograd for torch).

Optimiser lines are covered in test_optim.py; here the updates are the
material's manual ones (`param -= lr * param.grad` under no_grad, `f.data.sub_`).
"""

from __future__ import annotations

import numpy as np

import autograd
import nn
import nn.functional as F  # noqa: N812 - the name PyTorch code uses


class Net(nn.Module):
    """The LeNet-style network of the material."""

    def __init__(self):
        super().__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # Max pooling over a (2, 2) window
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # If the size is a square, you can specify with a single number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = autograd.flatten(x, 1)  # flatten all dimensions except the batch dimension
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


class TwoLayerNet(nn.Module):
    """The material's custom-Module form of the two-layer network."""

    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()  # noqa: UP008 - written as the material writes it
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


def test_print_net_shows_the_layers_as_pytorch_prints_them():
    net = Net()
    assert repr(net) == (
        "Net(\n"
        "  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (fc1): Linear(in_features=400, out_features=120, bias=True)\n"
        "  (fc2): Linear(in_features=120, out_features=84, bias=True)\n"
        "  (fc3): Linear(in_features=84, out_features=10, bias=True)\n"
        ")"
    )
    print(net)


def test_lenet_has_ten_parameter_tensors_the_first_being_conv1_weight():
    net = Net()
    params = list(net.parameters())
    assert len(params) == 10
    assert params[0].size() == (6, 1, 5, 5)
    assert [tuple(p.shape) for p in params] == [
        (6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,),
    ]  # fmt: skip


def test_lenet_runs_forward_and_backward_on_one_32x32_image():
    net = Net()
    input = autograd.randn(1, 1, 32, 32)  # noqa: A001 - the material's name
    out = net(input)
    assert out.shape == (1, 10)
    assert net.conv1.bias.grad is None  # before the first backward
    net.zero_grad()
    gradient = autograd.randn(1, 10)
    out.backward(gradient)
    for name, p in net.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
        assert np.isfinite(p.grad.numpy()).all(), name
    # the last layer is out = h @ W.T + b, so d(out . g)/db = g exactly
    np.testing.assert_allclose(net.fc3.bias.grad.numpy(), gradient.numpy()[0], rtol=1e-6)


def test_lenet_loss_graph_is_walked_as_the_material_walks_it():
    net = Net()
    input = autograd.randn(1, 1, 32, 32)  # noqa: A001
    output = net(input)
    target = autograd.randn(10)  # a dummy target, for example
    target = target.view(1, -1)  # make it the same shape as output
    criterion = nn.MSELoss()
    loss = criterion(output, target)
    assert loss.grad_fn.name() == "MseLossBackward"
    assert loss.grad_fn.next_functions[0][0].name() == "LinearBackward"
    assert loss.grad_fn.next_functions[0][0].next_functions[0][0].name() == "ReluBackward"
    expected = np.mean((output.detach().numpy() - target.numpy()) ** 2)
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-5)


def test_lenet_zero_grad_backward_and_the_manual_data_update():
    net = Net()
    input = autograd.randn(1, 1, 32, 32)  # noqa: A001
    criterion = nn.MSELoss()
    loss = criterion(net(input), autograd.randn(1, 10))
    net.zero_grad()  # zeroes the gradient buffers of all parameters
    assert net.conv1.bias.grad is None
    loss.backward()
    assert net.conv1.bias.grad.shape == (6,)
    before = [f.detach().numpy().copy() for f in net.parameters()]
    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    for f, old in zip(net.parameters(), before):
        np.testing.assert_allclose(f.detach().numpy(), old - learning_rate * f.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_parameter_from_randn_that_requires_grad():
    w = nn.Parameter(autograd.randn(4, 2, requires_grad=True))
    assert w.requires_grad and w.shape == (4, 2)
    assert "Parameter containing:" in repr(w)


def test_linear_without_bias_and_its_weight():
    linear = nn.Linear(2, 3, bias=False)
    x = autograd.tensor([[1.0, 2.0]])
    np.testing.assert_allclose(linear(x).detach().numpy(), x.numpy() @ linear.weight.detach().numpy().T, rtol=1e-6)
    assert linear.bias is None


def test_sequential_model_weight_reinitialised_with_init_normal():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    w = model[0].weight
    before = w.detach().numpy().copy()
    autograd.manual_seed(5)
    nn.init.normal_(w)
    first = w.detach().numpy().copy()
    autograd.manual_seed(5)
    nn.init.normal_(w)
    assert model[0].weight is w and not np.array_equal(first, before)
    np.testing.assert_array_equal(w.detach().numpy(), first)


def test_two_layer_sequential_net_trained_by_hand_with_mse_sum():
    # N is batch size; D_in is input dimension; H is hidden dimension; D_out is output dimension.
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = autograd.randn(N, D_in)
    y = autograd.randn(N, D_out)
    model = nn.Sequential(
        nn.Linear(D_in, H),
        nn.ReLU(),
        nn.Linear(H, D_out),
    )
    loss_fn = nn.MSELoss(reduction="sum")
    learning_rate = 1e-4
    losses = []
    for t in range(60):  # noqa: B007 - written as the material writes it
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with autograd.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    assert losses[-1] < 0.5 * losses[0]
    assert all(b <= a for a, b in zip(losses, losses[1:]))


def test_two_layer_module_subclass_trained_by_hand():
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = autograd.randn(N, D_in)
    y = autograd.randn(N, D_out)
    model = TwoLayerNet(D_in, H, D_out)
    criterion = nn.MSELoss(reduction="sum")
    losses = []
    for t in range(60):  # noqa: B007 - written as the material writes it
        y_pred = model(x)
        loss = criterion(y_pred, y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with autograd.no_grad():
            for param in model.parameters():
                param -= 1e-4 * param.grad
    assert losses[-1] < 0.5 * losses[0]
    assert [name for name, _ in model.named_parameters()] == [
        "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
    ]  # fmt: skip


def test_net_parameters_is_what_an_optimiser_takes():
    net = Net()
    params = net.parameters()
    assert iter(params) is params  # a generator, as in PyTorch
    assert len(list(net.parameters())) == 10
