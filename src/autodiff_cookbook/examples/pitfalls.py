r"""The functions of the page *Pitfalls*: gradients that go wrong in a classic way, and fixes.

The page *Pitfalls* runs each mistake and then the fix. The functions here are
the ones worth keeping: the NaN that leaks through :func:`jax.numpy.where`, and
the *double-where* that stops it.

Why the NaN appears: ``jnp.where(mask, a, b)`` differentiates **both**
branches and then selects. The cotangent of the unselected branch is 0, but the
chain rule multiplies it by that branch's own derivative, and
:math:`0 \times \infty` is NaN. The fix is to make the unselected branch
harmless *before* it is evaluated: feed it a safe input.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = ["masked_log", "masked_log_naive", "safe_norm"]


def masked_log_naive(x: ArrayLike) -> Array:
    r"""Return :math:`\log x` where :math:`x > 0` and 0 elsewhere, with one ``where``.

    The value is right, but at :math:`x = 0` the gradient is NaN: the unselected
    branch :math:`\log x` has derivative :math:`1/0 = \infty`, and its zero
    cotangent times :math:`\infty` is NaN. Compare :func:`masked_log`.

    Args:
        x: the input, any shape.

    Returns:
        An array shaped like ``x``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pitfalls import masked_log_naive
        >>> print(f"{float(masked_log_naive(0.0)):.1f}", float(jax.grad(masked_log_naive)(0.0)))
        0.0 nan
    """
    x = jnp.asarray(x)
    return jnp.where(x > 0, jnp.log(x), 0.0)


def masked_log(x: ArrayLike) -> Array:
    r"""Return :math:`\log x` where :math:`x > 0` and 0 elsewhere, with a finite gradient.

    The *double-where*: first replace the inputs the outer ``where`` will
    discard by a safe value (here 1, where :math:`\log` is smooth), then take
    the logarithm, then select. The discarded branch now has a finite
    derivative, so :math:`0 \times` finite :math:`= 0`.

    Args:
        x: the input, any shape.

    Returns:
        An array shaped like ``x``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pitfalls import masked_log
        >>> print(f"{float(masked_log(0.0)):.1f} {float(jax.grad(masked_log)(0.0)):.1f}")
        0.0 0.0
    """
    x = jnp.asarray(x)
    positive = x > 0
    safe_x = jnp.where(positive, x, 1.0)
    return jnp.where(positive, jnp.log(safe_x), 0.0)


def safe_norm(x: ArrayLike, axis: int | None = None) -> Array:
    r"""Return the Euclidean norm, with gradient 0 (not NaN) at the zero vector.

    :math:`\nabla \|x\| = x / \|x\|` is undefined at :math:`x = 0`, and
    ``jnp.sqrt(jnp.sum(x**2))`` differentiates to :math:`0 / 0 =` NaN there. The
    double-where evaluates the norm only where it is positive and uses the
    subgradient 0 at the origin. The entries are divided by the largest
    magnitude :math:`m` first, :math:`\|x\| = m \|x / m\|`, so that squaring
    neither overflows nor underflows. The identity holds for every
    :math:`m > 0`, so its derivative with respect to :math:`m` is zero, and
    :func:`jax.lax.stop_gradient` says so: differentiating through :math:`m`
    would only add rounding (and :math:`1/m^2` can overflow).

    Args:
        x: the input array.
        axis: the axis to reduce over; all axes when omitted.

    Returns:
        The norm; shaped like ``x`` with ``axis`` removed.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.pitfalls import safe_norm
        >>> print(f"{float(safe_norm(jnp.array([3.0, 4.0]))):.1f}")
        5.0
        >>> print(jax.grad(safe_norm)(jnp.zeros(2)))
        [0. 0.]
    """
    x = jnp.asarray(x)
    largest = jnp.max(jnp.abs(x), axis=axis, keepdims=True)
    positive = largest > 0
    safe_largest = jax.lax.stop_gradient(jnp.where(positive, largest, 1.0))
    # Where positive, the sum is at least 1 (the largest entry scales to 1).
    squares = jnp.sum((x / safe_largest) ** 2, axis=axis, keepdims=True)
    norm = safe_largest * jnp.sqrt(jnp.where(positive, squares, 1.0))
    norm = jnp.where(positive, norm, 0.0)
    return norm.squeeze() if axis is None else jnp.squeeze(norm, axis=axis)
