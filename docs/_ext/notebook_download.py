"""Let readers download each executed page as a Jupyter notebook (``.ipynb``).

Why: the pages are MyST text notebooks (``.md``); a reader who wants to run one
wants a ``.ipynb`` with its outputs. MyST-NB writes the executed notebook of every
page to ``jupyter_execute/`` beside the HTML folder; this copies it next to the
page's source in ``_sources/`` and sets the context variable ``ipynb_source``, so
that the theme's download menu offers it beside the ``.md`` source.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def _offer_notebook_download(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if not context.get("sourcename", "").endswith((".md.txt", ".md")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> ExtensionMetadata:
    # Before the theme (priority 500 too, connected later) builds its download menu.
    app.connect("html-page-context", _offer_notebook_download, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
