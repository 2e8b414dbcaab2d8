"""Save and load tensors in the safetensors format: `nn.save(model, path)`, `nn.load(path)`.

safetensors is an 8-byte little-endian header length, a JSON header (each tensor's
dtype, shape and byte range, plus optional string metadata) and the raw bytes:
loading it runs no code (unlike pickle), and the keys are PyTorch's state_dict keys
("0.weight", "fc1.bias"), so the file loads into PyTorch with
`safetensors.torch.load_file` and back.

Writes are atomic: the bytes go to a temporary file in the same directory, are
flushed to disk, then renamed over the destination, so a crash never leaves a
half-written checkpoint (the previous one stays intact).

>>> nn.save(model, "model.safetensors", metadata={"epochs": "20"})
>>> model.load_state_dict(nn.load("model.safetensors"))
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import tempfile
from typing import Any

import numpy as np
import safetensors.numpy

from autograd import Tensor
from autograd.extension import wrap


class CheckpointError(ValueError):
    """A file that is not a valid safetensors checkpoint (corrupt, truncated, or something else)."""


def _tensors_of(obj: Any) -> dict[str, np.ndarray]:
    state = obj.state_dict() if callable(getattr(obj, "state_dict", None)) else obj
    if not isinstance(state, dict):
        raise TypeError(f"nn.save: expected a Module or a dict of tensors, got {type(obj).__name__}")
    arrays = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise TypeError(f"nn.save: keys must be strings, got {key!r}")
        if isinstance(value, Tensor):
            array = value.numpy(force=True)
        elif isinstance(value, np.ndarray):
            array = value
        else:
            raise TypeError(f"nn.save: the value of {key!r} is a {type(value).__name__}, expected a Tensor or array")
        arrays[key] = np.ascontiguousarray(array)
    return arrays


def save(obj: Any, path: str | os.PathLike[str], metadata: dict[str, str] | None = None) -> None:
    """Write a Module's `state_dict()` (or a dict of tensors) to `path` in the safetensors format, atomically.

    `metadata` is an optional dict of strings stored in the header (read it back with `read_metadata`).

    >>> nn.save(net, "net.safetensors")
    """
    arrays = _tensors_of(obj)
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
    ):
        raise TypeError(f"nn.save: metadata must be a dict of strings to strings, got {metadata!r}")
    data = safetensors.numpy.save(arrays, metadata=metadata)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"nn.save: cannot write {path}: the directory {directory} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"nn.save: cannot write {path}: it is a directory")
    _write_atomically(path, directory, data)


def _write_atomically(path: str, directory: str, data: bytes) -> None:
    """Write `data` to a temporary file next to `path`, fsync it, then rename it to `path`."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (not possible on every platform)
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)


def _read_checked(path: str | os.PathLike[str]) -> tuple[str, bytes, dict[str, Any]]:
    """The file's bytes and parsed header, or a clear error saying what is wrong with it."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"nn.load: no such file: {path}") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"nn.load: {path} is a directory, not a checkpoint file") from None
    if len(data) < 8:
        raise CheckpointError(f"nn.load: {path} is not a safetensors file: it has only {len(data)} bytes")
    (header_size,) = struct.unpack("<Q", data[:8])
    if header_size > len(data) - 8:
        raise CheckpointError(
            f"nn.load: {path} is not a safetensors file, or is truncated: its header should be {header_size} bytes "
            f"long but the file has only {len(data) - 8} bytes after the length field"
        )
    try:
        header = json.loads(data[8 : 8 + header_size])
        if not isinstance(header, dict):
            raise ValueError("the header is not a JSON object")
        ends = [int(v["data_offsets"][1]) for k, v in header.items() if k != "__metadata__"]
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, IndexError) as e:
        raise CheckpointError(f"nn.load: {path} is not a safetensors file: its header is not valid ({e})") from None
    body = len(data) - 8 - header_size
    needed = max(ends, default=0)
    if body < needed:
        raise CheckpointError(
            f"nn.load: {path} is truncated: its tensors need {needed} bytes of data but only {body} are there"
        )
    if body > needed:
        raise CheckpointError(f"nn.load: {path} is corrupt: {body - needed} unexpected bytes after the tensor data")
    return path, data, header


def load(path: str | os.PathLike[str]) -> dict[str, Tensor]:
    """Read a safetensors file into a dict of Tensors (keys as saved, e.g. "0.weight").

    Raises FileNotFoundError for a missing file and CheckpointError (a ValueError) naming the path and the
    problem for a file that is corrupt, truncated or not a safetensors file.

    >>> model.load_state_dict(nn.load("model.safetensors"))
    """
    path, data, _ = _read_checked(path)
    try:
        arrays = safetensors.numpy.load(data)
    except Exception as e:  # the parser's own error type (SafetensorError) derives from Exception only
        raise CheckpointError(f"nn.load: {path} is not a valid safetensors file: {e}") from None
    return {k: wrap(a if a.flags.writeable else a.copy()) for k, a in arrays.items()}


def read_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """The metadata dict of strings saved with `save(..., metadata=...)` ({} when there is none)."""
    _, _, header = _read_checked(path)
    return dict(header.get("__metadata__") or {})
