r"""The matrix square root of an SPD matrix and the polar factor of a square one.

:math:`A^{1/2}` is computed from :func:`jax.numpy.linalg.eigh`,
:math:`A^{1/2} = V \operatorname{diag}(\sqrt{\lambda}) V^\top`, and the
orthogonal polar factor :math:`U` of :math:`A = U P` from
:func:`jax.numpy.linalg.svd`, :math:`U = W V^\top` for :math:`A = W \Sigma
V^\top` (:func:`jax.scipy.linalg.sqrtm` returns complex values and runs on CPUs
only). Both derivatives solve a Sylvester equation (Higham 2008, Functions of
Matrices, chapters 6 and 8).
"""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity
from ._spectral import spectral_gradient, spectral_jacobian

__all__ = ["ENTRIES", "sqrtm"]

TOPIC = "Matrix square root and polar factor"

_C = gaussian(1801, (4, 4))


def sqrtm(a: Array) -> Array:
    r"""The square root :math:`A^{1/2}` of a symmetric positive definite matrix, by :func:`~jax.numpy.linalg.eigh`."""
    w, v = jnp.linalg.eigh(a)
    return (v * jnp.sqrt(w)) @ v.T


def _sqrtm_jac(a: Array) -> Array:
    w, v = jnp.linalg.eigh(a)
    r = jnp.sqrt(w)
    return spectral_jacobian(v, 1 / (r[:, None] + r[None, :]))


def _trace_sqrtm(a: Array) -> Array:
    return jnp.sum(jnp.sqrt(jnp.linalg.eigvalsh(a)))


def _trace_sqrtm_grad(a: Array) -> Array:
    w, v = jnp.linalg.eigh(a)
    return (v / (2 * jnp.sqrt(w))) @ v.T


def _sqrtm_form(a: Array) -> Array:
    (c,) = cast(a, _C)
    return jnp.trace(c @ sqrtm(a))


def _sqrtm_form_grad(a: Array) -> Array:
    (c,) = cast(a, _C)
    w, v = jnp.linalg.eigh(a)
    r = jnp.sqrt(w)
    return spectral_gradient(v, 1 / (r[:, None] + r[None, :]), c.T)


def _polar(a: Array) -> Array:
    w, _, vt = jnp.linalg.svd(a, full_matrices=False)
    return w @ vt


def _polar_jac(a: Array) -> Array:
    w, s, vt = jnp.linalg.svd(a, full_matrices=False)
    v = vt.T
    # M = W^T E_ij V for every matrix unit: M[p, q, i, j] = W_ip V_jq
    m = jnp.einsum("ip,jq->pqij", w, v)
    k = (m - jnp.swapaxes(m, 0, 1)) / (s[:, None] + s[None, :])[:, :, None, None]
    return jnp.einsum("ap,pqij,bq->abij", w, k, v)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="sqrtm_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=sqrtm,
        derivative=_sqrtm_jac,
        domain=domains.spd(4),
        function_latex=r"A^{1/2}",
        derivative_latex=(
            r"dS \text{ solving } A^{1/2} dS + dS\, A^{1/2} = dA\!: \ "
            r"dS = V \Bigl(\frac{(V^\top dA\, V)_{ij}}{\sqrt{\lambda_i} + "
            r"\sqrt{\lambda_j}}\Bigr) V^\top"
        ),
        conditions=(
            r"$A$ symmetric positive definite, $A = V \operatorname{diag}(\lambda) "
            r"V^\top$; computed by eigh; $dA = \operatorname{sym}(dX)$"
        ),
        source="Higham (2008), Functions of Matrices, ch. 6 (the Sylvester equation)",
    ),
    Identity(
        id="trace_sqrtm",
        topic=TOPIC,
        kind="gradient",
        function=_trace_sqrtm,
        derivative=_trace_sqrtm_grad,
        domain=domains.spd(4),
        function_latex=r"\operatorname{tr}\bigl(A^{1/2}\bigr)",
        derivative_latex=r"\tfrac12 A^{-1/2}",
        conditions=(
            r"$A$ symmetric positive definite; under the trace the shortcut "
            r"$\tfrac12 A^{-1/2} dA$ is right, since $\operatorname{tr}$ is cyclic"
        ),
        source="Lewis (1996), Derivatives of spectral functions; g(t) = sqrt(t)",
    ),
    Identity(
        id="sqrtm_trace_form",
        topic=TOPIC,
        kind="gradient",
        function=_sqrtm_form,
        derivative=_sqrtm_form_grad,
        domain=domains.spd(4),
        function_latex=r"\operatorname{tr}\bigl(C A^{1/2}\bigr)",
        derivative_latex=(
            r"Y \text{ solving } A^{1/2} Y + Y A^{1/2} = \operatorname{sym}(C)"
        ),
        conditions=(
            r"$A$ symmetric positive definite, $C$ not symmetric; the adjoint of the "
            r"Sylvester equation is itself"
        ),
        source="Higham (2008), Functions of Matrices, ch. 6 (the Sylvester equation)",
    ),
    Identity(
        id="polar_factor_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_polar,
        derivative=_polar_jac,
        domain=domains.full_rank(4, 4),
        function_latex=r"U, \quad A = U P,\ U^\top U = I,\ P \text{ SPD}",
        derivative_latex=(
            r"dU = W K V^\top, \quad K_{ij} = \frac{M_{ij} - M_{ji}}{\sigma_i + "
            r"\sigma_j}, \quad M = W^\top dA\, V"
        ),
        conditions=(
            r"$A = W \Sigma V^\top$ square and invertible, so $\sigma_i + \sigma_j > 0$; "
            r"computed by svd, $U = W V^\top$"
        ),
        source="Higham (2008), Functions of Matrices, ch. 8 (the polar decomposition)",
    ),
)
