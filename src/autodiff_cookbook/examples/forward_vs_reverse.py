r"""The function of the page *Forward vs reverse mode, measured*: a central-difference Jacobian.

The page times :func:`jax.jacfwd`, :func:`jax.jacrev` and finite differences as
the input and output dimensions grow. :func:`jacobian_central_difference` is
the finite-difference method: :math:`2n` evaluations of :math:`f`, so it scales
like forward mode, but it is an approximation.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from ._arrays import basis, columns_to_jacobian, float_array

__all__ = ["jacobian_central_difference"]


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
        >>> from autodiff_cookbook.examples.forward_vs_reverse import jacobian_central_difference
        >>> with jax.enable_x64(True):
        ...     jac = jacobian_central_difference(jnp.sin, jnp.array([0.0, 1.0]))
        >>> print(jnp.round(jac, 6))
        [[1.       0.      ]
         [0.       0.540302]]
    """
    x = float_array(x, "jacobian_central_difference")
    if step is None:
        eps = float(jnp.finfo(x.dtype).eps)  # type: ignore[no-untyped-call]
        scale = jnp.maximum(1.0, jnp.max(jnp.abs(x))) if x.size else 1.0
        h = jnp.asarray(eps ** (1 / 3) * scale, dtype=x.dtype)
    elif step <= 0:
        msg = (
            f"step must be positive, got {step}; omit it to choose one from the dtype."
        )
        raise ValueError(msg)
    else:
        h = jnp.asarray(step, dtype=x.dtype)
    directions = basis(x.size, x.shape, x.dtype)

    def column(e: Array) -> Array:
        return (f(x + h * e) - f(x - h * e)) / (2 * h)

    columns = jax.vmap(column)(directions)  # (n, *out_shape)
    return columns_to_jacobian(columns, x.shape)
