"""Argument checks and basis vectors shared by several example modules.

Private: each function here serves functions of more than one page, so it lives
once, here, rather than in the module of one page and imported from it by another.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike, DTypeLike

__all__ = [
    "basis",
    "columns_to_jacobian",
    "float_array",
    "mlp_arrays",
    "point_and_vector",
    "vector",
]


def float_array(x: ArrayLike, what: str) -> Array:
    """``x`` as an array; raise if it is not real floating point, naming ``what`` needs it."""
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        msg = (
            f"{what} needs a real floating-point input, got dtype {x.dtype}; "
            "convert it first, e.g. jnp.asarray(x, dtype=jnp.float32)."
        )
        raise TypeError(msg)
    return x


def basis(size: int, shape: tuple[int, ...], dtype: DTypeLike) -> Array:
    """The ``size`` standard basis vectors of arrays of ``shape``, stacked."""
    return jnp.eye(size, dtype=dtype).reshape((size, *shape))


def columns_to_jacobian(columns: Array, in_shape: tuple[int, ...]) -> Array:
    """Turn stacked columns ``(n, *out_shape)`` into a Jacobian ``out_shape + in_shape``."""
    out_shape = columns.shape[1:]
    n = columns.shape[0]
    m = math.prod(out_shape)
    return columns.reshape((n, m)).T.reshape(out_shape + in_shape)


def point_and_vector(x: ArrayLike, v: ArrayLike, what: str) -> tuple[Array, Array]:
    """The point and the vector of a Hessian-vector product, checked to have one shape."""
    x = float_array(x, what)
    v = jnp.asarray(v, dtype=x.dtype)
    if v.shape != x.shape:
        msg = (
            f"{what} needs a vector v shaped like x: x has shape {x.shape} but v has "
            f"shape {v.shape}; pass v of shape {x.shape}."
        )
        raise ValueError(msg)
    return x, v


def vector(x: ArrayLike, what: str, min_size: int = 2) -> Array:
    """``x`` as a 1-D array of length at least ``min_size`` (the Rosenbrock family's input)."""
    x = jnp.asarray(x)
    if x.ndim != 1 or x.shape[0] < min_size:
        msg = (
            f"{what} needs a vector of length at least {min_size}, got shape {x.shape}; "
            "pass a 1-D array such as jnp.zeros(5)."
        )
        raise ValueError(msg)
    return x


def mlp_arrays(
    x: ArrayLike, w1: ArrayLike, w2: ArrayLike
) -> tuple[Array, Array, Array]:
    """The input and weights of a one-hidden-layer network, checked to chain."""
    x, w1, w2 = jnp.asarray(x), jnp.asarray(w1), jnp.asarray(w2)
    if x.ndim != 1 or w1.ndim != 2 or w2.ndim != 2 or w1.shape[1] != x.shape[0]:
        msg = (
            f"tanh_mlp needs x of shape (n,), w1 of shape (h, n) and w2 of shape (m, h); "
            f"got x {x.shape}, w1 {w1.shape}, w2 {w2.shape}."
        )
        raise ValueError(msg)
    if w2.shape[1] != w1.shape[0]:
        msg = (
            f"w2 must have one column per hidden unit: w1 has {w1.shape[0]} rows but "
            f"w2 has shape {w2.shape}; pass w2 of shape (m, {w1.shape[0]})."
        )
        raise ValueError(msg)
    return x, w1, w2
