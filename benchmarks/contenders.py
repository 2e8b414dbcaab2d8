"""Which contenders are installed, their versions, and PyTorch's thread count.

PyTorch and micrograd are optional: the project never depends on them. They are imported
here, guarded, and only when the benchmarks run.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import Any

from .harness import ENGINE, MICROGRAD, NUMPY, TORCH


def _version(distribution: str, module: Any) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return str(getattr(module, "__version__", "?"))


def find_installed(threads: int, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Contender name -> version, for the engine, NumPy and whichever optional ones import.

    Sets PyTorch's intra-op thread count to `threads` when it is there.
    """
    import numpy

    import autograd

    found = {ENGINE: str(getattr(autograd, "__version__", "?")), NUMPY: numpy.__version__}
    if TORCH not in skip:
        try:
            torch = importlib.import_module("torch")
        except Exception:
            pass
        else:
            torch.set_num_threads(threads)
            found[TORCH] = _version("torch", torch)
    if MICROGRAD not in skip:
        try:
            micrograd = importlib.import_module("micrograd.engine")
        except Exception:
            pass
        else:
            found[MICROGRAD] = _version("micrograd", micrograd)
    return {name: version for name, version in found.items() if name not in skip or name == ENGINE}
