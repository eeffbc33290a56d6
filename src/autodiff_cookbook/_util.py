"""Private helpers shared by the domains, the checkers and the Taylor test.

Keys, dtypes and the float64 set-up, and the checks of what a pytree holds
(its structure and shapes, floating-point values), with the messages they give.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Iterator
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from ._types import DTypeLike, KeyLike, PyTree

__all__: list[str] = []


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
        return cast(Array, jax.random.wrap_key_data(key))
    if key.shape == () and jnp.issubdtype(key.dtype, jnp.integer):
        return jax.random.key(int(key))
    msg = (
        f"key must be an integer seed or a JAX PRNG key, got an array of dtype "
        f"{key.dtype} and shape {key.shape}; pass e.g. key=0 or key=jax.random.key(0)."
    )
    raise TypeError(msg)


def float_dtype(
    dtype: DTypeLike | None, *, what: str = "dtype"
) -> np.dtype[np.floating[Any]]:
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


@contextlib.contextmanager
def computing_in(dtype: DTypeLike | None) -> Iterator[np.dtype[np.floating[Any]]]:
    """Compute in ``dtype``, float64 when ``None``: yield it, validated.

    Inside, JAX's 64-bit mode is on exactly when the dtype needs it, through
    ``jax.enable_x64``, so JAX's global configuration is left alone.
    """
    try:
        wants_x64 = dtype is None or np.dtype(dtype).itemsize >= 8
    except TypeError:
        wants_x64 = True  # float_dtype names the problem
    with jax.enable_x64(wants_x64):
        yield float_dtype(jnp.float64 if dtype is None else dtype)


def name(fn: Callable[..., object]) -> str:
    """The name of a function, for messages."""
    return str(getattr(fn, "__name__", type(fn).__name__))


def describe_tree(tree: PyTree) -> str:
    """Its shapes, for messages: ``an array of shape (3,)`` or ``a pytree with shapes ...``."""
    leaves = jax.tree_util.tree_leaves(tree)
    if len(leaves) == 1 and jax.tree_util.treedef_is_leaf(
        jax.tree_util.tree_structure(tree)
    ):
        return f"an array of shape {tuple(jnp.shape(leaves[0]))}"
    shapes = jax.tree_util.tree_map(lambda leaf: tuple(jnp.shape(leaf)), tree)
    return f"a pytree with shapes {shapes}"


def same_layout(a: PyTree, b: PyTree) -> bool:
    """Whether two pytrees have the same structure and the same shape leaf by leaf."""
    a_leaves, a_def = jax.tree_util.tree_flatten(a)
    b_leaves, b_def = jax.tree_util.tree_flatten(b)
    return operator.eq(a_def, b_def) and all(
        jnp.shape(u) == jnp.shape(v) for u, v in zip(a_leaves, b_leaves, strict=True)
    )


def require_floating(
    tree: PyTree, what: str, then: str, *, complex_ok: bool = False
) -> None:
    """Raise :class:`TypeError` unless every leaf holds floating-point values.

    Complex values pass too when ``complex_ok``. The message reads ``{what}
    values of dtype int32; {then}``.
    """
    kinds = jnp.inexact if complex_ok else jnp.floating
    for leaf in jax.tree_util.tree_leaves(tree):
        if not jnp.issubdtype(jnp.result_type(leaf), kinds):
            msg = f"{what} values of dtype {jnp.result_type(leaf)}; {then}"
            raise TypeError(msg)


def require_real_like(value: PyTree, reference: PyTree, what: str) -> None:
    """Raise :class:`TypeError` where ``value`` is complex and ``reference`` is real.

    ``what`` names the value's source, as in ``the formula (grad_f)``.
    """
    pairs = zip(
        jax.tree_util.tree_leaves(value),
        jax.tree_util.tree_leaves(reference),
        strict=True,
    )
    for v, r in pairs:
        if jnp.iscomplexobj(v) and not jnp.iscomplexobj(r):
            msg = (
                f"{what} returned complex values of dtype {jnp.result_type(v)} "
                f"where the derivative is real ({jnp.result_type(r)}); return real "
                "values."
            )
            raise TypeError(msg)


def tree_norm(tree: PyTree) -> Array:
    """The Euclidean norm over every component of every leaf of a pytree."""
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.sqrt(sum(jnp.sum(jnp.square(leaf)) for leaf in leaves))


def tree_vdot(a: PyTree, b: PyTree) -> Array:
    """The Euclidean inner product of two pytrees with the same structure."""
    pairs = zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True)
    return sum(jnp.vdot(x, y) for x, y in pairs)  # type: ignore[return-value]
