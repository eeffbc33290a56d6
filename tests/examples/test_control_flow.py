"""Tests for autodiff_cookbook.examples.control_flow: four loops, one gradient; branches."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import check_gradient, domains
from autodiff_cookbook.examples.control_flow import (
    ROLLOUTS,
    adjoint_gradient,
    euler_step,
    final_loss,
    measure_compile,
    rollout_scan,
    saved_residuals,
    sqrt_or_zero_cond,
    sqrt_or_zero_double_where,
    sqrt_or_zero_where,
)


def _params(seed: int, n: int, dtype: jnp.dtype = jnp.float32) -> dict[str, jax.Array]:
    k = jax.random.split(jax.random.key(seed), 3)
    return {
        "x0": jax.random.normal(k[0], (n,), dtype),
        "W": jax.random.normal(k[1], (n, n), dtype),
        "b": jax.random.normal(k[2], (n,), dtype),
    }


@given(st.integers(0, 2**16), st.sampled_from([0, 1, 5]), st.sampled_from([1, 3]))
def test_the_four_loops_compute_the_same_state(seed: int, steps: int, n: int) -> None:
    with jax.enable_x64(True):
        p = _params(seed, n, jnp.float64)
        expected = p["x0"]
        for _ in range(steps):
            expected = expected + 0.1 * np.tanh(np.asarray(p["W"]) @ expected + p["b"])
        for name, rollout in ROLLOUTS.items():
            np.testing.assert_allclose(
                rollout(p["x0"], p["W"], p["b"], 0.1, steps),
                expected,
                rtol=1e-12,
                err_msg=name,
            )


@pytest.mark.parametrize("name", ["Python loop", "fori_loop", "scan"])
def test_reverse_mode_matches_the_adjoint_gradient(name: str) -> None:
    rollout = ROLLOUTS[name]
    domain = {"x0": domains.real(3), "W": domains.real((3, 3)), "b": domains.real(3)}
    result = check_gradient(
        lambda p: final_loss(rollout, p, 0.1, 6),
        lambda p: adjoint_gradient(p, 0.1, 6),
        domain,
        trials=16,
    )
    assert result.ok, result.verdict


def test_a_wrong_adjoint_is_caught() -> None:
    # Dropping the h W^T term of the adjoint recursion gives a wrong gradient.
    def wrong(p: dict[str, jax.Array]) -> dict[str, jax.Array]:
        g = adjoint_gradient(p, 0.1, 6)
        return {**g, "x0": rollout_scan(p["x0"], p["W"], p["b"], 0.1, 6)}

    domain = {"x0": domains.real(3), "W": domains.real((3, 3)), "b": domains.real(3)}
    result = check_gradient(
        lambda p: final_loss(rollout_scan, p, 0.1, 6), wrong, domain, trials=16
    )
    assert not result.ok


def test_while_loop_refuses_reverse_mode_and_allows_forward_mode() -> None:
    p = _params(0, 3)
    loss = lambda q: final_loss(ROLLOUTS["while_loop"], q, 0.1, 4)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work"):
        jax.grad(loss)(p)
    forward = jax.jacfwd(loss)(p)
    reverse = jax.grad(lambda q: final_loss(rollout_scan, q, 0.1, 4))(p)
    for k in p:
        np.testing.assert_allclose(forward[k], reverse[k], rtol=1e-5, atol=1e-6)


def test_static_fori_loop_is_a_scan() -> None:
    p = _params(0, 2)
    jaxpr = str(
        jax.make_jaxpr(lambda q: final_loss(ROLLOUTS["fori_loop"], q, 0.1, 3))(p)
    )
    assert "scan[" in jaxpr
    assert "while[" not in jaxpr


@pytest.mark.parametrize("steps", [-1, 2.0, True])
def test_steps_must_be_a_static_nonnegative_int(steps: object) -> None:
    with pytest.raises(ValueError, match="steps must be a Python int"):
        ROLLOUTS["scan"](jnp.zeros(2), jnp.eye(2), jnp.zeros(2), 0.1, steps)  # type: ignore[arg-type]


def test_euler_step_is_the_formula() -> None:
    x, w, b = (
        jnp.array([1.0, -2.0]),
        jnp.array([[0.5, 1.0], [0.0, 2.0]]),
        jnp.array([0.1, 0.2]),
    )
    np.testing.assert_allclose(
        euler_step(x, w, b, 0.3), x + 0.3 * np.tanh(w @ x + b), rtol=1e-6
    )


def test_single_where_has_nan_gradients_and_the_fixes_do_not() -> None:
    x = jnp.array([-2.0, -0.0, 0.0, 0.25, 9.0])
    expected = np.array([0.0, 0.0, 0.0, 1.0, 1 / 6])
    assert float(sqrt_or_zero_where(x)) == pytest.approx(3.5)
    naive = np.asarray(jax.grad(sqrt_or_zero_where)(x))
    assert np.isnan(naive[:3]).all()
    np.testing.assert_allclose(naive[3:], expected[3:], rtol=1e-6)
    assert float(sqrt_or_zero_double_where(x)) == pytest.approx(3.5)
    np.testing.assert_allclose(
        jax.grad(sqrt_or_zero_double_where)(x), expected, rtol=1e-6
    )
    np.testing.assert_allclose(
        jax.vmap(jax.grad(sqrt_or_zero_cond))(x), expected, rtol=1e-6
    )
    np.testing.assert_allclose(
        jax.jacfwd(sqrt_or_zero_double_where)(x), expected, rtol=1e-6
    )


def test_measure_compile_reads_memory_that_grows_with_the_steps() -> None:
    p = {"x0": jnp.ones(32), "W": jnp.eye(32), "b": jnp.zeros(32)}
    small, large = (
        measure_compile(
            lambda t=t: jax.grad(lambda q: final_loss(rollout_scan, q, 0.1, t)),
            p,
            repeats=1,
        )
        for t in (4, 64)
    )
    assert small.seconds > 0
    assert large.seconds > 0
    assert small.argument_bytes == large.argument_bytes == (32 + 32 * 32 + 32) * 4
    # Three float32 vectors of size 32 saved per step.
    assert large.temp_bytes - small.temp_bytes == 60 * 3 * 32 * 4
    with pytest.raises(ValueError, match="repeats"):
        measure_compile(lambda: jnp.sin, jnp.ones(2), repeats=0)


def test_measure_compile_leaves_the_cache_setting_as_it_was() -> None:
    option = "jax_persistent_cache_min_compile_time_secs"
    before = getattr(jax.config, option)
    measure_compile(lambda: jnp.cos, jnp.ones(3), repeats=1)
    assert getattr(jax.config, option) == before


def test_saved_residuals_keeps_or_drops_locations() -> None:
    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(jnp.sin(x))

    with_location = saved_residuals(f, jnp.ones(3))
    without = saved_residuals(f, jnp.ones(3), locations=False)
    assert without == ["f32[3] output of cos"]
    assert with_location[0].startswith("f32[3] output of cos from ")
    assert "test_control_flow.py" in with_location[0]
