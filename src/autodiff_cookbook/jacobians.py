r"""The seed notebook's linear map, whose Jacobian is known in closed form.

This is the example of the pages *Jacobians* and *Hessians and beyond*. The
Jacobian of :math:`f: \mathbb{R}^n \to \mathbb{R}^m` is the :math:`m \times n`
matrix :math:`J_{ij} = \partial f_i / \partial x_j`: outputs first, then
inputs, the layout in which :func:`jax.jacfwd` and :func:`jax.jacrev` return it.
For :math:`f(x) = x W` it is :math:`W^\top` everywhere, which makes the map a
clean first test of both.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = [
    "linear_map",
    "linear_map_jacobian",
]


def _operands(x: ArrayLike, w: ArrayLike) -> tuple[Array, Array]:
    x, w = jnp.asarray(x), jnp.asarray(w)
    if x.ndim != 1 or w.ndim != 2 or w.shape[0] != x.shape[0]:
        msg = (
            f"linear_map needs x of shape (n,) and w of shape (n, m); got x {x.shape} "
            f"and w {w.shape}. For a batch of inputs, use jax.vmap over x."
        )
        raise ValueError(msg)
    return x, w


def linear_map(x: ArrayLike, w: ArrayLike) -> Array:
    r"""Return :math:`f(x) = x W`, the seed notebook's ``matmul``.

    For ``x`` of shape ``(n,)`` and ``w`` of shape ``(n, m)`` the output has
    shape ``(m,)`` and :math:`f_i(x) = \sum_j x_j W_{ji}`, so the Jacobian with
    respect to ``x`` is :math:`\partial f_i / \partial x_j = W_{ji}`: the matrix
    :math:`W^\top` of shape ``(m, n)``, the same at every ``x`` (see
    :func:`linear_map_jacobian`).

    Args:
        x: the input vector, shape ``(n,)``.
        w: the weights, shape ``(n, m)``.

    Returns:
        ``x @ w``, shape ``(m,)``.

    Raises:
        ValueError: if the shapes are not ``(n,)`` and ``(n, m)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import linear_map
        >>> w = jnp.arange(6.0).reshape(2, 3)
        >>> print(linear_map(jnp.array([1.0, -1.0]), w))
        [-3. -3. -3.]
        >>> print(jax.jacfwd(linear_map)(jnp.ones(2), w))
        [[0. 3.]
         [1. 4.]
         [2. 5.]]
    """
    x, w = _operands(x, w)
    return x @ w


def linear_map_jacobian(x: ArrayLike, w: ArrayLike) -> Array:
    r"""The Jacobian of :func:`linear_map` with respect to ``x``, by hand: :math:`W^\top`.

    Args:
        x: the input vector, shape ``(n,)``; the Jacobian does not depend on it.
        w: the weights, shape ``(n, m)``.

    Returns:
        :math:`W^\top`, shape ``(m, n)``.

    Raises:
        ValueError: if the shapes are not ``(n,)`` and ``(n, m)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import linear_map, linear_map_jacobian
        >>> x, w = jnp.ones(5), jnp.ones((5, 10))
        >>> print(linear_map_jacobian(x, w).shape)
        (10, 5)
        >>> print(bool(jnp.array_equal(linear_map_jacobian(x, w), jax.jacrev(linear_map)(x, w))))
        True
    """
    x, w = _operands(x, w)
    return w.T.astype(jnp.result_type(x, w))
