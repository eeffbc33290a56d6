"""Fail the build when a page's execution raised, naming every such page.

Why: MyST-NB's own ``nb_execution_raise_on_error = True`` stops at the first
failing page, and under parallel reading (``-j``) Sphinx discards the warning
that names the cell, leaving only the page's path. So ``conf.py`` sets
``nb_execution_raise_on_error = False`` and ``nb_execution_show_tb = True``:
each failure is logged as a warning with its cell and traceback, and this
extension fails the build after reading, listing every failed page, even without
``-W``. A cell that raises on purpose is tagged ``raises-exception``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.errors import ExtensionError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata


def _fail_on_execution_errors(app: Sphinx, env: BuildEnvironment) -> None:
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


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_nb")
    app.connect("env-check-consistency", _fail_on_execution_errors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
