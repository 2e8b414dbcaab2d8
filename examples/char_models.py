"""Character-level language models: a small GPT and an LSTM, with PyTorch's module names.

Both read a text as a sequence of character ids and predict the next character. Written with the
public `autograd` and `nn` API only, so the same code (with `import torch` and `import torch.nn as
nn`) is a PyTorch model with the same `state_dict` keys and shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import autograd
import nn
import nn.functional as F  # noqa: N812 - the name PyTorch code uses
from autograd import Tensor


class CharVocabulary:
    """The characters of a text, each with an id (in sorted order)."""

    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The ids of `text`'s characters (int64)."""
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids: np.ndarray | list[int]) -> str:
        """The text of a sequence of ids."""
        return "".join(self.chars[int(i)] for i in ids)


def unigram_entropy(ids: np.ndarray) -> float:
    """The entropy (nats per character) of the characters' frequencies: a model's loss that knows no context."""
    counts = np.bincount(ids).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def random_batch(ids: np.ndarray, batch_size: int, context: int, rng: np.random.Generator) -> tuple[Tensor, Tensor]:
    """`batch_size` random windows of `context` ids and, for each position, the id that follows it."""
    starts = rng.integers(0, len(ids) - context - 1, size=batch_size)
    rows = starts[:, None] + np.arange(context)
    return autograd.tensor(ids[rows]), autograd.tensor(ids[rows + 1])


@dataclass
class GPTConfig:
    """The size of a GPT: vocabulary, context length, layers, heads and embedding width."""

    vocab_size: int
    block_size: int = 64
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    dropout: float = 0.0


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which each position sees itself and the positions before it."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # queries, keys and values in one product
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, C) to (B, T, C): every head at once, no loop over heads or batch."""
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0.0, is_causal=True)
        return self.c_proj(y.transpose(1, 2).reshape(b, t, c))


class MLP(nn.Module):
    """Position-wise feed-forward: widen four times, GELU, project back."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, C) to (B, T, C)."""
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    """A pre-norm transformer block: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, C) to (B, T, C)."""
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """A character-level GPT: token and position embeddings, pre-norm blocks, a final norm and a linear head."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        for name, p in self.named_parameters():  # GPT-2's initialisation
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * config.n_layer))
            elif name.endswith("weight") and p.ndim == 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx: Tensor) -> Tensor:
        """Ids (B, T) to next-character logits (B, T, vocab_size)."""
        t = idx.shape[1]
        if t > self.config.block_size:
            raise ValueError(f"GPT: a context of {t} ids is longer than block_size {self.config.block_size}")
        x = self.drop(self.wte(idx) + self.wpe(autograd.arange(t)))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class LSTMLanguageModel(nn.Module):
    """Embedding, a stacked LSTM and a linear head: next-character logits at every position."""

    def __init__(self, vocab_size: int, embedding_dim: int = 64, hidden_size: int = 128, num_layers: int = 2) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor, state: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Ids (B, T) to logits (B, T, vocab_size) and the LSTM's final (h, c), to carry on from."""
        out, state = self.lstm(self.embedding(idx), state)
        return self.head(out), state


def sequence_loss(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean cross-entropy of (B, T, V) logits against (B, T) next ids."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def sample(model: nn.Module, vocabulary: CharVocabulary, prompt: str, length: int, context: int, seed: int = 0) -> str:
    """`prompt` continued by `length` characters drawn one at a time from the model's next-character distribution."""
    rng = np.random.default_rng(seed)
    ids = list(vocabulary.encode(prompt))
    model.eval()
    with autograd.no_grad():
        for _ in range(length):
            out = model(autograd.tensor(np.array([ids[-context:]])))
            logits = out[0] if isinstance(out, tuple) else out
            p = F.softmax(logits[0, -1].double(), dim=-1).numpy()
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
    model.train()
    return vocabulary.decode(ids)
