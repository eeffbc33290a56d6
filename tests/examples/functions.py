"""Test functions and random draws shared by the tests of several example modules."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from hypothesis import strategies as st

# A few sizes only: every new shape costs a compilation.
SIZES = st.sampled_from([2, 3, 8])
SEEDS = st.integers(min_value=0, max_value=2**16)


def draw(seed: int, shape: tuple[int, ...]) -> jax.Array:
    """A standard normal float64 array of ``shape`` (call inside ``jax.enable_x64``)."""
    return jax.random.normal(jax.random.key(seed), shape, jnp.float64)


def vector_map(x: jax.Array) -> jax.Array:
    """R^3 -> R^2 with a dense, input-dependent Jacobian."""
    return jnp.stack([x[0] * jnp.sin(x[1]) + x[2] ** 2, jnp.exp(x[0] - x[2]) * x[1]])
