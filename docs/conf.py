"""Sphinx configuration for the autodiff-cookbook site.

Every page is a MyST text notebook executed by MyST-NB during the build, so the
HTML always shows outputs computed by the build that made it. This file holds
configuration only; what the build does beyond Sphinx and MyST-NB is done by the
extensions in ``_ext/``, one concern each (each module's docstring says why it
exists), loaded by ``setup()`` below. Importing this file has no side effect.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

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
    "sphinx.ext.viewcode",
    "sphinx_copybutton",
]
# The project's own extensions, in _ext/ (loaded by setup() below).
local_extensions = [
    "execution_env",  # the kernels' environment: JAX on CPU, compilation cache, IPython profile
    "execution_cache",  # executed pages cached on their cells and the package's source
    "execution_errors",  # a page whose execution raised fails the build, named
    "stream_merging",  # MyST-NB merges printed output by timing (upstream bug)
    "parallel_balance",  # executed pages spread evenly over the parallel readers
    "notebook_download",  # each page downloadable as an executed .ipynb
    "offline_mathjax",  # math renders without a CDN
    "public_names",  # objects documented and linked under their public module
    "custom_derivatives",  # custom_jvp/custom_vjp functions on their module's page
    "package_snapshot",  # no package import in a rebuild where the package did not change
    "type_alias_fields",  # aliases inside `X | None` shown by name (upstream bug)
    "source_links",  # a [source] link from every API entry (viewcode's gaps)
    "canonical_url",  # html_baseurl and sitemap.xml from Read the Docs' canonical URL
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_inventories",
    "_ipython",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
]
root_doc = "index"
# reStructuredText first, so that autosummary writes its API stubs as .rst.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
nitpicky = True
# Every entry says why the reference cannot resolve.
nitpick_ignore = [
    # matplotlib has no inventory in _inventories/ (TaylorResult.plot returns Axes).
    ("py:class", "matplotlib.axes.Axes"),
    # Nor has Hypothesis (autodiff_cookbook.strategies.samples returns a strategy).
    ("py:class", "hypothesis.strategies.SearchStrategy"),
    # JAX's inventory has no entry for its experimental sparse arrays
    # (examples.sparse_jacobians returns a BCOO matrix).
    ("py:class", "jax.experimental.sparse.BCOO"),
    ("py:class", "jax.experimental.sparse.bcoo.BCOO"),
    # Nor for jax.experimental.jet (examples.taylor_mode) and jax.flatten_util
    # (examples.gauss_newton).
    ("py:func", "jax.experimental.jet.jet"),
    ("py:func", "jax.flatten_util.ravel_pytree"),
    # The operators Dual and Var share, a private base class (examples.from_scratch).
    ("py:class", "autodiff_cookbook.examples.from_scratch._Node"),
    # and its two short aliases (Fn = Callable[..., Any], Parts = (parent,
    # partial) pairs), which autodoc cannot resolve inside generic hints.
    ("py:class", "Fn"),
    ("py:class", "Parts"),
]
nitpick_ignore_regex = [
    # The type variable of the generic catalogue (Bases: Generic[E_co]); type
    # variables have no entry of their own.
    (r"py:(class|obj)", r"(autodiff_cookbook\.catalogue\._registry\.)?E_co"),
]

# -- MyST and MyST-NB ---------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Pages are executed through jupyter-cache, keyed on the cell sources and, through
# the cache's folder, on the package's source (_ext/execution_cache.py sets
# nb_execution_cache_path): an unchanged page reuses its outputs, a changed page
# or a changed package re-executes.
nb_execution_mode = "cache"
# A failing cell is logged as a warning with its cell and traceback, and
# _ext/execution_errors.py fails the build listing every failed page (MyST-NB's
# raise-on-error stops at the first page and loses the cell under -j).
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_execution_timeout = 300
nb_execution_allow_errors = False
# Anything a cell prints to stderr (a warning, a stray traceback) fails the build under -W.
nb_output_stderr = "warn"
# One output block per stream (joined as the kernel sent it: _ext/stream_merging.py).
nb_merge_streams = True

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
# _ext/public_names.py: the packages whose public modules document their __all__.
public_names_packages = ["autodiff_cookbook"]
# Type aliases of the private module _types, documented on the package's page.
public_names_type_aliases = {"autodiff_cookbook._types": "autodiff_cookbook"}
# Private paths of other projects' classes, as Python reports them, and their
# documented names.
public_names_external = {
    "jax.jaxlib._jax.Array": "jax.Array",
    "jaxlib._jax.Array": "jax.Array",
    "jaxlib.xla_extension.ArrayImpl": "jax.Array",
    "jaxlib._jax.pytree.PyTreeDef": "jax.tree_util.PyTreeDef",
    "numpy.random._generator.Generator": "numpy.random.Generator",
}
# Names that type hints import under TYPE_CHECKING only (more: public_names_type_aliases).
# Defaults as written in the source (``rules=RULES``), not as the repr of their value.
autodoc_preserve_defaults = True
autodoc_type_aliases = {
    "Array": "jax.Array",  # `from jax import Array`, when a hint cannot be evaluated
    "Axes": "matplotlib.axes.Axes",
    "HostArray": "numpy.typing.ArrayLike",  # examples.sparse_jacobians
}

# [source] links (sphinx.ext.viewcode, offline): an entry documented under its
# public path links to the module that defines it (autodiff_cookbook._checks for
# autodiff_cookbook.check_gradient); _ext/source_links.py finds the entries that
# viewcode alone misses (properties, fields, constants, type aliases).
viewcode_line_numbers = True

# Offline inventories first (the build must work without a network; see
# _inventories/make_inventories.py), the published ones as a fallback. Local
# paths are relative to this folder.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", ("_inventories/python.inv", None)),
    "numpy": ("https://numpy.org/doc/stable", ("_inventories/numpy.inv", None)),
    "jax": ("https://docs.jax.dev/en/latest", ("_inventories/jax.inv", None)),
}
intersphinx_timeout = 10

# -- Copy buttons -------------------------------------------------------------
# A copied example is code only: the prompts of doctest (`>>> `, `... `) and of
# IPython (`In [1]: `, `   ...: `) are stripped, and only the lines that had one
# are copied, so outputs are left out. Pygments marks prompts `.gp` and outputs
# `.go`. `.gp` is not excluded: removed before the regex runs, the prompts could
# not tell code from output. `.go` is, so that no output line is taken for code
# even if it starts like a prompt; the empty line it leaves is not copied. A
# block without prompts (a notebook cell) is copied whole.
# tests/test_browser.py checks the copy of a docstring example.
copybutton_prompt_text = r">>> |\.\.\. |In \[\d*\]: | {2,5}\.\.\.: "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_copy_empty_lines = False
copybutton_exclude = ".linenos, .go"

# -- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "autodiff-cookbook"
html_favicon = "_static/favicon.svg"
# _ext/offline_mathjax.py adds the offline MathJax folder.
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_last_updated_fmt = None
# html_baseurl: set by _ext/canonical_url.py from READTHEDOCS_CANONICAL_URL, which
# also loads sphinx-sitemap then; unset, a build has neither (see its docstring).
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "py-modindex.html", "_modules/*"]
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


def setup(app: Sphinx) -> None:
    """Load the project's extensions from _ext/ (they are not installed packages)."""
    extensions_dir = str(Path(app.confdir) / "_ext")
    if extensions_dir not in sys.path:
        sys.path.insert(0, extensions_dir)
    for name in local_extensions:
        app.setup_extension(name)
