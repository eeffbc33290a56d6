"""Shared fixtures: PRNG keys and the built documentation site."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import jax
import pytest
from hypothesis import settings

# JAX compiles on first call, so a single example can take far longer than the
# next: Hypothesis deadlines would flag compilation, not slowness.
settings.register_profile("default", deadline=None, max_examples=40)
settings.register_profile(
    "ci", deadline=None, max_examples=40, derandomize=True, print_blob=True
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Defined once for nox, the tests and the benchmarks (see the module's docstring).
SPHINX_ARGS: tuple[str, ...] = runpy.run_path(str(DOCS / "_ext" / "build_args.py"))[
    "SPHINX_ARGS"
]


@pytest.fixture
def key() -> jax.Array:
    """A fixed PRNG key, so that every test run draws the same numbers."""
    return jax.random.key(0)


def build_site(
    source: Path, out: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Build the Sphinx site in ``source`` into ``out`` with the project's strict options.

    ``env`` adds to (or overrides) this process's environment for the build.
    """
    return subprocess.run(
        [sys.executable, "-m", "sphinx", *SPHINX_ARGS, str(source), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def copy_docs_skeleton(target: Path) -> Path:
    """Copy the build configuration of docs/ (no pages) into ``target``; return it."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(DOCS / "conf.py", target / "conf.py")
    for folder in ("_ext", "_templates", "_ipython", "_static", "_inventories"):
        shutil.copytree(
            DOCS / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built HTML site.

    ``nox -s tests`` builds it first and passes its folder in
    ``AUTODIFF_COOKBOOK_SITE``; a plain ``pytest`` run builds it here.
    """
    given = os.environ.get("AUTODIFF_COOKBOOK_SITE")
    if given:
        path = Path(given)
        if not (path / "index.html").is_file():
            pytest.fail(
                f"AUTODIFF_COOKBOOK_SITE={given} holds no index.html; build the docs first."
            )
        return path
    out = tmp_path_factory.mktemp("site") / "html"
    result = build_site(DOCS, out)
    if result.returncode != 0:
        pytest.fail(
            f"The docs build failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
        )
    return out
