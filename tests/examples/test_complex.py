"""Tests for autodiff_cookbook.examples.complex: Wirtinger derivatives and JAX's convention."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.complex import (
    predicted_vjp,
    real_jacobian,
    wirtinger_derivatives,
)

parts = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)

# (f, df/dz, df/dzbar) with hand-derived Wirtinger derivatives.
CASES = {
    "holomorphic z^2 exp(z)": (
        lambda z: z**2 * jnp.exp(z),
        lambda z: (2 * z + z**2) * jnp.exp(z),
        lambda z: 0 * z,
    ),
    "non-holomorphic z^2 + 3 conj(z)": (
        lambda z: z**2 + 3 * jnp.conj(z),
        lambda z: 2 * z,
        lambda z: 3 + 0 * z,
    ),
    "real-valued |z|^2": (
        lambda z: jnp.abs(z) ** 2,
        jnp.conj,
        lambda z: z,
    ),
    "mixed z conj(z)^2": (
        lambda z: z * jnp.conj(z) ** 2,
        lambda z: jnp.conj(z) ** 2,
        lambda z: 2 * z * jnp.conj(z),
    ),
}


@pytest.mark.parametrize("case", CASES)
@given(parts, parts)
def test_wirtinger_derivatives_match_the_hand_derived_ones(
    case: str, a: float, b: float
) -> None:
    f, df_dz, df_dzbar = CASES[case]
    with jax.enable_x64(True):
        z = jnp.complex128(complex(a, b))
        got_a, got_b = wirtinger_derivatives(f, z)
        np.testing.assert_allclose(got_a, df_dz(z), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(got_b, df_dzbar(z), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
@given(parts, parts, parts, parts)
def test_jax_vjp_follows_the_predicted_convention(
    case: str, a: float, b: float, c_re: float, c_im: float
) -> None:
    f, df_dz, df_dzbar = CASES[case]
    with jax.enable_x64(True):
        z = jnp.complex128(complex(a, b))
        out, pullback = jax.vjp(f, z)
        cotangent = complex(c_re, c_im) if jnp.iscomplexobj(out) else c_re
        (got,) = pullback(jnp.asarray(cotangent, out.dtype))
        expected = predicted_vjp(df_dz(z), df_dzbar(z), cotangent)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@given(parts, parts)
def test_grad_of_a_real_function_is_the_conjugate_of_steepest_ascent(
    a: float, b: float
) -> None:
    with jax.enable_x64(True):
        z = jnp.complex128(complex(a, b))
        c = 0.5 - 1.5j
        g = jax.grad(lambda w: jnp.abs(w - c) ** 2)(z)
        np.testing.assert_allclose(g, 2 * jnp.conj(z - c), rtol=1e-12, atol=1e-12)


@given(parts, parts)
def test_real_jacobian_agrees_with_the_wirtinger_derivatives(
    a: float, b: float
) -> None:
    f = CASES["mixed z conj(z)^2"][0]
    with jax.enable_x64(True):
        z = jnp.complex128(complex(a, b))
        jac = real_jacobian(f, z)
        f_x, f_y = jac[0, 0] + 1j * jac[1, 0], jac[0, 1] + 1j * jac[1, 1]
        got_a, got_b = wirtinger_derivatives(f, z)
        np.testing.assert_allclose((f_x - 1j * f_y) / 2, got_a, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose((f_x + 1j * f_y) / 2, got_b, rtol=1e-12, atol=1e-12)


def test_real_jacobian_satisfies_cauchy_riemann_for_holomorphic_functions() -> None:
    with jax.enable_x64(True):
        jac = real_jacobian(jnp.sin, jnp.complex128(0.3 + 0.7j))
        np.testing.assert_allclose(jac[0, 0], jac[1, 1], rtol=1e-14)
        np.testing.assert_allclose(jac[0, 1], -jac[1, 0], rtol=1e-14)


@pytest.mark.parametrize("fn", [wirtinger_derivatives, real_jacobian])
def test_real_or_array_inputs_are_rejected(fn) -> None:
    with pytest.raises(TypeError, match="one complex number"):
        fn(jnp.sin, 1.0)
    with pytest.raises(TypeError, match="one complex number"):
        fn(jnp.sin, jnp.ones(2, jnp.complex64))
