"""Derivatives of the inverse: Matrix Cookbook section 2.2."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Inverses"

_a = gaussian(601, (4,))
_b = gaussian(602, (4,))
_A24 = gaussian(603, (2, 4))
_B42 = gaussian(604, (4, 2))


def _inverse_bilinear(x: Array) -> Array:
    a, b = cast(x, _a, _b)
    return a @ jnp.linalg.solve(x, b)


def _inverse_bilinear_grad(x: Array) -> Array:
    a, b = cast(x, _a, _b)
    xit = jnp.linalg.inv(x).T
    return -xit @ jnp.outer(a, b) @ xit


def _trace_a_inverse_b(x: Array) -> Array:
    a, b = cast(x, _A24, _B42)
    return jnp.trace(a @ jnp.linalg.solve(x, b))


def _trace_a_inverse_b_grad(x: Array) -> Array:
    a, b = cast(x, _A24, _B42)
    xit = jnp.linalg.inv(x).T
    return -xit @ a.T @ b.T @ xit


def _inverse(x: Array) -> Array:
    return jnp.linalg.inv(x)


def _inverse_jacobian(x: Array) -> Array:
    xi = jnp.linalg.inv(x)
    # J[k, l, i, j] = d(X^-1)_kl / dX_ij = -(X^-1)_ki (X^-1)_jl
    return -jnp.einsum("ki,jl->klij", xi, xi)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="inverse_bilinear_form",
        topic=TOPIC,
        kind="gradient",
        function=_inverse_bilinear,
        derivative=_inverse_bilinear_grad,
        domain=domains.invertible(4),
        function_latex=r"a^\top X^{-1} b",
        derivative_latex=r"-X^{-\top} a b^\top X^{-\top}",
        conditions=r"$X$ invertible",
        source="Matrix Cookbook (2012) eq. (61)",
    ),
    Identity(
        id="trace_a_inverse_b",
        topic=TOPIC,
        kind="gradient",
        function=_trace_a_inverse_b,
        derivative=_trace_a_inverse_b_grad,
        domain=domains.invertible(4),
        function_latex=r"\operatorname{tr}(A X^{-1} B)",
        derivative_latex=r"-X^{-\top} A^\top B^\top X^{-\top}",
        conditions=r"$X$ invertible",
        source="Matrix Cookbook (2012) eqs. (63) and (124)",
    ),
    Identity(
        id="inverse_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_inverse,
        derivative=_inverse_jacobian,
        domain=domains.invertible(4),
        function_latex=r"X^{-1}",
        derivative_latex=r"\frac{\partial (X^{-1})_{kl}}{\partial X_{ij}} = -(X^{-1})_{ki} (X^{-1})_{jl}",
        conditions=r"$X$ invertible",
        source="Matrix Cookbook (2012) eq. (60)",
    ),
)
