"""The step-by-step view of explain_backward, opened in a real headless browser (Debian's Chromium,
which .ci/run installs): stepping forward moves the highlight to the next node and shows its gradients.

The page reads `#step=K&forward=N` from its address: it shows step K, then clicks its own "forward"
button N times, so the browser runs the same click handler a reader's click runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import autograd
from autograd.explain import describe
from autograd.graph_drawing import graph_with_node_ids

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    assert found, "a headless Chromium is needed (Debian: apt-get install chromium; .ci/run installs it)"
    return found


def open_in_browser(page: Path, address_hash: str) -> str:
    """The page's DOM after its script ran, as the browser dumps it."""
    result = subprocess.run(
        [browser(), "--headless=new", "--no-sandbox", "--disable-gpu", "--dump-dom", f"{page.as_uri()}#{address_hash}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def highlighted(dom: str) -> list[str]:
    """The DOT ids (SVG titles) of the nodes drawn as the current step."""
    return [
        m.group(2)
        for m in re.finditer(r'<g id="node\d+" class="([^"]*)">\s*<title>([^<]*)</title>', dom)
        if "current" in m.group(1).split()
    ]


@pytest.fixture
def program():  # type: ignore[no-untyped-def]
    a = autograd.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = autograd.tensor([[1.0, -2.0, 3.0]], requires_grad=True)
    b = autograd.tensor(0.5, requires_grad=True)
    return ((a * w + b).relu() * a).sum()


@pytest.mark.parametrize("start", [0, 1, 3])
def test_stepping_forward_in_the_browser_highlights_the_next_node_and_shows_its_gradients(
    tmp_path: Path,
    program,
    start: int,  # type: ignore[no-untyped-def]
) -> None:
    trace = autograd.explain_backward(program)
    page = trace.save_html(tmp_path / "trace.html")
    _, ids = graph_with_node_ids(program, rankdir="TB")
    dom = open_in_browser(page, f"step={start}&forward=1")
    step = trace[start + 1]
    assert highlighted(dom) == [ids[id(step.node)]]
    assert f"step {start + 2}: {step.name}" in dom
    for k, g in enumerate(step.grad_inputs):
        assert f"input {k}: {describe(g)}" in dom


def test_the_page_opens_at_the_first_step(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    trace = autograd.explain_backward(program)
    dom = open_in_browser(trace.save_html(tmp_path / "trace.html"), "")
    _, ids = graph_with_node_ids(program, rankdir="TB")
    assert highlighted(dom) == [ids[id(program.grad_fn)]] and 'data-current-step="0"' in dom


def test_the_page_is_self_contained(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    text = autograd.explain_backward(program).save_html(tmp_path / "trace.html").read_text()
    assert "<svg" in text and "<script>" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)  # nothing fetched from a network


def test_in_jupyter_the_trace_renders_as_the_same_html(program) -> None:  # type: ignore[no-untyped-def]
    trace = autograd.explain_backward(program)
    fragment = trace._repr_html_()
    assert fragment.startswith('<div id="trace') and "ReluBackward" in fragment
    assert fragment == trace.to_html()


def test_params_name_the_leaves_in_the_drawing(tmp_path: Path) -> None:
    w = autograd.tensor([1.0, 2.0], requires_grad=True)
    text = autograd.explain_backward((w * 3.0).sum(), params={"weight": w}).save_html(tmp_path / "t.html").read_text()
    assert ">weight<" in text
