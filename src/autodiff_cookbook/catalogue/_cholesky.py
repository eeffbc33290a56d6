r"""Derivatives through the Cholesky factor :math:`X = L L^\top` of a symmetric positive definite matrix.

:math:`\Phi` keeps the lower triangle of a matrix and halves its diagonal, so
that :math:`\Phi(A) + \Phi(A)^\top = A` for a symmetric :math:`A`. JAX's
:func:`jax.numpy.linalg.cholesky` differentiates as a function of the symmetric
part of its input, :math:`dS = \operatorname{sym}(dX)`, so the gradients here are
symmetric.
"""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array
from jax.scipy.linalg import cho_solve, solve_triangular

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity
from ._shared import CHOLESKY_C
from ._spectral import sym

__all__ = ["ENTRIES", "phi"]

TOPIC = "Cholesky factors"

_b = gaussian(1302, (4,))
_y = gaussian(1303, (4,))


def phi(a: Array) -> Array:
    r""":math:`\Phi(A)`: the lower triangle of :math:`A`, with its diagonal halved."""
    return jnp.tril(a) - jnp.diag(jnp.diag(a)) / 2


def _chol(x: Array) -> Array:
    return jnp.linalg.cholesky(x)


def _chol_jac(x: Array) -> Array:
    l = jnp.linalg.cholesky(x)
    li = solve_triangular(l, jnp.eye(x.shape[0], dtype=x.dtype), lower=True)
    # L^{-1} sym(E_cd) L^{-T}, for every (c, d): T[p, q, c, d]
    t = (jnp.einsum("pc,qd->pqcd", li, li) + jnp.einsum("pd,qc->pqcd", li, li)) / 2
    n = x.shape[0]
    mask = jnp.tril(jnp.ones((n, n), x.dtype)) - jnp.eye(n, dtype=x.dtype) / 2
    return jnp.einsum("ap,pbcd->abcd", l, t * mask[:, :, None, None])


def _chol_form(x: Array) -> Array:
    (c,) = cast(x, CHOLESKY_C)
    return jnp.sum(c * jnp.linalg.cholesky(x))


def _chol_form_grad(x: Array) -> Array:
    (c,) = cast(x, CHOLESKY_C)
    l = jnp.linalg.cholesky(x)
    li = solve_triangular(l, jnp.eye(x.shape[0], dtype=x.dtype), lower=True)
    return sym(li.T @ phi(l.T @ c) @ li)


def _mahalanobis(x: Array) -> Array:
    (b,) = cast(x, _b)
    z = solve_triangular(jnp.linalg.cholesky(x), b, lower=True)
    return z @ z


def _mahalanobis_grad(x: Array) -> Array:
    (b,) = cast(x, _b)
    u = cho_solve((jnp.linalg.cholesky(x), True), b)
    return -jnp.outer(u, u)


def _gaussian_nll(x: Array) -> Array:
    (y,) = cast(x, _y)
    l = jnp.linalg.cholesky(x)
    z = solve_triangular(l, y, lower=True)
    return jnp.sum(jnp.log(jnp.diag(l))) + (z @ z) / 2


def _gaussian_nll_grad(x: Array) -> Array:
    (y,) = cast(x, _y)
    xi = cho_solve((jnp.linalg.cholesky(x), True), jnp.eye(x.shape[0], dtype=x.dtype))
    u = xi @ y
    return (xi - jnp.outer(u, u)) / 2


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="cholesky_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_chol,
        derivative=_chol_jac,
        domain=domains.spd(4),
        function_latex=r"L = \operatorname{chol}(X), \quad X = L L^\top",
        derivative_latex=r"dL = L\, \Phi\bigl(L^{-1} dS\, L^{-\top}\bigr)",
        conditions=(
            r"$X$ symmetric positive definite, $L$ lower triangular with a positive "
            r"diagonal; $dS = \operatorname{sym}(dX)$"
        ),
        source=(
            "Murray (2016), Differentiation of the Cholesky decomposition, "
            "arXiv:1602.07527"
        ),
    ),
    Identity(
        id="cholesky_backward",
        topic=TOPIC,
        kind="gradient",
        function=_chol_form,
        derivative=_chol_form_grad,
        domain=domains.spd(4),
        function_latex=r"\operatorname{tr}(\bar L^\top L), \quad L = \operatorname{chol}(X)",
        derivative_latex=r"\operatorname{sym}\bigl(L^{-\top} \Phi(L^\top \bar L)\, L^{-1}\bigr)",
        conditions=(
            r"$X$ symmetric positive definite; $\bar L$ any constant (the adjoint "
            r"of $L$ in reverse mode), here not triangular"
        ),
        source=(
            "Murray (2016), Differentiation of the Cholesky decomposition, "
            "arXiv:1602.07527"
        ),
    ),
    Identity(
        id="cholesky_mahalanobis",
        topic=TOPIC,
        kind="gradient",
        function=_mahalanobis,
        derivative=_mahalanobis_grad,
        domain=domains.spd(4),
        function_latex=r"\lVert L^{-1} b \rVert_2^2 = b^\top X^{-1} b",
        derivative_latex=r"-X^{-1} b\, b^\top X^{-1}",
        conditions=r"$X$ symmetric positive definite; computed by a triangular solve",
        source="Matrix Cookbook (2012) eq. (61) with a symmetric matrix",
    ),
    Identity(
        id="gaussian_negative_log_likelihood",
        topic=TOPIC,
        kind="gradient",
        function=_gaussian_nll,
        derivative=_gaussian_nll_grad,
        domain=domains.spd(4),
        function_latex=(
            r"\tfrac12 \log\det \Sigma + \tfrac12 y^\top \Sigma^{-1} y "
            r"= \textstyle\sum_i \log L_{ii} + \tfrac12 \lVert L^{-1} y \rVert_2^2"
        ),
        derivative_latex=r"\tfrac12 \bigl(\Sigma^{-1} - \Sigma^{-1} y\, y^\top \Sigma^{-1}\bigr)",
        conditions=r"$\Sigma$ symmetric positive definite, $\Sigma = L L^\top$",
        source="Matrix Cookbook (2012) eqs. (57) and (61); the Gaussian likelihood",
    ),
)
