r"""Kronecker products and the vec operator.

:math:`\operatorname{vec} X` stacks the columns of :math:`X` (column-major), so
:math:`\operatorname{vec}(A X B) = (B^\top \otimes A) \operatorname{vec} X`: the
Jacobian of a linear map of matrices, written as a matrix. In NumPy's row-major
layout, :math:`\operatorname{vec} X` is ``X.T.reshape(-1)``.
"""

# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Kronecker products and vec"

_A23 = gaussian(1601, (2, 3))
_B42 = gaussian(1602, (4, 2))
_A33 = gaussian(1603, (3, 3))
_B44 = gaussian(1604, (4, 4))
_C22 = gaussian(1605, (2, 2))
_K33 = gaussian(1606, (3, 3))
_H44 = gaussian(1607, (4, 4))
_H33 = gaussian(1608, (3, 3))


def vec(x: Array) -> Array:
    """Stack the columns of a matrix."""
    return x.T.reshape(-1)


def unvec(x: Array, rows: int) -> Array:
    """The inverse of :func:`vec` for a matrix with ``rows`` rows."""
    return x.reshape(-1, rows).T


def _vec_axb(x: Array) -> Array:
    a, b = cast(x, _A23, _B42)
    return vec(a @ unvec(x, 3) @ b)  # X is 3 x 4


def _vec_axb_jac(x: Array) -> Array:
    a, b = cast(x, _A23, _B42)
    return jnp.kron(b.T, a)


def _sylvester(x: Array) -> Array:
    a, b = cast(x, _A33, _B44)
    m = unvec(x, 3)  # X is 3 x 4
    return vec(a @ m + m @ b)


def _sylvester_jac(x: Array) -> Array:
    a, b = cast(x, _A33, _B44)
    return jnp.kron(jnp.eye(4, dtype=x.dtype), a) + jnp.kron(
        b.T, jnp.eye(3, dtype=x.dtype)
    )


def _kron_right(x: Array) -> Array:
    (c,) = cast(x, _C22)
    return jnp.kron(x, c)


def _kron_right_jac(x: Array) -> Array:
    (c,) = cast(x, _C22)
    n, p = x.shape
    q, r = c.shape
    eye_n = jnp.eye(n, dtype=x.dtype)
    eye_p = jnp.eye(p, dtype=x.dtype)
    # (X (x) C)_{(i q + k), (j r + l)} = X_ij C_kl, so its derivative in X_ab
    # is delta_ia delta_jb C_kl
    j = jnp.einsum("ia,jb,kl->ikjlab", eye_n, eye_p, c)
    return j.reshape(n * q, p * r, n, p)


def _vec_quadratic(x: Array) -> Array:
    a, b = cast(x, _K33, _B44)
    v = vec(x)  # X is 4 x 3
    return v @ jnp.kron(a, b) @ v


def _vec_quadratic_grad(x: Array) -> Array:
    a, b = cast(x, _K33, _B44)
    return b @ x @ a.T + b.T @ x @ a


def _trace_kron(x: Array) -> Array:
    (a,) = cast(x, _A33)
    return jnp.trace(jnp.kron(a, x))


def _trace_kron_grad(x: Array) -> Array:
    (a,) = cast(x, _A33)
    return jnp.trace(a) * jnp.eye(x.shape[0], dtype=x.dtype)


def _trace_xtaxb(x: Array) -> Array:
    a, b = cast(x, _H44, _H33)
    return jnp.trace(x.T @ a @ x @ b)


def _trace_xtaxb_hess(x: Array) -> Array:
    a, b = cast(x, _H44, _H33)
    # H[p, q, r, s] = A_pr B_sq + A_rp B_qs
    return jnp.einsum("pr,sq->pqrs", a, b) + jnp.einsum("rp,qs->pqrs", a, b)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="vec_axb_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_vec_axb,
        derivative=_vec_axb_jac,
        domain=domains.real((12,)),
        function_latex=r"\operatorname{vec}(A X B) \text{ (of } \operatorname{vec} X)",
        derivative_latex=r"B^\top \otimes A",
        conditions=r"always; $A$ is $2 \times 3$, $X$ is $3 \times 4$, $B$ is $4 \times 2$",
        source="Matrix Cookbook (2012) section 10.2 (the vec operator)",
    ),
    Identity(
        id="sylvester_operator_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_sylvester,
        derivative=_sylvester_jac,
        domain=domains.real((12,)),
        function_latex=r"\operatorname{vec}(A X + X B) \text{ (of } \operatorname{vec} X)",
        derivative_latex=r"I \otimes A + B^\top \otimes I",
        conditions=r"always; $A$ is $3 \times 3$, $B$ is $4 \times 4$ (the Kronecker sum)",
        source="Matrix Cookbook (2012) section 10.2 (the vec operator, twice)",
    ),
    Identity(
        id="kronecker_product_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_kron_right,
        derivative=_kron_right_jac,
        domain=domains.real((3, 2)),
        function_latex=r"X \otimes C",
        derivative_latex=(
            r"\frac{\partial (X \otimes C)_{(i,k),(j,l)}}{\partial X_{ab}} = "
            r"\delta_{ia} \delta_{jb} C_{kl}"
        ),
        conditions=r"always: $d(X \otimes C) = dX \otimes C$",
        source="Matrix Cookbook (2012) section 10.2 (the Kronecker product is bilinear)",
    ),
    Identity(
        id="vec_quadratic_form",
        topic=TOPIC,
        kind="gradient",
        function=_vec_quadratic,
        derivative=_vec_quadratic_grad,
        domain=domains.real((4, 3)),
        function_latex=(
            r"\operatorname{vec}(X)^\top (A \otimes B) \operatorname{vec}(X) "
            r"= \operatorname{tr}(X^\top B X A^\top)"
        ),
        derivative_latex=r"B X A^\top + B^\top X A",
        conditions=r"always; $A$ ($3 \times 3$) and $B$ ($4 \times 4$) not symmetric",
        source="Matrix Cookbook (2012) section 10.2 (the vec operator)",
    ),
    Identity(
        id="trace_kronecker",
        topic=TOPIC,
        kind="gradient",
        function=_trace_kron,
        derivative=_trace_kron_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}(A \otimes X) = \operatorname{tr}(A) \operatorname{tr}(X)",
        derivative_latex=r"\operatorname{tr}(A)\, I",
        conditions="always",
        source="Matrix Cookbook (2012) section 10.2 (the trace of a Kronecker product)",
    ),
    Identity(
        id="trace_xtaxb_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_trace_xtaxb,
        derivative=_trace_xtaxb_hess,
        domain=domains.real((4, 3)),
        function_latex=r"\operatorname{tr}(X^\top A X B)",
        derivative_latex=(
            r"\frac{\partial^2 f}{\partial X_{pq}\, \partial X_{rs}} = A_{pr} B_{sq} + "
            r"A_{rp} B_{qs}, \text{ on } \operatorname{vec} X\!: B^\top \otimes A + B \otimes A^\top"
        ),
        conditions=r"always; $A$ ($4 \times 4$) and $B$ ($3 \times 3$) not symmetric",
        source="standard result (the second differential 2 tr(dX^T A dX B))",
    ),
)
