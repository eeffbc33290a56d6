"""Tests for autodiff_cookbook.examples.gauss_newton: GGN and Fisher products, Levenberg-Marquardt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax.flatten_util import ravel_pytree

from autodiff_cookbook import check_hvp, domains
from autodiff_cookbook.examples.gauss_newton import (
    conjugate_gradient,
    curvature_gap_vp,
    exp_decay,
    fisher_vp,
    ggn_matrix,
    ggn_vp,
    init_tanh_network,
    levenberg_marquardt,
    linearised,
    softmax_cross_entropy,
    softmax_cross_entropy_hessian_vp,
    squared_error,
    squared_error_hessian_vp,
    tanh_network,
)

T = np.linspace(0.0, 4.0, 40)
TRUE = np.array([2.0, 1.3, 0.5])
X = np.linspace(-2.0, 2.0, 12)[:, None]


def _curve(noise: float = 0.0, seed: int = 0) -> np.ndarray:
    return (
        2.0 * np.exp(-1.3 * T)
        + 0.5
        + noise * np.random.default_rng(seed).standard_normal(T.size)
    )


def _flat_matrix(product: Callable[[Any], Any], params: Any) -> np.ndarray:
    """The matrix of a linear map on a pytree, column by column."""
    flat, unravel = ravel_pytree(params)
    cols = [ravel_pytree(product(unravel(e)))[0] for e in jnp.eye(flat.size)]
    return np.stack([np.asarray(c) for c in cols], axis=1)


@pytest.fixture
def x64() -> Iterator[None]:
    with jax.enable_x64(True):
        yield


@settings(derandomize=True, max_examples=15, deadline=None)
@given(
    st.floats(-3, 3),
    st.floats(0.05, 3),
    st.floats(-2, 2),
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
)
def test_ggn_vp_is_jt_j_times_v_for_least_squares(
    a: float, b: float, c: float, v: list[float]
) -> None:
    with jax.enable_x64(True):
        y = _curve()
        theta = jnp.array([a, b, c])
        vec = jnp.array(v)

        def residuals(th: jax.Array) -> jax.Array:
            return exp_decay(th, T) - y

        jac = np.asarray(jax.jacfwd(residuals)(theta))
        got = np.asarray(ggn_vp(residuals, squared_error_hessian_vp, theta, vec))
        np.testing.assert_allclose(
            got, jac.T @ jac @ np.asarray(vec), rtol=1e-10, atol=1e-10
        )


@pytest.mark.usefixtures("x64")
def test_ggn_plus_the_curvature_gap_is_the_hessian_on_a_pytree(key: jax.Array) -> None:
    params = init_tanh_network(3, (1, 5, 1), jnp.float64)
    y = np.sin(2 * X)

    def residuals(p: dict[str, jax.Array]) -> jax.Array:
        return tanh_network(p, X) - y

    flat, unravel = ravel_pytree(params)
    v = unravel(jax.random.normal(key, flat.shape, jnp.float64))
    gv = ravel_pytree(ggn_vp(residuals, squared_error_hessian_vp, params, v))[0]
    cv = ravel_pytree(curvature_gap_vp(residuals, squared_error, params, v))[0]
    hv = (
        jax.hessian(lambda f, u=unravel: squared_error(residuals(u(f))))(flat)
        @ ravel_pytree(v)[0]
    )
    np.testing.assert_allclose(gv + cv, hv, rtol=1e-10, atol=1e-10)
    # At a random network the dropped term is not small.
    assert float(jnp.linalg.norm(cv)) > 1e-2 * float(jnp.linalg.norm(hv))


@pytest.mark.usefixtures("x64")
def test_ggn_matrix_of_a_linear_model_is_a_transpose_a() -> None:
    a = np.arange(12.0).reshape(4, 3) / 7 - 0.5
    got = ggn_matrix(lambda th: a @ th - 1.0, squared_error, jnp.ones(3))
    np.testing.assert_allclose(got, a.T @ a, rtol=1e-12)
    # and it is the matrix of ggn_vp
    prod = _flat_matrix(
        lambda v: ggn_vp(
            lambda th: a @ th - 1.0, squared_error_hessian_vp, jnp.ones(3), v
        ),
        jnp.ones(3),
    )
    np.testing.assert_allclose(prod, a.T @ a, rtol=1e-12)


@pytest.mark.usefixtures("x64")
def test_softmax_hessian_vp_matches_autodiff_and_ignores_labels(key: jax.Array) -> None:
    k1, k2 = jax.random.split(key)
    z = jax.random.normal(k1, (4, 5), jnp.float64)
    u = jax.random.normal(k2, (4, 5), jnp.float64)
    for labels in (jnp.array([0, 1, 2, 3]), jnp.array([4, 4, 0, 0])):
        _, hu = jax.jvp(
            jax.grad(lambda zz, lab=labels: softmax_cross_entropy(zz, lab)), (z,), (u,)
        )
        np.testing.assert_allclose(
            softmax_cross_entropy_hessian_vp(z, u), hu, rtol=1e-12, atol=1e-14
        )


@pytest.mark.usefixtures("x64")
def test_softmax_cross_entropy_is_the_negative_log_likelihood() -> None:
    z = jnp.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    labels = jnp.array([1, 0])
    p = jax.nn.softmax(z, axis=-1)
    expected = -np.log(float(p[0, 1])) - np.log(float(p[1, 0]))
    assert float(softmax_cross_entropy(z, labels)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.usefixtures("x64")
def test_fisher_vp_is_the_expected_outer_product_of_scores() -> None:
    rng = np.random.default_rng(5)
    points = rng.standard_normal((9, 2))
    params = init_tanh_network(1, (2, 4, 3), jnp.float64)
    flat, unravel = ravel_pytree(params)

    def logits(p: dict[str, jax.Array]) -> jax.Array:
        return tanh_network(p, points)

    def log_probs(f: jax.Array) -> jax.Array:
        return jax.nn.log_softmax(logits(unravel(f)), axis=-1)

    scores = np.asarray(jax.jacrev(log_probs)(flat))
    probs = np.exp(np.asarray(log_probs(flat)))
    expected = np.einsum("nc,ncp,ncq->pq", probs, scores, scores)
    got = _flat_matrix(lambda v: fisher_vp(logits, params, v), params)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.usefixtures("x64")
def test_the_ggn_is_psd_where_the_hessian_is_not() -> None:
    y = np.sin(2 * X)

    def residuals(p: dict[str, jax.Array]) -> jax.Array:
        return tanh_network(p, X) - y

    indefinite = 0
    for seed in range(4):
        params = init_tanh_network(seed, (1, 6, 1), jnp.float64)
        flat, unravel = ravel_pytree(params)
        g = np.linalg.eigvalsh(np.asarray(ggn_matrix(residuals, squared_error, params)))
        h = np.linalg.eigvalsh(
            np.asarray(
                jax.hessian(lambda f, u=unravel: squared_error(residuals(u(f))))(flat)
            )
        )
        assert g[0] >= -1e-10 * g[-1]
        indefinite += int(h[0] < -1e-3 * h[-1])
    assert indefinite >= 3, "random networks should have indefinite Hessians"


@pytest.mark.usefixtures("x64")
def test_check_hvp_accepts_the_linearised_loss_and_rejects_the_true_one() -> None:
    y = _curve(0.02)
    theta0 = jnp.array([1.0, 0.2, 0.0])  # float64, like the check's inputs

    def residuals(th: jax.Array) -> jax.Array:
        return exp_decay(th, T) - y

    def product(th: jax.Array, v: jax.Array) -> Any:
        return ggn_vp(residuals, squared_error_hessian_vp, th, v)

    linear = check_hvp(
        lambda th: squared_error(linearised(residuals, theta0)(th)),
        lambda _, v: product(theta0, v),
        domains.real(3),
        trials=8,
    )
    assert linear.ok
    true_loss = check_hvp(
        lambda th: squared_error(residuals(th)),
        product,
        domains.near(theta0, 0.5),
        trials=8,
    )
    assert not true_loss.ok


@pytest.mark.usefixtures("x64")
def test_linearised_is_affine_and_exact_at_the_point() -> None:
    f = linearised(lambda th: jnp.sin(th) * th[0], jnp.array([0.3, -1.0]))
    d = jnp.array([0.2, 0.1])
    p0 = jnp.array([0.3, -1.0])
    np.testing.assert_allclose(f(p0), jnp.sin(p0) * 0.3, rtol=1e-14)
    np.testing.assert_allclose(
        f(p0 + 2 * d) - f(p0), 2 * (f(p0 + d) - f(p0)), rtol=1e-12, atol=1e-14
    )


@pytest.mark.usefixtures("x64")
def test_conjugate_gradient_solves_an_spd_system(key: jax.Array) -> None:
    m = jax.random.normal(key, (6, 6), jnp.float64)
    a = m @ m.T + 0.1 * jnp.eye(6)
    b = jnp.arange(1.0, 7.0)
    x, k = conjugate_gradient(lambda v: a @ v, b, tol=1e-12, maxiter=50)
    np.testing.assert_allclose(a @ x, b, rtol=1e-9)
    assert 1 <= int(k) <= 50
    _, k_capped = conjugate_gradient(lambda v: a @ v, b, tol=1e-12, maxiter=2)
    assert int(k_capped) == 2


@pytest.mark.usefixtures("x64")
def test_levenberg_marquardt_recovers_the_curve() -> None:
    y = _curve(0.01, seed=3)

    def residuals(th: jax.Array) -> jax.Array:
        return exp_decay(th, T) - y

    run = levenberg_marquardt(
        residuals, jnp.array([1.0, 0.2, 0.0]), max_iterations=40, gtol=1e-9
    )
    steps = int(run.iterations)
    assert bool(run.converged)
    assert 0 < steps < 40
    np.testing.assert_allclose(run.params, TRUE, atol=0.05)
    losses = np.asarray(run.loss)
    assert np.all(np.diff(losses) <= 0)
    assert np.all(losses[steps:] == losses[steps])
    assert float(run.gradient_norm[steps]) <= 1e-9 < float(run.gradient_norm[0])
    assert np.all(np.diff(np.asarray(run.products)) >= 0)
    assert int(run.products[steps]) >= steps - int(np.sum(np.diff(losses) == 0))
    assert run.loss.shape == run.damping.shape == (41,)


def test_levenberg_marquardt_on_a_pytree_in_float32() -> None:
    y = np.sin(X).astype(np.float32)
    params = init_tanh_network(0, (1, 4, 1))

    def residuals(p: dict[str, jax.Array]) -> jax.Array:
        return tanh_network(p, X.astype(np.float32)) - y

    run = levenberg_marquardt(residuals, params, max_iterations=30, gtol=1e-30)
    assert set(run.params) == {"W1", "W2", "b1", "b2"}
    assert run.params["W1"].dtype == jnp.float32
    assert not bool(run.converged), "a gradient test of 1e-30 cannot pass in float32"
    assert int(run.iterations) == 30
    assert float(run.loss[-1]) < 0.05 * float(run.loss[0])
