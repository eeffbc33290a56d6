"""Tests for autodiff_cookbook.examples.taylor_mode: nested JVPs, jet and the ODE recursion."""

from __future__ import annotations

import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import check_jvp, domains
from autodiff_cookbook.examples.taylor_mode import (
    blowup_derivatives,
    jaxpr_size,
    jet_derivative,
    jet_derivatives,
    nested_jvp_derivative,
    ode_derivatives,
    quadratic_field,
    sin_of_exp,
    to_taylor_coefficients,
)

_finite = st.floats(-1.5, 1.5, allow_nan=False)


@settings(derandomize=True, max_examples=10, deadline=None)
@given(x=_finite, v=_finite, order=st.integers(1, 4))
def test_both_methods_give_the_closed_form_of_exp(
    x: float, v: float, order: int
) -> None:
    # d^k/dt^k exp(x + t v) = v^k exp(x)
    with jax.enable_x64(True):
        xs, vs = jnp.array([x, -x]), jnp.array([v, 2 * v])
        expected = np.asarray(vs**order * jnp.exp(xs))
        nested = np.asarray(nested_jvp_derivative(jnp.exp, xs, vs, order))
        taylor = np.asarray(jet_derivative(jnp.exp, xs, vs, order))
    np.testing.assert_allclose(nested, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(taylor, expected, rtol=1e-12, atol=1e-300)


def test_jet_derivatives_stack_every_order_from_the_value(key: jax.Array) -> None:
    kx, kv = jax.random.split(key)
    with jax.enable_x64(True):
        x = jax.random.normal(kx, (5,), dtype=jnp.float64)
        v = jax.random.normal(kv, (5,), dtype=jnp.float64)
        d = jet_derivatives(sin_of_exp, x, v, 3)
        assert d.shape == (4,)
        assert float(d[0]) == pytest.approx(float(sin_of_exp(x)), rel=1e-14)
        assert float(d[1]) == pytest.approx(
            float(jnp.vdot(jax.grad(sin_of_exp)(x), v)), rel=1e-12
        )
        hv = jax.jvp(jax.grad(sin_of_exp), (x,), (v,))[1]
        assert float(d[2]) == pytest.approx(float(jnp.vdot(v, hv)), rel=1e-12)
        assert float(d[3]) == pytest.approx(
            float(nested_jvp_derivative(sin_of_exp, x, v, 3)), rel=1e-12
        )


def test_jet_order_one_passes_check_jvp_and_order_two_fails_it() -> None:
    def first(x: jax.Array, v: jax.Array) -> jax.Array:
        return jet_derivative(sin_of_exp, x, v, 1)

    def second(x: jax.Array, v: jax.Array) -> jax.Array:
        return jet_derivative(sin_of_exp, x, v, 2)

    assert check_jvp(sin_of_exp, first, domains.real(6), trials=16).ok
    assert not check_jvp(sin_of_exp, second, domains.real(6), trials=16).ok


def test_to_taylor_coefficients_divides_by_factorials() -> None:
    d = jnp.arange(1.0, 25.0).reshape(8, 3)
    c = to_taylor_coefficients(d)
    expected = np.asarray(d) / np.array([math.factorial(j) for j in range(8)])[:, None]
    np.testing.assert_allclose(np.asarray(c), expected, rtol=1e-6)


@settings(derandomize=True, max_examples=10, deadline=None)
@given(x0=st.floats(-3.0, 3.0, allow_nan=False).filter(lambda t: abs(t) > 1e-3))
def test_ode_recursion_matches_the_closed_form_of_x_squared(x0: float) -> None:
    with jax.enable_x64(True):
        x = jnp.array([x0, 0.5])
        got = ode_derivatives(quadratic_field, x, 6)
        exact = blowup_derivatives(x, 6)
        expected = np.array(
            [[math.factorial(k) * t ** (k + 1) for t in (x0, 0.5)] for k in range(7)]
        )
    np.testing.assert_allclose(np.asarray(exact), expected, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)


def test_ode_recursion_of_a_linear_field_alternates() -> None:
    d = ode_derivatives(lambda x: -2.0 * x, jnp.array(3.0), 5)
    np.testing.assert_allclose(
        np.asarray(d), [3.0 * (-2.0) ** k for k in range(6)], rtol=1e-6
    )


def test_float32_overflows_where_the_factorial_does() -> None:
    d = ode_derivatives(quadratic_field, jnp.array(1000.0, dtype=jnp.float32), 10)
    assert bool(jnp.all(jnp.isfinite(d[:10])))
    assert not bool(jnp.isfinite(d[10]))  # 10! 1000**11 > 3.4e38


@pytest.mark.parametrize(
    "call",
    [
        lambda: nested_jvp_derivative(jnp.sin, 1.0, 1.0, 0),
        lambda: jet_derivatives(jnp.sin, 1.0, 1.0, 0),
        lambda: ode_derivatives(quadratic_field, 1.0, 0),
        lambda: blowup_derivatives(1.0, -1),
    ],
)
def test_orders_below_the_least_are_refused(call: object) -> None:
    with pytest.raises(ValueError, match="order must be"):
        call()  # type: ignore[operator]


def test_jaxpr_size_counts_inside_nested_jaxprs() -> None:
    x = jnp.ones(3)
    assert jaxpr_size(lambda y: jnp.sin(y) * 2.0, x) == 2
    # the jit call, and the sin inside it, and the product
    assert jaxpr_size(lambda y: jax.jit(jnp.sin)(y) * 2.0, x) == 3


def test_nested_jvp_grows_geometrically_and_jet_quadratically() -> None:
    x, v = jnp.ones(4), jnp.ones(4)
    nested = [
        jaxpr_size(lambda a, b, k=k: nested_jvp_derivative(sin_of_exp, a, b, k), x, v)
        for k in range(1, 6)
    ]
    jet = [
        jaxpr_size(lambda a, b, k=k: jet_derivative(sin_of_exp, a, b, k), x, v)
        for k in range(1, 8)
    ]
    assert all(b > 2 * a for a, b in itertools.pairwise(nested))
    second = np.diff(jet, 2)
    assert len(set(second[1:].tolist())) == 1
    assert second[-1] > 0
    assert nested[-1] > jet[4]
