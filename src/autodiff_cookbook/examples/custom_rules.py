r"""The functions of the page *Custom derivative rules*: :class:`jax.custom_jvp` and :class:`jax.custom_vjp`.

Two reasons to override what automatic differentiation would compute:

- **Numerical stability.** :func:`softplus_naive` computes
  :math:`\log(1 + e^x)` as written; for large :math:`x` the exponential
  overflows and the derivative :math:`e^x / (1 + e^x)` becomes
  :math:`(1 / \infty) \cdot \infty = 0 \cdot \infty` in reverse mode
  (:math:`\infty / \infty` in forward mode), which is NaN. :func:`softplus`
  evaluates the same function stably and tells JAX its derivative is the
  sigmoid, through a :class:`jax.custom_jvp` rule.
- **Changing the gradient on purpose.** :func:`clip_gradient` is the identity
  going forward, but clips the cotangent flowing backward, through a
  :class:`jax.custom_vjp` rule: a building block for taming exploding gradients.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = ["clip_gradient", "softplus", "softplus_naive"]


def softplus_naive(x: ArrayLike) -> Array:
    r"""Return :math:`\log(1 + e^x)` exactly as written, elementwise.

    The value overflows to ``inf`` once :math:`e^x` exceeds the largest float
    (:math:`x > 88.7` in float32), and automatic differentiation then computes
    the derivative :math:`e^x / (1 + e^x)` as :math:`0 \cdot \infty =` NaN in
    reverse mode (:math:`(1 / \infty) \cdot \infty`), and as
    :math:`\infty / \infty =` NaN in forward mode.
    Compare :func:`softplus`.

    Args:
        x: the input, any shape.

    Returns:
        :math:`\log(1 + e^x)`, shaped like ``x``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.custom_rules import softplus_naive
        >>> print(f"{float(softplus_naive(0.0)):.4f}")
        0.6931
        >>> print(float(softplus_naive(100.0)), float(jax.grad(softplus_naive)(100.0)))
        inf nan
    """
    return jnp.log(1.0 + jnp.exp(jnp.asarray(x)))


@jax.custom_jvp
def _softplus(x: Array) -> Array:
    # log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}); the exponential is at most 1.
    return jnp.maximum(x, 0.0) + jnp.log1p(jnp.exp(-jnp.abs(x)))


@_softplus.defjvp
def _softplus_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (x_dot,) = primals, tangents
    # d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x), which never overflows.
    # Written with differentiable operations, so higher derivatives work too.
    return _softplus(x), jax.nn.sigmoid(x) * x_dot


def softplus(x: ArrayLike) -> Array:
    r"""Return :math:`\log(1 + e^x)` computed stably, with the sigmoid as its derivative.

    The value is :math:`\max(x, 0) + \log(1 + e^{-|x|})`, which never
    overflows. A :class:`jax.custom_jvp` rule states the derivative
    :math:`\sigma(x) = 1 / (1 + e^{-x})` directly, so the derivative is exact and
    finite for every finite input, and costs one sigmoid. Because the rule is
    itself written with JAX operations, second derivatives work as well:
    :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`.

    Args:
        x: the input, any shape, real floating point.

    Returns:
        :math:`\log(1 + e^x)`, shaped like ``x``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array or number.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.custom_rules import softplus
        >>> print(f"{float(softplus(100.0)):.1f} {float(jax.grad(softplus)(100.0)):.1f}")
        100.0 1.0
        >>> print(f"{float(jax.grad(jax.grad(softplus))(0.0)):.2f}")
        0.25
    """
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        msg = (
            f"softplus needs a real floating-point input, got dtype {x.dtype}; "
            "pass floats, e.g. jnp.asarray(x, dtype=jnp.float32)."
        )
        raise TypeError(msg)
    return _softplus(x)


@jax.custom_vjp
def _clip_gradient(x: Array, lo: Array, hi: Array) -> Array:
    del lo, hi
    return x


def _clip_gradient_fwd(
    x: Array, lo: Array, hi: Array
) -> tuple[Array, tuple[Array, Array]]:
    return x, (lo, hi)


def _clip_gradient_bwd(
    residuals: tuple[Array, Array], g: Array
) -> tuple[Array, Array, Array]:
    lo, hi = residuals
    # The bounds are parameters, not inputs to learn: their cotangents are zero.
    return jnp.clip(g, lo, hi), jnp.zeros_like(lo), jnp.zeros_like(hi)


_clip_gradient.defvjp(_clip_gradient_fwd, _clip_gradient_bwd)


def clip_gradient(x: ArrayLike, lo: ArrayLike = -1.0, hi: ArrayLike = 1.0) -> Array:
    r"""Return ``x`` unchanged, but clip the gradient flowing back through it to ``[lo, hi]``.

    Forward, this is the identity. Backward, a :class:`jax.custom_vjp` rule
    replaces the cotangent :math:`\bar{x}` by :math:`\operatorname{clip}(\bar{x}, lo, hi)`,
    elementwise. So for :math:`L(x) = g(\operatorname{clip\_gradient}(x))`,
    :math:`\partial L / \partial x = \operatorname{clip}(g'(x), lo, hi)`: deliberately
    *not* the derivative of :math:`L`, which is :math:`g'(x)`.

    Args:
        x: the value to pass through, any shape, real floating point.
        lo: the lower bound for the gradient.
        hi: the upper bound for the gradient.

    Returns:
        ``x``, as an array.

    Raises:
        TypeError: if ``x`` is not a real floating-point array or number.
        ValueError: if ``lo`` is greater than ``hi`` (checked when both are
            Python numbers).

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.custom_rules import clip_gradient
        >>> print(f"{float(clip_gradient(3.0)):.1f}")
        3.0
        >>> print(f"{float(jax.grad(lambda x: clip_gradient(x) ** 2)(3.0)):.1f}")
        1.0
    """
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        msg = (
            f"clip_gradient needs a real floating-point input, got dtype {x.dtype}; "
            "pass floats, e.g. jnp.asarray(x, dtype=jnp.float32)."
        )
        raise TypeError(msg)
    if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
        msg = f"clip_gradient needs lo <= hi, got lo={lo} and hi={hi}; swap them."
        raise ValueError(msg)
    return _clip_gradient(
        x, jnp.asarray(lo, dtype=x.dtype), jnp.asarray(hi, dtype=x.dtype)
    )
