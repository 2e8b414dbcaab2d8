"""explain_backward: the backward pass of your own program, one node at a time, for learners.

`explain_backward(loss)` runs the same backward pass `loss.backward()` would, in the same order, but
on a private copy of the bookkeeping: no tensor's `.grad` changes, the graph is not freed and nothing
is recorded. What it returns, a `BackwardTrace`, is the list of steps: at each node the gradient that
arrived, the gradients it sent to its inputs, the local rule it applied (the one-line formula written
beside the op's backward) and a note where broadcasting made it sum a gradient down to an input's
shape. Each leaf comes last among the nodes that feed it, as an `AccumulateGrad` step holding the
total it would add to its `.grad`.

`str(trace)` is a text table; in Jupyter the trace shows as the graph with the current node
highlighted and buttons to step forward and back (self-contained HTML: `trace.save_html(path)`).

>>> x = autograd.tensor([1.0, 2.0], requires_grad=True)
>>> trace = autograd.explain_backward((x * x).sum())
>>> [step.name for step in trace]
['SumBackward', 'MulBackward', 'AccumulateGrad']

Tensor hooks (`register_hook`, `retain_grad`) are not run: they may change state, which a trace must not.
"""

from __future__ import annotations

import html
import inspect
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .engine import ReadyNodes, all_output_grads, call_backward, check_root, root_gradient
from .function import NOT_A_TENSOR, AccumulateGrad, Function
from .state import GRAD_ENABLED
from .tensor import Tensor

MAX_VALUES_SHOWN = 16  # arrays with more elements are described by shape and statistics
LEAF_RULE = "leaf.grad += the sum of the gradients from every path"


@dataclass(frozen=True)
class BackwardStep:
    """One node's part of the backward pass."""

    node: Any  # the graph node (`Function`), or the leaf's `AccumulateGrad`
    name: str  # `node.name()`, e.g. "MulBackward"
    grad_output: Any  # the gradient that arrived (an array; a tuple of arrays for a node with several outputs)
    grad_inputs: tuple[Any, ...]  # per tensor input of the node, the gradient sent to it (an array or None)
    rule: str  # the local derivative, as written beside the op's backward
    note: str | None = None  # e.g. which axes were summed where an input was broadcast


def rule_of(node: Any) -> str:
    """The one-line rule of a node's op: its class's `rule` attribute, else the comment on its backward."""
    if isinstance(node, AccumulateGrad):
        return LEAF_RULE
    cls = type(node)
    written = getattr(cls, "rule", None)
    if isinstance(written, str):
        return written
    try:
        lines = inspect.getsource(cls.backward).splitlines()
    except (OSError, TypeError):
        return ""
    header = next((line for line in lines if "def backward" in line), "")
    return header.split("#", 1)[1].strip() if "#" in header else ""


def explain_backward(root: Tensor, gradient: Any = None, params: Any = None) -> BackwardTrace:
    """The backward pass of `root`, step by step, without changing any `.grad` and without freeing the graph.

    `gradient` is what `root.backward(gradient)` would take (needed unless `root` has one element);
    `params` (a module, or a {name: tensor} mapping) names the leaves in the drawing, as in `draw_graph`.
    """
    check_root(root)
    previous = GRAD_ENABLED.get()
    GRAD_ENABLED.set(False)  # nothing a step computes is recorded
    try:
        start = np.asarray(root_gradient(root, gradient._data if isinstance(gradient, Tensor) else gradient))
        return BackwardTrace(_run(root, start), root, params)
    finally:
        GRAD_ENABLED.set(previous)


def _tensor_edges(node: Function) -> list[tuple[int, Any, int]]:
    """(argument position, node or leaf tensor, output index) per tensor input, as `next_functions` lists
    them (None: no gradient)."""
    edges = node._edges
    return [(i // 2, edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] != NOT_A_TENSOR]


def _leaf_paths(root_node: Function) -> dict[int, int]:
    """For each leaf (by id) reached from `root_node`, how many edges lead into it."""
    seen, stack = {id(root_node)}, [root_node]
    paths: dict[int, int] = {}
    while stack:
        node = stack.pop()
        for _, child, _ in _tensor_edges(node):
            if isinstance(child, Tensor):
                paths[id(child)] = paths.get(id(child), 0) + 1
            elif child is not None and id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return paths


class _Pass:
    """The bookkeeping of one explained pass: gradients waiting at nodes, totals waiting at leaves."""

    def __init__(self, root_node: Function) -> None:
        self.buffers: dict[Function, list[Any]] = {}
        self.ready = ReadyNodes([])
        self.paths = _leaf_paths(root_node)
        self.totals: dict[int, Any] = {}
        self.arrived: dict[int, int] = {}
        self.steps: list[BackwardStep] = []

    def send(self, child: Any, nr: int, g: Any) -> None:
        """A gradient for output `nr` of `child` (a node), or for a leaf tensor."""
        if isinstance(child, Tensor):
            key = id(child)
            self.arrived[key] = self.arrived.get(key, 0) + 1
            if g is not None:
                self.totals[key] = g if key not in self.totals else self.totals[key] + g
            if self.arrived[key] == self.paths[key]:  # the last path into this leaf: its step
                self.leaf_step(child)
            return
        slots = self.buffers.get(child)
        if slots is None:
            slots = self.buffers[child] = []
            self.ready.add(child)
        slots.extend([None] * (nr + 1 - len(slots)))
        slots[nr] = g if slots[nr] is None else slots[nr] + g

    def leaf_step(self, leaf: Tensor) -> None:
        """The leaf's AccumulateGrad step, with the total of everything that reached it."""
        total = self.totals.get(id(leaf))
        paths = self.paths[id(leaf)]
        note = f"the sum of the gradients of {paths} paths into this leaf" if paths > 1 and total is not None else None
        if total is not None:
            total = np.asarray(total, dtype=leaf._data.dtype).reshape(leaf.shape)
        self.steps.append(BackwardStep(leaf._grad_node(), "AccumulateGrad", total, (), LEAF_RULE, note))


def _run(root: Tensor, start: np.ndarray) -> list[BackwardStep]:
    if root.grad_fn is None:  # a leaf: the pass is its accumulation alone
        total = np.array(start, dtype=root._data.dtype)
        return [BackwardStep(root._grad_node(), "AccumulateGrad", total, (), LEAF_RULE)]
    state = _Pass(root.grad_fn)
    state.send(root.grad_fn, root._output_nr, start)
    for node in state.ready:
        grads = state.buffers.pop(node)
        arrived = grads[0] if node._output_meta is None else tuple(all_output_grads(node, grads))
        outputs = call_backward(node, grads)
        edges = _tensor_edges(node)
        sent = tuple(None if k >= len(outputs) or outputs[k] is None else np.asarray(outputs[k]) for k, _, _ in edges)
        state.steps.append(
            BackwardStep(node, node.name(), _as_arrays(arrived), sent, rule_of(node), _broadcast_note(arrived, sent))
        )
        for (_, child, nr), g in zip(edges, sent):
            if child is not None:
                state.send(child, nr, g)
    return state.steps


def _as_arrays(g: Any) -> Any:
    return tuple(np.asarray(x) for x in g) if isinstance(g, tuple) else np.asarray(g)


def _broadcast_note(arrived: Any, sent: tuple[Any, ...]) -> str | None:
    """Which inputs were broadcast to the output's shape, so that their gradient was summed over axes."""
    if isinstance(arrived, tuple):
        return None
    out_shape = np.shape(arrived)
    notes = []
    for i, g in enumerate(sent):
        if g is None or g.shape == out_shape:
            continue
        try:
            widened = np.broadcast_shapes(g.shape, out_shape)
        except ValueError:
            continue
        if widened != out_shape:
            continue
        lead = len(out_shape) - g.ndim
        axes = list(range(lead)) + [lead + k for k, n in enumerate(g.shape) if n == 1 and out_shape[lead + k] != 1]
        noun = "axis" if len(axes) == 1 else "axes"
        notes.append(
            f"input {i} was broadcast from {g.shape} to {out_shape}: its gradient is the sum over {noun} "
            f"{', '.join(map(str, axes))}"
        )
    return "; ".join(notes) or None


def describe(g: Any) -> str:
    """An array's values when it is small, else its shape and a summary."""
    if g is None:
        return "None"
    if isinstance(g, tuple):
        return "(" + ", ".join(describe(x) for x in g) + ")"
    a = np.asarray(g)
    if a.size <= MAX_VALUES_SHOWN:
        return np.array2string(a, precision=4, separator=", ", suppress_small=True).replace("\n", "")
    return f"shape {a.shape}, mean {a.mean():.4g}, min {a.min():.4g}, max {a.max():.4g}"


class BackwardTrace(Sequence[BackwardStep]):
    """The steps of one backward pass in the order the engine runs them (`trace[0].node is root.grad_fn`)."""

    def __init__(self, steps: list[BackwardStep], root: Tensor, params: Any = None) -> None:
        self.steps = steps
        self.root = root
        self.params = params

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: Any) -> Any:
        return self.steps[index]

    def __iter__(self) -> Iterator[BackwardStep]:
        return iter(self.steps)

    def __str__(self) -> str:
        lines = [f"backward pass of {len(self.steps)} steps (newest node first)"]
        for i, s in enumerate(self.steps):
            lines.append(f"{i:3d}  {s.name:<16}  rule: {s.rule}")
            lines.append(f"{'':21}gradient in: {describe(s.grad_output)}")
            if s.grad_inputs:
                for k, g in enumerate(s.grad_inputs):
                    lines.append(f"{'':21}to input {k}: {describe(g)}")
            else:
                lines.append(f"{'':21}added to the leaf's .grad")
            if s.note:
                lines.append(f"{'':21}note: {s.note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<BackwardTrace of {len(self.steps)} steps>\n{self}"

    def to_html(self) -> str:
        """The trace as one self-contained HTML fragment: the graph, the step's panel and the controls."""
        return render_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def save_html(self, path: str | Path) -> Path:
        """Write the trace as a standalone HTML page (no network needed to view it); returns the path."""
        path = Path(path)
        path.write_text(
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>backward pass</title></head>"
            f"<body>{self.to_html()}</body></html>\n",
            encoding="utf-8",
        )
        return path


def _graph_svg(trace: BackwardTrace) -> tuple[str, dict[int, str]]:
    """The graph as inline SVG (or an explanation when Graphviz is missing) and each node's DOT id."""
    from .graph_drawing import GraphvizNotFoundError, graph_with_node_ids

    drawing, ids = graph_with_node_ids(trace.root, params=trace.params, rankdir="TB")
    try:
        svg = drawing.pipe(format="svg", encoding="utf-8")
    except GraphvizNotFoundError as error:
        return f"<p>{html.escape(str(error))}</p>", ids
    return svg[svg.index("<svg") :], ids


def render_html(trace: BackwardTrace) -> str:
    """The HTML of a trace (see `BackwardTrace.to_html`)."""
    svg, ids = _graph_svg(trace)
    steps = [
        {
            "id": ids.get(id(s.node), ""),
            "name": s.name,
            "rule": s.rule,
            "note": s.note or "",
            "gradOutput": describe(s.grad_output),
            "gradInputs": [describe(g) for g in s.grad_inputs],
        }
        for s in trace
    ]
    uid = f"trace{id(trace):x}"
    script = _SCRIPT.replace("__ID__", uid).replace("__STEPS__", json.dumps(steps).replace("</", "<\\/"))
    return _TEMPLATE.replace("__ID__", uid).replace("__SVG__", svg).replace("__SCRIPT__", script)


_TEMPLATE = """<div id="__ID__" class="tinyautograd-trace" style="font-family: sans-serif">
<style>
#__ID__ .current > polygon, #__ID__ .current > path, #__ID__ .current > ellipse
  { stroke: #d62728; stroke-width: 4px; fill: #ffe08a; }
#__ID__ .done > polygon, #__ID__ .done > path { fill: #e8f4e8; }
#__ID__ pre { margin: 2px 0; white-space: pre-wrap; }
#__ID__ button { margin-right: 4px; }
#__ID__ .graph svg { max-width: 100%; height: auto; }
</style>
<div class="controls">
<button data-action="first">&laquo; first</button><button data-action="back">&lsaquo; back</button>
<button data-action="forward">forward &rsaquo;</button><button data-action="last">last &raquo;</button>
<span class="position"></span>
</div>
<div style="display: flex; gap: 16px; align-items: flex-start">
<div class="graph" style="flex: 0 0 42%; max-width: 42%">__SVG__</div>
<div class="panel" style="min-width: 280px">
<h4 class="step-name" style="margin: 4px 0"></h4>
<div>rule: <code class="rule"></code></div>
<div>gradient arriving:</div><pre class="grad-output"></pre>
<div>gradients sent to the inputs:</div><pre class="grad-inputs"></pre>
<div class="note" style="color: #8c564b"></div>
</div>
</div>
<script>__SCRIPT__</script>
</div>"""

_SCRIPT = """(function () {
  var root = document.getElementById("__ID__");
  var steps = __STEPS__;
  var current = 0;
  function nodeGroup(dotId) {
    var groups = root.querySelectorAll("g.node");
    for (var i = 0; i < groups.length; i++) {
      var title = groups[i].querySelector("title");
      if (title && title.textContent === dotId) { return groups[i]; }
    }
    return null;
  }
  function show(k) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    for (var i = 0; i < steps.length; i++) {
      var g = nodeGroup(steps[i].id);
      if (!g) { continue; }
      g.classList.toggle("current", i === current);
      g.classList.toggle("done", i < current);
    }
    var s = steps[current];
    root.querySelector(".step-name").textContent = "step " + (current + 1) + ": " + s.name;
    root.querySelector(".rule").textContent = s.rule;
    root.querySelector(".grad-output").textContent = s.gradOutput;
    root.querySelector(".grad-inputs").textContent = s.gradInputs.length
      ? s.gradInputs.map(function (g, i) { return "input " + i + ": " + g; }).join("\\n") : "(added to .grad)";
    root.querySelector(".note").textContent = s.note ? "note: " + s.note : "";
    root.querySelector(".position").textContent = "step " + (current + 1) + " of " + steps.length;
    root.setAttribute("data-current-step", String(current));
  }
  var moves = {first: function () { return 0; }, back: function () { return current - 1; },
               forward: function () { return current + 1; }, last: function () { return steps.length - 1; }};
  root.querySelectorAll("button[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { show(moves[b.getAttribute("data-action")]()); });
  });
  var start = /step=(\\d+)/.exec(window.location.hash || "");
  show(start ? parseInt(start[1], 10) : 0);
  var clicks = /forward=(\\d+)/.exec(window.location.hash || "");
  for (var n = clicks ? parseInt(clicks[1], 10) : 0; n > 0; n--) {
    root.querySelector('button[data-action="forward"]').click();
  }
})();"""
