"""Tests for autodiff_cookbook.examples.custom_rules: a stable softplus and gradient clipping."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import check_gradient, check_hessian, domains
from autodiff_cookbook.examples.custom_rules import (
    clip_gradient,
    softplus,
    softplus_naive,
)

SCALE = 100.0


def _sum_softplus(x: jax.Array) -> jax.Array:
    return jnp.sum(softplus(SCALE * x))


def _sum_softplus_naive(x: jax.Array) -> jax.Array:
    return jnp.sum(softplus_naive(SCALE * x))


def _scaled_sigmoid(x: jax.Array) -> jax.Array:
    return SCALE * jax.nn.sigmoid(SCALE * x)


def test_naive_softplus_overflows_to_inf_with_a_nan_gradient() -> None:
    assert float(softplus_naive(100.0)) == np.inf
    assert np.isnan(float(jax.grad(softplus_naive)(100.0)))


def test_the_checker_rejects_the_naive_softplus_in_float32() -> None:
    result = check_gradient(
        _sum_softplus_naive, _scaled_sigmoid, domains.real(16), dtype=jnp.float32
    )
    assert not result.ok
    assert result.nonfinite["autodiff"] > 0


def test_the_checker_accepts_the_stable_softplus_in_float32() -> None:
    result = check_gradient(
        _sum_softplus, _scaled_sigmoid, domains.real(16), dtype=jnp.float32
    )
    assert result.ok, str(result)


def test_softplus_gradient_and_hessian_pass_the_float64_checks() -> None:
    def total(x: jax.Array) -> jax.Array:
        return jnp.sum(softplus(x))

    def hessian(x: jax.Array) -> jax.Array:
        s = jax.nn.sigmoid(x)
        return jnp.diag(s * (1 - s))

    assert check_gradient(total, jax.nn.sigmoid, domains.real(5)).ok
    assert check_hessian(total, hessian, domains.real(5)).ok


@given(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False))
def test_softplus_derivative_is_exactly_the_sigmoid_in_float32(x: float) -> None:
    x32 = jnp.float32(x)
    assert float(jax.grad(softplus)(x32)) == float(jax.nn.sigmoid(x32))


@given(st.floats(min_value=-700.0, max_value=700.0, allow_nan=False))
def test_softplus_value_matches_logaddexp_in_float64(x: float) -> None:
    with jax.enable_x64(True):
        np.testing.assert_allclose(
            softplus(jnp.float64(x)), np.logaddexp(0.0, x), rtol=1e-14, atol=1e-300
        )


def test_softplus_never_overflows_in_float32() -> None:
    x = jnp.array([-1e30, -1e4, -100.0, 0.0, 100.0, 1e4, 1e30], dtype=jnp.float32)
    values = softplus(x)
    assert bool(jnp.all(jnp.isfinite(values)))
    np.testing.assert_allclose(values[-3:], x[-3:], rtol=1e-7)
    assert bool(jnp.all(jnp.isfinite(jax.vmap(jax.grad(softplus))(x))))


def test_softplus_forward_mode_uses_the_rule() -> None:
    _, tangent = jax.jvp(softplus, (jnp.float32(200.0),), (jnp.float32(3.0),))
    assert float(tangent) == 3.0


def test_softplus_rejects_integers() -> None:
    with pytest.raises(TypeError, match="real floating-point input"):
        softplus(jnp.arange(3))


def test_clip_gradient_is_the_identity_forward(key: jax.Array) -> None:
    x = 10 * jax.random.normal(key, (50,))
    assert bool(jnp.array_equal(clip_gradient(x), x))


def test_clip_gradient_clips_the_backward_pass(key: jax.Array) -> None:
    x = jax.random.normal(key, (6,))
    _, pullback = jax.vjp(lambda v: clip_gradient(v, -0.5, 2.0), x)
    cotangent = jnp.array([-5.0, -0.5, -0.1, 0.3, 2.0, 9.0])
    (clipped,) = pullback(cotangent)
    np.testing.assert_array_equal(clipped, jnp.array([-0.5, -0.5, -0.1, 0.3, 2.0, 2.0]))


def test_checker_sees_the_clipped_gradient_as_a_deliberate_rule() -> None:
    def loss(x: jax.Array) -> jax.Array:
        return jnp.sum(clip_gradient(x) ** 2)

    def clipped(x: jax.Array) -> jax.Array:
        return jnp.clip(2 * x, -1.0, 1.0)

    def true_derivative(x: jax.Array) -> jax.Array:
        return 2 * x

    rule = check_gradient(loss, clipped, domains.real(8), fd_directions=0)
    assert rule.ok, str(rule)
    with_fd = check_gradient(loss, clipped, domains.real(8))
    assert not with_fd.ok
    assert not with_fd.fd.ok
    truth = check_gradient(loss, true_derivative, domains.real(8))
    assert not truth.ok


def test_clip_gradient_bounds_have_zero_gradient() -> None:
    grads = jax.grad(
        lambda x, lo, hi: clip_gradient(x, lo, hi) ** 2, argnums=(0, 1, 2)
    )(3.0, -1.0, 1.0)
    assert [float(g) for g in grads] == [1.0, 0.0, 0.0]


def test_clip_gradient_works_under_jit_with_traced_bounds() -> None:
    g = jax.jit(jax.grad(lambda x, hi: clip_gradient(x, -hi, hi) ** 2))(3.0, 0.25)
    assert float(g) == 0.25


def test_clip_gradient_rejects_reversed_bounds_and_integers() -> None:
    with pytest.raises(ValueError, match="lo <= hi"):
        clip_gradient(1.0, 2.0, -2.0)
    with pytest.raises(TypeError, match="real floating-point input"):
        clip_gradient(jnp.arange(3))
