#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.3.2"]
# ///

"""Sessions for building, testing and benchmarking autodiff-cookbook.

Run ``nox -l`` to list them; ``nox`` alone runs the default ones.
"""

from __future__ import annotations

import argparse
import re
import runpy
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
SPHINX_ARGS = runpy.run_path(str(DOCS / "_ext" / "build_args.py"))["SPHINX_ARGS"]


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


# The tools of each pre-commit hook (.pre-commit-config.yaml), installed from PyPI at
# the version pinned there: CI cannot reach the hooks' Git repositories, and lint must
# check what contributors' pre-commit checks. tests/test_repository.py keeps this
# table and the config in step.
LINT_PACKAGES = {
    "https://github.com/pre-commit/pre-commit-hooks": "pre-commit-hooks",
    "https://github.com/astral-sh/ruff-pre-commit": "ruff",
    "https://github.com/pre-commit/mirrors-mypy": "mypy",
    "https://github.com/codespell-project/codespell": "codespell",
    "https://github.com/zizmorcore/zizmor-pre-commit": "zizmor",
}
# Each hook id with the command it runs (files are appended where it takes files).
LINT_HOOKS: dict[str, tuple[str, ...]] = {
    "check-added-large-files": ("check-added-large-files", "--enforce-all"),
    "check-case-conflict": ("check-case-conflict",),
    "check-merge-conflict": ("check-merge-conflict",),
    "check-symlinks": ("check-symlinks",),
    "check-yaml": ("check-yaml",),
    "check-toml": ("check-toml",),
    "debug-statements": ("debug-statement-hook",),
    "end-of-file-fixer": ("end-of-file-fixer",),
    "mixed-line-ending": ("mixed-line-ending", "--fix=no"),
    "trailing-whitespace": ("trailing-whitespace-fixer",),
    "ruff-check": ("ruff", "check", "--show-fixes", "."),
    "ruff-format": ("ruff", "format", "--check", "."),
    "mypy": ("mypy",),
    "codespell": ("codespell",),
    "zizmor": ("zizmor", "--offline", ".github/workflows"),
}
# Hooks that take the tracked files of these suffixes as arguments.
LINT_FILE_HOOKS = {
    "check-yaml": (".yaml", ".yml"),
    "check-toml": (".toml",),
    "debug-statements": (".py",),
    "codespell": (".py", ".md", ".toml", ".yaml", ".yml", ".css", ".txt", ""),
}


def lint_pins(config: str) -> dict[str, str]:
    """The PyPI requirement of each hook repository of a pre-commit config, by its rev."""
    pins = {}
    for repo, rev in re.findall(r"- repo: (\S+)\n\s+rev: v?(\S+)", config):
        if repo not in LINT_PACKAGES:
            msg = (
                f"{repo} is a pre-commit hook repository that noxfile.py does not know."
            )
            raise ValueError(msg)
        pins[repo] = f"{LINT_PACKAGES[repo]}=={rev}"
    return pins


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Run what pre-commit runs: every hook's tool at its pinned version, on all files."""
    pins = lint_pins((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    # mypy checks the package with its dependencies (and the test tools) installed.
    _install(session, "test")
    session.install(*pins.values(), env=INSTALL_ENV)
    listed = session.run(
        "git",
        "ls-files",
        "--cached",
        "--others",
        "--exclude-standard",
        silent=True,
        external=True,
    )
    # Text files only, as pre-commit passes them (the fixers would damage binaries).
    files = [
        line
        for line in str(listed).splitlines()
        if (ROOT / line).is_file() and b"\0" not in (ROOT / line).read_bytes()[:8192]
    ]
    for hook, command in LINT_HOOKS.items():
        suffixes = LINT_FILE_HOOKS.get(hook)
        if hook in LINT_FILE_HOOKS:
            args = [f for f in files if Path(f).suffix in (suffixes or ())]
        elif command[-1] in (".", ".github/workflows") or command == ("mypy",):
            args = []
        else:
            args = files
        session.log(f"hook {hook}")
        session.run(*command, *args)


@nox.session(default=False, python="3.11", venv_backend="uv")
def tests_lowest(session: nox.Session) -> None:
    """The unit tests and doctests on the lowest versions the package declares.

    uv's lowest-direct resolution installs the lower bound of every direct
    dependency (pyproject's ``dependencies``, the extras, the test and docs groups), on
    the lowest Python the package supports, so that those bounds stay true.
    """
    session.install(
        "--resolution=lowest-direct",
        "-e",
        ".[plots,graphs]",
        "--group",
        "test",
        "--group",
        "docs",  # tests/test_docs_ext.py imports the docs build's extensions
        env=INSTALL_ENV,
    )
    session.run(
        "python",
        "-c",
        "import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
        "('jax', 'jaxlib', 'numpy', 'matplotlib', 'pygraphviz', 'pytest', 'hypothesis', 'sphinx', 'myst-nb')))",
    )
    session.run("pytest", "-m", "not site and not slow", *session.posargs)


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
