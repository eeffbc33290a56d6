"""Jacobians of vector- and matrix-valued maps, in the layout of :func:`jax.jacfwd`."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Jacobians"

_A34 = gaussian(901, (3, 4))
_A43 = gaussian(902, (4, 3))
_a3 = gaussian(903, (3,))


def _linear_map(x: Array) -> Array:
    (a,) = cast(x, _A34)
    return a @ x


def _linear_map_jac(x: Array) -> Array:
    (a,) = cast(x, _A34)
    return a


def _softmax_jac(x: Array) -> Array:
    s = jax.nn.softmax(x)
    return jnp.diag(s) - jnp.outer(s, s)


def _tanh_jac(x: Array) -> Array:
    return jnp.diag(1 - jnp.tanh(x) ** 2)


def _normalize(x: Array) -> Array:
    return x / jnp.linalg.norm(x)


def _normalize_jac(x: Array) -> Array:
    r = jnp.linalg.norm(x)
    u = x / r
    return (jnp.eye(x.shape[0], dtype=x.dtype) - jnp.outer(u, u)) / r


def _right_product(x: Array) -> Array:
    (a,) = cast(x, _A43)
    return x @ a


def _right_product_jac(x: Array) -> Array:
    (a,) = cast(x, _A43)
    eye = jnp.eye(x.shape[0], dtype=x.dtype)
    # J[i, j, m, n] = d(XA)_ij / dX_mn = delta_im A_nj
    return jnp.einsum("im,nj->ijmn", eye, a)


def _matrix_square(x: Array) -> Array:
    return x @ x


def _matrix_square_jac(x: Array) -> Array:
    eye = jnp.eye(x.shape[0], dtype=x.dtype)
    # J[i, j, k, l] = d(X^2)_ij / dX_kl = delta_ik X_lj + X_ik delta_jl
    return jnp.einsum("ik,lj->ijkl", eye, x) + jnp.einsum("ik,jl->ijkl", x, eye)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="linear_map_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_linear_map,
        derivative=_linear_map_jac,
        domain=domains.real((4,)),
        function_latex=r"A x",
        derivative_latex=r"A",
        conditions=r"always; $A$ need not be square",
        source="standard result",
    ),
    Identity(
        id="softmax_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=jax.nn.softmax,
        derivative=_softmax_jac,
        domain=domains.real((4,)),
        function_latex=r"s = \operatorname{softmax}(x)",
        derivative_latex=r"\operatorname{diag}(s) - s s^\top",
        conditions="always",
        source="standard result",
    ),
    Identity(
        id="elementwise_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=jnp.tanh,
        derivative=_tanh_jac,
        domain=domains.real((4,)),
        function_latex=r"\tanh(x) \text{ (elementwise)}",
        derivative_latex=r"\operatorname{diag}\bigl(1 - \tanh^2(x)\bigr)",
        conditions=r"always; any elementwise $g$ gives $\operatorname{diag}(g'(x))$",
        source="standard result",
    ),
    Identity(
        id="normalize_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_normalize,
        derivative=_normalize_jac,
        domain=domains.real((4,)),
        function_latex=r"\frac{x}{\lVert x \rVert_2}",
        derivative_latex=r"\frac{I - u u^\top}{\lVert x \rVert_2}, \quad u = \frac{x}{\lVert x \rVert_2}",
        conditions=r"$x \neq 0$",
        source="Matrix Cookbook (2012) eq. (130)",
    ),
    Identity(
        id="matrix_product_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_right_product,
        derivative=_right_product_jac,
        domain=domains.real((2, 4)),
        function_latex=r"X A",
        derivative_latex=r"\frac{\partial (X A)_{ij}}{\partial X_{mn}} = \delta_{im} A_{nj}",
        conditions=r"always; on $\operatorname{vec} X$ it is the matrix $A^\top \otimes I$",
        source="Matrix Cookbook (2012) eq. (74)",
    ),
    Identity(
        id="matrix_square_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=_matrix_square,
        derivative=_matrix_square_jac,
        domain=domains.real((4, 4)),
        function_latex=r"X^2",
        derivative_latex=(
            r"\frac{\partial (X^2)_{ij}}{\partial X_{kl}} = \delta_{ik} X_{lj} + X_{ik} \delta_{jl}"
        ),
        conditions="always",
        source="Matrix Cookbook (2012) eq. (90) with n = 2",
    ),
)
