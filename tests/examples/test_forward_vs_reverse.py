"""Tests for autodiff_cookbook.examples.forward_vs_reverse: the central-difference Jacobian."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from autodiff_cookbook.examples.forward_vs_reverse import jacobian_central_difference

from .functions import vector_map


def test_central_difference_is_accurate_in_float64(key: jax.Array) -> None:
    with jax.enable_x64(True):
        x = jax.random.normal(key, (3,), jnp.float64)
        approx = jacobian_central_difference(vector_map, x)
        np.testing.assert_allclose(
            approx, jax.jacfwd(vector_map)(x), rtol=1e-8, atol=1e-9
        )


def test_central_difference_with_a_huge_step_is_inaccurate(key: jax.Array) -> None:
    with jax.enable_x64(True):
        x = jax.random.normal(key, (3,), jnp.float64)
        approx = jacobian_central_difference(vector_map, x, step=0.5)
        assert not np.allclose(approx, jax.jacfwd(vector_map)(x), rtol=1e-3)


def test_central_difference_rejects_a_non_positive_step() -> None:
    with pytest.raises(ValueError, match="step must be positive"):
        jacobian_central_difference(vector_map, jnp.ones(3), step=0.0)
