r"""The functions of the page *Eigenvalues, eigenvectors and the SVD near degeneracy*.

For a symmetric :math:`A = V \operatorname{diag}(\lambda) V^\top` with distinct
eigenvalues, first-order perturbation theory gives

.. math::

    d\lambda_i = v_i^\top (dA)\, v_i, \qquad
    dv_i = \sum_{j \ne i} v_j \, \frac{v_j^\top (dA)\, v_i}{\lambda_i - \lambda_j},

so an eigenvector's derivative grows like :math:`1/\text{gap}` and does not exist
at a repeated eigenvalue, while functions that do not depend on the choice of
basis inside an eigenspace stay smooth. This module writes those derivatives out
by hand, to be checked against JAX:

- :func:`eigh_signed` and :func:`eigh_jvp`: the eigendecomposition with a sign
  convention, and its Jacobian-vector product; :func:`top_eigenvector` and
  :func:`top_eigenvector_jvp` for the eigenvector of the largest eigenvalue;
- :func:`broadened_eigh`: ``eigh`` with a custom rule whose
  :math:`1/(\lambda_i - \lambda_j)` is regularised (Lorentzian broadening);
- :func:`eigenspace_projector`, :func:`eigenspace_projector_jvp` and
  :func:`stable_eigenspace_projector`: the projector onto the eigenspace of the
  :math:`k` lowest eigenvalues, whose derivative involves only the gap between
  that eigenspace and the rest;
- :func:`trace_exp`, :func:`trace_exp_grad` and
  :func:`trace_exp_through_eigenvectors`: the spectral function
  :math:`\operatorname{tr} e^A`, computed two ways;
- :func:`top_left_singular_vector` and :func:`top_left_singular_vector_jvp`: the
  same for the SVD, whose vectors' derivatives carry
  :math:`1/(\sigma_i^2 - \sigma_j^2)`; :func:`nuclear_norm` and
  :func:`nuclear_norm_grad`;
- :func:`matrix_with_spectrum` to build test matrices with a chosen spectrum,
  and :func:`clustered_eigenvalues`, a domain of matrices whose lowest
  eigenvalues are (nearly) repeated.
"""

# jax.numpy.linalg's functions are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.typing import ArrayLike

from ..domains import Domain

__all__ = [
    "broadened_eigh",
    "clustered_eigenvalues",
    "eigenspace_projector",
    "eigenspace_projector_jvp",
    "eigh_jvp",
    "eigh_signed",
    "matrix_with_spectrum",
    "nuclear_norm",
    "nuclear_norm_grad",
    "stable_eigenspace_projector",
    "top_eigenvector",
    "top_eigenvector_jvp",
    "top_left_singular_vector",
    "top_left_singular_vector_jvp",
    "trace_exp",
    "trace_exp_grad",
    "trace_exp_through_eigenvectors",
]


def _sym(a: Array) -> Array:
    return (a + a.T) / 2


def _fix_signs(v: Array) -> Array:
    """Flip each column so that its entry of largest magnitude is positive."""
    rows = jnp.argmax(jnp.abs(v), axis=0)
    signs = jnp.sign(v[rows, jnp.arange(v.shape[1])])
    return v * jnp.where(signs == 0, 1, signs)


def _reciprocal_gaps(w: Array) -> Array:
    r"""``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it."""
    n = w.shape[0]
    eye = jnp.eye(n, dtype=bool)
    d = w[None, :] - w[:, None]
    return jnp.where(eye, 0, 1 / jnp.where(eye, 1, d))


# --- Eigenvectors ----------------------------------------------------------------


def eigh_signed(a: ArrayLike) -> tuple[Array, Array]:
    r"""Eigenvalues (ascending) and unit eigenvectors of a symmetric matrix, signs fixed.

    An eigenvector is defined up to its sign; to make it a function, each column
    of ``V`` is flipped so that its entry of largest magnitude is positive. The
    sign is locally constant, so derivatives are those of
    :func:`jax.numpy.linalg.eigh`'s eigenvectors times it.

    Args:
        a: a symmetric matrix (only its symmetric part is used).

    Returns:
        ``(w, V)`` with ``A = V diag(w) V^T``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import eigh_signed
        >>> w, v = eigh_signed(jnp.array([[2.0, 1.0], [1.0, 2.0]]))
        >>> print(w, jnp.round(v[:, 1], 4))
        [1. 3.] [0.7071 0.7071]
    """
    w, v = jnp.linalg.eigh(jnp.asarray(a))
    return w, _fix_signs(v)


def eigh_jvp(a: ArrayLike, da: ArrayLike) -> tuple[Array, Array]:
    r"""The JVP of :func:`eigh_signed`, by first-order perturbation theory.

    With :math:`M = V^\top (dA) V` (for the symmetric part of :math:`dA`):
    :math:`d\lambda_i = M_{ii}` and
    :math:`dV = V (F \circ M)`, :math:`F_{ij} = 1/(\lambda_j - \lambda_i)` off the
    diagonal and 0 on it. Valid for distinct eigenvalues.

    Args:
        a: a symmetric matrix with distinct eigenvalues.
        da: a tangent matrix.

    Returns:
        ``(dw, dV)``, shaped like ``eigh_signed(a)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import eigh_jvp, eigh_signed
        >>> a = jnp.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 5.0]])
        >>> da = jnp.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
        >>> (dw, dv), (dw_jax, dv_jax) = eigh_jvp(a, da), jax.jvp(eigh_signed, (a,), (da,))[1]
        >>> print(bool(jnp.allclose(dw, dw_jax, atol=1e-5)), bool(jnp.allclose(dv, dv_jax, atol=1e-5)))
        True True
    """
    w, v = eigh_signed(a)
    m = v.T @ _sym(jnp.asarray(da)) @ v
    return jnp.diagonal(m), v @ (_reciprocal_gaps(w) * m)


def top_eigenvector(a: ArrayLike) -> Array:
    r"""The unit eigenvector of the largest eigenvalue, its largest entry positive.

    Args:
        a: a symmetric matrix.

    Returns:
        :math:`v_n`, with :math:`A v_n = \lambda_{\max} v_n`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import top_eigenvector
        >>> print(top_eigenvector(jnp.array([[1.0, 0.0], [0.0, -2.0]])))
        [1. 0.]
    """
    return eigh_signed(a)[1][:, -1]


def top_eigenvector_jvp(a: ArrayLike, da: ArrayLike) -> Array:
    r"""The JVP of :func:`top_eigenvector`: :math:`\sum_{j<n} v_j (v_j^\top dA\, v_n)/(\lambda_n - \lambda_j)`.

    Only the gaps between :math:`\lambda_n` and the other eigenvalues appear, so
    it is finite even where other eigenvalues are repeated.

    Args:
        a: a symmetric matrix whose largest eigenvalue is simple.
        da: a tangent matrix (its symmetric part is used).

    Returns:
        :math:`dv_n`, a vector.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import top_eigenvector, top_eigenvector_jvp
        >>> a = jnp.diag(jnp.array([1.0, 1.0, 3.0]))  # a repeated eigenvalue below the top
        >>> da = jnp.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0], [1.0, 2.0, 0.0]])
        >>> print(top_eigenvector_jvp(a, da), jax.jvp(top_eigenvector, (a,), (da,))[1])
        [0.5 1.  0. ] [0.5 1.  0. ]
    """
    w, v = eigh_signed(a)
    top = v[:, -1]
    coefficients = (v.T @ _sym(jnp.asarray(da)) @ top) / (w[-1] - w).at[-1].set(1)
    return v[:, :-1] @ coefficients[:-1]


@jax.custom_jvp
def broadened_eigh(a: Array, broadening: ArrayLike) -> tuple[Array, Array]:
    r"""``eigh`` whose derivative replaces :math:`1/(\lambda_i - \lambda_j)` by a Lorentzian.

    The value is :func:`eigh_signed`'s. The JVP is :func:`eigh_jvp`'s with
    :math:`1/d` replaced by :math:`d/(d^2 + \varepsilon)`, :math:`d = \lambda_j -
    \lambda_i` and :math:`\varepsilon` = ``broadening``: bounded by
    :math:`1/(2\sqrt{\varepsilon})` and 0 for a repeated eigenvalue, so gradients
    stay finite everywhere, at the price of a bias of relative size about
    :math:`\varepsilon/d^2` for well-separated eigenvalues. With
    ``broadening = 0`` it is the exact derivative.

    Args:
        a: a symmetric matrix.
        broadening: :math:`\varepsilon \ge 0`, in the units of the eigenvalues
            squared; a constant (its tangent is ignored), which may be traced.

    Returns:
        ``(w, V)`` as :func:`eigh_signed` returns them.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import broadened_eigh
        >>> def bottom_entry(a, eps):
        ...     return broadened_eigh(a, eps)[1][0, 0]
        >>> a = jnp.diag(jnp.array([1.0, 1.0, 3.0]))  # repeated: the exact rule gives NaN
        >>> print(jax.grad(bottom_entry)(a, 0.0)[0], jax.grad(bottom_entry)(a, 1e-6)[0])
        [nan nan nan] [0. 0. 0.]
    """
    del broadening  # only the derivative uses it
    return eigh_signed(a)


@broadened_eigh.defjvp
def _broadened_eigh_jvp(
    primals: tuple[Array, Array], tangents: tuple[Array, Array]
) -> tuple[tuple[Array, Array], tuple[Array, Array]]:
    (a, broadening), (da, _) = primals, tangents
    w, v = eigh_signed(a)
    m = v.T @ _sym(da) @ v
    d = w[None, :] - w[:, None]
    eye = jnp.eye(w.shape[0], dtype=bool)
    f = jnp.where(eye, 0, d / jnp.where(eye, 1, d**2 + broadening))
    return (w, v), (jnp.diagonal(m), v @ (f * m))


# --- Gauge-invariant quantities -----------------------------------------------------


def eigenspace_projector(a: ArrayLike, k: int) -> Array:
    r"""The orthogonal projector :math:`P = V_k V_k^\top` onto the eigenspace of the ``k`` lowest eigenvalues.

    Computed from :func:`jax.numpy.linalg.eigh`'s eigenvectors, so JAX
    differentiates it through them.

    Args:
        a: a symmetric matrix with :math:`\lambda_k < \lambda_{k+1}`.
        k: how many eigenvalues, from the lowest.

    Returns:
        The :math:`n \times n` projector.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import eigenspace_projector
        >>> print(eigenspace_projector(jnp.diag(jnp.array([2.0, 1.0, 1.0])), 2))
        [[0. 0. 0.]
         [0. 1. 0.]
         [0. 0. 1.]]
    """
    v = jnp.linalg.eigh(jnp.asarray(a))[1][:, :k]
    return v @ v.T


def eigenspace_projector_jvp(a: ArrayLike, da: ArrayLike, k: int) -> Array:
    r"""The JVP of :func:`eigenspace_projector`, with only the gaps across the eigenspace's edge.

    .. math::

        dP = X + X^\top, \qquad
        X = \sum_{i \le k < j} v_j \frac{v_j^\top (dA)\, v_i}{\lambda_i - \lambda_j} v_i^\top .

    The terms with :math:`i, j \le k` cancel in pairs (a rotation inside the
    eigenspace does not change :math:`P`), so no gap inside the eigenspace
    appears: the derivative is bounded by :math:`\|dA\| / (\lambda_{k+1} - \lambda_k)`,
    even when the ``k`` lowest eigenvalues coincide.

    Args:
        a: a symmetric matrix with :math:`\lambda_k < \lambda_{k+1}`.
        da: a tangent matrix (its symmetric part is used).
        k: how many eigenvalues, from the lowest.

    Returns:
        :math:`dP`, a symmetric matrix.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import eigenspace_projector_jvp
        >>> a = jnp.diag(jnp.array([1.0, 1.0, 3.0]))  # the two lowest are repeated
        >>> da = jnp.array([[0.0, 0.0, 2.0], [0.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
        >>> print(eigenspace_projector_jvp(a, da, 2))
        [[ 0.  0. -1.]
         [ 0.  0.  0.]
         [-1.  0.  0.]]
    """
    w, v = jnp.linalg.eigh(jnp.asarray(a))
    inside, outside = v[:, :k], v[:, k:]
    c = outside.T @ _sym(jnp.asarray(da)) @ inside
    x = outside @ (c / (w[None, :k] - w[k:, None])) @ inside.T
    return x + x.T


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def stable_eigenspace_projector(a: Array, k: int) -> Array:
    r""":func:`eigenspace_projector`, differentiated by :func:`eigenspace_projector_jvp`.

    A :class:`jax.custom_jvp`: the same value, and a derivative that stays finite
    and accurate however close (or equal) the ``k`` lowest eigenvalues are.

    Args:
        a: a symmetric matrix with :math:`\lambda_k < \lambda_{k+1}`.
        k: how many eigenvalues, from the lowest.

    Returns:
        The projector.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import eigenspace_projector, stable_eigenspace_projector
        >>> a = jnp.diag(jnp.array([1.0, 1.0, 3.0]))
        >>> b = jnp.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
        >>> print(jax.grad(lambda a: jnp.sum(b * eigenspace_projector(a, 2)))(a)[0])
        [nan nan nan]
        >>> print(jax.grad(lambda a: jnp.sum(b * stable_eigenspace_projector(a, 2)))(a)[0] + 0.0)
        [ 0.  0. -1.]
    """
    return eigenspace_projector(a, k)


@stable_eigenspace_projector.defjvp
def _stable_projector_jvp(
    k: int, primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (a,), (da,) = primals, tangents
    return eigenspace_projector(a, k), eigenspace_projector_jvp(a, da, k)


def trace_exp(a: ArrayLike) -> Array:
    r""":math:`\operatorname{tr} e^A = \sum_i e^{\lambda_i}`, from the eigenvalues alone.

    Args:
        a: a symmetric matrix.

    Returns:
        A scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import trace_exp
        >>> print(f"{float(trace_exp(jnp.zeros((3, 3)))):.1f}")
        3.0
    """
    return jnp.sum(jnp.exp(jnp.linalg.eigvalsh(jnp.asarray(a))))


def trace_exp_grad(a: ArrayLike) -> Array:
    r"""The gradient of :func:`trace_exp`: :math:`V e^{\Lambda} V^\top = e^A`.

    A spectral function :math:`\sum_i f(\lambda_i)` has the gradient
    :math:`V f'(\Lambda) V^\top`, which does not depend on the choice of
    eigenvectors inside an eigenspace: it is smooth at repeated eigenvalues.

    Args:
        a: a symmetric matrix.

    Returns:
        A symmetric matrix shaped like ``a``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import trace_exp, trace_exp_grad
        >>> a = jnp.eye(3)  # every eigenvalue repeated
        >>> print(trace_exp_grad(a)[0], jax.grad(trace_exp)(a)[0])
        [2.7182817 0.        0.       ] [2.7182817 0.        0.       ]
    """
    w, v = jnp.linalg.eigh(jnp.asarray(a))
    return (v * jnp.exp(w)) @ v.T


def trace_exp_through_eigenvectors(a: ArrayLike) -> Array:
    r""":math:`\operatorname{tr}(V e^{\Lambda} V^\top)`: the same value as :func:`trace_exp`, computed through ``V``.

    The function does not depend on the eigenvectors, but its autodiff passes
    through their derivative, and at a repeated eigenvalue that multiplies
    zero by infinity.

    Args:
        a: a symmetric matrix.

    Returns:
        A scalar.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import trace_exp_through_eigenvectors
        >>> print(f"{float(trace_exp_through_eigenvectors(jnp.zeros((3, 3)))):.1f}")
        3.0
        >>> print(jax.grad(trace_exp_through_eigenvectors)(jnp.eye(3))[0])
        [nan nan nan]
    """
    w, v = jnp.linalg.eigh(jnp.asarray(a))
    return jnp.trace((v * jnp.exp(w)) @ v.T)


# --- The SVD -------------------------------------------------------------------------


def top_left_singular_vector(x: ArrayLike) -> Array:
    r"""The left singular vector :math:`u_1` of the largest singular value, its largest entry positive.

    Args:
        x: an :math:`m \times n` matrix, :math:`m \ge n`.

    Returns:
        :math:`u_1`, a unit vector of length :math:`m`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import top_left_singular_vector
        >>> print(top_left_singular_vector(jnp.array([[0.0, 1.0], [-3.0, 0.0], [0.0, 0.0]])))
        [0. 1. 0.]
    """
    u = jnp.linalg.svd(jnp.asarray(x), full_matrices=False)[0]
    return _fix_signs(u)[:, 0]


def top_left_singular_vector_jvp(x: ArrayLike, dx: ArrayLike) -> Array:
    r"""The JVP of :func:`top_left_singular_vector`.

    :math:`u_1` is the top eigenvector of :math:`X X^\top`, whose eigenvalues
    are :math:`\sigma_j^2` (and 0 on the complement of the column space). So

    .. math::

        du_1 = \sum_{j=2}^{n} u_j \frac{\sigma_1\, u_j^\top (dX) v_1 + \sigma_j\, u_1^\top (dX) v_j}
        {\sigma_1^2 - \sigma_j^2}
        + \frac{(I - U U^\top)(dX)\, v_1}{\sigma_1},

    where :math:`U` holds the :math:`n` left singular vectors.

    Args:
        x: an :math:`m \times n` matrix, :math:`m \ge n`, whose largest singular
            value is simple.
        dx: a tangent, shaped like ``x``.

    Returns:
        :math:`du_1`.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import (
        ...     top_left_singular_vector, top_left_singular_vector_jvp)
        >>> x = jnp.array([[3.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> dx = jnp.array([[0.0, 0.0], [4.0, 0.0], [2.0, 0.0]])
        >>> print(top_left_singular_vector_jvp(x, dx), jax.jvp(top_left_singular_vector, (x,), (dx,))[1])
        [0.        1.5       0.6666667] [0.        1.5       0.6666667]
    """
    x, dx = jnp.asarray(x), jnp.asarray(dx)
    u, s, vt = jnp.linalg.svd(x, full_matrices=False)
    u, v = _fix_signs(u), vt.T * jnp.sign(jnp.sum(_fix_signs(u) * u, axis=0))
    u1, v1, s1 = u[:, 0], v[:, 0], s[0]
    numerators = s1 * (u.T @ dx @ v1) + s * (v.T @ dx.T @ u1)
    coefficients = (numerators / (s1**2 - s**2).at[0].set(1)).at[0].set(0)
    outside = dx @ v1 - u @ (u.T @ (dx @ v1))
    return u @ coefficients + outside / s1


def nuclear_norm(x: ArrayLike) -> Array:
    r"""The nuclear norm :math:`\|X\|_* = \sum_i \sigma_i`, from the singular values alone.

    Args:
        x: a matrix.

    Returns:
        A scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import nuclear_norm
        >>> print(nuclear_norm(jnp.array([[3.0, 0.0], [0.0, -4.0]])))
        7.0
    """
    return jnp.sum(jnp.linalg.svd(jnp.asarray(x), compute_uv=False))


def nuclear_norm_grad(x: ArrayLike) -> Array:
    r"""The gradient of :func:`nuclear_norm`, :math:`U V^\top` (thin SVD), for full-rank ``x``.

    Each singular value has the gradient :math:`u_i v_i^\top`; their sum does
    not depend on the choice of singular vectors for a repeated singular value.

    Args:
        x: a full-rank matrix.

    Returns:
        A matrix shaped like ``x``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import nuclear_norm_grad
        >>> print(nuclear_norm_grad(jnp.array([[3.0, 0.0], [0.0, -4.0]])))
        [[ 1.  0.]
         [ 0. -1.]]
    """
    u, _, vt = jnp.linalg.svd(jnp.asarray(x), full_matrices=False)
    return u @ vt


# --- Test matrices ---------------------------------------------------------------------


def matrix_with_spectrum(q: ArrayLike, eigenvalues: ArrayLike) -> Array:
    r"""The symmetric matrix :math:`Q \operatorname{diag}(\lambda) Q^\top`.

    Args:
        q: an orthogonal :math:`n \times n` matrix (e.g. from ``domains.orthogonal(n)``).
        eigenvalues: :math:`n` eigenvalues.

    Returns:
        The matrix, symmetrised so that rounding leaves no asymmetry.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import matrix_with_spectrum
        >>> q = jnp.array([[0.6, -0.8], [0.8, 0.6]])
        >>> print(jnp.round(jnp.linalg.eigvalsh(matrix_with_spectrum(q, jnp.array([1.0, 2.0]))), 5))
        [1. 2.]
    """
    q, lam = jnp.asarray(q), jnp.asarray(eigenvalues)
    return _sym((q * lam) @ q.T)


@dataclasses.dataclass(frozen=True, repr=False)
class _Clustered(Domain):
    """Symmetric matrices whose ``k`` lowest eigenvalues are separated from the others."""

    k: int = 2
    spread: float = 0.0

    @property
    def n(self) -> int:
        return self.shape[0]

    @property
    def name(self) -> str:
        what = "repeated" if self.spread == 0 else f"within {self.spread:g}"
        return f"symmetric {self.n}x{self.n}, {self.k} lowest eigenvalues {what}"

    @property
    def noise_size(self) -> int:
        return self.n * self.n + self.n

    def from_noise(self, z: Any, xp: Any) -> Any:
        n, k = self.n, self.k
        g = z[..., : n * n].reshape((*z.shape[:-1], n, n))
        q, r = xp.linalg.qr(g)
        d = xp.diagonal(r, axis1=-2, axis2=-1)
        q = q * xp.where(d < 0, -1.0, 1.0)[..., None, :]
        u = 1 / (1 + xp.exp(-z[..., n * n :]))  # in (0, 1)
        # k lowest in [0, spread); the others 1 + i + (u - 1/2)/2, gaps >= 1/2.
        lowest = self.spread * u[..., :k]
        others = 1 + xp.arange(n - k) + (u[..., k:] - 0.5) / 2
        lam = xp.concatenate([lowest, others], axis=-1) - (n - 1) / 2
        a = (q * lam[..., None, :]) @ xp.swapaxes(q, -1, -2)
        return (a + xp.swapaxes(a, -1, -2)) / 2

    def holds(self, x: Any, tol: float) -> bool:
        if np.max(np.abs(x - x.T)) > tol * max(1.0, float(np.max(np.abs(x)))):
            return False
        lam = np.linalg.eigvalsh(x)
        return bool(
            lam[self.k] - lam[self.k - 1] > tol * max(1.0, float(np.max(np.abs(lam))))
        )

    def radius(self, xs: Any) -> Any:
        lam = np.linalg.eigvalsh(xs)
        return np.asarray((lam[:, self.k] - lam[:, self.k - 1]) / 2, np.float64)

    def __repr__(self) -> str:
        return f"clustered_eigenvalues({self.n}, {self.k}, spread={self.spread!r})"


def clustered_eigenvalues(n: int, k: int, spread: float = 0.0) -> Domain:
    r"""A domain of symmetric matrices whose ``k`` lowest eigenvalues are (nearly) repeated.

    The set is the symmetric :math:`n \times n` matrices with
    :math:`\lambda_k < \lambda_{k+1}`, where the projector onto the eigenspace
    of the ``k`` lowest eigenvalues is smooth. Samples are drawn at its hardest
    points: :math:`Q \operatorname{diag}(\lambda) Q^\top` with :math:`Q`
    Haar-random, the ``k`` lowest eigenvalues within ``spread`` of each other
    (equal, up to rounding, when ``spread`` is 0) and the others separated from
    them and from each other by at least 1/2.

    Args:
        n: the size.
        k: how many eigenvalues form the cluster, :math:`1 \le k < n`.
        spread: the largest difference inside the cluster, :math:`0 \le` spread
            :math:`\le 1/4`.

    Returns:
        The domain.

    Raises:
        ValueError: for ``k`` outside :math:`[1, n)` or ``spread`` outside :math:`[0, 1/4]`.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.spectral import clustered_eigenvalues
        >>> d = clustered_eigenvalues(4, 2)
        >>> with jax.enable_x64(True):
        ...     lam = jnp.linalg.eigvalsh(d.sample(jax.random.key(0), jnp.float64))
        ...     print(d, bool(lam[1] - lam[0] < 1e-14), bool(lam[2] - lam[1] > 0.5))
        symmetric 4x4, 2 lowest eigenvalues repeated True True
    """
    if not 1 <= k < n:
        msg = f"k must satisfy 1 <= k < n = {n}, got {k}."
        raise ValueError(msg)
    if not 0 <= spread <= 0.25:
        msg = f"spread must lie in [0, 1/4], got {spread}."
        raise ValueError(msg)
    return _Clustered((n, n), k=k, spread=float(spread))
