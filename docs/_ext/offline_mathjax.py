"""Render math without a CDN, from the MathJax copy of ``sphinx-mathjax-offline``.

Why: the site is read and tested offline too (the browser tests block the
network), and math must render there. The ``sphinx-mathjax-offline`` wheel ships
MathJax but installs it as ``sphinx-mathjax-offline/`` (a name that cannot be
imported, so not as a Sphinx extension); this finds that folder through the
wheel's file list and serves its ``mathjax/`` as a static folder. Without the
wheel the build keeps Sphinx's default (the CDN).
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata


def offline_mathjax_folder() -> Path | None:
    """The folder holding ``mathjax/tex-chtml.js`` of ``sphinx-mathjax-offline``, if installed."""
    try:
        dist = importlib.metadata.distribution("sphinx-mathjax-offline")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == "tex-chtml.js" and file.parent.name == "mathjax":
            return Path(str(dist.locate_file(file))).parent.parent
    return None


def _serve_mathjax(app: Sphinx, config: Config) -> None:
    folder = offline_mathjax_folder()
    if folder is not None:
        config.html_static_path = [*config.html_static_path, str(folder)]
        config.mathjax_path = "mathjax/tex-chtml.js"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", _serve_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
