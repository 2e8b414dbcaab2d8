"""Draw a computation graph with Graphviz: `draw_graph(loss)` shows every op and the tensors around it.

>>> a = autograd.tensor([1.0, 2.0], requires_grad=True)
>>> b = autograd.tensor([3.0, 4.0], requires_grad=True)
>>> picture = draw_graph((a * b + a).sum(), params={"a": a, "b": b})
>>> picture            # in Jupyter: the graph as an SVG picture
>>> picture.source     # the DOT text, with or without Graphviz installed

Op nodes are named as their graph node (`MulBackward`); tensor nodes are the
leaves the gradients flow into (found through `AccumulateGrad.variable`) and the
root. Edges follow the data: inputs -> op -> output. DOT node ids say what each
node is: `op<i>`, `tensor<i>`, and `more` for the note on a collapsed graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import graphviz
import numpy as np

from .function import AccumulateGrad, Function
from .tensor import Tensor

MAX_VALUES_SHOWN = 16  # tensors with more elements show their size instead of their values
RANKDIRS = ("LR", "RL", "TB", "BT")

OP_STYLE = {"shape": "box", "style": "rounded,filled", "fillcolor": "lightgrey"}
LEAF_STYLE = {"shape": "box", "style": "filled", "fillcolor": "lightblue"}  # leaves that require grad
ROOT_STYLE = {"shape": "box", "style": "filled", "fillcolor": "darkolivegreen1", "peripheries": "2"}
NOTE_STYLE = {"shape": "note", "style": "filled", "fillcolor": "lightyellow"}

INSTALL_HINT = (
    "Graphviz's `dot` program was not found on PATH, so the graph cannot be rendered. Install Graphviz "
    "(Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; conda: conda install graphviz) "
    "so that `dot` is on PATH; until then the DOT text is available as `.source`."
)


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Rendering needs Graphviz's `dot` program; the message says how to install it."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


class GraphDrawing(graphviz.Digraph):
    """A `graphviz.Digraph` whose rendering, when `dot` is missing, explains how to install Graphviz.

    `.render()` and `.pipe()` raise `GraphvizNotFoundError` (a `graphviz.ExecutableNotFound`);
    inline display in Jupyter shows the same message as text instead of a picture.
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """Render through `dot` and return the result (bytes, or str when `encoding=` is given)."""
        try:
            return super().pipe(*args, **kwargs)
        except GraphvizNotFoundError:
            raise
        except graphviz.ExecutableNotFound as e:
            raise GraphvizNotFoundError() from e

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Save the DOT source and render it to a file with `dot`; returns the rendered file's path."""
        try:
            return super().render(*args, **kwargs)
        except GraphvizNotFoundError:
            raise
        except graphviz.ExecutableNotFound as e:
            raise GraphvizNotFoundError() from e

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except GraphvizNotFoundError as e:
            return {"text/plain": str(e)}


def draw_graph(
    root: Tensor | Iterable[Tensor],
    params: Any = None,
    show_data: bool = False,
    show_grad: bool = False,
    rankdir: str = "LR",
    max_nodes: int = 200,
) -> GraphDrawing:
    """The computation graph that produced `root` (a tensor, or several) as a `graphviz.Digraph`.

    `params`: a module (anything with `named_parameters()`) or a `{name: tensor}` mapping, to
    label leaves with their names. `show_data` / `show_grad` add the values / gradients of
    tensors with at most 16 elements. `rankdir`: "LR", "RL", "TB" or "BT". Past `max_nodes`
    nodes the drawing stops and a note says how many were left out.

    >>> x = autograd.tensor(2.0, requires_grad=True)
    >>> print(draw_graph(x ** 2, params={"x": x}).source)  # doctest: +SKIP
    """
    return graph_with_node_ids(root, params, show_data, show_grad, rankdir, max_nodes)[0]


def graph_with_node_ids(
    root: Tensor | Iterable[Tensor],
    params: Any = None,
    show_data: bool = False,
    show_grad: bool = False,
    rankdir: str = "LR",
    max_nodes: int = 200,
) -> tuple[GraphDrawing, dict[int, str]]:
    """`draw_graph`'s drawing, and the DOT id of each drawn graph node by `id(node)` (a leaf's node is
    its `AccumulateGrad`), for tools that point at nodes in the picture (`explain_backward`)."""
    roots = _roots(root)
    if not isinstance(rankdir, str) or rankdir.upper() not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, (int, np.integer)) or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be a positive integer, got {max_nodes!r}")
    drawing = GraphDrawing(name="computation graph")
    drawing.attr(rankdir=rankdir.upper())
    drawing.attr("node", fontname="Helvetica", fontsize="11")
    drawing.attr("edge", fontname="Helvetica", fontsize="9")
    walk = GraphWalk(drawing, _parameter_names(params), show_data, show_grad, int(max_nodes))
    walk.add_roots(roots)
    walk.add_nodes()
    walk.add_edges()
    walk.add_note()
    return drawing, {k: v for k, v in walk.ids.items() if v}


class GraphWalk:
    """One walk over a graph, breadth first from the roots, drawing nodes until `max_nodes` are shown.

    Each node seen gets a DOT id in the order it is found (`op<i>`, `tensor<i>`); past
    `max_nodes` nodes are only counted, and the shown ones whose inputs were cut get an
    edge from the note that says how many were left out.
    """

    def __init__(
        self, drawing: GraphDrawing, names: dict[int, str], show_data: bool, show_grad: bool, max_nodes: int
    ) -> None:
        self.drawing, self.names, self.max_nodes = drawing, names, max_nodes
        self.show_data, self.show_grad = show_data, show_grad
        self.ids: dict[int, str] = {}  # id(graph node or root tensor) -> DOT node id ("" when not shown)
        self.keep_alive: list[Any] = []  # the objects behind `ids`, so no id is reused during the walk
        self.shown = 0
        self.queue: deque[Function] = deque()
        self.cut: list[str] = []  # shown nodes with at least one input that is not shown
        self.edges: list[tuple[str, str, int, int]] = []  # (from, to, id(producing node), which of its outputs)

    def discover(self, obj: Any, kind: str) -> str:
        """Give a newly seen node its DOT id ("" once the drawing is full: it is only counted)."""
        self.keep_alive.append(obj)
        dot_id = ""
        if self.shown < self.max_nodes:
            dot_id = f"{kind}{self.shown}"
            self.shown += 1
        self.ids[id(obj)] = dot_id
        return dot_id

    def node_id(self, node: Function) -> str:
        """The DOT id of a graph node, queueing it for the walk when it is new."""
        if id(node) not in self.ids:
            self.discover(node, "tensor" if isinstance(node, AccumulateGrad) else "op")
            self.queue.append(node)
        return self.ids[id(node)]

    def add_roots(self, roots: list[Tensor]) -> None:
        """A box per root tensor, and the op that made it."""
        for i, r in enumerate(roots):
            title = self.names.get(id(r)) or ("output" if len(roots) == 1 else f"output {i}")
            # a leaf root that requires grad is keyed by its AccumulateGrad, so it is drawn once
            key = r._grad_node() if r.grad_fn is None and r.requires_grad else r
            if id(key) in self.ids:
                continue
            root_id = self.discover(key, "tensor")
            if root_id:
                label = _tensor_label(title, r, self.show_data, self.show_grad, always_grad=False)
                self.drawing.node(root_id, label, **ROOT_STYLE)
            if r.grad_fn is not None:
                self.connect(self.node_id(r.grad_fn), root_id, id(r.grad_fn), r._output_nr)

    def add_nodes(self) -> None:
        """Every node behind the roots, nearest first, so the ones drawn are those nearest the output."""
        while self.queue:
            node = self.queue.popleft()
            node_id = self.ids[id(node)]
            if node_id and isinstance(node, AccumulateGrad):
                leaf = node.variable
                label = _tensor_label(self.names.get(id(leaf), ""), leaf, self.show_data, self.show_grad, True)
                self.drawing.node(node_id, label, **LEAF_STYLE)
            elif node_id:
                self.drawing.node(node_id, node.name(), **OP_STYLE)
            for producer, nr in node.next_functions:
                if producer is not None:
                    self.connect(self.node_id(producer), node_id, id(producer), nr)

    def connect(self, src: str, dst: str, producer: int, nr: int) -> None:
        """An edge between two shown nodes; a shown node whose input is not shown is marked as cut."""
        if src and dst:
            self.edges.append((src, dst, producer, nr))
        elif dst and dst not in self.cut:
            self.cut.append(dst)

    def add_edges(self) -> None:
        """The edges; an op with several outputs in use labels each edge with the output it carries."""
        last_output: dict[int, int] = {}
        for _, _, producer, nr in self.edges:
            last_output[producer] = max(nr, last_output.get(producer, 0))
        for src, dst, producer, nr in self.edges:
            self.drawing.edge(src, dst, label=f"out {nr}" if last_output[producer] > 0 else None)

    def add_note(self) -> None:
        """Past `max_nodes`: a note saying how many nodes were left out, pointing at where they were cut."""
        not_shown = len(self.ids) - self.shown
        if not not_shown:
            return
        noun = "node" if not_shown == 1 else "nodes"
        self.drawing.node("more", f"… {not_shown} more {noun} not shown;\\npass max_nodes= to see more", **NOTE_STYLE)
        for node_id in self.cut:
            self.drawing.edge("more", node_id, style="dashed")


def _roots(root: Any) -> list[Tensor]:
    if isinstance(root, Tensor):
        return [root]
    if isinstance(root, Iterable) and not isinstance(root, (str, bytes, Mapping)):
        roots = list(root)
        if roots and all(isinstance(r, Tensor) for r in roots):
            return roots
    raise TypeError(f"draw_graph: root must be a Tensor or a non-empty sequence of Tensors, got {type(root).__name__}")


def _parameter_names(params: Any) -> dict[int, str]:
    """{id(tensor): name} from a module (its named_parameters()) or a {name: tensor} mapping."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        pairs = list(params.named_parameters())
    elif isinstance(params, Mapping):
        pairs = list(params.items())
    else:
        raise TypeError(
            "draw_graph: params must be a module (with named_parameters()) or a {name: tensor} mapping, "
            f"got {type(params).__name__}"
        )
    names: dict[int, str] = {}
    for name, value in pairs:
        if not isinstance(value, Tensor):
            raise TypeError(f"draw_graph: params[{name!r}] must be a Tensor, got {type(value).__name__}")
        names.setdefault(id(value), str(name))
    return names


def _tensor_label(title: str, t: Tensor, show_data: bool, show_grad: bool, always_grad: bool) -> str:
    """Lines of a tensor node: its name, shape and dtype, and its values or gradient when asked."""
    shape = "scalar" if t.ndim == 0 else str(tuple(t.shape))
    lines = [title] if title else []
    lines.append(f"{shape} {t.dtype.name}")
    if show_data:
        lines += _values("data", t.detach().numpy())
    if show_grad and (always_grad or t.grad is not None):
        lines += ["grad: None"] if t.grad is None else _values("grad", t.grad.detach().numpy())
    return "\\n".join(_escape(line) for line in lines)


def _values(what: str, array: np.ndarray) -> list[str]:
    if array.size > MAX_VALUES_SHOWN:
        return [f"{what}: {array.size} values (more than {MAX_VALUES_SHOWN}, not shown)"]
    text = np.array2string(array, precision=4, separator=", ", suppress_small=True)
    first, *rest = text.splitlines()
    return [f"{what}: {first}", *(line.strip() for line in rest)]


def _escape(text: str) -> str:
    """Keep a line literal inside a DOT label (backslashes would start escape sequences)."""
    return text.replace("\\", "\\\\")
