"""`autograd.device`: where a tensor lives. Always the CPU here; PyTorch code that names it runs unchanged.

>>> x.device, x.to("cpu") is x, x.cpu() is x
(device(type='cpu'), True, True)
"""

from __future__ import annotations

from typing import Any


class device:  # noqa: N801 - PyTorch's name
    """A device: only `device("cpu")` (or "cpu:0") exists; another one raises, naming it."""

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, spec: Any, index: int | None = None) -> None:
        text = spec.type if isinstance(spec, device) else str(spec)
        kind, _, number = text.partition(":")
        if kind != "cpu":
            raise RuntimeError(f"device {text!r} is not available: tinyautograd runs on the CPU only (device('cpu'))")
        self.type = "cpu"
        self.index = int(number) if number else index

    def __repr__(self) -> str:
        return "device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)


CPU = device("cpu")


def is_device(value: Any) -> bool:
    """True for a device or a string naming one ("cpu", "cuda:0", ...): what `.to()` reads as a device."""
    if isinstance(value, device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in ("cpu", "cuda", "mps", "xpu", "meta")
