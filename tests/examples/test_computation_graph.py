"""Tests for autodiff_cookbook.examples.computation_graph: jaxpr and HLO graphs as DOT and SVG."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

import jax
import jax.numpy as jnp
import numpy as np
import pygraphviz
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.computation_graph import (
    _graphviz_messages,
    dot_to_svg,
    hlo_dot,
    hlo_svg,
    jaxpr_dot,
    jaxpr_svg,
    sin_cos_bump,
)

BACKWARD = "#fed7aa"
VECTOR = jnp.ones(1337)
angles = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)


def _total(x: jax.Array, y: jax.Array) -> jax.Array:
    return sin_cos_bump(x, y).sum()


def _nodes(dot: str) -> dict[str, str]:
    """Node name -> label, for the nodes of a DOT graph written by jaxpr_dot."""
    graph = pygraphviz.AGraph(string=dot)
    return {str(n): graph.get_node(n).attr["label"] for n in graph.nodes()}


def test_sin_cos_bump_values() -> None:
    assert float(sin_cos_bump(0.0, jnp.pi / 2)) == pytest.approx(1.0)
    assert float(sin_cos_bump(0.0, 0.0)) == pytest.approx(np.exp(-1.0))
    assert sin_cos_bump(VECTOR, VECTOR).shape == (1337,)


@given(angles, angles)
def test_sin_cos_bump_gradient_matches_the_chain_rule(x: float, y: float) -> None:
    with jax.enable_x64(True):
        u = np.sin(x) - np.cos(y)
        expected_dx = np.exp(-(u**2)) * (-2 * u) * np.cos(x)
        expected_dy = np.exp(-(u**2)) * (-2 * u) * np.sin(y)
        gx, gy = jax.grad(sin_cos_bump, argnums=(0, 1))(jnp.float64(x), jnp.float64(y))
        np.testing.assert_allclose([gx, gy], [expected_dx, expected_dy], atol=1e-12)


def test_jaxpr_dot_has_one_node_per_equation_named_like_make_jaxpr() -> None:
    closed = jax.make_jaxpr(sin_cos_bump)(VECTOR, VECTOR)
    nodes = _nodes(jaxpr_dot(sin_cos_bump, VECTOR, VECTOR))
    equations = {name: label for name, label in nodes.items() if name.startswith("eqn")}
    assert len(equations) == len(closed.jaxpr.eqns) == 6
    printed = str(closed)
    for label in equations.values():
        primitive, defined = label.split("\\n")
        name, typ = defined.split(": ")
        # The printout has e.g. "c:f32[1337] = sin a".
        assert re.search(
            rf"\b{name}:{re.escape(typ)} = {re.escape(primitive)}", printed
        )
    assert nodes["in0"] == "a: f32[1337]"
    assert nodes["out0"] == "output 0\\nh: f32[1337]"


def test_forward_graph_has_no_backward_pass() -> None:
    assert BACKWARD not in jaxpr_dot(sin_cos_bump, VECTOR, VECTOR)


def test_gradient_graph_colours_exactly_the_transposed_equations() -> None:
    closed = jax.make_jaxpr(jax.grad(_total))(VECTOR, VECTOR)
    transposed = [
        i
        for i, eqn in enumerate(closed.jaxpr.eqns)
        if "transpose" in str(eqn.source_info.name_stack)
    ]
    assert len(transposed) == 5
    dot = jaxpr_dot(jax.grad(_total), VECTOR, VECTOR)
    coloured = sorted(
        int(m.group(1)) for m in re.finditer(rf'eqn(\d+) \[[^\n]*"{BACKWARD}"', dot)
    )
    assert coloured == transposed
    # The backward pass starts by broadcasting the cotangent 1.0 of the sum.
    first = closed.jaxpr.eqns[transposed[0]]
    assert first.primitive.name == "broadcast_in_dim"


def test_unused_results_are_dashed_and_unnamed() -> None:
    nodes = jaxpr_dot(jax.grad(_total), VECTOR, VECTOR)
    dashed = [line for line in nodes.splitlines() if "dashed" in line]
    assert len(dashed) == 1
    assert "reduce_sum" in dashed[0]
    assert "_: f32[]" in dashed[0]


def test_literals_constants_and_inner_jaxprs_are_drawn() -> None:
    table = jnp.arange(3.0) + 1.0

    def f(x: jax.Array) -> jax.Array:
        return jnp.linalg.norm(x * table) + 2.5

    dot = jaxpr_dot(f, jnp.ones(3))
    labels = list(_nodes(dot).values())
    assert any(label.startswith("2.5") for label in labels)
    assert "constant\\na: f32[3]" in labels  # the closed-over array
    assert any(
        re.fullmatch(r"p?jit\[name=norm\]\\n\w+: f32\[\]", label) for label in labels
    )


def test_title_becomes_the_graph_label() -> None:
    graph = pygraphviz.AGraph(string=jaxpr_dot(jnp.sin, jnp.ones(2), title='say "hi"'))
    assert graph.graph_attr["label"] == 'say "hi"'


def test_hlo_dot_is_offline_free_of_paths_and_stable() -> None:
    def f(x: jax.Array, y: jax.Array) -> jax.Array:
        return sin_cos_bump(x, y)

    first = hlo_dot(f, VECTOR, VECTOR)
    assert first == hlo_dot(f, VECTOR, VECTOR)
    assert "stylesheet" not in first
    assert "googleapis" not in first
    assert ".py" not in first
    assert "sine" in first
    assert "cosine" in first
    assert "f32[1337]" in first
    names = set(re.findall(r"^\s*(\w+) \[", first, re.MULTILINE))
    assert names
    assert all(re.fullmatch(r"n\d+|cluster_\d+", name) for name in names)
    assert not re.search(r"\b\d{9,}\b", first)  # no memory addresses left
    graph = pygraphviz.AGraph(string=first)
    assert graph.number_of_nodes() >= 8  # two parameters, six operations


def test_hlo_dot_of_the_gradient_has_more_operations() -> None:
    forward = pygraphviz.AGraph(string=hlo_dot(sin_cos_bump, VECTOR, VECTOR))
    backward = pygraphviz.AGraph(string=hlo_dot(jax.grad(_total), VECTOR, VECTOR))
    assert backward.number_of_nodes() > forward.number_of_nodes()


def _svg_size(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    width, height = (
        float(root.attrib[k].removesuffix("pt")) for k in ("width", "height")
    )
    return width, height


def test_dot_to_svg_returns_an_embeddable_scalable_svg() -> None:
    svg = dot_to_svg("digraph { x -> y }")
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "max-width: 100%" in svg
    width, height = _svg_size(svg)
    assert width > 0
    assert height > 0
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert len(root.attrib["viewBox"].split()) == 4


def test_jaxpr_and_hlo_svgs_show_shapes() -> None:
    for svg in (
        jaxpr_svg(sin_cos_bump, VECTOR, VECTOR),
        hlo_svg(sin_cos_bump, VECTOR, VECTOR),
    ):
        assert "f32[1337]" in svg
        assert min(_svg_size(svg)) > 50


def test_gradient_svg_contains_the_backward_colour() -> None:
    assert BACKWARD in jaxpr_svg(jax.grad(_total), VECTOR, VECTOR)
    assert BACKWARD not in jaxpr_svg(sin_cos_bump, VECTOR, VECTOR)


def test_invalid_dot_raises_with_graphviz_message() -> None:
    with pytest.raises(ValueError, match=r"(?s)could not draw.*syntax error"):
        dot_to_svg("digraph { x -> ")


def test_unknown_layout_program_is_rejected() -> None:
    with pytest.raises(ValueError, match="nosuchprog"):
        dot_to_svg("digraph { x -> y }", prog="nosuchprog")


def test_graphviz_warnings_become_python_warnings() -> None:
    with pytest.warns(RuntimeWarning, match="unknown shape nosuchshape"):
        svg = dot_to_svg("digraph { x [shape=nosuchshape]; x -> y }")
    assert svg.startswith("<svg")


def test_fontconfig_noise_is_filtered_but_graphviz_messages_kept() -> None:
    text = (
        'Fontconfig warning: "/usr/share/fontconfig/conf.avail/05-reset-dirs-sample.conf", '
        'line 6: unknown element "reset-dirs"\n'
        "Warning: node x, port y unrecognized\n\n"
    )
    assert _graphviz_messages(text) == ["Warning: node x, port y unrecognized"]


def test_missing_pygraphviz_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    with pytest.raises(ImportError, match=r"pip install autodiff-cookbook\[graphs\]"):
        dot_to_svg("digraph { x -> y }")
