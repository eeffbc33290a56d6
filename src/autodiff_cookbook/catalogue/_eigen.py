"""Derivatives of eigenvalues of symmetric matrices: Matrix Cookbook section 2.3."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, symmetric_matrix
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Eigenvalues"

_S = symmetric_matrix(701, 4)


def _eigenvalue_sum(x: Array) -> Array:
    return jnp.sum(jnp.linalg.eigvalsh(x))


def _eigenvalue_sum_grad(x: Array) -> Array:
    return jnp.eye(x.shape[0], dtype=x.dtype)


def _eigenvalue_product(x: Array) -> Array:
    return jnp.prod(jnp.linalg.eigvalsh(x))


def _eigenvalue_product_grad(x: Array) -> Array:
    w, v = jnp.linalg.eigh(x)
    n = w.shape[0]
    # the product of all eigenvalues but the i-th, without dividing by lambda_i
    others = jnp.prod(jnp.where(jnp.eye(n, dtype=bool), 1, w[None, :]), axis=1)
    return (v * others) @ v.T


def _largest_eigenvalue(x: Array) -> Array:
    return jnp.linalg.eigvalsh(x)[-1]


def _largest_eigenvalue_grad(x: Array) -> Array:
    v = jnp.linalg.eigh(x)[1][:, -1]
    return jnp.outer(v, v)


def _top_two_sum(x: Array) -> Array:
    return jnp.sum(jnp.linalg.eigvalsh(x)[-2:])


def _top_two_sum_grad(x: Array) -> Array:
    v = jnp.linalg.eigh(x)[1][:, -2:]
    return v @ v.T


def _rayleigh(x: Array) -> Array:
    (s,) = cast(x, _S)
    return (x @ s @ x) / (x @ x)


def _rayleigh_grad(x: Array) -> Array:
    (s,) = cast(x, _S)
    rho = (x @ s @ x) / (x @ x)
    return 2 * (s @ x - rho * x) / (x @ x)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="eigenvalue_sum",
        topic=TOPIC,
        kind="gradient",
        function=_eigenvalue_sum,
        derivative=_eigenvalue_sum_grad,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"\textstyle\sum_i \lambda_i(S)",
        derivative_latex=r"I",
        conditions=r"$S$ symmetric (the sum is $\operatorname{tr} S$)",
        source="Matrix Cookbook (2012) section 2.3",
    ),
    Identity(
        id="eigenvalue_product",
        topic=TOPIC,
        kind="gradient",
        function=_eigenvalue_product,
        derivative=_eigenvalue_product_grad,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"\textstyle\prod_i \lambda_i(S)",
        derivative_latex=(
            r"\textstyle\sum_i \bigl(\prod_{j \neq i} \lambda_j\bigr)\, v_i v_i^\top"
            r" = \det(S)\, S^{-1}"
        ),
        conditions=(
            r"$S$ symmetric, $v_i$ its unit eigenvectors; "
            r"the middle form holds for singular $S$ too"
        ),
        source="Matrix Cookbook (2012) section 2.3",
    ),
    Identity(
        id="largest_eigenvalue",
        topic=TOPIC,
        kind="gradient",
        function=_largest_eigenvalue,
        derivative=_largest_eigenvalue_grad,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"\lambda_{\max}(S)",
        derivative_latex=r"v v^\top",
        conditions=(
            r"$S$ symmetric, $\lambda_{\max}$ simple (else it has a kink); "
            r"$v$ its unit eigenvector"
        ),
        source="Matrix Cookbook (2012) section 2.3",
    ),
    Identity(
        id="top_two_eigenvalue_sum",
        topic=TOPIC,
        kind="gradient",
        function=_top_two_sum,
        derivative=_top_two_sum_grad,
        domain=domains.distinct_eigenvalues(4),
        function_latex=r"\lambda_1(S) + \lambda_2(S)",
        derivative_latex=r"V_2 V_2^\top",
        conditions=(
            r"$S$ symmetric, $\lambda_1 \geq \lambda_2 > \lambda_3 \geq \dots$; "
            r"$V_2$ holds the top two unit eigenvectors"
        ),
        source="standard result (Ky Fan: the sum of the top k eigenvalues)",
    ),
    Identity(
        id="rayleigh_quotient",
        topic=TOPIC,
        kind="gradient",
        function=_rayleigh,
        derivative=_rayleigh_grad,
        domain=domains.real((4,)),
        function_latex=r"\rho(x) = \frac{x^\top S x}{x^\top x}",
        derivative_latex=r"\frac{2\,(S x - \rho(x)\, x)}{x^\top x}",
        conditions=r"$S = S^\top$, $x \neq 0$",
        source="standard result (quotient rule)",
    ),
)
