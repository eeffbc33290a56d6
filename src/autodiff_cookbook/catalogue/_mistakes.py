"""Common wrong formulas, each referring to the identity it gets wrong, to show that checking catches it."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.scipy.linalg import expm

from .. import domains
from ._constants import cast, gaussian
from ._entry import Mistake
from ._identities import IDENTITIES
from ._registry import Catalogue
from ._shared import QUADRATIC_FORM_A, QUADRATIC_FORM_HESSIAN_A

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
    )
)
