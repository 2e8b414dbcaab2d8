"""draw_graph: the DOT structure of known graphs, collapsing large graphs, and rendering with or without `dot`."""

from __future__ import annotations

import re
import shutil

import graphviz
import numpy as np
import pytest

import autograd
from autograd import draw_graph

NODE_LINE = re.compile(r'^\s*(\w+) \[label=("(?:[^"\\]|\\.)*"|\S+)(.*)\]$')
EDGE_LINE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")


def parse(source: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    """({node id: (label, other attributes)}, [(from, to, attributes)]) from DOT text."""
    nodes, edges = {}, []
    for line in source.splitlines():
        if m := EDGE_LINE.match(line):
            edges.append((m.group(1), m.group(2), m.group(3) or ""))
        elif m := NODE_LINE.match(line):
            nodes[m.group(1)] = (m.group(2).strip('"'), m.group(3))
    return nodes, edges


def ops(nodes: dict) -> dict:
    return {k: v for k, v in nodes.items() if k.startswith("op")}


def tensors(nodes: dict) -> dict:
    return {k: v for k, v in nodes.items() if k.startswith("tensor")}


def numbers_after(label: str, key: str) -> np.ndarray:
    """The numbers on the label line that starts with `key:`."""
    for line in label.split("\\n"):
        if line.startswith(key + ":"):
            return np.array([float(x) for x in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", line[len(key) + 1 :])])
    raise AssertionError(f"no {key!r} line in label {label!r}")


def a_times_b_plus_a():
    a_np = np.array([1.0, 2.0], dtype=np.float32)
    b_np = np.array([3.0, -4.0], dtype=np.float32)
    a = autograd.tensor(a_np, requires_grad=True)
    b = autograd.tensor(b_np, requires_grad=True)
    return a, b, a * b + a, a_np * b_np + a_np


def label_of(nodes: dict, first_line: str) -> str:
    matches = [label for label, _ in nodes.values() if label.split("\\n")[0] == first_line]
    assert len(matches) == 1, f"expected one node titled {first_line!r}, found {len(matches)}"
    return matches[0]


def test_returns_a_graphviz_digraph():
    _, _, c, _ = a_times_b_plus_a()
    assert isinstance(draw_graph(c), graphviz.Digraph)


def test_a_times_b_plus_a_has_two_ops_three_tensors_and_five_edges():
    _, _, c, _ = a_times_b_plus_a()
    nodes, edges = parse(draw_graph(c).source)
    assert len(ops(nodes)) == 2
    assert len(tensors(nodes)) == 3
    assert len(edges) == 5  # a->Mul, b->Mul, Mul->Add, a->Add, Add->c


def test_op_nodes_are_labelled_with_their_node_names():
    _, _, c, _ = a_times_b_plus_a()
    nodes, _ = parse(draw_graph(c).source)
    assert sorted(label for label, _ in ops(nodes).values()) == ["AddBackward", "MulBackward"]


def test_edges_run_from_inputs_through_ops_to_the_output():
    _, _, c, _ = a_times_b_plus_a()
    nodes, edges = parse(draw_graph(c, params={"a": c.grad_fn.next_functions[1][0].variable}).source)
    by_label = {label.split("\\n")[0]: node_id for node_id, (label, _) in nodes.items()}
    mul, add, a, out = by_label["MulBackward"], by_label["AddBackward"], by_label["a"], by_label["output"]
    pairs = sorted((src, dst) for src, dst, _ in edges)
    assert (mul, add) in pairs and (add, out) in pairs and (a, mul) in pairs and (a, add) in pairs
    assert not any(src == out for src, _ in pairs)  # nothing flows out of the root


def test_a_tensor_used_twice_by_one_op_has_two_edges_into_it():
    x = autograd.tensor([2.0], requires_grad=True)
    nodes, edges = parse(draw_graph(x * x).source)
    (leaf,) = [k for k, (label, _) in tensors(nodes).items() if not label.startswith("output")]
    assert sum(src == leaf for src, _, _ in edges) == 2


def test_leaves_are_named_from_a_params_mapping():
    a, b, c, _ = a_times_b_plus_a()
    nodes, _ = parse(draw_graph(c, params={"weight": a, "bias": b}).source)
    first_lines = sorted(label.split("\\n")[0] for label, _ in tensors(nodes).values())
    assert first_lines == ["bias", "output", "weight"]


def test_leaves_are_named_from_anything_with_named_parameters():
    a, b, c, _ = a_times_b_plus_a()

    class TwoParameters:
        def named_parameters(self):
            return iter([("layer.w", a), ("layer.b", b)])

    nodes, _ = parse(draw_graph(c, params=TwoParameters()).source)
    first_lines = sorted(label.split("\\n")[0] for label, _ in tensors(nodes).values())
    assert first_lines == ["layer.b", "layer.w", "output"]


def test_tensor_nodes_show_shape_and_dtype():
    a = autograd.tensor(np.ones((2, 3), dtype=np.float64), requires_grad=True)
    nodes, _ = parse(draw_graph(a.sum(), params={"a": a}).source)
    assert label_of(nodes, "a").split("\\n")[1] == "(2, 3) float64"
    assert label_of(nodes, "output").split("\\n")[1] == "scalar float64"


def test_show_data_shows_the_values_of_small_tensors():
    a, b, c, c_np = a_times_b_plus_a()
    nodes, _ = parse(draw_graph(c, params={"a": a, "b": b}, show_data=True).source)
    np.testing.assert_allclose(numbers_after(label_of(nodes, "output"), "data"), c_np)
    np.testing.assert_allclose(numbers_after(label_of(nodes, "b"), "data"), b.detach().numpy())


def test_values_are_not_shown_unless_asked():
    a, b, c, _ = a_times_b_plus_a()
    source = draw_graph(c, params={"a": a, "b": b}).source
    assert "data:" not in source and "grad:" not in source


def test_show_data_gives_only_the_size_of_tensors_with_more_than_16_elements():
    x = autograd.tensor(np.arange(17, dtype=np.float32), requires_grad=True)
    nodes, _ = parse(draw_graph(x * 2.0, params={"x": x}, show_data=True).source)
    line = [ln for ln in label_of(nodes, "x").split("\\n") if ln.startswith("data:")][0]
    assert "17 values" in line and "16." not in line


def test_show_grad_shows_leaf_gradients_after_backward():
    a, b, c, _ = a_times_b_plus_a()
    c.sum().backward()
    nodes, _ = parse(draw_graph(c, params={"a": a, "b": b}, show_grad=True).source)
    a_np, b_np = a.detach().numpy(), b.detach().numpy()
    np.testing.assert_allclose(numbers_after(label_of(nodes, "a"), "grad"), b_np + 1.0)  # d(ab + a)/da
    np.testing.assert_allclose(numbers_after(label_of(nodes, "b"), "grad"), a_np)  # d(ab + a)/db


def test_show_grad_says_none_before_backward():
    a, b, c, _ = a_times_b_plus_a()
    nodes, _ = parse(draw_graph(c, params={"a": a, "b": b}, show_grad=True).source)
    assert "grad: None" in label_of(nodes, "a").split("\\n")


def test_leaves_that_require_grad_are_filled_and_the_root_is_marked():
    a, b, c, _ = a_times_b_plus_a()
    nodes, _ = parse(draw_graph(c, params={"a": a, "b": b}).source)
    attrs = {label.split("\\n")[0]: extra for label, extra in tensors(nodes).values()}
    assert "fillcolor=lightblue" in attrs["a"] and "fillcolor=lightblue" in attrs["b"]
    assert "peripheries=2" in attrs["output"]
    assert sum("peripheries=2" in extra for _, extra in nodes.values()) == 1


def test_ops_with_several_outputs_label_which_output_an_edge_carries():
    class SplitInHalves(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x[:2].copy(), x[2:].copy()

        @staticmethod
        def backward(ctx, g0, g1):
            return np.concatenate([g0, g1])

    x = autograd.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    left, right = SplitInHalves.apply(x)
    _, edges = parse(draw_graph(left * right).source)
    assert sorted(attrs for _, _, attrs in edges if "label" in attrs) == ['label="out 0"', 'label="out 1"']


def test_a_root_without_history_is_one_tensor_node():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    with autograd.no_grad():
        y = x * 2.0
    nodes, edges = parse(draw_graph(y).source)
    assert len(nodes) == 1 and not edges


def chain(n_ops: int) -> autograd.Tensor:
    y = autograd.tensor(1.0, requires_grad=True)
    for _ in range(n_ops):
        y = y * 1.0001
    return y


def test_a_graph_larger_than_max_nodes_is_cut_with_a_note_saying_how_much():
    nodes, edges = parse(draw_graph(chain(1000), max_nodes=50).source)
    drawn = {k: v for k, v in nodes.items() if k != "more"}
    assert len(drawn) == 50
    note = nodes["more"][0]
    total = 1000 + 2  # ops, the leaf, the root
    assert f"{total - 50} more nodes not shown" in note and "max_nodes=" in note
    assert [(src, dst) for src, dst, _ in edges if src == "more"]  # the note points where the graph goes on


def test_a_graph_within_max_nodes_is_drawn_whole():
    nodes, edges = parse(draw_graph(chain(1000), max_nodes=1002).source)
    assert "more" not in nodes and len(ops(nodes)) == 1000 and len(edges) == 1001


def test_drawing_a_graph_deeper_than_the_recursion_limit_works():
    import sys

    depth = sys.getrecursionlimit() + 500
    nodes, _ = parse(draw_graph(chain(depth), max_nodes=depth + 2).source)
    assert len(ops(nodes)) == depth


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed here")
def test_renders_as_svg_for_jupyter_where_dot_is_installed():
    _, _, c, _ = a_times_b_plus_a()
    bundle = draw_graph(c)._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert "<svg" in svg and "MulBackward" in svg and "AddBackward" in svg


def test_without_dot_rendering_says_how_to_install_graphviz(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot program on PATH
    _, _, c, _ = a_times_b_plus_a()
    drawing = draw_graph(c)
    with pytest.raises(graphviz.ExecutableNotFound, match="apt-get install graphviz"):
        drawing.render(tmp_path / "graph", format="svg")
    with pytest.raises(graphviz.ExecutableNotFound, match="brew install graphviz"):
        drawing.pipe(format="svg")
    assert "MulBackward" in drawing.source  # the DOT text is still there


def test_without_dot_inline_display_shows_the_install_message_as_text(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    _, _, c, _ = a_times_b_plus_a()
    bundle = draw_graph(c)._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "conda install graphviz" in bundle["text/plain"]


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"rankdir": "XY"}, ValueError, "rankdir"),
        ({"max_nodes": 0}, ValueError, "max_nodes"),
        ({"params": [1, 2]}, TypeError, "params"),
        ({"params": {"w": 3.0}}, TypeError, "params"),
    ],
)
def test_bad_arguments_raise_a_clear_error(kwargs, error, words):
    _, _, c, _ = a_times_b_plus_a()
    with pytest.raises(error, match=f"draw_graph: .*{words}"):
        draw_graph(c, **kwargs)


def test_a_root_that_is_not_a_tensor_is_rejected():
    with pytest.raises(TypeError, match="draw_graph: root must be a Tensor"):
        draw_graph(np.ones(3))  # type: ignore[arg-type]
