"""Tests for autodiff_cookbook.examples.pitfalls: the NaN through jnp.where, and the double-where."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.pitfalls import masked_log, masked_log_naive, safe_norm

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


def test_naive_masked_log_has_a_nan_gradient_at_zero() -> None:
    assert float(masked_log_naive(0.0)) == 0.0
    assert np.isnan(float(jax.grad(masked_log_naive)(0.0)))


@given(finite)
def test_masked_log_values_match_the_naive_version(x: float) -> None:
    x32 = jnp.float32(x)
    assert float(masked_log(x32)) == float(masked_log_naive(x32))


@given(finite)
def test_masked_log_gradient_is_finite_and_correct_everywhere(x: float) -> None:
    x32 = jnp.float32(x)
    g = float(jax.grad(masked_log)(x32))
    expected = 1.0 / float(x32) if x32 > 0 else 0.0
    np.testing.assert_allclose(g, expected, rtol=1e-6)


def test_plain_norm_has_a_nan_gradient_at_zero_and_safe_norm_does_not() -> None:
    assert bool(jnp.all(jnp.isnan(jax.grad(jnp.linalg.norm)(jnp.zeros(3)))))
    np.testing.assert_array_equal(jax.grad(safe_norm)(jnp.zeros(3)), jnp.zeros(3))


# XLA on CPU flushes subnormal numbers to zero, so stay well above them.
normal_or_zero = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False).filter(
    lambda v: v == 0 or abs(v) > 1e-250
)


@given(st.lists(normal_or_zero, min_size=1, max_size=6))
def test_safe_norm_and_its_gradient_are_accurate_even_for_tiny_and_huge_entries(
    xs: list[float],
) -> None:
    exact = math.hypot(*xs)  # correctly scaled, unlike a plain sum of squares
    with jax.enable_x64(True):
        x = jnp.asarray(xs, dtype=jnp.float64)
        np.testing.assert_allclose(safe_norm(x), exact, rtol=1e-14)
        if exact > 0:
            expected = np.asarray(xs) / exact
            np.testing.assert_allclose(
                jax.grad(safe_norm)(x), expected, rtol=1e-12, atol=1e-15
            )


def test_safe_norm_survives_where_squaring_overflows_or_underflows() -> None:
    for scale in (1e-30, 1e30):
        x = jnp.array([3.0, 4.0], dtype=jnp.float32) * scale
        np.testing.assert_allclose(safe_norm(x), 5.0 * scale, rtol=1e-6)
        np.testing.assert_allclose(jax.grad(safe_norm)(x), [0.6, 0.8], rtol=1e-6)


def test_safe_norm_reduces_over_an_axis(key: jax.Array) -> None:
    x = jax.random.normal(key, (4, 3)).at[1].set(0.0)
    np.testing.assert_allclose(
        safe_norm(x, axis=1), jnp.linalg.norm(x, axis=1), rtol=1e-6
    )
    g = jax.grad(lambda v: safe_norm(v, axis=1).sum())(x)
    assert bool(jnp.all(jnp.isfinite(g)))
    np.testing.assert_array_equal(g[1], jnp.zeros(3))
