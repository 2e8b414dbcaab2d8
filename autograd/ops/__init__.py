"""The ops: one file each, its `Function` subclass (forward and backward side by side) and its registration.

Importing this package imports every module in it, so each op's `@op(...)`
registration runs and gives `autograd.<name>`, the `Tensor` method and its
operators: a new op is one new file here, listed nowhere else.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
