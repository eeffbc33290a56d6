"""Refuse to run a workaround on a dependency version it was not verified on.

Why: two extensions (``stream_merging``, ``parallel_balance``) depend on details of
another package that its authors may change at any release: a private function of
MyST-NB, the way Sphinx cuts documents into parallel chunks. A workaround that
silently keeps patching after such a change could break the site in ways no
test notices. So each declares the version range it was verified on, and the
build stops with an error saying what to re-check when the installed version is
outside it.
"""

from __future__ import annotations

import importlib.metadata

from packaging.version import Version
from sphinx.errors import ExtensionError


def require_verified_version(
    distribution: str,
    *,
    minimum: str,
    below: str,
    extension: str,
    recheck: str,
    installed: str | None = None,
) -> None:
    """Raise unless ``minimum <= version of distribution < below``.

    Args:
        distribution: the distribution whose version is checked, e.g. ``"myst-nb"``.
        minimum: the oldest version the workaround was verified on.
        below: the first version it was not verified on.
        extension: the extension that depends on it (named in the message).
        recheck: what to verify on the new version before widening the range.
        installed: the installed version; looked up when not given.

    Raises:
        ExtensionError: when the version is outside ``[minimum, below)``.
    """
    if installed is None:
        installed = importlib.metadata.version(distribution)
    if Version(minimum) <= Version(installed) < Version(below):
        return
    msg = (
        f"docs/_ext/{extension}.py was verified with {distribution} >={minimum},<{below}, "
        f"but {distribution} {installed} is installed. Re-check: {recheck} Then widen "
        f"the range in docs/_ext/{extension}.py, or remove the extension if it is no "
        "longer needed."
    )
    raise ExtensionError(msg)
