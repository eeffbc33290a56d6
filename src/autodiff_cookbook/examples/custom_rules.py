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

And the machinery that real rules need:

- **Static arguments** (``nondiff_argnums``): :func:`clip_gradient_norm` takes
  its threshold as a Python float that is part of the rule, not an input to
  differentiate; :func:`integrate_closed` takes the integrand (a function) and
  the number of quadrature nodes that way.
- **Pytrees in and out**: :func:`to_polar` (a :class:`jax.custom_jvp` rule from
  a dict to a dict) and :func:`clip_gradient_norm` (a :class:`jax.custom_vjp`
  rule on a whole pytree of parameters).
- **Closures over traced values**: :func:`integrate` hands its integrand to the
  rule through :func:`jax.closure_convert`, so that an integrand that closes
  over parameters being differentiated gets their gradient, where
  :func:`integrate_closed` alone fails.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.typing import ArrayLike

__all__ = [
    "clip_gradient",
    "clip_gradient_norm",
    "integrate",
    "integrate_closed",
    "softplus",
    "softplus_naive",
    "to_polar",
]

PyTree = Any


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


# --- nondiff_argnums and a pytree: clip a whole gradient by its norm --------------


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _clip_gradient_norm(tree: PyTree, max_norm: float) -> PyTree:
    del max_norm
    return tree


def _clip_gradient_norm_fwd(tree: PyTree, max_norm: float) -> tuple[PyTree, None]:
    del max_norm
    return tree, None  # the backward pass needs no residuals


def _clip_gradient_norm_bwd(
    max_norm: float, residuals: None, g: PyTree
) -> tuple[PyTree]:
    # Static arguments come first; one cotangent per differentiable input, as a tuple.
    del residuals
    leaves = jax.tree.leaves(g)
    norm = jnp.sqrt(sum(jnp.sum(leaf**2) for leaf in leaves))
    too_long = norm > max_norm
    scale = jnp.where(too_long, max_norm / jnp.where(too_long, norm, 1.0), 1.0)
    return (jax.tree.map(lambda leaf: leaf * scale.astype(leaf.dtype), g),)


_clip_gradient_norm.defvjp(_clip_gradient_norm_fwd, _clip_gradient_norm_bwd)


def clip_gradient_norm(tree: PyTree, max_norm: float) -> PyTree:
    r"""Return ``tree`` unchanged, but rescale the gradient flowing back so its norm is at most ``max_norm``.

    Forward, the identity on a pytree of arrays (a model's parameters).
    Backward, a :class:`jax.custom_vjp` rule scales the whole cotangent pytree
    :math:`\bar{t}` by :math:`\min(1, \text{max\_norm} / \lVert \bar{t} \rVert)`,
    its norm taken over all leaves together (clipping by global norm, as
    optimisers do), so its direction is kept. ``max_norm`` is a static
    argument (``nondiff_argnums``): a Python number fixed when the function is
    traced, not an input to differentiate; it cannot be a traced value (pass
    the bound as an array argument, as :func:`clip_gradient` does, for that).

    Args:
        tree: a pytree of real floating-point arrays.
        max_norm: the largest norm the gradient may have, a Python number > 0.

    Returns:
        ``tree``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.custom_rules import clip_gradient_norm
        >>> params = {"w": jnp.array([3.0, 0.0]), "b": jnp.array(4.0)}
        >>> def loss(p):
        ...     p = clip_gradient_norm(p, 1.0)
        ...     return jnp.sum(p["w"] ** 2) / 2 + p["b"] ** 2 / 2
        >>> g = jax.grad(loss)(params)  # the gradient (3, 0, 4) has norm 5
        >>> print(g["w"], f"{float(g['b']):.1f}")
        [0.6 0. ] 0.8
    """
    return _clip_gradient_norm(tree, max_norm)


# --- A custom_jvp rule from a dict to a dict ----------------------------------------


@jax.custom_jvp
def _to_polar(point: dict[str, Array]) -> dict[str, Array]:
    return {
        "r": jnp.hypot(point["x"], point["y"]),
        "theta": jnp.arctan2(point["y"], point["x"]),
    }


@_to_polar.defjvp
def _to_polar_jvp(
    primals: tuple[dict[str, Array]], tangents: tuple[dict[str, Array]]
) -> tuple[dict[str, Array], dict[str, Array]]:
    (point,), (dot,) = primals, tangents  # each a dict with "x" and "y"
    x, y = point["x"], point["y"]
    polar = _to_polar(point)
    r = polar["r"]
    tangent = {
        "r": (x * dot["x"] + y * dot["y"]) / r,
        "theta": (x * dot["y"] - y * dot["x"]) / r**2,
    }
    return polar, tangent  # both dicts with "r" and "theta", like the output


def to_polar(point: dict[str, Array]) -> dict[str, Array]:
    r"""Return the polar coordinates ``{"r", "theta"}`` of ``{"x", "y"}``, elementwise.

    :math:`r = \sqrt{x^2 + y^2}` and :math:`\theta = \operatorname{atan2}(y, x)`,
    with a :class:`jax.custom_jvp` rule that states their Jacobian:
    :math:`\dot r = (x \dot x + y \dot y) / r` and
    :math:`\dot\theta = (x \dot y - y \dot x) / r^2`. The primal and tangent
    inputs are dicts like ``point``; the rule returns two dicts like the output.

    Args:
        point: a dict with real floating-point arrays ``"x"`` and ``"y"`` of one
            shape.

    Returns:
        A dict with arrays ``"r"`` and ``"theta"`` of that shape.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.custom_rules import to_polar
        >>> point = {"x": jnp.array(3.0), "y": jnp.array(4.0)}
        >>> polar = to_polar(point)
        >>> print(f"{float(polar['r']):.1f} {float(polar['theta']):.4f}")
        5.0 0.9273
        >>> _, tangent = jax.jvp(to_polar, (point,), ({"x": 1.0, "y": 0.0},))
        >>> print(f"{float(tangent['r']):.2f} {float(tangent['theta']):.2f}")
        0.60 -0.16
    """
    return _to_polar(point)


# --- A rule that takes a function: quadrature and the Leibniz rule -----------------


def _nodes(a: Array, b: Array, count: int) -> tuple[Array, Array]:
    """Gauss-Legendre nodes and weights on [a, b]."""
    nodes, weights = np.polynomial.legendre.leggauss(count)
    half = (b - a) / 2
    t = (a + b) / 2 + half * jnp.asarray(nodes, a.dtype)
    return t, half * jnp.asarray(weights, a.dtype)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1))
def _integrate_closed(
    f: Callable[..., Array], nodes: int, a: Array, b: Array, *args: Array
) -> Array:
    t, w = _nodes(a, b, nodes)
    return jnp.sum(w * jax.vmap(lambda s: f(s, *args))(t))


def _integrate_fwd(
    f: Callable[..., Array], nodes: int, a: Array, b: Array, *args: Array
) -> tuple[Array, tuple[Array, Array, tuple[Array, ...]]]:
    return _integrate_closed(f, nodes, a, b, *args), (a, b, args)


def _integrate_bwd(
    f: Callable[..., Array],
    nodes: int,
    residuals: tuple[Array, Array, tuple[Array, ...]],
    g: Array,
) -> tuple[Array, ...]:
    a, b, args = residuals
    t, w = _nodes(a, b, nodes)

    def weighted_vjp(s: Array, weight: Array) -> tuple[Array, ...]:
        _, pullback = jax.vjp(lambda *params: f(s, *params), *args)
        cotangents: tuple[Array, ...] = pullback(g * weight)
        return cotangents

    # The integral of f's VJP over [a, b], by the same nodes (one VJP per node).
    args_bar = jax.tree.map(lambda c: jnp.sum(c, axis=0), jax.vmap(weighted_vjp)(t, w))
    return (-g * f(a, *args), g * f(b, *args), *args_bar)


_integrate_closed.defvjp(_integrate_fwd, _integrate_bwd)


def integrate_closed(
    f: Callable[..., Array], nodes: int, a: Array, b: Array, *args: Array
) -> Array:
    r"""Return :math:`\int_a^b f(t, \text{args})\,dt` by Gauss-Legendre quadrature, with the Leibniz rule as its VJP.

    ``f`` and ``nodes`` are static (``nondiff_argnums``). The backward pass
    does not differentiate the quadrature's operations; it applies the Leibniz
    rule, :math:`\partial/\partial b = f(b)`, :math:`\partial/\partial a = -f(a)`
    and :math:`\partial/\partial \text{args} = \int_a^b \partial f/\partial
    \text{args}\,dt`, the last by the same quadrature of ``f``'s VJP, and keeps
    only ``a``, ``b`` and ``args`` as residuals. ``f`` must not close over
    values being traced (parameters being differentiated): it is static, so
    their gradient would have nowhere to go, and JAX raises
    ``UnexpectedTracerError``. Pass such values through ``args``, or use
    :func:`integrate`, which does it with :func:`jax.closure_convert`.

    Args:
        f: the integrand, ``f(t, *args)`` a scalar for a scalar ``t``.
        nodes: the number of quadrature nodes (exact for polynomials of degree
            below ``2 * nodes``).
        a: the lower limit, a scalar.
        b: the upper limit, a scalar.
        *args: arrays that ``f`` depends on, differentiated.

    Returns:
        The integral, a scalar.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.custom_rules import integrate_closed
        >>> def f(t, k):
        ...     return jnp.cos(k * t)
        >>> a, b, k = jnp.array(0.0), jnp.array(1.0), jnp.array(2.0)
        >>> print(f"{float(integrate_closed(f, 20, a, b, k)):.6f}")  # sin(2) / 2
        0.454649
        >>> dk = jax.grad(lambda k: integrate_closed(f, 20, a, b, k))(k)
        >>> print(f"{float(dk):.6f}")  # (2 cos 2 - sin 2) / 4
        -0.435398
    """
    return _integrate_closed(f, nodes, a, b, *args)


def integrate(
    f: Callable[[Array], Array], a: ArrayLike, b: ArrayLike, nodes: int = 20
) -> Array:
    r"""Return :math:`\int_a^b f(t)\,dt`, differentiable in ``a``, ``b`` and whatever ``f`` closes over.

    :func:`jax.closure_convert` traces ``f`` once and returns it as a function
    of ``t`` and of the traced values it closes over (its ``consts``), which
    are then passed to :func:`integrate_closed` as ordinary arguments, so the
    Leibniz rule returns their cotangents.

    Args:
        f: the integrand, a scalar function of a scalar ``t``; it may close over
            arrays being differentiated.
        a: the lower limit.
        b: the upper limit.
        nodes: the number of Gauss-Legendre nodes.

    Returns:
        The integral, a scalar.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.custom_rules import integrate
        >>> def area(k):  # f closes over k
        ...     return integrate(lambda t: jnp.cos(k * t), 0.0, 1.0)
        >>> print(f"{float(jax.grad(area)(2.0)):.6f}")
        -0.435398
    """
    dtype = jnp.result_type(a, b, float)
    a, b = jnp.asarray(a, dtype), jnp.asarray(b, dtype)
    closed, consts = jax.closure_convert(f, a)
    return integrate_closed(closed, nodes, a, b, *consts)
