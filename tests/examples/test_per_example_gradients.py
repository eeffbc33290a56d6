"""Tests for autodiff_cookbook.examples.per_example_gradients: loss, aux outputs and per-example gradients."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import check_gradient, domains
from autodiff_cookbook.examples.per_example_gradients import (
    clip_per_example,
    fit_logistic,
    logistic_loss,
    logistic_loss_and_metrics,
    logistic_loss_gradient,
    make_logistic_data,
    per_example_gradients,
)


@pytest.fixture
def data(key: jax.Array) -> tuple[jax.Array, jax.Array, dict[str, jax.Array]]:
    return make_logistic_data(key, n=64, d=3)


def _params(seed: int, d: int) -> dict[str, jax.Array]:
    k1, k2 = jax.random.split(jax.random.key(seed))
    return {"w": jax.random.normal(k1, (d,)), "b": jax.random.normal(k2, ())}


def test_loss_is_the_mean_negative_log_likelihood(data) -> None:
    x, y, _ = data
    params = _params(1, 3)
    z = x @ params["w"] + params["b"]
    p = jax.nn.sigmoid(z)
    nll = -jnp.mean(y * jnp.log(p) + (1 - y) * jnp.log(1 - p))
    np.testing.assert_allclose(logistic_loss(params, x, y), nll, rtol=1e-5)


def test_loss_stays_finite_for_huge_logits() -> None:
    params = {"w": jnp.array([1e4]), "b": jnp.array(0.0)}
    x, y = jnp.array([[1.0], [-1.0]]), jnp.array([0.0, 1.0])
    loss = logistic_loss(params, x, y)
    np.testing.assert_allclose(loss, 1e4, rtol=1e-6)
    assert bool(jnp.all(jnp.isfinite(jax.grad(logistic_loss)(params, x, y)["w"])))


def test_hand_gradient_passes_the_pytree_check(data) -> None:
    x, y, _ = data
    result = check_gradient(
        lambda p: logistic_loss(p, x, y),
        lambda p: logistic_loss_gradient(p, x, y),
        {"w": domains.real(3), "b": domains.real(())},
    )
    assert result.ok, str(result)


def test_a_wrong_hand_gradient_fails_the_check(data) -> None:
    x, y, _ = data

    def missing_mean(p: dict[str, jax.Array]) -> dict[str, jax.Array]:
        g = logistic_loss_gradient(p, x, y)
        return {"w": g["w"] * x.shape[0], "b": g["b"]}

    result = check_gradient(
        lambda p: logistic_loss(p, x, y),
        missing_mean,
        {"w": domains.real(3), "b": domains.real(())},
    )
    assert not result.ok


def test_value_and_grad_with_aux_returns_loss_metrics_and_gradient(data) -> None:
    x, y, _ = data
    params = _params(2, 3)
    (loss, aux), grads = jax.value_and_grad(logistic_loss_and_metrics, has_aux=True)(
        params, x, y
    )
    np.testing.assert_allclose(loss, logistic_loss(params, x, y), rtol=1e-6)
    z = x @ params["w"] + params["b"]
    np.testing.assert_allclose(aux["probabilities"], jax.nn.sigmoid(z), rtol=1e-6)
    np.testing.assert_allclose(aux["accuracy"], jnp.mean((z > 0) == (y > 0.5)))
    np.testing.assert_allclose(
        grads["w"], logistic_loss_gradient(params, x, y)["w"], rtol=1e-4
    )


@given(st.sampled_from([1, 7]), st.sampled_from([1, 3]), st.integers(0, 2**16))
def test_per_example_gradients_match_the_closed_form(n: int, d: int, seed: int) -> None:
    with jax.enable_x64(True):
        x, y, _ = make_logistic_data(jax.random.key(seed), n, d, dtype=jnp.float64)
        params = jax.tree_util.tree_map(
            lambda a: a.astype(jnp.float64), _params(seed, d)
        )
        g = per_example_gradients(logistic_loss, params, x, y)
        residual = jax.nn.sigmoid(x @ params["w"] + params["b"]) - y
        np.testing.assert_allclose(
            g["w"], residual[:, None] * x, rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(g["b"], residual, rtol=1e-12, atol=1e-15)
        batch = logistic_loss_gradient(params, x, y)
        np.testing.assert_allclose(g["w"].mean(0), batch["w"], rtol=1e-10, atol=1e-14)


def test_per_example_gradients_work_under_jit(data) -> None:
    x, y, _ = data
    params = _params(3, 3)
    run = jax.jit(per_example_gradients, static_argnums=0)
    g = run(logistic_loss, params, x, y)
    assert g["w"].shape == (64, 3)
    assert g["b"].shape == (64,)


def test_per_example_gradients_reject_mismatched_batches() -> None:
    with pytest.raises(ValueError, match="same number of examples"):
        per_example_gradients(
            logistic_loss, _params(0, 2), jnp.ones((4, 2)), jnp.ones(3)
        )


def test_features_of_the_wrong_width_are_named() -> None:
    with pytest.raises(ValueError, match=r"d = 2.*got shape \(4, 3\)"):
        logistic_loss(_params(0, 2), jnp.ones((4, 3)), jnp.ones(4))


def test_clip_per_example_bounds_every_norm_and_keeps_small_ones(
    key: jax.Array,
) -> None:
    k1, k2 = jax.random.split(key)
    grads = {"w": 3 * jax.random.normal(k1, (32, 4)), "b": jax.random.normal(k2, (32,))}
    clipped = clip_per_example(grads, max_norm=1.0)
    before = jnp.sqrt(jnp.sum(grads["w"] ** 2, 1) + grads["b"] ** 2)
    after = jnp.sqrt(jnp.sum(clipped["w"] ** 2, 1) + clipped["b"] ** 2)
    assert bool(jnp.all(after <= 1.0 + 1e-6))
    np.testing.assert_allclose(after, jnp.minimum(before, 1.0), rtol=1e-5)
    # Directions are kept.
    np.testing.assert_allclose(
        clipped["w"] / after[:, None], grads["w"] / before[:, None], rtol=1e-4
    )


def test_clip_per_example_has_a_finite_gradient_at_zero() -> None:
    def total(g: jax.Array) -> jax.Array:
        return jnp.sum(clip_per_example({"w": g}, 1.0)["w"])

    grad = jax.grad(total)(jnp.zeros((2, 3)))
    assert bool(jnp.all(jnp.isfinite(grad)))


def test_clip_per_example_rejects_non_positive_norms() -> None:
    with pytest.raises(ValueError, match="max_norm must be positive"):
        clip_per_example({"w": jnp.ones((2, 2))}, 0.0)


def test_fit_logistic_decreases_the_loss_and_approaches_the_truth(
    key: jax.Array,
) -> None:
    x, y, true_params = make_logistic_data(key, n=4000, d=3)
    start = {"w": jnp.zeros(3), "b": jnp.zeros(())}
    fitted, history = fit_logistic(start, x, y, steps=300, learning_rate=1.0)
    assert history["loss"].shape == (300,)
    assert bool(jnp.all(jnp.diff(history["loss"]) <= 1e-6)), (
        "full-batch GD should not go up"
    )
    np.testing.assert_allclose(fitted["w"], true_params["w"], atol=0.25)
    assert float(history["accuracy"][-1]) > 0.6


def test_fit_logistic_rejects_zero_steps(data) -> None:
    x, y, _ = data
    with pytest.raises(ValueError, match="steps must be at least 1"):
        fit_logistic(_params(0, 3), x, y, steps=0)
