"""Benchmark: check_autodiff at 64 points against jax.test_util.check_grads at one.

Both compare JAX's derivatives of a function with finite differences, in forward
and reverse mode, in float64. ``check_autodiff`` does it at 64 random inputs
drawn from a domain (batched in one compiled program, Richardson-extrapolated
differences, a verdict per mode); ``jax.test_util.check_grads`` at the one point
it is given, evaluated eagerly. A user (or a test suite, or a docs page) runs a
check once per function, so what counts is the whole cost: a fresh ``python -c``
process that imports JAX and the library, draws its input, runs one check and
exits. Each process is timed from start to exit; each configuration is run
several times and the median reported.

Functions, order 1 and order 2 each:

* ``-log det X`` on 8x8 invertible matrices with a positive determinant;
* the sum of the stable softplus of the page *Custom derivative rules* (a
  ``jax.custom_jvp`` rule inside) on vectors of 16;
* a tanh layer ``tanh(W x)``, 32 inputs and 16 outputs (a Jacobian, not a
  gradient).

Target: check_autodiff at 64 points costs at most 1.0x check_grads at one
point, whole processes, for every function and order. Run with ``nox -s bench``
or ``python benchmarks/bench_autodiff.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import textwrap
import time

TRIALS = 64
TARGET = 1.0

SETUP = textwrap.dedent(
    """
    import jax
    import jax.numpy as jnp
    from autodiff_cookbook import check_autodiff, domains
    from autodiff_cookbook.examples.custom_rules import softplus
    from jax.test_util import check_grads

    W = jax.random.normal(jax.random.key(1), (16, 32)) / 32**0.5
    FUNCTIONS = {
        "-log det X, 8x8": (
            lambda x: -jnp.log(jnp.linalg.det(x)),
            domains.invertible(8, positive_determinant=True),
        ),
        "sum softplus (custom_jvp), 16": (
            lambda x: jnp.sum(softplus(x)),
            domains.real(16),
        ),
        "tanh(W x), 32 -> 16": (
            lambda x: jnp.tanh(W.astype(x.dtype) @ x),
            domains.real(32),
        ),
    }
    """
)

OURS = textwrap.dedent(
    """
    f, domain = FUNCTIONS[{name!r}]
    result = check_autodiff(f, domain, order={order}, trials={trials})
    assert result.ok, result
    """
)

THEIRS = textwrap.dedent(
    """
    f, domain = FUNCTIONS[{name!r}]
    with jax.enable_x64(True):
        x = domains.sample(domain, 0, jnp.float64)
        check_grads(f, (x,), order={order})
    """
)

IMPORT_ONLY = SETUP

NAMES = ("-log det X, 8x8", "sum softplus (custom_jvp), 16", "tanh(W x), 32 -> 16")


def process_seconds(code: str) -> float:
    """Wall-clock seconds of a fresh ``python -c code``, from start to exit."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        msg = f"the benchmarked process failed:\n{code}\n{done.stderr}"
        raise RuntimeError(msg)
    return seconds


def median_seconds(code: str, repeats: int) -> float:
    return statistics.median(process_seconds(code) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench_autodiff")
    parser.add_argument("--repeats", type=int, default=5)
    args, _ = parser.parse_known_args()
    repeats = args.repeats

    import jax  # only for the versions: the measurements run in subprocesses

    print(
        f"bench_autodiff: check_autodiff at {TRIALS} points vs jax.test_util.check_grads"
        " at 1 point, float64, whole processes"
    )
    print(
        f"jax {jax.__version__}, backend {jax.default_backend()}, "
        f"median of {repeats} fresh processes each"
    )
    baseline = median_seconds(IMPORT_ONLY, repeats)
    print(f"import only (jax, the library, the functions): {baseline:.2f} s")
    print()
    print(
        f"{'function':<32}{'order':>6}{'ours (s)':>10}{'theirs (s)':>12}"
        f"{'ratio':>8}{'  target <= 1.0x'}"
    )
    ratios = []
    for name in NAMES:
        for order in (1, 2):
            ours = median_seconds(
                SETUP + OURS.format(name=name, order=order, trials=TRIALS), repeats
            )
            theirs = median_seconds(
                SETUP + THEIRS.format(name=name, order=order), repeats
            )
            ratio = ours / theirs
            ratios.append(ratio)
            met = "met" if ratio <= TARGET else "NOT met"
            print(
                f"{name:<32}{order:>6}{ours:>10.2f}{theirs:>12.2f}{ratio:>7.2f}x  {met}"
            )
    print()
    print(
        f"ratios (ours / theirs): largest {max(ratios):.2f}x, "
        f"geometric mean {statistics.geometric_mean(ratios):.2f}x"
    )
    met = all(r <= TARGET for r in ratios)
    print(
        f"target: check_autodiff at {TRIALS} points costs at most {TARGET:.1f}x "
        f"check_grads at 1 point, every function and order: {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
