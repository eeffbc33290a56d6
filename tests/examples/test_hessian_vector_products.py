"""Tests for autodiff_cookbook.examples.hessian_vector_products: four HVPs and the Rosenbrock gradient."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.hessian_vector_products import (
    hvp_reverse_over_forward,
    hvp_reverse_over_reverse,
    hvp_via_hessian,
    rosenbrock_gradient,
)
from autodiff_cookbook.examples.hessians import (
    hvp_forward_over_reverse,
    rosenbrock,
    rosenbrock_hvp,
)

from .functions import SEEDS, SIZES, draw

HVPS = [
    hvp_forward_over_reverse,
    hvp_reverse_over_forward,
    hvp_reverse_over_reverse,
    hvp_via_hessian,
]


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


@given(SIZES, SEEDS)
def test_rosenbrock_gradient_matches_autodiff(n: int, seed: int) -> None:
    with jax.enable_x64(True):
        x = draw(seed, (n,))
        np.testing.assert_allclose(
            rosenbrock_gradient(x), jax.grad(rosenbrock)(x), rtol=1e-12
        )


def test_rosenbrock_gradient_rejects_short_or_non_vector_inputs() -> None:
    # Its siblings (rosenbrock, rosenbrock_hessian, rosenbrock_hvp) are tested
    # the same way in test_hessians.py.
    with pytest.raises(ValueError, match="vector of length at least 2"):
        rosenbrock_gradient(jnp.ones(1))
    with pytest.raises(ValueError, match="vector of length at least 2"):
        rosenbrock_gradient(jnp.ones((2, 2)))
