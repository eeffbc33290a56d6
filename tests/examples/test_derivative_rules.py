"""Tests for autodiff_cookbook.examples.derivative_rules: rules right and wrong, and what catches them."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings

from autodiff_cookbook import (
    check_autodiff,
    check_custom_rule,
    check_gradient,
    check_hvp,
    check_jvp,
    check_vjp,
    domains,
)
from autodiff_cookbook.examples.derivative_rules import (
    edge_map,
    edge_map_jvp,
    edge_map_vjp,
    forward_differences,
    forward_differences_transpose,
    gelu,
    gelu_rounded,
    init_mlp,
    least_squares,
    least_squares_gradient,
    least_squares_gradient_pytorch,
    log_cosh_prior,
    log_cosh_prior_hvp,
    log_cosh_prior_hvp_shifted,
    mlp,
    mlp_forgetting_bias,
    mse_loss,
    softmax_cross_entropy,
)
from autodiff_cookbook.strategies import samples

# Non-square, so that a mix-up of the two axes shows.
IMAGE = domains.real((12, 9))
LAYER = domains.real(256)
EXAMPLES = {"logits": domains.real(10), "targets": domains.simplex(10)}


def _cross_entropy(example: dict[str, jax.Array]) -> jax.Array:
    return softmax_cross_entropy(example["logits"], example["targets"])


# --- The functions themselves, against JAX ------------------------------------------


def test_gelu_is_jax_exact_gelu_with_its_derivative() -> None:
    x = jnp.linspace(-8.0, 8.0, 161)
    np.testing.assert_allclose(gelu(x), jax.nn.gelu(x, approximate=False), atol=1e-6)
    ours = jax.vmap(jax.grad(gelu))(x)
    theirs = jax.vmap(jax.grad(lambda t: jax.nn.gelu(t, approximate=False)))(x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_the_rounded_rule_is_wrong_between_the_two_tolerances_in_float32() -> None:
    x = jax.random.normal(jax.random.key(0), (256,))
    right = jax.vmap(jax.grad(gelu))(x)
    rounded = jax.vmap(jax.grad(gelu_rounded))(x)
    rel = float(jnp.linalg.norm(rounded - right) / jnp.linalg.norm(right))
    eps = float(jnp.finfo(jnp.float32).eps)
    # Above the rounding-level tolerance sqrt(eps), far below the finite
    # differences' 1e3 eps^(2/3).
    assert math.sqrt(eps) < rel < 0.1 * 1e3 * eps ** (2 / 3)
    # Same value: only the rule differs.
    np.testing.assert_array_equal(gelu(x), gelu_rounded(x))


def test_the_cross_entropy_rule_is_the_gradient_for_any_targets() -> None:
    z = jax.random.normal(jax.random.key(0), (3, 7))
    t = jax.random.uniform(jax.random.key(1), (3, 7)) * 2  # rows do not sum to 1

    def plain(z: jax.Array, t: jax.Array) -> jax.Array:
        return -jnp.sum(t * jax.nn.log_softmax(z, axis=-1), axis=-1)

    for argnum in (0, 1):
        ours = jax.grad(lambda z, t: softmax_cross_entropy(z, t).sum(), argnum)(z, t)
        theirs = jax.grad(lambda z, t: plain(z, t).sum(), argnum)(z, t)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_the_difference_operator_and_its_transpose_are_adjoint() -> None:
    x = jax.random.normal(jax.random.key(0), (12, 9))
    w = jax.random.normal(jax.random.key(1), (2, 12, 9))
    lhs = jnp.vdot(w, forward_differences(x))
    rhs = jnp.vdot(forward_differences_transpose(w), x)
    assert float(lhs) == pytest.approx(float(rhs), rel=1e-5)


def test_the_matrix_free_products_match_jax() -> None:
    x = jax.random.normal(jax.random.key(0), (12, 9))
    v = jax.random.normal(jax.random.key(1), (12, 9))
    u = jax.random.normal(jax.random.key(2), (2, 12, 9))
    np.testing.assert_allclose(
        edge_map_jvp(x, v), jax.jvp(edge_map, (x,), (v,))[1], atol=1e-5
    )
    np.testing.assert_allclose(
        edge_map_vjp(x, u), jax.vjp(edge_map, x)[1](u)[0], atol=1e-5
    )
    hv = jax.jvp(jax.grad(log_cosh_prior), (x,), (v,))[1]
    np.testing.assert_allclose(log_cosh_prior_hvp(x, v), hv, atol=1e-5)
    assert not np.allclose(log_cosh_prior_hvp_shifted(x, v), hv, atol=1e-2)


def test_the_shifted_hvp_is_right_only_along_constant_images() -> None:
    x = jax.random.normal(jax.random.key(0), (12, 9))
    ones = jnp.ones((12, 9))
    np.testing.assert_allclose(log_cosh_prior_hvp_shifted(x, ones), 0.0, atol=1e-6)
    np.testing.assert_allclose(log_cosh_prior_hvp(x, ones), 0.0, atol=1e-6)


def test_the_complex_gradients_are_jax_s_and_its_conjugate() -> None:
    ka, kb, kz = jax.random.split(jax.random.key(0), 3)
    a = jax.random.normal(ka, (6, 4), dtype=jnp.complex64)
    b = jax.random.normal(kb, (6,), dtype=jnp.complex64)
    z = jax.random.normal(kz, (4,), dtype=jnp.complex64)
    by_jax = jax.grad(least_squares)(z, a, b)
    np.testing.assert_allclose(least_squares_gradient(z, a, b), by_jax, rtol=1e-5)
    np.testing.assert_allclose(
        least_squares_gradient_pytorch(z, a, b), jnp.conj(by_jax), rtol=1e-5
    )


def test_the_forgetful_model_has_an_exactly_zero_bias_gradient() -> None:
    params = init_mlp(jax.random.key(0))
    x = jax.random.normal(jax.random.key(1), (8, 4))
    y = jnp.sin(x[:, :1])
    forgetful = jax.grad(lambda p: mse_loss(mlp_forgetting_bias, p, x, y))(params)
    full = jax.grad(lambda p: mse_loss(mlp, p, x, y))(params)
    assert float(jnp.abs(forgetful["b2"]).max()) == 0.0
    assert float(jnp.abs(full["b2"]).max()) > 0.0
    for name in ("w1", "b1", "w2"):
        assert float(jnp.abs(forgetful[name]).max()) > 0.0


# --- What the checkers say about them -------------------------------------------------


def test_check_custom_rule_catches_the_rounded_rule_that_differences_miss() -> None:
    by_rule = check_custom_rule(gelu_rounded, LAYER, dtype=jnp.float32)
    assert not by_rule.ok
    assert by_rule.kind == "custom_rule"
    assert by_rule.rtol < by_rule.max_rel_error < 1e-2
    assert any("gelu_rounded" in r for r in by_rule.rules)
    # Its own finite-difference referee does not see the mistake...
    assert by_rule.fd.ok
    assert by_rule.fd.max_rel_error < by_rule.fd.rtol
    # ...and nor does check_autodiff at float32's tolerance.
    by_differences = check_autodiff(gelu_rounded, LAYER, dtype=jnp.float32)
    assert by_differences.ok, by_differences
    assert by_differences.fd.rtol > 10 * by_rule.max_rel_error


def test_check_custom_rule_passes_the_right_gelu_rule() -> None:
    for dtype in (jnp.float32, None):
        result = check_custom_rule(gelu, LAYER, dtype=dtype)
        assert result.ok, result
        assert result.max_rel_error < 0.1 * result.rtol


def test_the_fused_cross_entropy_passes_both_checks() -> None:
    by_rule = check_custom_rule(_cross_entropy, EXAMPLES)
    assert by_rule.ok, by_rule
    assert any(
        "softmax_cross_entropy" in r and "custom_vjp" in r for r in by_rule.rules
    )
    by_autodiff = check_autodiff(_cross_entropy, EXAMPLES)
    assert by_autodiff.ok, by_autodiff
    forward = [m for m in by_autodiff.modes if m.mode == "fwd"]
    assert forward
    assert not any(m.applicable for m in forward)
    assert all(m.ok for m in by_autodiff.modes if m.mode == "rev")


def test_the_matrix_free_products_pass_and_the_shifted_hvp_fails() -> None:
    assert check_jvp(edge_map, edge_map_jvp, IMAGE).ok
    assert check_vjp(edge_map, edge_map_vjp, IMAGE).ok
    assert check_hvp(log_cosh_prior, log_cosh_prior_hvp, IMAGE).ok
    shifted = check_hvp(log_cosh_prior, log_cosh_prior_hvp_shifted, IMAGE)
    assert not shifted.ok
    assert shifted.kind == "hvp"
    assert shifted.max_rel_error > 0.1


def test_a_vjp_without_the_slope_is_caught() -> None:
    def vjp_without_slope(x: jax.Array, u: jax.Array) -> jax.Array:
        del x
        return forward_differences_transpose(u)

    wrong = check_vjp(edge_map, vjp_without_slope, IMAGE)
    assert not wrong.ok
    assert wrong.kind == "vjp"


def test_the_pytorch_style_complex_gradient_is_named_a_conjugate() -> None:
    ka, kb = jax.random.split(jax.random.key(0))
    a = jax.random.normal(ka, (6, 4), dtype=jnp.complex64)
    b = jax.random.normal(kb, (6,), dtype=jnp.complex64)

    def f(z: jax.Array) -> jax.Array:
        return least_squares(z, a, b)

    wrong = check_gradient(
        f, lambda z: least_squares_gradient_pytorch(z, a, b), domains.complex(4)
    )
    assert not wrong.ok
    assert "conjugate" in wrong.verdict
    right = check_gradient(
        f, lambda z: least_squares_gradient(z, a, b), domains.complex(4)
    )
    assert right.ok, right
    assert "conjugate" not in right.verdict


def test_the_unused_bias_is_flagged_by_leaf() -> None:
    params = init_mlp(jax.random.key(1))
    x = jax.random.normal(jax.random.key(2), (16, 4))
    y = jnp.sin(x.sum(axis=1, keepdims=True))
    domain = domains.near(params, 0.1)

    forgetful = check_autodiff(lambda p: mse_loss(mlp_forgetting_bias, p, x, y), domain)
    zero = [leaf.path for leaf in forgetful.leaves if leaf.autodiff_zero]
    assert len(forgetful.leaves) == 4
    assert len(zero) == 1
    assert "b2" in zero[0]
    assert "b2" in forgetful.verdict

    full = check_autodiff(lambda p: mse_loss(mlp, p, x, y), domain)
    assert full.ok, full
    assert not any(leaf.autodiff_zero for leaf in full.leaves)
    assert "b2" not in full.verdict


@settings(max_examples=20, deadline=None, database=None)
@given(
    samples(domains.real(10), dtype=np.float32),
    samples(domains.simplex(10), dtype=np.float32),
)
def test_the_cross_entropy_gradient_identities_hold(
    logits: np.ndarray, targets: np.ndarray
) -> None:
    grad_logits, grad_targets = jax.grad(softmax_cross_entropy, argnums=(0, 1))(
        logits, targets
    )
    assert abs(float(jnp.sum(grad_logits))) < 1e-5
    assert abs(float(jnp.sum(jnp.exp(-grad_targets))) - 1) < 1e-5
