"""Write the offline intersphinx inventories for JAX and NumPy.

The docs build must work without a network (CI and the test suite have none),
so ``conf.py`` reads intersphinx inventories from this folder first. Python's
``python.inv`` is the one published with CPython's documentation (Debian
package ``python3.11-doc``). JAX and NumPy publish no offline copy, so this
script writes one from the installed packages' public names, using the URL
layout of their documentation sites (one autosummary page per object).

Run it after upgrading JAX or NumPy and commit the result::

    python docs/_inventories/make_inventories.py
"""

from __future__ import annotations

import importlib
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).parent

JAX_MODULES = [
    "jax",
    "jax.numpy",
    "jax.numpy.linalg",
    "jax.scipy.linalg",
    "jax.scipy.special",
    "jax.random",
    "jax.nn",
    "jax.lax",
    "jax.tree_util",
    "jax.test_util",
    "jax.typing",
    "jax.stages",
]
NUMPY_MODULES = [
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "numpy.testing",
    "numpy.typing",
]

# Objects whose page is not the per-object autosummary page.
SPECIAL_URIS = {
    "jax.typing.ArrayLike": "jax.typing.html#jax.typing.ArrayLike",
    "jax.typing.DTypeLike": "jax.typing.html#jax.typing.DTypeLike",
    "numpy.typing.ArrayLike": "reference/typing.html#numpy.typing.ArrayLike",
    "numpy.typing.DTypeLike": "reference/typing.html#numpy.typing.DTypeLike",
    "numpy.typing.NDArray": "reference/typing.html#numpy.typing.NDArray",
}


def _entries(modules: list[str], page: str) -> list[str]:
    lines: set[str] = set()
    for modname in modules:
        module = importlib.import_module(modname)
        lines.add(f"{modname} py:module 1 {page.format(name=modname)} -")
        for attr in sorted(getattr(module, "__all__", None) or dir(module)):
            if attr.startswith("_"):
                continue
            obj = getattr(module, attr, None)
            if inspect.ismodule(obj) or obj is None:
                continue
            name = f"{modname}.{attr}"
            if inspect.isclass(obj):
                role = "py:class"
            elif callable(obj):
                role = "py:function"
            else:
                role = "py:data"
            uri = SPECIAL_URIS.get(name, page.format(name=name) + "#$")
            lines.add(f"{name} {role} 1 {uri} -")
    return sorted(lines)


def write(path: Path, project: str, version: str, lines: list[str]) -> None:
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    body = zlib.compress("".join(line + "\n" for line in lines).encode(), 9)
    path.write_bytes(header + body)
    print(f"wrote {path.name}: {len(lines)} objects")


def main() -> None:
    import jax
    import numpy as np

    write(
        HERE / "jax.inv",
        "JAX",
        jax.__version__,
        _entries(JAX_MODULES, "_autosummary/{name}.html"),
    )
    write(
        HERE / "numpy.inv",
        "NumPy",
        np.__version__,
        _entries(NUMPY_MODULES, "reference/generated/{name}.html"),
    )


if __name__ == "__main__":
    main()
