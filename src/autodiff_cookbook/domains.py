r"""Random inputs drawn from where a formula is valid.

A hand-derived gradient is usually valid on a set, not everywhere:
:math:`\nabla(-\log\det X) = -X^{-\top}` needs :math:`\det X > 0`, a formula for
:math:`\nabla \log x` needs :math:`x > 0`, a derivative of an eigenvector needs
distinct eigenvalues. A *domain* draws random points of such a set, far enough
from its boundary that rounding cannot push them out, and general enough to
expose mistakes: :func:`invertible` matrices are never symmetric, so a missing
transpose shows.

Every domain has ``.sample(key, dtype)`` (one draw, traceable, so it can run
under :func:`jax.vmap` and :func:`jax.jit`), a readable ``.name``, a ``.shape``
and ``.contains(x)``, which tells whether an array lies in the set. A pytree of
domains (a dict or list of them, say one per weight of a model) is accepted
wherever a domain is; :func:`sample`, :func:`describe` and :func:`contains` work
on both.

Examples:
    >>> import jax
    >>> from autodiff_cookbook import domains
    >>> d = domains.spd(3)
    >>> print(d.name, d.shape)
    SPD 3x3 (3, 3)
    >>> x = d.sample(jax.random.key(0))
    >>> print(x.dtype, d.contains(x))
    float32 True
"""

from __future__ import annotations

import abc
import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.typing import ArrayLike

from ._util import KeyLike, as_key, float_dtype

__all__ = [
    "Domain",
    "contains",
    "describe",
    "distinct_eigenvalues",
    "full_rank",
    "invertible",
    "orthogonal",
    "positive",
    "real",
    "sample",
    "simplex",
    "spd",
    "sphere",
    "symmetric",
]


def _shape_str(shape: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in shape) if shape else "scalar"


@dataclasses.dataclass(frozen=True, repr=False)
class Domain(abc.ABC):
    """A set of arrays of one shape, with a sampler for random points of it.

    Build domains with the constructors of this module (:func:`real`,
    :func:`spd`, ...). A domain turns standard normal noise into a sample: to
    add your own, subclass it and implement ``name``, ``noise_size`` (how many
    standard normal numbers one draw needs), ``_from_noise`` (the transform,
    written once for both NumPy and :mod:`jax.numpy`, batched over leading axes)
    and ``_holds`` (the defining property, tested with NumPy in float64).

    Attributes:
        shape: the shape of every sample.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> d = domains.orthogonal(2)
        >>> q = d.sample(jax.random.key(1))
        >>> print(d, d.contains(q), d.contains(2 * q))
        orthogonal 2x2 True False
    """

    shape: tuple[int, ...]

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A readable name such as ``"SPD 4x4"``."""

    @property
    def noise_size(self) -> int:
        """How many standard normal numbers one sample is made from."""
        return math.prod(self.shape)

    @abc.abstractmethod
    def _from_noise(self, z: Any, xp: Any) -> Any:
        """Turn noise of shape ``(..., noise_size)`` into samples of shape ``(...) + shape``.

        ``xp`` is :mod:`numpy` or :mod:`jax.numpy`.
        """

    @abc.abstractmethod
    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        """Whether the float64 array ``x`` (of the right shape and finite) is in the set."""

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """For samples stacked along a first axis, how far each may move and stay inside.

        A lower bound on the distance to the set's boundary, up to a modest
        factor (the smallest entry of a positive vector, the smallest eigenvalue
        of an SPD matrix, ...), or ``inf`` for unbounded sets. Finite-difference
        steps are scaled by it, so they do not leave the set.
        """
        return np.full(xs.shape[0], np.inf)

    def sample(self, key: KeyLike, dtype: Any = None) -> Array:
        """Draw one random point of the domain.

        The draw is traceable: it can run under :func:`jax.jit` and
        :func:`jax.vmap` (vmap it over split keys for a batch).

        Args:
            key: a JAX PRNG key (or an integer seed).
            dtype: a real floating-point dtype; JAX's default float when omitted
                (float32, or float64 inside ``jax.enable_x64(True)``).

        Returns:
            An array of shape :attr:`shape` and the requested dtype.

        Raises:
            TypeError: for an integer, boolean or complex dtype, or a bad key.
            ValueError: for float64 while JAX's 64-bit mode is off.

        Examples:
            >>> import jax
            >>> import jax.numpy as jnp
            >>> from autodiff_cookbook import domains
            >>> with jax.enable_x64(True):
            ...     x = domains.simplex(4).sample(jax.random.key(0), jnp.float64)
            ...     print(x.dtype, f"{float(x.sum()):.6f}")
            float64 1.000000
        """
        dt = float_dtype(dtype)
        z = jax.random.normal(as_key(key), (self.noise_size,), dt)
        return jnp.asarray(self._from_noise(z, jnp), dtype=dt)

    def sample_numpy(
        self, rng: Any, count: int, dtype: Any = np.float64
    ) -> np.ndarray[Any, Any]:
        """Draw ``count`` samples at once with NumPy, stacked along a first axis.

        The checkers draw their inputs this way: in float64 on the host, then
        rounded to ``dtype``, so no random-number generator has to be compiled.

        Args:
            rng: a :class:`numpy.random.Generator`.
            count: the number of samples.
            dtype: the dtype of the result.

        Returns:
            A NumPy array of shape ``(count,) + shape``.

        Examples:
            >>> import numpy as np
            >>> from autodiff_cookbook import domains
            >>> xs = domains.sphere(3).sample_numpy(np.random.default_rng(0), 5)
            >>> print(xs.shape, np.allclose(np.linalg.norm(xs, axis=1), 1))
            (5, 3) True
        """
        z = rng.standard_normal((count, self.noise_size))
        return np.asarray(self._from_noise(z, np), dtype=dtype)

    def contains(self, x: ArrayLike, *, tol: float | None = None) -> bool:
        """Tell whether ``x`` lies in the domain, up to a tolerance.

        Args:
            x: an array.
            tol: the relative tolerance of the defining property (symmetry,
                orthogonality, unit sum, ...); by default the square root of the
                machine epsilon of ``x``'s dtype, so half of its digits.

        Returns:
            ``True`` if ``x`` has the domain's shape, is finite and has its property.

        Examples:
            >>> import jax.numpy as jnp
            >>> from autodiff_cookbook import domains
            >>> print(domains.positive(2).contains(jnp.array([1.0, -1.0])))
            False
        """
        arr = np.asarray(x)
        if arr.shape != self.shape or not np.issubdtype(arr.dtype, np.floating):
            return False
        if tol is None:
            tol = math.sqrt(float(np.finfo(arr.dtype).eps))
        arr64 = arr.astype(np.float64)
        if not np.all(np.isfinite(arr64)):
            return False
        return bool(self._holds(arr64, tol))

    def __str__(self) -> str:
        return self.name


# Transforms of standard normal noise, batched over leading axes, written once
# for NumPy (the checkers' host-side draws) and jax.numpy (Domain.sample).


def _sigmoid(z: Any, xp: Any) -> Any:
    return 1 / (1 + xp.exp(-z))


def _t(a: Any, xp: Any) -> Any:
    return xp.swapaxes(a, -1, -2)


def _orthonormal(z: Any, rows: int, cols: int, xp: Any) -> Any:
    """Haar-distributed orthonormal columns from noise: QR, with the signs fixed."""
    q, r = xp.linalg.qr(z.reshape((*z.shape[:-1], rows, cols)))
    d = xp.diagonal(r, axis1=-2, axis2=-1)
    return q * xp.where(d < 0, -1.0, 1.0)[..., None, :]


def _conjugate(q: Any, lam: Any, xp: Any) -> Any:
    """``Q diag(lam) Q^T``."""
    return (q * lam[..., None, :]) @ _t(q, xp)


def _is_symmetric(x: np.ndarray[Any, Any], tol: float) -> bool:
    return bool(np.max(np.abs(x - x.T)) <= tol * max(1.0, float(np.max(np.abs(x)))))


def _min_gap(values: np.ndarray[Any, Any]) -> float:
    values = np.sort(values)
    return float(np.min(np.diff(values))) if values.size > 1 else math.inf


@dataclasses.dataclass(frozen=True, repr=False)
class _Real(Domain):
    @property
    def name(self) -> str:
        return f"real {_shape_str(self.shape)}"

    def _from_noise(self, z: Any, xp: Any) -> Any:  # noqa: ARG002
        return z.reshape(z.shape[:-1] + self.shape)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:  # noqa: ARG002
        return True

    def __repr__(self) -> str:
        return f"domains.real({self.shape!r})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Positive(Domain):
    @property
    def name(self) -> str:
        return f"positive {_shape_str(self.shape)}"

    def _from_noise(self, z: Any, xp: Any) -> Any:
        return xp.exp(0.5 * z).reshape(z.shape[:-1] + self.shape)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:  # noqa: ARG002
        return bool(np.all(x > 0))

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.min(xs.reshape(xs.shape[0], -1), axis=1)

    def __repr__(self) -> str:
        return f"domains.positive({self.shape!r})"


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

    def _from_noise(self, z: Any, xp: Any) -> Any:
        g = z.reshape(z.shape[:-1] + self.shape)
        return (g + _t(g, xp)) / 2

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
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
    def _eigenvalues(self, w: Any, xp: Any) -> Any:
        """The eigenvalues, from standard normal noise ``w`` of shape ``(..., n)``."""

    @abc.abstractmethod
    def _spectrum_holds(self, lam: np.ndarray[Any, Any], tol: float) -> bool:
        """Whether the ascending eigenvalues ``lam`` belong to the set."""

    def _from_noise(self, z: Any, xp: Any) -> Any:
        n = self.n
        q = _orthonormal(z[..., : n * n], n, n, xp)
        return _conjugate(q, self._eigenvalues(z[..., n * n :], xp), xp)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        if not _is_symmetric(x, tol):
            return False
        return self._spectrum_holds(np.linalg.eigvalsh((x + x.T) / 2), tol)


@dataclasses.dataclass(frozen=True, repr=False)
class _SPD(_Spectral):
    _ctor = "spd"

    @property
    def name(self) -> str:
        return f"SPD {self.n}x{self.n}"

    def _eigenvalues(self, w: Any, xp: Any) -> Any:
        # 10^sigmoid(w), in (1, 10): condition number below 10.
        return 10.0 ** _sigmoid(w, xp)

    def _spectrum_holds(self, lam: np.ndarray[Any, Any], tol: float) -> bool:
        return bool(lam[0] > tol * abs(lam[-1]))

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.linalg.eigvalsh(xs)[:, 0]


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

    def _from_noise(self, z: Any, xp: Any) -> Any:
        n = self.n
        u = _orthonormal(z[..., : n * n], n, n, xp)
        v = _orthonormal(z[..., n * n : 2 * n * n], n, n, xp)
        if self.positive_determinant:
            sign = xp.sign(xp.linalg.det(u) * xp.linalg.det(v))
            u = u * xp.concatenate(
                [sign[..., None, None], xp.ones_like(u[..., :1, 1:])], axis=-1
            )
        s = 1 + _sigmoid(z[..., 2 * n * n :], xp)
        x = (u * s[..., None, :]) @ _t(v, xp)
        if n < 2:
            return x
        # Some 2x2 draws (and, rarely, larger ones) are nearly symmetric, and on
        # them a missing transpose would go unseen. Add a skew term to those:
        # singular values stay in [3/4, 9/4] and ||X - X^T||_F >= 1/4 always.
        u1, u2 = u[..., :, 0], u[..., :, 1]
        skew = u1[..., :, None] * u2[..., None, :] - u2[..., :, None] * u1[..., None, :]
        asymmetry = xp.sqrt(xp.sum((x - _t(x, xp)) ** 2, axis=(-2, -1)))
        return xp.where((asymmetry < 0.25)[..., None, None], x + 0.25 * skew, x)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        s = np.linalg.svd(x, compute_uv=False)
        if not s[-1] > tol * s[0]:
            return False
        return not (self.positive_determinant and np.linalg.det(x) <= 0)

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        # The smallest singular value, as the square root of the smallest
        # eigenvalue of X^T X: faster than an SVD, and as accurate for samples
        # whose condition number is at most 3.
        gram = np.swapaxes(xs, -1, -2) @ xs
        return np.sqrt(np.maximum(np.linalg.eigvalsh(gram)[:, 0], 0.0))

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

    def _from_noise(self, z: Any, xp: Any) -> Any:
        return _orthonormal(z, self.n, self.n, xp)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        return bool(np.max(np.abs(x.T @ x - np.eye(self.n))) <= tol)


@dataclasses.dataclass(frozen=True, repr=False)
class _DistinctEigenvalues(_Spectral):
    _ctor = "distinct_eigenvalues"

    @property
    def name(self) -> str:
        return f"symmetric {self.n}x{self.n} with distinct eigenvalues"

    def _eigenvalues(self, w: Any, xp: Any) -> Any:
        # i - (n-1)/2 + jitter, |jitter| < 1/4: gaps of at least 1/2, both signs.
        jitter = (_sigmoid(w, xp) - 0.5) / 2
        return xp.arange(self.n) - (self.n - 1) / 2 + jitter

    def _spectrum_holds(self, lam: np.ndarray[Any, Any], tol: float) -> bool:
        return _min_gap(lam) > tol * max(1.0, float(np.max(np.abs(lam))))

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        lam = np.linalg.eigvalsh(xs)
        if lam.shape[1] < 2:
            return np.full(xs.shape[0], np.inf)
        return np.min(np.diff(lam, axis=1), axis=1) / 2


@dataclasses.dataclass(frozen=True, repr=False)
class _Simplex(Domain):
    @property
    def name(self) -> str:
        return f"simplex {self.shape[0]}"

    def _from_noise(self, z: Any, xp: Any) -> Any:
        e = xp.exp(z - xp.max(z, axis=-1, keepdims=True))
        return e / xp.sum(e, axis=-1, keepdims=True)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        return bool(np.all(x > 0) and abs(float(np.sum(x)) - 1.0) <= tol)

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.min(xs, axis=1)

    def __repr__(self) -> str:
        return f"domains.simplex({self.shape[0]})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Sphere(Domain):
    @property
    def name(self) -> str:
        return f"unit sphere in R^{self.shape[0]}"

    def _from_noise(self, z: Any, xp: Any) -> Any:
        return z / xp.sqrt(xp.sum(z**2, axis=-1, keepdims=True))

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        return abs(float(np.linalg.norm(x)) - 1.0) <= tol

    def __repr__(self) -> str:
        return f"domains.sphere({self.shape[0]})"


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

    def _from_noise(self, z: Any, xp: Any) -> Any:
        m, n = self.shape
        k = min(m, n)
        u = _orthonormal(z[..., : m * k], m, k, xp)
        v = _orthonormal(z[..., m * k : m * k + n * k], n, k, xp)
        # Singular values 1 + i + w, w in (0, 1/2): gaps of at least 1/2.
        s = 1 + xp.arange(k) + _sigmoid(z[..., m * k + n * k :], xp) / 2
        return (u * s[..., None, :]) @ _t(v, xp)

    def _holds(self, x: np.ndarray[Any, Any], tol: float) -> bool:
        s = np.linalg.svd(x, compute_uv=False)
        return bool(s[-1] > tol * s[0] and _min_gap(s) > tol * s[0])

    def _radius(self, xs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        s = np.linalg.svd(xs, compute_uv=False)
        gaps = -np.diff(s, axis=1) / 2 if s.shape[1] > 1 else s[:, -1:]
        return np.minimum(s[:, -1], np.min(gaps, axis=1))

    def __repr__(self) -> str:
        m, n = self.shape
        return f"domains.full_rank({m}, {n})"


def _size(n: int, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        msg = f"{what} must be a positive integer, got {n!r}."
        raise ValueError(msg)
    return int(n)


def _as_shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if any(isinstance(d, bool) or not isinstance(d, int | np.integer) for d in dims):
        msg = f"shape must be an integer or a tuple of integers, got {shape!r}."
        raise TypeError(msg)
    if any(d < 0 for d in dims):
        msg = f"shape must not have negative sizes, got {shape!r}."
        raise ValueError(msg)
    return tuple(int(d) for d in dims)


def real(shape: int | Sequence[int]) -> Domain:
    """Arrays of any real values, drawn from a standard normal distribution.

    Args:
        shape: the shape of a sample: ``()`` for a scalar, ``3`` or ``(3,)`` for a vector.

    Returns:
        The domain.

    Raises:
        TypeError: if ``shape`` is not an integer or a tuple of integers.
        ValueError: if a size is negative.

    Examples:
        >>> from autodiff_cookbook import domains
        >>> print(domains.real((3, 4)).name, domains.real(()).name)
        real 3x4 real scalar
    """
    return _Real(_as_shape(shape))


def positive(shape: int | Sequence[int]) -> Domain:
    """Arrays with positive entries, :math:`e^{z/2}` for standard normal :math:`z`.

    Args:
        shape: the shape of a sample.

    Returns:
        The domain.

    Raises:
        TypeError: if ``shape`` is not an integer or a tuple of integers.
        ValueError: if a size is negative.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> x = domains.positive(5).sample(jax.random.key(0))
        >>> print(bool((x > 0).all()))
        True
    """
    return _Positive(_as_shape(shape))


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
    n = _size(n, "n")
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
    n = _size(n, "n")
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
    n = _size(n, "n")
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
    n = _size(n, "n")
    return _Orthogonal((n, n))


def simplex(n: int) -> Domain:
    r"""Points of the open probability simplex: positive entries summing to 1.

    Drawn as the softmax of a standard normal vector.

    Args:
        n: the number of entries.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> p = domains.simplex(3).sample(jax.random.key(0))
        >>> print(f"{float(p.sum()):.4f}", bool((p > 0).all()))
        1.0000 True
    """
    n = _size(n, "n")
    return _Simplex((n,))


def sphere(n: int) -> Domain:
    r"""Unit vectors of :math:`\mathbb{R}^n`, uniform on the sphere.

    Drawn as a standard normal vector divided by its norm.

    Args:
        n: the dimension of the ambient space.

    Returns:
        The domain.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> x = domains.sphere(3).sample(jax.random.key(0))
        >>> print(f"{float(jnp.linalg.norm(x)):.4f}")
        1.0000
    """
    n = _size(n, "n")
    return _Sphere((n,))


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
    return _FullRank((_size(m, "m"), _size(n, "n")))


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
    n = _size(n, "n")
    return _DistinctEigenvalues((n, n))


# -- pytrees of domains ------------------------------------------------------


def _is_domain(node: Any) -> bool:
    return isinstance(node, Domain)


def _flatten(tree: Any) -> tuple[list[Domain], Any]:
    """Flatten a domain or a pytree of domains, checking every leaf is a domain."""
    flat, treedef = jax.tree_util.tree_flatten_with_path(tree, is_leaf=_is_domain)
    if not flat:
        msg = (
            f"expected a domain or a pytree of domains, got {tree!r}, which holds none; "
            "pass e.g. domains.real(3)."
        )
        raise ValueError(msg)
    for path, leaf in flat:
        if not isinstance(leaf, Domain):
            where = f" at {jax.tree_util.keystr(path)}" if path else ""
            hint = (
                f"domains.real({leaf!r})"
                if isinstance(leaf, int | tuple)
                else "domains.real(shape)"
            )
            msg = (
                f"expected a domain{where}, got {leaf!r} ({type(leaf).__name__}); "
                f"build domains with the constructors of autodiff_cookbook.domains, "
                f"e.g. {hint}."
            )
            raise TypeError(msg)
    return [leaf for _, leaf in flat], treedef


def sample(tree: Any, key: KeyLike, dtype: Any = None) -> Any:
    """Draw one sample of a domain or of every domain in a pytree of domains.

    Each leaf gets its own key, split from ``key``.

    Args:
        tree: a :class:`Domain`, or a dict, list or tuple (nested as you like) of them.
        key: a JAX PRNG key or an integer seed.
        dtype: a real floating-point dtype; JAX's default float when omitted.

    Returns:
        An array, or a pytree of arrays with the structure of ``tree``.

    Raises:
        TypeError: if a leaf of ``tree`` is not a domain, or for a bad dtype or key.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> tree = {"W": domains.real((2, 3)), "b": domains.positive(2)}
        >>> params = domains.sample(tree, jax.random.key(0))
        >>> print({k: v.shape for k, v in params.items()})
        {'W': (2, 3), 'b': (2,)}
    """
    flat, treedef = _flatten(tree)
    dt = float_dtype(dtype)
    k = as_key(key)
    if isinstance(tree, Domain):
        return tree.sample(k, dt)
    keys = jax.random.split(k, len(flat))
    return jax.tree_util.tree_unflatten(
        treedef, [d.sample(keys[i], dt) for i, d in enumerate(flat)]
    )


def _sample_numpy(tree: Any, rng: Any, count: int, dtype: Any) -> Any:
    """``count`` samples of every domain in ``tree``, drawn with NumPy, stacked first."""
    flat, treedef = _flatten(tree)
    return jax.tree_util.tree_unflatten(
        treedef, [d.sample_numpy(rng, count, dtype) for d in flat]
    )


def _radius_numpy(tree: Any, xs: Any) -> np.ndarray[Any, Any]:
    """Per sample, the smallest :meth:`Domain._radius` over the leaves of ``tree``."""
    flat, _ = _flatten(tree)
    radii = [
        d._radius(np.asarray(x, np.float64))
        for d, x in zip(flat, jax.tree_util.tree_leaves(xs), strict=True)
    ]
    return np.min(np.stack(radii), axis=0)


def _describe(node: Any) -> str:
    if isinstance(node, Domain):
        return node.name
    if isinstance(node, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_describe(v) for v in node) + "]"
    if type(node) is tuple:
        return (
            "("
            + ", ".join(_describe(v) for v in node)
            + ("," if len(node) == 1 else "")
            + ")"
        )
    flat, _ = jax.tree_util.tree_flatten_with_path(node, is_leaf=_is_domain)
    return "; ".join(f"{jax.tree_util.keystr(p)}: {_describe(d)}" for p, d in flat)


def describe(tree: Any) -> str:
    """A readable name for a domain or a pytree of domains.

    Args:
        tree: a :class:`Domain` or a pytree of them.

    Returns:
        The domain's name, or the names laid out like the pytree.

    Raises:
        TypeError: if a leaf of ``tree`` is not a domain.

    Examples:
        >>> from autodiff_cookbook import domains
        >>> print(domains.describe([domains.spd(2), domains.simplex(3)]))
        [SPD 2x2, simplex 3]
    """
    _flatten(tree)
    return _describe(tree)


def contains(tree: Any, x: Any, *, tol: float | None = None) -> bool:
    """Tell whether ``x`` lies in a domain, or every leaf of ``x`` in its domain.

    Args:
        tree: a :class:`Domain` or a pytree of them.
        x: an array, or a pytree of arrays with the structure of ``tree``.
        tol: the relative tolerance passed to :meth:`Domain.contains`.

    Returns:
        ``True`` if ``x`` has the structure of ``tree`` and each leaf lies in its domain.

    Raises:
        TypeError: if a leaf of ``tree`` is not a domain.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> tree = {"p": domains.simplex(2), "s": domains.positive(())}
        >>> print(domains.contains(tree, {"p": jnp.array([0.25, 0.75]), "s": jnp.array(2.0)}))
        True
    """
    flat, treedef = _flatten(tree)
    xs, x_treedef = jax.tree_util.tree_flatten(x)
    if x_treedef != treedef:
        return False
    return all(d.contains(v, tol=tol) for d, v in zip(flat, xs, strict=True))
