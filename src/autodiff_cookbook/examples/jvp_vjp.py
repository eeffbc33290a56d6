r"""The functions of the page *JVPs, VJPs and jax.linearize*.

For :math:`f: \mathbb{R}^n \to \mathbb{R}^m` with Jacobian :math:`J = \partial f / \partial x`,

- a **JVP** (forward mode) pushes a tangent :math:`v \in \mathbb{R}^n` forward:
  :math:`v \mapsto J v`, at about the cost of one evaluation of :math:`f`;
- a **VJP** (reverse mode) pulls a cotangent :math:`u \in \mathbb{R}^m` back:
  :math:`u \mapsto u^\top J`, also at a small multiple of that cost.

The whole Jacobian is :math:`n` JVPs (one per input basis vector) or :math:`m`
VJPs (one per output basis vector), which is how
:func:`~autodiff_cookbook.examples.jacobians.jacfwd_from_jvp` and
:func:`~autodiff_cookbook.examples.jacobians.jacrev_from_vjp` rebuild
:func:`jax.jacfwd` and :func:`jax.jacrev`. A single VJP with a cotangent of ones
gives the gradient of the sum of the outputs (:func:`sum_gradient_via_vjp`).
The running example is the network
:func:`~autodiff_cookbook.examples.hessians.tanh_mlp`, whose Jacobian is derived
by hand in :func:`tanh_mlp_jacobian`.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from ._arrays import float_array, mlp_arrays

__all__ = ["sum_gradient_via_vjp", "tanh_mlp_jacobian"]


def sum_gradient_via_vjp(f: Callable[[Array], Array], x: ArrayLike) -> Array:
    r"""Return :math:`\mathbf{1}^\top J`, the gradient of the sum of ``f``'s outputs, by one VJP.

    :func:`jax.grad` only accepts scalar outputs. For a vector-valued ``f`` the
    VJP with a cotangent of ones gives :math:`\sum_i \nabla f_i(x)` in a single
    backward pass, without forming the Jacobian. It is what PyTorch computes
    for ``y.backward(torch.ones_like(y))``; called on a non-scalar ``y`` without
    that argument, PyTorch's ``backward()`` raises an error instead.

    Args:
        f: a function of one real array returning one array.
        x: where to evaluate.

    Returns:
        An array shaped like ``x``.

    Raises:
        TypeError: if ``x`` is not a real floating-point array.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.jvp_vjp import sum_gradient_via_vjp
        >>> print(sum_gradient_via_vjp(lambda x: x**2, jnp.array([1.0, 2.0, 3.0])))
        [2. 4. 6.]
    """
    x = float_array(x, "sum_gradient_via_vjp")
    y, pullback = jax.vjp(f, x)
    g: Array
    (g,) = pullback(jnp.ones_like(y))
    return g


def tanh_mlp_jacobian(x: ArrayLike, w1: ArrayLike, w2: ArrayLike) -> Array:
    r"""Return the hand-derived Jacobian :math:`W_2 \operatorname{diag}(1 - \tanh^2(W_1 x)) W_1`.

    Args:
        x: the input, a vector of length :math:`n`.
        w1: the first weight matrix, shape ``(h, n)``.
        w2: the second weight matrix, shape ``(m, h)``.

    Returns:
        The :math:`m \times n` Jacobian of
        :func:`~autodiff_cookbook.examples.hessians.tanh_mlp` with respect to ``x``.

    Raises:
        ValueError: if the shapes do not chain.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.jvp_vjp import tanh_mlp_jacobian
        >>> print(tanh_mlp_jacobian(jnp.zeros(2), jnp.eye(2), 2 * jnp.eye(2)))
        [[2. 0.]
         [0. 2.]]
    """
    x, w1, w2 = mlp_arrays(x, w1, w2)
    slope = 1.0 - jnp.tanh(w1 @ x) ** 2
    return (w2 * slope) @ w1
