"""Benchmark: what one gradient check costs, batched, against the seed-style loop.

Checks the seed notebook's task 4 identity, the gradient of -log det X, which is
-X^{-T}, on 8x8 invertible matrices with a positive determinant, in float64:

* ``check_gradient`` at 1, 64 and 1024 points: *cold* is the first call with a
  new function, so tracing and compilation included (what a user pays once per
  check, and a docs page pays per check); *warm* is the same call again;
* the seed-style eager Python loop (one draw per iteration, the formula and
  ``jax.grad(f)`` evaluated op by op, a relative error per draw) at 5 points,
  with the seed's bugs fixed (fresh keys, ``jnp.linalg.norm``);
* ``jax.test_util.check_grads`` on the same function, at one point and in a loop
  over 5 points, warm only (it compares autodiff with finite differences at one
  point per call; it does not check a formula).

Targets: 1024 points cost at most 1.5x one point; the batched check at 64
points beats the seed-style loop at 5. Run with ``nox -s bench`` or
``python benchmarks/bench_checks.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.test_util import check_grads

from autodiff_cookbook import check_gradient, domains

N = 8
DOMAIN = domains.invertible(N, positive_determinant=True)


def neg_log_det(x: jax.Array) -> jax.Array:
    return -jnp.log(jnp.linalg.det(x))


def neg_log_det_gradient(x: jax.Array) -> jax.Array:
    return -jnp.linalg.inv(x).T


def fresh(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A new function object, so that nothing compiled for ``f`` is reused."""

    def wrapped(x: Any) -> Any:
        return f(x)

    return wrapped


def timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def cold_and_warm(run: Callable[[], Any]) -> tuple[float, float]:
    cold = timed(run)
    warm = min(timed(run) for _ in range(3))
    return cold, warm


def seed_style_loop(
    f: Callable[[Any], Any], points: int, key: jax.Array
) -> list[float]:
    """The seed's helper with its bugs fixed: a Python loop, evaluated eagerly."""
    errors = []
    for k in jax.random.split(key, points):
        x = N * jnp.eye(N) + jax.random.normal(k, (N, N))  # det > 0
        by_hand, by_jax = neg_log_det_gradient(x), jax.grad(f)(x)
        errors.append(
            float(jnp.linalg.norm(by_hand - by_jax) / jnp.linalg.norm(by_jax))
        )
    return errors


def check_grads_loop(f: Callable[[Any], Any], points: int, key: jax.Array) -> None:
    for k in jax.random.split(key, points):
        x = N * jnp.eye(N) + jax.random.normal(k, (N, N))
        check_grads(f, (x,), order=1, modes=("rev",))


def main() -> None:
    print("bench_checks: the gradient of -log det X (8x8, det > 0), float64")
    print(
        f"jax {jax.__version__}, backend {jax.default_backend()}, devices {jax.device_count()}"
    )
    with jax.enable_x64(True):
        # Start the backend and LAPACK, so that no measurement pays for them.
        jax.jit(lambda x: jnp.linalg.inv(x) + jnp.linalg.det(x))(
            jnp.eye(2)
        ).block_until_ready()
        key = jax.random.key(0)

        f = fresh(neg_log_det)
        seed_cold, seed_warm = cold_and_warm(lambda: seed_style_loop(f, 5, key))
        f = fresh(neg_log_det)
        x = N * jnp.eye(N) + jax.random.normal(key, (N, N))
        grads_cold, grads_warm = cold_and_warm(
            lambda: check_grads(f, (x,), order=1, modes=("rev",))
        )
        # Eager JAX caches each operation compiled for a shape, so after the
        # one-point run the loop is warm from its first call.
        grads5_warm = min(timed(lambda: check_grads_loop(f, 5, key)) for _ in range(3))

        batched = {}
        for points in (1, 64, 1024):
            f = fresh(neg_log_det)
            result = check_gradient(f, neg_log_det_gradient, DOMAIN, trials=points)
            assert result.ok, result
            f = fresh(neg_log_det)
            batched[points] = cold_and_warm(
                lambda f=f, points=points: check_gradient(
                    f, neg_log_det_gradient, DOMAIN, trials=points
                )
            )

    rows = [
        *[
            (f"check_gradient, {p} point{'s' if p > 1 else ''}", *batched[p])
            for p in (1, 64, 1024)
        ],
        ("seed-style eager loop, 5 points", seed_cold, seed_warm),
        ("jax.test_util.check_grads, 1 point", grads_cold, grads_warm),
        ("jax.test_util.check_grads, 5 points", None, grads5_warm),
    ]
    print()
    print(f"{'what':<38}{'cold (s)':>10}{'warm (ms)':>11}")
    for name, cold, warm in rows:
        cold_text = "-" if cold is None else f"{cold:.3f}"
        print(f"{name:<38}{cold_text:>10}{warm * 1e3:>11.2f}")

    ratio_cold = batched[1024][0] / batched[1][0]
    ratio_warm = batched[1024][1] / batched[1][1]
    vs_seed_cold = batched[64][0] / seed_cold
    vs_seed_warm = batched[64][1] / seed_warm
    print()
    print("ratios")
    print(f"  1024 points / 1 point, cold:             {ratio_cold:7.2f}")
    print(f"  1024 points / 1 point, warm:             {ratio_warm:7.2f}")
    print(f"  batched 64 points / seed loop 5, cold:   {vs_seed_cold:7.2f}")
    print(f"  batched 64 points / seed loop 5, warm:   {vs_seed_warm:7.3f}")
    print(
        f"  batched 64 points / check_grads 1, cold: {batched[64][0] / grads_cold:7.2f}"
    )
    print(
        f"  batched 64 points / check_grads 1, warm: {batched[64][1] / grads_warm:7.3f}"
    )
    print()
    print("targets (a check as a user runs it: cold, compilation included)")
    met = ratio_cold <= 1.5
    print(f"  1024 points cost at most 1.5x one point: {'met' if met else 'NOT met'}")
    met = vs_seed_cold < 1 and vs_seed_warm < 1
    print(
        f"  batched 64 points beat the seed loop at 5, cold and warm: {'met' if met else 'NOT met'}"
    )
    print(
        "  (warm, 1024 points cost more than one: the computation itself grows with"
        " the points once compilation is paid)"
    )


if __name__ == "__main__":
    main()
