"""The functions of the page *Gradients with jax.grad*: scalar and vector examples.

Each one is small enough to differentiate by hand, so the page can put the
hand-derived derivative next to the one :func:`jax.grad` computes.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = [
    "RELU_CHAIN_INPUT",
    "double",
    "quadratic",
    "quadratic_derivative",
    "relu",
    "relu_chain",
]

#: The fixed input signal that :func:`relu_chain` scales by its weights.
RELU_CHAIN_INPUT: tuple[float, ...] = (100.0, 50.0, 30.0, 20.0, 20.0)


def double(x: ArrayLike) -> Array:
    r"""Return :math:`f(x) = 2x`, whose derivative is the constant 2.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.gradients import double
        >>> print(f"{float(jax.grad(double)(100.0)):.1f}")
        2.0
    """
    return 2 * jnp.asarray(x)


def quadratic(x: ArrayLike) -> Array:
    r"""Return :math:`f(x) = x^2 + 5x`.

    Its derivative is :math:`f'(x) = 2x + 5`, see :func:`quadratic_derivative`.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.gradients import quadratic
        >>> print(f"{float(quadratic(2.0)):.1f}")
        14.0
        >>> print(f"{float(jax.grad(quadratic)(100.0)):.1f}")
        205.0
    """
    x = jnp.asarray(x)
    return x**2 + 5 * x


def quadratic_derivative(x: ArrayLike) -> Array:
    r"""Return the hand-derived derivative :math:`f'(x) = 2x + 5` of :func:`quadratic`.

    Examples:
        >>> from autodiff_cookbook.examples.gradients import quadratic_derivative
        >>> print(f"{float(quadratic_derivative(6.0)):.1f}")
        17.0
    """
    return 2 * jnp.asarray(x) + 5


def relu(x: ArrayLike) -> Array:
    r"""Return the rectified linear unit :math:`\max(x, 0)`, elementwise.

    At the kink :math:`x = 0` JAX uses the derivative 0, the same convention
    as :func:`jax.nn.relu`.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gradients import relu
        >>> print(relu(jnp.array([-2.0, 0.0, 3.0])))
        [0. 0. 3.]
        >>> print(jax.grad(lambda x: relu(x).sum())(jnp.array([-2.0, 0.0, 3.0])))
        [0. 0. 1.]
    """
    x = jnp.asarray(x)
    return jnp.where(x > 0, x, jnp.zeros_like(x))


def relu_chain(w: ArrayLike, x: ArrayLike | None = None, steps: int = 3) -> Array:
    r"""Scale a signal by ``w`` and rectify it ``steps`` times, then sum ``x * w``.

    With :math:`x^{(0)} = x` and :math:`x^{(k+1)} = \operatorname{relu}(x^{(k)} \odot w)`,
    the function is :math:`f(w) = \sum_i x^{(\text{steps})}_i w_i`. Where
    :math:`w_i > 0` every ReLU is the identity, so :math:`f_i = x_i w_i^{4}` and
    :math:`\partial f / \partial w_i = 4 x_i w_i^{3}`; where :math:`w_i \le 0` the
    first ReLU already returns 0 and the derivative is 0.

    Args:
        w: the weights, one per component of the signal.
        x: the signal; :data:`RELU_CHAIN_INPUT` when omitted.
        steps: how many scale-and-rectify steps come before the final product.

    Returns:
        A scalar array.

    Raises:
        ValueError: if ``w`` and ``x`` do not have the same shape, or ``steps`` < 0.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gradients import relu_chain
        >>> g = jax.grad(relu_chain)(jnp.array([-1.0, 1.0, 0.0, -0.5, 0.6]))
        >>> print(", ".join(f"{v:.2f}" for v in g.tolist()))
        0.00, 200.00, 0.00, 0.00, 17.28
    """
    w = jnp.asarray(w)
    signal = jnp.asarray(RELU_CHAIN_INPUT if x is None else x, dtype=w.dtype)
    if signal.shape != w.shape:
        msg = (
            f"relu_chain needs one weight per signal component: w has shape {w.shape} "
            f"but the signal has shape {signal.shape}; pass w of shape {signal.shape}."
        )
        raise ValueError(msg)
    if steps < 0:
        msg = f"steps must be 0 or more, got {steps}."
        raise ValueError(msg)
    for _ in range(steps):
        signal = relu(signal * w)
    return (signal * w).sum()
