"""The environment that the notebook kernels of the build run in.

Why: the pages are executed by Jupyter kernels that MyST-NB starts during the
build, and a kernel inherits the environment of the process that starts it.
Three things are set there, when Sphinx has read the configuration (the
``config-inited`` event), never when ``conf.py`` is imported:

- ``JAX_PLATFORMS=cpu``: the pages' outputs do not depend on the machine's
  accelerators.
- JAX's persistent compilation cache in ``<docs>/_build/.jax_cache``: compiling,
  not arithmetic, dominates the examples, so a rebuild (or a clean build after the
  first) reuses the compiled programs. It survives ``nox -s docs -- --clean``.
- ``IPYTHONDIR``: the kernels read their IPython configuration from the static
  profile in ``docs/_ipython`` (one-line errors, no history database, one
  ipykernel notice dropped: see the profile's docstring). IPython writes into its
  directory (``security/``, ``log/``...), so the profile is copied under
  ``<docs>/_build/.ipython`` and the kernels point there, not at the sources.

Variables already set in the environment are kept, except ``IPYTHONDIR``: the
build's kernels always use the build's profile.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata


def kernel_environment(srcdir: Path) -> dict[str, str]:
    """The variables the build sets unless already set, for a site whose sources are in ``srcdir``."""
    return {
        "JAX_PLATFORMS": "cpu",
        "JAX_COMPILATION_CACHE_DIR": str(srcdir / "_build" / ".jax_cache"),
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    }


def _set_up_kernels(app: Sphinx, config: Config) -> None:
    for name, value in kernel_environment(Path(app.srcdir)).items():
        os.environ.setdefault(name, value)
    profile = Path(app.confdir) / config.kernel_ipython_dir
    if not (profile / "profile_default").is_dir():
        msg = (
            f"The kernels' IPython profile {profile / 'profile_default'} is missing; "
            "restore docs/_ipython/profile_default/ipython_kernel_config.py."
        )
        raise FileNotFoundError(msg)
    ipython_dir = Path(app.srcdir) / "_build" / ".ipython"
    shutil.copytree(profile, ipython_dir, dirs_exist_ok=True)
    os.environ["IPYTHONDIR"] = str(ipython_dir)


def setup(app: Sphinx) -> ExtensionMetadata:
    # The static IPython directory, relative to the folder of conf.py.
    app.add_config_value("kernel_ipython_dir", "_ipython", "", types=frozenset({str}))
    # Before MyST-NB (priority 500) and anything else that might start a kernel.
    app.connect("config-inited", _set_up_kernels, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
