r"""Second derivatives: Hessians, Hessian-vector products and the Laplacian.

These are the functions of the page *Hessians and beyond*. For a scalar
function :math:`f: \mathbb{R}^n \to \mathbb{R}` the Hessian is the
:math:`n \times n` matrix :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j`,
the Jacobian of the gradient. Often the matrix itself is not needed, only its
action on a vector (a Hessian-vector product,
:func:`~autodiff_cookbook.hvp_forward_over_reverse`) or its trace, the Laplacian
:math:`\Delta f = \sum_i \partial^2 f / \partial x_i^2` (:func:`~autodiff_cookbook.laplacian`),
which Hutchinson's estimator approximates from a few Hessian-vector products
without ever forming :math:`H` (:func:`~autodiff_cookbook.hutchinson_laplacian`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from .transforms import hvp_forward_over_reverse

__all__ = [
    "hutchinson_laplacian",
    "hutchinson_samples",
    "laplacian",
]


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
        >>> from autodiff_cookbook import laplacian
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
    (:func:`~autodiff_cookbook.hvp_forward_over_reverse`); all of them run batched
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
        >>> from autodiff_cookbook import hutchinson_samples
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
        >>> from autodiff_cookbook import hutchinson_laplacian, laplacian, rosenbrock
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
