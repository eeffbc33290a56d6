"""Build speed of the site: the four builds a contributor and CI wait for, and where each page's time goes.

Run with ``nox -s bench`` (or ``python benchmarks/bench_docs.py``). The docs are
copied to a temporary folder, so the working tree is not touched. Printed, on
every executed page of the site:

1. a fresh-clone build: empty JAX and jupyter caches, no recorded page costs
   (target: 60 s on 2 cores);
2. a clean build with the JAX compilation cache warm, as after
   ``nox -s docs -- --clean`` (target: 30 s);
3. a rebuild with no change (target: 5 s);
4. a rebuild after one page's code changed (target: that page's own execution
   time in that build, plus 5 s);
5. per page, each executed alone in a fresh kernel with an empty JAX cache,
   where its time goes: starting the kernel, imports, compilation (JAX's
   tracing, lowering and XLA compiling, from ``jax.monitoring``'s time spans,
   overlaps counted once) and the rest of running its cells.

The kernels of step 5 get the build's environment (``docs/_ext/execution_env.py``)
and its IPython profile; a first cell added to each page times its imports and
records the compilation spans, and a last one reports them.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Defined once for nox, the tests and the benchmarks (see the module's docstring).
SPHINX_ARGS = runpy.run_path(str(DOCS / "_ext" / "build_args.py"))["SPHINX_ARGS"]
# The kernels' environment, as the build sets it.
KERNEL_ENVIRONMENT = runpy.run_path(str(DOCS / "_ext" / "execution_env.py"))[
    "kernel_environment"
]
CHANGED_PAGE = "gradients"
TARGETS = {"fresh": 60.0, "warm": 30.0, "unchanged": 5.0, "one page": 5.0}

# Runs first in each kernel of step 5: top-level imports are timed (nested ones
# are part of theirs), and JAX's compilation spans are recorded once jax loads.
PROFILER = r"""
import builtins as _adc_builtins
import time as _adc_time

_adc = {"imports": 0.0, "depth": 0, "spans": []}
_adc_import = _adc_builtins.__import__


def _adc_timed_import(
    *args, _state=_adc, _original=_adc_import, _clock=_adc_time.perf_counter, **kwargs
):
    if _state["depth"]:
        return _original(*args, **kwargs)
    _state["depth"] = 1
    start = _clock()
    try:
        return _original(*args, **kwargs)
    finally:
        _state["depth"] = 0
        _state["imports"] += _clock() - start


_adc_builtins.__import__ = _adc_timed_import
import jax.monitoring as _adc_monitoring


def _adc_span(event, start, end, **kwargs):
    if event.startswith("/jax/core/compile/"):
        _adc["spans"].append((start, end))


_adc_monitoring.register_event_time_span_listener(_adc_span)
"""
# Runs last: puts the import back, and prints the imports' time and the union of
# the compilation spans (nested traces overlap).
REPORT = r"""
_adc_builtins.__import__ = _adc_import
import json as _adc_json

_adc_total, _adc_end = 0.0, float("-inf")
for _adc_start, _adc_stop in sorted(_adc["spans"]):
    _adc_total += max(0.0, _adc_stop - max(_adc_start, _adc_end))
    _adc_end = max(_adc_end, _adc_stop)
print(_adc_json.dumps({"imports": _adc["imports"], "compile": _adc_total}))
"""


class PageCost(NamedTuple):
    page: str
    kernel: float
    imports: float
    compile: float
    run: float

    @property
    def total(self) -> float:
        return self.kernel + self.imports + self.compile + self.run


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


def notebook_pages(source: Path) -> list[Path]:
    return sorted(
        p for p in source.glob("*.md") if "file_format: mystnb" in p.read_text()
    )


def page_cost(
    path: Path, env: dict[str, str], *, first: str = "", last: str = ""
) -> PageCost:
    """Execute one page alone in a fresh kernel and split its time.

    ``first`` runs after the profiler and before the page's cells, ``last`` after
    them (``page_programs.py`` counts compiled programs there).
    """
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient

    page = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    cells = [
        nbformat.v4.new_code_cell(PROFILER + first),
        *(c for c in page.cells if c.cell_type == "code"),
        nbformat.v4.new_code_cell(last + REPORT),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=page.metadata)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=900,
        resources={"metadata": {"path": str(path.parent)}},
    )
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        start = time.perf_counter()
        with client.setup_kernel():
            started = time.perf_counter()
            for index, cell in enumerate(cells):
                client.execute_cell(cell, index)
            finished = time.perf_counter()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    printed = "".join(o.get("text", "") for o in cells[-1].outputs)
    inside = json.loads(printed.strip().splitlines()[-1])
    cells_time = finished - started
    return PageCost(
        path.stem,
        kernel=started - start,
        imports=inside["imports"],
        compile=inside["compile"],
        run=max(0.0, cells_time - inside["imports"] - inside["compile"]),
    )


def verdict(seconds: float, target: float) -> str:
    return f"{'met' if seconds <= target else 'MISSED'} (target {target:.0f} s)"


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
        pages = notebook_pages(source)

        fresh, log = build(source, tmp_path / "fresh", env)
        fresh_pages = executed(log)
        shutil.rmtree(source / "_build", ignore_errors=True)
        shutil.rmtree(source / "generated", ignore_errors=True)
        warm, log = build(source, tmp_path / "html", env)
        warm_pages = executed(log)
        unchanged, log = build(source, tmp_path / "html", env)
        unchanged_pages = executed(log)

        page = source / f"{CHANGED_PAGE}.md"
        page.write_text(
            page.read_text() + '\n```{code-cell} ipython3\nprint("edited")\n```\n',
            encoding="utf-8",
        )
        one_page, log = build(source, tmp_path / "html", env)
        one_page_pages = executed(log)
        costs = json.loads((source / "_build" / "page-costs.json").read_text())
        own_cost = float(costs[CHANGED_PAGE])

        kernel_env = {
            **KERNEL_ENVIRONMENT(source),
            "JAX_COMPILATION_CACHE_DIR": str(tmp_path / "alone_cache"),
            "IPYTHONDIR": str(source / "_build" / ".ipython"),
        }
        per_page = []
        for path in pages:
            shutil.rmtree(tmp_path / "alone_cache", ignore_errors=True)
            per_page.append(page_cost(path, kernel_env))

    cores = os.cpu_count()
    print(f"docs build speed on {cores} cores, {len(pages)} executed pages")
    rows = [
        ("fresh clone (empty caches)", fresh, fresh_pages, TARGETS["fresh"]),
        ("clean build, warm JAX cache", warm, warm_pages, TARGETS["warm"]),
        ("rebuild, no change", unchanged, unchanged_pages, TARGETS["unchanged"]),
        (
            f"rebuild, {CHANGED_PAGE} changed",
            one_page,
            one_page_pages,
            own_cost + TARGETS["one page"],
        ),
    ]
    for label, seconds, count, target in rows:
        print(
            f"  {label:<30} {seconds:6.1f} s   pages executed: {count:>2}   "
            f"{verdict(seconds, target)}"
        )
    print(
        f"  ({CHANGED_PAGE} itself executed in {own_cost:.1f} s in that rebuild; "
        f"{fresh / len(pages):.1f} s per executed page in the fresh-clone build)"
    )
    print()
    print("where each page's time goes, executed alone, empty JAX cache (seconds)")
    header = f"  {'page':<28} {'kernel':>7} {'imports':>8} {'compile':>8} {'run':>7} {'total':>7}"
    print(header)
    for cost in sorted(per_page, key=lambda c: -c.total):
        print(
            f"  {cost.page:<28} {cost.kernel:7.1f} {cost.imports:8.1f} "
            f"{cost.compile:8.1f} {cost.run:7.1f} {cost.total:7.1f}"
        )
    sums = [sum(getattr(c, field) for c in per_page) for field in PageCost._fields[1:]]
    total = sum(sums)
    print(
        f"  {'all pages':<28} {sums[0]:7.1f} {sums[1]:8.1f} {sums[2]:8.1f} "
        f"{sums[3]:7.1f} {total:7.1f}"
    )
    shares = ", ".join(
        f"{name} {100 * part / total:.0f}%"
        for name, part in zip(PageCost._fields[1:], sums, strict=True)
    )
    print(f"  shares: {shares}; on {cores} cores at best {total / (cores or 1):.0f} s")


if __name__ == "__main__":
    main()
