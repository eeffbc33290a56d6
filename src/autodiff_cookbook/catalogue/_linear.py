"""Linear and bilinear forms: the first-order identities of the Matrix Cookbook, section 2.4.1."""

from __future__ import annotations

from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Linear and bilinear forms"

_a4 = gaussian(101, (4,))
_a3 = gaussian(102, (3,))
_b4 = gaussian(103, (4,))
_b3 = gaussian(104, (3,))
_A43 = gaussian(105, (4, 3))
_B34 = gaussian(106, (3, 4))
_b3c = gaussian(107, (3,))
_C35 = gaussian(108, (3, 5))
_D54 = gaussian(109, (5, 4))
_d5 = gaussian(110, (5,))


def _linear_form(x: Array) -> Array:
    (a,) = cast(x, _a4)
    return a @ x


def _linear_form_grad(x: Array) -> Array:
    (a,) = cast(x, _a4)
    return a


def _bilinear_form(x: Array) -> Array:
    a, b = cast(x, _a3, _b4)
    return a @ x @ b


def _bilinear_form_grad(x: Array) -> Array:
    a, b = cast(x, _a3, _b4)
    return a[:, None] * b[None, :]


def _bilinear_form_transposed(x: Array) -> Array:
    a, b = cast(x, _a4, _b3)
    return a @ x.T @ b


def _bilinear_form_transposed_grad(x: Array) -> Array:
    a, b = cast(x, _a4, _b3)
    return b[:, None] * a[None, :]


def _bilinear_pair(p: tuple[Array, Array]) -> Array:
    x, y = p
    (a,) = cast(x, _A43)
    return x @ a @ y


def _bilinear_pair_grad(p: tuple[Array, Array]) -> tuple[Array, Array]:
    x, y = p
    (a,) = cast(x, _A43)
    return a @ y, a.T @ x


def _affine_bilinear(x: Array) -> Array:
    b_mat, b, c, d_mat, d = cast(x, _B34, _b3c, _C35, _D54, _d5)
    return (b_mat @ x + b) @ c @ (d_mat @ x + d)


def _affine_bilinear_grad(x: Array) -> Array:
    b_mat, b, c, d_mat, d = cast(x, _B34, _b3c, _C35, _D54, _d5)
    return b_mat.T @ c @ (d_mat @ x + d) + d_mat.T @ c.T @ (b_mat @ x + b)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="linear_form",
        topic=TOPIC,
        kind="gradient",
        function=_linear_form,
        derivative=_linear_form_grad,
        domain=domains.real((4,)),
        function_latex=r"a^\top x",
        derivative_latex=r"a",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (69)",
    ),
    Identity(
        id="bilinear_form",
        topic=TOPIC,
        kind="gradient",
        function=_bilinear_form,
        derivative=_bilinear_form_grad,
        domain=domains.real((3, 4)),
        function_latex=r"a^\top X b",
        derivative_latex=r"a b^\top",
        conditions=r"always; $X$ need not be square",
        source="Matrix Cookbook (2012) eq. (70)",
    ),
    Identity(
        id="bilinear_form_transposed",
        topic=TOPIC,
        kind="gradient",
        function=_bilinear_form_transposed,
        derivative=_bilinear_form_transposed_grad,
        domain=domains.real((3, 4)),
        function_latex=r"a^\top X^\top b",
        derivative_latex=r"b a^\top",
        conditions=r"always; $X$ need not be square",
        source="Matrix Cookbook (2012) eq. (71)",
    ),
    Identity(
        id="bilinear_form_pair",
        topic=TOPIC,
        kind="gradient",
        function=_bilinear_pair,
        derivative=_bilinear_pair_grad,
        domain=(domains.real((4,)), domains.real((3,))),
        function_latex=r"x^\top A y",
        derivative_latex=r"\bigl(\nabla_x f, \nabla_y f\bigr) = \bigl(A y,\; A^\top x\bigr)",
        conditions=r"always; the input is the pair $(x, y)$",
        source="standard result (product rule)",
    ),
    Identity(
        id="affine_bilinear_form",
        topic=TOPIC,
        kind="gradient",
        function=_affine_bilinear,
        derivative=_affine_bilinear_grad,
        domain=domains.real((4,)),
        function_latex=r"(Bx + b)^\top C (Dx + d)",
        derivative_latex=r"B^\top C (Dx + d) + D^\top C^\top (Bx + b)",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (78)",
    ),
)
