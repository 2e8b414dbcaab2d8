"""Recurrent layers, as PyTorch's: RNN, LSTM and GRU (layers, directions, batch_first, initial states) and
their cells, with PyTorch's parameter names and shapes (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
"_reverse" for the second direction) and initialisation U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

Gate layouts follow PyTorch: LSTM rows are (input, forget, cell, output); GRU rows (reset, update, new),
with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). The input projection of every time step is one
matrix product; the loop over time steps is the only Python loop (for LSTM layers, inside one node:
`autograd.lstm_recurrence`).
"""

from __future__ import annotations

import math
from typing import Any

import autograd
from autograd import Tensor

from . import functional as F  # noqa: N812 - the name PyTorch code uses
from . import init
from .module import Module
from .parameter import Parameter

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def rnn_step(
    mode: str, x_proj: Tensor, h: Tensor, c: Tensor | None, w_hh: Tensor, b_hh: Tensor | None
) -> tuple[Tensor, Tensor | None]:
    """One time step from the input's projection x_proj = x @ W_ih^T + b_ih: the new (h, c)."""
    h_proj = F.linear(h, w_hh, b_hh)
    if mode == "LSTM":
        i, f, g, o = (x_proj + h_proj).chunk(4, -1)
        assert c is not None
        c = i.sigmoid() * g.tanh() + f.sigmoid() * c
        return o.sigmoid() * c.tanh(), c
    if mode == "GRU":
        xr, xz, xn = x_proj.chunk(3, -1)
        hr, hz, hn = h_proj.chunk(3, -1)
        r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
        n = (xn + r * hn).tanh()
        return (1 - z) * n + z * h, None
    pre = x_proj + h_proj
    return (pre.tanh() if mode == "RNN_TANH" else pre.relu()), None


class RNNBase(Module):
    """The layers-and-directions machinery shared by RNN, LSTM and GRU."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        if not 0 <= dropout <= 1:
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, dropout, bidirectional
        gates = GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                width = input_size if layer == 0 else hidden_size * directions
                setattr(self, f"weight_ih{suffix}", Parameter(autograd.empty(gates, width)))
                setattr(self, f"weight_hh{suffix}", Parameter(autograd.empty(gates, hidden_size)))
                if bias:
                    setattr(self, f"bias_ih{suffix}", Parameter(autograd.empty(gates)))
                    setattr(self, f"bias_hh{suffix}", Parameter(autograd.empty(gates)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _weights(self, layer: int, direction: int) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        get = self.__dict__.get
        return (
            self.__dict__[f"weight_ih{suffix}"],
            self.__dict__[f"weight_hh{suffix}"],
            get(f"bias_ih{suffix}"),
            get(f"bias_hh{suffix}"),
        )

    def _initial(self, hx: Any, batch: int, dtype: Any) -> tuple[Tensor, Tensor | None]:
        shape = (self.num_layers * (2 if self.bidirectional else 1), batch, self.hidden_size)
        if self.mode == "LSTM":
            h0, c0 = (
                hx if hx is not None else (autograd.zeros(*shape, dtype=dtype), autograd.zeros(*shape, dtype=dtype))
            )
            for name, t in (("h0", h0), ("c0", c0)):
                if tuple(t.shape) != shape:
                    raise RuntimeError(
                        f"Expected hidden[{0 if name == 'h0' else 1}] size {shape}, got {tuple(t.shape)}"
                    )
            return h0, c0
        h0 = hx if hx is not None else autograd.zeros(*shape, dtype=dtype)
        if tuple(h0.shape) != shape:
            raise RuntimeError(f"Expected hidden size {shape}, got {tuple(h0.shape)}")
        return h0, None

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Any]:  # noqa: A002
        """(output of the last layer at every step, final state (h_n, or (h_n, c_n) for LSTM))."""
        unbatched = input.ndim == 2
        if unbatched:
            input = input.unsqueeze(1)  # noqa: A001
            if hx is not None:
                hx = tuple(t.unsqueeze(1) for t in hx) if self.mode == "LSTM" else hx.unsqueeze(1)
        if self.batch_first and not unbatched:
            input = input.transpose(0, 1)  # noqa: A001
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.shape[-1]}"
            )
        h0, c0 = self._initial(hx, input.shape[1], input.dtype)
        layer_input, finals_h, finals_c = input, [], []
        directions = 2 if self.bidirectional else 1
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                out, h, c = self._run_direction(layer_input, layer, direction, h0[k], None if c0 is None else c0[k])
                outputs.append(out)
                finals_h.append(h)
                finals_c.append(c)
            layer_input = outputs[0] if directions == 1 else autograd.cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout)
        output = layer_input.transpose(0, 1) if self.batch_first and not unbatched else layer_input
        h_n = autograd.stack(finals_h)
        state: Any = (h_n, autograd.stack(finals_c)) if self.mode == "LSTM" else h_n
        if unbatched:
            output = output.squeeze(1)
            state = tuple(t.squeeze(1) for t in state) if self.mode == "LSTM" else state.squeeze(1)
        return output, state

    def _run_direction(
        self, x: Tensor, layer: int, direction: int, h: Tensor, c: Tensor | None
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        w_ih, w_hh, b_ih, b_hh = self._weights(layer, direction)
        if self.mode == "LSTM":  # the loop over time as one node (autograd/ops/lstm_recurrence.py)
            assert c is not None
            return autograd.lstm_recurrence(F.linear(x, w_ih, b_ih), h, c, w_hh, b_hh, reverse=bool(direction))
        projected = F.linear(x, w_ih, b_ih).unbind(0)  # every time step's input projection in one product
        steps = range(x.shape[0] - 1, -1, -1) if direction else range(x.shape[0])
        outputs: list[Tensor] = [h] * x.shape[0]
        for t in steps:
            h, c = rnn_step(self.mode, projected[t], h, c, w_hh, b_hh)
            outputs[t] = h
        return autograd.stack(outputs), h, c

    def extra_repr(self) -> str:
        """`10, 20, num_layers=2, batch_first=True`."""
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (nonlinearity="relu" for ReLU)."""

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh", **kwargs: Any
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(
            "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers, **kwargs
        )


class LSTM(RNNBase):
    """Long short-term memory: gates (input, forget, cell, output) and a cell state c beside h."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, **kwargs: Any) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit: gates (reset, update, new)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, **kwargs: Any) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, **kwargs)


class RNNCellBase(Module):
    """One step of a recurrent layer, with PyTorch's weight_ih, weight_hh, bias_ih, bias_hh."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.bias = mode, input_size, hidden_size, bias
        gates = GATES[mode] * hidden_size
        self.weight_ih = Parameter(autograd.empty(gates, input_size))
        self.weight_hh = Parameter(autograd.empty(gates, hidden_size))
        if bias:
            self.bias_ih: Parameter | None = Parameter(autograd.empty(gates))
            self.bias_hh: Parameter | None = Parameter(autograd.empty(gates))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _step(self, input: Tensor, h: Tensor, c: Tensor | None) -> tuple[Tensor, Tensor | None]:  # noqa: A002
        return rnn_step(self.mode, F.linear(input, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh)

    def _zeros(self, input: Tensor) -> Tensor:  # noqa: A002
        return autograd.zeros(*input.shape[:-1], self.hidden_size, dtype=input.dtype)

    def extra_repr(self) -> str:
        """`10, 20`."""
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh") -> None:
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, bias)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        """The next hidden state."""
        return self._step(input, self._zeros(input) if hx is None else hx, None)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step: (h', c') from (x, (h, c))."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias)

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:  # noqa: A002
        """The next (h, c)."""
        h, c = (self._zeros(input), self._zeros(input)) if hx is None else hx
        h, c = self._step(input, h, c)
        assert c is not None
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step: h' from (x, h)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__("GRU", input_size, hidden_size, bias)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        """The next hidden state."""
        return self._step(input, self._zeros(input) if hx is None else hx, None)[0]
