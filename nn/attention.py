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
