r"""The functions of the page *Complex numbers*: Wirtinger derivatives and JAX's convention.

Write :math:`z = x + iy` and view :math:`f: \mathbb{C} \to \mathbb{C}` as a map
of two real variables. Its derivative is a real-linear map, and every such map
can be written with the two *Wirtinger derivatives*

.. math::

    \frac{\partial f}{\partial z} = \frac12\Bigl(\frac{\partial f}{\partial x}
    - i\,\frac{\partial f}{\partial y}\Bigr), \qquad
    \frac{\partial f}{\partial \bar z} = \frac12\Bigl(\frac{\partial f}{\partial x}
    + i\,\frac{\partial f}{\partial y}\Bigr),

as :math:`\dot z \mapsto \frac{\partial f}{\partial z} \dot z
+ \frac{\partial f}{\partial \bar z} \bar{\dot z}`. That is what
:func:`jax.jvp` computes. :math:`f` is holomorphic exactly when
:math:`\partial f / \partial \bar z = 0`, and then :math:`\partial f / \partial z = f'`.

:func:`jax.vjp` pulls a cotangent :math:`c` back to
:math:`\frac{\partial f}{\partial z} c + \overline{\frac{\partial f}{\partial \bar z} c}`,
and :func:`jax.grad` (with ``holomorphic=True`` for complex outputs) uses
:math:`c = 1`. This module computes both Wirtinger derivatives and predicts what
JAX returns, so the page *Complex numbers* can verify the convention.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = ["predicted_vjp", "real_jacobian", "wirtinger_derivatives"]


def _complex_scalar(z: ArrayLike, what: str) -> Array:
    z = jnp.asarray(z)
    if z.shape != () or not jnp.iscomplexobj(z):
        msg = (
            f"{what} needs one complex number, got dtype {z.dtype} and shape {z.shape}; "
            "pass e.g. jnp.complex64(1 + 2j)."
        )
        raise TypeError(msg)
    return z


def wirtinger_derivatives(
    f: Callable[[Array], Array], z: ArrayLike
) -> tuple[Array, Array]:
    r"""Return :math:`(\partial f / \partial z,\ \partial f / \partial \bar z)` at ``z`` from two JVPs.

    The JVP along :math:`\dot z` is :math:`A \dot z + B \bar{\dot z}` with
    :math:`A = \partial f / \partial z`, :math:`B = \partial f / \partial \bar z`.
    Along :math:`1` it is :math:`A + B`, along :math:`i` it is :math:`i(A - B)`,
    so :math:`A = \frac12(j_1 - i\, j_i)` and :math:`B = \frac12(j_1 + i\, j_i)`.

    Args:
        f: a function from one complex number to one complex (or real) number.
        z: the point, a complex scalar.

    Returns:
        The pair :math:`(\partial f / \partial z, \partial f / \partial \bar z)`,
        complex scalars.

    Raises:
        TypeError: if ``z`` is not a complex scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.complex import wirtinger_derivatives
        >>> a, b = wirtinger_derivatives(lambda z: z * jnp.conj(z), jnp.complex64(3 + 4j))
        >>> print(complex(a), complex(b))
        (3-4j) (3+4j)
    """
    z = _complex_scalar(z, "wirtinger_derivatives")

    def jvp(direction: complex) -> Array:
        out: Array = jax.jvp(f, (z,), (jnp.asarray(direction, z.dtype),))[1]
        return out.astype(z.dtype)

    along_one, along_i = jvp(1.0), jvp(1j)
    return (along_one - 1j * along_i) / 2, (along_one + 1j * along_i) / 2


def predicted_vjp(
    df_dz: ArrayLike, df_dzbar: ArrayLike, cotangent: ArrayLike = 1.0
) -> Array:
    r"""Predict JAX's VJP of a complex function from its Wirtinger derivatives.

    JAX transposes the real-linear JVP map :math:`\dot z \mapsto A \dot z + B \bar{\dot z}`
    with respect to the real pairing :math:`\langle u, w \rangle = \operatorname{Re}(u w)`,
    which gives :math:`c \mapsto A c + \overline{B c}`. With :math:`c = 1` this is
    what :func:`jax.grad` returns: :math:`f'(z)` for a holomorphic :math:`f`
    (:math:`B = 0`), and :math:`2\, \partial f / \partial z = \partial f / \partial x
    - i\, \partial f / \partial y` for a real-valued :math:`f` (:math:`B = \bar A`),
    the *conjugate* of the direction of steepest ascent.

    Args:
        df_dz: :math:`A = \partial f / \partial z`.
        df_dzbar: :math:`B = \partial f / \partial \bar z`.
        cotangent: :math:`c`.

    Returns:
        :math:`A c + \overline{B c}`.

    Examples:
        >>> from autodiff_cookbook.examples.complex import predicted_vjp
        >>> print(complex(predicted_vjp(3 - 4j, 3 + 4j)))  # f = |z|^2 at 3 + 4i
        (6-8j)
    """
    a, b, c = jnp.asarray(df_dz), jnp.asarray(df_dzbar), jnp.asarray(cotangent)
    return a * c + jnp.conj(b * c)


def real_jacobian(f: Callable[[Array], Array], z: ArrayLike) -> Array:
    r"""Return the :math:`2 \times 2` real Jacobian of ``f`` seen as a map of :math:`(x, y)`.

    Computes :math:`(x, y) \mapsto (\operatorname{Re} f(x + iy), \operatorname{Im} f(x + iy))`
    and differentiates it with :func:`jax.jacfwd` using only real arithmetic, so it
    checks complex differentiation independently of JAX's complex convention.

    Args:
        f: a function from one complex number to one complex (or real) number.
        z: the point, a complex scalar.

    Returns:
        The matrix :math:`\begin{pmatrix} u_x & u_y \\ v_x & v_y \end{pmatrix}` for
        :math:`f = u + iv`.

    Raises:
        TypeError: if ``z`` is not a complex scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.complex import real_jacobian
        >>> print(real_jacobian(lambda z: z**2, jnp.complex64(1 + 2j)))
        [[ 2. -4.]
         [ 4.  2.]]
    """
    z = _complex_scalar(z, "real_jacobian")

    def as_real(xy: Array) -> Array:
        out = f(jax.lax.complex(xy[0], xy[1]))
        return jnp.stack([jnp.real(out), jnp.imag(out)])

    jacobian: Array = jax.jacfwd(as_real)(jnp.stack([jnp.real(z), jnp.imag(z)]))
    return jacobian
