r"""Functions of adjustable size for timing derivatives.

The pages *Hessian-vector products* and *Forward vs reverse mode* time
derivatives as dimensions grow. They need functions whose size is a parameter
and whose derivatives are known in closed form, so that every timed result
can also be checked:

- :func:`rosenbrock`, the chained Rosenbrock function
  :math:`\mathbb{R}^n \to \mathbb{R}`, with its hand-derived gradient,
  Hessian (tridiagonal) and Hessian-vector product;
- :func:`tanh_mlp`, a one-hidden-layer network
  :math:`\mathbb{R}^n \to \mathbb{R}^m`, whose input and output dimensions can
  be varied independently, with its hand-derived Jacobian.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = [
    "init_tanh_mlp",
    "rosenbrock",
    "rosenbrock_gradient",
    "rosenbrock_hessian",
    "rosenbrock_hvp",
    "tanh_mlp",
    "tanh_mlp_jacobian",
]


def _vector(x: ArrayLike, what: str, min_size: int = 2) -> Array:
    x = jnp.asarray(x)
    if x.ndim != 1 or x.shape[0] < min_size:
        msg = (
            f"{what} needs a vector of length at least {min_size}, got shape {x.shape}; "
            "pass a 1-D array such as jnp.zeros(5)."
        )
        raise ValueError(msg)
    return x


def rosenbrock(x: ArrayLike) -> Array:
    r"""Return the chained Rosenbrock function of a vector of length :math:`n \ge 2`.

    .. math::

        f(x) = \sum_{i=0}^{n-2} \Bigl[100\,(x_{i+1} - x_i^2)^2 + (1 - x_i)^2\Bigr].

    Its minimum is 0, at :math:`x = (1, \dots, 1)`. Each term couples two
    neighbours only, so the Hessian is tridiagonal.

    Args:
        x: a vector of length at least 2.

    Returns:
        A scalar array.

    Raises:
        ValueError: if ``x`` is not a vector of length at least 2.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import rosenbrock
        >>> print(f"{float(rosenbrock(jnp.ones(4))):.1f}")
        0.0
        >>> print(f"{float(rosenbrock(jnp.zeros(4))):.1f}")
        3.0
    """
    x = _vector(x, "rosenbrock")
    head, tail = x[:-1], x[1:]
    return jnp.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)


def rosenbrock_gradient(x: ArrayLike) -> Array:
    r"""Return the hand-derived gradient of :func:`rosenbrock`.

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
        >>> from autodiff_cookbook import rosenbrock_gradient
        >>> print(rosenbrock_gradient(jnp.zeros(3)))
        [-2. -2.  0.]
    """
    x = _vector(x, "rosenbrock_gradient")
    head, tail = x[:-1], x[1:]
    g = jnp.zeros_like(x)
    g = g.at[:-1].add(-400.0 * head * (tail - head**2) - 2.0 * (1.0 - head))
    return g.at[1:].add(200.0 * (tail - head**2))


def rosenbrock_hessian(x: ArrayLike) -> Array:
    r"""Return the hand-derived Hessian of :func:`rosenbrock`, a tridiagonal matrix.

    .. math::

        H_{ii} = \underbrace{1200\, x_i^2 - 400\, x_{i+1} + 2}_{i \le n-2}
        + \underbrace{200}_{i \ge 1}, \qquad
        H_{i,i+1} = H_{i+1,i} = -400\, x_i .

    Args:
        x: a vector of length at least 2.

    Returns:
        The :math:`n \times n` Hessian.

    Raises:
        ValueError: if ``x`` is not a vector of length at least 2.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import rosenbrock_hessian
        >>> print(rosenbrock_hessian(jnp.ones(3)))
        [[ 802. -400.    0.]
         [-400. 1002. -400.]
         [   0. -400.  200.]]
    """
    x = _vector(x, "rosenbrock_hessian")
    diagonal, off = _rosenbrock_bands(x)
    return jnp.diag(diagonal) + jnp.diag(off, 1) + jnp.diag(off, -1)


def rosenbrock_hvp(x: ArrayLike, v: ArrayLike) -> Array:
    r"""Return the Hessian-vector product :math:`\nabla^2 f(x)\, v` of :func:`rosenbrock` by hand.

    Uses the three bands of :func:`rosenbrock_hessian` without forming the
    matrix, so it costs :math:`O(n)`.

    Args:
        x: a vector of length at least 2.
        v: a vector shaped like ``x``.

    Returns:
        :math:`\nabla^2 f(x)\, v`, shaped like ``x``.

    Raises:
        ValueError: if ``x`` is not a vector of length at least 2, or ``v`` is
            not shaped like ``x``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import rosenbrock_hvp
        >>> print(rosenbrock_hvp(jnp.ones(3), jnp.array([1.0, 0.0, 0.0])))
        [ 802. -400.    0.]
    """
    x = _vector(x, "rosenbrock_hvp")
    v = jnp.asarray(v, dtype=x.dtype)
    if v.shape != x.shape:
        msg = f"v must be shaped like x, {x.shape}, got {v.shape}; pass v of shape {x.shape}."
        raise ValueError(msg)
    diagonal, off = _rosenbrock_bands(x)
    out = diagonal * v
    out = out.at[:-1].add(off * v[1:])
    return out.at[1:].add(off * v[:-1])


def _rosenbrock_bands(x: Array) -> tuple[Array, Array]:
    head, tail = x[:-1], x[1:]
    diagonal = jnp.zeros_like(x)
    diagonal = diagonal.at[:-1].add(1200.0 * head**2 - 400.0 * tail + 2.0)
    diagonal = diagonal.at[1:].add(200.0)
    return diagonal, -400.0 * head


def init_tanh_mlp(
    key: Array, n_in: int, n_out: int, hidden: int = 64, dtype: jnp.dtype = jnp.float32
) -> tuple[Array, Array]:
    r"""Draw the weights of a :func:`tanh_mlp` from :math:`\mathbb{R}^{n}` to :math:`\mathbb{R}^{m}`.

    Entries are Gaussian, scaled by one over the square root of the fan-in so
    that activations stay of order one whatever the sizes.

    Args:
        key: a PRNG key, e.g. ``jax.random.key(0)``.
        n_in: the input dimension :math:`n`.
        n_out: the output dimension :math:`m`.
        hidden: the width :math:`h` of the hidden layer.
        dtype: the floating-point dtype of the weights.

    Returns:
        ``(w1, w2)`` of shapes ``(hidden, n_in)`` and ``(n_out, hidden)``.

    Raises:
        ValueError: if a size is less than 1.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import init_tanh_mlp
        >>> w1, w2 = init_tanh_mlp(jax.random.key(0), n_in=3, n_out=2, hidden=8)
        >>> print(w1.shape, w2.shape)
        (8, 3) (2, 8)
    """
    for name, size in (("n_in", n_in), ("n_out", n_out), ("hidden", hidden)):
        if size < 1:
            msg = f"{name} must be at least 1, got {size}."
            raise ValueError(msg)
    k1, k2 = jax.random.split(key)
    w1 = jax.random.normal(k1, (hidden, n_in), dtype) / jnp.sqrt(n_in).astype(dtype)
    w2 = jax.random.normal(k2, (n_out, hidden), dtype) / jnp.sqrt(hidden).astype(dtype)
    return w1, w2


def tanh_mlp(x: ArrayLike, w1: ArrayLike, w2: ArrayLike) -> Array:
    r"""Return :math:`f(x) = W_2 \tanh(W_1 x)`, a map from :math:`\mathbb{R}^n` to :math:`\mathbb{R}^m`.

    One evaluation costs about :math:`h(n + m)` multiply-adds for a hidden
    width :math:`h`, so a JVP or a VJP costs a small multiple of that.

    Args:
        x: the input, a vector of length :math:`n`.
        w1: the first weight matrix, shape ``(h, n)``.
        w2: the second weight matrix, shape ``(m, h)``.

    Returns:
        A vector of length :math:`m`.

    Raises:
        ValueError: if the shapes do not chain.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import tanh_mlp
        >>> print(tanh_mlp(jnp.zeros(3), jnp.ones((4, 3)), jnp.ones((2, 4))))
        [0. 0.]
    """
    x, w1, w2 = _mlp_arrays(x, w1, w2)
    return w2 @ jnp.tanh(w1 @ x)


def tanh_mlp_jacobian(x: ArrayLike, w1: ArrayLike, w2: ArrayLike) -> Array:
    r"""Return the hand-derived Jacobian :math:`W_2 \operatorname{diag}(1 - \tanh^2(W_1 x)) W_1`.

    Args:
        x: the input, a vector of length :math:`n`.
        w1: the first weight matrix, shape ``(h, n)``.
        w2: the second weight matrix, shape ``(m, h)``.

    Returns:
        The :math:`m \times n` Jacobian of :func:`tanh_mlp` with respect to ``x``.

    Raises:
        ValueError: if the shapes do not chain.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import tanh_mlp_jacobian
        >>> print(tanh_mlp_jacobian(jnp.zeros(2), jnp.eye(2), 2 * jnp.eye(2)))
        [[2. 0.]
         [0. 2.]]
    """
    x, w1, w2 = _mlp_arrays(x, w1, w2)
    slope = 1.0 - jnp.tanh(w1 @ x) ** 2
    return (w2 * slope) @ w1


def _mlp_arrays(
    x: ArrayLike, w1: ArrayLike, w2: ArrayLike
) -> tuple[Array, Array, Array]:
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
