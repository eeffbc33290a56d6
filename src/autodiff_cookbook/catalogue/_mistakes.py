"""Common wrong formulas, each kept next to the right one to show that checking catches it."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.scipy.linalg import expm

from .. import domains
from . import _determinants, _hessians, _norms, _quadratic, _traces
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Common mistakes"

_A4 = gaussian(1101, (4, 4))
_A44 = gaussian(1102, (4, 4))
_b4 = gaussian(1103, (4,))


def _quadratic_form_2ax(x: Array) -> Array:
    (a,) = cast(x, _quadratic._A)
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
    (a,) = cast(x, _hessians._A)
    return 2 * a


def _least_squares_square(x: Array) -> Array:
    a, b = cast(x, _A44, _b4)
    return jnp.sum((a @ x - b) ** 2)


def _least_squares_untransposed(x: Array) -> Array:
    a, b = cast(x, _A44, _b4)
    return 2 * a @ (a @ x - b)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="quadratic_form_2ax",
        topic=TOPIC,
        kind="gradient",
        function=_quadratic._quadratic_form,
        derivative=_quadratic_form_2ax,
        domain=domains.real((4,)),
        function_latex=r"x^\top A x",
        derivative_latex=r"2 A x",
        conditions=r"only for symmetric $A$; here $A$ is not",
        source="common mistake",
        mistake=r"treats $A$ as symmetric: the right gradient is $(A + A^\top) x$",
        correct_id="quadratic_form",
    ),
    Identity(
        id="trace_exp_untransposed",
        topic=TOPIC,
        kind="gradient",
        function=_traces._trace_exp,
        derivative=_expm_untransposed,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}\bigl(e^{X}\bigr)",
        derivative_latex=r"e^{X}",
        conditions=r"only for symmetric $X$",
        source="common mistake",
        mistake=r"drops the transpose: the gradient is $e^{X^\top}$, equal to $e^X$ only when $X$ is symmetric",
        correct_id="trace_exp",
    ),
    Identity(
        id="log_abs_det_untransposed",
        topic=TOPIC,
        kind="gradient",
        function=_determinants._log_abs_det,
        derivative=_inverse_untransposed,
        domain=domains.invertible(4),
        function_latex=r"\log \lvert \det X \rvert",
        derivative_latex=r"X^{-1}",
        conditions=r"only for symmetric $X$",
        source="common mistake",
        mistake=r"writes $X^{-1}$ for $X^{-\top}$",
        correct_id="log_abs_det",
    ),
    Identity(
        id="neg_log_det_sign",
        topic=TOPIC,
        kind="gradient",
        function=_determinants._neg_log_det,
        derivative=_inverse_transposed,
        domain=domains.invertible(4, positive_determinant=True),
        function_latex=r"-\log \det X",
        derivative_latex=r"X^{-\top}",
        conditions="never",
        source="task 4 of the seed notebook",
        mistake=(
            r"drops the minus sign: $d(-\log\det X) = -\operatorname{tr}(X^{-1} dX)$, "
            r"so the gradient is $-X^{-\top}$"
        ),
        correct_id="neg_log_det",
    ),
    Identity(
        id="softmax_jacobian_diagonal",
        topic=TOPIC,
        kind="jacobian",
        function=jax.nn.softmax,
        derivative=_softmax_jacobian_diagonal,
        domain=domains.real((4,)),
        function_latex=r"s = \operatorname{softmax}(x)",
        derivative_latex=r"\operatorname{diag}(s)",
        conditions="never",
        source="common mistake",
        mistake=(
            r"misses the outer-product term $-s s^\top$: every output depends on "
            "every input through the normalisation"
        ),
        correct_id="softmax_jacobian",
    ),
    Identity(
        id="trace_xa_untransposed",
        topic=TOPIC,
        kind="gradient",
        function=_trace_xa_square,
        derivative=_trace_xa_untransposed,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}(X A)",
        derivative_latex=r"A",
        conditions=r"only for symmetric $A$",
        source="common mistake",
        mistake=r"drops the transpose: $\operatorname{tr}(XA) = \sum_{ij} X_{ij} A_{ji}$, so the gradient is $A^\top$",
        correct_id="trace_xa",
    ),
    Identity(
        id="squared_norm_squared_missing_factor",
        topic=TOPIC,
        kind="gradient",
        function=_quadratic._squared_norm_squared,
        derivative=_squared_norm_squared_half,
        domain=domains.real((4,)),
        function_latex=r"(x^\top x)^2",
        derivative_latex=r"2\,(x^\top x)\, x",
        conditions="never",
        source="common mistake",
        mistake=r"forgets the inner derivative: $\nabla (x^\top x) = 2x$, so the factor is 4",
        correct_id="squared_norm_squared",
    ),
    Identity(
        id="frobenius_norm_as_squared",
        topic=TOPIC,
        kind="gradient",
        function=_norms._frobenius,
        derivative=_frobenius_as_squared,
        domain=domains.real((4, 3)),
        function_latex=r"\lVert X \rVert_F",
        derivative_latex=r"2 X",
        conditions="never",
        source="common mistake",
        mistake=r"uses the gradient of $\lVert X \rVert_F^2$; the norm itself has gradient $X / \lVert X \rVert_F$",
        correct_id="frobenius_norm",
    ),
    Identity(
        id="quadratic_form_hessian_2a",
        topic=TOPIC,
        kind="hessian",
        function=_hessians._quadratic_form,
        derivative=_quadratic_form_hessian_2a,
        domain=domains.real((4,)),
        function_latex=r"x^\top A x",
        derivative_latex=r"2 A",
        conditions=r"only for symmetric $A$",
        source="common mistake",
        mistake=r"a Hessian is symmetric, $2A$ is not: the Hessian is $A + A^\top$",
        correct_id="quadratic_form_hessian",
    ),
    Identity(
        id="least_squares_untransposed",
        topic=TOPIC,
        kind="gradient",
        function=_least_squares_square,
        derivative=_least_squares_untransposed,
        domain=domains.real((4,)),
        function_latex=r"\lVert A x - b \rVert_2^2",
        derivative_latex=r"2 A (A x - b)",
        conditions=r"only for symmetric $A$",
        source="common mistake",
        mistake=r"drops the transpose of the chain rule: the gradient is $2 A^\top (A x - b)$",
        correct_id="least_squares",
    ),
)
