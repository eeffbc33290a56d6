"""Build speed of the site: clean, unchanged and one-page-changed builds.

Run with ``nox -s bench`` (or ``python benchmarks/bench_docs.py``). The docs are
copied to a temporary folder, so the working tree is not touched. Printed:

- a clean build with an empty JAX compilation cache,
- a clean build with the JAX compilation cache warm (the usual case: the cache
  lives in docs/_build/.jax_cache and survives `nox -s docs -- --clean`),
- a rebuild with no change,
- a rebuild after changing one code cell of one page, and how many pages executed.

Targets (2-core machine, environment installed): clean build <= 60 s, no-change
rebuild <= 10 s, a one-page change re-executes only that page.
"""

from __future__ import annotations

import importlib.util
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Defined once for nox, the tests and the benchmarks (see the module's docstring).
SPHINX_ARGS = runpy.run_path(str(DOCS / "_ext" / "build_args.py"))["SPHINX_ARGS"]


def build(source: Path, out: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *SPHINX_ARGS, str(source), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"docs build failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        )
    return elapsed, result.stdout + result.stderr


def executed(log: str) -> int:
    return len(re.findall(r"Executing notebook", log))


def bytecode_compiled() -> bool:
    """Whether JAX was installed with its bytecode (nox's sessions compile it).

    Without it, and with PYTHONDONTWRITEBYTECODE set, each page's kernel compiles
    JAX's source on import, about 1 s more per page.
    """
    spec = importlib.util.find_spec("jax")
    if spec is None or spec.origin is None:
        return False
    return Path(importlib.util.cache_from_source(spec.origin)).is_file()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "docs"
        shutil.copytree(
            DOCS, source, ignore=shutil.ignore_patterns("_build", "generated")
        )
        # Pages include source files by relative path (../src/...).
        (tmp_path / "src").symlink_to(ROOT / "src", target_is_directory=True)
        jax_cache = tmp_path / "jax_cache"
        env = {"JAX_COMPILATION_CACHE_DIR": str(jax_cache)}
        pages = len(
            [p for p in source.glob("*.md") if "file_format: mystnb" in p.read_text()]
        )

        cold, log = build(source, tmp_path / "cold", env)
        cold_pages = executed(log)
        shutil.rmtree(source / "_build", ignore_errors=True)
        warm, _ = build(source, tmp_path / "html", env)
        unchanged, log = build(source, tmp_path / "html", env)
        unchanged_pages = executed(log)

        page = source / "gradients.md"
        page.write_text(
            page.read_text() + '\n```{code-cell} ipython3\nprint("edited")\n```\n',
            encoding="utf-8",
        )
        one_page, log = build(source, tmp_path / "html", env)
        one_page_pages = executed(log)

    print(f"docs build speed on {os.cpu_count()} cores, {pages} notebook pages")
    compiled = "yes" if bytecode_compiled() else "NO (slower imports)"
    print(f"  JAX installed with bytecode: {compiled}")
    rows = [
        ("clean build, cold JAX cache", cold, cold_pages, "<= 60 s"),
        ("clean build, warm JAX cache", warm, pages, "<= 60 s"),
        ("rebuild, no change", unchanged, unchanged_pages, "<= 10 s"),
        ("rebuild, one code cell changed", one_page, one_page_pages, "1 page executes"),
    ]
    for label, seconds, count, target in rows:
        print(
            f"  {label:<32} {seconds:6.1f} s   pages executed: {count:>2}   target {target}"
        )
    verdicts = {
        "clean build (warm JAX cache) <= 60 s": warm <= 60,
        "clean build (cold JAX cache) <= 60 s": cold <= 60,
        "no-change rebuild <= 10 s": unchanged <= 10 and unchanged_pages == 0,
        "one-page change executes only that page": one_page_pages == 1,
    }
    for name, ok in verdicts.items():
        print(f"  {'met' if ok else 'MISSED':<6} {name}")


if __name__ == "__main__":
    main()
