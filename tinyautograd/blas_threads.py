"""Set how many threads the BLAS library behind NumPy uses, after NumPy is loaded (best effort).

Small layers (a batch of 32 rows through 64 units) run fastest on one thread: starting threads costs more
than the matrix product, and on a busy machine threads that wait for each other make training several times
slower. The environment variables OMP_NUM_THREADS / OPENBLAS_NUM_THREADS only work before NumPy is imported,
so this asks the loaded OpenBLAS (or MKL) library directly, through ctypes.

>>> limit_blas_threads(1)      # True when a BLAS library took the setting
True
"""

from __future__ import annotations

import ctypes
import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
SETTERS = (  # OpenBLAS under its plain, 64-bit-integer and NumPy-wheel (scipy-openblas) names, then MKL
    "openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "MKL_Set_Num_Threads",
)


def threads_chosen_by_user() -> bool:
    """True when the environment already says how many threads BLAS should use."""
    return any(os.environ.get(name) for name in THREAD_VARIABLES)


def _loaded_blas_libraries() -> list[str]:
    """Paths of the shared libraries in this process whose names mention BLAS or MKL (Linux only)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return []
    return sorted(p for p in paths if any(word in os.path.basename(p).lower() for word in ("blas", "mkl")))


def limit_blas_threads(threads: int) -> bool:
    """Ask the BLAS library NumPy loaded to use `threads` threads; True if one accepted (False where unknown)."""
    import numpy  # noqa: F401  (the library must be loaded for its path to be found)

    done = False
    for path in _loaded_blas_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                setter(int(threads))
                done = True
                break
    return done
