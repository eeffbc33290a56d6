"""Show a type alias by its name where autodoc prints Sphinx's internal wrapper instead.

Why: ``autodoc_type_aliases`` (filled by ``public_names``) makes autodoc evaluate an
alias such as ``DTypeLike`` to a ``sphinx.util.inspect.TypeAliasForwardRef``.
Alone it renders as its name, but inside ``X | None`` (a ``typing.Union``) or a
``Callable[[X], Y]`` Sphinx prints the wrapper's repr, so the parameter list reads
``TypeAliasForwardRef('jax.typing.DTypeLike') | None`` and ``-n`` reports two
unresolvable references. Upstream: https://github.com/sphinx-doc/sphinx/issues/14004
(unions of aliases failed to evaluate; fixed by PR #14007 in Sphinx 9.0, which
made them evaluate to that Union, whose arguments still print as the repr) and
https://github.com/sphinx-doc/sphinx/issues/13229 (open).

How: autodoc writes the types of the description (``autodoc_typehints =
"description"``) as field text on ``object-description-transform``; this handler
runs after it (priority 600) and, before Sphinx turns the fields into links,
replaces ``TypeAliasForwardRef('name')`` by ``name``. It depends on the repr of a
private Sphinx class: verified in the source of Sphinx 8.2.0 to 9.1.0 and the main
branch of July 2026 (built with 9.0.4); any other version stops the build saying
what to re-check.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from version_guard import require_verified_version

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

VERIFIED_MINIMUM = "8.2"
VERIFIED_BELOW = "9.2"
RECHECK = (
    "whether a parameter typed `Alias | None` (Alias in autodoc_type_aliases) still "
    "renders as TypeAliasForwardRef('...') (sphinx.util.inspect.TypeAliasForwardRef."
    "__repr__, https://github.com/sphinx-doc/sphinx/issues/13229): if it renders as "
    "the alias's name, drop this extension."
)
_WRAPPED = re.compile(r"""TypeAliasForwardRef\((['"])(.*?)\1\)""")


def unwrap(text: str) -> str:
    """``text`` with every ``TypeAliasForwardRef('name')`` replaced by ``name``."""
    return _WRAPPED.sub(r"\2", text)


def _unwrap_fields(
    app: Sphinx,
    domain: str,
    objtype: str,
    contentnode: nodes.Element,
) -> None:
    if domain != "py":
        return
    for field_list in contentnode.findall(nodes.field_list):
        for text in list(field_list.findall(nodes.Text)):
            if "TypeAliasForwardRef" in text and text.parent is not None:
                text.parent.replace(text, nodes.Text(unwrap(str(text))))


def setup(app: Sphinx) -> ExtensionMetadata:
    require_verified_version(
        "sphinx",
        minimum=VERIFIED_MINIMUM,
        below=VERIFIED_BELOW,
        extension="type_alias_fields",
        recheck=RECHECK,
    )
    app.setup_extension("sphinx.ext.autodoc")
    app.connect("object-description-transform", _unwrap_fields, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
