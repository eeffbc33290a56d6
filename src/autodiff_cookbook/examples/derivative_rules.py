r"""The functions of the page *Checking derivative rules*.

Derivative rules as practitioners write them, right and wrong, for the
checkers :func:`~autodiff_cookbook.check_custom_rule`,
:func:`~autodiff_cookbook.check_autodiff`, :func:`~autodiff_cookbook.check_jvp`,
:func:`~autodiff_cookbook.check_vjp` and :func:`~autodiff_cookbook.check_hvp`:

- **A custom JVP rule.** :func:`gelu` is the exact GELU activation
  :math:`x\,\Phi(x)` with its derivative :math:`\Phi(x) + x\,\varphi(x)` stated by a
  :class:`jax.custom_jvp` rule; :func:`gelu_rounded` is the same with the
  constant :math:`1/\sqrt{2\pi} = 0.39894\ldots` of the normal density rounded to
  0.4, a rule wrong by less than one part in a thousand.
- **A custom VJP rule.** :func:`softmax_cross_entropy` is the fused backward pass
  of the softmax cross-entropy, :math:`\operatorname{softmax}(z) \sum_k t_k - t`,
  a :class:`jax.custom_vjp` rule.
- **Matrix-free rules** for an image too large for its Jacobian:
  :func:`edge_map` (:math:`\tanh` of the image's forward differences) with its
  hand-written JVP and VJP, and the edge-preserving prior
  :func:`log_cosh_prior` with its Hessian-vector product, right
  (:func:`log_cosh_prior_hvp`) and with the transpose of the difference operator
  shifted by one pixel (:func:`log_cosh_prior_hvp_shifted`).
- **A complex gradient.** The least-squares loss :func:`least_squares` of a
  complex vector, with its gradient in JAX's convention
  (:func:`least_squares_gradient`) and in PyTorch's, the conjugate
  (:func:`least_squares_gradient_pytorch`).
- **A whole model.** A two-layer perceptron (:func:`init_mlp`, :func:`mlp`) and
  the same forward pass with the output bias forgotten
  (:func:`mlp_forgetting_bias`), for :func:`mse_loss`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.scipy.special import erfc
from jax.typing import ArrayLike

__all__ = [
    "edge_map",
    "edge_map_jvp",
    "edge_map_vjp",
    "forward_differences",
    "forward_differences_transpose",
    "gelu",
    "gelu_rounded",
    "init_mlp",
    "least_squares",
    "least_squares_gradient",
    "least_squares_gradient_pytorch",
    "log_cosh_prior",
    "log_cosh_prior_hvp",
    "log_cosh_prior_hvp_shifted",
    "mlp",
    "mlp_forgetting_bias",
    "mse_loss",
    "softmax_cross_entropy",
]

_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # 0.3989422804014327


# --- A custom JVP rule: the exact GELU -------------------------------------------


def _gelu_value(x: Array) -> Array:
    # x Phi(x), with Phi(x) = erfc(-x / sqrt 2) / 2 accurate in both tails.
    return 0.5 * x * erfc(-x * _INV_SQRT_2)


@jax.custom_jvp
def gelu(x: Array) -> Array:
    r"""Return the exact GELU :math:`x\,\Phi(x)`, with its derivative stated by a rule.

    :math:`\Phi` is the standard normal distribution function. A
    :class:`jax.custom_jvp` rule gives the derivative in closed form,
    :math:`\Phi(x) + x\,\varphi(x)` with :math:`\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}`,
    instead of differentiating the code. Compare :func:`gelu_rounded`.

    Args:
        x: a real floating-point array, any shape.

    Returns:
        :math:`x\,\Phi(x)`, elementwise.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.derivative_rules import gelu
        >>> print(f"{float(gelu(1.0)):.6f} {float(jax.grad(gelu)(1.0)):.6f}")
        0.841345 1.083315
    """
    return _gelu_value(x)


@gelu.defjvp
def _gelu_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (x_dot,) = primals, tangents
    cdf = 0.5 * erfc(-x * _INV_SQRT_2)
    pdf = jnp.exp(-0.5 * x**2) * _INV_SQRT_2PI
    return gelu(x), (cdf + x * pdf) * x_dot


@jax.custom_jvp
def gelu_rounded(x: Array) -> Array:
    r"""Return the exact GELU, with a rule that rounds :math:`1/\sqrt{2\pi}` to 0.4.

    The value is :func:`gelu`'s. The rule writes the normal density as
    :math:`0.4\, e^{-x^2/2}`: 0.27 % too large, so the derivative
    :math:`\Phi(x) + x\,\varphi(x)` is off by a relative amount of order
    :math:`10^{-3}` (none at :math:`x = 0`, where the density's term vanishes).

    Args:
        x: a real floating-point array, any shape.

    Returns:
        :math:`x\,\Phi(x)`, elementwise.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.derivative_rules import gelu, gelu_rounded
        >>> right, rounded = jax.grad(gelu)(1.0), jax.grad(gelu_rounded)(1.0)
        >>> print(f"{float(rounded):.6f}, relative error {float(rounded / right - 1):.1e}")
        1.083957, relative error 5.9e-04
    """
    return _gelu_value(x)


@gelu_rounded.defjvp
def _gelu_rounded_jvp(
    primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (x_dot,) = primals, tangents
    cdf = 0.5 * erfc(-x * _INV_SQRT_2)
    pdf = 0.4 * jnp.exp(-0.5 * x**2)  # the mistake: 1/sqrt(2 pi) = 0.39894...
    return gelu_rounded(x), (cdf + x * pdf) * x_dot


# --- A custom VJP rule: the fused softmax cross-entropy -----------------------------


@jax.custom_vjp
def softmax_cross_entropy(logits: Array, targets: Array) -> Array:
    r"""Return the cross-entropy :math:`-\sum_k t_k \log \operatorname{softmax}(z)_k`, fused.

    With :math:`\ell(z, t) = -\sum_k t_k \bigl(z_k - \log \sum_j e^{z_j}\bigr)`,

    .. math::

        \nabla_z \ell = \operatorname{softmax}(z) \sum_k t_k - t, \qquad
        \nabla_t \ell = -\log \operatorname{softmax}(z),

    and a :class:`jax.custom_vjp` rule computes both from the saved log-softmax,
    without differentiating the log-sum-exp. The factor :math:`\sum_k t_k` makes the
    rule right for any targets, not only probability vectors.

    Args:
        logits: real, shape ``(..., classes)``.
        targets: real, the same shape (probabilities, or any weights).

    Returns:
        The cross-entropy, shape ``(...)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import softmax_cross_entropy
        >>> z, t = jnp.array([1.0, 2.0, 3.0]), jnp.array([0.0, 0.0, 1.0])
        >>> print(f"{float(softmax_cross_entropy(z, t)):.4f}")
        0.4076
        >>> print(jax.grad(softmax_cross_entropy)(z, t).round(4))
        [ 0.09    0.2447 -0.3348]
    """
    return -jnp.sum(targets * jax.nn.log_softmax(logits, axis=-1), axis=-1)


def _cross_entropy_fwd(
    logits: Array, targets: Array
) -> tuple[Array, tuple[Array, Array]]:
    log_p = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.sum(targets * log_p, axis=-1), (log_p, targets)


def _cross_entropy_bwd(residuals: tuple[Array, Array], g: Array) -> tuple[Array, Array]:
    log_p, targets = residuals
    g = jnp.expand_dims(g, -1)
    total = jnp.sum(targets, axis=-1, keepdims=True)
    return g * (jnp.exp(log_p) * total - targets), -g * log_p


softmax_cross_entropy.defvjp(_cross_entropy_fwd, _cross_entropy_bwd)


# --- Matrix-free rules: an image too large for its Jacobian -------------------------


def forward_differences(x: ArrayLike) -> Array:
    r"""Return the periodic forward differences :math:`D x` of an image, shape ``(2, H, W)``.

    :math:`(Dx)_{0,i,j} = x_{i+1,j} - x_{i,j}` and
    :math:`(Dx)_{1,i,j} = x_{i,j+1} - x_{i,j}`, indices modulo the size.

    Args:
        x: an image, shape ``(H, W)``.

    Returns:
        The vertical and horizontal differences, stacked.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import forward_differences
        >>> print(forward_differences(jnp.array([[0.0, 1.0], [3.0, 7.0]])))
        [[[ 3.  6.]
          [-3. -6.]]
        <BLANKLINE>
         [[ 1. -1.]
          [ 4. -4.]]]
    """
    x = jnp.asarray(x)
    return jnp.stack([jnp.roll(x, -1, axis=0) - x, jnp.roll(x, -1, axis=1) - x])


def forward_differences_transpose(w: ArrayLike) -> Array:
    r"""Return :math:`D^\top w` for ``w`` of shape ``(2, H, W)``: minus the backward differences.

    :math:`(D^\top w)_{i,j} = w_{0,i-1,j} - w_{0,i,j} + w_{1,i,j-1} - w_{1,i,j}`, the
    transpose of :func:`forward_differences`: :math:`\langle w, Dx\rangle = \langle D^\top w, x\rangle`.

    Args:
        w: shape ``(2, H, W)``.

    Returns:
        Shape ``(H, W)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import (
        ...     forward_differences, forward_differences_transpose)
        >>> x = jax.random.normal(jax.random.key(0), (5, 4))
        >>> w = jax.random.normal(jax.random.key(1), (2, 5, 4))
        >>> lhs = jnp.vdot(w, forward_differences(x))
        >>> rhs = jnp.vdot(forward_differences_transpose(w), x)
        >>> print(bool(jnp.isclose(lhs, rhs, rtol=1e-5)))
        True
    """
    w = jnp.asarray(w)
    return (jnp.roll(w[0], 1, axis=0) - w[0]) + (jnp.roll(w[1], 1, axis=1) - w[1])


def edge_map(x: ArrayLike) -> Array:
    r"""Return :math:`F(x) = \tanh(D x)`, a soft edge detector, shape ``(2, H, W)``.

    Its Jacobian :math:`J = \operatorname{diag}(1 - \tanh^2(Dx))\, D` has
    :math:`2 (HW)^2` entries; :func:`edge_map_jvp` and :func:`edge_map_vjp` apply it
    and its transpose in :math:`O(HW)`.

    Args:
        x: an image, shape ``(H, W)``.

    Returns:
        :math:`\tanh` of the vertical and horizontal differences.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import edge_map
        >>> print(edge_map(jnp.zeros((3, 3))).shape)
        (2, 3, 3)
    """
    return jnp.tanh(forward_differences(x))


def edge_map_jvp(x: ArrayLike, v: ArrayLike) -> Array:
    r"""Return :math:`J(x)\,v = (1 - \tanh^2(Dx)) \odot Dv` for :func:`edge_map`.

    Args:
        x: the image, shape ``(H, W)``.
        v: a tangent, shape ``(H, W)``.

    Returns:
        Shape ``(2, H, W)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import edge_map, edge_map_jvp
        >>> x = jax.random.normal(jax.random.key(0), (6, 5))
        >>> v = jax.random.normal(jax.random.key(1), (6, 5))
        >>> by_jax = jax.jvp(edge_map, (x,), (v,))[1]
        >>> print(bool(jnp.allclose(edge_map_jvp(x, v), by_jax, atol=1e-6)))
        True
    """
    slope = 1 - jnp.tanh(forward_differences(x)) ** 2
    return slope * forward_differences(v)


def edge_map_vjp(x: ArrayLike, u: ArrayLike) -> Array:
    r"""Return :math:`J(x)^\top u = D^\top\bigl((1 - \tanh^2(Dx)) \odot u\bigr)` for :func:`edge_map`.

    Args:
        x: the image, shape ``(H, W)``.
        u: a cotangent, shape ``(2, H, W)``.

    Returns:
        Shape ``(H, W)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import edge_map, edge_map_vjp
        >>> x = jax.random.normal(jax.random.key(0), (6, 5))
        >>> u = jax.random.normal(jax.random.key(1), (2, 6, 5))
        >>> (by_jax,) = jax.vjp(edge_map, x)[1](u)
        >>> print(bool(jnp.allclose(edge_map_vjp(x, u), by_jax, atol=1e-6)))
        True
    """
    slope = 1 - jnp.tanh(forward_differences(x)) ** 2
    return forward_differences_transpose(slope * jnp.asarray(u))


def log_cosh_prior(x: ArrayLike) -> Array:
    r"""Return :math:`E(x) = \sum \log\cosh(Dx)`, an edge-preserving smoothness prior.

    Quadratic for small differences and linear for large ones (edges), like a
    smoothed total variation. Its gradient is :math:`D^\top \tanh(Dx)` and its Hessian
    :math:`D^\top \operatorname{diag}(\operatorname{sech}^2(Dx))\, D`; see
    :func:`log_cosh_prior_hvp`. Computed as :math:`\operatorname{logaddexp}(a, -a) - \log 2`,
    which does not overflow.

    Args:
        x: an image, shape ``(H, W)``.

    Returns:
        A scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import log_cosh_prior
        >>> print(f"{float(log_cosh_prior(jnp.array([[0.0, 1.0], [0.0, 1.0]]))):.4f}")
        1.7351
    """
    a = forward_differences(x)
    return jnp.sum(jnp.logaddexp(a, -a) - math.log(2.0))


def log_cosh_prior_hvp(x: ArrayLike, v: ArrayLike) -> Array:
    r"""Return :math:`H(x)\,v = D^\top\bigl(\operatorname{sech}^2(Dx) \odot Dv\bigr)` for :func:`log_cosh_prior`.

    Args:
        x: the image, shape ``(H, W)``.
        v: a direction, shape ``(H, W)``.

    Returns:
        Shape ``(H, W)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import (
        ...     log_cosh_prior, log_cosh_prior_hvp)
        >>> x = jax.random.normal(jax.random.key(0), (6, 5))
        >>> v = jax.random.normal(jax.random.key(1), (6, 5))
        >>> by_jax = jax.jvp(jax.grad(log_cosh_prior), (x,), (v,))[1]
        >>> print(bool(jnp.allclose(log_cosh_prior_hvp(x, v), by_jax, atol=1e-5)))
        True
    """
    curvature = 1 - jnp.tanh(forward_differences(x)) ** 2
    return forward_differences_transpose(curvature * forward_differences(v))


def log_cosh_prior_hvp_shifted(x: ArrayLike, v: ArrayLike) -> Array:
    r"""Return a wrong Hessian-vector product: :math:`D^\top` taken as :math:`-D`, componentwise.

    The transpose of a forward difference is minus a *backward* difference
    (:func:`forward_differences_transpose`); this takes it as minus the forward
    difference, :math:`w_{i} - w_{i+1}` instead of :math:`w_{i-1} - w_{i}`: every
    entry lands one pixel off. Right on constant images, wrong on any other.

    Args:
        x: the image, shape ``(H, W)``.
        v: a direction, shape ``(H, W)``.

    Returns:
        Shape ``(H, W)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import (
        ...     log_cosh_prior_hvp, log_cosh_prior_hvp_shifted)
        >>> x = jax.random.normal(jax.random.key(0), (6, 5))
        >>> v = jax.random.normal(jax.random.key(1), (6, 5))
        >>> right, wrong = log_cosh_prior_hvp(x, v), log_cosh_prior_hvp_shifted(x, v)
        >>> print(bool(jnp.allclose(right, wrong, atol=1e-3)))
        False
    """
    w = (1 - jnp.tanh(forward_differences(x)) ** 2) * forward_differences(v)
    # The mistake: roll(w, -1) - w is D, not minus D^T.
    return (w[0] - jnp.roll(w[0], -1, axis=0)) + (w[1] - jnp.roll(w[1], -1, axis=1))


# --- A complex gradient: JAX's convention and PyTorch's ------------------------------


def least_squares(z: ArrayLike, a: ArrayLike, b: ArrayLike) -> Array:
    r"""Return :math:`f(z) = \lVert A z - b \rVert^2` for complex :math:`A`, :math:`b`, :math:`z`.

    A real-valued function of a complex vector (channel estimation, MRI
    reconstruction). Its gradient in JAX's convention, :math:`\partial f/\partial x -
    i\,\partial f/\partial y`, is :func:`least_squares_gradient`.

    Args:
        z: complex, shape ``(n,)``.
        a: complex, shape ``(m, n)``.
        b: complex, shape ``(m,)``.

    Returns:
        A real scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import least_squares
        >>> a, b = jnp.eye(2, dtype=jnp.complex64), jnp.array([1j, 0j])
        >>> print(f"{float(least_squares(jnp.array([0j, 2 + 0j]), a, b)):.1f}")
        5.0
    """
    r = jnp.asarray(a) @ jnp.asarray(z) - jnp.asarray(b)
    return jnp.sum(r.real**2 + r.imag**2)


def least_squares_gradient(z: ArrayLike, a: ArrayLike, b: ArrayLike) -> Array:
    r"""Return the gradient of :func:`least_squares` in JAX's convention, :math:`2 A^\top \overline{(Az - b)}`.

    :math:`f = \lVert r \rVert^2` with :math:`r = Az - b` has
    :math:`\partial f / \partial z = A^\top \bar r`, and for a real-valued
    function :func:`jax.grad` returns :math:`2\,\partial f / \partial z`.

    Args:
        z: complex, shape ``(n,)``.
        a: complex, shape ``(m, n)``.
        b: complex, shape ``(m,)``.

    Returns:
        Complex, shape ``(n,)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import (
        ...     least_squares, least_squares_gradient)
        >>> a = jnp.array([[1 + 1j, 2j], [0.5 + 0j, -1j]])
        >>> b, z = jnp.array([1j, 1 + 0j]), jnp.array([1 - 1j, 2j])
        >>> by_jax = jax.grad(least_squares)(z, a, b)
        >>> print(bool(jnp.allclose(least_squares_gradient(z, a, b), by_jax)))
        True
    """
    a = jnp.asarray(a)
    return 2 * a.T @ jnp.conj(a @ jnp.asarray(z) - jnp.asarray(b))


def least_squares_gradient_pytorch(z: ArrayLike, a: ArrayLike, b: ArrayLike) -> Array:
    r"""Return the gradient of :func:`least_squares` in PyTorch's convention, :math:`2 A^H (Az - b)`.

    PyTorch returns the conjugate of JAX's gradient for a real-valued function,
    :math:`\partial f/\partial x + i\,\partial f/\partial y`: the direction of
    steepest ascent. Checked against :func:`jax.grad`, it is the conjugate.

    Args:
        z: complex, shape ``(n,)``.
        a: complex, shape ``(m, n)``.
        b: complex, shape ``(m,)``.

    Returns:
        Complex, shape ``(n,)``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import (
        ...     least_squares_gradient, least_squares_gradient_pytorch)
        >>> a = jnp.array([[1 + 1j, 2j], [0.5 + 0j, -1j]])
        >>> b, z = jnp.array([1j, 1 + 0j]), jnp.array([1 - 1j, 2j])
        >>> jax_style = least_squares_gradient(z, a, b)
        >>> torch_style = least_squares_gradient_pytorch(z, a, b)
        >>> print(bool(jnp.allclose(torch_style, jnp.conj(jax_style))))
        True
    """
    a = jnp.asarray(a)
    return 2 * jnp.conj(a).T @ (a @ jnp.asarray(z) - jnp.asarray(b))


# --- A whole model: a two-layer perceptron --------------------------------------------


def init_mlp(key: Array, sizes: tuple[int, int, int] = (4, 16, 1)) -> dict[str, Array]:
    r"""Return the parameters of a two-layer perceptron, a dict ``w1, b1, w2, b2``.

    Weights are normal with variance :math:`1/\text{fan-in}`, biases zero.

    Args:
        key: a PRNG key.
        sizes: the input, hidden and output widths.

    Returns:
        ``{"w1": (n_in, n_hidden), "b1": (n_hidden,), "w2": (n_hidden, n_out),
        "b2": (n_out,)}``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.derivative_rules import init_mlp
        >>> params = init_mlp(jax.random.key(0))
        >>> print({name: p.shape for name, p in params.items()})
        {'w1': (4, 16), 'b1': (16,), 'w2': (16, 1), 'b2': (1,)}
    """
    n_in, n_hidden, n_out = sizes
    k1, k2 = jax.random.split(key)
    return {
        "w1": jax.random.normal(k1, (n_in, n_hidden)) / math.sqrt(n_in),
        "b1": jnp.zeros(n_hidden),
        "w2": jax.random.normal(k2, (n_hidden, n_out)) / math.sqrt(n_hidden),
        "b2": jnp.zeros(n_out),
    }


def mlp(params: dict[str, Array], x: ArrayLike) -> Array:
    r"""Return :math:`\tanh(x W_1 + b_1) W_2 + b_2` for a batch ``x`` of shape ``(batch, n_in)``.

    Args:
        params: as :func:`init_mlp` returns.
        x: the inputs, shape ``(batch, n_in)``.

    Returns:
        Shape ``(batch, n_out)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import init_mlp, mlp
        >>> params = init_mlp(jax.random.key(0))
        >>> print(mlp(params, jnp.ones((3, 4))).shape)
        (3, 1)
    """
    hidden = jnp.tanh(jnp.asarray(x) @ params["w1"] + params["b1"])
    return hidden @ params["w2"] + params["b2"]


def mlp_forgetting_bias(params: dict[str, Array], x: ArrayLike) -> Array:
    r"""Return :func:`mlp` without its output bias: :math:`\tanh(x W_1 + b_1) W_2`.

    ``params["b2"]`` is accepted and never read, so every loss built on this
    has a gradient with respect to it that is exactly zero.

    Args:
        params: as :func:`init_mlp` returns.
        x: the inputs, shape ``(batch, n_in)``.

    Returns:
        Shape ``(batch, n_out)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import (
        ...     init_mlp, mlp_forgetting_bias, mse_loss)
        >>> params = init_mlp(jax.random.key(0))
        >>> x, y = jnp.ones((3, 4)), jnp.ones((3, 1))
        >>> g = jax.grad(lambda p: mse_loss(mlp_forgetting_bias, p, x, y))(params)
        >>> print(float(jnp.abs(g["b2"]).max()))
        0.0
    """
    hidden = jnp.tanh(jnp.asarray(x) @ params["w1"] + params["b1"])
    return hidden @ params["w2"]


def mse_loss(
    model: Callable[[dict[str, Array], ArrayLike], Array],
    params: dict[str, Array],
    x: ArrayLike,
    y: ArrayLike,
) -> Array:
    r"""Return the mean squared error :math:`\frac1N \sum (\text{model}(x) - y)^2`.

    Args:
        model: :func:`mlp` or :func:`mlp_forgetting_bias`.
        params: the model's parameters.
        x: the inputs, shape ``(batch, n_in)``.
        y: the targets, shape ``(batch, n_out)``.

    Returns:
        A scalar.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.derivative_rules import init_mlp, mlp, mse_loss
        >>> params = init_mlp(jax.random.key(0))
        >>> print(f"{float(mse_loss(mlp, params, jnp.zeros((2, 4)), jnp.ones((2, 1)))):.1f}")
        1.0
    """
    return jnp.mean((model(params, x) - jnp.asarray(y)) ** 2)
