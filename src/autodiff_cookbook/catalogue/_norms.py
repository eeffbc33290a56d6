"""Vector and matrix norms: Matrix Cookbook sections 2.6 and 2.7, and the singular-value norms."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian, spd_matrix
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Norms"

_a4 = gaussian(301, (4,))
_A64 = gaussian(302, (6, 4))
_b6 = gaussian(303, (6,))
_S = spd_matrix(304, 4)


def _two_norm(x: Array) -> Array:
    (a,) = cast(x, _a4)
    return jnp.linalg.norm(x - a)


def _two_norm_grad(x: Array) -> Array:
    (a,) = cast(x, _a4)
    return (x - a) / jnp.linalg.norm(x - a)


def _squared_two_norm(x: Array) -> Array:
    return jnp.sum(x**2)


def _squared_two_norm_grad(x: Array) -> Array:
    return 2 * x


def _least_squares(x: Array) -> Array:
    a, b = cast(x, _A64, _b6)
    return jnp.sum((a @ x - b) ** 2)


def _least_squares_grad(x: Array) -> Array:
    a, b = cast(x, _A64, _b6)
    return 2 * a.T @ (a @ x - b)


def _frobenius_squared(x: Array) -> Array:
    return jnp.sum(x**2)


def _frobenius_squared_grad(x: Array) -> Array:
    return 2 * x


def _frobenius(x: Array) -> Array:
    return jnp.linalg.norm(x)


def _frobenius_grad(x: Array) -> Array:
    return x / jnp.linalg.norm(x)


def _nuclear(x: Array) -> Array:
    return jnp.sum(jnp.linalg.svd(x, compute_uv=False))


def _nuclear_grad(x: Array) -> Array:
    u, _, vt = jnp.linalg.svd(x, full_matrices=False)
    return u @ vt


def _spectral(x: Array) -> Array:
    return jnp.linalg.svd(x, compute_uv=False)[0]


def _spectral_grad(x: Array) -> Array:
    u, _, vt = jnp.linalg.svd(x, full_matrices=False)
    return jnp.outer(u[:, 0], vt[0])


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="two_norm",
        topic=TOPIC,
        kind="gradient",
        function=_two_norm,
        derivative=_two_norm_grad,
        domain=domains.real((4,)),
        function_latex=r"\lVert x - a \rVert_2",
        derivative_latex=r"\frac{x - a}{\lVert x - a \rVert_2}",
        conditions=r"$x \neq a$ (the norm has a kink there)",
        source="Matrix Cookbook (2012) eq. (129)",
    ),
    Identity(
        id="squared_two_norm",
        topic=TOPIC,
        kind="gradient",
        function=_squared_two_norm,
        derivative=_squared_two_norm_grad,
        domain=domains.real((4,)),
        function_latex=r"\lVert x \rVert_2^2",
        derivative_latex=r"2 x",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (131)",
    ),
    Identity(
        id="least_squares",
        topic=TOPIC,
        kind="gradient",
        function=_least_squares,
        derivative=_least_squares_grad,
        domain=domains.real((4,)),
        function_latex=r"\lVert A x - b \rVert_2^2",
        derivative_latex=r"2 A^\top (A x - b)",
        conditions=r"always; $A$ need not be square",
        source="standard result (the normal equations)",
    ),
    Identity(
        id="frobenius_norm_squared",
        topic=TOPIC,
        kind="gradient",
        function=_frobenius_squared,
        derivative=_frobenius_squared_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\lVert X \rVert_F^2",
        derivative_latex=r"2 X",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (132)",
    ),
    Identity(
        id="frobenius_norm",
        topic=TOPIC,
        kind="gradient",
        function=_frobenius,
        derivative=_frobenius_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\lVert X \rVert_F",
        derivative_latex=r"\frac{X}{\lVert X \rVert_F}",
        conditions=r"$X \neq 0$",
        source="standard result (chain rule on eq. (132))",
    ),
    Identity(
        id="nuclear_norm",
        topic=TOPIC,
        kind="gradient",
        function=_nuclear,
        derivative=_nuclear_grad,
        domain=domains.full_rank(4, 3),
        function_latex=r"\lVert X \rVert_* = \textstyle\sum_i \sigma_i(X)",
        derivative_latex=r"U V^\top \quad (X = U \Sigma V^\top \text{, thin SVD})",
        conditions=(
            r"$X$ has full rank (every $\sigma_i > 0$); "
            "the norm has kinks where a singular value is 0"
        ),
        source="standard result (derivative of singular values)",
    ),
    Identity(
        id="spectral_norm",
        topic=TOPIC,
        kind="gradient",
        function=_spectral,
        derivative=_spectral_grad,
        domain=domains.full_rank(4, 3),
        function_latex=r"\lVert X \rVert_2 = \sigma_1(X)",
        derivative_latex=r"u_1 v_1^\top",
        conditions=(
            r"$\sigma_1 > \sigma_2$ (the largest singular value is simple); "
            r"$u_1, v_1$ its singular vectors"
        ),
        source="standard result (derivative of singular values)",
    ),
)
