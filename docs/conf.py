"""Sphinx configuration for the autodiff-cookbook site.

Every page is a MyST text notebook executed by MyST-NB during the build, so the
HTML always shows outputs computed by the build that made it.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import pkgutil
import shutil
from pathlib import Path

from myst_nb.core import render as myst_nb_render
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.errors import ExtensionError
from sphinx.util.parallel import make_chunks

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "autodiff-cookbook"
author = "The autodiff-cookbook developers"
copyright = "2026, The autodiff-cookbook developers"
release = importlib.metadata.version("autodiff-cookbook")
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
]

exclude_patterns = [
    "_build",
    "_inventories",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
]
root_doc = "index"
# reStructuredText first, so that autosummary writes its API stubs as .rst.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
nitpicky = True
# Every entry says why the reference cannot resolve.
nitpick_ignore: list[tuple[str, str]] = []

# -- MyST and MyST-NB ---------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Pages are executed through jupyter-cache, keyed on the cell sources *and* on
# a hash of the package source (see `_package_source_hash` below): an unchanged
# page reuses its outputs, a changed page or a changed package re-executes.
nb_execution_mode = "cache"
# A failing cell fails the build, naming the page and the cell. MyST-NB's own
# `nb_execution_raise_on_error = True` would stop at the first failure, and under
# parallel reading (-j) Sphinx discards the warning that names the cell, leaving
# only the page's path. So each failure is logged as a warning with the cell and
# its traceback, and `_fail_on_execution_errors` below fails the build after
# reading, listing every failed page, even without -W.
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_execution_timeout = 300
nb_execution_allow_errors = False
# Anything a cell prints to stderr (a warning, a stray traceback) fails the build under -W.
nb_output_stderr = "warn"
nb_merge_streams = True

# The notebook kernels inherit this process's environment.
os.environ.setdefault("JAX_PLATFORMS", "cpu")
# Compilation, not arithmetic, dominates the examples: JAX's persistent
# compilation cache lets a rebuild (or a clean build after the first) reuse the
# compiled programs. It survives `nox -s docs -- --clean`.
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(DOCS / "_build" / ".jax_cache"))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")

# Kernels read their IPython configuration from a profile made for the build:
# errors shown on purpose print as one line (`TypeError: ...`) instead of a
# traceback through the building machine's site-packages, and no history
# database is written. ipykernel 7 also warns at every start that a kernel on
# TCP is unencrypted; the build's kernels listen on 127.0.0.1 only and sign
# every message, so that one notice is dropped (other kernel warnings still show).
_KERNEL_CONFIG = """\
import logging

c.InteractiveShell.xmode = "Minimal"
c.HistoryManager.enabled = False


class _DropPlainTcpNotice(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_DropPlainTcpNotice())
"""
_ipython_dir = DOCS / "_build" / ".ipython"
(_ipython_dir / "profile_default").mkdir(parents=True, exist_ok=True)
(_ipython_dir / "profile_default" / "ipython_kernel_config.py").write_text(
    _KERNEL_CONFIG, encoding="utf-8"
)
os.environ["IPYTHONDIR"] = str(_ipython_dir)


def _package_source_hash() -> str:
    """Hash the source of the packages the pages import, as the kernels will import them.

    A change to that source re-executes every page. The watched packages are
    ``autodiff_cookbook`` unless ``AUTODIFF_COOKBOOK_WATCH`` names others
    (comma-separated; the freshness tests use it).
    """
    digest = hashlib.sha256()
    for name in os.environ.get("AUTODIFF_COOKBOOK_WATCH", "autodiff_cookbook").split(
        ","
    ):
        spec = importlib.util.find_spec(name.strip())
        if spec is None or not spec.submodule_search_locations:
            msg = f"Cannot find the package {name!r} whose source the pages import; install it."
            raise RuntimeError(msg)
        for location in spec.submodule_search_locations:
            for path in sorted(Path(location).rglob("*.py")):
                digest.update(path.relative_to(location).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


autodiff_cookbook_source_hash = _package_source_hash()
# AUTODIFF_COOKBOOK_JUPYTER_CACHE lets concurrent builds (tests, several writers)
# keep separate caches.
_jupyter_cache_root = Path(
    os.environ.get(
        "AUTODIFF_COOKBOOK_JUPYTER_CACHE", DOCS / "_build" / ".jupyter_cache"
    )
)
nb_execution_cache_path = str(_jupyter_cache_root / autodiff_cookbook_source_hash[:16])
# Caches of earlier package versions can never be hit again: remove them.
if _jupyter_cache_root.is_dir():
    for _old in _jupyter_cache_root.iterdir():
        if _old.name != autodiff_cookbook_source_hash[:16]:
            shutil.rmtree(_old, ignore_errors=True)


# -- API documentation --------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "description"
autodoc_member_order = "bysource"
# In the "On this page" list, an attribute shows as `ok`, not `CheckResult.ok`.
toc_object_entries_show_parents = "hide"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# Offline inventories first (the build must work without a network; see
# _inventories/make_inventories.py), the published ones as a fallback.
intersphinx_mapping = {
    "python": (
        "https://docs.python.org/3",
        (str(DOCS / "_inventories" / "python.inv"), None),
    ),
    "numpy": (
        "https://numpy.org/doc/stable",
        (str(DOCS / "_inventories" / "numpy.inv"), None),
    ),
    "jax": (
        "https://docs.jax.dev/en/latest",
        (str(DOCS / "_inventories" / "jax.inv"), None),
    ),
}
intersphinx_timeout = 10

# -- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "autodiff-cookbook"
html_favicon = "_static/favicon.svg"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_last_updated_fmt = None
# An explicit default colour mode (the theme logs a console error without one).
html_context = {"default_mode": "light"}
html_theme_options = {
    "repository_url": "https://github.com/autodiff-cookbook/autodiff-cookbook",
    "repository_branch": "main",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_source_button": True,
    "use_edit_page_button": False,
    "use_issues_button": True,
    "use_download_button": True,
    "show_toc_level": 1,
    "home_page_in_toc": True,
}


def _offline_mathjax() -> str | None:
    """Locate the MathJax copy shipped by the ``sphinx-mathjax-offline`` wheel."""
    try:
        dist = importlib.metadata.distribution("sphinx-mathjax-offline")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == "tex-chtml.js" and file.parent.name == "mathjax":
            return str(Path(dist.locate_file(file)).parent.parent)
    return None


# Math renders without a CDN: the site is read and tested offline too.
_mathjax_static = _offline_mathjax()
if _mathjax_static is not None:
    html_static_path.append(_mathjax_static)
    mathjax_path = "mathjax/tex-chtml.js"


# Objects whose runtime module differs from the name they are documented under.
_TYPE_ALIASES = {
    "jax.jaxlib._jax.Array": "jax.Array",
    "jaxlib._jax.Array": "jax.Array",
    "jaxlib.xla_extension.ArrayImpl": "jax.Array",
}


@functools.cache
def _defining_modules() -> dict[str, str]:
    """Map each name re-exported by ``autodiff_cookbook`` to its public module.

    The API reference documents every name once, on its module's page
    (``autodiff_cookbook.checks.check_gradient``); the pages refer to the short
    name that users import (``autodiff_cookbook.check_gradient``).
    """
    import autodiff_cookbook

    modules: dict[str, str] = {}
    for info in pkgutil.iter_modules(autodiff_cookbook.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"autodiff_cookbook.{info.name}")
        for name in getattr(module, "__all__", ()):
            if name in autodiff_cookbook.__all__:
                modules.setdefault(name, module.__name__)
    return modules


def _resolve_alias(app, env, node, contnode):  # type: ignore[no-untyped-def]
    """Resolve JAX's private class paths and the package's short names.

    ``jax.jaxlib._jax.Array`` goes to JAX's inventory as ``jax.Array``;
    ``autodiff_cookbook.name`` (or ``name`` under ``currentmodule::
    autodiff_cookbook``) goes to the page of the module that defines it.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py":
        return None
    if target in _TYPE_ALIASES:
        from sphinx.ext import intersphinx

        node["reftarget"] = _TYPE_ALIASES[target]
        return intersphinx.missing_reference(app, env, node, contnode)
    if "." not in target and node.get("py:module") == "autodiff_cookbook":
        target = f"autodiff_cookbook.{target}"
    package, _, name = target.partition(".")
    head = name.partition(".")[0]
    module = _defining_modules().get(head)
    if package != "autodiff_cookbook" or module is None:
        return None
    full = f"{module}.{name}"
    return env.domains["py"].resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], full, node, contnode
    )


def _fail_on_execution_errors(app, env):  # type: ignore[no-untyped-def]
    """Fail the build if any page's execution raised, naming every such page."""
    failed = []
    for docname in sorted(env.found_docs):
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data is not None and not data.get("succeeded", True):
            failed.append(f"{env.doc2path(docname)}: {data.get('error') or 'error'}")
    if failed:
        pages = "\n  ".join(failed)
        msg = (
            f"Executing {len(failed)} page(s) failed:\n  {pages}\n"
            "The warnings above show the failing cell and its traceback. Fix the cell, "
            "or tag it `raises-exception` if the error is shown on purpose."
        )
        raise ExtensionError(msg)


def _offer_notebook_download(app, pagename, templatename, context, doctree):  # type: ignore[no-untyped-def]
    """Let readers download each executed page as a Jupyter notebook (.ipynb).

    MyST-NB writes the executed notebook of every page to ``jupyter_execute/``;
    it is copied next to the page's source so that the theme's download menu
    offers it beside the ``.md`` source.
    """
    if not context.get("sourcename", "").endswith((".md.txt", ".md")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


# How long each page took to execute in the last build, to balance the next one.
_PAGE_COSTS = DOCS / "_build" / "page-costs.json"


def _concatenate_streams(outputs):  # type: ignore[no-untyped-def]
    """Join each stream's chunks as the kernel sent them, then let MyST-NB tidy up.

    MyST-NB 1.4's ``coalesce_streams`` strips every chunk on the right before joining,
    so where the kernel happened to send a line's newline with the next chunk the
    page gains a blank line: the output would depend on timing. Concatenating the
    raw chunks first makes it depend on what was printed only.
    """
    merged, streams = [], {}
    for original in outputs or []:
        output = copy.deepcopy(original)
        if output["output_type"] == "stream":
            if output["name"] in streams:
                streams[output["name"]]["text"] += output["text"]
                continue
            streams[output["name"]] = output
        merged.append(output)
    return _myst_nb_coalesce_streams(merged)


_myst_nb_coalesce_streams = myst_nb_render.coalesce_streams
myst_nb_render.coalesce_streams = _concatenate_streams


def _is_notebook(path: Path) -> bool:
    return path.suffix == ".md" and "file_format: mystnb" in path.read_text(
        encoding="utf-8"
    )


def _balance_parallel_reading(app, env, docnames):  # type: ignore[no-untyped-def]
    """Spread the executed pages evenly over Sphinx's parallel reading chunks.

    Sphinx reads documents in contiguous chunks of the sorted list, so the pages
    that execute notebooks can pile up in one chunk while the API pages fill the
    others. There can be more chunks than processes, and a process takes the next
    chunk when it finishes one: pages spread over three chunks on two processes
    would run two thirds of the work one after the other. So the executed pages
    are dealt out, longest first (by last build's execution time, else by source
    size), over the first chunks only, one per process, each to the chunk with the
    least work; the cheap pages fill the rest, and the heaviest chunks start first.
    """
    if app.parallel <= 1 or len(docnames) < 2:
        return
    sizes = [len(chunk) for chunk in make_chunks(docnames, app.parallel)]
    workers = min(app.parallel, len(sizes))
    known = json.loads(_PAGE_COSTS.read_text()) if _PAGE_COSTS.is_file() else {}
    cost = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if _is_notebook(path):
            cost[docname] = float(known.get(docname, path.stat().st_size / 1000))
    chunks: list[list[str]] = [[] for _ in sizes]
    load = [0.0] * len(sizes)
    for docname in sorted(cost, key=cost.__getitem__, reverse=True):
        free = [i for i, size in enumerate(sizes) if len(chunks[i]) < size]
        first = [i for i in free if i < workers] or free
        best = min(first, key=load.__getitem__)
        chunks[best].append(docname)
        load[best] += cost[docname]
    rest = iter(d for d in docnames if d not in cost)
    for i, size in enumerate(sizes):
        chunks[i] += [next(rest) for _ in range(size - len(chunks[i]))]
    order = sorted(range(len(chunks)), key=load.__getitem__, reverse=True)
    docnames[:] = [docname for i in order for docname in chunks[i]]


def _record_page_costs(app, env):  # type: ignore[no-untyped-def]
    known = json.loads(_PAGE_COSTS.read_text()) if _PAGE_COSTS.is_file() else {}
    for docname in env.found_docs:
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data and data.get("runtime"):
            known[docname] = round(float(data["runtime"]), 2)
    _PAGE_COSTS.parent.mkdir(parents=True, exist_ok=True)
    _PAGE_COSTS.write_text(json.dumps(known, indent=1, sort_keys=True))


def _create_execution_cache(app):  # type: ignore[no-untyped-def]
    """Create the jupyter-cache database before the parallel readers race to create it."""
    from jupyter_cache import get_cache

    get_cache(
        app.config.nb_execution_cache_path
    ).list_cache_records()  # opens the database


def setup(app):  # type: ignore[no-untyped-def]
    app.connect("builder-inited", _create_execution_cache)
    app.connect("env-before-read-docs", _balance_parallel_reading)
    app.connect("env-updated", _record_page_costs)
    app.connect("html-page-context", _offer_notebook_download, priority=500)
    app.connect("env-check-consistency", _fail_on_execution_errors)
    app.connect("missing-reference", _resolve_alias)
    # A config value of kind "env": when the package source changes, Sphinx
    # sees a changed configuration and re-reads (so re-executes) every page.
    app.add_config_value("autodiff_cookbook_source_hash", "", "env", types=(str,))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
