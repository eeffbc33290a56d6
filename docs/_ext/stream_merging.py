"""Merge a cell's stream outputs as the kernel sent them, not as timing split them.

Why: a kernel sends what a cell prints in chunks whose boundaries depend on
timing. With ``nb_merge_streams = True`` MyST-NB joins them with
``myst_nb.core.utils.coalesce_streams``, which, since MyST-NB 1.2 (PR
https://github.com/executablebooks/MyST-NB/pull/604, then #637), strips every
chunk on the right and appends ``"\\n"``. So where the kernel happened to send a
line's newline with the next chunk, the page gains a blank line; a chunk of only
newlines vanishes. Upstream: https://github.com/executablebooks/MyST-NB/issues/664
("Strange spaces in output depending on execution time", closed by a
documentation change only) and https://github.com/executablebooks/MyST-NB/issues/690
(open). The site's tests require two builds to give the same outputs, so the
raw chunks of each stream are concatenated first, and MyST-NB's function then
tidies up (``\\r``, ``\\b``, stdout before stderr) a single chunk per stream.

How: ``myst_nb.core.render`` imports ``coalesce_streams`` by name and calls it
through its module globals, so the name is replaced there when the extension is
set up. That is a private detail of MyST-NB: the patch is applied only on the
versions it was verified on (the source of 1.2.0, 1.3.0, 1.4.0 and the main
branch of July 2026 read; built with 1.4.0), and any other version stops the build
saying what to re-check.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from version_guard import require_verified_version

if TYPE_CHECKING:
    from collections.abc import Callable

    from nbformat import NotebookNode
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

    Coalesce = Callable[[list[NotebookNode]], list[NotebookNode]]

VERIFIED_MINIMUM = "1.2"
VERIFIED_BELOW = "1.5"
RECHECK = (
    "that myst_nb.core.render still calls coalesce_streams through its module "
    "globals, and whether coalesce_streams still strips each chunk "
    "(https://github.com/executablebooks/MyST-NB/issues/664): if it keeps the "
    "chunks' own newlines now, drop this extension."
)


def concatenate_then(coalesce: Coalesce) -> Coalesce:
    """Wrap MyST-NB's ``coalesce`` so that each stream's raw chunks are joined first."""

    def concatenate_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
        merged: list[NotebookNode] = []
        streams: dict[str, NotebookNode] = {}
        for original in outputs or []:
            output = copy.deepcopy(original)
            if output["output_type"] == "stream":
                if output["name"] in streams:
                    streams[output["name"]]["text"] += output["text"]
                    continue
                streams[output["name"]] = output
            merged.append(output)
        return coalesce(merged)

    concatenate_streams.__wrapped__ = coalesce  # type: ignore[attr-defined]
    return concatenate_streams


def setup(app: Sphinx) -> ExtensionMetadata:
    require_verified_version(
        "myst-nb",
        minimum=VERIFIED_MINIMUM,
        below=VERIFIED_BELOW,
        extension="stream_merging",
        recheck=RECHECK,
    )
    app.setup_extension("myst_nb")
    from myst_nb.core import render

    if not hasattr(render.coalesce_streams, "__wrapped__"):  # once per process
        render.coalesce_streams = concatenate_then(render.coalesce_streams)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
