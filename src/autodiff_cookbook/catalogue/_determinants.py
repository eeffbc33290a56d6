"""Determinants and log-determinants: Matrix Cookbook section 2.1."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, well_conditioned
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Determinants and log-determinants"

_A = well_conditioned(501, 4)
_B = well_conditioned(502, 4)
_C = well_conditioned(503, 4)


def _inv_t(x: Array) -> Array:
    return jnp.linalg.inv(x).T


def _det(x: Array) -> Array:
    return jnp.linalg.det(x)


def _det_grad(x: Array) -> Array:
    return jnp.linalg.det(x) * _inv_t(x)


def _det_axb(x: Array) -> Array:
    a, b = cast(x, _A, _B)
    return jnp.linalg.det(a @ x @ b)


def _det_axb_grad(x: Array) -> Array:
    a, b = cast(x, _A, _B)
    return jnp.linalg.det(a @ x @ b) * _inv_t(x)


def _det_xtax(x: Array) -> Array:
    (a,) = cast(x, _C)
    return jnp.linalg.det(x.T @ a @ x)


def _det_xtax_grad(x: Array) -> Array:
    (a,) = cast(x, _C)
    return 2 * jnp.linalg.det(x.T @ a @ x) * _inv_t(x)


def _log_abs_det(x: Array) -> Array:
    return jnp.linalg.slogdet(x)[1]


def _log_abs_det_grad(x: Array) -> Array:
    return _inv_t(x)


def _neg_log_det(x: Array) -> Array:
    return -jnp.log(jnp.linalg.det(x))


def _neg_log_det_grad(x: Array) -> Array:
    return -_inv_t(x)


def _log_det_spd(x: Array) -> Array:
    return 2 * jnp.sum(jnp.log(jnp.diag(jnp.linalg.cholesky(x))))


def _log_det_spd_grad(x: Array) -> Array:
    return jnp.linalg.inv(x)


def _log_det_gram(x: Array) -> Array:
    return jnp.linalg.slogdet(x.T @ x)[1]


def _log_det_gram_grad(x: Array) -> Array:
    return 2 * jnp.linalg.pinv(x).T


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="det",
        topic=TOPIC,
        kind="gradient",
        function=_det,
        derivative=_det_grad,
        domain=domains.invertible(4),
        function_latex=r"\det X",
        derivative_latex=r"\det(X)\, X^{-\top}",
        conditions=r"$X$ invertible (else the adjugate: $\operatorname{adj}(X)^\top$)",
        source="Matrix Cookbook (2012) eq. (49)",
    ),
    Identity(
        id="det_axb",
        topic=TOPIC,
        kind="gradient",
        function=_det_axb,
        derivative=_det_axb_grad,
        domain=domains.invertible(4),
        function_latex=r"\det(A X B)",
        derivative_latex=r"\det(A X B)\, X^{-\top}",
        conditions=r"$A$, $X$, $B$ square and invertible",
        source="Matrix Cookbook (2012) eq. (51)",
    ),
    Identity(
        id="det_xtax",
        topic=TOPIC,
        kind="gradient",
        function=_det_xtax,
        derivative=_det_xtax_grad,
        domain=domains.invertible(4),
        function_latex=r"\det(X^\top A X)",
        derivative_latex=r"2 \det(X^\top A X)\, X^{-\top}",
        conditions=r"$X$ square and invertible; $A$ need not be symmetric",
        source="Matrix Cookbook (2012) eq. (52)",
    ),
    Identity(
        id="log_abs_det",
        topic=TOPIC,
        kind="gradient",
        function=_log_abs_det,
        derivative=_log_abs_det_grad,
        domain=domains.invertible(4),
        function_latex=r"\log \lvert \det X \rvert",
        derivative_latex=r"X^{-\top}",
        conditions=r"$X$ invertible",
        source="Matrix Cookbook (2012) eq. (57)",
    ),
    Identity(
        id="neg_log_det",
        topic=TOPIC,
        kind="gradient",
        function=_neg_log_det,
        derivative=_neg_log_det_grad,
        domain=domains.invertible(4, positive_determinant=True),
        function_latex=r"-\log \det X",
        derivative_latex=r"-X^{-\top}",
        conditions=r"$\det X > 0$",
        source="Matrix Cookbook (2012) eq. (57); task 4 of the seed notebook, sign corrected",
    ),
    Identity(
        id="log_det_spd",
        topic=TOPIC,
        kind="gradient",
        function=_log_det_spd,
        derivative=_log_det_spd_grad,
        domain=domains.spd(4),
        function_latex=r"\log \det S = 2 \textstyle\sum_i \log L_{ii} \quad (S = L L^\top)",
        derivative_latex=r"S^{-1}",
        conditions=r"$S$ symmetric positive definite; computed by Cholesky",
        source="Matrix Cookbook (2012) eq. (57) with a symmetric matrix",
    ),
    Identity(
        id="log_det_gram",
        topic=TOPIC,
        kind="gradient",
        function=_log_det_gram,
        derivative=_log_det_gram_grad,
        domain=domains.full_rank(5, 3),
        function_latex=r"\log \det(X^\top X)",
        derivative_latex=r"2 (X^{+})^\top = 2 X (X^\top X)^{-1}",
        conditions=r"$X$ has full column rank; $X^{+}$ is the pseudo-inverse",
        source="Matrix Cookbook (2012) eq. (55)",
    ),
)
