r"""Helpers for derivatives of functions of symmetric matrices, through their eigenvectors.

A function of a symmetric :math:`S = V \operatorname{diag}(\lambda) V^\top`
applied to its eigenvalues, :math:`F(S) = V \operatorname{diag}(f(\lambda))
V^\top`, has the derivative of Daleckii and Krein (1965):
:math:`dF = V \bigl( (V^\top dS\, V) \odot f^{[1]} \bigr) V^\top`, where
:math:`f^{[1]}_{ij} = (f(\lambda_i) - f(\lambda_j)) / (\lambda_i - \lambda_j)`
and :math:`f^{[1]}_{ii} = f'(\lambda_i)`. The catalogue's eigenvector,
projector and square-root entries are instances; these helpers turn such a
matrix of divided differences into a Jacobian or a gradient.

JAX's :func:`jax.numpy.linalg.eigh` and :func:`jax.numpy.linalg.cholesky`
differentiate as functions of the symmetric part :math:`(X + X^\top)/2` of their
input, so the formulas here do too.
"""

# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

__all__ = ["divided_differences", "spectral_gradient", "spectral_jacobian", "sym"]


def sym(a: Array) -> Array:
    """The symmetric part :math:`(A + A^\\top)/2` of a square matrix."""
    return (a + a.T) / 2


def divided_differences(w: Array, values: Array, slopes: Array) -> Array:
    r"""The matrix :math:`f^{[1]}` from the eigenvalues, :math:`f(\lambda)` and :math:`f'(\lambda)`.

    Off the diagonal, :math:`(f(\lambda_i) - f(\lambda_j)) / (\lambda_i -
    \lambda_j)`; on it, :math:`f'(\lambda_i)`. The eigenvalues must be distinct.
    """
    eye = jnp.eye(w.shape[0], dtype=bool)
    gap = jnp.where(eye, 1, w[:, None] - w[None, :])
    return jnp.where(eye, jnp.diag(slopes), (values[:, None] - values[None, :]) / gap)


def spectral_jacobian(v: Array, weights: Array) -> Array:
    r"""The Jacobian :math:`\partial F_{ab} / \partial X_{cd}` of :math:`dF = V ((V^\top \operatorname{sym}(dX) V) \odot W) V^\top`.

    ``v`` holds the eigenvectors as columns and ``weights`` is :math:`W`
    (symmetric). In components, :math:`(V^\top \operatorname{sym}(E_{cd}) V)_{ij}
    = (V_{ci} V_{dj} + V_{di} V_{cj}) / 2`.
    """
    basis = (jnp.einsum("ci,dj->ijcd", v, v) + jnp.einsum("di,cj->ijcd", v, v)) / 2
    return jnp.einsum("ai,ij,ijcd,bj->abcd", v, weights, basis, v)


def spectral_gradient(v: Array, weights: Array, c: Array) -> Array:
    r"""The gradient of :math:`\operatorname{tr}(C^\top F(S))` with :math:`dF` as in :func:`spectral_jacobian`.

    It is :math:`V ((V^\top \operatorname{sym}(C) V) \odot W) V^\top`.
    """
    return v @ ((v.T @ sym(c) @ v) * weights) @ v.T
