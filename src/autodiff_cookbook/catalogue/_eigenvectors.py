r"""Derivatives of eigenvectors and eigenprojectors of symmetric matrices.

An eigenvector's sign is arbitrary, so only quantities that do not depend on it
are differentiated: quadratic forms :math:`v_k^\top B v_k`, projectors
:math:`v_k v_k^\top`, and functions of the spectrum. Every formula has terms
:math:`1/(\lambda_i - \lambda_j)`, so the points are drawn from symmetric
matrices with well-separated eigenvalues (gaps of at least 1/2).
"""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity
from ._spectral import divided_differences, spectral_jacobian, sym

__all__ = ["ENTRIES"]

TOPIC = "Eigenvectors and projectors"

_B = gaussian(1201, (4, 4))


def _reduced_resolvent(w: Array, v: Array, k: int) -> Array:
    r"""The pseudo-inverse :math:`(\lambda_k I - S)^+ = \sum_{j \neq k} v_j v_j^\top / (\lambda_k - \lambda_j)`."""
    gap = w[k] - w
    inv = jnp.where(jnp.arange(w.shape[0]) == k, 0, 1 / jnp.where(gap == 0, 1, gap))
    return (v * inv) @ v.T


def _top_vector_form(x: Array) -> Array:
    (b,) = cast(x, _B)
    v = jnp.linalg.eigh(x)[1][:, -1]
    return v @ b @ v


def _top_vector_form_grad(x: Array) -> Array:
    (b,) = cast(x, _B)
    w, v = jnp.linalg.eigh(x)
    m = _reduced_resolvent(w, v, w.shape[0] - 1)
    vk = v[:, -1]
    c = (b + b.T) @ vk
    return sym(jnp.outer(m @ c, vk))


def _top_projector(x: Array) -> Array:
    v = jnp.linalg.eigh(x)[1][:, -1]
    return jnp.outer(v, v)


def _top_projector_jac(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    m = _reduced_resolvent(w, v, w.shape[0] - 1)
    p = jnp.outer(v[:, -1], v[:, -1])
    # dP = M dS P + P dS M with dS = sym(E_cd): J[a, b, c, d]
    half = jnp.einsum("ac,db->abcd", m, p) + jnp.einsum("ad,cb->abcd", m, p)
    half = half / 2
    return half + jnp.einsum("abcd->bacd", half)


def _top_two_projector(x: Array) -> Array:
    v = jnp.linalg.eigh(x)[1][:, -2:]
    return v @ v.T


def _top_two_projector_jac(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    top = (jnp.arange(w.shape[0]) >= w.shape[0] - 2).astype(x.dtype)
    weights = divided_differences(w, top, jnp.zeros_like(w))
    return spectral_jacobian(v, weights)


def _softplus_spectrum(x: Array) -> Array:
    return jnp.sum(jax.nn.softplus(jnp.linalg.eigvalsh(x)))


def _softplus_spectrum_grad(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    return (v * jax.nn.sigmoid(w)) @ v.T


def _exp_spectral(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    return (v * jnp.exp(w)) @ v.T


def _exp_spectral_jac(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    e = jnp.exp(w)
    return spectral_jacobian(v, divided_differences(w, e, e))


def _largest_eigenvalue(x: Array) -> Array:
    return jnp.linalg.eigvalsh(x)[-1]


def _largest_eigenvalue_hess(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    k = w.shape[0] - 1
    gap = w[k] - w
    coef = jnp.where(jnp.arange(w.shape[0]) == k, 0, 2 / jnp.where(gap == 0, 1, gap))
    # G_j = sym(v_k v_j^T), one per j; H = sum_j coef_j G_j (x) G_j
    g = (jnp.einsum("a,bj->jab", v[:, k], v) + jnp.einsum("aj,b->jab", v, v[:, k])) / 2
    return jnp.einsum("j,jab,jcd->abcd", coef, g, g)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="eigenvector_quadratic_form",
        topic=TOPIC,
        kind="gradient",
        function=_top_vector_form,
        derivative=_top_vector_form_grad,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"v_k^\top B\, v_k",
        derivative_latex=(
            r"\operatorname{sym}\bigl(M (B + B^\top) v_k v_k^\top\bigr), \quad "
            r"M = (\lambda_k I - S)^{+} = \textstyle\sum_{j \neq k} "
            r"\frac{v_j v_j^\top}{\lambda_k - \lambda_j}"
        ),
        conditions=(
            r"$S$ symmetric, $\lambda_k$ its largest eigenvalue, simple; $v_k$ its unit "
            r"eigenvector (the form does not depend on its sign); "
            r"$\operatorname{sym}(A) = (A + A^\top)/2$"
        ),
        source="Matrix Cookbook (2012) section 2.3 (the eigenvector derivative)",
    ),
    Identity(
        id="eigenvector_projector_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_top_projector,
        derivative=_top_projector_jac,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"P = v_k v_k^\top",
        derivative_latex=r"dP = M\, dS\, P + P\, dS\, M, \quad M = (\lambda_k I - S)^{+}",
        conditions=(
            r"$S$ symmetric, $\lambda_k$ its largest eigenvalue, simple; "
            r"$dS = \operatorname{sym}(dX)$"
        ),
        source="Matrix Cookbook (2012) section 2.3 and the product rule",
    ),
    Identity(
        id="top_two_projector_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_top_two_projector,
        derivative=_top_two_projector_jac,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"P_2 = V_2 V_2^\top",
        derivative_latex=(
            r"dP_2 = \textstyle\sum_{i \leq 2 < j} \frac{v_i^\top dS\, v_j}"
            r"{\lambda_i - \lambda_j} (v_i v_j^\top + v_j v_i^\top)"
        ),
        conditions=(
            r"$S$ symmetric with $\lambda_2 > \lambda_3$ (eigenvalues in decreasing order); "
            r"$V_2$ spans the top two eigenvectors; $dS = \operatorname{sym}(dX)$"
        ),
        source="standard result (Kato, Perturbation Theory for Linear Operators, 1966)",
    ),
    Identity(
        id="spectral_function_gradient",
        topic=TOPIC,
        kind="gradient",
        function=_softplus_spectrum,
        derivative=_softplus_spectrum_grad,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"\textstyle\sum_i g(\lambda_i(S)), \quad g(t) = \log(1 + e^t)",
        derivative_latex=r"V \operatorname{diag}\bigl(g'(\lambda)\bigr) V^\top",
        conditions=(
            r"$S$ symmetric, $g$ differentiable; holds at repeated eigenvalues too, "
            r"drawn here from distinct ones"
        ),
        source="Lewis (1996), Derivatives of spectral functions, Math. Oper. Res. 21",
    ),
    Identity(
        id="matrix_function_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_exp_spectral,
        derivative=_exp_spectral_jac,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"F(S) = V \operatorname{diag}(e^{\lambda}) V^\top = e^{S}",
        derivative_latex=(
            r"dF = V \bigl((V^\top dS\, V) \odot F^{[1]}\bigr) V^\top, \quad "
            r"F^{[1]}_{ij} = \frac{e^{\lambda_i} - e^{\lambda_j}}{\lambda_i - \lambda_j}"
        ),
        conditions=(
            r"$S$ symmetric, $F^{[1]}_{ii} = e^{\lambda_i}$; computed by "
            r"eigh; $dS = \operatorname{sym}(dX)$"
        ),
        source="Daleckii and Krein (1965); Higham (2008), Functions of Matrices, ch. 3",
    ),
    Identity(
        id="largest_eigenvalue_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_largest_eigenvalue,
        derivative=_largest_eigenvalue_hess,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"\lambda_{\max}(S)",
        derivative_latex=(
            r"\textstyle\sum_{j \neq k} \frac{2}{\lambda_k - \lambda_j} G_j \otimes G_j, "
            r"\quad G_j = \operatorname{sym}(v_k v_j^\top)"
        ),
        conditions=(
            r"$S$ symmetric, $\lambda_k = \lambda_{\max}$ simple; "
            r"$(G \otimes G)_{abcd} = G_{ab} G_{cd}$"
        ),
        source="Magnus and Neudecker (1999), Matrix Differential Calculus, ch. 8",
    ),
)
