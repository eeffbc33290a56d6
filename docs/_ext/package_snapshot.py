"""Reuse what the build learns by importing the documented package while nothing it depends on changed.

Why: three parts of the build import ``autodiff_cookbook``, and through it JAX
and SciPy, as soon as Sphinx starts, before it knows whether any page needs
reading: ``public_names`` (the map of public paths), ``custom_derivatives``
(which functions are custom rules) and autosummary (the API stub pages in
``docs/generated``). Measured with ``python -X importtime`` and cProfile, that is
about 4 of the 8 seconds of a rebuild in which nothing changed. What they learn
depends only on the package's source, the installed distributions, and the
configuration and directives that ask.

How:

- :func:`fingerprint` hashes the package's ``*.py`` files (the hash that keys the
  execution cache, ``execution_cache.package_source_hash``), the name and version
  of every installed distribution, Python's version, and the parts it is given.
- :func:`remembered` stores a JSON result in ``<docs>/_build/.package-snapshot/``
  with the fingerprint of its inputs, and returns it again, without computing,
  while the fingerprint is the same.
- Autosummary's generation is skipped when its inputs are those of the last
  build that ended without error: the list of sources, the text of those that
  hold an ``autosummary`` or ``automodule`` directive (the API pages and the stubs
  it wrote; an executed page can change without a new generation), the
  templates, the ``autosummary_*`` and ``autodoc_*`` settings, and the source of
  the documented packages (``public_names_packages``) and of those the pages
  import (``execution_cache.watched_packages``). Skipping means
  ``autosummary_generate`` is an empty list while autosummary's
  ``builder-inited`` handler runs, and ``True`` again right after, so the
  configuration Sphinx saves is the one ``conf.py`` set. The inputs are recorded
  when the build finishes: the sources found then are the ones the next build's
  autosummary will scan.

A changed source file, an upgraded distribution or a changed setting gives a
new fingerprint, so the package is imported and everything is computed again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from execution_cache import package_source_hash, watched_packages

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

SNAPSHOT_DIR = Path("_build") / ".package-snapshot"
AUTOSUMMARY = "autosummary-inputs"
GENERATION_DIRECTIVES = ("autosummary", "automodule")


@functools.cache
def _installed() -> str:
    found = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
    )
    return "\n".join([sys.version, *found])


def fingerprint(packages: Iterable[str], *parts: object) -> str:
    """A hash of the packages' source, the installed distributions and ``parts`` (by ``repr``)."""
    digest = hashlib.sha256(package_source_hash(packages).encode())
    digest.update(_installed().encode())
    for part in parts:
        digest.update(repr(part).encode())
    return digest.hexdigest()


def _store(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON in one step, so a concurrent reader sees all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
    ) as file:
        json.dump(data, file)
    Path(file.name).replace(path)


def _load(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def remembered(
    srcdir: str | os.PathLike[str],
    name: str,
    key: str,
    compute: Callable[[], Any],
) -> Any:
    """``compute()``, or its result stored by an earlier build under the same ``key``.

    The result must survive a round trip through JSON (lists come back for
    tuples). Each call reads the stored file: callers that ask often keep the result.
    """
    path = Path(srcdir) / SNAPSHOT_DIR / f"{name}.json"
    stored = _load(path)
    if stored.get("key") == key:
        return stored["value"]
    value = compute()
    _store(path, {"key": key, "value": value})
    return value


def _autosummary_inputs(app: Sphinx) -> str:
    """The fingerprint of everything autosummary's generation reads."""
    config = app.config
    srcdir = Path(app.srcdir)
    sources = [
        (path.relative_to(srcdir).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(srcdir / app.env.doc2path(doc) for doc in app.env.found_docs)
        if path.is_file()
    ]
    # Stubs come from these directives only (autosummary's scan follows
    # automodule into the module's docstring, part of the package's source).
    generating = [
        (path, hashlib.sha256(text.encode()).hexdigest())
        for path, text in sources
        if any(word in text for word in GENERATION_DIRECTIVES)
    ]
    templates = [
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
        for folder in config.templates_path
        for path in sorted((Path(app.confdir) / folder).rglob("*"))
        if path.is_file()
    ]
    settings = sorted(
        (option.name, repr(option.value))
        for option in config
        if option.name.startswith(("autosummary_", "autodoc_"))
    )
    packages = sorted({*config.public_names_packages, *watched_packages()})
    return fingerprint(
        packages,
        [path for path, _ in sources],
        generating,
        templates,
        settings,
    )


def _snapshot_path(app: Sphinx) -> Path:
    return Path(app.srcdir) / SNAPSHOT_DIR / f"{AUTOSUMMARY}.json"


class _Skipped(list[str]):
    """An empty list of files to generate stubs for, told apart from one a user set."""


_SKIPPED = _Skipped()


def _skip_unchanged_generation(app: Sphinx) -> None:
    if app.config.autosummary_generate is not True:
        return
    if _load(_snapshot_path(app)).get("key") == _autosummary_inputs(app):
        app.config.autosummary_generate = _SKIPPED


def _restore_setting(app: Sphinx) -> None:
    if app.config.autosummary_generate is _SKIPPED:
        app.config.autosummary_generate = True


def _record_inputs(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.config.autosummary_generate is True:
        _store(_snapshot_path(app), {"key": _autosummary_inputs(app)})


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.autosummary")
    app.setup_extension("execution_cache")
    app.setup_extension("public_names")  # public_names_packages
    # Around autosummary's own handler (priority 500).
    app.connect("builder-inited", _skip_unchanged_generation, priority=400)
    app.connect("builder-inited", _restore_setting, priority=600)
    app.connect("build-finished", _record_inputs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
