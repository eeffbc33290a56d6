"""Tests for autodiff_cookbook.examples.spectral: eigenvector and SVD derivatives near degeneracy."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import check_custom_rule, check_gradient, check_jvp, domains
from autodiff_cookbook.examples.spectral import (
    broadened_eigh,
    clustered_eigenvalues,
    eigenspace_projector,
    eigenspace_projector_jvp,
    eigh_jvp,
    eigh_signed,
    matrix_with_spectrum,
    nuclear_norm,
    nuclear_norm_grad,
    stable_eigenspace_projector,
    top_eigenvector,
    top_eigenvector_jvp,
    top_left_singular_vector,
    top_left_singular_vector_jvp,
    trace_exp,
    trace_exp_grad,
    trace_exp_through_eigenvectors,
)


@pytest.fixture
def orthogonal5() -> jax.Array:
    with jax.enable_x64(True):
        return domains.orthogonal(5).sample(jax.random.key(7), jnp.float64)


def test_eigh_signed_decomposes_and_fixes_signs(key: jax.Array) -> None:
    with jax.enable_x64(True):
        a = domains.symmetric(6).sample(key, jnp.float64)
        w, v = eigh_signed(a)
        np.testing.assert_allclose((v * w) @ v.T, a, atol=1e-12)
        largest = v[jnp.argmax(jnp.abs(v), axis=0), jnp.arange(6)]
        assert bool(jnp.all(largest > 0))
        # Flipping the input's eigenvectors does not change the output.
        _, v2 = eigh_signed(matrix_with_spectrum(-v, w))
        np.testing.assert_allclose(v2, v, atol=1e-10)


def test_eigh_jvp_matches_jax_on_distinct_eigenvalues() -> None:
    result = check_jvp(
        eigh_signed, eigh_jvp, domains.distinct_eigenvalues(4), trials=16
    )
    assert result.ok, result.verdict


def test_a_wrong_sign_in_the_eigenvector_formula_is_caught() -> None:
    def wrong(a: jax.Array, da: jax.Array) -> jax.Array:
        return -top_eigenvector_jvp(a, da)

    result = check_jvp(
        top_eigenvector, wrong, domains.distinct_eigenvalues(4), trials=8
    )
    assert not result.ok


def test_top_eigenvector_jvp_is_finite_below_a_repeated_eigenvalue(
    orthogonal5: jax.Array,
) -> None:
    with jax.enable_x64(True):
        a = jnp.diag(jnp.array([1.0, 1.0, 2.0, 3.0, 4.0]))
        da = orthogonal5 + orthogonal5.T
        by_hand = top_eigenvector_jvp(a, da)
        np.testing.assert_allclose(
            by_hand, jax.jvp(top_eigenvector, (a,), (da,))[1], atol=1e-14
        )
        # Reverse mode through eigh is NaN there (jax #4646): the page's claim.
        grad = jax.grad(lambda a: top_eigenvector(a) @ da @ top_eigenvector(a))(a)
        assert bool(jnp.all(jnp.isnan(grad)))


@jax.jit
def _gradient_norm_at_gap(gap: jax.Array) -> jax.Array:
    q = domains.orthogonal(4).sample(jax.random.key(3), gap.dtype)
    b = jnp.diag(jnp.arange(1.0, 5.0)) + 0.5
    a = matrix_with_spectrum(q, jnp.array([0.0, 1.0, 2.0, 3.0]).at[1].set(gap))
    g = jax.grad(lambda a: (v := jnp.linalg.eigh(a)[1][:, 0]) @ b @ v)(a)
    return jnp.linalg.norm(g)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(st.floats(min_value=-12, max_value=-4))
def test_eigenvector_gradient_scales_like_one_over_the_gap(log_gap: float) -> None:
    with jax.enable_x64(True):
        gap = 10.0**log_gap
        small = float(_gradient_norm_at_gap(jnp.float64(gap)))
        large = float(_gradient_norm_at_gap(jnp.float64(10 * gap)))
        assert small * gap == pytest.approx(large * 10 * gap, rel=0.01)


def test_projector_rule_matches_jax_where_eigenvalues_are_distinct() -> None:
    result = check_jvp(
        lambda a: eigenspace_projector(a, 2),
        lambda a, da: eigenspace_projector_jvp(a, da, 2),
        domains.distinct_eigenvalues(5),
        trials=16,
    )
    assert result.ok, result.verdict


def test_stable_projector_is_right_at_a_repeated_eigenvalue() -> None:
    # The custom rule against finite differences on the degenerate domain.
    result = check_custom_rule(
        lambda a: jnp.sum(jnp.tril(stable_eigenspace_projector(a, 2))),
        domains.distinct_eigenvalues(5),
        trials=8,
    )
    assert result.ok, result.verdict
    on_repeated = check_jvp(
        lambda a: stable_eigenspace_projector(a, 3),
        lambda a, da: eigenspace_projector_jvp(a, da, 3),
        clustered_eigenvalues(5, 3),
        trials=16,
    )
    assert on_repeated.ok, on_repeated.verdict


def test_projector_rule_is_bounded_by_the_outer_gap(orthogonal5: jax.Array) -> None:
    with jax.enable_x64(True):
        da = orthogonal5 + orthogonal5.T
        da = da / jnp.linalg.norm(da, 2)
        for inner in (1e-1, 1e-8, 0.0):
            a = matrix_with_spectrum(
                orthogonal5, jnp.array([0.0, inner, 2.0, 3.0, 4.0])
            )
            dp = eigenspace_projector_jvp(a, da, 2)
            assert bool(jnp.all(jnp.isfinite(dp)))
            assert float(jnp.linalg.norm(dp, 2)) <= 2 / (2.0 - inner) + 1e-12


def test_spectral_function_gradient_is_finite_and_right_at_repeated_eigenvalues() -> (
    None
):
    result = check_gradient(
        trace_exp, trace_exp_grad, clustered_eigenvalues(4, 3), trials=16
    )
    assert result.ok, result.verdict
    with jax.enable_x64(True):
        a = jnp.diag(jnp.array([0.5, 0.5, 2.0]))
        np.testing.assert_allclose(
            jax.grad(trace_exp)(a), jnp.diag(jnp.exp(jnp.diag(a)))
        )
        assert bool(jnp.isnan(jax.grad(trace_exp_through_eigenvectors)(a)).all())
        np.testing.assert_allclose(trace_exp_through_eigenvectors(a), trace_exp(a))
        np.testing.assert_allclose(
            trace_exp_grad(a), jax.scipy.linalg.expm(a), atol=1e-12
        )


def test_broadened_rule_is_exact_at_zero_and_biased_like_epsilon(
    key: jax.Array,
) -> None:
    def quantity(eps: float):
        return lambda a: broadened_eigh(a, eps)[1][:, 0] @ jnp.arange(1.0, 5.0)

    assert check_custom_rule(
        quantity(0.0), domains.distinct_eigenvalues(4), trials=8
    ).ok
    with jax.enable_x64(True):
        a = domains.distinct_eigenvalues(4).sample(key, jnp.float64)
        exact = jax.grad(quantity(0.0))(a)
        biases = [
            float(
                jnp.linalg.norm(jax.grad(quantity(e))(a) - exact)
                / jnp.linalg.norm(exact)
            )
            for e in (1e-6, 1e-4)
        ]
        assert 0 < biases[0] < 10 * 1e-6
        assert biases[1] / biases[0] == pytest.approx(100, rel=0.05)
        repeated = jnp.diag(jnp.array([1.0, 1.0, 2.0, 3.0]))
        assert bool(jnp.all(jnp.isfinite(jax.grad(quantity(1e-8))(repeated))))
        assert bool(jnp.any(jnp.isnan(jax.grad(quantity(0.0))(repeated))))


def test_singular_vector_rule_matches_jax_and_a_wrong_one_fails() -> None:
    good = check_jvp(
        top_left_singular_vector,
        top_left_singular_vector_jvp,
        domains.full_rank(5, 3),
        trials=16,
    )
    assert good.ok, good.verdict

    def no_outside_term(x: jax.Array, dx: jax.Array) -> jax.Array:
        u, _, vt = jnp.linalg.svd(x, full_matrices=False)
        outside = dx @ vt[0] - u @ (u.T @ (dx @ vt[0]))
        s1 = jnp.linalg.svd(x, compute_uv=False)[0]
        return top_left_singular_vector_jvp(x, dx) - outside / s1 * jnp.sign(
            top_left_singular_vector(x) @ u[:, 0]
        )

    bad = check_jvp(
        top_left_singular_vector, no_outside_term, domains.full_rank(5, 3), trials=8
    )
    assert not bad.ok


def test_nuclear_norm_gradient_holds_at_repeated_singular_values() -> None:
    assert check_gradient(
        nuclear_norm, nuclear_norm_grad, domains.full_rank(4, 3), trials=16
    ).ok
    with jax.enable_x64(True):
        q = domains.orthogonal(3).sample(jax.random.key(1), jnp.float64)
        x = 3 * q  # all singular values 3
        np.testing.assert_allclose(jax.grad(nuclear_norm)(x), q, atol=1e-12)
        np.testing.assert_allclose(nuclear_norm_grad(x), q, atol=1e-12)


def test_clustered_domain_draws_what_it_says() -> None:
    d = clustered_eigenvalues(5, 2, spread=0.1)
    xs = d.sample_numpy(np.random.default_rng(0), 50)
    lam = np.linalg.eigvalsh(xs)
    assert np.all(lam[:, 1] - lam[:, 0] <= 0.1 + 1e-12)
    assert np.all(np.diff(lam[:, 1:], axis=1) >= 0.5 - 1e-12)
    assert all(d.contains(x) for x in xs)
    np.testing.assert_allclose(d.radius(xs), (lam[:, 2] - lam[:, 1]) / 2)
    exact = clustered_eigenvalues(4, 3).sample_numpy(np.random.default_rng(1), 20)
    assert np.all(np.ptp(np.linalg.eigvalsh(exact)[:, :3], axis=1) < 1e-13)
    assert not d.contains(np.diag([0.0, 0.0, 0.0, 1.0, 2.0])[:, :4] @ np.ones((4, 5)))
    assert not clustered_eigenvalues(3, 1).contains(np.eye(3))
    with pytest.raises(ValueError, match="k must"):
        clustered_eigenvalues(3, 3)
    with pytest.raises(ValueError, match="spread"):
        clustered_eigenvalues(3, 1, spread=0.5)
