"""Spread the executed pages evenly over Sphinx's parallel reading chunks.

Why: reading a page executes its notebook, and a few pages take most of the
build's time. Sphinx (``Builder._read_parallel``) cuts the sorted list of pages
into contiguous chunks with ``sphinx.util.parallel.make_chunks`` and hands them to
its processes in order, a process taking the next chunk when it finishes one.
So the executed pages can pile up in one chunk while the API pages fill the
others, and there can be more chunks than processes: pages spread over three
chunks on two processes would run two thirds of the work one after the other.

How: on ``env-before-read-docs`` (the handler may reorder the list) the executed
pages are dealt out, longest first (by the last build's execution time, recorded
in ``<docs>/_build/page-costs.json`` on ``env-updated``, else by source size), over
the first chunks only, one per process, each to the chunk with the least work;
the cheap pages fill the rest, and the heaviest chunks start first. The chunk
sizes come from ``make_chunks`` itself, but the reordering relies on Sphinx
reading chunk *i* as ``docnames[start_i:end_i]`` in order: that was verified in
the source of Sphinx 8.1.0 to 9.1.0 and the main branch of July 2026 (built with
9.0.4); any other version stops the build saying what to re-check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.util.parallel import make_chunks
from version_guard import require_verified_version

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

VERIFIED_MINIMUM = "8.1"
VERIFIED_BELOW = "9.2"
RECHECK = (
    "that sphinx.builders.Builder._read_parallel still reads "
    "make_chunks(docnames, nproc) after the env-before-read-docs event, one "
    "contiguous chunk per task, in list order."
)


def balance(
    docnames: Sequence[str], cost: Mapping[str, float], processes: int
) -> list[str]:
    """Reorder ``docnames`` so that Sphinx's chunks share the costly pages evenly.

    Args:
        docnames: the pages to read, in Sphinx's order.
        cost: the expected cost of each executed page (others cost nothing).
        processes: the number of parallel processes.

    Returns:
        The same pages, reordered; ``make_chunks`` cuts them into the same sizes.
    """
    sizes = [len(chunk) for chunk in make_chunks(list(docnames), processes)]
    workers = min(processes, len(sizes))
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
    return [docname for i in order for docname in chunks[i]]


def _costs_file(app: Sphinx) -> Path:
    return Path(app.srcdir) / "_build" / "page-costs.json"


def _known_costs(app: Sphinx) -> dict[str, float]:
    path = _costs_file(app)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _is_notebook(path: Path) -> bool:
    return path.suffix == ".md" and "file_format: mystnb" in path.read_text(
        encoding="utf-8"
    )


def _balance_parallel_reading(
    app: Sphinx, env: BuildEnvironment, docnames: list[str]
) -> None:
    if app.parallel <= 1 or len(docnames) < 2:
        return
    known = _known_costs(app)
    cost = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if _is_notebook(path):
            cost[docname] = float(known.get(docname, path.stat().st_size / 1000))
    docnames[:] = balance(docnames, cost, app.parallel)


def _record_page_costs(app: Sphinx, env: BuildEnvironment) -> None:
    known = _known_costs(app)
    for docname in env.found_docs:
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data and data.get("runtime"):
            known[docname] = round(float(data["runtime"]), 2)
    path = _costs_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    require_verified_version(
        "sphinx",
        minimum=VERIFIED_MINIMUM,
        below=VERIFIED_BELOW,
        extension="parallel_balance",
        recheck=RECHECK,
    )
    app.setup_extension("myst_nb")
    app.connect("env-before-read-docs", _balance_parallel_reading)
    app.connect("env-updated", _record_page_costs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
