"""Tests for autodiff_cookbook.examples.jvp_vjp: one VJP for a sum's gradient, a Jacobian by hand."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.hessians import init_tanh_mlp, tanh_mlp
from autodiff_cookbook.examples.jvp_vjp import sum_gradient_via_vjp, tanh_mlp_jacobian

from .functions import SEEDS, draw, vector_map


def test_sum_gradient_via_vjp_is_the_column_sum_of_the_jacobian(key: jax.Array) -> None:
    x = jax.random.normal(key, (3,))
    np.testing.assert_allclose(
        sum_gradient_via_vjp(vector_map, x),
        jax.jacfwd(vector_map)(x).sum(axis=0),
        rtol=1e-5,
    )


@given(st.sampled_from([1, 4]), st.sampled_from([1, 3]), st.sampled_from([1, 8]), SEEDS)
def test_tanh_mlp_jacobian_matches_autodiff(
    n: int, m: int, hidden: int, seed: int
) -> None:
    with jax.enable_x64(True):
        w1, w2 = init_tanh_mlp(jax.random.key(seed), n, m, hidden, dtype=jnp.float64)
        x = draw(seed + 1, (n,))
        jacobian = tanh_mlp_jacobian(x, w1, w2)
        assert jacobian.shape == (m, n)
        np.testing.assert_allclose(
            jacobian, jax.jacfwd(tanh_mlp)(x, w1, w2), rtol=1e-12, atol=1e-14
        )
