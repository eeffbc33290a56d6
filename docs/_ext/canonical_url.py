"""The site's canonical address (``html_baseurl``) and its sitemap, from where it is hosted.

Why: a page's ``<link rel="canonical">`` and the URLs of ``sitemap.xml`` must be
absolute, and only the host knows the address a build will be served from (on
Read the Docs it depends on the language, the version and any custom domain).
Read the Docs says it in the environment variable ``READTHEDOCS_CANONICAL_URL``
(for example ``https://autodiff-cookbook.readthedocs.io/en/latest/``) of every
build; this extension reads it when the configuration is read (event
``config-inited``), so that ``conf.py`` stays free of side effects.

- ``html_baseurl`` set in ``conf.py`` wins; otherwise the variable, when set and
  not empty. The address always ends with ``/``.
- With an address, ``sphinx_sitemap`` is loaded and writes ``sitemap.xml``
  (``sitemap_url_scheme = "{link}"`` in ``conf.py``: the canonical URL already
  holds the language and the version); ``sitemap_excludes`` leaves out pages a
  search engine should not list (the search page, the indexes, the highlighted
  sources).
- Without one (a local or CI build), there is no sitemap and no canonical link:
  both would have to guess the published address. The build says so in its log
  (no warning: a local build is not wrong). To see the published form locally,
  run the build with ``READTHEDOCS_CANONICAL_URL=https://example.org/en/latest/``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# The variable Read the Docs sets in every build.
CANONICAL_URL_VARIABLE = "READTHEDOCS_CANONICAL_URL"


def canonical_base_url(configured: str, environ: Mapping[str, str]) -> str | None:
    """The site's base URL, ending with ``/``: ``configured`` if set, else the host's; None if neither.

    >>> canonical_base_url("", {"READTHEDOCS_CANONICAL_URL": "https://x.org/en/latest"})
    'https://x.org/en/latest/'
    >>> print(canonical_base_url("", {}))
    None
    """
    url = (configured or environ.get(CANONICAL_URL_VARIABLE, "")).strip()
    if not url:
        return None
    return url if url.endswith("/") else f"{url}/"


def _configure(app: Sphinx, config: Config) -> None:
    url = canonical_base_url(config.html_baseurl, os.environ)
    if url is None:
        logger.info(
            "canonical_url: no html_baseurl and no %s: no canonical link and no "
            "sitemap.xml (set the variable to the published address to get them).",
            CANONICAL_URL_VARIABLE,
        )
        return
    config.html_baseurl = url
    # Loaded only now: sphinx_sitemap warns (an error under -W) when it has no address.
    app.setup_extension("sphinx_sitemap")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
