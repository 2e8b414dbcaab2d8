"""nn.save / nn.load: safetensors files with PyTorch's keys, atomic writes, clear errors on bad files."""

from __future__ import annotations

import json
import os
import pickle
import struct

import numpy as np
import pytest

import autograd
import nn
from nn.serialization import CheckpointError, read_metadata


def small_net() -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.fc2 = nn.Linear(5, 2, bias=False)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())


def parameter_arrays(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.numpy().copy() for k, v in module.state_dict().items()}


def read_header(path) -> dict:
    """The JSON header of a safetensors file, read by hand: 8-byte little-endian length, then JSON."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8 : 8 + n])


def test_save_then_load_gives_a_model_with_identical_outputs(tmp_path):
    autograd.manual_seed(1)
    net = small_net()
    path = tmp_path / "net.safetensors"
    nn.save(net, path)
    autograd.manual_seed(2)
    other = small_net()
    x = autograd.randn(16, 4)
    assert not np.array_equal(other(x).detach().numpy(), net(x).detach().numpy())
    other.load_state_dict(nn.load(path))
    np.testing.assert_array_equal(other(x).detach().numpy(), net(x).detach().numpy())


def test_keys_are_pytorchs_state_dict_keys(tmp_path):
    nn.save(small_net(), tmp_path / "seq.safetensors")
    nn.save(TwoLayer(), tmp_path / "named.safetensors")
    assert set(nn.load(tmp_path / "seq.safetensors")) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert set(nn.load(tmp_path / "named.safetensors")) == {"fc1.weight", "fc1.bias", "fc2.weight"}


def test_the_file_is_safetensors_with_dtype_shape_and_offsets(tmp_path):
    path = tmp_path / "net.safetensors"
    net = TwoLayer()
    nn.save(net, path)
    header = read_header(path)
    assert header["fc1.weight"]["dtype"] == "F32" and header["fc1.weight"]["shape"] == [5, 3]
    assert header["fc2.weight"]["shape"] == [2, 5]
    start, end = header["fc1.bias"]["data_offsets"]
    assert end - start == 5 * 4
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    raw = np.frombuffer(data[8 + n + start : 8 + n + end], dtype="<f4")
    np.testing.assert_array_equal(raw, net.fc1.bias.detach().numpy())


def test_a_dict_of_tensors_round_trips_with_its_dtypes(tmp_path):
    state = {
        "w": autograd.tensor(np.arange(6.0).reshape(2, 3)),
        "steps": autograd.tensor([1, 2, 3]),
        "mask": autograd.tensor([True, False]),
        "scale": autograd.tensor(2.5),
        "columns": autograd.tensor(np.arange(12.0).reshape(3, 4)).T,  # not contiguous
    }
    nn.save(state, tmp_path / "state.safetensors")
    loaded = nn.load(tmp_path / "state.safetensors")
    assert set(loaded) == set(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype, key
        np.testing.assert_array_equal(loaded[key].numpy(), value.numpy())


def test_metadata_is_saved_as_strings(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save(TwoLayer(), path, metadata={"epochs": "20", "features": "alcohol;pH"})
    assert read_metadata(path) == {"epochs": "20", "features": "alcohol;pH"}
    nn.save(TwoLayer(), path)
    assert read_metadata(path) == {}
    with pytest.raises(TypeError, match="metadata must be a dict of strings"):
        nn.save(TwoLayer(), path, metadata={"epochs": 20})


def test_save_rejects_values_it_cannot_store_naming_where(tmp_path):
    with pytest.raises(TypeError, match="cannot store a object .at opt/hook"):
        nn.save({"w": autograd.zeros(2), "opt": {"hook": object()}}, tmp_path / "x.safetensors")
    assert not os.listdir(tmp_path)


def test_nested_state_with_numbers_round_trips_exactly(tmp_path):
    state = {
        "w": autograd.ones(2),
        "lr": 0.1,
        "step": 3,
        "betas": (0.9, 0.999),
        "ids": [0, 1],
        7: None,
        "inf": float("inf"),
    }
    nn.save(state, tmp_path / "x.safetensors")
    loaded = nn.load(tmp_path / "x.safetensors")
    assert {k: v for k, v in loaded.items() if k != "w"} == {k: v for k, v in state.items() if k != "w"}
    assert loaded["w"].tolist() == [1.0, 1.0]


def test_wrong_shape_load_leaves_the_model_unchanged_and_lists_every_problem(tmp_path):
    path = tmp_path / "other.safetensors"
    nn.save(nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 1)), path)
    net = small_net()
    before = parameter_arrays(net)
    state = nn.load(path)
    del state["2.bias"]
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    assert "0.weight" in message and "0.bias" in message and "2.weight" in message and "2.bias" in message
    after = parameter_arrays(net)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_truncated_file_gives_a_clear_error_naming_the_path(tmp_path):
    path = tmp_path / "net.safetensors"
    nn.save(small_net(), path)
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    with pytest.raises(CheckpointError, match=r"net\.safetensors is truncated"):
        nn.load(path)
    path.write_bytes(data[:20])
    with pytest.raises(ValueError, match=r"net\.safetensors .*truncated"):
        nn.load(path)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "only 0 bytes"),
        (b"not a checkpoint at all", "not a safetensors file"),
        (pickle.dumps({"w": [1.0, 2.0]}), "not a safetensors file"),
        (struct.pack("<Q", 5) + b"{oops", "header is not valid"),
        (struct.pack("<Q", 2) + b"[]", "header is not valid"),
    ],
    ids=["empty", "text", "pickle", "bad-json", "json-list"],
)
def test_a_garbage_file_gives_a_clear_error_naming_the_path(tmp_path, content, problem):
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=problem) as error:
        nn.load(path)
    assert str(path) in str(error.value)


def test_extra_bytes_after_the_data_are_reported_as_corruption(tmp_path):
    path = tmp_path / "net.safetensors"
    nn.save(small_net(), path)
    path.write_bytes(path.read_bytes() + b"\0\0\0")
    with pytest.raises(CheckpointError, match="3 unexpected bytes"):
        nn.load(path)


def test_a_missing_file_gives_file_not_found_naming_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.safetensors"):
        nn.load(tmp_path / "absent.safetensors")


def test_saving_into_a_missing_directory_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save(small_net(), tmp_path / "no" / "such" / "dir.safetensors")


def test_a_crash_mid_write_keeps_the_previous_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "net.safetensors"
    first = small_net()
    nn.save(first, path)
    previous = path.read_bytes()

    def crash(fd):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk on fire"):
        nn.save(small_net(), path)
    assert path.read_bytes() == previous
    assert os.listdir(tmp_path) == ["net.safetensors"]
    monkeypatch.undo()
    other = small_net()
    other.load_state_dict(nn.load(path))
    assert all(np.array_equal(a, b) for a, b in zip(parameter_arrays(first).values(), parameter_arrays(other).values()))


def test_a_crash_during_the_first_write_leaves_no_file_at_all(tmp_path, monkeypatch):
    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        nn.save(small_net(), tmp_path / "net.safetensors")
    assert os.listdir(tmp_path) == []


def test_save_and_load_are_reachable_from_nn():
    from nn import serialization

    assert nn.save is serialization.save and nn.load is serialization.load
