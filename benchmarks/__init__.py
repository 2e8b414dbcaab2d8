"""Speed benchmarks: the engine against the same computation written by hand in NumPy, PyTorch and micrograd.

Run them all from the repository root with `python -m benchmarks` (`--help` for the options).
This package imports nothing at import time, so that `__main__` can set the BLAS thread
count before NumPy is loaded. Its other entry points (`python -m benchmarks.anatomy`,
`python -m benchmarks.reference_engine`) run single-threaded too, unless the environment
says otherwise: on a shared 2-core machine threaded BLAS makes timings noise.
"""

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ.setdefault(_variable, "1")
