"""Every notebook in notebooks/ runs from top to bottom without an error (executed with nbclient).

The kernel is this interpreter (see notebooks/execute.py), so the notebooks use the code under test.
The data they read ships in data/; nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CELL_TIMEOUT_SECONDS = 300


def _load_executor():
    spec = importlib.util.spec_from_file_location("notebook_executor", NOTEBOOKS / "execute.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_runs_without_error(notebook: Path) -> None:
    executed = _load_executor().execute_notebook(notebook, timeout=CELL_TIMEOUT_SECONDS)
    errors = [o for cell in executed.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{notebook.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


def _notebook_with(tmp_path: Path, *sources: str) -> Path:
    path = tmp_path / "probe.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells.extend(nbformat.v4.new_code_cell(source) for source in sources)
    nbformat.write(notebook, path)
    return path


def test_a_cell_that_raises_fails_the_execution(tmp_path: Path) -> None:
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        _load_executor().execute_notebook(_notebook_with(tmp_path, "1 / 0"), timeout=60)


def test_the_kernel_runs_on_the_interpreter_running_the_tests(tmp_path: Path) -> None:
    executed = _load_executor().execute_notebook(
        _notebook_with(tmp_path, "import sys; print(sys.executable)"), timeout=60
    )
    printed = executed.cells[0].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


def test_grad_mode_switched_off_in_one_cell_stays_off_in_the_next(tmp_path: Path) -> None:
    # Grad mode is per thread (a ContextVar); a Jupyter cell must not lose it when the next one runs.
    notebook = _notebook_with(
        tmp_path,
        "import autograd\nautograd.set_grad_enabled(False)",
        "x = autograd.ones(2, requires_grad=True)\nprint(autograd.is_grad_enabled(), (x * 2).requires_grad)",
    )
    executed = _load_executor().execute_notebook(notebook, timeout=60)
    assert executed.cells[1].outputs[0]["text"].strip() == "False False"
