"""Tests for autodiff_cookbook.examples.gradients, the examples of the jax.grad page."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.gradients import (
    RELU_CHAIN_INPUT,
    double,
    quadratic,
    quadratic_derivative,
    relu,
    relu_chain,
)

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


def test_double_has_slope_two() -> None:
    assert float(jax.grad(double)(100.0)) == 2.0
    assert float(jax.grad(double)(-3.5)) == 2.0


def test_quadratic_gradient_matches_the_seed() -> None:
    assert float(jax.grad(quadratic)(100.0)) == 205.0
    assert float(jax.grad(quadratic)(6.0)) == 17.0


@given(finite)
def test_quadratic_derivative_matches_autodiff(x: float) -> None:
    with jax.enable_x64(True):
        expected = jax.grad(quadratic)(jnp.float64(x))
        np.testing.assert_allclose(
            quadratic_derivative(jnp.float64(x)), expected, rtol=1e-12
        )


def test_grad_of_vector_output_names_the_shape() -> None:
    with pytest.raises(TypeError, match=r"scalar-output.*\(3,\)"):
        jax.grad(quadratic)(jnp.array([10.0, 20.0, 30.0]))


def test_relu_is_zero_below_the_kink_with_zero_derivative_at_it() -> None:
    x = jnp.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu(x), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(jax.grad(lambda v: relu(v).sum())(x), [0.0, 0.0, 1.0])


def test_relu_chain_gradient_matches_the_seed() -> None:
    g = jax.grad(relu_chain)(jnp.array([-1.0, 1.0, 0.0, -0.5, 0.6]))
    np.testing.assert_allclose(g, [0.0, 200.0, 0.0, 0.0, 17.28], rtol=1e-5)


@given(st.lists(st.floats(min_value=0.05, max_value=2.0), min_size=5, max_size=5))
def test_relu_chain_gradient_is_four_x_w_cubed_for_positive_weights(
    w: list[float],
) -> None:
    with jax.enable_x64(True):
        weights = jnp.asarray(w, dtype=jnp.float64)
        signal = jnp.asarray(RELU_CHAIN_INPUT, dtype=jnp.float64)
        np.testing.assert_allclose(
            jax.grad(relu_chain)(weights), 4 * signal * weights**3, rtol=1e-12
        )


def test_relu_chain_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match=r"one weight per signal component.*\(5,\)"):
        relu_chain(jnp.ones(3))


def test_relu_chain_rejects_negative_steps() -> None:
    with pytest.raises(ValueError, match="steps must be 0 or more"):
        relu_chain(jnp.ones(5), steps=-1)
