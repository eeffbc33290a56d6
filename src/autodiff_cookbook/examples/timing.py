"""Support for the timed pages: time jitted JAX functions honestly, and name the device.

No page teaches these; the pages *Forward vs reverse mode*, *Hessian-vector
products* and *Per-example gradients* use them to measure.

JAX dispatches work asynchronously and compiles on the first call, so a naive
``time.perf_counter()`` around a call measures either the compiler or nothing
at all. :func:`time_jitted` compiles first, then times calls that wait for
their results with :func:`jax.block_until_ready`, and reports the median of a
few repeats. :func:`device_label` names the hardware, so that every plotted
timing can say where it was measured.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable

import jax

from .._types import PyTree

__all__ = ["device_label", "time_jitted"]


def time_jitted(
    f: Callable[..., PyTree],
    *args: PyTree,
    repeats: int = 5,
    min_seconds: float = 1e-3,
    max_number: int = 1000,
) -> float:
    """Return the median wall-clock seconds of one call of ``jax.jit(f)(*args)``.

    Compilation is excluded: the function is lowered and compiled once before
    any timing. Each timed call waits for its result with
    :func:`jax.block_until_ready`, so asynchronous dispatch cannot make a call
    look free. Calls faster than ``min_seconds`` are repeated in a loop of
    ``number`` calls (chosen from one warm-up call, at most ``max_number``) and
    the loop's time divided by ``number``, so that timer resolution does not
    dominate. The median over ``repeats`` loops is robust to the odd slow run
    caused by other processes.

    Args:
        f: the function to time; it is wrapped in :func:`jax.jit` (a function
            that is already jitted is fine).
        *args: the arguments to call it with. Arrays are passed as traced
            arguments, so they are not constant-folded into the program.
        repeats: how many timed loops to take the median of.
        min_seconds: the shortest time one timed loop should take.
        max_number: the largest number of calls in one timed loop.

    Returns:
        The median time of one call, in seconds.

    Raises:
        ValueError: if ``repeats`` or ``max_number`` is less than 1, or
            ``min_seconds`` is negative.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.timing import time_jitted
        >>> seconds = time_jitted(lambda x: jnp.sin(x).sum(), jnp.ones(1000), repeats=3)
        >>> print(0.0 < seconds < 1.0)
        True
    """
    if repeats < 1:
        msg = f"repeats must be at least 1, got {repeats}; pass repeats=5 for a median of five."
        raise ValueError(msg)
    if max_number < 1:
        msg = f"max_number must be at least 1, got {max_number}."
        raise ValueError(msg)
    if min_seconds < 0:
        msg = f"min_seconds must be 0 or more, got {min_seconds}."
        raise ValueError(msg)
    compiled = jax.jit(f).lower(*args).compile()
    # One warm-up call: allocates buffers and gives a first estimate of the cost.
    start = time.perf_counter()
    jax.block_until_ready(compiled(*args))  # type: ignore[no-untyped-call]
    first = time.perf_counter() - start
    number = 1
    if first < min_seconds:
        number = min(max_number, math.ceil(min_seconds / max(first, 1e-7)))
    per_call = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            out = compiled(*args)
        jax.block_until_ready(out)  # type: ignore[no-untyped-call]
        per_call.append((time.perf_counter() - start) / number)
    return statistics.median(per_call)


def device_label() -> str:
    """Describe the devices JAX computes on, for labelling measured timings.

    Returns:
        A short description built from :func:`jax.devices`, such as
        ``"1 CPU device (cpu), JAX 0.10.2"``: the number of devices, the platform,
        the device kind, and the JAX version.

    Examples:
        >>> from autodiff_cookbook.examples.timing import device_label
        >>> print("JAX" in device_label())
        True
    """
    devices = jax.devices()
    kinds = sorted({d.device_kind for d in devices})
    platform = devices[0].platform.upper()
    plural = "s" if len(devices) > 1 else ""
    return (
        f"{len(devices)} {platform} device{plural} ({', '.join(kinds)}), "
        f"JAX {jax.__version__}"
    )
