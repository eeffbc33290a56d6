"""Domains of matrices: symmetric, SPD, invertible, orthogonal, full-rank, distinct eigenvalues.

Most are built from Haar-random orthonormal factors, drawn as the ``Q`` of a QR
decomposition of Gaussian noise, with a spectrum (eigenvalues or singular
values) drawn inside a range that keeps the samples well conditioned.
"""

from __future__ import annotations

import abc
import dataclasses
import math

import numpy as np

from .._types import Float64Array, FloatArray, Xp, XpArray
from ._base import Domain, as_size, sigmoid

__all__: list[str] = []


def _t(a: XpArray, xp: Xp) -> XpArray:
    out: XpArray = xp.swapaxes(a, -1, -2)
    return out


def _orthonormal(z: XpArray, rows: int, cols: int, xp: Xp) -> XpArray:
    """Haar-distributed orthonormal columns from noise: QR, with the signs fixed."""
    q, r = xp.linalg.qr(z.reshape((*z.shape[:-1], rows, cols)))
    d = xp.diagonal(r, axis1=-2, axis2=-1)
    out: XpArray = q * xp.where(d < 0, -1.0, 1.0)[..., None, :]
    return out


def _conjugate(q: XpArray, lam: XpArray, xp: Xp) -> XpArray:
    """``Q diag(lam) Q^T``."""
    return (q * lam[..., None, :]) @ _t(q, xp)


def _is_symmetric(x: Float64Array, tol: float) -> bool:
    return bool(np.max(np.abs(x - x.T)) <= tol * max(1.0, float(np.max(np.abs(x)))))


def _min_gap(values: FloatArray) -> float:
    values = np.sort(values)
    return float(np.min(np.diff(values))) if values.size > 1 else math.inf


@dataclasses.dataclass(frozen=True, repr=False)
class _Square(Domain):
    """A domain of n x n matrices."""

    @property
    def n(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"domains.{self._ctor}({self.n})"

    _ctor = "square"


@dataclasses.dataclass(frozen=True, repr=False)
class _Symmetric(_Square):
    _ctor = "symmetric"

    @property
    def name(self) -> str:
        return f"symmetric {self.n}x{self.n}"

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        g = z.reshape(z.shape[:-1] + self.shape)
        return (g + _t(g, xp)) / 2

    def holds(self, x: Float64Array, tol: float) -> bool:
        return _is_symmetric(x, tol)


@dataclasses.dataclass(frozen=True, repr=False)
class _Spectral(_Square):
    """Symmetric matrices ``Q diag(lam) Q^T``, with a random orthonormal ``Q``.

    Subclasses say how the eigenvalues are drawn from ``n`` numbers of noise and
    which property of the spectrum defines the set.
    """

    @property
    def noise_size(self) -> int:
        return self.n * self.n + self.n

    @abc.abstractmethod
    def _eigenvalues(self, w: XpArray, xp: Xp) -> XpArray:
        """The eigenvalues, from standard normal noise ``w`` of shape ``(..., n)``."""

    @abc.abstractmethod
    def _spectrum_holds(self, lam: FloatArray, tol: float) -> bool:
        """Whether the ascending eigenvalues ``lam`` belong to the set."""

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        n = self.n
        q = _orthonormal(z[..., : n * n], n, n, xp)
        return _conjugate(q, self._eigenvalues(z[..., n * n :], xp), xp)

    def holds(self, x: Float64Array, tol: float) -> bool:
        if not _is_symmetric(x, tol):
            return False
        return self._spectrum_holds(np.linalg.eigvalsh((x + x.T) / 2), tol)


@dataclasses.dataclass(frozen=True, repr=False)
class _SPD(_Spectral):
    _ctor = "spd"

    @property
    def name(self) -> str:
        return f"SPD {self.n}x{self.n}"

    def _eigenvalues(self, w: XpArray, xp: Xp) -> XpArray:
        # 10^sigmoid(w), in (1, 10): condition number below 10.
        return 10.0 ** sigmoid(w, xp)

    def _spectrum_holds(self, lam: FloatArray, tol: float) -> bool:
        return bool(lam[0] > tol * abs(lam[-1]))

    def radius(self, xs: Float64Array) -> Float64Array:
        return np.asarray(np.linalg.eigvalsh(xs)[:, 0], np.float64)


@dataclasses.dataclass(frozen=True, repr=False)
class _Invertible(_Square):
    positive_determinant: bool = False
    _ctor = "invertible"

    @property
    def name(self) -> str:
        det = ", det > 0" if self.positive_determinant else ""
        return f"invertible {self.n}x{self.n}{det}"

    @property
    def noise_size(self) -> int:
        return 2 * self.n * self.n + self.n

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        n = self.n
        u = _orthonormal(z[..., : n * n], n, n, xp)
        v = _orthonormal(z[..., n * n : 2 * n * n], n, n, xp)
        if self.positive_determinant:
            sign = xp.sign(xp.linalg.det(u) * xp.linalg.det(v))
            u = u * xp.concatenate(
                [sign[..., None, None], xp.ones_like(u[..., :1, 1:])], axis=-1
            )
        s = 1 + sigmoid(z[..., 2 * n * n :], xp)
        x = (u * s[..., None, :]) @ _t(v, xp)
        if n < 2:
            return x
        # Some 2x2 draws (and, rarely, larger ones) are nearly symmetric, and on
        # them a missing transpose would go unseen. Add a skew term to those:
        # singular values stay in [3/4, 9/4] and ||X - X^T||_F >= 1/4 always.
        u1, u2 = u[..., :, 0], u[..., :, 1]
        skew = u1[..., :, None] * u2[..., None, :] - u2[..., :, None] * u1[..., None, :]
        asymmetry = xp.sqrt(xp.sum((x - _t(x, xp)) ** 2, axis=(-2, -1)))
        out: XpArray = xp.where((asymmetry < 0.25)[..., None, None], x + 0.25 * skew, x)
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:
        s = np.linalg.svd(x, compute_uv=False)
        if not s[-1] > tol * s[0]:
            return False
        return not (self.positive_determinant and np.linalg.det(x) <= 0)

    def radius(self, xs: Float64Array) -> Float64Array:
        # The smallest singular value, as the square root of the smallest
        # eigenvalue of X^T X: faster than an SVD, and as accurate for samples
        # whose condition number is at most 3.
        gram = np.swapaxes(xs, -1, -2) @ xs
        smallest = np.maximum(np.linalg.eigvalsh(gram)[:, 0], 0.0)
        return np.asarray(np.sqrt(smallest), np.float64)

    def __repr__(self) -> str:
        if self.positive_determinant:
            return f"domains.invertible({self.n}, positive_determinant=True)"
        return f"domains.invertible({self.n})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Orthogonal(_Square):
    _ctor = "orthogonal"

    @property
    def name(self) -> str:
        return f"orthogonal {self.n}x{self.n}"

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        return _orthonormal(z, self.n, self.n, xp)

    def holds(self, x: Float64Array, tol: float) -> bool:
        return bool(np.max(np.abs(x.T @ x - np.eye(self.n))) <= tol)


@dataclasses.dataclass(frozen=True, repr=False)
class _DistinctEigenvalues(_Spectral):
    _ctor = "distinct_eigenvalues"

    @property
    def name(self) -> str:
        return f"symmetric {self.n}x{self.n} with distinct eigenvalues"

    def _eigenvalues(self, w: XpArray, xp: Xp) -> XpArray:
        # i - (n-1)/2 + jitter, |jitter| < 1/4: gaps of at least 1/2, both signs.
        jitter = (sigmoid(w, xp) - 0.5) / 2
        out: XpArray = xp.arange(self.n) - (self.n - 1) / 2 + jitter
        return out

    def _spectrum_holds(self, lam: FloatArray, tol: float) -> bool:
        return _min_gap(lam) > tol * max(1.0, float(np.max(np.abs(lam))))

    def radius(self, xs: Float64Array) -> Float64Array:
        lam = np.linalg.eigvalsh(xs)
        if lam.shape[1] < 2:
            return np.full(xs.shape[0], np.inf)
        return np.asarray(np.min(np.diff(lam, axis=1), axis=1) / 2, np.float64)


@dataclasses.dataclass(frozen=True, repr=False)
class _FullRank(Domain):
    @property
    def name(self) -> str:
        m, n = self.shape
        return f"full-rank {m}x{n}"

    @property
    def noise_size(self) -> int:
        m, n = self.shape
        k = min(m, n)
        return m * k + n * k + k

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        m, n = self.shape
        k = min(m, n)
        u = _orthonormal(z[..., : m * k], m, k, xp)
        v = _orthonormal(z[..., m * k : m * k + n * k], n, k, xp)
        # Singular values 1 + i + w, w in (0, 1/2): gaps of at least 1/2.
        s = 1 + xp.arange(k) + sigmoid(z[..., m * k + n * k :], xp) / 2
        out: XpArray = (u * s[..., None, :]) @ _t(v, xp)
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:
        s = np.linalg.svd(x, compute_uv=False)
        return bool(s[-1] > tol * s[0] and _min_gap(s) > tol * s[0])

    def radius(self, xs: Float64Array) -> Float64Array:
        s = np.linalg.svd(xs, compute_uv=False)
        gaps = -np.diff(s, axis=1) / 2 if s.shape[1] > 1 else s[:, -1:]
        return np.asarray(np.minimum(s[:, -1], np.min(gaps, axis=1)), np.float64)

    def __repr__(self) -> str:
        m, n = self.shape
        return f"domains.full_rank({m}, {n})"


def symmetric(n: int) -> Domain:
    r"""Symmetric :math:`n \times n` matrices :math:`(G + G^\top)/2`, :math:`G` standard normal.

    Args:
        n: the size.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> s = domains.symmetric(3).sample(jax.random.key(0))
        >>> print(bool((s == s.T).all()))
        True
    """
    n = as_size(n, "n")
    return _Symmetric((n, n))


def spd(n: int) -> Domain:
    r"""Well-conditioned symmetric positive definite :math:`n \times n` matrices.

    A sample is :math:`Q \operatorname{diag}(\lambda) Q^\top` with :math:`Q`
    Haar-random orthogonal and eigenvalues :math:`\lambda_i = 10^{\sigma(w_i)}`
    in :math:`(1, 10)`, where :math:`\sigma` is the logistic sigmoid and
    :math:`w_i` standard normal; so its condition number is below 10.

    Args:
        n: the size.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> a = domains.spd(4).sample(jax.random.key(0))
        >>> lam = jnp.linalg.eigvalsh(a)
        >>> print(bool(lam.min() >= 0.99), bool(lam.max() <= 10.01))
        True True
    """
    n = as_size(n, "n")
    return _SPD((n, n))


def invertible(n: int, *, positive_determinant: bool = False) -> Domain:
    r"""Non-symmetric invertible :math:`n \times n` matrices with a bounded condition number.

    A sample is :math:`U \operatorname{diag}(s) V^\top` with independent
    Haar-random orthogonal :math:`U, V` and singular values
    :math:`s_i = 1 + \sigma(w_i)` in :math:`(1, 2)` (:math:`\sigma` the logistic
    sigmoid, :math:`w_i` standard normal).
    A draw that comes out nearly symmetric (:math:`\|X - X^\top\|_F < 1/4`, which
    happens for some :math:`2 \times 2` draws) gets the skew term
    :math:`\tfrac14 (u_1 u_2^\top - u_2 u_1^\top)` added. So every sample (for
    :math:`n \ge 2`) has singular values in :math:`[3/4, 9/4]`, a condition
    number of at most 3, and :math:`\|X - X^\top\|_F \ge 1/4`: a formula with a
    missing or extra transpose fails on it. Samples are, almost surely, not
    normal matrices either (:math:`X^\top X \ne X X^\top`).

    Args:
        n: the size.
        positive_determinant: draw only matrices with :math:`\det X > 0`, the
            domain of :math:`\log \det X`.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> d = domains.invertible(3, positive_determinant=True)
        >>> x = d.sample(jax.random.key(0))
        >>> print(d.name)
        invertible 3x3, det > 0
        >>> print(bool(jnp.linalg.det(x) > 0), bool(jnp.abs(x - x.T).max() > 0.01))
        True True
    """
    n = as_size(n, "n")
    return _Invertible((n, n), positive_determinant=bool(positive_determinant))


def orthogonal(n: int) -> Domain:
    r"""Haar-random orthogonal :math:`n \times n` matrices, :math:`Q^\top Q = I`.

    Drawn as the :math:`Q` factor of a Gaussian matrix, with the signs of its
    columns fixed so that :math:`R` has a positive diagonal (without the fix the
    distribution is not uniform).

    Args:
        n: the size.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> q = domains.orthogonal(3).sample(jax.random.key(0))
        >>> print(bool(jnp.abs(q.T @ q - jnp.eye(3)).max() < 1e-5))
        True
    """
    n = as_size(n, "n")
    return _Orthogonal((n, n))


def full_rank(m: int, n: int) -> Domain:
    r"""Full-rank :math:`m \times n` matrices with well-separated singular values.

    A sample is :math:`U \operatorname{diag}(s) V^\top` with Haar-random
    orthonormal columns :math:`U, V` and singular values
    :math:`s_i = 1 + i + \sigma(w_i)/2` (:math:`\sigma` the logistic sigmoid,
    :math:`w_i` standard normal): distinct,
    with gaps of at least 1/2, as derivatives of the SVD need.

    Args:
        m: the number of rows.
        n: the number of columns.

    Returns:
        The domain.

    Raises:
        ValueError: if ``m`` or ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> a = domains.full_rank(4, 2).sample(jax.random.key(0))
        >>> s = jnp.linalg.svd(a, compute_uv=False)
        >>> print(a.shape, bool(s[0] - s[1] >= 0.49))
        (4, 2) True
    """
    return _FullRank((as_size(m, "m"), as_size(n, "n")))


def distinct_eigenvalues(n: int) -> Domain:
    r"""Symmetric :math:`n \times n` matrices with well-separated eigenvalues.

    A sample is :math:`Q \operatorname{diag}(\lambda) Q^\top` with :math:`Q`
    Haar-random orthogonal and :math:`\lambda_i = i - (n-1)/2 + w_i`,
    :math:`w_i = (\sigma(z_i) - 1/2)/2 \in (-1/4, 1/4)`, :math:`\sigma` the
    logistic sigmoid and :math:`z_i` standard normal: eigenvalues of both signs with
    gaps of at least 1/2, as derivatives of eigenvectors need.

    Args:
        n: the size.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> a = domains.distinct_eigenvalues(3).sample(jax.random.key(0))
        >>> lam = jnp.linalg.eigvalsh(a)
        >>> print(bool(jnp.diff(lam).min() >= 0.49))
        True
    """
    n = as_size(n, "n")
    return _DistinctEigenvalues((n, n))


# -- pytrees of domains ------------------------------------------------------
