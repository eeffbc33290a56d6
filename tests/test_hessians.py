"""Tests for autodiff_cookbook.hessians: the Laplacian and Hutchinson's estimator."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import (
    hutchinson_laplacian,
    hutchinson_samples,
    laplacian,
    rosenbrock,
    rosenbrock_hessian,
)

points = st.lists(
    st.floats(min_value=-2.0, max_value=2.0, allow_nan=False), min_size=2, max_size=8
)


def test_laplacian_of_a_squared_norm_is_twice_the_dimension() -> None:
    assert float(laplacian(lambda x: jnp.sum(x**2), jnp.ones(7))) == pytest.approx(14.0)


@given(points)
def test_laplacian_is_the_trace_of_the_hand_derived_hessian(x: list[float]) -> None:
    with jax.enable_x64(True):
        point = jnp.asarray(x, dtype=jnp.float64)
        expected = jnp.trace(rosenbrock_hessian(point))
        np.testing.assert_allclose(
            laplacian(rosenbrock, point), expected, rtol=1e-12, atol=1e-9
        )


def test_laplacian_treats_every_entry_of_a_matrix_as_a_variable() -> None:
    x = jnp.arange(6.0).reshape(2, 3) - 2.0
    # f = sum x^3 has d2f/dx2 = 6 x in every entry.
    np.testing.assert_allclose(laplacian(lambda a: jnp.sum(a**3), x), 6 * jnp.sum(x))


def test_laplacian_of_a_harmonic_function_is_zero() -> None:
    def harmonic(p: jax.Array) -> jax.Array:
        return p[0] ** 2 - p[1] ** 2 + jnp.exp(p[0]) * jnp.cos(p[1])

    np.testing.assert_allclose(
        laplacian(harmonic, jnp.array([0.3, -1.1])), 0.0, atol=1e-5
    )


def test_hutchinson_samples_are_v_h_v_for_rademacher_probes(key: jax.Array) -> None:
    x = jnp.linspace(-1.0, 1.0, 5)
    samples = hutchinson_samples(rosenbrock, x, key, num_probes=16)
    probes = jax.random.rademacher(key, (16, 5), dtype=x.dtype)
    assert set(np.unique(np.asarray(probes)).tolist()) <= {-1.0, 1.0}
    expected = jnp.einsum("ki,ij,kj->k", probes, rosenbrock_hessian(x), probes)
    np.testing.assert_allclose(samples, expected, rtol=1e-5)


def test_hutchinson_is_exact_when_the_hessian_is_diagonal(key: jax.Array) -> None:
    x = jnp.linspace(-1.0, 2.0, 6)

    def separable(p: jax.Array) -> jax.Array:
        return jnp.sum(jnp.sin(p) + p**4)

    exact = laplacian(separable, x)
    np.testing.assert_allclose(
        hutchinson_samples(separable, x, key, 8), exact, rtol=1e-5
    )


def test_hutchinson_estimate_is_unbiased_within_its_standard_error(
    key: jax.Array,
) -> None:
    with jax.enable_x64(True):
        x = jnp.linspace(-1.0, 1.5, 8, dtype=jnp.float64)
        k = 4000
        samples = hutchinson_samples(rosenbrock, x, key, num_probes=k)
        hessian = rosenbrock_hessian(x)
        exact = float(jnp.trace(hessian))
        # The variance of one Rademacher sample is 2 * (sum of squared off-diagonal entries).
        off_diagonal = hessian - jnp.diag(jnp.diag(hessian))
        std_error = float(jnp.sqrt(2 * jnp.sum(off_diagonal**2) / k))
        assert abs(float(samples.mean()) - exact) < 4 * std_error
        assert float(samples.std()) == pytest.approx(std_error * np.sqrt(k), rel=0.1)
        estimate = hutchinson_laplacian(rosenbrock, x, key, num_probes=k)
        np.testing.assert_allclose(estimate, samples.mean(), rtol=1e-12)


def test_an_unhashable_function_still_works(key: jax.Array) -> None:
    class Quadratic:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, x: jax.Array) -> jax.Array:
            return jnp.sum(3.0 * x**2)

    f = Quadratic()
    assert float(laplacian(f, jnp.ones(4))) == pytest.approx(24.0)
    np.testing.assert_allclose(hutchinson_samples(f, jnp.ones(4), key, 3), 24.0)


def _call(name: str, f: Callable[[jax.Array], jax.Array], x: jax.Array) -> jax.Array:
    if name == "laplacian":
        return laplacian(f, x)
    if name == "hutchinson_samples":
        return hutchinson_samples(f, x, jax.random.key(0), 4)
    return hutchinson_laplacian(f, x, jax.random.key(0), 4)


NAMES = ["laplacian", "hutchinson_samples", "hutchinson_laplacian"]


@pytest.mark.parametrize("name", NAMES)
def test_vector_outputs_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match=r"scalar-output function.*\(3,\)"):
        _call(name, jnp.sin, jnp.ones(3))


@pytest.mark.parametrize("name", NAMES)
def test_integer_inputs_are_rejected(name: str) -> None:
    with pytest.raises(TypeError, match="floating-point input"):
        _call(name, jnp.sum, jnp.arange(3))


@pytest.mark.parametrize("num_probes", [0, -2])
def test_num_probes_must_be_positive(key: jax.Array, num_probes: int) -> None:
    with pytest.raises(ValueError, match="num_probes must be 1 or more"):
        hutchinson_samples(rosenbrock, jnp.ones(3), key, num_probes)
