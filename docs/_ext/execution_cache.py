"""Cache the executed pages, keyed on their cells and on the package they import.

Why: executing every page takes most of a build. MyST-NB's ``cache`` execution
mode keys each page's outputs on its code cells (through jupyter-cache), so an
unchanged page is not executed again. But a page's outputs also depend on the
package it imports, which jupyter-cache cannot see. So the cache lives in a
folder named after a hash of the package's source: changing any source file
gives a new, empty cache and re-executes every page, while the pages that
neither changed nor saw a package change reuse their outputs.

- The watched packages are ``autodiff_cookbook``, or those named (comma-separated)
  in ``AUTODIFF_COOKBOOK_WATCH`` (the freshness tests watch a throwaway package).
- The caches live in ``<docs>/_build/.jupyter_cache/<hash>``, or under
  ``AUTODIFF_COOKBOOK_JUPYTER_CACHE`` (so that concurrent builds keep separate ones).
- The hash is also the config value ``autodiff_cookbook_source_hash`` of kind
  ``"env"``: when it changes, Sphinx sees a changed configuration and re-reads
  (so re-executes) every page instead of keeping the pickled pages.
- Caches of other hashes can never be hit again and are removed when the
  builder starts; the current cache's database is created then too, before the
  parallel readers race to create it.

- Parallel readers write to one cache, which jupyter-cache (1.0.1) does not make
  safe: after caching a page it deletes the records beyond its limit, computed
  by two queries, "the newest ``limit`` records" then "every record not among
  them". A page cached by another process between the two is among neither, so
  it is deleted before its notebook is written, and the build fails with
  ``KeyError: 'Notebook file does not exist for cache record PK: ...'`` (seen
  here). :func:`records_to_delete` replaces it with one query, so a record
  either is seen, and is among the newest, or is not seen at all. No upstream
  issue reports this; jupyter-cache's own parallel execution is
  executablebooks/jupyter-cache#37, still open.

Everything happens in event handlers (``config-inited``, ``builder-inited``), so
``conf.py`` stays free of side effects; MyST-NB reads ``nb_execution_cache_path``
at ``builder-inited``, after ``config-inited`` has set it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata
    from sqlalchemy.engine import Engine

WATCH_VARIABLE = "AUTODIFF_COOKBOOK_WATCH"
CACHE_VARIABLE = "AUTODIFF_COOKBOOK_JUPYTER_CACHE"
DEFAULT_WATCH = "autodiff_cookbook"


def package_source_hash(packages: Iterable[str]) -> str:
    """Hash the ``*.py`` files of ``packages`` (names and contents), as the kernels will import them.

    Raises:
        RuntimeError: when a package cannot be found.
    """
    digest = hashlib.sha256()
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            msg = f"Cannot find the package {name!r} whose source the pages import; install it."
            raise RuntimeError(msg)
        for location in spec.submodule_search_locations:
            for path in sorted(Path(location).rglob("*.py")):
                digest.update(path.relative_to(location).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def watched_packages() -> list[str]:
    """The packages whose source keys the cache (``AUTODIFF_COOKBOOK_WATCH``, comma-separated)."""
    names = os.environ.get(WATCH_VARIABLE, DEFAULT_WATCH).split(",")
    return [name.strip() for name in names if name.strip()]


def _cache_root(app: Sphinx) -> Path:
    default = Path(app.srcdir) / "_build" / ".jupyter_cache"
    return Path(os.environ.get(CACHE_VARIABLE, default))


def _key_cache_on_source(app: Sphinx, config: Config) -> None:
    source_hash = package_source_hash(watched_packages())
    config.autodiff_cookbook_source_hash = source_hash
    config.nb_execution_cache_path = str(_cache_root(app) / source_hash[:16])


def records_to_delete(keep: int, db: Engine) -> list[int]:
    """The records beyond the ``keep`` most recently accessed, read in one query."""
    from jupyter_cache.cache.db import NbCacheRecord, session_context
    from sqlalchemy import desc

    with session_context(db) as session:
        newest_first = session.query(NbCacheRecord.pk).order_by(desc("accessed"))
        return [pk for (pk,) in newest_first.offset(keep).all()]


def _prepare_cache(app: Sphinx) -> None:
    current = Path(app.config.nb_execution_cache_path)
    if current.parent.is_dir():
        for old in current.parent.iterdir():
            if old.name != current.name:
                shutil.rmtree(old, ignore_errors=True)
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbCacheRecord

    # Before the parallel readers fork, so that they inherit it.
    NbCacheRecord.records_to_delete = staticmethod(records_to_delete)
    get_cache(current).list_cache_records()  # opens, so creates, the database


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_nb")
    app.add_config_value(
        "autodiff_cookbook_source_hash", "", "env", types=frozenset({str})
    )
    app.connect("config-inited", _key_cache_on_source)
    app.connect("builder-inited", _prepare_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
