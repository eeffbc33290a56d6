"""Tests for the probes of the directional checks and their host comparisons."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import _probes as pr
from autodiff_cookbook._compare import MAX_SPREAD


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed NumPy generator, as the checks draw their probes on the host."""
    return np.random.default_rng(0)


def _norms(leaves: list[Any]) -> np.ndarray:
    """The norm of each probe over all leaves: shape ``(trials, count)``."""
    trials, count = leaves[0].shape[:2]
    return np.sqrt(
        sum(np.sum(np.abs(a.reshape(trials, count, -1)) ** 2, axis=-1) for a in leaves)
    )


# -- unit ---------------------------------------------------------------------------


@settings(max_examples=15)
@given(
    shapes=st.lists(
        st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple),
        min_size=1,
        max_size=3,
    ),
    trials=st.integers(1, 4),
    count=st.integers(1, 3),
    dtype=st.sampled_from([np.float64, np.float32, np.complex128, np.complex64]),
)
def test_unit_returns_unit_vectors_over_all_leaves(
    shapes: list[tuple[int, ...]], trials: int, count: int, dtype: Any
) -> None:
    layout = [(shape, np.dtype(dtype)) for shape in shapes]
    leaves = pr.unit(np.random.default_rng(1), layout, trials, count)
    assert [a.shape for a in leaves] == [(trials, count, *s) for s in shapes]
    assert all(a.dtype == np.dtype(dtype) for a in leaves)
    tol = 1e-5 if np.dtype(dtype).itemsize <= 8 else 1e-12
    np.testing.assert_allclose(_norms(leaves), 1.0, rtol=tol)


def test_unit_is_complex_for_a_complex_dtype_and_moves_both_parts(
    rng: np.random.Generator,
) -> None:
    layout = [((5,), np.dtype(np.complex128)), ((2,), np.dtype(np.float64))]
    z, x = pr.unit(rng, layout, 6, 2)
    assert np.iscomplexobj(z)
    assert not np.iscomplexobj(x)
    # Both the real and the imaginary parts are random, not one of them zero.
    assert np.all(np.abs(z.real) > 0)
    assert np.all(np.abs(z.imag) > 0)
    np.testing.assert_allclose(_norms([z, x]), 1.0, rtol=1e-12)


def test_unit_draws_different_directions_per_trial_and_probe(
    rng: np.random.Generator,
) -> None:
    (a,) = pr.unit(rng, [((4,), np.dtype(np.float64))], 3, 2)
    rows = a.reshape(6, 4)
    assert len({tuple(np.round(r, 12)) for r in rows}) == 6


# -- masked ---------------------------------------------------------------------------


def test_masked_adds_one_probe_per_leaf_moving_that_leaf_only(
    rng: np.random.Generator,
) -> None:
    layout = [
        ((3,), np.dtype(np.float64)),
        ((2, 2), np.dtype(np.float64)),
        ((), np.dtype(np.float64)),
    ]
    d = 2
    directions = pr.unit(rng, layout, 4, d)
    out = pr.masked(directions)
    assert [a.shape for a in out] == [(4, d + 3, *s) for s, _ in layout]
    # The first d probes are unchanged.
    for a, b in zip(out, directions, strict=True):
        np.testing.assert_array_equal(a[:, :d], b)
    for j in range(len(layout)):
        probe = [a[:, d + j] for a in out]
        for i, leaf in enumerate(probe):
            if i == j:
                # Leaf j moves along the first probe's direction, normalised.
                first = directions[j][:, 0].reshape(4, -1)
                expected = first / np.linalg.norm(first, axis=1, keepdims=True)
                np.testing.assert_allclose(leaf.reshape(4, -1), expected, rtol=1e-12)
            else:
                assert not np.any(leaf), f"probe for leaf {j} moves leaf {i}"
        np.testing.assert_allclose(_norms([p[:, None] for p in probe]), 1.0, rtol=1e-12)


def test_masked_leaves_a_single_leaf_alone(rng: np.random.Generator) -> None:
    directions = pr.unit(rng, [((3,), np.dtype(np.float64))], 4, 2)
    out = pr.masked(directions)
    assert len(out) == 1
    np.testing.assert_array_equal(out[0], directions[0])


def test_masked_keeps_complex_leaves_complex(rng: np.random.Generator) -> None:
    layout = [((3,), np.dtype(np.complex128)), ((2,), np.dtype(np.float64))]
    out = pr.masked(pr.unit(rng, layout, 2, 1))
    assert out[0].dtype == np.complex128
    assert out[1].dtype == np.float64
    assert out[0].shape == (2, 3, 3)
    assert not np.any(out[0][:, 2])  # the probe of leaf 1 leaves leaf 0 still
    assert np.all(out[0][:, 1] != 0)


# -- pair -------------------------------------------------------------------------------


def test_pair_is_the_real_part_of_the_unconjugated_sum(
    rng: np.random.Generator,
) -> None:
    a = [
        rng.standard_normal((2, 3, 4)) + 1j * rng.standard_normal((2, 3, 4)),
        rng.standard_normal((2, 3, 1)),
    ]
    b = [
        rng.standard_normal((2, 3, 4)) + 1j * rng.standard_normal((2, 3, 4)),
        rng.standard_normal((2, 3, 1)),
    ]
    got = pr.pair(a, b)
    expected = np.real(np.sum(a[0] * b[0], axis=-1)) + np.sum(a[1] * b[1], axis=-1)
    assert got.shape == (2, 3)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    # Not the Hermitian inner product Re sum(conj(a) b).
    hermitian = np.real(np.sum(np.conj(a[0]) * b[0], axis=-1)) + np.sum(
        a[1] * b[1], axis=-1
    )
    assert not np.allclose(got, hermitian)


def _abs2_z(z: jax.Array) -> jax.Array:
    """A non-holomorphic complex function: |z|^2 z."""
    return jnp.abs(z) ** 2 * z


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_makes_jvp_and_vjp_adjoint_for_a_non_holomorphic_function(
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    with jax.enable_x64(True):
        shape = (5,)
        z = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        v = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        u = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        jv = np.asarray(jax.jvp(_abs2_z, (jnp.asarray(z),), (jnp.asarray(v),))[1])
        jtu = np.asarray(jax.vjp(_abs2_z, jnp.asarray(z))[1](jnp.asarray(u))[0])
    lhs = pr.pair([u], [jv])
    rhs = pr.pair([jtu], [v])
    scale = np.linalg.norm(u) * np.linalg.norm(jv) + np.linalg.norm(
        jtu
    ) * np.linalg.norm(v)
    assert abs(lhs - rhs) <= 1e-13 * scale
    # The Hermitian pairing does not make them adjoint: the convention matters.
    herm = np.real(np.vdot(u, jv)) - np.real(np.vdot(jtu, v))
    assert abs(herm) > 1e-3 * scale


# -- vectors and scalars ---------------------------------------------------------


def test_vectors_passes_rounding_and_fails_a_small_relative_error(
    rng: np.random.Generator,
) -> None:
    a = [rng.standard_normal((3, 2, 10))]
    tiny = float(np.finfo(np.float64).tiny)
    rounding = pr.vectors("x", a, [a[0] * (1 + 1e-14)], 1.5e-8, 0.0, tiny)
    assert rounding.passed.all()
    assert rounding.exact
    off = pr.vectors("x", a, [a[0] * (1 + 1e-6)], 1.5e-8, 0.0, tiny)
    assert not off.passed.any()
    np.testing.assert_allclose(off.rel, 1e-6 / (1 + 1e-6), rtol=1e-6)
    nan = [a[0].copy()]
    nan[0][1, 0, 3] = np.nan
    m = pr.vectors("x", nan, a, 1.5e-8, 0.0, tiny)
    assert not m.passed[1, 0]
    assert not m.finite[1, 0]
    assert m.passed[0].all()


# -- differences --------------------------------------------------------------------


def _points(g: Any, x: np.ndarray, d: np.ndarray, h: np.ndarray) -> dict[str, Any]:
    """What the compiled probes return for ``g`` along ``d``: differences, level, finite."""
    s = np.array([1.0, -1.0, 2.0, -2.0])
    pts = (
        x[:, :, None, :]
        + s[None, None, :, None] * h[:, None, None, None] * d[:, :, None, :]
    )
    y = g(pts)  # (trials, probes, 4, size)
    hh = h[:, None, None]
    return {
        "d_h": [(y[:, :, 0] - y[:, :, 1]) / (2 * hh)],
        "d_2h": [(y[:, :, 2] - y[:, :, 3]) / (4 * hh)],
        "level": np.sqrt(np.max(np.sum(y**2, axis=-1), axis=-1)),
        "finite": np.all(np.isfinite(y), axis=(-2, -1)),
    }


def test_differences_of_a_quadratic_pass_with_a_small_spread(
    rng: np.random.Generator,
) -> None:
    trials, probes, n = 4, 3, 5
    a = rng.standard_normal((n, n))
    x = rng.standard_normal((trials, 1, n)).repeat(probes, axis=1)
    d = rng.standard_normal((trials, probes, n))
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    h = np.full(trials, 1e-3)

    def g(p: np.ndarray) -> np.ndarray:
        return np.einsum("...i,ij,...j->...", p, a, p)[..., None] * np.ones(2)

    jv = np.einsum("tpi,ij,tpj->tp", d, a + a.T, x)[..., None] * np.ones(2)
    m = pr.differences("q", _points(g, x, d, h), np.ones(trials), [jv], 1e-6, 1e-300)
    assert not m.exact
    assert m.passed.all()
    assert np.max(m.rel) < 1e-8
    assert m.spread is not None
    assert np.max(m.spread) < 1e-8
    # A derivative off by 1% fails, and the spread does not excuse it.
    bad = pr.differences(
        "q", _points(g, x, d, h), np.ones(trials), [1.01 * jv], 1e-6, 1e-300
    )
    assert not bad.passed.any()


def test_differences_across_a_kink_report_a_large_spread() -> None:
    # |x| at 0, the input a third of a step away: the four points straddle the kink.
    h = np.array([1e-4])
    x = np.array([[[h[0] / 3]]])
    d = np.ones((1, 1, 1))
    m = pr.differences(
        "abs",
        _points(np.abs, x, d, h),
        np.ones(1),
        [np.ones((1, 1, 1))],
        1e-6,
        1e-300,
    )
    assert m.spread is not None
    assert m.spread[0, 0] > MAX_SPREAD
    assert not m.passed[0, 0]


def test_differences_with_a_projection_compare_pairings(
    rng: np.random.Generator,
) -> None:
    # <u, J w> from differences of g along w, paired with u: here g(x) = B x.
    trials, n, m_out = 3, 4, 3
    b = rng.standard_normal((m_out, n))
    x = rng.standard_normal((trials, 1, n))
    w = rng.standard_normal((trials, 1, n))
    u = [rng.standard_normal((trials, 1, m_out))]
    h = np.full(trials, 1e-3)
    pts = _points(lambda p: p @ b.T, x, w, h)
    exact = pr.pair(u, [w @ b.T])[..., None]
    ok = pr.differences("p", pts, np.ones(trials), [exact], 1e-6, 1e-300, project=u)
    assert ok.passed.all()
    wrong = pr.differences("p", pts, np.ones(trials), [-exact], 1e-6, 1e-300, project=u)
    assert not wrong.passed.any()
