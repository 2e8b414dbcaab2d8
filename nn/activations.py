"""Activation layers: `ReLU`, `LeakyReLU`, `Sigmoid`, `Tanh`, `GELU`, `Softmax`, `LogSoftmax`.

>>> nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
"""

from __future__ import annotations

import autograd
from autograd import Tensor

from . import functional as F  # noqa: N812 - the name PyTorch code uses
from .module import Module


class ReLU(Module):
    """max(x, 0) elementwise; `inplace=True` overwrites the input."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
        """Apply ReLU."""
        return input.relu_() if self.inplace else autograd.relu(input)

    def extra_repr(self) -> str:
        """`inplace=True` when set, else nothing."""
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x where x > 0, negative_slope * x elsewhere."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Apply leaky ReLU."""
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        """`negative_slope=0.01`."""
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise, without overflow."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Apply the sigmoid."""
        return autograd.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Apply tanh."""
        return autograd.tanh(input)


class GELU(Module):
    """x * Phi(x), Phi the standard normal CDF (exact, through erf); `approximate='tanh'` for the tanh form."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Apply GELU."""
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        """`approximate='none'`."""
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """exp(x) / sum(exp(x)) along `dim` (each slice along dim sums to 1)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Apply softmax along `dim`."""
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        """`dim=1`."""
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) along `dim`, computed stably."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Apply log-softmax along `dim`."""
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        """`dim=1`."""
        return f"dim={self.dim}"


class SiLU(Module):
    """x * sigmoid(x) (swish)."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """silu elementwise."""
        return autograd.silu(input)


class ELU(Module):
    """x for x > 0, alpha * (e ** x - 1) elsewhere."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """elu elementwise."""
        from .functional import elu

        return elu(input, self.alpha)

    def extra_repr(self) -> str:
        """`alpha=1.0`."""
        return f"alpha={self.alpha}"


class Softplus(Module):
    """log(1 + e ** (beta x)) / beta, linear above `threshold`."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """softplus elementwise."""
        return autograd.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """`beta=1.0, threshold=20.0`."""
        return f"beta={self.beta}, threshold={self.threshold}"
