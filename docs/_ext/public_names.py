"""Document every public object under its public module, and send private paths there.

Why: the library keeps its implementation in small private modules and re-exports
the public names explicitly (``from ._checks import check_gradient as
check_gradient``); it does not rewrite ``__module__``. So Python reports
``check_gradient`` as ``autodiff_cookbook._checks.check_gradient``, and that is the
path autodoc writes wherever it renders a type hint or a base class. A reader
should only see, and be sent to, the path they import. This one extension does
it, for any package, from the public modules' ``__all__``:

- The map: a *public module* is one of the packages in ``public_names_packages``
  or a module below them none of whose dotted components starts with ``_``. Each
  object a public module lists in ``__all__`` maps from the path Python reports
  (``obj.__module__ + "." + obj.__qualname__``) to ``<public module>.<name>``. An
  object re-exported by several public modules belongs to the one closest to
  where it is defined (``autodiff_cookbook.domains`` for a class of
  ``autodiff_cookbook.domains._base``).
- Module pages: ``autosummary_ignore_module_all = False``, so autosummary and
  autodoc document the members a module lists in ``__all__``, re-exported ones
  included; the template ``docs/_templates/autosummary/module.rst`` lays them out.
- Links: a ``missing-reference`` handler resolves a private path, or a member of
  one (``autodiff_cookbook._result.CheckResult.ok``), to its public entry, and the
  private paths in ``public_names_external`` (JAX's ``jaxlib._jax.Array``) to
  their public names in the intersphinx inventories.
- Type aliases: the aliases of each module in ``public_names_type_aliases``
  (``autodiff_cookbook._types``, whose ``#:`` comments document them) are rendered
  by name in signatures (``autodoc_type_aliases``, filled here) and documented by
  the directive ``public-type-aliases`` under the module the mapping names, which
  the module template places in a section "Types" of that module's page.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import os
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from package_snapshot import fingerprint, remembered
from sphinx.ext import intersphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata


def _is_public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def public_modules(package: str) -> list[ModuleType]:
    """Import ``package`` and every public module below it; return them, the package first."""
    root = importlib.import_module(package)
    found = [root]
    for info in pkgutil.iter_modules(getattr(root, "__path__", []), f"{package}."):
        if not _is_public(info.name):
            continue
        if info.ispkg:
            found += public_modules(info.name)
        else:
            found.append(importlib.import_module(info.name))
    return found


def public_paths(
    modules: Iterable[ModuleType], packages: Iterable[str]
) -> dict[str, str]:
    """Map the path Python reports for each public object to its public path.

    Only objects defined inside ``packages`` are mapped (a re-exported
    ``jax.numpy.sin`` stays JAX's), and paths that are already public are left out.
    """
    packages = tuple(packages)
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    for module in modules:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            defined_in = getattr(obj, "__module__", None)
            qualname = getattr(obj, "__qualname__", None)
            if (
                isinstance(obj, ModuleType)
                or not isinstance(defined_in, str)
                or not isinstance(qualname, str)
                or not any(_within(defined_in, p) for p in packages)
            ):
                continue
            reported = f"{defined_in}.{qualname}"
            rank = (_within(defined_in, module.__name__), len(module.__name__))
            if reported not in best or rank > best[reported][0]:
                best[reported] = (rank, f"{module.__name__}.{name}")
    return {path: public for path, (_, public) in best.items() if path != public}


def public_path(target: str, paths: Mapping[str, str]) -> str | None:
    """The public path of ``target``, itself or a member of a mapped object; None if unmapped."""
    head, rest = target, ""
    while head:
        if head in paths:
            return paths[head] + rest
        head, _, last = head.rpartition(".")
        rest = f".{last}{rest}"
    return None


@dataclass(frozen=True)
class TypeAliasDoc:
    """A type alias as documented: its name, its value (with qualified names) and its doc lines."""

    name: str
    value: str
    doc: tuple[str, ...]


@dataclass(frozen=True)
class TypedDictDoc:
    """A class of the alias module (a ``TypedDict`` of options): its docstring and typed keys."""

    name: str
    doc: str
    keys: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TypeAliases:
    """The aliases of one module: how to render each name, and the ones to document."""

    rendered: dict[str, str]
    documented: tuple[TypeAliasDoc, ...]
    classes: tuple[TypedDictDoc, ...] = ()


class _Qualify(ast.NodeTransformer):
    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id not in self.names:
            return node
        return ast.copy_location(ast.parse(self.names[node.id], mode="eval").body, node)


def _absolute(module: str, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.rsplit(".", level)[0]
    return f"{base}.{name}" if name else base


def module_file(module: str) -> Path | None:
    """The source file of ``module``, found without importing it or its parent packages."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None:
        return None
    if not rest:
        return Path(spec.origin) if spec.origin else None
    for location in spec.submodule_search_locations or ():
        base = Path(location).joinpath(*rest)
        for candidate in (base.parent / f"{base.name}.py", base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


def read_type_aliases(
    module: str, home: str, paths: Mapping[str, str] | None = None
) -> TypeAliases:
    """Read the aliases that ``module`` lists in ``__all__`` from its source, without importing it.

    An alias defined there (``Name: TypeAlias = ...``) renders as
    ``<home>.<Name>`` and is documented with its ``#:`` comment; one re-exported
    from elsewhere (``from jax.typing import ArrayLike as ArrayLike``) renders as
    its origin. Names in the values are qualified through the module's imports,
    and private paths are made public with ``paths``.
    """
    source = module_file(module)
    if source is None:
        msg = (
            f"Cannot find the type-alias module {module!r} (public_names_type_aliases)."
        )
        raise RuntimeError(msg)
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    exported: list[str] = []
    definitions: dict[str, ast.expr] = {}
    classes: dict[str, ast.ClassDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _absolute(module, node.level, node.module)
            for alias in node.names:
                full = f"{origin}.{alias.name}"
                names[alias.asname or alias.name] = (
                    public_path(full, paths or {}) or full
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            exported = list(ast.literal_eval(node.value))
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
            and ast.unparse(node.annotation).endswith("TypeAlias")
        ):
            definitions[node.target.id] = node.value
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = node
    for name in [*definitions, *classes]:
        names[name] = f"{home}.{name}"
    qualify = _Qualify(names)
    comments = ModuleAnalyzer.for_file(source, module).find_attr_docs()
    rendered: dict[str, str] = {}
    documented = []
    class_docs = []
    for name in exported:
        if name in classes:
            keys = tuple(
                (field.target.id, ast.unparse(qualify.visit(field.annotation)))
                for field in classes[name].body
                if isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
            )
            doc = ast.get_docstring(classes[name]) or ""
            class_docs.append(TypedDictDoc(name, doc, keys))
            rendered[name] = f"{home}.{name}"
            continue
        if name not in definitions:
            if name in names:
                rendered[name] = names[name]
            continue
        rendered[name] = f"{home}.{name}"
        value = definitions[name]
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            value = ast.parse(value.value, mode="eval").body  # a forward reference
        text = ast.unparse(qualify.visit(value))
        lines = tuple(comments.get(("", name), ()))
        documented.append(TypeAliasDoc(name, text, lines))
    return TypeAliases(rendered, tuple(documented), tuple(class_docs))


@functools.cache
def _public_paths_of(packages: tuple[str, ...]) -> dict[str, str]:
    modules = [m for package in packages for m in public_modules(package)]
    return public_paths(modules, packages)


def all_public_paths(config: Config, srcdir: str | os.PathLike[str]) -> dict[str, str]:
    """The map of every public object and documented alias of the configured packages.

    Making it imports the packages; the map is remembered in the build folder of
    the site in ``srcdir`` (``package_snapshot``) while the packages' source, the
    installed distributions and the two settings are unchanged.
    """
    return _remembered_paths(
        str(srcdir),
        tuple(config.public_names_packages),
        tuple(sorted(config.public_names_type_aliases.items())),
    )


@functools.cache
def _remembered_paths(
    srcdir: str, packages: tuple[str, ...], type_aliases: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    key = fingerprint(packages, type_aliases)
    return remembered(
        srcdir, "public-paths", key, lambda: _all_paths(packages, type_aliases)
    )


@functools.cache
def _all_paths(
    packages: tuple[str, ...], type_aliases: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    paths = dict(_public_paths_of(packages))
    for module, home in type_aliases:
        aliases = read_type_aliases(module, home)
        names = [a.name for a in aliases.documented] + [c.name for c in aliases.classes]
        for name in names:
            paths[f"{module}.{name}"] = f"{home}.{name}"
    return paths


class PublicTypeAliases(SphinxDirective):
    """``.. public-type-aliases:: <module>``: document the module's aliases where the config says.

    Each becomes a ``py:type`` entry ``<home>.<Name>`` whose value links its names.
    """

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        module = self.arguments[0]
        homes = self.config.public_names_type_aliases
        if module not in homes:
            msg = (
                f"public-type-aliases: {module!r} is not a key of "
                "public_names_type_aliases in conf.py; add it with the module whose "
                "page documents its aliases."
            )
            raise self.error(msg)
        paths = all_public_paths(self.config, self.env.srcdir)
        aliases = read_type_aliases(module, homes[module], paths)
        lines = []
        for alias in aliases.documented:
            lines += [
                f".. py:type:: {alias.name}",
                f"   :module: {homes[module]}",
                f"   :canonical: {alias.value}",
                "",
                *(f"   {line}" for line in alias.doc),
                "",
            ]
        for cls in aliases.classes:
            lines += [
                f".. py:class:: {cls.name}",
                f"   :module: {homes[module]}",
                f"   :canonical: {module}.{cls.name}",
                "",
                *(f"   {line}" for line in cls.doc.splitlines()),
                "",
            ]
            for key, annotation in cls.keys:
                lines += [
                    f"   .. py:attribute:: {key}",
                    f"      :type: {annotation}",
                    "",
                ]
        return nested_parse_to_nodes(
            self.state, StringList(lines, source=self.get_source_info()[0] or "")
        )


def _configure(app: Sphinx, config: Config) -> None:
    config.autosummary_ignore_module_all = False
    rendered: dict[str, str] = {}
    for module, home in config.public_names_type_aliases.items():
        rendered |= read_type_aliases(module, home).rendered
    config.autodoc_type_aliases = {**rendered, **config.autodoc_type_aliases}
    context = dict(config.autosummary_context)
    context.setdefault(
        "type_alias_pages",
        {home: module for module, home in config.public_names_type_aliases.items()},
    )
    config.autosummary_context = context


def _build_map(app: Sphinx) -> None:
    all_public_paths(app.config, app.srcdir)  # once, before any fork


def _unquoted(contnode: nodes.Element) -> nodes.Element:
    """``contnode`` with the quotes around its text removed."""
    copy = contnode.deepcopy()
    for text in list(copy.findall(nodes.Text)):
        text.parent.replace(text, nodes.Text(str(text).strip("'\"")))
    return copy


def _resolve(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve a private path, JAX's private paths, and an alias rendered in quotes.

    Sphinx 9.0 renders an alias of ``autodoc_type_aliases`` inside ``X | None`` as a
    quoted name (fixed in Sphinx 9.1, https://github.com/sphinx-doc/sphinx/pull/14007):
    the quotes are dropped. A type hint is a ``py:class`` reference, but JAX
    documents its type aliases (``jax.typing.ArrayLike``) as data: an external
    name is looked up as any Python object.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if len(target) > 2 and target[0] == target[-1] and target[0] in "'\"":
        target, contnode = target[1:-1], _unquoted(contnode)
        node["reftarget"] = target
    public = public_path(target, all_public_paths(app.config, app.srcdir))
    if public is not None:
        return env.get_domain("py").resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], public, node, contnode
        )
    original = node["reftarget"], node["reftype"]
    node["reftarget"] = app.config.public_names_external.get(target, target)
    for reftype in dict.fromkeys([node["reftype"], "obj"]):
        node["reftype"] = reftype
        found = env.get_domain("py").resolve_xref(
            env, node["refdoc"], app.builder, reftype, node["reftarget"], node, contnode
        ) or intersphinx.missing_reference(app, env, node, contnode)
        if found is not None:
            return found
    node["reftarget"], node["reftype"] = original
    return None


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.autodoc")
    app.setup_extension("sphinx.ext.autosummary")
    app.setup_extension("sphinx.ext.intersphinx")
    # The packages whose public modules are walked.
    app.add_config_value("public_names_packages", [], "env", types=frozenset({list}))
    # Alias module -> public module whose page documents its aliases.
    app.add_config_value(
        "public_names_type_aliases", {}, "env", types=frozenset({dict})
    )
    # Private paths of other projects -> their documented names (resolved by intersphinx).
    app.add_config_value("public_names_external", {}, "env", types=frozenset({dict}))
    app.add_directive("public-type-aliases", PublicTypeAliases)
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _build_map)
    app.connect("missing-reference", _resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
