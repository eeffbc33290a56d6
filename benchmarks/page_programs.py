"""Count the XLA programs each docs page compiles, and where each comes from.

Run with ``python benchmarks/page_programs.py PAGE [PAGE ...]`` (page names as in
``docs/``, e.g. ``pytrees``). A diagnostic for ``bench_docs.py``'s "compile"
column: on a 2-core machine every program JAX compiles costs some 70 to 170 ms,
even a trivial one, and JAX compiles one per eager ``jax.numpy`` operation on a
new shape. Each page is executed alone in a fresh kernel with an empty JAX cache,
as in step 5 of ``bench_docs.py``, with ``jax_log_compiles`` on; printed are its
costs, the number of programs compiled, and for each place that compiled some
the program's name, the page cell (its first line), the line in that cell, and the
innermost line of the package on the way. The counts do not depend on the
machine's load; the seconds do. JAX's log message ("Compiling <name> ...") is not
an API: the counter says so when it sees no compilation at all.
"""

from __future__ import annotations

import json
import runpy
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BENCH = runpy.run_path(str(ROOT / "benchmarks" / "bench_docs.py"))

# After bench_docs' profiler: records every compilation JAX logs, with its origin.
COUNTER = r"""
import collections as _adc_collections
import linecache as _adc_linecache
import logging as _adc_logging
import traceback as _adc_traceback

_adc_programs = _adc_collections.Counter()


def _adc_origin():
    package = ""
    for frame in reversed(_adc_traceback.extract_stack()):
        name = frame.filename
        if "ipykernel" in name and "/site-packages/" not in name:
            first = _adc_linecache.getline(name, 1).strip()
            if first.startswith("import builtins as _adc_builtins"):
                continue  # the profiler's own cell
            return f"cell [{first[:70]}] line {frame.lineno}{package}"
        if "autodiff_cookbook" in name and not package:
            package = f" via {name.split('src/')[-1]}:{frame.lineno}"
    return "?" + package


class _AdcCompiles(_adc_logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if message.startswith("Compiling "):
            _adc_programs[f"{message.split()[1]}  @ {_adc_origin()}"] += 1


for _adc_name in ("jax._src.interpreters.pxla", "jax._src.dispatch"):
    _adc_logging.getLogger(_adc_name).addHandler(_AdcCompiles())
import jax as _adc_jax

_adc_jax.config.update("jax_log_compiles", True)
"""
# Before bench_docs' report: writes the counts where the environment says.
WRITER = r"""
import json as _adc_json2
import os as _adc_os

with open(_adc_os.environ["ADC_PROGRAMS"], "w", encoding="utf-8") as _adc_file:
    _adc_json2.dump(_adc_programs.most_common(), _adc_file)
"""


def main(pages: list[str]) -> None:
    if not pages:
        sys.exit(
            "Name the pages to count, e.g. python benchmarks/page_programs.py pytrees"
        )
    for page in pages:
        path = DOCS / f"{page}.md"
        if not path.is_file():
            sys.exit(f"No page {path}; give names of files in docs/ without .md.")
        with tempfile.TemporaryDirectory() as tmp:
            counts = Path(tmp) / "programs.json"
            env = {
                **BENCH["KERNEL_ENVIRONMENT"](DOCS),
                "JAX_COMPILATION_CACHE_DIR": str(Path(tmp) / "jax_cache"),
                "IPYTHONDIR": str(DOCS / "_build" / ".ipython"),
                "ADC_PROGRAMS": str(counts),
            }
            cost = BENCH["page_cost"](path, env, first=COUNTER, last=WRITER)
            programs = json.loads(counts.read_text(encoding="utf-8"))
        total = sum(count for _, count in programs)
        print(
            f"== {page}: {total} programs compiled; kernel {cost.kernel:.1f} s, "
            f"imports {cost.imports:.1f} s, compile {cost.compile:.1f} s, "
            f"run {cost.run:.1f} s"
        )
        if cost.compile > 0 and total == 0:
            print(
                "  (JAX compiled but logged no 'Compiling' message: re-check COUNTER)"
            )
        for where, count in programs:
            print(f"  {count:4d}  {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
