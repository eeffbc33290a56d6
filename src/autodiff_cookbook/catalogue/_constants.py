"""Fixed matrices and vectors for the catalogue's formulas, drawn once from seeded generators.

The constants of an identity (the :math:`A` of :math:`x^\\top A x`, ...) are part of
the function, not of its input: they are NumPy float64 arrays made here, at import,
from a fixed seed each, and every function casts them to its input's dtype with
:func:`cast`. Square constants are not symmetric unless their name says so, so that
a formula missing a transpose cannot pass by accident.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import Array

from .._types import ArrayLike, Float64Array

__all__ = [
    "cast",
    "gaussian",
    "probabilities",
    "signs",
    "spd_matrix",
    "symmetric_matrix",
    "unit_interval",
    "well_conditioned",
]


def gaussian(seed: int, shape: tuple[int, ...]) -> Float64Array:
    """Standard normal entries: a generic, non-symmetric constant."""
    return np.random.default_rng(seed).standard_normal(shape)


def well_conditioned(seed: int, n: int) -> Float64Array:
    """A non-symmetric invertible matrix with singular values in [1, 2]."""
    rng = np.random.default_rng(seed)
    q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return np.asarray((q1 * rng.uniform(1.0, 2.0, n)) @ q2.T, dtype=np.float64)


def symmetric_matrix(seed: int, n: int) -> Float64Array:
    """A symmetric matrix with standard normal entries (up to the symmetrisation)."""
    g = gaussian(seed, (n, n))
    return np.asarray((g + g.T) / 2, dtype=np.float64)


def spd_matrix(seed: int, n: int) -> Float64Array:
    """A symmetric positive definite matrix with eigenvalues in [1, 3]."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return np.asarray((q * rng.uniform(1.0, 3.0, n)) @ q.T, dtype=np.float64)


def probabilities(seed: int, n: int) -> Float64Array:
    """A probability vector with every entry at least 0.05."""
    p = np.random.default_rng(seed).uniform(1.0, 3.0, n)
    return np.asarray(p / p.sum(), dtype=np.float64)


def unit_interval(seed: int, n: int) -> Float64Array:
    """A vector with entries drawn uniformly from [0.1, 0.9], such as targets in (0, 1)."""
    return np.random.default_rng(seed).uniform(0.1, 0.9, n)


def signs(seed: int, n: int) -> Float64Array:
    """A vector of labels in {-1, +1}, with both signs present."""
    s = np.random.default_rng(seed).choice([-1.0, 1.0], n)
    s[0], s[1] = 1.0, -1.0
    return s


def cast(like: ArrayLike, *constants: Float64Array) -> tuple[Array, ...]:
    """Return the constants as JAX arrays of the dtype of ``like``.

    Without this, a float64 NumPy constant would promote a float32 input to
    float64, and a check "in float32" would silently run in float64.
    """
    dtype = jnp.result_type(like)
    return tuple(jnp.asarray(c, dtype=dtype) for c in constants)
