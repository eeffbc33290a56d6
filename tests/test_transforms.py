"""Tests for autodiff_cookbook.transforms: Jacobians and HVPs rebuilt from JVPs and VJPs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import (
    hvp_forward_over_reverse,
    hvp_reverse_over_forward,
    hvp_reverse_over_reverse,
    hvp_via_hessian,
    jacfwd_from_jvp,
    jacobian_central_difference,
    jacrev_from_vjp,
    rosenbrock,
    rosenbrock_hvp,
    sum_gradient_via_vjp,
)

HVPS = [
    hvp_forward_over_reverse,
    hvp_reverse_over_forward,
    hvp_reverse_over_reverse,
    hvp_via_hessian,
]


def _vector_map(x: jax.Array) -> jax.Array:
    """R^3 -> R^2 with a dense, input-dependent Jacobian."""
    return jnp.stack([x[0] * jnp.sin(x[1]) + x[2] ** 2, jnp.exp(x[0] - x[2]) * x[1]])


def _matrix_map(x: jax.Array) -> jax.Array:
    """R^{2x3} -> R^{3x2}: exercises non-vector shapes."""
    return jnp.tanh(x.T @ x[:, :2])


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_equal_jax_on_vectors(build, key: jax.Array) -> None:
    x = jax.random.normal(key, (3,))
    np.testing.assert_allclose(
        build(_vector_map)(x), jax.jacfwd(_vector_map)(x), rtol=1e-6
    )


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_keep_jax_layout_for_arrays(build, key: jax.Array) -> None:
    x = jax.random.normal(key, (2, 3))
    ours = build(_matrix_map)(x)
    assert ours.shape == (3, 2, 2, 3)
    np.testing.assert_allclose(ours, jax.jacrev(_matrix_map)(x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_of_scalar_functions_are_gradients(
    build, key: jax.Array
) -> None:
    x = jax.random.normal(key, (4,))
    np.testing.assert_allclose(build(rosenbrock)(x), jax.grad(rosenbrock)(x), rtol=1e-5)


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_work_under_jit(build, key: jax.Array) -> None:
    x = jax.random.normal(key, (3,))
    np.testing.assert_allclose(
        jax.jit(build(_vector_map))(x), jax.jacfwd(_vector_map)(x), rtol=1e-6
    )


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_reject_integer_inputs(build) -> None:
    with pytest.raises(TypeError, match=r"floating-point input.*jnp\.asarray"):
        build(_vector_map)(jnp.arange(3))


def test_central_difference_is_accurate_in_float64(key: jax.Array) -> None:
    with jax.enable_x64(True):
        x = jax.random.normal(key, (3,), jnp.float64)
        approx = jacobian_central_difference(_vector_map, x)
        np.testing.assert_allclose(
            approx, jax.jacfwd(_vector_map)(x), rtol=1e-8, atol=1e-9
        )


def test_central_difference_with_a_huge_step_is_inaccurate(key: jax.Array) -> None:
    with jax.enable_x64(True):
        x = jax.random.normal(key, (3,), jnp.float64)
        approx = jacobian_central_difference(_vector_map, x, step=0.5)
        assert not np.allclose(approx, jax.jacfwd(_vector_map)(x), rtol=1e-3)


def test_central_difference_rejects_a_non_positive_step() -> None:
    with pytest.raises(ValueError, match="step must be positive"):
        jacobian_central_difference(_vector_map, jnp.ones(3), step=0.0)


def test_sum_gradient_via_vjp_is_the_column_sum_of_the_jacobian(key: jax.Array) -> None:
    x = jax.random.normal(key, (3,))
    np.testing.assert_allclose(
        sum_gradient_via_vjp(_vector_map, x),
        jax.jacfwd(_vector_map)(x).sum(axis=0),
        rtol=1e-5,
    )


@pytest.mark.parametrize("hvp", HVPS)
@given(st.sampled_from([2, 3, 8]), st.integers(0, 2**16))
def test_every_hvp_matches_the_hand_derived_rosenbrock_hvp(
    hvp, n: int, seed: int
) -> None:
    k1, k2 = jax.random.split(jax.random.key(seed))
    with jax.enable_x64(True):
        x = jax.random.normal(k1, (n,), jnp.float64)
        v = jax.random.normal(k2, (n,), jnp.float64)
        np.testing.assert_allclose(
            hvp(rosenbrock, x, v), rosenbrock_hvp(x, v), rtol=1e-10
        )


@pytest.mark.parametrize("hvp", HVPS)
def test_hvps_handle_matrix_inputs(hvp, key: jax.Array) -> None:
    def f(m: jax.Array) -> jax.Array:
        return jnp.sum(jnp.sin(m) ** 2) + jnp.sum(m @ m.T)

    k1, k2 = jax.random.split(key)
    x, v = jax.random.normal(k1, (2, 3)), jax.random.normal(k2, (2, 3))
    expected = (jax.hessian(f)(x).reshape(6, 6) @ v.reshape(6)).reshape(2, 3)
    np.testing.assert_allclose(hvp(f, x, v), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("hvp", HVPS)
def test_hvps_reject_a_vector_of_the_wrong_shape(hvp) -> None:
    with pytest.raises(ValueError, match=r"shaped like x.*\(3,\)"):
        hvp(rosenbrock, jnp.ones(3), jnp.ones(4))
