"""A [source] link from every API entry, including those sphinx.ext.viewcode alone misses.

Why: viewcode links an entry to its highlighted source when it finds (a) the
module that defines it, through the ``__module__`` of the object at the entry's
path, and (b) a *tag* for the entry's name in that module, which Sphinx's
``ModuleAnalyzer`` makes for classes, functions and methods only. Entries
documented under their public path (``_ext/public_names.py``) keep their link
that way: ``autodiff_cookbook.check_gradient`` is found in
``autodiff_cookbook._checks``. Left without one are:

- properties and dataclass fields (``CheckResult.ok``): the attribute has no
  ``__module__``;
- module constants and class attributes (``catalogue.IDENTITIES``): no tag;
- the type aliases and option dictionaries that ``public_names`` documents under
  ``autodiff_cookbook`` but that ``autodiff_cookbook._types`` defines
  (``public_names_type_aliases``): neither.

This extension answers viewcode's two events: ``viewcode-follow-imported`` names
the defining module (the alias module for an alias; else the module of the
innermost class or function on the entry's path; else the public module itself),
and ``viewcode-find-source`` adds tags for module-level and class-level
assignments to the analyzer's.

It answers ``viewcode-find-source`` only while pages are read, which is when
viewcode collects the tags. Afterwards viewcode asks again for one reason: to
find the module's file and skip its highlighted page if the file is older. An
answer there hides the file (Sphinx 9.0's ``get_module_filename`` returns
``None`` when the event is answered), and viewcode then rewrites every module
page on every build: 41 pages, each with the theme's navigation, about 9 s of a
rebuild with no change (``python benchmarks/bench_docs.py``).

Left alone, viewcode then finds that file by importing the module
(``get_module_filename`` calls ``ModuleAnalyzer.get_module_source``): the package,
JAX and SciPy, about 3 s of a rebuild in which nothing else imports them
(``package_snapshot``). The file is found here without the import
(``public_names.module_file``), in place of viewcode's ``get_module_filename``,
on the Sphinx versions whose viewcode was checked to call it only for that.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from typing import TYPE_CHECKING

from public_names import module_file
from sphinx.ext import viewcode
from sphinx.pycode import ModuleAnalyzer
from version_guard import require_verified_version

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

Tags = dict[str, tuple[str, int, int]]

VERIFIED_MINIMUM = "8.2"
VERIFIED_BELOW = "9.2"
RECHECK = (
    "that sphinx.ext.viewcode's should_generate_module_page still calls the "
    "module-level get_module_filename(app, modname) only to compare the module "
    "file's modification time with its page's."
)


def assignment_tags(source: str) -> Tags:
    """Tags (``(kind, first line, last line)``, 1-based) of the module's and its classes' assignments.

    >>> assignment_tags("X: int = 1\\nclass C:\\n    y: int\\n    def f(self): ...\\n")
    {'X': ('other', 1, 1), 'C.y': ('other', 3, 3)}
    """
    tags: Tags = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
                continue
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            else:
                continue
            end = node.end_lineno or node.lineno
            for target in targets:
                if isinstance(target, ast.Name):
                    tags[f"{prefix}{target.id}"] = ("other", node.lineno, end)

    visit(ast.parse(source).body, "")
    return tags


def source_tags(module: str) -> tuple[str, Tags]:
    """The source of ``module`` and the tags of its definitions and assignments."""
    analyzer = ModuleAnalyzer.for_module(module)
    analyzer.find_tags()
    return analyzer.code, {**assignment_tags(analyzer.code), **analyzer.tags}


def defining_module(
    modname: str, fullname: str, alias_modules: Mapping[str, str]
) -> str | None:
    """The module whose source holds the entry ``fullname`` documented in ``modname``.

    ``alias_modules`` maps a module of type aliases to the public module that
    documents them (``public_names_type_aliases``). None when the path does not
    import.
    """
    head = fullname.split(".", 1)[0]
    for module, home in alias_modules.items():
        if home == modname and head in source_tags(module)[1]:
            return module
    try:
        obj: object = importlib.import_module(modname)
    except ImportError:
        return None
    found = None
    for part in fullname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return found
        origin = getattr(obj, "__module__", None)
        if (inspect.isclass(obj) or inspect.isroutine(obj)) and isinstance(origin, str):
            found = origin
    return found or modname


def _follow(app: Sphinx, modname: str | None, fullname: str | None) -> str | None:
    if not modname or not fullname:
        return None
    return defining_module(modname, fullname, app.config.public_names_type_aliases)


# Set on the application once every page is read (env-updated).
_READ = "_source_links_pages_read"


def _find_source(app: Sphinx, modname: str) -> tuple[str, Tags] | None:
    if getattr(app, _READ, False):
        return None  # viewcode looks for the module's file: let it find it
    try:
        return source_tags(modname)
    except Exception:  # noqa: BLE001 - as viewcode does: a module without source gets no link
        return None


def _pages_read(app: Sphinx, _env: object) -> None:
    setattr(app, _READ, True)


def module_filename(app: Sphinx, modname: str) -> Path | None:
    """viewcode's ``get_module_filename``, without importing the module.

    As viewcode's: None (so the page is written again) when ``viewcode-find-source``
    is answered or the module has no source file.
    """
    if app.events.emit_firstresult("viewcode-find-source", modname):
        return None
    return module_file(modname)


def setup(app: Sphinx) -> ExtensionMetadata:
    require_verified_version(
        "sphinx",
        minimum=VERIFIED_MINIMUM,
        below=VERIFIED_BELOW,
        extension="source_links",
        recheck=RECHECK,
    )
    viewcode.get_module_filename = module_filename
    app.setup_extension("sphinx.ext.viewcode")
    app.setup_extension("public_names")  # public_names_type_aliases
    app.connect("viewcode-follow-imported", _follow)
    app.connect("viewcode-find-source", _find_source)
    app.connect("env-updated", _pages_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
