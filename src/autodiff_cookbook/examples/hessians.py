r"""The functions of the page *Hessians and beyond*: Hessians, Hessian-vector products, the Laplacian.

For a scalar function :math:`f: \mathbb{R}^n \to \mathbb{R}` the Hessian is the
:math:`n \times n` matrix :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j`,
the Jacobian of the gradient. Often the matrix itself is not needed, only its
action on a vector (a Hessian-vector product, :func:`hvp_forward_over_reverse`)
or its trace, the Laplacian
:math:`\Delta f = \sum_i \partial^2 f / \partial x_i^2` (:func:`laplacian`),
which Hutchinson's estimator approximates from a few Hessian-vector products
without ever forming :math:`H` (:func:`hutchinson_laplacian`).

The functions to differentiate have a size that is a parameter and derivatives
known in closed form, so that later pages can time them as dimensions grow and
still check every result:

- :func:`rosenbrock`, the chained Rosenbrock function
  :math:`\mathbb{R}^n \to \mathbb{R}`, with its hand-derived Hessian
  (tridiagonal) and Hessian-vector product;
- :func:`tanh_mlp`, a one-hidden-layer network
  :math:`\mathbb{R}^n \to \mathbb{R}^m`, whose input and output dimensions can
  be varied independently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike, DTypeLike

from ._arrays import mlp_arrays, point_and_vector, vector

__all__ = [
    "hutchinson_laplacian",
    "hutchinson_samples",
    "hvp_forward_over_reverse",
    "init_tanh_mlp",
    "laplacian",
    "rosenbrock",
    "rosenbrock_hessian",
    "rosenbrock_hvp",
    "tanh_mlp",
]


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
        >>> from autodiff_cookbook.examples.hessians import rosenbrock
        >>> print(f"{float(rosenbrock(jnp.ones(4))):.1f}")
        0.0
        >>> print(f"{float(rosenbrock(jnp.zeros(4))):.1f}")
        3.0
    """
    x = vector(x, "rosenbrock")
    head, tail = x[:-1], x[1:]
    return jnp.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)


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
        >>> from autodiff_cookbook.examples.hessians import rosenbrock_hessian
        >>> print(rosenbrock_hessian(jnp.ones(3)))
        [[ 802. -400.    0.]
         [-400. 1002. -400.]
         [   0. -400.  200.]]
    """
    x = vector(x, "rosenbrock_hessian")
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
        >>> from autodiff_cookbook.examples.hessians import rosenbrock_hvp
        >>> print(rosenbrock_hvp(jnp.ones(3), jnp.array([1.0, 0.0, 0.0])))
        [ 802. -400.    0.]
    """
    x = vector(x, "rosenbrock_hvp")
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
    key: Array, n_in: int, n_out: int, hidden: int = 64, dtype: DTypeLike = jnp.float32
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
        >>> from autodiff_cookbook.examples.hessians import init_tanh_mlp
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
        >>> from autodiff_cookbook.examples.hessians import tanh_mlp
        >>> print(tanh_mlp(jnp.zeros(3), jnp.ones((4, 3)), jnp.ones((2, 4))))
        [0. 0.]
    """
    x, w1, w2 = mlp_arrays(x, w1, w2)
    return w2 @ jnp.tanh(w1 @ x)


def hvp_forward_over_reverse(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike
) -> Array:
    r"""Hessian-vector product :math:`\nabla^2 f(x)\, v` by a JVP of the gradient.

    :math:`\nabla^2 f(x) v = \frac{d}{dt} \nabla f(x + t v) \big|_{t=0}`: push the
    tangent ``v`` forward through :func:`jax.grad`. It costs a small constant
    times one evaluation of ``f``, whatever the dimension, and never runs a
    backward pass over a backward pass (nor does reverse-over-forward); which
    composition is fastest is measured on the page *Hessian-vector products*.

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
        >>> from autodiff_cookbook.examples.hessians import hvp_forward_over_reverse
        >>> f = lambda x: x[0] ** 2 * x[1]  # Hessian [[2 x1, 2 x0], [2 x0, 0]]
        >>> print(hvp_forward_over_reverse(f, jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])))
        [6. 2.]
    """
    x, v = point_and_vector(x, v, "hvp_forward_over_reverse")
    hv: Array = jax.jvp(jax.grad(f), (x,), (v,))[1]
    return hv


def _check_scalar(f: Callable[[Array], Array], x: Array, name: str) -> None:
    if not jnp.issubdtype(x.dtype, jnp.floating):
        msg = f"{name} needs a floating-point input, got dtype {x.dtype}; pass x.astype(float)."
        raise TypeError(msg)
    out = jax.eval_shape(f, x)
    if getattr(out, "shape", None) != ():
        shape = getattr(out, "shape", type(out).__name__)
        msg = (
            f"{name} needs a scalar-output function, but f returned {shape}; "
            "sum or average the output, or take one component."
        )
        raise ValueError(msg)


def laplacian(f: Callable[[Array], Array], x: ArrayLike) -> Array:
    r"""Return the Laplacian :math:`\Delta f(x) = \operatorname{tr} H(x)`, exactly.

    :math:`\Delta f = \sum_i \partial^2 f / \partial x_i^2`, the sum of the
    curvatures along each axis, is the trace of the Hessian :math:`H`.

    It builds the full Hessian with :func:`jax.hessian` and takes its trace:
    exact, but :math:`n` Hessian-vector products and :math:`n^2` memory. For
    large :math:`n`, :func:`hutchinson_laplacian` estimates it from a few.

    Args:
        f: a scalar function of ``x``; ``x`` may have any shape, its entries
            are the variables.
        x: the point.

    Returns:
        A scalar array.

    Raises:
        ValueError: if ``f`` does not return a scalar.
        TypeError: if ``x`` is not floating point.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessians import laplacian
        >>> print(f"{float(laplacian(lambda x: jnp.sum(x**2), jnp.ones(5))):.1f}")
        10.0
    """
    x = jnp.asarray(x)
    _check_scalar(f, x, "laplacian")
    return _compiled(_laplacian, f)(x)


def _laplacian(f: Callable[[Array], Array], x: Array) -> Array:
    hessian = jax.hessian(f)(x)
    return jnp.trace(hessian.reshape(x.size, x.size))


def _compiled(
    body: Callable[..., Array], f: Callable[[Array], Array]
) -> Callable[..., Array]:
    """``body`` with ``f`` bound, compiled when ``f`` can be a static argument.

    Second derivatives run op by op are slow to dispatch: compiled, they run as
    one program. ``f`` must be hashable to be static; if it is not, ``body``
    runs uncompiled (and still correct).
    """
    try:
        hash(f)
    except TypeError:
        return functools.partial(body, f)
    return functools.partial(_JITTED[body], f)


def hutchinson_samples(
    f: Callable[[Array], Array], x: ArrayLike, key: Array, num_probes: int = 64
) -> Array:
    r"""Draw Hutchinson's one-probe estimates :math:`v^\top H(x)\, v` of the Laplacian.

    For a random vector :math:`v` with :math:`\mathbb{E}[v v^\top] = I`,
    :math:`\mathbb{E}[v^\top H v] = \operatorname{tr}(H\, \mathbb{E}[v v^\top])
    = \operatorname{tr} H`.
    The probes here are Rademacher vectors (entries :math:`\pm 1` with equal
    probability), for which the variance of one sample is
    :math:`2 \sum_{i \neq j} H_{ij}^2`: the diagonal adds no noise. Each sample
    costs one Hessian-vector product
    (:func:`hvp_forward_over_reverse`); all of them run batched
    under :func:`jax.vmap`.

    Args:
        f: a scalar function of ``x``.
        x: the point.
        key: a PRNG key, from :func:`jax.random.key`.
        num_probes: how many probe vectors to draw.

    Returns:
        The samples, shape ``(num_probes,)``; their mean is the estimate.

    Raises:
        ValueError: if ``f`` does not return a scalar, or ``num_probes`` < 1.
        TypeError: if ``x`` is not floating point.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessians import hutchinson_samples
        >>> samples = hutchinson_samples(lambda x: jnp.sum(x**2), jnp.ones(5), jax.random.key(0), 4)
        >>> print(samples)
        [10. 10. 10. 10.]
    """
    x = jnp.asarray(x)
    _check_scalar(f, x, "hutchinson_samples")
    if num_probes < 1:
        msg = f"num_probes must be 1 or more, got {num_probes}."
        raise ValueError(msg)
    probes = jax.random.rademacher(key, (num_probes, *x.shape), dtype=x.dtype)
    return _compiled(_hutchinson_samples, f)(x, probes)


def _hutchinson_samples(f: Callable[[Array], Array], x: Array, probes: Array) -> Array:
    def one_sample(v: Array) -> Array:
        return jnp.vdot(v, hvp_forward_over_reverse(f, x, v))

    return jax.vmap(one_sample)(probes)


def hutchinson_laplacian(
    f: Callable[[Array], Array], x: ArrayLike, key: Array, num_probes: int = 64
) -> Array:
    r"""Estimate the Laplacian :math:`\operatorname{tr} H(x)` from Hessian-vector products only.

    The mean of :func:`hutchinson_samples`: unbiased, with a standard error that
    shrinks like :math:`1/\sqrt{\text{num\_probes}}`, and it never forms the
    Hessian, so it scales to inputs far too large for :func:`laplacian`.

    Args:
        f: a scalar function of ``x``.
        x: the point.
        key: a PRNG key, from :func:`jax.random.key`.
        num_probes: how many probe vectors to average over.

    Returns:
        A scalar array.

    Raises:
        ValueError: if ``f`` does not return a scalar, or ``num_probes`` < 1.
        TypeError: if ``x`` is not floating point.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.hessians import hutchinson_laplacian, laplacian, rosenbrock
        >>> x = jnp.linspace(-1.0, 1.0, 6)
        >>> estimate = hutchinson_laplacian(rosenbrock, x, jax.random.key(0), 4096)
        >>> exact = laplacian(rosenbrock, x)
        >>> print(bool(abs(estimate - exact) < 0.05 * abs(exact)))
        True
    """
    return hutchinson_samples(f, x, key, num_probes).mean()


# The compiled bodies, with the function to differentiate as a static argument.
_JITTED = {
    body: jax.jit(body, static_argnums=0) for body in (_laplacian, _hutchinson_samples)
}
