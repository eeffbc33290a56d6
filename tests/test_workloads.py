"""Tests for autodiff_cookbook.workloads: sized test functions with known derivatives."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import (
    init_tanh_mlp,
    rosenbrock,
    rosenbrock_gradient,
    rosenbrock_hessian,
    rosenbrock_hvp,
    tanh_mlp,
    tanh_mlp_jacobian,
)

# A few sizes only: every new shape costs a compilation.
sizes = st.sampled_from([2, 3, 8])
seeds = st.integers(min_value=0, max_value=2**16)


def _draw(seed: int, shape: tuple[int, ...]) -> jax.Array:
    return jax.random.normal(jax.random.key(seed), shape, jnp.float64)


def test_rosenbrock_is_zero_at_its_minimum_and_positive_elsewhere() -> None:
    assert float(rosenbrock(jnp.ones(6))) == 0.0
    assert float(rosenbrock(jnp.array([1.0, 1.0, 1.1]))) > 0.0


@given(sizes, seeds)
def test_rosenbrock_gradient_matches_autodiff(n: int, seed: int) -> None:
    with jax.enable_x64(True):
        x = _draw(seed, (n,))
        np.testing.assert_allclose(
            rosenbrock_gradient(x), jax.grad(rosenbrock)(x), rtol=1e-12
        )


@given(sizes, seeds)
def test_rosenbrock_hessian_matches_autodiff_and_is_tridiagonal(
    n: int, seed: int
) -> None:
    with jax.enable_x64(True):
        x = _draw(seed, (n,))
        hessian = rosenbrock_hessian(x)
        np.testing.assert_allclose(
            hessian, jax.hessian(rosenbrock)(x), rtol=1e-12, atol=1e-12
        )
        i, j = np.indices((n, n))
        assert np.all(np.asarray(hessian)[np.abs(i - j) > 1] == 0.0)


@given(sizes, seeds)
def test_rosenbrock_hvp_is_the_hessian_times_the_vector(n: int, seed: int) -> None:
    with jax.enable_x64(True):
        x, v = _draw(seed, (n,)), _draw(seed + 1, (n,))
        np.testing.assert_allclose(
            rosenbrock_hvp(x, v), rosenbrock_hessian(x) @ v, rtol=1e-12, atol=1e-10
        )


@pytest.mark.parametrize(
    "fn",
    [
        rosenbrock,
        rosenbrock_gradient,
        rosenbrock_hessian,
        lambda x: rosenbrock_hvp(x, x),
    ],
)
def test_rosenbrock_family_rejects_short_or_non_vector_inputs(fn) -> None:
    with pytest.raises(ValueError, match="vector of length at least 2"):
        fn(jnp.ones(1))
    with pytest.raises(ValueError, match="vector of length at least 2"):
        fn(jnp.ones((2, 2)))


def test_rosenbrock_hvp_rejects_a_mismatched_vector() -> None:
    with pytest.raises(ValueError, match=r"v must be shaped like x"):
        rosenbrock_hvp(jnp.ones(3), jnp.ones(4))


@given(st.sampled_from([1, 4]), st.sampled_from([1, 3]), st.sampled_from([1, 8]), seeds)
def test_tanh_mlp_jacobian_matches_autodiff(
    n: int, m: int, hidden: int, seed: int
) -> None:
    with jax.enable_x64(True):
        w1, w2 = init_tanh_mlp(jax.random.key(seed), n, m, hidden, dtype=jnp.float64)
        x = _draw(seed + 1, (n,))
        jacobian = tanh_mlp_jacobian(x, w1, w2)
        assert jacobian.shape == (m, n)
        np.testing.assert_allclose(
            jacobian, jax.jacfwd(tanh_mlp)(x, w1, w2), rtol=1e-12, atol=1e-14
        )


def test_init_tanh_mlp_scales_weights_by_fan_in(key: jax.Array) -> None:
    w1, w2 = init_tanh_mlp(key, n_in=400, n_out=3, hidden=300)
    assert w1.shape == (300, 400)
    assert w2.shape == (3, 300)
    # Entries have variance 1 / fan-in, so each row has squared norm close to 1.
    np.testing.assert_allclose(jnp.mean(jnp.sum(w1**2, axis=1)), 1.0, rtol=0.05)
    np.testing.assert_allclose(jnp.mean(jnp.sum(w2**2, axis=1)), 1.0, rtol=0.2)


def test_init_tanh_mlp_rejects_empty_layers(key: jax.Array) -> None:
    with pytest.raises(ValueError, match="hidden must be at least 1"):
        init_tanh_mlp(key, 2, 2, hidden=0)


def test_tanh_mlp_names_shape_mismatches() -> None:
    with pytest.raises(ValueError, match=r"x of shape \(n,\)"):
        tanh_mlp(jnp.ones(3), jnp.ones((4, 2)), jnp.ones((2, 4)))
    with pytest.raises(ValueError, match="one column per hidden unit"):
        tanh_mlp(jnp.ones(2), jnp.ones((4, 2)), jnp.ones((2, 5)))
