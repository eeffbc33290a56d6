r"""Jacobians and Hessian-vector products rebuilt from :func:`jax.jvp` and :func:`jax.vjp`.

For :math:`f: \mathbb{R}^n \to \mathbb{R}^m` with Jacobian :math:`J = \partial f / \partial x`,

- a **JVP** (forward mode) pushes a tangent :math:`v \in \mathbb{R}^n` forward:
  :math:`v \mapsto J v`, at about the cost of one evaluation of :math:`f`;
- a **VJP** (reverse mode) pulls a cotangent :math:`u \in \mathbb{R}^m` back:
  :math:`u \mapsto u^\top J`, also at a small multiple of that cost.

The whole Jacobian is :math:`n` JVPs (one per input basis vector) or :math:`m`
VJPs (one per output basis vector): that is all :func:`jax.jacfwd` and
:func:`jax.jacrev` do, with :func:`jax.vmap` batching the basis. This module
rebuilds both, a central-difference Jacobian to compare them with, and four
ways to multiply a Hessian by a vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = [
    "hvp_forward_over_reverse",
    "hvp_reverse_over_forward",
    "hvp_reverse_over_reverse",
    "hvp_via_hessian",
    "jacfwd_from_jvp",
    "jacobian_central_difference",
    "jacrev_from_vjp",
    "sum_gradient_via_vjp",
]


def _float_array(x: ArrayLike, what: str) -> Array:
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        msg = (
            f"{what} needs a real floating-point input, got dtype {x.dtype}; "
            "convert it first, e.g. jnp.asarray(x, dtype=jnp.float32)."
        )
        raise TypeError(msg)
    return x


def _basis(size: int, shape: tuple[int, ...], dtype: jnp.dtype) -> Array:
    """The ``size`` standard basis vectors of arrays of ``shape``, stacked."""
    return jnp.eye(size, dtype=dtype).reshape((size, *shape))


def _columns_to_jacobian(columns: Array, in_shape: tuple[int, ...]) -> Array:
    """Turn stacked columns ``(n, *out_shape)`` into a Jacobian ``out_shape + in_shape``."""
    out_shape = columns.shape[1:]
    n = columns.shape[0]
    m = math.prod(out_shape)
    return columns.reshape((n, m)).T.reshape(out_shape + in_shape)


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
        >>> from autodiff_cookbook import jacfwd_from_jvp
        >>> jac = jacfwd_from_jvp(lambda x: jnp.array([x[0] * x[1], jnp.sin(x[0])]))
        >>> print(jac(jnp.array([0.0, 2.0])))
        [[2. 0.]
         [1. 0.]]
    """

    def jacobian(x: ArrayLike) -> Array:
        x = _float_array(x, "jacfwd_from_jvp")
        tangents = _basis(x.size, x.shape, x.dtype)

        def push(v: Array) -> Array:
            return jax.jvp(f, (x,), (v,))[1]

        columns = jax.vmap(push)(tangents)  # (n, *out_shape): row j is J e_j
        return _columns_to_jacobian(columns, x.shape)

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
        >>> from autodiff_cookbook import jacrev_from_vjp
        >>> jac = jacrev_from_vjp(lambda x: jnp.array([x[0] * x[1], jnp.sin(x[0])]))
        >>> print(jac(jnp.array([0.0, 2.0])))
        [[2. 0.]
         [1. 0.]]
    """

    def jacobian(x: ArrayLike) -> Array:
        x = _float_array(x, "jacrev_from_vjp")
        y, pullback = jax.vjp(f, x)
        cotangents = _basis(y.size, y.shape, y.dtype)
        (rows,) = jax.vmap(pullback)(cotangents)  # (m, *x.shape): row i is e_i^T J
        return rows.reshape(y.shape + x.shape)

    return jacobian


def jacobian_central_difference(
    f: Callable[[Array], Array], x: ArrayLike, step: float | None = None
) -> Array:
    r"""Approximate the Jacobian of ``f`` at ``x`` by central differences.

    Column :math:`j` is :math:`\bigl(f(x + h e_j) - f(x - h e_j)\bigr) / 2h`,
    which costs :math:`2n` evaluations of ``f`` and has error
    :math:`O(h^2)` from truncation plus :math:`O(\varepsilon / h)` from rounding.
    The default step :math:`h = \varepsilon^{1/3} \max(1, \|x\|_\infty)`
    balances the two (:math:`\varepsilon` is the machine epsilon of ``x``'s
    dtype), leaving about two thirds of the significant digits.

    Args:
        f: a function of one real array returning one array.
        x: where to take the Jacobian.
        step: the step :math:`h`; chosen from the dtype when omitted.

    Returns:
        The approximate Jacobian, of shape ``f(x).shape + x.shape``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array.
        ValueError: if ``step`` is not positive.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import jacobian_central_difference
        >>> with jax.enable_x64(True):
        ...     jac = jacobian_central_difference(jnp.sin, jnp.array([0.0, 1.0]))
        >>> print(jnp.round(jac, 6))
        [[1.       0.      ]
         [0.       0.540302]]
    """
    x = _float_array(x, "jacobian_central_difference")
    if step is None:
        eps = float(jnp.finfo(x.dtype).eps)
        scale = jnp.maximum(1.0, jnp.max(jnp.abs(x))) if x.size else 1.0
        h = jnp.asarray(eps ** (1 / 3) * scale, dtype=x.dtype)
    elif step <= 0:
        msg = (
            f"step must be positive, got {step}; omit it to choose one from the dtype."
        )
        raise ValueError(msg)
    else:
        h = jnp.asarray(step, dtype=x.dtype)
    directions = _basis(x.size, x.shape, x.dtype)

    def column(e: Array) -> Array:
        return (f(x + h * e) - f(x - h * e)) / (2 * h)

    columns = jax.vmap(column)(directions)  # (n, *out_shape)
    return _columns_to_jacobian(columns, x.shape)


def sum_gradient_via_vjp(f: Callable[[Array], Array], x: ArrayLike) -> Array:
    r"""Return :math:`\mathbf{1}^\top J`, the gradient of the sum of ``f``'s outputs, by one VJP.

    :func:`jax.grad` only accepts scalar outputs. For a vector-valued ``f`` the
    VJP with a cotangent of ones gives :math:`\sum_i \nabla f_i(x)` in a single
    backward pass, without forming the Jacobian. It is what other frameworks
    compute when you call ``backward()`` on a vector with a vector of ones.

    Args:
        f: a function of one real array returning one array.
        x: where to evaluate.

    Returns:
        An array shaped like ``x``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import sum_gradient_via_vjp
        >>> print(sum_gradient_via_vjp(lambda x: x**2, jnp.array([1.0, 2.0, 3.0])))
        [2. 4. 6.]
    """
    x = _float_array(x, "sum_gradient_via_vjp")
    y, pullback = jax.vjp(f, x)
    (g,) = pullback(jnp.ones_like(y))
    return g


def hvp_forward_over_reverse(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike
) -> Array:
    r"""Hessian-vector product :math:`\nabla^2 f(x)\, v` by a JVP of the gradient.

    :math:`\nabla^2 f(x) v = \frac{d}{dt} \nabla f(x + t v) \big|_{t=0}`: push the
    tangent ``v`` forward through :func:`jax.grad`. It costs a small constant
    times one evaluation of ``f``, whatever the dimension, and never runs a
    backward pass over a backward pass, which makes it the usual recommendation.

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
        >>> from autodiff_cookbook import hvp_forward_over_reverse
        >>> f = lambda x: x[0] ** 2 * x[1]  # Hessian [[2 x1, 2 x0], [2 x0, 0]]
        >>> print(hvp_forward_over_reverse(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = _point_and_vector(x, v, "hvp_forward_over_reverse")
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


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
        >>> from autodiff_cookbook import hvp_reverse_over_forward
        >>> f = lambda x: x[0] ** 2 * x[1]
        >>> print(hvp_reverse_over_forward(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = _point_and_vector(x, v, "hvp_reverse_over_forward")
    return jax.grad(lambda y: jax.jvp(f, (y,), (v,))[1])(x)


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
        >>> from autodiff_cookbook import hvp_reverse_over_reverse
        >>> f = lambda x: x[0] ** 2 * x[1]
        >>> print(hvp_reverse_over_reverse(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = _point_and_vector(x, v, "hvp_reverse_over_reverse")
    return jax.grad(lambda y: jnp.vdot(jax.grad(f)(y), v))(x)


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
        >>> from autodiff_cookbook import hvp_via_hessian
        >>> f = lambda x: x[0] ** 2 * x[1]
        >>> print(hvp_via_hessian(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = _point_and_vector(x, v, "hvp_via_hessian")
    hessian = jax.hessian(f)(x).reshape((x.size, x.size))
    return (hessian @ v.reshape(-1)).reshape(x.shape)


def _point_and_vector(x: ArrayLike, v: ArrayLike, what: str) -> tuple[Array, Array]:
    x = _float_array(x, what)
    v = jnp.asarray(v, dtype=x.dtype)
    if v.shape != x.shape:
        msg = (
            f"{what} needs a vector v shaped like x: x has shape {x.shape} but v has "
            f"shape {v.shape}; pass v of shape {x.shape}."
        )
        raise ValueError(msg)
    return x, v
