#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.3.2"]
# ///

"""Sessions for building, testing and benchmarking autodiff-cookbook.

Run ``nox -l`` to list them; ``nox`` alone runs the default ones.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"
# The build is strict: warnings are errors (-W) but all are reported (--keep-going),
# every cross-reference must resolve (-n), and pages are read (so executed) in parallel.
SPHINX_ARGS = ("-W", "--keep-going", "-n", "-j", "auto", "-b", "html")


# uv, unlike pip, installs no bytecode. Where PYTHONDONTWRITEBYTECODE is set (as on
# the CI machines), every kernel of the docs build would then compile JAX's and
# matplotlib's sources on import: about 1 s of each page's 3 s. Compile them once.
INSTALL_ENV = {"UV_COMPILE_BYTECODE": "1"}


def _install(session: nox.Session, *groups: str, extras: str = "plots,graphs") -> None:
    """Install the package (editable, so pages see source changes) and dependency groups."""
    session.install("-e", f".[{extras}]" if extras else ".", env=INSTALL_ENV)
    for group in groups:
        session.install("--group", group, env=INSTALL_ENV)


def _build_docs(session: nox.Session, *, clean: bool = False) -> None:
    if clean:
        # Everything but JAX's compilation cache, which cannot go stale.
        for path in (
            HTML,
            DOCS / "_build" / "jupyter_execute",
            DOCS / "_build" / ".jupyter_cache",
        ):
            shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(DOCS / "generated", ignore_errors=True)
    session.run("sphinx-build", *SPHINX_ARGS, str(DOCS), str(HTML))
    session.log(f"Open {HTML / 'index.html'} in a browser to read the site.")


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html, executing every page.

    ``nox -s docs -- --serve`` serves it with live reload while you write;
    ``nox -s docs -- --clean`` throws away the previous build first.
    """
    parser = argparse.ArgumentParser(prog="nox -s docs")
    parser.add_argument("--serve", action="store_true", help="serve with live reload")
    parser.add_argument(
        "--clean", action="store_true", help="start from an empty build"
    )
    args = parser.parse_args(session.posargs)

    _install(session, "docs")
    if args.serve:
        session.install("sphinx-autobuild", env=INSTALL_ENV)
        session.run(
            "sphinx-autobuild",
            *SPHINX_ARGS,
            "--watch",
            str(ROOT / "src"),
            "--ignore",
            str(DOCS / "generated"),
            str(DOCS),
            str(HTML),
        )
        return
    _build_docs(session, clean=args.clean)


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run the whole test suite: unit tests, doctests, a docs build and checks on its HTML."""
    _install(session, "test", "docs")
    _build_docs(session)
    session.run(
        "pytest",
        *session.posargs,
        env={"AUTODIFF_COOKBOOK_SITE": str(HTML)},
    )


@nox.session(default=False)
def doctest(session: nox.Session) -> None:
    """Run the docstring examples of the package alone."""
    _install(session, "test")
    session.run("pytest", "src/autodiff_cookbook", *session.posargs)


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install("--group", "lint", env=INSTALL_ENV)
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run the benchmarks in benchmarks/ and print their measured ratios."""
    _install(session, "test", "docs")  # bench_docs builds the site
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if not scripts:
        session.error("No benchmarks found in benchmarks/ (files named bench_*.py).")
    for script in scripts:
        session.run("python", str(script), *session.posargs)


if __name__ == "__main__":
    nox.main()
