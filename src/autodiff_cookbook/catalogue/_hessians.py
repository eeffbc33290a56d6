"""Hessians: second derivatives of scalar functions, in the layout of :func:`jax.hessian`."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian, signs
from ._entry import Identity
from ._shared import QUADRATIC_FORM_HESSIAN_A as _A

__all__ = ["ENTRIES"]

TOPIC = "Hessians"

_A64 = gaussian(1002, (6, 4))
_b6 = gaussian(1003, (6,))
_X63 = gaussian(1004, (6, 3))
_labels = signs(1005, 6)


def _quadratic_form(x: Array) -> Array:
    (a,) = cast(x, _A)
    return x @ a @ x


def _quadratic_form_hess(x: Array) -> Array:
    (a,) = cast(x, _A)
    return a + a.T


def _logsumexp_hess(x: Array) -> Array:
    s = jax.nn.softmax(x)
    return jnp.diag(s) - jnp.outer(s, s)


def _least_squares(x: Array) -> Array:
    a, b = cast(x, _A64, _b6)
    return jnp.sum((a @ x - b) ** 2)


def _least_squares_hess(x: Array) -> Array:
    (a,) = cast(x, _A64)
    return 2 * a.T @ a


def _logistic_loss(w: Array) -> Array:
    a, y = cast(w, _X63, _labels)
    return jnp.sum(jax.nn.softplus(-y * (a @ w)))


def _logistic_loss_hess(w: Array) -> Array:
    a, y = cast(w, _X63, _labels)
    p = jax.nn.sigmoid(y * (a @ w))
    return a.T @ ((p * (1 - p))[:, None] * a)


def _squared_norm_squared(x: Array) -> Array:
    return (x @ x) ** 2


def _squared_norm_squared_hess(x: Array) -> Array:
    return 4 * (x @ x) * jnp.eye(x.shape[0], dtype=x.dtype) + 8 * jnp.outer(x, x)


def _log_abs_det(x: Array) -> Array:
    return jnp.linalg.slogdet(x)[1]


def _log_abs_det_hess(x: Array) -> Array:
    xi = jnp.linalg.inv(x)
    # H[i, j, k, l] = d^2 f / dX_ij dX_kl = -(X^-1)_jk (X^-1)_li
    return -jnp.einsum("jk,li->ijkl", xi, xi)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="quadratic_form_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_quadratic_form,
        derivative=_quadratic_form_hess,
        domain=domains.real((4,)),
        function_latex=r"x^\top A x",
        derivative_latex=r"A + A^\top",
        conditions=r"always; $A$ need not be symmetric",
        source="Matrix Cookbook (2012) eq. (97)",
    ),
    Identity(
        id="logsumexp_hessian",
        topic=TOPIC,
        kind="hessian",
        function=jax.nn.logsumexp,
        derivative=_logsumexp_hess,
        domain=domains.real((4,)),
        function_latex=r"\log \textstyle\sum_i e^{x_i}",
        derivative_latex=r"\operatorname{diag}(s) - s s^\top, \quad s = \operatorname{softmax}(x)",
        conditions="always",
        source="standard result",
    ),
    Identity(
        id="least_squares_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_least_squares,
        derivative=_least_squares_hess,
        domain=domains.real((4,)),
        function_latex=r"\lVert A x - b \rVert_2^2",
        derivative_latex=r"2 A^\top A",
        conditions="always",
        source="standard result (the normal equations)",
    ),
    Identity(
        id="logistic_loss_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_logistic_loss,
        derivative=_logistic_loss_hess,
        domain=domains.real((3,)),
        function_latex=r"\textstyle\sum_i \log\bigl(1 + e^{-y_i a_i^\top w}\bigr)",
        derivative_latex=(
            r"A^\top \operatorname{diag}\bigl(p \odot (1 - p)\bigr) A, \quad p = \sigma(y \odot A w)"
        ),
        conditions=r"labels $y_i \in \{-1, 1\}$, rows $a_i^\top$ of $A$",
        source="standard result",
    ),
    Identity(
        id="squared_norm_squared_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_squared_norm_squared,
        derivative=_squared_norm_squared_hess,
        domain=domains.real((4,)),
        function_latex=r"(x^\top x)^2",
        derivative_latex=r"4 (x^\top x)\, I + 8 x x^\top",
        conditions="always",
        source="standard result; the Hessian of task 5 of the seed notebook",
    ),
    Identity(
        id="log_abs_det_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_log_abs_det,
        derivative=_log_abs_det_hess,
        domain=domains.invertible(3),
        function_latex=r"\log \lvert \det X \rvert",
        derivative_latex=(
            r"\frac{\partial^2 f}{\partial X_{ij}\, \partial X_{kl}} = -(X^{-1})_{jk} (X^{-1})_{li}"
        ),
        conditions=r"$X$ invertible",
        source="Matrix Cookbook (2012) eqs. (57) and (60)",
    ),
)
