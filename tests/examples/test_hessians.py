"""Tests for autodiff_cookbook.examples.hessians: the Laplacian, Hutchinson's estimator, the test functions."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.hessians import (
    hutchinson_laplacian,
    hutchinson_samples,
    init_tanh_mlp,
    laplacian,
    rosenbrock,
    rosenbrock_hessian,
    rosenbrock_hvp,
    tanh_mlp,
)

from .functions import SEEDS, SIZES, draw

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


def test_rosenbrock_is_zero_at_its_minimum_and_positive_elsewhere() -> None:
    assert float(rosenbrock(jnp.ones(6))) == 0.0
    assert float(rosenbrock(jnp.array([1.0, 1.0, 1.1]))) > 0.0


@given(SIZES, SEEDS)
def test_rosenbrock_hessian_matches_autodiff_and_is_tridiagonal(
    n: int, seed: int
) -> None:
    with jax.enable_x64(True):
        x = draw(seed, (n,))
        hessian = rosenbrock_hessian(x)
        np.testing.assert_allclose(
            hessian, jax.hessian(rosenbrock)(x), rtol=1e-12, atol=1e-12
        )
        i, j = np.indices((n, n))
        assert np.all(np.asarray(hessian)[np.abs(i - j) > 1] == 0.0)


@given(SIZES, SEEDS)
def test_rosenbrock_hvp_is_the_hessian_times_the_vector(n: int, seed: int) -> None:
    with jax.enable_x64(True):
        x, v = draw(seed, (n,)), draw(seed + 1, (n,))
        np.testing.assert_allclose(
            rosenbrock_hvp(x, v), rosenbrock_hessian(x) @ v, rtol=1e-12, atol=1e-10
        )


@pytest.mark.parametrize(
    "fn",
    [
        rosenbrock,
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
