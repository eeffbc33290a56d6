"""Quadratic forms in a vector or a matrix: Matrix Cookbook, sections 2.4.2 to 2.4.4."""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian, symmetric_matrix, well_conditioned
from ._entry import Identity
from ._shared import QUADRATIC_FORM_A as _A

__all__ = ["ENTRIES"]

TOPIC = "Quadratic forms"

_S = symmetric_matrix(202, 4)
_b4 = gaussian(203, (4,))
_b3 = gaussian(204, (3,))
_c3 = gaussian(205, (3,))
_c5 = gaussian(206, (5,))
_D5 = gaussian(207, (5, 5))
_R54 = gaussian(211, (5, 4))
_Q = well_conditioned(212, 4)


def _quadratic_form(x: Array) -> Array:
    (a,) = cast(x, _A)
    return x @ a @ x


def _quadratic_form_grad(x: Array) -> Array:
    (a,) = cast(x, _A)
    return (a + a.T) @ x


def _quadratic_affine(x: Array) -> Array:
    a, b = cast(x, _A, _b4)
    return x @ a @ x + b @ x


def _quadratic_affine_grad(x: Array) -> Array:
    a, b = cast(x, _A, _b4)
    return (a + a.T) @ x + b


def _matrix_quadratic_form(x: Array) -> Array:
    b, c, d = cast(x, _b3, _c3, _D5)
    return b @ x.T @ d @ x @ c


def _matrix_quadratic_form_grad(x: Array) -> Array:
    b, c, d = cast(x, _b3, _c3, _D5)
    return d.T @ x @ jnp.outer(b, c) + d @ x @ jnp.outer(c, b)


def _affine_quadratic_form(x: Array) -> Array:
    b, c, d = cast(x, _b3, _c5, _D5)
    r = x @ b + c
    return r @ d @ r


def _affine_quadratic_form_grad(x: Array) -> Array:
    b, c, d = cast(x, _b3, _c5, _D5)
    return jnp.outer((d + d.T) @ (x @ b + c), b)


def _squared_norm_squared(x: Array) -> Array:
    return (x @ x) * (x @ x)


def _squared_norm_squared_grad(x: Array) -> Array:
    return 4 * (x @ x) * x


def _generalized_rayleigh(x: Array) -> Array:
    a, b = cast(x, _R54, _Q)
    return (x @ a.T @ a @ x) / (x @ b.T @ b @ x)


def _generalized_rayleigh_grad(x: Array) -> Array:
    a, b = cast(x, _R54, _Q)
    num = x @ a.T @ a @ x
    den = x @ b.T @ b @ x
    return 2 * a.T @ a @ x / den - 2 * num * b.T @ b @ x / den**2


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="quadratic_form",
        topic=TOPIC,
        kind="gradient",
        function=_quadratic_form,
        derivative=_quadratic_form_grad,
        domain=domains.real((4,)),
        function_latex=r"x^\top A x",
        derivative_latex=r"(A + A^\top)\, x",
        conditions=r"always; $A$ need not be symmetric",
        source="Matrix Cookbook (2012) eq. (81)",
    ),
    Identity(
        id="quadratic_form_affine",
        topic=TOPIC,
        kind="gradient",
        function=_quadratic_affine,
        derivative=_quadratic_affine_grad,
        domain=domains.real((4,)),
        function_latex=r"x^\top A x + b^\top x",
        derivative_latex=r"(A + A^\top)\, x + b",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (96)",
    ),
    Identity(
        id="matrix_quadratic_form",
        topic=TOPIC,
        kind="gradient",
        function=_matrix_quadratic_form,
        derivative=_matrix_quadratic_form_grad,
        domain=domains.real((5, 3)),
        function_latex=r"b^\top X^\top D X c",
        derivative_latex=r"D^\top X b c^\top + D X c b^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (82)",
    ),
    Identity(
        id="affine_quadratic_form",
        topic=TOPIC,
        kind="gradient",
        function=_affine_quadratic_form,
        derivative=_affine_quadratic_form_grad,
        domain=domains.real((5, 3)),
        function_latex=r"(X b + c)^\top D (X b + c)",
        derivative_latex=r"(D + D^\top)(X b + c)\, b^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (83)",
    ),
    Identity(
        id="squared_norm_squared",
        topic=TOPIC,
        kind="gradient",
        function=_squared_norm_squared,
        derivative=_squared_norm_squared_grad,
        domain=domains.real((4,)),
        function_latex=r"(x^\top x)^2",
        derivative_latex=r"4\,(x^\top x)\, x",
        conditions="always",
        source="standard result (chain rule); task 5 of the seed notebook",
    ),
    Identity(
        id="generalized_rayleigh_quotient",
        topic=TOPIC,
        kind="gradient",
        function=_generalized_rayleigh,
        derivative=_generalized_rayleigh_grad,
        domain=domains.real((4,)),
        function_latex=r"\frac{x^\top A^\top A x}{x^\top B^\top B x}",
        derivative_latex=(
            r"\frac{2 A^\top A x}{x^\top B^\top B x}"
            r" - \frac{2\, (x^\top A^\top A x)\, B^\top B x}{(x^\top B^\top B x)^2}"
        ),
        conditions=r"$x \neq 0$, $B$ invertible",
        source="Matrix Cookbook (2012) eq. (94)",
    ),
)
