"""Common wrong formulas, each referring to the identity it gets wrong, to show that checking catches it."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.scipy.linalg import expm, solve_triangular

from .. import domains
from ._constants import cast, gaussian
from ._entry import Mistake
from ._identities import IDENTITIES
from ._registry import Catalogue
from ._roots import sqrtm
from ._shared import (
    CHOLESKY_C,
    EXPM_C,
    LSTSQ_B,
    QUADRATIC_FORM_A,
    QUADRATIC_FORM_HESSIAN_A,
    SOLVE_C,
)
from ._spectral import sym

__all__ = ["MISTAKES"]

# The identities trace_xa and least_squares have a non-square A, where the
# untransposed formula has the wrong shape; their mistakes are checked on a
# square A of their own, where the mistake is easy to make.
_A4 = gaussian(1101, (4, 4))
_A44 = gaussian(1102, (4, 4))
_b4 = gaussian(1103, (4,))


def _quadratic_form_2ax(x: Array) -> Array:
    (a,) = cast(x, QUADRATIC_FORM_A)
    return 2 * a @ x


def _expm_untransposed(x: Array) -> Array:
    return expm(x)


def _inverse_untransposed(x: Array) -> Array:
    return jnp.linalg.inv(x)


def _inverse_transposed(x: Array) -> Array:
    return jnp.linalg.inv(x).T


def _softmax_jacobian_diagonal(x: Array) -> Array:
    return jnp.diag(jax.nn.softmax(x))


def _trace_xa_square(x: Array) -> Array:
    (a,) = cast(x, _A4)
    return jnp.trace(x @ a)


def _trace_xa_untransposed(x: Array) -> Array:
    (a,) = cast(x, _A4)
    return a


def _squared_norm_squared_half(x: Array) -> Array:
    return 2 * (x @ x) * x


def _frobenius_as_squared(x: Array) -> Array:
    return 2 * x


def _quadratic_form_hessian_2a(x: Array) -> Array:
    (a,) = cast(x, QUADRATIC_FORM_HESSIAN_A)
    return 2 * a


def _least_squares_square(x: Array) -> Array:
    a, b = cast(x, _A44, _b4)
    return jnp.sum((a @ x - b) ** 2)


def _least_squares_untransposed(x: Array) -> Array:
    a, b = cast(x, _A44, _b4)
    return 2 * a @ (a @ x - b)


def _log_softmax_jacobian_transposed(x: Array) -> Array:
    s = jax.nn.softmax(x)
    return jnp.eye(x.shape[0], dtype=x.dtype) - s[:, None]


def _sqrtm_half_inverse(a: Array) -> Array:
    n = a.shape[0]
    half_inverse = jnp.linalg.inv(sqrtm(a)) / 2
    eye = jnp.eye(n, dtype=a.dtype)
    # J[:, :, c, d] = (1/2) A^{-1/2} sym(E_cd)
    return (
        jnp.einsum("ac,bd->abcd", half_inverse, eye)
        + jnp.einsum("ad,bc->abcd", half_inverse, eye)
    ) / 2


def _cholesky_without_phi(x: Array) -> Array:
    (c,) = cast(x, CHOLESKY_C)
    l = jnp.linalg.cholesky(x)
    li = solve_triangular(l, jnp.eye(x.shape[0], dtype=x.dtype), lower=True)
    return sym(li.T @ (l.T @ c) @ li)


def _pinv_first_term(a: Array) -> Array:
    p = jnp.linalg.pinv(a)
    return -jnp.einsum("ki,jl->klij", p, p)


def _expm_commuting(x: Array) -> Array:
    (c,) = cast(x, EXPM_C)
    return (c @ expm(x)).T


def _lstsq_without_residual(a: Array) -> Array:
    (b,) = cast(a, LSTSQ_B)
    p = jnp.linalg.pinv(a)
    return -jnp.einsum("ki,j->kij", p, p @ b)


def _solve_adjoint_untransposed(p: dict[str, Array]) -> dict[str, Array]:
    a, b = p["A"], p["b"]
    (c,) = cast(a, SOLVE_C)
    lam = jnp.linalg.solve(a, c)
    return {"A": -jnp.outer(lam, jnp.linalg.solve(a, b)), "b": lam}


MISTAKES: Catalogue[Mistake] = Catalogue(
    (
        Mistake(
            id="quadratic_form_2ax",
            identity=IDENTITIES["quadratic_form"],
            derivative=_quadratic_form_2ax,
            derivative_latex=r"2 A x",
            why=r"treats $A$ as symmetric: the right gradient is $(A + A^\top) x$",
        ),
        Mistake(
            id="trace_exp_untransposed",
            identity=IDENTITIES["trace_exp"],
            derivative=_expm_untransposed,
            derivative_latex=r"e^{X}",
            why=(
                r"drops the transpose: the gradient is $e^{X^\top}$, equal to $e^X$ "
                r"only when $X$ is symmetric"
            ),
        ),
        Mistake(
            id="log_abs_det_untransposed",
            identity=IDENTITIES["log_abs_det"],
            derivative=_inverse_untransposed,
            derivative_latex=r"X^{-1}",
            why=r"writes $X^{-1}$ for $X^{-\top}$",
        ),
        # Task 4 of the seed notebook.
        Mistake(
            id="neg_log_det_sign",
            identity=IDENTITIES["neg_log_det"],
            derivative=_inverse_transposed,
            derivative_latex=r"X^{-\top}",
            why=(
                r"drops the minus sign: $d(-\log\det X) = -\operatorname{tr}(X^{-1} dX)$, "
                r"so the gradient is $-X^{-\top}$"
            ),
        ),
        Mistake(
            id="softmax_jacobian_diagonal",
            identity=IDENTITIES["softmax_jacobian"],
            derivative=_softmax_jacobian_diagonal,
            derivative_latex=r"\operatorname{diag}(s)",
            why=(
                r"misses the outer-product term $-s s^\top$: every output depends on "
                "every input through the normalisation"
            ),
        ),
        Mistake(
            id="trace_xa_untransposed",
            identity=IDENTITIES["trace_xa"],
            derivative=_trace_xa_untransposed,
            derivative_latex=r"A",
            why=(
                r"drops the transpose: $\operatorname{tr}(XA) = \sum_{ij} X_{ij} A_{ji}$, "
                r"so the gradient is $A^\top$"
            ),
            function=_trace_xa_square,
            domain=domains.real((4, 4)),
        ),
        Mistake(
            id="squared_norm_squared_missing_factor",
            identity=IDENTITIES["squared_norm_squared"],
            derivative=_squared_norm_squared_half,
            derivative_latex=r"2\,(x^\top x)\, x",
            why=r"forgets the inner derivative: $\nabla (x^\top x) = 2x$, so the factor is 4",
        ),
        Mistake(
            id="frobenius_norm_as_squared",
            identity=IDENTITIES["frobenius_norm"],
            derivative=_frobenius_as_squared,
            derivative_latex=r"2 X",
            why=(
                r"uses the gradient of $\lVert X \rVert_F^2$; the norm itself has "
                r"gradient $X / \lVert X \rVert_F$"
            ),
        ),
        Mistake(
            id="quadratic_form_hessian_2a",
            identity=IDENTITIES["quadratic_form_hessian"],
            derivative=_quadratic_form_hessian_2a,
            derivative_latex=r"2 A",
            why=r"a Hessian is symmetric, $2A$ is not: the Hessian is $A + A^\top$",
        ),
        Mistake(
            id="least_squares_untransposed",
            identity=IDENTITIES["least_squares"],
            derivative=_least_squares_untransposed,
            derivative_latex=r"2 A (A x - b)",
            why=r"drops the transpose of the chain rule: the gradient is $2 A^\top (A x - b)$",
            function=_least_squares_square,
            domain=domains.real((4,)),
        ),
        Mistake(
            id="log_softmax_jacobian_transposed",
            identity=IDENTITIES["log_softmax_jacobian"],
            derivative=_log_softmax_jacobian_transposed,
            derivative_latex=r"I - s \mathbf 1^\top",
            why=(
                r"transposes the rank-one term: output $i$ is $x_i - \operatorname{lse}(x)$, "
                r"so row $i$ of the Jacobian is $e_i - s$ and the columns of "
                r"$\mathbf 1 s^\top$, not its rows, are constant"
            ),
        ),
        Mistake(
            id="sqrtm_half_inverse",
            identity=IDENTITIES["sqrtm_jacobian"],
            derivative=_sqrtm_half_inverse,
            derivative_latex=r"dS = \tfrac12 A^{-1/2} dA",
            why=(
                r"the scalar rule $d\sqrt a = da / (2 \sqrt a)$ holds only when $dA$ "
                r"commutes with $A$; in general $dS$ solves "
                r"$A^{1/2} dS + dS\, A^{1/2} = dA$ (and $\tfrac12 A^{-1/2} dA$ is not "
                r"even symmetric)"
            ),
        ),
        Mistake(
            id="cholesky_backward_without_phi",
            identity=IDENTITIES["cholesky_backward"],
            derivative=_cholesky_without_phi,
            derivative_latex=r"\operatorname{sym}\bigl(L^{-\top} L^\top \bar L\, L^{-1}\bigr)",
            why=(
                r"drops the projection $\Phi$: $dL$ is lower triangular, so only the "
                r"lower triangle of $L^\top \bar L$ (with half its diagonal) reaches $X$"
            ),
        ),
        Mistake(
            id="pinv_without_projector_terms",
            identity=IDENTITIES["pinv_jacobian_tall"],
            derivative=_pinv_first_term,
            derivative_latex=r"dA^{+} = -A^{+} dA\, A^{+}",
            why=(
                r"copies $d(A^{-1}) = -A^{-1} dA\, A^{-1}$: for a non-square $A$ the "
                r"terms with the projectors $I - A A^{+}$ and $I - A^{+} A$ do not vanish"
            ),
        ),
        Mistake(
            id="expm_frechet_commuting",
            identity=IDENTITIES["expm_frechet_gradient"],
            derivative=_expm_commuting,
            derivative_latex=r"(C e^{X})^\top \text{ from } d e^X = e^X dX",
            why=(
                r"$d e^X = e^X dX$ holds only when $dX$ commutes with $X$; in general "
                r"$d e^X = \int_0^1 e^{sX} dX\, e^{(1-s)X} ds$, the Fr\'echet derivative"
            ),
        ),
        Mistake(
            id="lstsq_matrix_without_residual",
            identity=IDENTITIES["lstsq_matrix_jacobian"],
            derivative=_lstsq_without_residual,
            derivative_latex=r"dx = -A^{+} dA\, x",
            why=(
                r"differentiates $A x = b$ as if it held exactly: the term "
                r"$(A^\top A)^{-1} dA^\top r$ vanishes only when the residual $r = b - A x$ is 0"
            ),
        ),
        Mistake(
            id="solve_adjoint_untransposed",
            identity=IDENTITIES["solve_adjoint_gradient"],
            derivative=_solve_adjoint_untransposed,
            derivative_latex=r"\lambda = A^{-1} c",
            why=(
                r"solves with $A$ instead of $A^\top$: $c^\top A^{-1} = (A^{-\top} c)^\top$, "
                r"so the adjoint is $\lambda = A^{-\top} c$"
            ),
        ),
    )
)
