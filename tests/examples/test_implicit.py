"""Tests for autodiff_cookbook.examples.implicit: implicit differentiation of solvers."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from autodiff_cookbook import check_autodiff, check_custom_rule, check_gradient, domains
from autodiff_cookbook.examples.implicit import (
    contraction,
    implicit_solution,
    iterate_tanh,
    newton_sqrt,
    newton_sqrt_implicit,
    ridge_closed_form,
    ridge_descent_until,
    ridge_gradient_descent,
    ridge_implicit,
    ridge_implicit_until,
    ridge_optimality,
    tanh_fixed_point,
    tanh_residual,
)

N = 6
W = contraction(jax.random.key(0), N, norm=0.5)
B = jax.random.normal(jax.random.key(1), (N,))


def _ridge_theta(key: int = 2) -> tuple[jax.Array, jax.Array, jax.Array]:
    kx, ky = jax.random.split(jax.random.key(key))
    return jnp.array(0.0), jax.random.normal(kx, (30, 5)), jax.random.normal(ky, (30,))


def test_contraction_has_the_requested_spectral_norm() -> None:
    assert float(jnp.linalg.norm(W, 2)) == pytest.approx(0.5, rel=1e-5)


def test_iterate_tanh_converges_to_the_fixed_point() -> None:
    x = iterate_tanh((W, B), 60)
    assert float(jnp.max(jnp.abs(tanh_residual(x, (W, B))))) < 1e-6
    assert (
        float(jnp.max(jnp.abs(tanh_residual(iterate_tanh((W, B), 3), (W, B))))) > 1e-3
    )


def test_implicit_rule_matches_the_explicit_implicit_function_theorem() -> None:
    # dx*/db = (I - D W)^{-1} D, D = diag(1 - tanh^2), written out by hand.
    with jax.enable_x64(True):
        w, b = W.astype(jnp.float64), B.astype(jnp.float64)
        x = iterate_tanh((w, b), 80)
        d = jnp.diag(1 - jnp.tanh(w @ x + b) ** 2)
        jac = jnp.linalg.solve(jnp.eye(N) - d @ w, d)
        u = jnp.arange(1.0, N + 1)
        _, pullback = jax.vjp(lambda b: tanh_fixed_point((w, b), 80), b)
        np.testing.assert_allclose(pullback(u)[0], jac.T @ u, rtol=1e-12)


def test_check_custom_rule_passes_when_converged_and_fails_when_not() -> None:
    def loss(iterations: int):
        return lambda b: jnp.sum(tanh_fixed_point((W, b), iterations) ** 2)

    converged = check_custom_rule(loss(60), domains.real(N), trials=16)
    assert converged.ok, converged.verdict
    assert converged.rules == ("implicit_solution (custom_vjp)",)
    loose = check_custom_rule(loss(8), domains.real(N), trials=16)
    assert not loose.ok
    assert loose.max_rel_error > loose.rtol


def test_implicit_fixed_point_passes_finite_differences_in_reverse_mode_only() -> None:
    result = check_autodiff(
        lambda b: jnp.sum(tanh_fixed_point((W, b), 60) ** 2), domains.real(N), trials=16
    )
    assert result.ok, result.verdict
    assert {(m.mode, m.applicable) for m in result.modes} == {
        ("fwd", False),
        ("rev", True),
    }
    with pytest.raises(TypeError, match="custom_vjp"):
        jax.jvp(lambda b: tanh_fixed_point((W, b), 60), (B,), (B,))


def test_implicit_solution_differentiates_a_non_differentiable_solver() -> None:
    def bisect(a: jax.Array) -> jax.Array:
        lo, hi = jnp.zeros_like(a), jnp.maximum(a, 1.0)
        for _ in range(60):
            mid = (lo + hi) / 2
            below = mid**3 < a
            lo, hi = jnp.where(below, mid, lo), jnp.where(below, hi, mid)
        return (lo + hi) / 2

    a = jnp.array([0.5, 8.0, 27.0])
    true = 1 / (3 * jnp.cbrt(a) ** 2)
    # Unrolling differentiates the bracket, not the root.
    unrolled = jax.grad(lambda a: bisect(a).sum())(a)
    assert not np.allclose(unrolled, true, rtol=0.1)
    implicit = jax.grad(
        lambda a: implicit_solution(lambda x, a: x**3 - a, bisect, a).sum()
    )(a)
    np.testing.assert_allclose(implicit, true, rtol=1e-5)


@pytest.mark.parametrize("sqrt", [newton_sqrt, newton_sqrt_implicit])
def test_newton_sqrt_derivative_is_the_closed_form(sqrt) -> None:
    result = check_gradient(
        lambda a: jnp.sum(sqrt(a)),
        lambda a: 0.5 / jnp.sqrt(a),
        domains.positive(4),
        trials=16,
    )
    assert result.ok, result.verdict


def test_custom_root_rule_is_found_only_with_replace_jax_rules() -> None:
    def f(a: jax.Array) -> jax.Array:
        return jnp.sum(newton_sqrt_implicit(a))

    with pytest.raises(TypeError, match="replace_jax_rules=True"):
        check_custom_rule(f, domains.positive(4), trials=4)
    result = check_custom_rule(
        f, domains.positive(4), trials=16, replace_jax_rules=True
    )
    assert result.ok, result.verdict
    assert result.rules == ("_custom_root (custom_jvp)",)


def test_newton_with_too_few_steps_is_wrong() -> None:
    assert abs(float(newton_sqrt(100.0, iterations=2)) - 10.0) > 1.0


def test_ridge_gradient_descent_reaches_the_closed_form() -> None:
    theta = _ridge_theta()
    np.testing.assert_allclose(
        ridge_gradient_descent(theta, 200), ridge_closed_form(theta), atol=1e-5
    )
    assert (
        float(jnp.max(jnp.abs(ridge_optimality(ridge_closed_form(theta), theta))))
        < 1e-5
    )


def test_ridge_gradients_match_the_closed_form_in_every_parameter() -> None:
    theta = _ridge_theta()
    xv = jax.random.normal(jax.random.key(9), (5,))

    def loss(solve):
        return lambda th: jnp.dot(solve(th), xv) ** 2

    exact = jax.grad(loss(ridge_closed_form))
    near = domains.near(theta, 0.1)
    for solve in (
        lambda t: ridge_implicit(t, 200),
        lambda t: ridge_gradient_descent(t, 200),
    ):
        result = check_gradient(loss(solve), exact, near, trials=8)
        assert result.ok, result.verdict
    rule = check_custom_rule(loss(lambda t: ridge_implicit(t, 200)), near, trials=8)
    assert rule.ok, rule.verdict


def test_while_loop_solver_cannot_be_unrolled_but_can_be_differentiated_implicitly() -> (
    None
):
    theta = _ridge_theta()
    with pytest.raises(ValueError, match="while_loop"):
        jax.grad(lambda s: ridge_descent_until((s, *theta[1:]), 1e-6)[0].sum())(0.0)
    g = jax.grad(lambda s: ridge_implicit_until((s, *theta[1:]), 1e-6).sum())(0.0)
    exact = jax.grad(lambda s: ridge_closed_form((s, *theta[1:])).sum())(0.0)
    assert float(g) == pytest.approx(float(exact), rel=1e-4)


def test_ridge_descent_until_stops_at_the_tolerance() -> None:
    theta = _ridge_theta()
    steps = []
    for tol in (1e-2, 1e-4, 1e-6):
        w, k = ridge_descent_until(theta, tol)
        assert float(jnp.max(jnp.abs(ridge_optimality(w, theta)))) <= tol
        steps.append(int(k))
    assert steps == sorted(steps)
    assert steps[0] < steps[-1]


def test_implicit_gradient_error_shrinks_with_the_tolerance() -> None:
    with jax.enable_x64(True):
        theta = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), _ridge_theta())

        def hyper(solve):
            return jax.grad(lambda s: jnp.sum(solve((s, *theta[1:])) ** 2))(theta[0])

        exact = hyper(ridge_closed_form)
        errors = [
            abs(float(hyper(lambda t, tol=tol: ridge_implicit_until(t, tol)) - exact))
            for tol in (1e-3, 1e-6, 1e-9)
        ]
    assert errors[0] > 100 * errors[1] > 1e4 * errors[2]


def _scratch(f, *args) -> int:
    return jax.jit(f).lower(*args).compile().memory_analysis().temp_size_in_bytes


def test_unrolled_memory_grows_with_iterations_and_implicit_memory_does_not() -> None:
    theta = (contraction(jax.random.key(3), 32), jnp.ones(32))
    unrolled = [
        _scratch(jax.grad(lambda th, k=k: jnp.sum(iterate_tanh(th, k))), theta)
        for k in (10, 400)
    ]
    implicit = [
        _scratch(jax.grad(lambda th, k=k: jnp.sum(tanh_fixed_point(th, k))), theta)
        for k in (10, 400)
    ]
    assert unrolled[1] > 20 * unrolled[0]
    assert implicit[1] == implicit[0]
