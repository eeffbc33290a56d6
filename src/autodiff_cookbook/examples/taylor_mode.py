r"""The functions of the page *Higher derivatives and Taylor mode*.

Push a curve :math:`x(t) = x + t v` through :math:`f`. The :math:`k`-th
derivative of :math:`f(x + t v)` at :math:`t = 0`, the :math:`k`-th directional
derivative :math:`D_v^k f(x)`, is :math:`k!` times the :math:`k`-th Taylor
coefficient of :math:`t \mapsto f(x + t v)`. Two ways to compute it:

- :func:`nested_jvp_derivative` nests :func:`jax.jvp` :math:`k` times. Each level
  differentiates the whole program of the level below, primal and tangent
  parts, so the traced program grows geometrically with :math:`k`.
- :func:`jet_derivatives` propagates the truncated Taylor series through
  :func:`jax.experimental.jet.jet` (Taylor mode), with rules that cost
  :math:`O(k^2)` per primitive; one call returns every order up to :math:`k`,
  and :func:`jet_derivative` picks one.

``jet`` works in the *derivative* convention: its input and output series hold
:math:`k!` times the Taylor coefficients (:func:`to_taylor_coefficients` divides
them out). :func:`ode_derivatives` applies it to an ordinary differential
equation :math:`x' = F(x)`: the derivatives of :math:`x(t)` at :math:`t = 0`,
one order per call of ``jet`` on :math:`F`. :func:`quadratic_field` and
:func:`blowup_derivatives` are the example with a closed form,
:math:`x' = x^2`, :math:`x(t) = x_0 / (1 - x_0 t)`, whose :math:`k`-th
derivative at 0 is :math:`k!\, x_0^{k+1}`. :func:`sin_of_exp` is the test
function of the page, and :func:`jaxpr_size` counts the equations of a traced
program, a cost measure that does not depend on the machine.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.experimental.jet import jet
from jax.extend.core import ClosedJaxpr, Jaxpr
from jax.scipy.special import gammaln
from jax.typing import ArrayLike

__all__ = [
    "blowup_derivatives",
    "jaxpr_size",
    "jet_derivative",
    "jet_derivatives",
    "nested_jvp_derivative",
    "ode_derivatives",
    "quadratic_field",
    "sin_of_exp",
    "to_taylor_coefficients",
]


def _check_order(order: int, least: int = 1) -> None:
    if order < least:
        msg = f"order must be an integer of at least {least}, got {order!r}."
        raise ValueError(msg)


def sin_of_exp(x: ArrayLike) -> Array:
    r"""The page's test function, :math:`f(x) = \sum_i \sin(e^{x_i})`.

    Args:
        x: a real array.

    Returns:
        The scalar :math:`\sum_i \sin(e^{x_i})`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import sin_of_exp
        >>> print(f"{float(sin_of_exp(jnp.zeros(2))):.6f}")  # 2 sin(1)
        1.682942
    """
    return jnp.sum(jnp.sin(jnp.exp(x)))


def nested_jvp_derivative(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike, order: int
) -> Array:
    r"""The ``order``-th directional derivative :math:`D_v^k f(x)` by nesting :func:`jax.jvp`.

    :math:`g_0 = f` and :math:`g_{j+1}(y) = \partial g_j(y)\, v`, the tangent
    output of ``jax.jvp(g_j, (y,), (v,))``; the result is :math:`g_k(x)`.
    Every level traces the whole level below it, primal and tangent, so the
    traced program grows geometrically with ``order``.

    Args:
        f: a differentiable function of one array.
        x: the point.
        v: the direction, shaped like ``x``.
        order: :math:`k \ge 1`.

    Returns:
        :math:`\frac{d^k}{dt^k} f(x + t v)` at :math:`t = 0`, shaped like ``f(x)``.

    Raises:
        ValueError: if ``order`` is not an integer of at least 1.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import nested_jvp_derivative
        >>> d3 = nested_jvp_derivative(jnp.exp, jnp.array(0.5), jnp.array(2.0), 3)
        >>> print(f"{float(d3):.4f} = 2**3 e**0.5 = {8 * float(jnp.exp(0.5)):.4f}")
        13.1898 = 2**3 e**0.5 = 13.1898
    """
    _check_order(order)
    x, v = jnp.asarray(x), jnp.asarray(v)

    def derivative(g: Callable[[Array], Array]) -> Callable[[Array], Array]:
        def dg(y: Array) -> Array:
            tangent: Array = jax.jvp(g, (y,), (v,))[1]
            return tangent

        return dg

    g = f
    for _ in range(order):
        g = derivative(g)
    return g(x)


def jet_derivatives(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike, order: int
) -> Array:
    r"""Every directional derivative :math:`D_v^j f(x)`, :math:`j = 0, \dots, k`, by Taylor mode.

    Calls :func:`jax.experimental.jet.jet` with the primal ``x`` and the series
    :math:`(v, 0, \dots, 0)` (``order`` terms): in ``jet``'s derivative
    convention that is the curve :math:`x + t v`, and the output series holds
    the derivatives of :math:`f(x + t v)` at :math:`t = 0`.

    Args:
        f: a function of one array built from primitives ``jet`` has rules for
            (elementwise functions, arithmetic, ``dot``, reductions, ...).
        x: the point.
        v: the direction, shaped like ``x``.
        order: :math:`k \ge 1`.

    Returns:
        An array of shape ``(order + 1, *f(x).shape)`` whose entry ``j`` is
        :math:`D_v^j f(x)`; entry 0 is :math:`f(x)`.

    Raises:
        ValueError: if ``order`` is not an integer of at least 1.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import jet_derivatives
        >>> d = jet_derivatives(jnp.exp, jnp.array(0.5), jnp.array(2.0), 3)
        >>> print(" ".join(f"{float(dj / jnp.exp(0.5)):.4f}" for dj in d))  # 2**j
        1.0000 2.0000 4.0000 8.0000
    """
    _check_order(order)
    x, v = jnp.asarray(x), jnp.asarray(v)
    series = (v, *(jnp.zeros_like(v) for _ in range(order - 1)))
    primal_out, series_out = jet(f, (x,), (series,))  # type: ignore[no-untyped-call]
    return jnp.stack([primal_out, *series_out])


def jet_derivative(
    f: Callable[[Array], Array], x: ArrayLike, v: ArrayLike, order: int
) -> Array:
    r"""The ``order``-th directional derivative :math:`D_v^k f(x)` by Taylor mode.

    The last entry of :func:`jet_derivatives`; same arguments, same errors.

    Returns:
        :math:`\frac{d^k}{dt^k} f(x + t v)` at :math:`t = 0`, shaped like ``f(x)``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import (
        ...     jet_derivative, nested_jvp_derivative, sin_of_exp)
        >>> x, v = jnp.array([0.1, -0.4]), jnp.array([1.0, 0.5])
        >>> a = jet_derivative(sin_of_exp, x, v, 4)
        >>> b = nested_jvp_derivative(sin_of_exp, x, v, 4)
        >>> print(f"{float(a):.3f} {float(b):.3f}")
        -9.617 -9.617
    """
    return jet_derivatives(f, x, v, order)[order]


def to_taylor_coefficients(derivatives: ArrayLike) -> Array:
    r"""Divide entry :math:`j` of a stack of derivatives by :math:`j!`.

    Turns ``jet``'s derivative convention, :math:`x^{(j)}(0)`, into Taylor
    coefficients :math:`x_j = x^{(j)}(0) / j!` of
    :math:`x(t) = \sum_j x_j t^j`.

    Args:
        derivatives: an array whose leading axis is the order :math:`j = 0, 1, \dots`.

    Returns:
        The Taylor coefficients, same shape and dtype.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import to_taylor_coefficients
        >>> print(to_taylor_coefficients(jnp.array([1.0, 1.0, 2.0, 6.0, 24.0])))
        [1. 1. 1. 1. 1.]
    """
    d = jnp.asarray(derivatives)
    j = jnp.arange(d.shape[0], dtype=d.dtype)
    factorial = jnp.round(jnp.exp(gammaln(j + 1)))
    return d / factorial.reshape((-1,) + (1,) * (d.ndim - 1))


def ode_derivatives(
    field: Callable[[Array], Array], x0: ArrayLike, order: int
) -> Array:
    r"""The derivatives at :math:`t = 0` of the solution of :math:`x' = F(x)`, :math:`x(0) = x_0`.

    The Taylor-mode recursion (Bettencourt, Johnson and Duvenaud, 2019):
    :math:`x' = F(x)` means :math:`x^{(j+1)} = \frac{d^j}{dt^j} F(x(t))`, and
    the :math:`j`-th derivative of :math:`F(x(t))` depends only on
    :math:`x^{(1)}, \dots, x^{(j)}`. So, starting from :math:`x^{(1)} = F(x_0)`,
    each call of ``jet(F, (x0,), ((x', ..., x^(j)),))`` returns the next
    derivative as the last term of its output series: ``order`` calls of
    ``jet``, of growing length.

    Args:
        field: the vector field :math:`F`, a function of one array returning an
            array of the same shape, built from primitives ``jet`` has rules for.
        x0: the initial value.
        order: the highest derivative, :math:`k \ge 1`.

    Returns:
        An array of shape ``(order + 1, *x0.shape)`` whose entry ``j`` is
        :math:`x^{(j)}(0)`; entry 0 is :math:`x_0`.

    Raises:
        ValueError: if ``order`` is not an integer of at least 1.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import ode_derivatives
        >>> d = ode_derivatives(lambda x: -x, jnp.array(2.0), 4)  # x(t) = 2 exp(-t)
        >>> print(d)
        [ 2. -2.  2. -2.  2.]
    """
    _check_order(order)
    x0 = jnp.asarray(x0)
    derivatives = [x0, field(x0)]
    for _ in range(1, order):
        _, series_out = jet(field, (x0,), (tuple(derivatives[1:]),))  # type: ignore[no-untyped-call]
        derivatives.append(series_out[-1])
    return jnp.stack(derivatives)


def quadratic_field(x: ArrayLike) -> Array:
    r"""The vector field :math:`F(x) = x^2`, elementwise.

    Its solution from :math:`x_0` is :math:`x(t) = x_0 / (1 - x_0 t)`, which
    blows up at :math:`t = 1/x_0`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import quadratic_field
        >>> print(quadratic_field(jnp.array([2.0, -3.0])))
        [4. 9.]
    """
    x = jnp.asarray(x)
    return x * x


def blowup_derivatives(x0: ArrayLike, order: int) -> Array:
    r"""The closed form :math:`x^{(j)}(0) = j!\, x_0^{j+1}` for :math:`x' = x^2`, :math:`j \le k`.

    The Taylor coefficients of :math:`x_0 / (1 - x_0 t) = \sum_j x_0^{j+1} t^j`
    times :math:`j!`, computed in ``x0``'s dtype (so they overflow where that
    dtype does).

    Args:
        x0: the initial value (an array of any shape).
        order: the highest derivative, :math:`k \ge 0`.

    Returns:
        An array of shape ``(order + 1, *x0.shape)``.

    Raises:
        ValueError: if ``order`` is not an integer of at least 0.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import blowup_derivatives
        >>> print(blowup_derivatives(jnp.array(2.0), 4))  # j! 2**(j+1)
        [  2.   4.  16.  96. 768.]
    """
    _check_order(order, least=0)
    x0 = jnp.asarray(x0)
    if not jnp.issubdtype(x0.dtype, jnp.floating):
        x0 = x0.astype(jnp.result_type(float))
    j = jnp.arange(order + 1, dtype=x0.dtype).reshape((-1,) + (1,) * x0.ndim)
    return jnp.round(jnp.exp(gammaln(j + 1))) * x0 ** (j + 1)


def _eqns(jaxpr: Jaxpr) -> int:
    total = 0
    for eqn in jaxpr.eqns:
        total += 1
        for param in eqn.params.values():
            for sub in param if isinstance(param, (tuple, list)) else (param,):
                if isinstance(sub, ClosedJaxpr):
                    total += _eqns(sub.jaxpr)
                elif isinstance(sub, Jaxpr):
                    total += _eqns(sub)
    return total


def jaxpr_size(f: Callable[..., object], *args: ArrayLike) -> int:
    r"""The number of equations in the jaxpr of ``f(*args)``, nested jaxprs included.

    A cost measure that does not depend on the machine: the size of the program
    JAX traces, before XLA optimises it.

    Args:
        f: the function to trace with :func:`jax.make_jaxpr`.
        *args: example arguments.

    Returns:
        The number of equations, those inside sub-jaxprs (of ``jit``, ``cond``,
        ``scan``, ...) included, each equation that calls one counting once.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.taylor_mode import jaxpr_size
        >>> print(jaxpr_size(lambda x: jnp.sin(x) * 2.0, jnp.ones(3)))
        2
    """
    closed = jax.make_jaxpr(f)(*args)
    return _eqns(closed.jaxpr)
