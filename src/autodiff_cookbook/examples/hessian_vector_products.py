r"""The functions of the page *Hessian-vector products*: three more ways to multiply by a Hessian.

A Hessian-vector product :math:`\nabla^2 f(x)\, v` can be computed four ways:
forward-over-reverse
(:func:`~autodiff_cookbook.examples.hessians.hvp_forward_over_reverse`, which
Hutchinson's estimator on the page *Hessians and beyond* also uses), reverse-over-forward
(:func:`hvp_reverse_over_forward`), reverse-over-reverse
(:func:`hvp_reverse_over_reverse`), and by materialising the Hessian
(:func:`hvp_via_hessian`). The page times them on the chained Rosenbrock function
(:func:`~autodiff_cookbook.examples.hessians.rosenbrock`), after checking its
hand-derived gradient (:func:`rosenbrock_gradient`) and Hessian.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from ._arrays import point_and_vector, vector

__all__ = [
    "hvp_reverse_over_forward",
    "hvp_reverse_over_reverse",
    "hvp_via_hessian",
    "rosenbrock_gradient",
]


def rosenbrock_gradient(x: ArrayLike) -> Array:
    r"""Return the hand-derived gradient of :func:`~autodiff_cookbook.examples.hessians.rosenbrock`.

    .. math::

        \frac{\partial f}{\partial x_i}
        = \underbrace{-400\, x_i (x_{i+1} - x_i^2) - 2 (1 - x_i)}_{i \le n-2}
        + \underbrace{200\, (x_i - x_{i-1}^2)}_{i \ge 1}.

    Args:
        x: a vector of length at least 2.

    Returns:
        The gradient, shaped like ``x``.

    Raises:
        ValueError: if ``x`` is not a vector of length at least 2.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessian_vector_products import rosenbrock_gradient
        >>> print(rosenbrock_gradient(jnp.zeros(3)))
        [-2. -2.  0.]
    """
    x = vector(x, "rosenbrock_gradient")
    head, tail = x[:-1], x[1:]
    g = jnp.zeros_like(x)
    g = g.at[:-1].add(-400.0 * head * (tail - head**2) - 2.0 * (1.0 - head))
    return g.at[1:].add(200.0 * (tail - head**2))


def hvp_reverse_over_forward(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike
) -> Array:
    r"""Hessian-vector product by the gradient of a directional derivative.

    :math:`\nabla^2 f(x)\, v = \nabla_x \bigl(\nabla f(x)^\top v\bigr)`: the
    directional derivative :math:`x \mapsto \nabla f(x)^\top v` is one JVP, and
    :func:`jax.grad` differentiates it in reverse mode. Uses the symmetry of
    the Hessian.

    Args:
        f: a scalar-valued function of one real array.
        x: the point.
        v: the vector, shaped like ``x``.

    Returns:
        :math:`\nabla^2 f(x)\, v`, shaped like ``x``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array.
        ValueError: if ``v`` does not have the shape of ``x``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessian_vector_products import hvp_reverse_over_forward
        >>> f = lambda x: x[0] ** 2 * x[1]
        >>> print(hvp_reverse_over_forward(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = point_and_vector(x, v, "hvp_reverse_over_forward")
    hv: Array = jax.grad(lambda y: jax.jvp(f, (y,), (v,))[1])(x)
    return hv


def hvp_reverse_over_reverse(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike
) -> Array:
    r"""Hessian-vector product by the gradient of :math:`\nabla f(x)^\top v`, reverse twice.

    Same identity as :func:`hvp_reverse_over_forward`, but the inner gradient is
    taken in reverse mode too, so the outer backward pass differentiates a
    backward pass and may keep more intermediate values in memory. Under
    :func:`jax.jit` XLA optimises the whole program, and the measured
    difference from the other compositions is often small.

    Args:
        f: a scalar-valued function of one real array.
        x: the point.
        v: the vector, shaped like ``x``.

    Returns:
        :math:`\nabla^2 f(x)\, v`, shaped like ``x``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array.
        ValueError: if ``v`` does not have the shape of ``x``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessian_vector_products import hvp_reverse_over_reverse
        >>> f = lambda x: x[0] ** 2 * x[1]
        >>> print(hvp_reverse_over_reverse(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = point_and_vector(x, v, "hvp_reverse_over_reverse")
    hv: Array = jax.grad(lambda y: jnp.vdot(jax.grad(f)(y), v))(x)
    return hv


def hvp_via_hessian(f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike) -> Array:
    r"""Hessian-vector product by materialising the Hessian with :func:`jax.hessian`.

    Builds the full :math:`n \times n` matrix (:math:`n` Hessian-vector products
    and :math:`n^2` numbers in memory) and then multiplies. Only worth it when
    you need the matrix itself, or many products with the same Hessian.

    Args:
        f: a scalar-valued function of one real array.
        x: the point.
        v: the vector, shaped like ``x``.

    Returns:
        :math:`\nabla^2 f(x)\, v`, shaped like ``x``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array.
        ValueError: if ``v`` does not have the shape of ``x``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessian_vector_products import hvp_via_hessian
        >>> f = lambda x: x[0] ** 2 * x[1]
        >>> print(hvp_via_hessian(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = point_and_vector(x, v, "hvp_via_hessian")
    hessian: Array = jax.hessian(f)(x).reshape((x.size, x.size))
    return (hessian @ v.reshape(-1)).reshape(x.shape)
