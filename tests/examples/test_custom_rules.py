"""Tests for autodiff_cookbook.examples.custom_rules: a stable softplus and gradient clipping."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook import (
    check_autodiff,
    check_custom_rule,
    check_gradient,
    check_hessian,
    domains,
)
from autodiff_cookbook.examples.custom_rules import (
    clip_gradient,
    clip_gradient_norm,
    integrate,
    integrate_closed,
    softplus,
    softplus_naive,
    to_polar,
)

SCALE = 100.0


def _sum_softplus(x: jax.Array) -> jax.Array:
    return jnp.sum(softplus(SCALE * x))


def _sum_softplus_naive(x: jax.Array) -> jax.Array:
    return jnp.sum(softplus_naive(SCALE * x))


def _scaled_sigmoid(x: jax.Array) -> jax.Array:
    return SCALE * jax.nn.sigmoid(SCALE * x)


def test_naive_softplus_overflows_to_inf_with_a_nan_gradient() -> None:
    assert float(softplus_naive(100.0)) == np.inf
    assert np.isnan(float(jax.grad(softplus_naive)(100.0)))


def test_the_checker_rejects_the_naive_softplus_in_float32() -> None:
    result = check_gradient(
        _sum_softplus_naive, _scaled_sigmoid, domains.real(16), dtype=jnp.float32
    )
    assert not result.ok
    assert result.nonfinite["autodiff"] > 0


def test_the_checker_accepts_the_stable_softplus_in_float32() -> None:
    result = check_gradient(
        _sum_softplus, _scaled_sigmoid, domains.real(16), dtype=jnp.float32
    )
    assert result.ok, str(result)


def test_softplus_gradient_and_hessian_pass_the_float64_checks() -> None:
    def total(x: jax.Array) -> jax.Array:
        return jnp.sum(softplus(x))

    def hessian(x: jax.Array) -> jax.Array:
        s = jax.nn.sigmoid(x)
        return jnp.diag(s * (1 - s))

    assert check_gradient(total, jax.nn.sigmoid, domains.real(5)).ok
    assert check_hessian(total, hessian, domains.real(5)).ok


@given(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False))
def test_softplus_derivative_is_exactly_the_sigmoid_in_float32(x: float) -> None:
    x32 = jnp.float32(x)
    assert float(jax.grad(softplus)(x32)) == float(jax.nn.sigmoid(x32))


@given(st.floats(min_value=-700.0, max_value=700.0, allow_nan=False))
def test_softplus_value_matches_logaddexp_in_float64(x: float) -> None:
    with jax.enable_x64(True):
        np.testing.assert_allclose(
            softplus(jnp.float64(x)), np.logaddexp(0.0, x), rtol=1e-14, atol=1e-300
        )


def test_softplus_never_overflows_in_float32() -> None:
    x = jnp.array([-1e30, -1e4, -100.0, 0.0, 100.0, 1e4, 1e30], dtype=jnp.float32)
    values = softplus(x)
    assert bool(jnp.all(jnp.isfinite(values)))
    np.testing.assert_allclose(values[-3:], x[-3:], rtol=1e-7)
    assert bool(jnp.all(jnp.isfinite(jax.vmap(jax.grad(softplus))(x))))


def test_softplus_forward_mode_uses_the_rule() -> None:
    _, tangent = jax.jvp(softplus, (jnp.float32(200.0),), (jnp.float32(3.0),))
    assert float(tangent) == 3.0


def test_softplus_rejects_integers() -> None:
    with pytest.raises(TypeError, match="real floating-point input"):
        softplus(jnp.arange(3))


def test_clip_gradient_is_the_identity_forward(key: jax.Array) -> None:
    x = 10 * jax.random.normal(key, (50,))
    assert bool(jnp.array_equal(clip_gradient(x), x))


def test_clip_gradient_clips_the_backward_pass(key: jax.Array) -> None:
    x = jax.random.normal(key, (6,))
    _, pullback = jax.vjp(lambda v: clip_gradient(v, -0.5, 2.0), x)
    cotangent = jnp.array([-5.0, -0.5, -0.1, 0.3, 2.0, 9.0])
    (clipped,) = pullback(cotangent)
    np.testing.assert_array_equal(clipped, jnp.array([-0.5, -0.5, -0.1, 0.3, 2.0, 2.0]))


def test_checker_sees_the_clipped_gradient_as_a_deliberate_rule() -> None:
    def loss(x: jax.Array) -> jax.Array:
        return jnp.sum(clip_gradient(x) ** 2)

    def clipped(x: jax.Array) -> jax.Array:
        return jnp.clip(2 * x, -1.0, 1.0)

    def true_derivative(x: jax.Array) -> jax.Array:
        return 2 * x

    rule = check_gradient(loss, clipped, domains.real(8), fd_directions=0)
    assert rule.ok, str(rule)
    with_fd = check_gradient(loss, clipped, domains.real(8))
    assert not with_fd.ok
    assert not with_fd.fd.ok
    truth = check_gradient(loss, true_derivative, domains.real(8))
    assert not truth.ok


def test_clip_gradient_bounds_have_zero_gradient() -> None:
    grads = jax.grad(
        lambda x, lo, hi: clip_gradient(x, lo, hi) ** 2, argnums=(0, 1, 2)
    )(3.0, -1.0, 1.0)
    assert [float(g) for g in grads] == [1.0, 0.0, 0.0]


def test_clip_gradient_works_under_jit_with_traced_bounds() -> None:
    g = jax.jit(jax.grad(lambda x, hi: clip_gradient(x, -hi, hi) ** 2))(3.0, 0.25)
    assert float(g) == 0.25


def test_clip_gradient_rejects_reversed_bounds_and_integers() -> None:
    with pytest.raises(ValueError, match="lo <= hi"):
        clip_gradient(1.0, 2.0, -2.0)
    with pytest.raises(TypeError, match="real floating-point input"):
        clip_gradient(jnp.arange(3))


# --- nondiff_argnums, pytrees, closure_convert, forward mode on a custom_vjp -------


def _tree_norm(tree: object) -> float:
    return float(jnp.sqrt(sum(jnp.sum(leaf**2) for leaf in jax.tree.leaves(tree))))


def test_clip_gradient_norm_rescales_a_long_gradient_and_keeps_its_direction() -> None:
    params = {"w": jnp.array([3.0, 0.0]), "b": jnp.array(4.0)}

    def loss(p: dict[str, jax.Array]) -> jax.Array:
        p = clip_gradient_norm(p, 2.0)
        return jnp.sum(p["w"] ** 2) / 2 + p["b"] ** 2 / 2

    g = jax.grad(loss)(params)
    np.testing.assert_allclose(g["w"], [1.2, 0.0], rtol=1e-6)
    np.testing.assert_allclose(g["b"], 1.6, rtol=1e-6)
    assert abs(_tree_norm(g) - 2.0) < 1e-6


def test_clip_gradient_norm_leaves_a_short_gradient_alone(key: jax.Array) -> None:
    params = {"w": 0.1 * jax.random.normal(key, (4,)), "b": jnp.array(0.05)}

    def loss(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.sum(clip_gradient_norm(p, 10.0)["w"] ** 2) + p["b"]

    def plain(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.sum(p["w"] ** 2) + p["b"]

    for got, want in zip(
        jax.tree.leaves(jax.grad(loss)(params)),
        jax.tree.leaves(jax.grad(plain)(params)),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)


def test_clip_gradient_norm_refuses_a_traced_threshold() -> None:
    @jax.jit
    def grad_with(x: jax.Array, max_norm: jax.Array) -> jax.Array:
        return jax.grad(lambda v: jnp.sum(clip_gradient_norm(v, max_norm) ** 2))(x)

    with pytest.raises(jax.errors.UnexpectedTracerError, match="nondiff_argnums"):
        grad_with(jnp.ones(3), 1.0)


def test_checkers_see_clip_gradient_norm_as_identity_only_below_the_threshold() -> None:
    def loss(p: dict[str, jax.Array]) -> jax.Array:
        p = clip_gradient_norm(p, 1.0)
        return jnp.sum(jnp.sin(p["w"])) + jnp.sum(p["b"] ** 2)

    # Near w = pi/2, b = 0 the gradient (cos w, 2 b) is far shorter than 1.
    centre = {"w": jnp.full(3, jnp.pi / 2), "b": jnp.zeros(2)}
    near = check_custom_rule(loss, domains.near(centre, 0.01))
    assert near.ok, str(near)
    assert near.rules == ("_clip_gradient_norm (custom_vjp)",)
    far = check_custom_rule(loss, {"w": domains.real(3), "b": domains.real(2)})
    assert not far.ok
    assert check_autodiff(loss, domains.near(centre, 0.01)).ok


def test_to_polar_values_and_tangents_are_dicts() -> None:
    point = {"x": jnp.array([3.0, 0.0]), "y": jnp.array([4.0, -2.0])}
    polar, tangent = jax.jvp(
        to_polar, (point,), ({"x": jnp.zeros(2), "y": jnp.ones(2)},)
    )
    assert set(polar) == set(tangent) == {"r", "theta"}
    np.testing.assert_allclose(polar["r"], [5.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(
        polar["theta"], [np.arctan2(4, 3), -np.pi / 2], rtol=1e-6
    )
    np.testing.assert_allclose(tangent["r"], [0.8, -1.0], rtol=1e-6)
    np.testing.assert_allclose(tangent["theta"], [3 / 25, 0.0], atol=1e-7)


def test_to_polar_rule_passes_both_checkers() -> None:
    plane = {"x": domains.real(6), "y": domains.real(6)}
    rule = check_custom_rule(to_polar, plane, order=2)
    assert rule.ok, str(rule)
    assert rule.rules == ("_to_polar (custom_jvp)",)
    assert check_autodiff(to_polar, plane).ok


def test_a_wrong_polar_rule_is_caught() -> None:
    @jax.custom_jvp
    def polar_r(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.hypot(p["x"], p["y"])

    @polar_r.defjvp
    def _jvp(
        primals: tuple[dict[str, jax.Array]], tangents: tuple[dict[str, jax.Array]]
    ) -> tuple[jax.Array, jax.Array]:
        (p,), (d,) = primals, tangents
        r = polar_r(p)
        return r, (p["x"] * d["x"] + p["x"] * d["y"]) / r  # x where y belongs

    plane = {"x": domains.real(4), "y": domains.real(4)}
    assert not check_custom_rule(polar_r, plane).ok


def _energy(theta: jax.Array) -> jax.Array:
    omega, gamma, horizon = theta
    return integrate(
        lambda t: jnp.exp(-gamma * t) * jnp.sin(omega * t) ** 2, 0.0, horizon
    )


def test_integrate_matches_a_closed_form_and_its_derivatives() -> None:
    def area(p: jax.Array) -> jax.Array:  # int_a^b cos(k t) dt
        k, a, b = p
        return integrate(lambda t: jnp.cos(k * t), a, b)

    k, a, b = 1.7, -0.4, 1.3
    with jax.enable_x64(True):
        p = jnp.array([k, a, b], dtype=jnp.float64)
        value, g = float(area(p)), np.asarray(jax.grad(area)(p))
    assert value == pytest.approx((np.sin(k * b) - np.sin(k * a)) / k, rel=1e-12)
    dk = (b * np.cos(k * b) - a * np.cos(k * a)) / k - (
        np.sin(k * b) - np.sin(k * a)
    ) / k**2
    np.testing.assert_allclose(g, [dk, -np.cos(k * a), np.cos(k * b)], rtol=1e-12)


def test_integrate_closed_over_traced_values_needs_closure_convert() -> None:
    def leaky(theta: jax.Array) -> jax.Array:
        return integrate_closed(
            lambda t: jnp.sin(theta[0] * t), 20, jnp.array(0.0), jnp.array(1.0)
        )

    with pytest.raises(jax.errors.UnexpectedTracerError):
        jax.grad(leaky)(jnp.array([2.0]))
    # Passing the traced values as arguments is what closure_convert automates.
    direct = jax.grad(
        lambda th: integrate_closed(
            lambda t, w: jnp.sin(w * t), 20, jnp.array(0.0), jnp.array(1.0), th[0]
        )
    )(jnp.array([2.0]))
    via_integrate = jax.grad(
        lambda th: integrate(lambda t: jnp.sin(th[0] * t), 0.0, 1.0)
    )(jnp.array([2.0]))
    np.testing.assert_allclose(direct, via_integrate, rtol=1e-6)


def test_integrate_rule_passes_both_checkers_to_second_order() -> None:
    rule = check_custom_rule(_energy, domains.real(3), order=2)
    assert rule.ok, str(rule)
    assert rule.rules == ("_integrate_closed (custom_vjp)",)
    autodiff = check_autodiff(_energy, domains.real(3), order=2)
    assert autodiff.ok, str(autodiff)
    forward = [m for m in autodiff.modes if m.mode == "fwd"]
    assert forward
    assert not any(m.applicable for m in forward)


def test_a_leibniz_rule_with_the_wrong_sign_is_caught() -> None:
    @jax.custom_vjp
    def area(a: jax.Array, b: jax.Array) -> jax.Array:
        return jnp.sin(b) - jnp.sin(a)  # int_a^b cos t dt

    def fwd(
        a: jax.Array, b: jax.Array
    ) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
        return area(a, b), (a, b)

    def bwd(
        res: tuple[jax.Array, jax.Array], g: jax.Array
    ) -> tuple[jax.Array, jax.Array]:
        a, b = res
        return g * jnp.cos(a), g * jnp.cos(b)  # d/da should be -cos(a)

    area.defvjp(fwd, bwd)
    result = check_custom_rule(lambda p: area(p[0], p[1]), domains.real(2))
    assert not result.ok


def test_forward_mode_fails_on_the_custom_vjp_and_reverse_over_reverse_works() -> None:
    theta = jnp.array([2.0, 0.5, 3.0])
    with pytest.raises(TypeError, match="forward-mode autodiff"):
        jax.jvp(_energy, (theta,), (jnp.ones(3),))
    with pytest.raises(TypeError, match="forward-mode autodiff"):
        jax.hessian(_energy)(theta)
    hessian = jax.jit(jax.jacrev(jax.jacrev(_energy)))(theta)

    def unruled(th: jax.Array) -> jax.Array:
        omega, gamma, horizon = th
        nodes, weights = np.polynomial.legendre.leggauss(20)
        t = horizon / 2 * (1 + nodes)
        return (
            horizon
            / 2
            * jnp.sum(weights * jnp.exp(-gamma * t) * jnp.sin(omega * t) ** 2)
        )

    np.testing.assert_allclose(
        hessian, jax.hessian(unruled)(theta), rtol=1e-5, atol=1e-6
    )
