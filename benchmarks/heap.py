"""Memory settings that keep one contender's circumstances from taxing another's timings.

`pin_heap`: keep glibc from handing memory back to the OS between steps.

glibc returns freed memory at the top of the heap to the kernel once more than
128 KB lies free there, and serves blocks over 128 KB with fresh `mmap`s until a
free raises that limit. Whether a step's 400 KB temporaries then reuse memory or
page-fault on every step depends on where other live arrays happen to sit: the
same hand-written NumPy step measured 265 us or 530 us depending only on what
else the process had allocated. Raising both limits makes every contender reuse
its memory, so ratios measure the code, not the heap layout.

`freeze_imports`: CPython's cyclic collector walks every live container object
on each full collection. Importing PyTorch leaves hundreds of thousands of them,
so in one process with PyTorch a 100,000-node chain of the engine took 4.6 us a
node against 3.4 without it (2.9 with them frozen). `gc.freeze()` after the
imports sets those aside: each workload's collections walk its own objects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
LIMIT = 256 << 20  # 256 MB: above any single array the benchmarks make


def pin_heap() -> bool:
    """Raise glibc's trim and mmap thresholds; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LIMIT)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * LIMIT))


def freeze_imports() -> None:
    """Collect, then move every object alive now out of the collector's sight (`gc.freeze`)."""
    gc.collect()
    gc.freeze()
