"""Workloads: a training step of the character-level GPT and of the LSTM language model.

Both models are `examples/char_models.py`, one source for both contenders: the engine imports it as
it is; PyTorch imports the same file with `autograd`, `nn` and `nn.functional` standing for `torch`,
`torch.nn` and `torch.nn.functional`, which proves the file is PyTorch code as well. PyTorch's model
starts from the engine model's `state_dict` (same keys, same shapes), so both compute the same
losses. One timed call is a whole training step on a batch of 16 sequences of 64 characters:
`zero_grad`, forward, cross-entropy, backward, gradient clipping to norm 1 and an AdamW update.

- gpt: 2 layers, 4 heads, embedding 64, context 64 (issue 14's size);
- lstm: embedding 64, 2 LSTM layers of hidden size 128.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from .harness import ENGINE, TORCH, Step, Target, Workload

MODELS = Path(__file__).resolve().parent.parent / "examples" / "char_models.py"
VOCABULARY, BATCH, CONTEXT = 65, 16, 64  # Tiny Shakespeare has 65 characters
ENGINE_NEEDS = ("nn.LSTM", "nn.Embedding", "nn.LayerNorm", "nn.functional.scaled_dot_product_attention")


def load_models(framework: str) -> ModuleType:
    """examples/char_models.py, on the engine or (framework "torch") with torch in place of autograd and nn."""
    if framework == ENGINE:
        sys.path.insert(0, str(MODELS.parent.parent))
        try:
            from examples import char_models
        finally:
            sys.path.pop(0)
        return char_models
    import torch

    stand_ins = {"autograd": torch, "nn": torch.nn, "nn.functional": torch.nn.functional}
    kept = {name: sys.modules.get(name) for name in stand_ins}
    sys.modules.update(stand_ins)
    try:
        spec = importlib.util.spec_from_file_location("char_models_on_torch", MODELS)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        for name, previous in kept.items():
            if previous is None:
                del sys.modules[name]
            else:
                sys.modules[name] = previous
    return module


def model_of(models: ModuleType, kind: str) -> Any:
    """The benchmark's model of `kind` ("gpt" or "lstm") from `models` (the file on either framework)."""
    if kind == "gpt":
        return models.GPT(models.GPTConfig(VOCABULARY, block_size=CONTEXT, n_layer=2, n_head=4, n_embd=64))
    return models.LSTMLanguageModel(VOCABULARY, embedding_dim=64, hidden_size=128, num_layers=2)


def build(kind: str) -> Any:
    """A fresh engine model of `kind`, with the engine's default initialisation from seed 0."""
    import autograd

    autograd.manual_seed(0)
    return model_of(load_models(ENGINE), kind)


def batch() -> tuple[np.ndarray, np.ndarray]:
    """16 random sequences of 64 character ids and the ids that follow them (int64)."""
    rng = np.random.default_rng(7)
    ids = rng.integers(0, VOCABULARY, size=(BATCH, CONTEXT + 1))
    return ids[:, :-1], ids[:, 1:]


def _step(model: Any, framework: Any, clip: Any, x: Any, y: Any, sequence_loss: Any) -> Step:
    optimizer = framework.optim.AdamW(model.parameters(), lr=1e-3)

    def step() -> Any:
        optimizer.zero_grad()
        out = model(x)
        logits = out[0] if isinstance(out, tuple) else out
        loss = sequence_loss(logits, y)
        loss.backward()
        clip(model.parameters(), 1.0)
        optimizer.step()
        return loss

    return step


def engine_setup(kind: str) -> Step:
    """The model on the engine."""
    import autograd
    import nn

    model = build(kind)
    x, y = (autograd.tensor(a) for a in batch())
    return _step(model, nn, nn.utils.clip_grad_norm_, x, y, load_models(ENGINE).sequence_loss)


def torch_setup(kind: str) -> Step:
    """The same file's model on PyTorch eager, from the engine model's weights."""
    import torch

    models = load_models(TORCH)
    model = model_of(models, kind)
    weights = {k: torch.from_numpy(v.numpy().copy()) for k, v in build(kind).state_dict().items()}
    model.load_state_dict(weights)
    x, y = (torch.from_numpy(a) for a in batch())
    return _step(model, torch, torch.nn.utils.clip_grad_norm_, x, y, models.sequence_loss)


def workloads(quick: bool, million: bool) -> list[Workload]:
    """The GPT and the LSTM language model training steps."""
    return [
        Workload(
            name="gpt-step",
            description="char GPT (2 layers, 4 heads, embedding 64, context 64), batch 16, AdamW training step",
            setups={ENGINE: lambda: engine_setup("gpt"), TORCH: lambda: torch_setup("gpt")},
            engine_needs=ENGINE_NEEDS,
            targets=(Target(1.5, TORCH),),
        ),
        Workload(
            name="lstm-step",
            description="char LSTM LM (2 layers, hidden 128, sequence 64), batch 16, AdamW training step",
            setups={ENGINE: lambda: engine_setup("lstm"), TORCH: lambda: torch_setup("lstm")},
            engine_needs=ENGINE_NEEDS,
            targets=(Target(2.0, TORCH),),
        ),
    ]
