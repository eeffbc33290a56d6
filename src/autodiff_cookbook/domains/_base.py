"""The :class:`Domain` interface, and the shape checks its constructors share."""

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

from .._types import (
    ArrayLike,
    DTypeLike,
    Float64Array,
    FloatArray,
    KeyLike,
    Xp,
    XpArray,
)
from .._util import as_key, float_dtype

__all__: list[str] = []


@dataclasses.dataclass(frozen=True, repr=False)
class Domain(abc.ABC):
    r"""A set of arrays of one shape, with a sampler for random points of it.

    Build domains with the constructors of this module (:func:`real`,
    :func:`spd`, ...), or write your own: subclass :class:`Domain` (as a frozen
    dataclass, so that equal domains compare and hash equal) and implement its
    public methods:

    - :attr:`name`, a readable name;
    - :meth:`from_noise`, which turns standard normal noise into samples; it is
      written once for NumPy and :mod:`jax.numpy` (the namespace comes as
      ``xp``), batched over leading axes;
    - :meth:`holds`, the defining property, tested with NumPy in float64;
    - optionally :attr:`noise_size` (how many standard normal numbers one
      sample needs, by default one per entry) and :meth:`radius` (how far each
      sample is from the boundary; by default unbounded), which keeps the
      finite-difference steps of the checkers inside the set;
    - optionally :attr:`is_complex`, ``True`` for a set of complex arrays (its
      samples then have the complex counterpart of the requested real dtype,
      see :meth:`sample_dtype`).

    :meth:`sample`, :meth:`sample_numpy` and :meth:`contains` come with it.

    Attributes:
        shape: the shape of every sample.

    Examples:
        A built-in domain:

        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> d = domains.orthogonal(2)
        >>> q = d.sample(jax.random.key(1))
        >>> print(d, d.contains(q), d.contains(2 * q))
        orthogonal 2x2 True False

        A domain of one's own, the open ball :math:`\|x\| < r`, where the
        barrier :math:`-\log(r^2 - \|x\|^2)` is defined:

        >>> import dataclasses
        >>> import jax.numpy as jnp
        >>> import numpy as np
        >>> from autodiff_cookbook import check_gradient
        >>> @dataclasses.dataclass(frozen=True)
        ... class Ball(domains.Domain):
        ...     r: float = 1.0
        ...
        ...     @property
        ...     def name(self):
        ...         return f"ball of radius {self.r} in R^{self.shape[0]}"
        ...
        ...     def from_noise(self, z, xp):
        ...         # z / sqrt(1 + |z|^2) maps R^n onto the open unit ball.
        ...         return self.r * z / xp.sqrt(1 + xp.sum(z**2, axis=-1, keepdims=True))
        ...
        ...     def holds(self, x, tol):
        ...         return bool(np.linalg.norm(x) < self.r)
        ...
        ...     def radius(self, xs):
        ...         return self.r - np.linalg.norm(xs, axis=-1)
        >>> ball = Ball((3,), r=2.0)
        >>> x = ball.sample(jax.random.key(0))
        >>> print(ball, x.shape, ball.contains(x), ball.contains(jnp.full(3, 2.0)))
        ball of radius 2.0 in R^3 (3,) True False
        >>> result = check_gradient(
        ...     lambda x: -jnp.log(4.0 - jnp.sum(x**2)),
        ...     lambda x: 2 * x / (4.0 - jnp.sum(x**2)),
        ...     ball,
        ... )
        >>> print(result.ok)
        True
    """

    shape: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", as_shape(self.shape))

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A readable name such as ``"SPD 4x4"``."""

    @property
    def noise_size(self) -> int:
        """How many standard normal numbers one sample is made from.

        One per entry unless a subclass says otherwise.
        """
        return math.prod(self.shape)

    @property
    def is_complex(self) -> bool:
        """Whether the samples are complex arrays; ``False`` unless a subclass says otherwise."""
        return False

    def sample_dtype(self, dtype: DTypeLike) -> np.dtype[Any]:
        """The dtype of the samples drawn in a real precision ``dtype``.

        ``dtype`` itself for a real domain; its complex counterpart for a complex
        one (float64 gives complex128, float32 gives complex64), so the real and
        imaginary parts keep the requested precision.

        Args:
            dtype: a floating-point dtype (the precision of a check or a draw).

        Returns:
            The NumPy dtype of the samples.

        Examples:
            >>> import numpy as np
            >>> from autodiff_cookbook import domains
            >>> print(domains.real(2).sample_dtype(np.float32),
            ...       domains.complex(2).sample_dtype(np.float32),
            ...       domains.complex(2).sample_dtype(np.float64))
            float32 complex64 complex128
        """
        dt = np.dtype(dtype)
        if not self.is_complex or np.issubdtype(dt, np.complexfloating):
            return dt
        return np.result_type(dt, np.complex64)

    @abc.abstractmethod
    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        """Turn standard normal noise into samples of the domain.

        Args:
            z: noise of shape ``(..., noise_size)``, any number of leading axes.
            xp: the array namespace of ``z``, :mod:`numpy` or :mod:`jax.numpy`;
                write the transform with ``xp.exp``, ``xp.linalg.qr``, ... so that
                one body serves both (the checkers draw with NumPy on the host,
                :meth:`sample` with JAX, traceably).

        Returns:
            Samples of shape ``(...) + shape``; every draw must lie in the set,
            and different noise must give different points.
        """

    @abc.abstractmethod
    def holds(self, x: Float64Array, tol: float) -> bool:
        """Whether ``x`` has the defining property of the set.

        Args:
            x: a float64 NumPy array of the domain's shape, all entries finite
                (complex128 for a complex domain).
            tol: the relative tolerance of the property (symmetry,
                orthogonality, unit sum, ...).

        Returns:
            ``True`` if ``x`` is in the set.
        """

    def radius(self, xs: Float64Array) -> Float64Array:
        """How far each of several samples may move and stay inside the set.

        A lower bound on the distance to the set's boundary, up to a modest
        factor (the smallest entry of a positive vector, the smallest eigenvalue
        of an SPD matrix, ...). Finite-difference steps are scaled by it, so
        they do not leave the set.

        Args:
            xs: samples stacked along a first axis, float64 NumPy (complex128
                for a complex domain), of shape ``(count,) + shape``.

        Returns:
            A float64 array of shape ``(count,)``; ``inf`` everywhere unless a
            subclass says otherwise (a set without a boundary).

        Examples:
            >>> import numpy as np
            >>> from autodiff_cookbook import domains
            >>> xs = np.array([[0.5, 2.0], [3.0, 0.25]])
            >>> print(domains.positive(2).radius(xs), domains.real(2).radius(xs))
            [0.5  0.25] [inf inf]
        """
        return np.full(xs.shape[0], np.inf)

    def sample(self, key: KeyLike, dtype: DTypeLike | None = None) -> Array:
        """Draw one random point of the domain.

        The draw is traceable: it can run under :func:`jax.jit` and
        :func:`jax.vmap` (vmap it over split keys for a batch).

        Args:
            key: a JAX PRNG key (or an integer seed).
            dtype: a real floating-point dtype; JAX's default float when omitted
                (float32, or float64 inside ``jax.enable_x64(True)``).

        Returns:
            An array of shape :attr:`shape` and the requested dtype (its complex
            counterpart for a complex domain, see :meth:`sample_dtype`).

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
        return jnp.asarray(self.from_noise(z, jnp), dtype=self.sample_dtype(dt))

    def sample_numpy(
        self,
        rng: np.random.Generator,
        count: int,
        dtype: DTypeLike = np.float64,
    ) -> FloatArray:
        """Draw ``count`` samples at once with NumPy, stacked along a first axis.

        The checkers draw their inputs this way: in float64 on the host, then
        rounded to ``dtype``, so no random-number generator has to be compiled.

        Args:
            rng: a :class:`numpy.random.Generator`.
            count: the number of samples.
            dtype: the dtype of the result (for a complex domain, a real dtype
                stands for its complex counterpart, see :meth:`sample_dtype`).

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
        return np.asarray(self.from_noise(z, np), dtype=self.sample_dtype(dtype))

    def contains(self, x: ArrayLike, *, tol: float | None = None) -> bool:
        """Tell whether ``x`` lies in the domain, up to a tolerance.

        Args:
            x: an array.
            tol: the relative tolerance of the defining property (symmetry,
                orthogonality, unit sum, ...); by default the square root of the
                machine epsilon of ``x``'s dtype, so half of its digits.

        Returns:
            ``True`` if ``x`` has the domain's shape, is finite and has its
            property; a complex domain holds complex arrays only, and a real
            domain real floating-point arrays only.

        Examples:
            >>> import jax.numpy as jnp
            >>> from autodiff_cookbook import domains
            >>> print(domains.positive(2).contains(jnp.array([1.0, -1.0])))
            False
        """
        arr = np.asarray(x)
        kind = np.complexfloating if self.is_complex else np.floating
        if arr.shape != self.shape or not np.issubdtype(arr.dtype, kind):
            return False
        if tol is None:
            tol = math.sqrt(float(np.finfo(arr.dtype).eps))
        arr64 = arr.astype(self.sample_dtype(np.float64))
        if not np.all(np.isfinite(arr64)):
            return False
        return bool(self.holds(arr64, tol))

    def __str__(self) -> str:
        return self.name


def shape_str(shape: tuple[int, ...]) -> str:
    """``"3x4"`` for the shape ``(3, 4)``, ``"scalar"`` for ``()``."""
    return "x".join(str(s) for s in shape) if shape else "scalar"


def as_size(n: object, what: str) -> int:
    """``n`` as a positive ``int``, or a ValueError naming the argument ``what``."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        msg = f"{what} must be a positive integer, got {n!r}."
        raise ValueError(msg)
    return int(n)


def as_shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    """A shape as a tuple of non-negative ``int``, or an error saying what is wrong."""
    dims = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if any(isinstance(d, bool) or not isinstance(d, int | np.integer) for d in dims):
        msg = f"shape must be an integer or a tuple of integers, got {shape!r}."
        raise TypeError(msg)
    if any(d < 0 for d in dims):
        msg = f"shape must not have negative sizes, got {shape!r}."
        raise ValueError(msg)
    return tuple(int(d) for d in dims)


def sigmoid(z: XpArray, xp: Xp) -> XpArray:
    """The logistic sigmoid, for NumPy or JAX arrays."""
    out: XpArray = 1 / (1 + xp.exp(-z))
    return out
