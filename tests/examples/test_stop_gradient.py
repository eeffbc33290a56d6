"""Tests for autodiff_cookbook.examples.stop_gradient: TD targets and straight-through rounding."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import check_gradient, domains
from autodiff_cookbook.examples.stop_gradient import (
    fit_linear_values,
    random_walk_transitions,
    residual_td_loss,
    round_straight_through,
    td_loss,
    td_semi_gradient,
)


def test_random_walk_has_two_transitions_per_state_and_one_reward() -> None:
    phi, phi_next, reward = random_walk_transitions(4)
    assert phi.shape == phi_next.shape == (8, 4)
    assert float(reward.sum()) == 1.0
    # Two rows per state, and both terminal transitions have zero features.
    np.testing.assert_array_equal(phi.sum(0), [2, 2, 2, 2])
    assert int((phi_next.sum(1) == 0).sum()) == 2


@given(st.sampled_from([1, 5]), st.integers(0, 2**16))
def test_td_gradient_is_the_hand_derived_semi_gradient(n: int, seed: int) -> None:
    phi, phi_next, reward = random_walk_transitions(n)
    with jax.enable_x64(True):
        theta = jax.random.normal(jax.random.key(seed), (n,), jnp.float64)
        np.testing.assert_allclose(
            jax.grad(td_loss)(theta, phi, phi_next, reward, 0.9),
            td_semi_gradient(theta, phi, phi_next, reward, 0.9),
            rtol=1e-12,
            atol=1e-15,
        )


def test_td_and_residual_losses_have_the_same_value_but_different_gradients() -> None:
    phi, phi_next, reward = random_walk_transitions(5)
    theta = jnp.arange(1, 6) / 6
    assert float(td_loss(theta, phi, phi_next, reward)) == float(
        residual_td_loss(theta, phi, phi_next, reward)
    )
    td = jax.grad(td_loss)(theta, phi, phi_next, reward)
    full = jax.grad(residual_td_loss)(theta, phi, phi_next, reward)
    np.testing.assert_allclose(
        td, 0.0, atol=1e-7
    )  # the true values are TD's fixed point
    assert float(jnp.max(jnp.abs(full))) > 1e-2


def test_checker_accepts_the_semi_gradient_only_without_finite_differences() -> None:
    phi, phi_next, reward = random_walk_transitions(5)

    def loss(t: jax.Array) -> jax.Array:
        return td_loss(t, phi, phi_next, reward)

    def semi(t: jax.Array) -> jax.Array:
        return td_semi_gradient(t, phi, phi_next, reward)

    assert check_gradient(loss, semi, domains.real(5), fd_directions=0).ok
    with_fd = check_gradient(loss, semi, domains.real(5))
    assert not with_fd.ok
    assert not with_fd.fd.ok


def test_td_recovers_the_true_values_and_the_residual_gradient_does_not() -> None:
    transitions = random_walk_transitions(5)
    true_values = jnp.arange(1, 6) / 6
    td = fit_linear_values(td_loss, transitions)
    residual = fit_linear_values(residual_td_loss, transitions)
    np.testing.assert_allclose(td, true_values, atol=1e-4)
    assert float(jnp.max(jnp.abs(residual - true_values))) > 0.05
    # The residual solution has the smaller mean squared TD error: it minimises it.
    assert float(residual_td_loss(residual, *transitions)) < float(
        residual_td_loss(td, *transitions)
    )


def test_td_losses_name_shape_mismatches() -> None:
    phi, phi_next, reward = random_walk_transitions(3)
    with pytest.raises(ValueError, match="phi_next"):
        td_loss(jnp.zeros(3), phi, phi_next[:, :2], reward)
    with pytest.raises(ValueError, match="one per transition"):
        td_loss(jnp.zeros(3), phi, phi_next, reward[:-1])


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="n_states must be at least 1"):
        random_walk_transitions(0)
    with pytest.raises(ValueError, match="steps must be at least 1"):
        fit_linear_values(td_loss, random_walk_transitions(2), steps=0)


@given(st.floats(min_value=-1e3, max_value=1e3, allow_nan=False))
def test_straight_through_rounds_forward_and_passes_gradients(x: float) -> None:
    x32 = jnp.float32(x)
    assert float(round_straight_through(x32)) == float(jnp.round(x32))
    assert float(jax.grad(round_straight_through)(x32)) == 1.0
    assert float(jax.grad(jnp.round)(x32)) == 0.0
