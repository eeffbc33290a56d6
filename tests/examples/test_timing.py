"""Tests for autodiff_cookbook.examples.timing."""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import pytest

from autodiff_cookbook.examples.timing import device_label, time_jitted


def test_time_jitted_excludes_compilation_and_waits_for_results() -> None:
    calls = []

    def f(x: jax.Array) -> jax.Array:
        calls.append(1)  # runs once per trace, not per call
        return jnp.sin(x) @ jnp.cos(x)

    x = jnp.ones(256)
    seconds = time_jitted(f, x, repeats=3)
    assert len(calls) == 1, "the function should be traced exactly once"
    assert 0 < seconds < 0.1


def test_bigger_work_takes_longer() -> None:
    def f(x: jax.Array) -> jax.Array:
        return x @ x

    small = time_jitted(f, jnp.ones((16, 16)), repeats=3)
    big = time_jitted(f, jnp.ones((768, 768)), repeats=3)
    assert big > 5 * small


def test_time_jitted_measures_a_slow_callback_fully() -> None:
    def slow(x: jax.Array) -> jax.Array:
        def sleep(v: jax.Array) -> jax.Array:
            time.sleep(0.02)
            return v

        return jax.pure_callback(sleep, jax.ShapeDtypeStruct(x.shape, x.dtype), x)

    seconds = time_jitted(slow, jnp.ones(3), repeats=2)
    assert 0.015 < seconds < 0.5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"repeats": 0}, "repeats must be at least 1"),
        ({"max_number": 0}, "max_number must be at least 1"),
        ({"min_seconds": -1.0}, "min_seconds must be 0 or more"),
    ],
)
def test_time_jitted_rejects_bad_options(
    options: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        time_jitted(jnp.sin, jnp.ones(3), **options)


def test_device_label_names_the_platform_and_jax_version() -> None:
    label = device_label()
    devices = jax.devices()
    assert devices[0].platform.upper() in label
    assert devices[0].device_kind in label
    assert f"JAX {jax.__version__}" in label
    assert label.startswith(f"{len(devices)} ")
