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
import math
import os
import struct
import tempfile
from typing import Any, NamedTuple

import numpy as np
import safetensors.numpy

from autograd import Tensor
from autograd.extension import wrap

from . import state_tree


class CheckpointError(ValueError):
    """A file that is not a valid safetensors checkpoint (corrupt, truncated, or something else)."""


def _tensors_of(obj: Any) -> tuple[dict[str, np.ndarray], str | None]:
    """(tensors by key, None) for a plain state_dict; (tensors by path, JSON skeleton) for nested state."""
    state = obj.state_dict() if callable(getattr(obj, "state_dict", None)) else obj
    if not isinstance(state, dict):
        raise TypeError(f"nn.save: expected a Module, an optimizer or a dict of tensors, got {type(obj).__name__}")
    if not state_tree.is_flat(state):  # an optimizer's or scheduler's state, or several states in one dict
        return state_tree.flatten(state)
    arrays = {key: value.numpy(force=True) if isinstance(value, Tensor) else value for key, value in state.items()}
    return {key: np.require(array, requirements="C") for key, array in arrays.items()}, None  # (0-d stays 0-d)


def save(obj: Any, path: str | os.PathLike[str], metadata: dict[str, str] | None = None) -> None:
    """Write a Module's `state_dict()` (or a dict of tensors) to `path` in the safetensors format, atomically.

    `metadata` is an optional dict of strings stored in the header (read it back with `read_metadata`).

    >>> nn.save(net, "net.safetensors")
    """
    arrays, skeleton = _tensors_of(obj)
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
    ):
        raise TypeError(f"nn.save: metadata must be a dict of strings to strings, got {metadata!r}")
    if skeleton is not None:
        metadata = {**(metadata or {}), state_tree.TREE_KEY: skeleton}
    data = safetensors.numpy.save(arrays, metadata=metadata)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"nn.save: cannot write {path}: the directory {directory} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"nn.save: cannot write {path}: it is a directory")
    _write_atomically(path, directory, data)


def _write_atomically(path: str, directory: str, data: bytes) -> None:
    """Write `data` to a temporary file next to `path`, fsync it, then rename it to `path`.

    The temporary file is named after `path` and this process (`.NAME.PID.XXXX.tmp`); a save first
    removes such files left by earlier saves of the same path whose process no longer runs (killed
    mid-write, so their cleanup never ran).
    """
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    remove_stale_temporaries(path)
    prefix = f".{os.path.basename(path)}.{os.getpid()}."
    fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
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


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[str]:
    """Delete the temporary files of earlier saves of `path` whose process is gone; returns their names."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    prefix = f".{os.path.basename(path)}."
    removed = []
    with contextlib.suppress(OSError):
        for name in os.listdir(directory):
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            pid = name[len(prefix) :].split(".", 1)[0]
            if pid.isdigit() and not _process_runs(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(directory, name))
                    removed.append(name)
    return removed


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # someone else's live process (or an impossible number)
    return True


# The dtypes of the safetensors format this library reads, as NumPy dtypes; the others are named in words.
DTYPES = {
    "F64": np.float64,
    "F32": np.float32,
    "F16": np.float16,
    "I64": np.int64,
    "I32": np.int32,
    "I16": np.int16,
    "I8": np.int8,
    "U64": np.uint64,
    "U32": np.uint32,
    "U16": np.uint16,
    "U8": np.uint8,
    "BOOL": np.bool_,
}
UNSUPPORTED_DTYPES = {
    "BF16": "bfloat16",
    "F8_E4M3": "float8 (e4m3)",
    "F8_E5M2": "float8 (e5m2)",
    "C64": "complex64",
}
MAX_HEADER_BYTES = 100_000_000  # the limit the safetensors format sets
MAX_HEADER_DEPTH = 4  # {"name": {"shape": [1, 2]}}: deeper is not a safetensors header


class TensorInfo(NamedTuple):
    """What a checkpoint's header says of one tensor: its NumPy dtype, shape and byte range in the data."""

    dtype: np.dtype
    shape: tuple[int, ...]
    begin: int
    end: int


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(text: bytes) -> int:
    """How deeply the JSON text nests brackets (strings skipped): checked before parsing, so no RecursionError."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_HEADER_DEPTH:
                return deepest
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return deepest


def _tensor_info(key: str, entry: Any) -> TensorInfo:
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise ValueError(f"the entry of {key!r} is not {{dtype, shape, data_offsets}}")
    name, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if name in UNSUPPORTED_DTYPES:
        raise ValueError(f"tensor {key!r}: {UNSUPPORTED_DTYPES[name]} ({name}) is not supported")
    if name not in DTYPES:
        raise ValueError(f"tensor {key!r}: unknown dtype {str(name)[:40]!r}")
    if not isinstance(shape, list) or not all(type(n) is int and 0 <= n < 2**62 for n in shape):
        raise ValueError(f"tensor {key!r}: the shape is not a list of sizes")
    if not (
        isinstance(offsets, list) and len(offsets) == 2 and all(type(n) is int and 0 <= n < 2**62 for n in offsets)
    ):
        raise ValueError(f"tensor {key!r}: data_offsets is not two byte positions")
    dtype = np.dtype(DTYPES[name])
    nbytes = dtype.itemsize * math.prod(shape)
    if offsets[1] - offsets[0] != nbytes:
        raise ValueError(
            f"tensor {key!r}: {name} {shape} needs {nbytes} bytes, its range has {offsets[1] - offsets[0]}"
        )
    return TensorInfo(dtype, tuple(shape), offsets[0], offsets[1])


def _parse_header(raw: bytes) -> tuple[dict[str, TensorInfo], dict[str, str]]:
    if _depth(raw) > MAX_HEADER_DEPTH:
        raise ValueError(f"the header nests deeper than {MAX_HEADER_DEPTH} levels")
    header = json.loads(raw, parse_constant=_reject_constant)
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError("__metadata__ is not a dict of strings")
    tensors = {key: _tensor_info(key, entry) for key, entry in header.items()}
    position = 0
    for key, info in sorted(tensors.items(), key=lambda item: item[1].begin):
        if info.begin != position:
            raise ValueError(f"tensor {key!r} starts at byte {info.begin}, expected {position} (gap or overlap)")
        position = info.end
    return tensors, metadata


def read_header(path: str | os.PathLike[str]) -> tuple[dict[str, TensorInfo], dict[str, str]]:
    """The tensors a checkpoint holds (name -> TensorInfo) and its metadata, checked, without reading the data.

    Every way a file can fail to be a checkpoint this library reads (too short, a header of the wrong
    size, invalid or deeply nested JSON, non-finite or overlapping offsets, an unsupported dtype, data
    of the wrong length) raises CheckpointError with one line naming the path and the problem.
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            prefix = f.read(8)
            if len(prefix) < 8:
                raise CheckpointError(f"nn.load: {path} is not a safetensors file: it has only {len(prefix)} bytes")
            (header_size,) = struct.unpack("<Q", prefix)
            if header_size > min(size - 8, MAX_HEADER_BYTES):
                raise CheckpointError(
                    f"nn.load: {path} is not a safetensors file, or is truncated: its header should be {header_size} "
                    f"bytes long but the file has only {size - 8} bytes after the length field"
                )
            raw = f.read(header_size)
    except FileNotFoundError:
        raise FileNotFoundError(f"nn.load: no such file: {path}") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"nn.load: {path} is a directory, not a checkpoint file") from None
    try:
        tensors, metadata = _parse_header(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        reason = " ".join(str(e).split())[:200]
        raise CheckpointError(
            f"nn.load: {path} is not a safetensors file: its header is not valid ({reason})"
        ) from None
    body = size - 8 - header_size
    needed = max((info.end for info in tensors.values()), default=0)
    if body < needed:
        raise CheckpointError(
            f"nn.load: {path} is truncated: its tensors need {needed} bytes of data but only {body} are there"
        )
    if body > needed:
        raise CheckpointError(f"nn.load: {path} is corrupt: {body - needed} unexpected bytes after the tensor data")
    return tensors, metadata


def load(path: str | os.PathLike[str]) -> Any:
    """Read a safetensors file into a dict of Tensors (keys as saved, e.g. "0.weight"), or the nested
    state saved (an optimizer's `state_dict()`, or a dict of several states), rebuilt exactly.

    Raises FileNotFoundError for a missing file and CheckpointError (a ValueError) naming the path and the
    problem for a file that is corrupt, truncated or not a safetensors file.

    >>> model.load_state_dict(nn.load("model.safetensors"))
    """
    tensors, metadata = read_header(path)
    path = os.fspath(path)
    with open(path, "rb") as f:
        (header_size,) = struct.unpack("<Q", f.read(8))
        f.seek(8 + header_size)
        data = f.read()
    out: dict[str, Tensor] = {}
    for key, info in tensors.items():
        array = np.frombuffer(data, dtype=info.dtype.newbyteorder("<"), count=math.prod(info.shape), offset=info.begin)
        out[key] = wrap(array.astype(info.dtype, copy=True).reshape(info.shape))
    if state_tree.TREE_KEY in metadata:
        try:
            return state_tree.unflatten(metadata[state_tree.TREE_KEY], out)
        except (ValueError, TypeError, KeyError, RecursionError) as e:
            raise CheckpointError(f"nn.load: {path}: the saved state's layout is not valid ({str(e)[:200]})") from None
    return out


def read_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """The metadata dict of strings saved with `save(..., metadata=...)` ({} when there is none)."""
    return read_header(path)[1]
