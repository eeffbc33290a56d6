r"""The functions of the page *Jacobians*: a linear map, and Jacobians rebuilt from JVPs and VJPs.

The Jacobian of :math:`f: \mathbb{R}^n \to \mathbb{R}^m` is the :math:`m \times n`
matrix :math:`J_{ij} = \partial f_i / \partial x_j`: outputs first, then
inputs, the layout in which :func:`jax.jacfwd` and :func:`jax.jacrev` return it.
For the seed notebook's linear map :math:`f(x) = x W` (:func:`linear_map`)
it is :math:`W^\top` everywhere (:func:`linear_map_jacobian`), which makes the
map a clean first test of both.

Both are nothing more than batched products: column :math:`j` of the Jacobian
is the JVP :math:`J e_j` and row :math:`i` is the VJP :math:`e_i^\top J`.
:func:`jacfwd_from_jvp` and :func:`jacrev_from_vjp` rebuild them that way.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from ._arrays import basis, columns_to_jacobian, float_array

__all__ = [
    "jacfwd_from_jvp",
    "jacrev_from_vjp",
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
        >>> from autodiff_cookbook.examples.jacobians import linear_map
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
        >>> from autodiff_cookbook.examples.jacobians import linear_map, linear_map_jacobian
        >>> x, w = jnp.ones(5), jnp.ones((5, 10))
        >>> print(linear_map_jacobian(x, w).shape)
        (10, 5)
        >>> print(bool(jnp.array_equal(linear_map_jacobian(x, w), jax.jacrev(linear_map)(x, w))))
        True
    """
    x, w = _operands(x, w)
    return w.T.astype(jnp.result_type(x, w))


def jacfwd_from_jvp(f: Callable[[Array], Array]) -> Callable[[ArrayLike], Array]:
    r"""Build the Jacobian of ``f`` from one JVP per input component (forward mode).

    Column :math:`j` of the Jacobian is :math:`J e_j`, the JVP of ``f`` along the
    :math:`j`-th basis vector; :func:`jax.vmap` computes all :math:`n` of them
    in one batched pass. This is what :func:`jax.jacfwd` does.

    Args:
        f: a function of one real array returning one array.

    Returns:
        A function of ``x`` returning the Jacobian, of shape
        ``f(x).shape + x.shape`` (the layout of :func:`jax.jacfwd`).

    Raises:
        TypeError: (when the returned function is called) if ``x`` is not a
            real floating-point array.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.jacobians import jacfwd_from_jvp
        >>> jac = jacfwd_from_jvp(lambda x: jnp.array([x[0] * x[1], jnp.sin(x[0])]))
        >>> print(jac(jnp.array([0.0, 2.0])))
        [[2. 0.]
         [1. 0.]]
    """

    def jacobian(x: ArrayLike) -> Array:
        x = float_array(x, "jacfwd_from_jvp")
        tangents = basis(x.size, x.shape, x.dtype)

        def push(v: Array) -> Array:
            column: Array = jax.jvp(f, (x,), (v,))[1]
            return column

        columns = jax.vmap(push)(tangents)  # (n, *out_shape): row j is J e_j
        return columns_to_jacobian(columns, x.shape)

    return jacobian


def jacrev_from_vjp(f: Callable[[Array], Array]) -> Callable[[ArrayLike], Array]:
    r"""Build the Jacobian of ``f`` from one VJP per output component (reverse mode).

    Row :math:`i` of the Jacobian is :math:`e_i^\top J`, the VJP of ``f`` with the
    :math:`i`-th output basis vector as cotangent. One forward pass records what
    the backward passes need; :func:`jax.vmap` runs all :math:`m` backward passes
    at once. This is what :func:`jax.jacrev` does.

    Args:
        f: a function of one real array returning one real array.

    Returns:
        A function of ``x`` returning the Jacobian, of shape
        ``f(x).shape + x.shape`` (the layout of :func:`jax.jacrev`).

    Raises:
        TypeError: (when the returned function is called) if ``x`` is not a
            real floating-point array.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.jacobians import jacrev_from_vjp
        >>> jac = jacrev_from_vjp(lambda x: jnp.array([x[0] * x[1], jnp.sin(x[0])]))
        >>> print(jac(jnp.array([0.0, 2.0])))
        [[2. 0.]
         [1. 0.]]
    """

    def jacobian(x: ArrayLike) -> Array:
        x = float_array(x, "jacrev_from_vjp")
        y, pullback = jax.vjp(f, x)
        cotangents = basis(y.size, y.shape, y.dtype)
        rows: Array
        (rows,) = jax.vmap(pullback)(cotangents)  # (m, *x.shape): row i is e_i^T J
        return rows.reshape(y.shape + x.shape)

    return jacobian
