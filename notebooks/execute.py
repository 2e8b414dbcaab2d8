"""Execute the notebooks in place, so that their outputs can be committed and read on a code host.

    python notebooks/execute.py                      # every notebooks/*.ipynb
    python notebooks/execute.py notebooks/02_*.ipynb # some of them

The kernel is this Python interpreter (the one with the repository installed), whatever
`python` happens to be first on PATH. The red wine data notebook 05 reads ships in data/.
The test suite (tests/test_notebooks.py) runs `execute_notebook` on each notebook without
writing it back.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from ipykernel.kernelspec import get_kernel_dict
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent
CELL_TIMEOUT_SECONDS = 300


class ThisPythonKernelSpecs(KernelSpecManager):
    """Kernel specs whose only kernel is IPython running on this interpreter (`sys.executable`)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The python3 kernel spec, launched with `sys.executable` (any name gives the same)."""
        return KernelSpec(resource_dir=str(NOTEBOOKS), **get_kernel_dict())


def execute_notebook(path: Path | str, timeout: int = CELL_TIMEOUT_SECONDS) -> nbformat.NotebookNode:
    """Run every cell of the notebook at `path` in a fresh kernel (working directory: its folder).

    Raises `nbclient.exceptions.CellExecutionError` on the first cell that fails; returns the
    notebook with its new outputs (not written to disk).
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    kernel = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPythonKernelSpecs())
    client = NotebookClient(
        notebook,
        km=kernel,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # no timestamps in the committed files
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def main(argv: list[str] | None = None) -> int:
    """Execute the given notebooks (default: all of notebooks/*.ipynb) and write their outputs back."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all in notebooks/)")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT_SECONDS, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        print(f"executing {path} ...", flush=True)
        notebook = execute_notebook(path, timeout=args.timeout)
        nbformat.write(notebook, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
