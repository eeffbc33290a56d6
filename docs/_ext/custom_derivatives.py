"""Document functions decorated with ``jax.custom_jvp`` or ``jax.custom_vjp``.

Why: such a function is an instance of :class:`jax.custom_jvp` (or
:class:`jax.custom_vjp`), not a Python function, so autosummary sorts it into
none of its lists (functions, classes, attributes) and its module's page leaves
it out: every reference to it breaks. The examples teach with decorated
functions (``gelu``, ``softmax_cross_entropy``, ``implicit_solution``), and
:func:`~autodiff_cookbook.check_custom_rule` names them in its results, so they
are documented under their own names rather than behind plain wrappers.

This extension lists, for each public module, the names in its ``__all__``
that are such functions, as ``custom_rule_functions`` in the template context;
``docs/_templates/autosummary/module.rst`` documents them with
``autofunction`` (their signature is the decorated function's:
``functools.wraps`` sets ``__wrapped__``, which :func:`inspect.signature`
follows). It runs when the configuration is read, before autosummary writes the
pages, and imports the package only when its source changed (``package_snapshot``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from package_snapshot import fingerprint, remembered
from public_names import public_modules

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata


def custom_rule_functions(packages: list[str]) -> dict[str, list[str]]:
    """For each public module of ``packages``, its custom_jvp/custom_vjp functions.

    The modules are those :func:`public_names.public_modules` documents (it
    imports them; public_names imports the same modules for its own map).
    """
    import jax

    found: dict[str, list[str]] = {}
    for package in packages:
        for module in public_modules(package):
            rules = [
                member
                for member in getattr(module, "__all__", ())
                if isinstance(getattr(module, member), jax.custom_jvp | jax.custom_vjp)
            ]
            if rules:
                found[module.__name__] = rules
    return found


def _add_to_context(app: Sphinx, config: Config) -> None:
    packages = list(config.public_names_packages)
    context = dict(config.autosummary_context)
    # Remembered while the package is unchanged (package_snapshot): no import then.
    context["custom_rule_functions"] = remembered(
        app.srcdir,
        "custom-rule-functions",
        fingerprint(packages),
        lambda: custom_rule_functions(packages),
    )
    config.autosummary_context = context


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("public_names")  # public_names_packages
    # When the configuration is read, before the saved environment is compared
    # with it: set later, the context would differ from the one saved by the
    # previous build, and Sphinx would read every page again.
    app.connect("config-inited", _add_to_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
