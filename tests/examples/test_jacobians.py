"""Tests for autodiff_cookbook.examples.jacobians: the seed's linear map, and Jacobians from JVPs and VJPs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.hessians import rosenbrock
from autodiff_cookbook.examples.jacobians import (
    jacfwd_from_jvp,
    jacrev_from_vjp,
    linear_map,
    linear_map_jacobian,
)

from .functions import vector_map

dims = st.integers(min_value=1, max_value=4)


def test_linear_map_is_x_times_w() -> None:
    w = jnp.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(
        linear_map(jnp.array([1.0, -1.0]), w), [-3.0, -3.0, -3.0]
    )


def test_the_seed_jacobian_has_outputs_first(key: jax.Array) -> None:
    k_w, k_x = jax.random.split(key)
    w = jax.random.normal(k_w, (5, 10))
    x = jax.random.normal(k_x, (5,))
    j_fwd = jax.jacfwd(linear_map)(x, w)
    j_rev = jax.jacrev(linear_map)(x, w)
    assert j_fwd.shape == j_rev.shape == (10, 5)
    np.testing.assert_array_equal(j_fwd, w.T)
    np.testing.assert_array_equal(j_rev, w.T)
    np.testing.assert_array_equal(linear_map_jacobian(x, w), w.T)


@given(dims, dims, st.integers(min_value=0, max_value=2**31 - 1))
def test_jacobian_is_w_transposed_for_any_shape(n: int, m: int, seed: int) -> None:
    k_w, k_x = jax.random.split(jax.random.key(seed))
    w = jax.random.normal(k_w, (n, m))
    x = jax.random.normal(k_x, (n,))
    expected = linear_map_jacobian(x, w)
    assert expected.shape == (m, n)
    np.testing.assert_allclose(jax.jacrev(linear_map)(x, w), expected, rtol=1e-6)
    np.testing.assert_allclose(jax.jacfwd(linear_map)(x, w), expected, rtol=1e-6)


def test_jacobian_does_not_depend_on_x(key: jax.Array) -> None:
    w = jax.random.normal(key, (4, 3))
    jac = jax.jit(jax.jacfwd(linear_map))
    np.testing.assert_array_equal(jac(jnp.zeros(4), w), jac(100.0 * jnp.ones(4), w))


def test_second_derivative_of_the_linear_map_is_zero(key: jax.Array) -> None:
    w = jax.random.normal(key, (5, 10))
    hessian = jax.jacrev(jax.jacfwd(linear_map))(jnp.ones(5), w)
    assert hessian.shape == (10, 5, 5)
    np.testing.assert_array_equal(hessian, jnp.zeros((10, 5, 5)))


def test_jacobian_follows_the_input_dtype() -> None:
    with jax.enable_x64(True):
        w = jnp.ones((3, 2), dtype=jnp.float32)
        assert (
            linear_map_jacobian(jnp.ones(3, dtype=jnp.float64), w).dtype == jnp.float64
        )


@pytest.mark.parametrize(
    ("x_shape", "w_shape"), [((5,), (4, 10)), ((5, 1), (5, 10)), ((5,), (5,))]
)
@pytest.mark.parametrize("fun", [linear_map, linear_map_jacobian])
def test_mismatched_shapes_are_rejected(
    fun: object, x_shape: tuple[int, ...], w_shape: tuple[int, ...]
) -> None:
    with pytest.raises(ValueError, match=r"x of shape \(n,\) and w of shape \(n, m\)"):
        fun(jnp.ones(x_shape), jnp.ones(w_shape))  # type: ignore[operator]


def _matrix_map(x: jax.Array) -> jax.Array:
    """R^{2x3} -> R^{3x2}: exercises non-vector shapes."""
    return jnp.tanh(x.T @ x[:, :2])


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_equal_jax_on_vectors(build, key: jax.Array) -> None:
    x = jax.random.normal(key, (3,))
    np.testing.assert_allclose(
        build(vector_map)(x), jax.jacfwd(vector_map)(x), rtol=1e-6
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
        jax.jit(build(vector_map))(x), jax.jacfwd(vector_map)(x), rtol=1e-6
    )


@pytest.mark.parametrize("build", [jacfwd_from_jvp, jacrev_from_vjp])
def test_rebuilt_jacobians_reject_integer_inputs(build) -> None:
    with pytest.raises(TypeError, match=r"floating-point input.*jnp\.asarray"):
        build(vector_map)(jnp.arange(3))
