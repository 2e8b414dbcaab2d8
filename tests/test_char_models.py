"""The example language models (examples/char_models.py) have PyTorch's state_dict for the same
architecture, key for key and shape for shape, so a checkpoint saved with nn.save loads into the
PyTorch version of the model; and the helpers around them do what they say."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
import nn
from examples.char_models import (
    GPT,
    CharVocabulary,
    GPTConfig,
    LSTMLanguageModel,
    random_batch,
    sample,
    sequence_loss,
    unigram_entropy,
)


def pytorch_gpt_state(vocab: int, context: int, layers: int, width: int) -> dict[str, tuple[int, ...]]:
    """What `state_dict()` of the same GPT written with torch.nn holds: names and shapes, in order."""
    state: dict[str, tuple[int, ...]] = {"wte.weight": (vocab, width), "wpe.weight": (context, width)}
    for i in range(layers):
        block = {
            "ln_1.weight": (width,),
            "ln_1.bias": (width,),
            "attn.c_attn.weight": (3 * width, width),
            "attn.c_attn.bias": (3 * width,),
            "attn.c_proj.weight": (width, width),
            "attn.c_proj.bias": (width,),
            "ln_2.weight": (width,),
            "ln_2.bias": (width,),
            "mlp.c_fc.weight": (4 * width, width),
            "mlp.c_fc.bias": (4 * width,),
            "mlp.c_proj.weight": (width, 4 * width),
            "mlp.c_proj.bias": (width,),
        }
        state.update({f"h.{i}.{k}": v for k, v in block.items()})
    state.update({"ln_f.weight": (width,), "ln_f.bias": (width,), "lm_head.weight": (vocab, width)})
    return state


PYTORCH_LSTM_STATE = {  # torch.nn: Embedding(65, 64), LSTM(64, 128, num_layers=2, batch_first=True), Linear(128, 65)
    "embedding.weight": (65, 64),
    "lstm.weight_ih_l0": (512, 64),
    "lstm.weight_hh_l0": (512, 128),
    "lstm.bias_ih_l0": (512,),
    "lstm.bias_hh_l0": (512,),
    "lstm.weight_ih_l1": (512, 128),
    "lstm.weight_hh_l1": (512, 128),
    "lstm.bias_ih_l1": (512,),
    "lstm.bias_hh_l1": (512,),
    "head.weight": (65, 128),
    "head.bias": (65,),
}


def shapes_of(model: nn.Module) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def test_gpt_state_dict_is_pytorchs_for_the_same_architecture() -> None:
    model = GPT(GPTConfig(vocab_size=65, block_size=64, n_layer=2, n_head=4, n_embd=64))
    assert list(shapes_of(model).items()) == list(pytorch_gpt_state(65, 64, 2, 64).items())


def test_lstm_language_model_state_dict_is_pytorchs_for_the_same_architecture() -> None:
    model = LSTMLanguageModel(65, embedding_dim=64, hidden_size=128, num_layers=2)
    assert list(shapes_of(model).items()) == list(PYTORCH_LSTM_STATE.items())


def test_a_saved_gpt_loads_back_into_the_same_architecture(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = GPTConfig(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=8)
    model, restored = GPT(config), GPT(config)
    nn.save(model, tmp_path / "gpt.safetensors")
    restored.load_state_dict(nn.load(tmp_path / "gpt.safetensors"))
    x = autograd.tensor(np.arange(16).reshape(2, 8) % 11)
    np.testing.assert_array_equal(model(x).detach().numpy(), restored(x).detach().numpy())


def test_gpt_is_causal_a_later_character_does_not_change_earlier_logits() -> None:
    model = GPT(GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8))
    x = np.arange(8).reshape(1, 8)
    changed = x.copy()
    changed[0, 5] = 10
    a, b = (model(autograd.tensor(v)).detach().numpy() for v in (x, changed))
    np.testing.assert_allclose(a[0, :5], b[0, :5], rtol=1e-6)
    assert not np.allclose(a[0, 5:], b[0, 5:])


def test_gpt_refuses_a_context_longer_than_its_block_size() -> None:
    model = GPT(GPTConfig(vocab_size=11, block_size=4, n_layer=1, n_head=1, n_embd=4))
    with pytest.raises(ValueError, match="GPT: a context of 5 ids is longer than block_size 4"):
        model(autograd.tensor(np.zeros((1, 5), dtype=np.int64)))


def test_vocabulary_round_trips_text_and_unigram_entropy_is_that_of_the_frequencies() -> None:
    vocabulary = CharVocabulary("abracadabra")
    assert vocabulary.decode(vocabulary.encode("cadabra")) == "cadabra" and len(vocabulary) == 5
    counts = np.array([5, 2, 1, 1, 2])  # a b c d r
    p = counts / counts.sum()
    assert unigram_entropy(vocabulary.encode("abracadabra")) == pytest.approx(float(-(p * np.log(p)).sum()))


def test_random_batch_targets_are_the_next_characters() -> None:
    ids = np.arange(100)
    x, y = random_batch(ids, 4, 10, np.random.default_rng(0))
    assert x.shape == (4, 10) and np.array_equal(y.numpy(), x.numpy() + 1)


def test_an_untrained_model_scores_about_a_uniform_guess_and_samples_from_its_vocabulary() -> None:
    vocabulary = CharVocabulary("hello world")
    autograd.manual_seed(0)
    model = LSTMLanguageModel(len(vocabulary), embedding_dim=8, hidden_size=8, num_layers=1)
    x, y = random_batch(vocabulary.encode("hello world" * 5), 3, 6, np.random.default_rng(1))
    assert sequence_loss(model(x)[0], y).item() == pytest.approx(math.log(len(vocabulary)), abs=0.2)
    text = sample(model, vocabulary, "he", 20, context=6)
    assert text.startswith("he") and len(text) == 22 and set(text) <= set("hello world")
