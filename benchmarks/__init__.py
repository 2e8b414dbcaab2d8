"""Speed benchmarks: the engine against the same computation written by hand in NumPy, PyTorch and micrograd.

Run them all from the repository root with `python -m benchmarks` (`--help` for the options).
This package imports nothing at import time, so that `__main__` can set the BLAS thread
count before NumPy is loaded.
"""
