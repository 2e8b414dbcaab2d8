"""MultiheadAttention, as PyTorch's: packed in_proj_weight/in_proj_bias and an out_proj Linear."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import functional as F  # noqa: N812 - the name PyTorch code uses
from . import init
from .layers import Linear
from .module import Module
from .parameter import Parameter


class MultiheadAttention(Module):
    """Attention with `num_heads` heads over embed_dim; inputs (L, N, E), or (N, L, E) with batch_first."""

    def __init__(
        self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True, batch_first: bool = False
    ) -> None:
        super().__init__()
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        self.in_proj_weight = Parameter(autograd.empty(3 * embed_dim, embed_dim))
        if bias:
            self.in_proj_bias: Parameter | None = Parameter(autograd.zeros(3 * embed_dim))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            with autograd.no_grad():
                self.out_proj.bias.zero_()  # type: ignore[union-attr]

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """(attention output, attention weights averaged over heads, or per head, or None)."""
        if self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        length, batch, _ = query.shape
        w, b = self.in_proj_weight, self.in_proj_bias
        e = self.embed_dim
        q = F.linear(query, w[:e], None if b is None else b[:e])
        k = F.linear(key, w[e : 2 * e], None if b is None else b[e : 2 * e])
        v = F.linear(value, w[2 * e :], None if b is None else b[2 * e :])

        def heads(t: Tensor) -> Tensor:  # (L, N, E) -> (N, H, L, D)
            return t.reshape(t.shape[0], batch, self.num_heads, self.head_dim).permute(1, 2, 0, 3)

        q, k, v = heads(q), heads(k), heads(v)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / np.sqrt(self.head_dim))
        scores = self._masked(scores, attn_mask, key_padding_mask, is_causal)
        weights = autograd.softmax(scores, dim=-1)
        if self.dropout > 0 and self.training:
            weights = F.dropout(weights, self.dropout)
        out = (weights @ v).permute(2, 0, 1, 3).reshape(length, batch, e)
        out = self.out_proj(out)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        return out, weights.mean(dim=1) if average_attn_weights else weights

    @staticmethod
    def _masked(scores: Tensor, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Tensor:
        length_q, length_k = scores.shape[-2], scores.shape[-1]
        if is_causal and attn_mask is None:
            scores = scores.masked_fill(autograd.tensor(~np.tri(length_q, length_k, dtype=bool)), float("-inf"))
        if attn_mask is not None:
            if attn_mask.dtype == autograd.bool:  # True: not allowed to attend (PyTorch's convention here)
                scores = scores.masked_fill(attn_mask, float("-inf"))
            else:
                scores = scores + attn_mask
        if key_padding_mask is not None:  # (N, S), True: padding
            mask = key_padding_mask.numpy()[:, None, None, :]
            if mask.dtype == np.bool_:
                scores = scores.masked_fill(autograd.tensor(mask), float("-inf"))
            else:
                scores = scores + autograd.tensor(mask)
        return scores

    def extra_repr(self) -> str:
        """`embed_dim=8, num_heads=2, batch_first=False`."""
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual and LayerNorm (after, or before with
    norm_first), as PyTorch's: submodules self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2.
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
    ) -> None:
        super().__init__()
        from .layers import Dropout
        from .normalization import LayerNorm

        if activation not in ("relu", "gelu"):
            raise RuntimeError(f"activation should be relu/gelu, not {activation}")
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation_name = activation

    def _attention(self, x: Tensor, mask: Any, padding: Any, is_causal: bool) -> Tensor:
        out, _ = self.self_attn(
            x, x, x, attn_mask=mask, key_padding_mask=padding, need_weights=False, is_causal=is_causal
        )
        return self.dropout1(out)

    def _feed_forward(self, x: Tensor) -> Tensor:
        hidden = self.linear1(x)
        hidden = hidden.relu() if self.activation_name == "relu" else F.gelu(hidden)
        return self.dropout2(self.linear2(self.dropout(hidden)))

    def forward(
        self, src: Tensor, src_mask: Any = None, src_key_padding_mask: Any = None, is_causal: bool = False
    ) -> Tensor:
        """One encoder layer over (S, N, E) (or (N, S, E) with batch_first)."""
        x = src
        if self.norm_first:
            x = x + self._attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._feed_forward(self.norm2(x))
        x = self.norm1(x + self._attention(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._feed_forward(x))


class TransformerEncoder(Module):
    """`num_layers` copies of an encoder layer (submodules layers.0, layers.1, ...) and an optional final norm."""

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        import copy

        from .module import ModuleList

        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self, src: Tensor, mask: Any = None, src_key_padding_mask: Any = None, is_causal: bool = False
    ) -> Tensor:
        """The layers in turn, then the norm."""
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=is_causal)
        return self.norm(x) if self.norm is not None else x
