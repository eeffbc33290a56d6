"""The package's layers: pages -> examples -> library; catalogue -> checks -> domains.

The import graph is read from the source with :mod:`ast`, so a module that
imports "upwards" (the domains importing the checkers, the library importing the
examples, the compiled evaluation importing the domains) fails here, whatever
runs at import time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "autodiff_cookbook"

#: Each layer may import its own modules and those of lower layers only.
LAYERS = {
    "base": 0,  # _types, _util: leaf helpers
    "domains": 1,
    "checks": 2,  # _checks, _directional, _autodiff, _result, _evaluate, _probes,
    # _rules, _compare, _tolerances, _taylor
    "strategies": 2,  # Hypothesis strategies over the domains
    "catalogue": 3,
    "package": 4,  # autodiff_cookbook/__init__.py, the public face of the library
    "examples": 5,
}
BASE = {"autodiff_cookbook._types", "autodiff_cookbook._util"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if module == "autodiff_cookbook":
        return "package"
    if module in BASE:
        return "base"
    if parts[1] in ("domains", "catalogue", "examples", "strategies"):
        return parts[1]
    return "checks"


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that runs, leaving out the bodies of ``if TYPE_CHECKING:``."""
    nodes: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def import_graph() -> dict[str, set[str]]:
    """For each module of the package, the modules of the package it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, node.module] if node.module else anchor)
                else:
                    base = node.module or ""
                # `from . import x` imports the submodule x when there is one.
                targets = [
                    f"{base}.{alias.name}"
                    if f"{base}.{alias.name}" in modules
                    else base
                    for alias in node.names
                ]
            else:
                continue
            imported.update(
                t for t in targets if t in modules and t not in (name, package)
            )
        graph[name] = imported
    return graph


def layer_graph() -> dict[str, set[str]]:
    """The import graph between layers (a layer's imports of itself left out)."""
    edges: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for module, imported in import_graph().items():
        for target in imported:
            if _layer(target) != _layer(module):
                edges[_layer(module)].add(_layer(target))
    return edges


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "autodiff_cookbook._checks" in graph
    assert "autodiff_cookbook.domains" in graph["autodiff_cookbook._checks"] or any(
        m.startswith("autodiff_cookbook.domains")
        for m in graph["autodiff_cookbook._checks"]
    )
    assert any(m.startswith("autodiff_cookbook.examples.") for m in graph)


def test_no_layer_imports_a_higher_one() -> None:
    upward = [
        f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
        for module, imported in import_graph().items()
        for target in sorted(imported)
        if LAYERS[_layer(target)] > LAYERS[_layer(module)]
    ]
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_the_layers_form_the_documented_chain() -> None:
    edges = layer_graph()
    assert "domains" in edges["checks"]
    assert "checks" in edges["catalogue"]
    assert "domains" not in edges["base"]
    assert edges["domains"] <= {"base"}


@pytest.mark.parametrize(
    "module", ["_evaluate", "_probes", "_rules"], ids=lambda m: m.strip("_")
)
def test_the_compiled_evaluation_does_not_import_the_domains(module: str) -> None:
    imported = import_graph()[f"autodiff_cookbook.{module}"]
    assert imported, "the graph lost the module's imports"
    assert not [m for m in imported if m.startswith("autodiff_cookbook.domains")]


def test_the_strategies_build_on_the_domains_only() -> None:
    edges = layer_graph()
    assert "domains" in edges["strategies"]
    assert edges["strategies"] <= {"base", "domains"}


@pytest.mark.parametrize("module", ["autodiff_cookbook", "autodiff_cookbook.catalogue"])
def test_importing_the_library_loads_no_example(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "print([m for m in sys.modules if m.startswith('autodiff_cookbook.examples')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
