"""The functions of the page *Seeing the computation graph*: JAX's graphs, drawn as SVG.

Two views of the same computation:

- the **jaxpr**, JAX's own intermediate language (:func:`jax.make_jaxpr`),
  drawn with one node per equation and one edge per variable
  (:func:`jaxpr_dot`, :func:`jaxpr_svg`).
  For a function built by :func:`jax.grad`, the equations of the backward pass
  are coloured, so the reader sees where the gradient computation starts;
- the **HLO** graph that XLA receives
  (``jax.jit(f).lower(*args).compiler_ir("hlo").as_hlo_dot_graph()``), see
  :func:`hlo_dot` and :func:`hlo_svg`.

The DOT sources need nothing but JAX. Rendering them to SVG
(:func:`dot_to_svg`) needs the optional extra ``graphs``
(``pip install autodiff-cookbook[graphs]``), whose ``pygraphviz`` wheel bundles
Graphviz, so no system package is needed.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
from jax import Array
from jax.extend.core import ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var
from jax.typing import ArrayLike

from .._types import PyTree

__all__ = [
    "dot_to_svg",
    "hlo_dot",
    "hlo_svg",
    "jaxpr_dot",
    "jaxpr_svg",
    "sin_cos_bump",
]

# Fill colours of the jaxpr graph; the page's prose names them.
_INPUT_FILL = "#dbeafe"  # light blue: the function's inputs
_FORWARD_FILL = "#f3f4f6"  # light grey: equations of the forward pass
_BACKWARD_FILL = "#fed7aa"  # light orange: equations of the backward pass
_OUTPUT_FILL = "#dcfce7"  # light green: the function's outputs
_FONT = "Helvetica,Arial,sans-serif"
# A parameter value longer than this is elided from an equation's label.
_MAX_PARAM_CHARS = 32


def sin_cos_bump(x: ArrayLike, y: ArrayLike) -> Array:
    r"""Return :math:`f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr)`, elementwise.

    The function of the seed notebook's computation graph task: six elementwise
    operations, so its graph is a short chain that is easy to read.

    Args:
        x: an array.
        y: an array of the same shape as ``x`` (or one that broadcasts with it).

    Returns:
        An array of the broadcast shape of ``x`` and ``y``, with values in (0, 1].

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.computation_graph import sin_cos_bump
        >>> print(f"{float(sin_cos_bump(0.0, jnp.pi / 2)):.3f}")
        1.000
        >>> print(f"{float(sin_cos_bump(jnp.pi / 2, 0.0)):.3f}")
        1.000
        >>> print(f"{float(sin_cos_bump(0.0, 0.0)):.3f}")
        0.368
    """
    return jnp.exp(-((jnp.sin(x) - jnp.cos(y)) ** 2))


def _var_names() -> Iterator[str]:
    """Yield a, b, ..., z, ba, bb, ...: the names :func:`jax.make_jaxpr` prints."""
    n = 0
    while True:
        name, m = "", n
        while not name or m:
            m, digit = divmod(m, 26)
            name = chr(97 + digit) + name
        yield name
        n += 1


def _quote(text: str) -> str:
    """Quote ``text`` as a DOT string; ``\\n`` in the result breaks the line."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _type(atom: Var | Literal) -> str:
    return str(atom.aval.str_short(short_dtypes=True))  # type: ignore[no-untyped-call]


def _literal_text(literal: Literal) -> str:
    value = literal.val
    shape = getattr(value, "shape", ())
    text = str(value.item()) if shape == () and hasattr(value, "item") else str(value)
    return f"{text}:{_type(literal)}"


def _param_text(params: dict[str, Any]) -> str:
    """The parameters worth showing in a node label: short, not None, not empty.

    A call of an inner jaxpr (``jit``, ``custom_jvp_call``, ...) shows only its
    ``name``: its other parameters describe the inner program and its sharding.
    """
    if any(isinstance(value, ClosedJaxpr | Jaxpr) for value in params.values()):
        return f"name={params['name']}" if "name" in params else ""
    shown = []
    for name, value in params.items():
        empty = isinstance(value, tuple) and not value
        if value is None or empty:
            continue
        text = str(value)
        if len(text) > _MAX_PARAM_CHARS:
            text = "…"
        shown.append(f"{name}={text}")
    return ", ".join(shown)


def _in_backward_pass(eqn: JaxprEqn) -> bool:
    """Whether :func:`jax.grad` emitted ``eqn`` while transposing (the backward pass).

    JAX records the transformations that produced an equation in its name
    stack: ``jvp(...)`` for the forward pass of a gradient and
    ``transpose(jvp(...))`` for the backward pass.
    """
    name_stack = getattr(eqn.source_info, "name_stack", "")
    return "transpose(" in str(name_stack)


def jaxpr_dot(
    fun: Callable[..., PyTree], *args: PyTree, title: str | None = None
) -> str:
    """Return the jaxpr of ``fun`` at ``args`` as a Graphviz DOT graph.

    :func:`jax.make_jaxpr` records the primitive operations ``fun`` performs.
    The graph has one box per equation, labelled with the primitive, its short
    parameters and the names and types (dtype and shape) of the variables it
    defines; an edge runs from the equation defining a variable to every
    equation using it. Inputs are blue, outputs green. Equations of the
    backward pass of a gradient (those JAX produced by transposing, see
    :func:`jax.linear_transpose`) are orange, the others grey. A dashed box
    computes only results that nothing uses (XLA will remove it); like
    :func:`jax.make_jaxpr`, the graph names such results ``_``, so variable
    names match the printed jaxpr. Calls of inner jaxprs (``jit``, ``custom_jvp_call``
    and the like) are drawn as one box, named by their ``name`` parameter when
    they have one.

    Args:
        fun: the function to trace.
        *args: example arguments; only their shapes and dtypes matter.
        title: a caption drawn above the graph, if given.

    Returns:
        The DOT source, a string. Render it with :func:`dot_to_svg`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.computation_graph import jaxpr_dot
        >>> dot = jaxpr_dot(lambda x: jnp.sin(x) * 2.0, jnp.ones(3))
        >>> print(dot.splitlines()[0])
        digraph jaxpr {
        >>> for line in dot.splitlines():
        ...     if "eqn" in line and "label" in line:
        ...         print(line.strip())
        eqn0 [label="sin\\nb: f32[3]", fillcolor="#f3f4f6"];
        eqn1 [label="mul\\nc: f32[3]", fillcolor="#f3f4f6"];
    """
    closed = jax.make_jaxpr(fun)(*args)
    jaxpr = closed.jaxpr
    names = _var_names()
    var_names: dict[Var, str] = {}
    # Which node defines each variable: an input, a constant or an equation.
    source: dict[Var, str] = {}
    lines = [
        "digraph jaxpr {",
        (
            f"  graph [rankdir=TB, nodesep=0.25, ranksep=0.3, fontname={_quote(_FONT)}, "
            'fontsize=12, labelloc="t"];'
        ),
        (
            f'  node [shape=box, style="rounded,filled", fontname={_quote(_FONT)}, '
            'fontsize=11, margin="0.12,0.04"];'
        ),
        '  edge [color="#4b5563", arrowsize=0.6];',
    ]
    if title is not None:
        lines.append(f"  label={_quote(title)};")
    for kind, variables in (("const", jaxpr.constvars), ("in", jaxpr.invars)):
        for index, var in enumerate(variables):
            name = var_names[var] = next(names)
            node = source[var] = f"{kind}{index}"
            label = f"{name}: {_type(var)}"
            if kind == "const":
                label = f"constant\n{label}"
            lines.append(
                f"  {node} [label={_quote(label)}, shape=ellipse, fillcolor={_quote(_INPUT_FILL)}];"
            )
    # Variables some equation or the output reads; the others are computed for nothing.
    used = {atom for eqn in jaxpr.eqns for atom in eqn.invars if isinstance(atom, Var)}
    used.update(atom for atom in jaxpr.outvars if isinstance(atom, Var))
    literal_count = 0
    for index, eqn in enumerate(jaxpr.eqns):
        node = f"eqn{index}"
        defined = []
        for var in eqn.outvars:
            if var not in used:  # (a DropVar is never used)
                # Unused results get no name, as in jax.make_jaxpr's printout.
                defined.append(f"_: {_type(var)}")
            else:
                var_names[var] = next(names)
                source[var] = node
                defined.append(f"{var_names[var]}: {_type(var)}")
        params = _param_text(eqn.params)
        head = f"{eqn.primitive.name}[{params}]" if params else eqn.primitive.name
        fill = _BACKWARD_FILL if _in_backward_pass(eqn) else _FORWARD_FILL
        style = ""
        if not any(var in used for var in eqn.outvars):
            style = ', style="rounded,filled,dashed"'
        label = head + "\n" + "\n".join(defined)
        lines.append(
            f"  {node} [label={_quote(label)}, fillcolor={_quote(fill)}{style}];"
        )
        for atom in eqn.invars:
            if isinstance(atom, Literal):
                literal = f"lit{literal_count}"
                literal_count += 1
                lines.append(
                    f"  {literal} [label={_quote(_literal_text(atom))}, shape=plain, "
                    'style="", fontsize=10];'
                )
                lines.append(f"  {literal} -> {node};")
            else:
                lines.append(f"  {source[atom]} -> {node};")
    for index, atom in enumerate(jaxpr.outvars):
        node = f"out{index}"
        if isinstance(atom, Literal):
            label = f"output {index}\n{_literal_text(atom)}"
        else:
            label = f"output {index}\n{var_names[atom]}: {_type(atom)}"
        style = f"shape=ellipse, fillcolor={_quote(_OUTPUT_FILL)}"
        lines.append(f"  {node} [label={_quote(label)}, {style}];")
        if isinstance(atom, Literal):
            continue
        lines.append(f"  {source[atom]} -> {node};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_STYLESHEET = re.compile(
    r"^stylesheet\s*=\s*<.*?^>\s*;?[ \t]*\n", re.DOTALL | re.MULTILINE
)
_COMMENT = re.compile(r"^[ \t]*//.*\n", re.MULTILINE)
_TOOLTIP = re.compile(r'tooltip="((?:[^"\\]|\\.)*)"')
_NODE_ID = re.compile(r"^[ \t]*((?:cluster_)?\d+)[ \t]*(?:\[|->)", re.MULTILINE)
_EDGE_HEAD = re.compile(r"->[ \t]*((?:cluster_)?\d+)")
_SUBGRAPH = re.compile(r"subgraph[ \t]+(cluster_\d+)")


def _clean_hlo_dot(dot: str) -> str:
    """Make XLA's DOT graph offline, free of local paths and the same at every run.

    - the ``stylesheet`` attribute imports a web font from the network: removed,
      with the DOT comments;
    - tooltips carry the Python source location of every operation (file paths
      of the machine that traced it): only their first line, the operation's
      name, is kept;
    - node and cluster ids are memory addresses, different at every run: they
      are renamed ``n0``, ``n1``, ... (``cluster_0``, ...) in order of appearance.
    """
    dot = _STYLESHEET.sub("", dot)
    dot = _COMMENT.sub("", dot)
    dot = _TOOLTIP.sub(lambda m: 'tooltip="' + m.group(1).split("\n")[0] + '"', dot)
    ids: dict[str, str] = {}
    for pattern in (_SUBGRAPH, _NODE_ID, _EDGE_HEAD):
        for match in pattern.finditer(dot):
            ids.setdefault(match.group(1), "")

    # Number them in order of first appearance in the text.
    def first_position(name: str) -> int:
        found = re.search(rf"\b{name}\b", dot)
        return found.start() if found else len(dot)

    ordered = sorted(ids, key=first_position)
    clusters = nodes = 0
    for name in ordered:
        if name.startswith("cluster_"):
            ids[name], clusters = f"cluster_{clusters}", clusters + 1
        else:
            ids[name], nodes = f"n{nodes}", nodes + 1
    if not ids:
        return dot
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + r")\b")
    return pattern.sub(lambda m: ids[m.group(1)], dot)


def hlo_dot(fun: Callable[..., PyTree], *args: PyTree) -> str:
    """Return the HLO graph XLA receives for ``jax.jit(fun)`` at ``args``, as DOT.

    This is what ``jax.xla_computation(fun)(*args).as_hlo_dot_graph()`` gave
    before JAX removed ``jax.xla_computation``: it lowers
    ``jax.jit(fun)`` for the shapes and dtypes of ``args``, asks for the
    ``"hlo"`` dialect and calls its ``as_hlo_dot_graph`` method. The DOT is then
    cleaned so that the picture is the same at every run and works offline: the
    ``stylesheet`` attribute (which imports a web font) is removed, tooltips
    keep the operation's name but not its source location (a local file path),
    and node ids (memory addresses) are renumbered ``n0``, ``n1``, ...

    Args:
        fun: the function to lower.
        *args: example arguments; only their shapes and dtypes matter.

    Returns:
        The DOT source, a string. Render it with :func:`dot_to_svg`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.computation_graph import hlo_dot
        >>> dot = hlo_dot(jnp.sin, jnp.ones(3))
        >>> print(dot.startswith("digraph"), "sine" in dot, "stylesheet" in dot)
        True True False
        >>> print([line.split(" [")[0] for line in dot.splitlines() if "->" in line])
        ['n0 -> n1', 'n1 -> cluster_0']
    """
    hlo = jax.jit(fun).lower(*args).compiler_ir("hlo")
    if hlo is None:
        msg = (
            "JAX returned no HLO for this function: its backend cannot export the "
            '"hlo" dialect. Draw the jaxpr instead, with jaxpr_dot.'
        )
        raise RuntimeError(msg)
    return _clean_hlo_dot(str(hlo.as_hlo_dot_graph()))


def _import_pygraphviz() -> Any:
    try:
        import pygraphviz
    except ImportError as error:
        msg = (
            "Rendering a graph to SVG needs pygraphviz (its wheel bundles Graphviz). "
            "Install the optional extra: pip install autodiff-cookbook[graphs]"
        )
        raise ImportError(msg) from error
    return pygraphviz


@contextlib.contextmanager
def _captured_stderr() -> Iterator[list[str]]:
    """Capture what C libraries write to file descriptor 2 while the block runs.

    Graphviz and the Fontconfig library it bundles print their messages
    straight to the process's standard error, bypassing :data:`sys.stderr`.
    The captured text is appended to the yielded list when the block ends.
    """
    captured: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as file:
        os.dup2(file.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            file.seek(0)
            captured.append(file.read().decode(errors="replace"))


def _graphviz_messages(text: str) -> list[str]:
    """Graphviz's messages, without Fontconfig's complaints about the system's fonts.conf.

    The pygraphviz wheel bundles a Fontconfig older than many systems'
    configuration files, and it warns about elements it does not know; the
    fonts still resolve, so these lines carry no information about the graph.
    """
    return [
        line
        for line in text.splitlines()
        if line.strip()
        and not line.startswith(("Fontconfig warning", "Fontconfig error"))
    ]


def dot_to_svg(dot: str, *, prog: str = "dot") -> str:
    """Lay out a Graphviz DOT graph and return it as an SVG document.

    The result starts at the ``<svg`` element (no XML declaration), so it can be
    written to a ``.svg`` file or put straight into an HTML page, for example
    with ``IPython.display.HTML(svg)``. Its ``style`` lets it shrink to the
    width of the page while keeping its proportions. Graphviz paints the
    graph's own white background, so its black text stays readable on a dark
    page too; the class ``autodiff-graph`` lets a page's stylesheet find it.

    Args:
        dot: the DOT source, for example from :func:`jaxpr_dot` or :func:`hlo_dot`.
        prog: the Graphviz layout program: ``"dot"`` (layered, the right one for
            computation graphs), ``"neato"``, ``"fdp"``, ``"circo"`` or ``"twopi"``.

    Returns:
        The SVG source, a string.

    Raises:
        ImportError: if pygraphviz is not installed; install the extra
            ``pip install autodiff-cookbook[graphs]``.
        ValueError: if Graphviz cannot parse or lay out ``dot``; the message
            carries Graphviz's own.

    Warns:
        RuntimeWarning: with Graphviz's messages, when it warns but still draws.

    Examples:
        >>> from autodiff_cookbook.examples.computation_graph import dot_to_svg
        >>> svg = dot_to_svg("digraph { x -> y }")
        >>> print(svg[:4], svg.rstrip()[-6:])
        <svg </svg>
    """
    pygraphviz = _import_pygraphviz()
    failure: ValueError | TypeError | OSError | AttributeError | None = None
    with _captured_stderr() as captured:
        try:
            graph = pygraphviz.AGraph(string=dot)
            data = graph.draw(format="svg", prog=prog)
        except (ValueError, TypeError, OSError, AttributeError) as error:
            failure = error
    messages = _graphviz_messages("".join(captured))
    if failure is not None:
        details = "\n".join([*messages, str(failure)])
        msg = (
            f"Graphviz could not draw this graph with prog={prog!r}:\n{details}\n"
            "Check the DOT source (for example by printing it), or choose another "
            'prog ("dot", "neato", "fdp", "circo", "twopi").'
        )
        raise ValueError(msg) from failure
    if messages:
        warnings.warn(
            "Graphviz warned while drawing:\n" + "\n".join(messages),
            RuntimeWarning,
            stacklevel=2,
        )
    svg: str = data.decode("utf-8")
    svg = svg[svg.index("<svg") :]
    return svg.replace(
        "<svg ", '<svg class="autodiff-graph" style="max-width: 100%; height: auto" ', 1
    )


def jaxpr_svg(
    fun: Callable[..., PyTree], *args: PyTree, title: str | None = None
) -> str:
    """Draw the jaxpr of ``fun`` at ``args``: :func:`jaxpr_dot` rendered by :func:`dot_to_svg`.

    Args:
        fun: the function to trace.
        *args: example arguments; only their shapes and dtypes matter.
        title: a caption drawn above the graph, if given.

    Returns:
        The SVG source, a string.

    Raises:
        ImportError: if pygraphviz is not installed; install the extra
            ``pip install autodiff-cookbook[graphs]``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.computation_graph import jaxpr_svg
        >>> svg = jaxpr_svg(jnp.sin, jnp.ones(3))
        >>> print(svg.startswith("<svg"), "f32[3]" in svg)
        True True
    """
    return dot_to_svg(jaxpr_dot(fun, *args, title=title))


def hlo_svg(fun: Callable[..., PyTree], *args: PyTree) -> str:
    """Draw the HLO graph of ``jax.jit(fun)`` at ``args``: :func:`hlo_dot` rendered to SVG.

    Args:
        fun: the function to lower.
        *args: example arguments; only their shapes and dtypes matter.

    Returns:
        The SVG source, a string.

    Raises:
        ImportError: if pygraphviz is not installed; install the extra
            ``pip install autodiff-cookbook[graphs]``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.computation_graph import hlo_svg
        >>> svg = hlo_svg(jnp.sin, jnp.ones(3))
        >>> print(svg.startswith("<svg"), "sine" in svg)
        True True
    """
    return dot_to_svg(hlo_dot(fun, *args))
