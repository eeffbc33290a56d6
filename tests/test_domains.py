"""Tests for autodiff_cookbook.domains: every sample has its domain's property."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import domains

# Each domain with the defining property its samples must have, checked
# independently of Domain.contains (float64 NumPy, tolerance `tol`).


def _sym(x: np.ndarray[Any, Any], tol: float) -> bool:
    return bool(np.max(np.abs(x - x.T)) <= tol * max(1.0, float(np.max(np.abs(x)))))


def _spd(x: np.ndarray[Any, Any], tol: float) -> bool:
    lam = np.linalg.eigvalsh(x)
    return _sym(x, tol) and lam[0] >= 1 - tol and lam[-1] <= 10 + tol


def _invertible(x: np.ndarray[Any, Any], tol: float) -> bool:
    s = np.linalg.svd(x, compute_uv=False)
    asymmetric = x.shape[0] < 2 or np.linalg.norm(x - x.T) >= 0.25 - tol
    return bool(s[-1] >= 0.75 - tol and s[0] <= 2.25 + tol and asymmetric)


def _orthogonal(x: np.ndarray[Any, Any], tol: float) -> bool:
    return bool(np.max(np.abs(x.T @ x - np.eye(x.shape[0]))) <= tol)


def _simplex(x: np.ndarray[Any, Any], tol: float) -> bool:
    return bool(np.all(x > 0) and abs(x.sum() - 1) <= tol)


def _sphere(x: np.ndarray[Any, Any], tol: float) -> bool:
    return bool(abs(np.linalg.norm(x) - 1) <= tol)


def _full_rank(x: np.ndarray[Any, Any], tol: float) -> bool:
    s = np.linalg.svd(x, compute_uv=False)
    gaps = -np.diff(s)
    return bool(s[-1] >= 1 - tol and (gaps.size == 0 or gaps.min() >= 0.5 - tol))


def _distinct(x: np.ndarray[Any, Any], tol: float) -> bool:
    lam = np.linalg.eigvalsh(x)
    return _sym(x, tol) and bool(lam.size < 2 or np.diff(lam).min() >= 0.5 - tol)


PROPERTIES: dict[str, tuple[Callable[[int], domains.Domain], Callable[..., bool]]] = {
    "real": (
        lambda n: domains.real((n, 2)),
        lambda x, _tol: bool(np.all(np.isfinite(x))),
    ),
    "positive": (domains.positive, lambda x, _tol: bool(np.all(x > 0))),
    "symmetric": (domains.symmetric, _sym),
    "spd": (domains.spd, _spd),
    "invertible": (domains.invertible, _invertible),
    "invertible det>0": (
        lambda n: domains.invertible(n, positive_determinant=True),
        lambda x, tol: _invertible(x, tol) and np.linalg.det(x) > 0,
    ),
    "orthogonal": (domains.orthogonal, _orthogonal),
    "simplex": (domains.simplex, _simplex),
    "sphere": (domains.sphere, _sphere),
    "full_rank": (lambda n: domains.full_rank(n + 2, n), _full_rank),
    "full_rank wide": (lambda n: domains.full_rank(n, n + 1), _full_rank),
    "distinct_eigenvalues": (domains.distinct_eigenvalues, _distinct),
}


@pytest.mark.parametrize("name", sorted(PROPERTIES))
@pytest.mark.parametrize("n", [1, 2, 5])
def test_many_numpy_samples_have_the_property(name: str, n: int) -> None:
    make, holds = PROPERTIES[name]
    d = make(n)
    xs = d.sample_numpy(np.random.default_rng(n), 500)
    assert xs.shape == (500, *d.shape)
    assert all(holds(x, 1e-9) for x in xs), name
    assert all(d.contains(x) for x in xs), name


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_jax_samples_have_the_property_in_both_dtypes(dtype: Any) -> None:
    tree = {name: make(3) for name, (make, _) in PROPERTIES.items()}
    with jax.enable_x64(dtype == jnp.float64):
        keys = jax.random.split(jax.random.key(7), 16)
        samples = jax.jit(jax.vmap(lambda k: domains.sample(tree, k, dtype)))(keys)
        tol = 1e-4 if dtype == jnp.float32 else 1e-9
        for name, (_, holds) in PROPERTIES.items():
            xs = samples[name]
            assert xs.dtype == dtype
            assert xs.shape == (16, *tree[name].shape)
            assert all(holds(np.asarray(x, np.float64), tol) for x in xs), name
            assert all(tree[name].contains(x) for x in xs), name


@settings(max_examples=60)
@given(n=st.integers(2, 6), seed=st.integers(0, 2**32 - 1))
def test_invertible_is_never_nearly_symmetric(n: int, seed: int) -> None:
    xs = domains.invertible(n).sample_numpy(np.random.default_rng(seed), 200)
    asymmetry = np.linalg.norm(xs - np.swapaxes(xs, 1, 2), axis=(1, 2))
    assert asymmetry.min() >= 0.25 - 1e-12
    s = np.linalg.svd(xs, compute_uv=False)
    assert s.min() >= 0.75 - 1e-12
    assert s.max() <= 2.25 + 1e-12


def test_two_by_two_invertible_draws_need_and_get_the_skew_term() -> None:
    d = domains.invertible(2)
    z = np.random.default_rng(0).standard_normal((20_000, d.noise_size))
    # Without the skew term some draws would be nearly symmetric ...
    n = 2
    q = [np.linalg.qr(z[:, i * 4 : (i + 1) * 4].reshape(-1, 2, 2))[0] for i in (0, 1)]
    raw = q[0] @ np.swapaxes(q[1], 1, 2)
    assert np.linalg.norm(raw - np.swapaxes(raw, 1, 2), axis=(1, 2)).min() < 0.1
    # ... and with it none is.
    xs = d._from_noise(z, np)
    assert xs.shape == (20_000, n, n)
    assert np.linalg.norm(xs - np.swapaxes(xs, 1, 2), axis=(1, 2)).min() >= 0.25


@settings(max_examples=30)
@given(
    rows=st.integers(1, 5),
    cols=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_full_rank_has_separated_singular_values(
    rows: int, cols: int, seed: int
) -> None:
    d = domains.full_rank(rows, cols)
    xs = d.sample_numpy(np.random.default_rng(seed), 50)
    assert xs.shape == (50, rows, cols)
    assert all(_full_rank(x, 1e-9) and d.contains(x) for x in xs)


def test_numpy_and_jax_transforms_agree() -> None:
    for make, _ in PROPERTIES.values():
        d = make(3)
        z = np.random.default_rng(1).standard_normal((4, d.noise_size))
        with jax.enable_x64(True):
            from_jax = np.asarray(d._from_noise(jnp.asarray(z), jnp))
        np.testing.assert_allclose(
            d._from_noise(z, np), from_jax, rtol=1e-10, atol=1e-12
        )


def test_contains_rejects_points_outside() -> None:
    eye = np.eye(3)
    skew = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert not domains.symmetric(3).contains(eye + np.triu(np.ones((3, 3)), 1))
    assert not domains.spd(3).contains(-eye)
    assert not domains.orthogonal(3).contains(2 * eye)
    assert not domains.invertible(3).contains(np.zeros((3, 3)))
    assert not domains.invertible(3, positive_determinant=True).contains(-eye)
    assert domains.invertible(3).contains(skew)
    assert not domains.simplex(2).contains(np.array([0.5, 0.6]))
    assert not domains.simplex(2).contains(np.array([1.5, -0.5]))
    assert not domains.sphere(2).contains(np.array([1.0, 1.0]))
    assert not domains.positive(2).contains(np.array([1.0, 0.0]))
    assert not domains.full_rank(3, 2).contains(np.ones((3, 2)))
    assert not domains.distinct_eigenvalues(3).contains(eye)
    assert domains.distinct_eigenvalues(3).contains(np.diag([1.0, 2.0, 3.0]))
    # Wrong shape, NaN, integer arrays.
    assert not domains.real(3).contains(np.zeros(4))
    assert not domains.real(3).contains(np.array([1.0, np.nan, 0.0]))
    assert not domains.real(3).contains(np.array([1, 2, 3]))


def test_names_shapes_and_reprs() -> None:
    cases = {
        domains.real(()): ("real scalar", ()),
        domains.real(3): ("real 3", (3,)),
        domains.positive((2, 3)): ("positive 2x3", (2, 3)),
        domains.spd(4): ("SPD 4x4", (4, 4)),
        domains.invertible(2): ("invertible 2x2", (2, 2)),
        domains.invertible(2, positive_determinant=True): (
            "invertible 2x2, det > 0",
            (2, 2),
        ),
        domains.full_rank(5, 3): ("full-rank 5x3", (5, 3)),
        domains.sphere(3): ("unit sphere in R^3", (3,)),
    }
    for d, (name, shape) in cases.items():
        assert d.name == name
        assert str(d) == name
        assert d.shape == shape
        assert eval(repr(d), {"domains": domains}) == d
    assert domains.spd(3) == domains.spd(3)
    assert domains.spd(3) != domains.symmetric(3)
    assert hash(domains.spd(3)) == hash(domains.spd(3))


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: domains.spd(0), ValueError),
        (lambda: domains.spd(-2), ValueError),
        (lambda: domains.spd(2.5), ValueError),
        (lambda: domains.symmetric(True), ValueError),
        (lambda: domains.full_rank(3, 0), ValueError),
        (lambda: domains.real((-1, 2)), ValueError),
        (lambda: domains.real("3"), TypeError),
        (lambda: domains.real((2.0,)), TypeError),
    ],
)
def test_bad_constructor_arguments_raise(make: Callable[[], Any], error: type) -> None:
    with pytest.raises(error, match=r"must|negative"):
        make()


def test_pytrees_of_domains(key: jax.Array) -> None:
    tree = {"W": domains.real((2, 3)), "b": [domains.positive(2), domains.simplex(3)]}
    sample = domains.sample(tree, key)
    assert jax.tree_util.tree_structure(sample) == jax.tree_util.tree_structure(
        {"W": 0, "b": [0, 0]}
    )
    assert sample["W"].shape == (2, 3)
    assert domains.contains(tree, sample)
    assert not domains.contains(tree, {"W": sample["W"], "b": sample["b"][:1]})
    bad = {"W": sample["W"], "b": [-sample["b"][0], sample["b"][1]]}
    assert not domains.contains(tree, bad)
    assert domains.describe(tree) == "{'W': real 2x3, 'b': [positive 2, simplex 3]}"
    assert domains.describe((domains.spd(2),)) == "(SPD 2x2,)"
    # Leaves get independent keys.
    same = domains.sample([domains.real(3), domains.real(3)], key)
    assert not np.allclose(same[0], same[1])


def test_bad_trees_raise() -> None:
    with pytest.raises(
        TypeError, match=r"expected a domain at \['b'\].*domains\.real\(3\)"
    ):
        domains.sample({"a": domains.real(2), "b": 3}, 0)
    with pytest.raises(ValueError, match="holds none"):
        domains.describe({})


def test_keys_and_dtypes() -> None:
    d = domains.sphere(3)
    typed = d.sample(jax.random.key(5))
    raw = d.sample(jax.random.PRNGKey(5))
    seeded = d.sample(5)
    np.testing.assert_array_equal(typed, raw)
    np.testing.assert_array_equal(typed, seeded)
    assert not np.allclose(typed, d.sample(6))
    assert typed.dtype == jnp.float32
    with pytest.raises(TypeError, match="integer seed or a JAX PRNG key"):
        d.sample("5")
    with pytest.raises(ValueError, match="single PRNG key"):
        d.sample(jax.random.split(jax.random.key(0), 2))
    with pytest.raises(TypeError, match="not a floating-point type"):
        d.sample(0, jnp.int32)
    with pytest.raises(TypeError, match="complex"):
        d.sample(0, jnp.complex64)
    with pytest.raises(ValueError, match="64-bit mode"):
        d.sample(0, jnp.float64)
    with jax.enable_x64(True):
        assert d.sample(0, jnp.float64).dtype == jnp.float64
