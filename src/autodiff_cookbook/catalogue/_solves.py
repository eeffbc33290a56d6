r"""Derivatives of linear solves, least squares and the pseudo-inverse.

The solution :math:`x = A^{-1} b` of a square system, the least-squares solution
:math:`x = A^{+} b = (A^\top A)^{-1} A^\top b` of a tall full-rank one, and the
pseudo-inverse :math:`A^{+}` itself, as functions of :math:`A` and :math:`b`.
"""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian, well_conditioned
from ._entry import Identity
from ._shared import LSTSQ_B, SOLVE_C

__all__ = ["ENTRIES"]

TOPIC = "Solves, least squares and the pseudo-inverse"

_A = well_conditioned(1401, 4)
_b = gaussian(1402, (4,))
_A63 = gaussian(1403, (6, 3))
_b6 = gaussian(1404, (6,))
_C53 = gaussian(1405, (5, 3))


def _solve_rhs(b: Array) -> Array:
    (a,) = cast(b, _A)
    return jnp.linalg.solve(a, b)


def _solve_rhs_jac(b: Array) -> Array:
    (a,) = cast(b, _A)
    return jnp.linalg.inv(a)


def _solve_matrix(a: Array) -> Array:
    (b,) = cast(a, _b)
    return jnp.linalg.solve(a, b)


def _solve_matrix_jac(a: Array) -> Array:
    (b,) = cast(a, _b)
    ai = jnp.linalg.inv(a)
    # J[k, i, j] = d x_k / d A_ij = -(A^-1)_ki x_j
    return -jnp.einsum("ki,j->kij", ai, ai @ b)


def _adjoint(p: dict[str, Array]) -> Array:
    a, b = p["A"], p["b"]
    (c,) = cast(a, SOLVE_C)
    return c @ jnp.linalg.solve(a, b)


def _adjoint_grad(p: dict[str, Array]) -> dict[str, Array]:
    a, b = p["A"], p["b"]
    (c,) = cast(a, SOLVE_C)
    lam = jnp.linalg.solve(a.T, c)
    x = jnp.linalg.solve(a, b)
    return {"A": -jnp.outer(lam, x), "b": lam}


def _lstsq_rhs(b: Array) -> Array:
    (a,) = cast(b, _A63)
    return jnp.linalg.lstsq(a, b)[0]


def _lstsq_rhs_jac(b: Array) -> Array:
    (a,) = cast(b, _A63)
    return jnp.linalg.solve(a.T @ a, a.T)


def _lstsq_matrix(a: Array) -> Array:
    (b,) = cast(a, LSTSQ_B)
    return jnp.linalg.lstsq(a, b)[0]


def _lstsq_matrix_jac(a: Array) -> Array:
    (b,) = cast(a, LSTSQ_B)
    g = jnp.linalg.inv(a.T @ a)
    x = g @ a.T @ b
    r = b - a @ x
    # J[k, i, j] = d x_k / d A_ij = G_kj r_i - (G A^T)_ki x_j
    return jnp.einsum("kj,i->kij", g, r) - jnp.einsum("ki,j->kij", g @ a.T, x)


def _residual(a: Array) -> Array:
    (b,) = cast(a, _b6)
    x = jnp.linalg.lstsq(a, b)[0]
    return jnp.sum((a @ x - b) ** 2)


def _residual_grad(a: Array) -> Array:
    (b,) = cast(a, _b6)
    x = jnp.linalg.solve(a.T @ a, a.T @ b)
    return 2 * jnp.outer(a @ x - b, x)


def _pinv_jac(a: Array) -> Array:
    m, n = a.shape
    p = jnp.linalg.pinv(a)
    left = jnp.eye(m, dtype=a.dtype) - a @ p  # I - A A^+, m x m
    right = jnp.eye(n, dtype=a.dtype) - p @ a  # I - A^+ A, n x n
    ppt = p @ p.T  # n x n
    ptp = p.T @ p  # m x m
    # d(A^+)_kl / dA_ij for the three terms of Golub and Pereyra
    first = -jnp.einsum("ki,jl->klij", p, p)
    second = jnp.einsum("kj,il->klij", ppt, left)
    third = jnp.einsum("kj,il->klij", right, ptp)
    return first + second + third


def _pinv_trace(a: Array) -> Array:
    (c,) = cast(a, _C53)
    return jnp.trace(c @ jnp.linalg.pinv(a))


def _pinv_trace_grad(a: Array) -> Array:
    (c,) = cast(a, _C53)
    m, n = a.shape
    p = jnp.linalg.pinv(a)
    left = jnp.eye(m, dtype=a.dtype) - a @ p
    right = jnp.eye(n, dtype=a.dtype) - p @ a
    return -(p @ c @ p).T + left @ c @ p @ p.T + p.T @ p @ c @ right


_PINV_LATEX = (
    r"dA^{+} = -A^{+} dA\, A^{+} + A^{+} A^{+\top} dA^\top (I - A A^{+}) "
    r"+ (I - A^{+} A)\, dA^\top A^{+\top} A^{+}"
)
_PINV_SOURCE = (
    "Golub and Pereyra (1973), The differentiation of pseudo-inverses and "
    "nonlinear least squares problems, SIAM J. Numer. Anal. 10"
)

ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="solve_rhs_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_solve_rhs,
        derivative=_solve_rhs_jac,
        domain=domains.real((4,)),
        function_latex=r"x = A^{-1} b \text{ (as a function of } b)",
        derivative_latex=r"A^{-1}",
        conditions=r"$A$ invertible",
        source="standard result (the solve is linear in b)",
    ),
    Identity(
        id="solve_matrix_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_solve_matrix,
        derivative=_solve_matrix_jac,
        domain=domains.invertible(4),
        function_latex=r"x = A^{-1} b \text{ (as a function of } A)",
        derivative_latex=r"\frac{\partial x_k}{\partial A_{ij}} = -(A^{-1})_{ki}\, x_j",
        conditions=r"$A$ invertible: $dx = -A^{-1} (dA)\, x$",
        source="Matrix Cookbook (2012) eq. (59)",
    ),
    Identity(
        id="solve_adjoint_gradient",
        topic=TOPIC,
        kind="gradient",
        function=_adjoint,
        derivative=_adjoint_grad,
        domain={"A": domains.invertible(4), "b": domains.real((4,))},
        function_latex=r"c^\top A^{-1} b \text{ (of } A \text{ and } b)",
        derivative_latex=(
            r"\nabla_A = -\lambda x^\top, \ \nabla_b = \lambda, \quad "
            r"x = A^{-1} b,\ \lambda = A^{-\top} c"
        ),
        conditions=(
            r"$A$ invertible; one solve with $A^\top$ (the adjoint) gives both "
            r"gradients"
        ),
        source="standard result (the adjoint method); Matrix Cookbook (2012) eq. (61)",
    ),
    Identity(
        id="lstsq_rhs_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_lstsq_rhs,
        derivative=_lstsq_rhs_jac,
        domain=domains.real((6,)),
        function_latex=r"x = \operatorname{argmin}_x \lVert A x - b \rVert_2 \text{ (of } b)",
        derivative_latex=r"A^{+} = (A^\top A)^{-1} A^\top",
        conditions=r"$A$ tall ($6 \times 3$) with full column rank",
        source="standard result (the normal equations)",
    ),
    Identity(
        id="lstsq_matrix_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_lstsq_matrix,
        derivative=_lstsq_matrix_jac,
        domain=domains.full_rank(6, 3),
        function_latex=r"x = A^{+} b \text{ (of } A)",
        derivative_latex=(
            r"dx = (A^\top A)^{-1} dA^\top r - A^{+} dA\, x, \quad r = b - A x"
        ),
        conditions=(
            r"$A$ tall with full column rank; $b$ not in the range of $A$, so the "
            r"residual $r \neq 0$"
        ),
        source=_PINV_SOURCE,
    ),
    Identity(
        id="lstsq_residual_gradient",
        topic=TOPIC,
        kind="gradient",
        function=_residual,
        derivative=_residual_grad,
        domain=domains.full_rank(6, 3),
        function_latex=r"\min_x \lVert A x - b \rVert_2^2",
        derivative_latex=r"2 (A x - b)\, x^\top, \quad x = A^{+} b",
        conditions=(
            r"$A$ tall with full column rank; the minimiser's own derivative drops out "
            r"because the gradient in $x$ is zero there (the envelope theorem)"
        ),
        source=_PINV_SOURCE,
    ),
    Identity(
        id="pinv_jacobian_tall",
        topic=TOPIC,
        kind="jacobian",
        function=jnp.linalg.pinv,
        derivative=_pinv_jac,
        domain=domains.full_rank(5, 3),
        function_latex=r"A^{+} \text{ (} A \text{ tall)}",
        derivative_latex=_PINV_LATEX,
        conditions=(
            r"$A$ of constant rank near the point, here full column rank: "
            r"$I - A^{+} A = 0$ and the third term vanishes"
        ),
        source=_PINV_SOURCE,
    ),
    Identity(
        id="pinv_jacobian_wide",
        topic=TOPIC,
        kind="jacobian",
        function=jnp.linalg.pinv,
        derivative=_pinv_jac,
        domain=domains.full_rank(3, 5),
        function_latex=r"A^{+} \text{ (} A \text{ wide)}",
        derivative_latex=_PINV_LATEX,
        conditions=(
            r"$A$ of constant rank near the point, here full row rank: "
            r"$I - A A^{+} = 0$ and the second term vanishes"
        ),
        source=_PINV_SOURCE,
    ),
    Identity(
        id="pinv_trace_gradient",
        topic=TOPIC,
        kind="gradient",
        function=_pinv_trace,
        derivative=_pinv_trace_grad,
        domain=domains.full_rank(5, 3),
        function_latex=r"\operatorname{tr}(C A^{+})",
        derivative_latex=(
            r"-A^{+\top} C^\top A^{+\top} + (I - A A^{+})\, C A^{+} A^{+\top} "
            r"+ A^{+\top} A^{+} C\, (I - A^{+} A)"
        ),
        conditions=r"$A$ of full rank, here tall ($5 \times 3$), and $C$ of the shape of $A$",
        source=_PINV_SOURCE,
    ),
)
