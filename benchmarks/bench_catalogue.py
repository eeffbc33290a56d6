"""How long verifying the whole matrix-calculus catalogue takes, as its page does.

Run with ``nox -s bench`` (or ``python benchmarks/bench_catalogue.py``). Each
measurement runs in a fresh Python process, like the page's kernel: import the
package, then ``IDENTITIES.check()`` and ``MISTAKES.check()``. Printed:

- cold: an empty JAX compilation cache, as in a first or clean build (the target:
  under 20 s on a 2-core machine);
- warm: the same again, reusing the compilation cache the cold run filled, as in
  a rebuild (the docs build keeps that cache in docs/_build/.jax_cache);
- cold with XLA's optimisations on (``check(optimize=True)``), to show what the
  catalogue's default of compiling without them saves;
- cold with one program per entry (``check(per_program=1)``), to show what
  compiling several entries into one program saves (each program has a fixed
  cost of tracing, lowering and compiling);
- cold with one entry checked at a time, one program each (``check(workers=1,
  per_program=1)``), to show what threads save on top (XLA compiles outside
  Python's global lock), and to time each entry on its own;
- where the time goes: the slowest entries and the time per topic, from that
  last run, where each entry's time is its own.

Nearly all of the time is tracing, lowering and compiling the checks' programs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 20.0


def child(optimize: bool, workers: int | None, per_program: int | None) -> None:
    """Verify the catalogue in this process and print the timings as JSON."""
    start = time.perf_counter()
    from autodiff_cookbook import catalogue

    imported = time.perf_counter()
    cpu = time.process_time()
    grouping = {} if per_program is None else {"per_program": per_program}
    identities = catalogue.IDENTITIES.check(
        optimize=optimize, workers=workers, **grouping
    )
    mistakes = catalogue.MISTAKES.check(optimize=optimize, workers=workers, **grouping)
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    identities.raise_if_failed()
    mistakes.raise_if_failed()
    entries = [*identities, *mistakes]
    print(
        json.dumps(
            {
                "import": imported - start,
                "check": done - imported,
                "cpu": cpu,
                "entries": len(entries),
                "points": identities.points + mistakes.points,
                "per_entry": {v.entry.id: v.seconds for v in entries},
                "per_topic": {
                    topic: identities.select(topic).seconds
                    for topic in identities.topics
                }
                | {"Common mistakes": mistakes.seconds},
            }
        )
    )


def run(
    cache: Path,
    *,
    optimize: bool = False,
    workers: int | None = None,
    per_program: int | None = None,
) -> dict[str, object]:
    env = {
        **os.environ,
        "JAX_PLATFORMS": "cpu",
        "JAX_COMPILATION_CACHE_DIR": str(cache),
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    }
    args = [sys.executable, __file__, "--child"] + (["--optimize"] if optimize else [])
    args += [] if workers is None else [f"--workers={workers}"]
    args += [] if per_program is None else [f"--per-program={per_program}"]
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"verifying the catalogue failed:\n{result.stdout}\n{result.stderr}")
    timings: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    timings["process"] = wall
    return timings


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cold = run(Path(tmp) / "quick")
        warm = run(Path(tmp) / "quick")
        optimized = run(Path(tmp) / "optimized", optimize=True)
        ungrouped = run(Path(tmp) / "ungrouped", per_program=1)
        serial = run(Path(tmp) / "serial", workers=1, per_program=1)
    check, entries = float(cold["check"]), cold["entries"]
    verdict = "within" if check < TARGET_SECONDS else "OVER"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"catalogue: {entries} entries, {cold['points']} points; {os.cpu_count()} CPUs, "
        f"load average {load:.1f} over the last minute, this benchmark included"
    )
    print(
        f"  cold (empty compilation cache): {check:.1f} s to check "
        f"({float(cold['cpu']):.1f} s of CPU time), {float(cold['import']):.1f} s to "
        f"import: {verdict} the {TARGET_SECONDS:.0f} s target"
    )
    print(f"  warm (compilation cache filled): {float(warm['check']):.1f} s to check")
    print(
        f"  cold with XLA optimisations on:  {float(optimized['check']):.1f} s to check"
    )
    for label, timings in (
        ("cold, one program per entry (per_program=1)", ungrouped),
        ("cold, one entry at a time (workers=1, per_program=1)", serial),
    ):
        seconds = float(timings["check"])
        print(
            f"  {label}: {seconds:.1f} s to check, {seconds / check:.2f} times the "
            "default's"
        )
    per_entry: dict[str, float] = serial["per_entry"]  # type: ignore[assignment]
    slowest = sorted(per_entry.items(), key=lambda item: -item[1])[:6]
    print(
        "  slowest entries (cold, one at a time): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in slowest)
    )
    per_topic: dict[str, float] = serial["per_topic"]  # type: ignore[assignment]
    print(
        "  per topic (cold, one at a time): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in per_topic.items())
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        options = dict(a[2:].split("=", 1) for a in sys.argv if "=" in a)
        child(
            optimize="--optimize" in sys.argv,
            workers=int(options["workers"]) if "workers" in options else None,
            per_program=int(options["per-program"])
            if "per-program" in options
            else None,
        )
    else:
        main()
