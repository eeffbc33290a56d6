"""Domains of arrays judged entry by entry or as vectors: real, complex, positive, simplex, sphere."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from .._types import Float64Array, Xp, XpArray
from ._base import Domain, as_shape, as_size, shape_str

__all__: list[str] = []


@dataclasses.dataclass(frozen=True, repr=False)
class _Real(Domain):
    @property
    def name(self) -> str:
        return f"real {shape_str(self.shape)}"

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:  # noqa: ARG002
        return z.reshape(z.shape[:-1] + self.shape)

    def holds(self, x: Float64Array, tol: float) -> bool:  # noqa: ARG002
        return True

    def __repr__(self) -> str:
        return f"domains.real({self.shape!r})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Complex(Domain):
    @property
    def name(self) -> str:
        return f"complex {shape_str(self.shape)}"

    @property
    def is_complex(self) -> bool:
        return True

    @property
    def noise_size(self) -> int:
        return 2 * math.prod(self.shape)

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:  # noqa: ARG002
        n = math.prod(self.shape)
        out: XpArray = (z[..., :n] + 1j * z[..., n:]).reshape(z.shape[:-1] + self.shape)
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:  # noqa: ARG002
        return True

    def __repr__(self) -> str:
        return f"domains.complex({self.shape!r})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Positive(Domain):
    @property
    def name(self) -> str:
        return f"positive {shape_str(self.shape)}"

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        out: XpArray = xp.exp(0.5 * z).reshape(z.shape[:-1] + self.shape)
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:  # noqa: ARG002
        return bool(np.all(x > 0))

    def radius(self, xs: Float64Array) -> Float64Array:
        return np.asarray(np.min(xs.reshape(xs.shape[0], -1), axis=1), np.float64)

    def __repr__(self) -> str:
        return f"domains.positive({self.shape!r})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Simplex(Domain):
    @property
    def name(self) -> str:
        return f"simplex {self.shape[0]}"

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        e = xp.exp(z - xp.max(z, axis=-1, keepdims=True))
        out: XpArray = e / xp.sum(e, axis=-1, keepdims=True)
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:
        return bool(np.all(x > 0) and abs(float(np.sum(x)) - 1.0) <= tol)

    def radius(self, xs: Float64Array) -> Float64Array:
        return np.asarray(np.min(xs, axis=1), np.float64)

    def __repr__(self) -> str:
        return f"domains.simplex({self.shape[0]})"


@dataclasses.dataclass(frozen=True, repr=False)
class _Sphere(Domain):
    @property
    def name(self) -> str:
        return f"unit sphere in R^{self.shape[0]}"

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        out: XpArray = z / xp.sqrt(xp.sum(z**2, axis=-1, keepdims=True))
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:
        return abs(float(np.linalg.norm(x)) - 1.0) <= tol

    def __repr__(self) -> str:
        return f"domains.sphere({self.shape[0]})"


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
    return _Real(as_shape(shape))


def complex(shape: int | Sequence[int]) -> Domain:
    r"""Arrays of any complex values, real and imaginary parts standard normal.

    Its samples are complex: drawn in a real precision, they have its complex
    counterpart (float64 gives complex128, float32 gives complex64; see
    :meth:`Domain.sample_dtype`). For a real-valued function :math:`f(z)` of
    such an input, JAX's gradient is
    :math:`\partial f/\partial x - i\,\partial f/\partial y` (with
    :math:`z = x + iy`), the conjugate of the convention of PyTorch.

    Args:
        shape: the shape of a sample: ``()`` for a scalar, ``3`` or ``(3,)`` for a vector.

    Returns:
        The domain.

    Raises:
        TypeError: if ``shape`` is not an integer or a tuple of integers.
        ValueError: if a size is negative.

    Examples:
        >>> import jax
        >>> import numpy as np
        >>> from autodiff_cookbook import domains
        >>> d = domains.complex((3, 2))
        >>> z = d.sample(jax.random.key(0))
        >>> print(d.name, z.shape, z.dtype, d.noise_size, d.contains(z))
        complex 3x2 (3, 2) complex64 12 True
        >>> print(d.contains(z.real), domains.real((3, 2)).contains(z))
        False False
        >>> zs = d.sample_numpy(np.random.default_rng(0), 1000)
        >>> print(zs.dtype, f"{zs.real.std():.1f} {zs.imag.std():.1f}")
        complex128 1.0 1.0
    """
    return _Complex(as_shape(shape))


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
    return _Positive(as_shape(shape))


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
    return _Simplex((as_size(n, "n"),))


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
    return _Sphere((as_size(n, "n"),))
