"""Private helpers shared by the domains, the checkers and the Taylor test."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

__all__: list[str] = []

KeyLike = int | Array


def as_key(key: KeyLike) -> Array:
    """Turn an integer seed, a typed key or a raw ``uint32[2]`` key into a typed key."""
    if isinstance(key, bool) or not isinstance(key, int | np.integer | jax.Array):
        msg = (
            f"key must be an integer seed or a JAX PRNG key, got {type(key).__name__}; "
            "pass e.g. key=0 or key=jax.random.key(0)."
        )
        raise TypeError(msg)
    if isinstance(key, int | np.integer):
        return jax.random.key(int(key))
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        if key.shape != ():
            msg = (
                f"key must be a single PRNG key, got an array of {key.shape} keys; "
                "pass one key, the checkers split it themselves."
            )
            raise ValueError(msg)
        return key
    if key.dtype == jnp.uint32 and key.shape == (2,):
        return jax.random.wrap_key_data(key)
    if key.shape == () and jnp.issubdtype(key.dtype, jnp.integer):
        return jax.random.key(int(key))
    msg = (
        f"key must be an integer seed or a JAX PRNG key, got an array of dtype "
        f"{key.dtype} and shape {key.shape}; pass e.g. key=0 or key=jax.random.key(0)."
    )
    raise TypeError(msg)


def float_dtype(dtype: Any, *, what: str = "dtype") -> np.dtype[Any]:
    """Validate a real floating-point dtype that the current JAX mode can represent.

    ``None`` means JAX's default float: float32, or float64 inside
    ``jax.enable_x64(True)``.
    """
    if dtype is None:
        return np.dtype(jnp.result_type(float))
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        msg = (
            f"{what} must be a floating-point dtype such as jnp.float64, got {dtype!r}."
        )
        raise TypeError(msg) from err
    if jnp.issubdtype(dt, jnp.complexfloating):
        msg = (
            f"{what} {dt} is complex; the checkers handle real inputs only: split a "
            "complex input into its real and imaginary parts (a pytree of two arrays)."
        )
        raise TypeError(msg)
    if not jnp.issubdtype(dt, jnp.floating):
        msg = (
            f"{what} {dt} is not a floating-point type, and only floating-point inputs "
            "can be differentiated; use jnp.float64 (the default) or jnp.float32."
        )
        raise TypeError(msg)
    if jax.dtypes.canonicalize_dtype(dt) != dt:
        msg = (
            f"{what} {dt} needs JAX's 64-bit mode, which is off here; run inside "
            "`with jax.enable_x64(True):` or use jnp.float32."
        )
        raise ValueError(msg)
    return dt


def tree_norm(tree: Any) -> Array:
    """The Euclidean norm over every component of every leaf of a pytree."""
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.sqrt(sum(jnp.sum(jnp.square(leaf)) for leaf in leaves))


def tree_vdot(a: Any, b: Any) -> Array:
    """The Euclidean inner product of two pytrees with the same structure."""
    pairs = zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True)
    return sum(jnp.vdot(x, y) for x, y in pairs)  # type: ignore[return-value]
