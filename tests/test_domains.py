"""Tests for autodiff_cookbook.domains: every sample has its domain's property."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import check_gradient, domains

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
    xs = d.from_noise(z, np)
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
            from_jax = np.asarray(d.from_noise(jnp.asarray(z), jnp))
        np.testing.assert_allclose(
            d.from_noise(z, np), from_jax, rtol=1e-10, atol=1e-12
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


# -- one value for a pytree of domains: domains.Tree ---------------------------


def test_tree_holds_leaves_structure_paths_and_name() -> None:
    inner = [domains.positive(2), domains.simplex(3)]
    tree = domains.Tree.of({"W": domains.real((2, 3)), "b": inner})
    assert tree.leaves == (domains.real((2, 3)), *inner)
    assert tree.paths == ("['W']", "['b'][0]", "['b'][1]")
    assert tree.shapes == ((2, 3), (2,), (3,))
    assert tree.size == 6 + 2 + 3
    assert not tree.single
    assert tree.treedef == jax.tree_util.tree_structure({"W": 0, "b": [0, 0]})
    assert tree.name == "{'W': real 2x3, 'b': [positive 2, simplex 3]}"
    assert tree.name == domains.describe(tree)


def test_a_bare_domain_is_a_single_tree_with_an_empty_path() -> None:
    bare = domains.Tree.of(domains.spd(3))
    assert bare.single
    assert bare.paths == ("",)
    assert bare.leaves == (domains.spd(3),)
    assert (bare.size, bare.name) == (9, "SPD 3x3")
    # A container of one domain is not a bare domain.
    for boxed in ([domains.spd(3)], (domains.spd(3),), {"a": domains.spd(3)}):
        assert not domains.Tree.of(boxed).single
    assert domains.Tree.of((domains.spd(3),)).paths == ("[0]",)


def test_tree_of_a_tree_is_itself_and_trees_compare_by_value() -> None:
    tree = domains.Tree.of([domains.real(2), domains.sphere(3)])
    assert domains.Tree.of(tree) is tree
    again = domains.Tree.of([domains.real(2), domains.sphere(3)])
    assert again == tree
    assert hash(again) == hash(tree)
    assert domains.Tree.of([domains.real(2), domains.real(3)]) != tree
    assert domains.Tree.of((domains.real(2), domains.sphere(3))) != tree
    # The module-level functions accept a Tree as they accept the pytree.
    assert domains.describe(tree) == "[real 2, unit sphere in R^3]"


def test_tree_of_names_the_path_of_a_leaf_that_is_not_a_domain() -> None:
    with pytest.raises(TypeError, match=r"expected a domain at \['b'\]\[1\], got 3 "):
        domains.Tree.of({"a": domains.real(2), "b": [domains.real(2), 3]})
    # A shape where a domain belongs: a tuple is a pytree, its first int the leaf.
    with pytest.raises(TypeError, match=r"at \[0\]\[0\], got 2 \(int\).*real\(2\)\.$"):
        domains.Tree.of([(2, 3)])
    with pytest.raises(TypeError, match=r"at \[0\], got 'x' \(str\).*real\(shape\)"):
        domains.Tree.of(["x"])
    # A bare leaf has no path to name.
    with pytest.raises(TypeError, match=r"expected a domain, got 'spd' \(str\)"):
        domains.Tree.of("spd")
    for empty in ({}, [], (), None, {"a": []}):
        with pytest.raises(ValueError, match=r"holds none; pass e\.g\. domains\.real"):
            domains.Tree.of(empty)


def test_a_tree_built_by_hand_must_be_consistent() -> None:
    good = domains.Tree.of([domains.real(2), domains.real(3)])
    with pytest.raises(ValueError, match=r"one path per leaf.*Tree\.of"):
        domains.Tree(good.leaves, good.treedef, good.paths[:1], good.name)
    with pytest.raises(ValueError, match=r"treedef of 2"):
        domains.Tree(good.leaves[:1], good.treedef, good.paths[:1], good.name)


def test_tree_sample_matches_module_sample_and_gives_each_leaf_its_key(
    key: jax.Array,
) -> None:
    tree = domains.Tree.of({"s": domains.sphere(3), "t": domains.sphere(3)})
    drawn = tree.sample(key)
    np.testing.assert_array_equal(drawn["s"], domains.sample(tree, key)["s"])
    assert not np.allclose(drawn["s"], drawn["t"])
    assert tree.contains(drawn)
    # A bare domain draws with the key itself, as Domain.sample does.
    bare = domains.Tree.of(domains.sphere(3))
    np.testing.assert_array_equal(bare.sample(key), domains.sphere(3).sample(key))
    with pytest.raises(TypeError, match="not a floating-point type"):
        tree.sample(key, jnp.int32)


def test_tree_sample_numpy_stacks_every_leaf_from_one_generator() -> None:
    tree = domains.Tree.of([domains.spd(2), {"p": domains.simplex(3)}])
    xs = tree.sample_numpy(np.random.default_rng(3), 7, np.float32)
    assert xs[0].shape == (7, 2, 2)
    assert xs[1]["p"].shape == (7, 3)
    assert xs[0].dtype == xs[1]["p"].dtype == np.float32
    # The leaves draw in turn from the same generator, in leaf order.
    rng = np.random.default_rng(3)
    first = domains.spd(2).sample_numpy(rng, 7, np.float32)
    second = domains.simplex(3).sample_numpy(rng, 7, np.float32)
    np.testing.assert_array_equal(xs[0], first)
    np.testing.assert_array_equal(xs[1]["p"], second)
    assert all(
        tree.contains([a, {"p": p}]) for a, p in zip(xs[0], xs[1]["p"], strict=True)
    )


def test_tree_radius_is_the_smallest_over_leaves() -> None:
    tree = domains.Tree.of(
        {"a": domains.positive(2), "b": domains.simplex(2), "c": domains.real(4)}
    )
    xs = {
        "a": np.array([[0.5, 2.0], [3.0, 4.0], [1.0, 1.0]]),
        "b": np.array([[0.3, 0.7], [0.2, 0.8], [0.5, 0.5]]),
        "c": np.zeros((3, 4)),
    }
    radius = tree.radius(xs)
    assert radius.dtype == np.float64
    np.testing.assert_array_equal(radius, [0.3, 0.2, 0.5])
    # Unbounded leaves alone give inf; leaves without entries are left out.
    np.testing.assert_array_equal(
        domains.Tree.of(domains.real(3)).radius(np.zeros((2, 3))), [np.inf, np.inf]
    )
    empty = domains.Tree.of([domains.positive(0), domains.positive(1)])
    np.testing.assert_array_equal(
        empty.radius([np.zeros((2, 0)), np.array([[2.0], [3.0]])]), [2.0, 3.0]
    )
    assert empty.size == 1
    with pytest.raises(ValueError, match=r"do not have the structure .*Expected dict"):
        tree.radius([xs["a"], xs["b"], xs["c"]])
    with pytest.raises(ValueError, match=r"structure of the domain .*'c'"):
        tree.radius({"a": xs["a"], "b": xs["b"]})


BOUNDED = {
    "positive": domains.positive((2, 2)),
    "simplex": domains.simplex(4),
    "spd": domains.spd(3),
    "invertible": domains.invertible(3),
    "full_rank": domains.full_rank(4, 2),
    "distinct_eigenvalues": domains.distinct_eigenvalues(3),
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_built_in_radii_are_positive_and_finite_on_samples(name: str) -> None:
    d = BOUNDED[name]
    xs = d.sample_numpy(np.random.default_rng(0), 200)
    radius = d.radius(xs)
    assert radius.shape == (200,)
    assert radius.dtype == np.float64
    assert np.all(np.isfinite(radius))
    assert np.all(radius > 0)


@pytest.mark.parametrize(
    "d",
    [domains.real(3), domains.symmetric(3), domains.orthogonal(3), domains.sphere(3)],
)
def test_domains_that_do_not_bound_steps_have_an_infinite_radius(
    d: domains.Domain,
) -> None:
    xs = d.sample_numpy(np.random.default_rng(0), 5)
    np.testing.assert_array_equal(d.radius(xs), np.full(5, np.inf))


# Hypothesis: random nested pytrees of domains.

_LEAVES = st.sampled_from(
    [
        domains.real(()),
        domains.real((2, 3)),
        domains.positive(2),
        domains.positive(0),
        domains.simplex(3),
        domains.spd(2),
        domains.invertible(2),
        domains.sphere(2),
    ]
)
_TREES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3),
        st.lists(children, min_size=1, max_size=3).map(tuple),
        st.dictionaries(st.sampled_from("abcd"), children, min_size=1, max_size=3),
    ),
    max_leaves=6,
)


@settings(max_examples=40)
@given(tree=_TREES, count=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_tree_agrees_with_jax_tree_util_on_any_pytree_of_domains(
    tree: Any, count: int, seed: int
) -> None:
    t = domains.Tree.of(tree)
    flat, treedef = jax.tree_util.tree_flatten_with_path(
        tree, is_leaf=lambda node: isinstance(node, domains.Domain)
    )
    assert t.leaves == tuple(d for _, d in flat)
    assert t.treedef == treedef
    assert t.paths == tuple(jax.tree_util.keystr(p) for p, _ in flat)
    assert t.single == isinstance(tree, domains.Domain)
    assert t.size == sum(int(np.prod(d.shape)) for _, d in flat)
    assert t.name == domains.describe(tree)
    xs = t.sample_numpy(np.random.default_rng(seed), count, np.float64)
    stacked = jax.tree_util.tree_leaves(xs)
    assert [x.shape for x in stacked] == [(count, *d.shape) for d in t.leaves]
    assert jax.tree_util.tree_structure(xs) == treedef
    for i in range(count):
        assert t.contains(jax.tree_util.tree_map(lambda x, i=i: x[i], xs))
    want = np.full(count, np.inf)
    for d, x in zip(t.leaves, stacked, strict=True):
        if x[0].size:
            want = np.minimum(want, d.radius(x))
    np.testing.assert_array_equal(t.radius(xs), want)
    assert np.all(t.radius(xs) > 0)


# -- a domain of one's own implements the public methods -----------------------


@dataclasses.dataclass(frozen=True)
class UnitDiagonal(domains.Domain):
    """Symmetric matrices with a unit diagonal whose rows are diagonally dominant.

    Every sample is positive definite; the radius is the room that the
    dominance leaves: one minus the largest off-diagonal row sum.
    """

    @property
    def name(self) -> str:
        return f"unit-diagonal {self.shape[0]}x{self.shape[1]}"

    def from_noise(self, z: Any, xp: Any) -> Any:
        n = self.shape[0]
        g = xp.tanh(z).reshape((*z.shape[:-1], n, n)) * (0.5 / max(n - 1, 1))
        return (g + xp.swapaxes(g, -1, -2)) / 2 * (1 - xp.eye(n)) + xp.eye(n)

    def holds(self, x: Any, tol: float) -> bool:
        n = self.shape[0]
        off = np.sum(np.abs(x - np.eye(n)), axis=-1)
        return bool(np.max(np.abs(x - x.T)) <= tol and np.max(off) < 1.0)

    def radius(self, xs: Any) -> Any:
        off = np.sum(np.abs(xs - np.eye(self.shape[0])), axis=-1)
        return 1.0 - np.max(off, axis=-1)


def test_a_domain_of_ones_own_implements_the_public_methods(key: jax.Array) -> None:
    # The shape is normalised, as the constructors normalise theirs.
    assert UnitDiagonal([np.int64(3), 3]).shape == (3, 3)
    with pytest.raises(TypeError, match="shape must be an integer or a tuple"):
        UnitDiagonal(("3", "3"))
    d = UnitDiagonal((3, 3))
    assert str(d) == d.name == "unit-diagonal 3x3"
    assert d.noise_size == 9  # by default, one number per entry
    x = d.sample(key)
    assert x.shape == (3, 3)
    assert d.contains(x)
    assert not d.contains(2 * np.eye(3))
    assert not d.contains(np.ones((3, 3)))
    assert not d.contains(np.eye(2))
    xs = d.sample_numpy(np.random.default_rng(0), 100)
    assert xs.shape == (100, 3, 3)
    assert all(d.contains(x) for x in xs)
    assert all(np.linalg.eigvalsh(x)[0] > 0 for x in xs)
    tree = domains.Tree.of({"C": d, "v": domains.positive(3)})
    assert tree.name == "{'C': unit-diagonal 3x3, 'v': positive 3}"
    radius = tree.radius(tree.sample_numpy(np.random.default_rng(1), 50))
    assert np.all((radius > 0) & (radius < 1))
    z = np.random.default_rng(2).standard_normal((4, d.noise_size))
    with jax.enable_x64(True):
        from_jax = np.asarray(d.from_noise(jnp.asarray(z), jnp))
    np.testing.assert_allclose(d.from_noise(z, np), from_jax, rtol=1e-12)


def test_a_domain_of_ones_own_passes_check_gradient() -> None:
    # log det C is defined on positive definite matrices; its gradient is C^-T.
    result = check_gradient(
        lambda c: jnp.linalg.slogdet(c)[1],
        lambda c: jnp.linalg.inv(c).T,
        UnitDiagonal((3, 3)),
    )
    assert result.ok, result


def test_a_domain_must_implement_the_public_methods() -> None:
    class OldStyle(domains.Domain):
        @property
        def name(self) -> str:
            return "old"

        def _from_noise(self, z: Any, xp: Any) -> Any:  # noqa: ARG002
            return z

        def _holds(self, x: Any, tol: float) -> bool:  # noqa: ARG002
            return True

    with pytest.raises(TypeError, match=r"abstract.*from_noise|from_noise.*abstract"):
        OldStyle((2,))


# -- complex domains -------------------------------------------------------------


def test_complex_domain_name_noise_and_dtypes(key: jax.Array) -> None:
    d = domains.complex((3, 2))
    assert d.name == "complex 3x2"
    assert d.shape == (3, 2)
    assert d.noise_size == 12
    assert d.is_complex
    assert not domains.real((3, 2)).is_complex
    assert eval(repr(d), {"domains": domains}) == d
    assert d != domains.real((3, 2))
    # The complex counterpart of the requested real dtype, everywhere.
    assert d.sample_dtype(np.float64) == np.complex128
    assert d.sample_dtype(np.float32) == np.complex64
    assert d.sample_dtype(np.complex64) == np.complex64
    assert domains.real(2).sample_dtype(np.float32) == np.float32
    z = d.sample(key)
    assert z.dtype == jnp.complex64
    assert z.shape == (3, 2)
    with jax.enable_x64(True):
        assert d.sample(key, jnp.float64).dtype == jnp.complex128
    assert d.sample_numpy(np.random.default_rng(0), 4).dtype == np.complex128
    assert d.sample_numpy(np.random.default_rng(0), 4, np.float32).dtype == np.complex64
    tree = domains.Tree.of({"z": d, "x": domains.real(2)})
    s = tree.sample(key)
    assert (s["z"].dtype, s["x"].dtype) == (jnp.complex64, jnp.float32)
    xs = tree.sample_numpy(np.random.default_rng(0), 3, np.float32)
    assert (xs["z"].dtype, xs["x"].dtype) == (np.complex64, np.float32)
    assert all(
        tree.contains({"z": a, "x": b}) for a, b in zip(xs["z"], xs["x"], strict=True)
    )


def test_complex_samples_have_standard_normal_parts_that_differ() -> None:
    d = domains.complex(4)
    zs = d.sample_numpy(np.random.default_rng(1), 20_000)
    # The transform is exactly noise[:n] + i noise[n:].
    z = np.random.default_rng(2).standard_normal(8)
    np.testing.assert_array_equal(d.from_noise(z, np), z[:4] + 1j * z[4:])
    np.testing.assert_allclose(
        np.asarray(d.from_noise(jnp.asarray(z, jnp.float32), jnp)),
        (z[:4] + 1j * z[4:]).astype(np.complex64),
        rtol=1e-6,
    )
    for part in (zs.real, zs.imag):
        assert abs(part.mean()) < 0.03
        assert abs(part.std() - 1) < 0.03
    # Real and imaginary parts are independent, and draws differ.
    assert abs(np.corrcoef(zs.real.ravel(), zs.imag.ravel())[0, 1]) < 0.03
    assert not np.allclose(zs[0], zs[1])
    a, b = domains.sample([d, d], 0)
    assert not np.allclose(a, b)


def test_contains_takes_complex_arrays_for_complex_domains_only() -> None:
    c, r = domains.complex(2), domains.real(2)
    z = np.array([1 + 2j, -1j], np.complex64)
    assert c.contains(z)
    assert c.contains(z.astype(np.complex128))
    assert not c.contains(z.real)  # a real array is not typed like a complex input
    assert not r.contains(z)
    assert not c.contains(np.array([1 + 2j, np.nan]))
    assert not c.contains(np.array([1j, 1j, 1j]))
    seen: list[np.dtype[Any]] = []

    @dataclasses.dataclass(frozen=True)
    class Recording(domains.Domain):
        @property
        def name(self) -> str:
            return "recording"

        @property
        def is_complex(self) -> bool:
            return True

        def from_noise(self, z: Any, xp: Any) -> Any:  # noqa: ARG002
            return z + 0j

        def holds(self, x: Any, tol: float) -> bool:  # noqa: ARG002
            seen.append(x.dtype)
            return True

    assert Recording((2,)).contains(z)
    assert seen == [np.complex128]


def test_tree_radius_of_a_complex_leaf_is_infinite() -> None:
    tree = domains.Tree.of([domains.complex(2), domains.positive(1)])
    xs = tree.sample_numpy(np.random.default_rng(0), 3)
    assert xs[0].dtype == np.complex128
    np.testing.assert_array_equal(tree.radius(xs), xs[1][:, 0])
    alone = domains.Tree.of(domains.complex(2))
    np.testing.assert_array_equal(
        alone.radius(alone.sample_numpy(np.random.default_rng(0), 2)), [np.inf, np.inf]
    )


# -- domains shaped like a model: like, near --------------------------------------


@jax.tree_util.register_dataclass
@dataclasses.dataclass
class _Linear:
    """A registered pytree like an Equinox module."""

    weight: Any
    bias: Any


def test_like_keeps_structure_shapes_and_complexness() -> None:
    params = {
        "W": jnp.zeros((3, 2), jnp.float32),
        "b": np.zeros(3),
        "phase": jnp.zeros(2, jnp.complex64),
        "layers": [jnp.zeros(4, jnp.bfloat16), 0.5],
    }
    d = domains.like(params)
    assert jax.tree_util.tree_structure(
        d, is_leaf=lambda n: isinstance(n, domains.Domain)
    ) == jax.tree_util.tree_structure(params)
    assert d == {
        "W": domains.real((3, 2)),
        "b": domains.real(3),
        "phase": domains.complex(2),
        "layers": [domains.real(4), domains.real(())],
    }
    assert domains.like(jnp.ones(5)) == domains.real(5)
    shapes = jax.eval_shape(lambda: {"w": jnp.ones((2, 2))})
    assert domains.like(shapes) == {"w": domains.real((2, 2))}
    model = _Linear(weight=jnp.ones((2, 3)), bias=jnp.ones(2, jnp.complex64))
    like = domains.like(model)
    assert isinstance(like, _Linear)
    assert (like.weight, like.bias) == (domains.real((2, 3)), domains.complex(2))
    x = domains.sample(like, 0)
    assert (x.weight.shape, x.bias.dtype) == ((2, 3), jnp.complex64)


@pytest.mark.parametrize(
    ("tree", "where", "what"),
    [
        ({"W": jnp.zeros(2), "n": 3}, r"\['n'\]", r"3 \(int\)"),
        ({"W": jnp.zeros(2), "mask": jnp.ones(2, bool)}, r"\['mask'\]", "dtype bool"),
        ([jnp.zeros(2), np.arange(3)], r"\[1\]", r"shape \(3,\) and dtype int64"),
        ({"flag": True}, r"\['flag'\]", r"True \(bool\)"),
        ({"act": jnp.tanh}, r"\['act'\]", "PjitFunction|function"),
        (_Linear(jnp.zeros(2), "relu"), r"\.bias", r"'relu' \(str\)"),
        (np.arange(2), "the input", "dtype int64"),
    ],
)
@pytest.mark.parametrize("make", [domains.like, lambda t: domains.near(t, 0.1)])
def test_a_leaf_that_cannot_be_differentiated_is_named_with_its_path(
    tree: Any, where: str, what: str, make: Callable[[Any], Any]
) -> None:
    with pytest.raises(ValueError, match=where) as info:
        make(tree)
    message = str(info.value)
    assert re.search(what, message), message
    assert "equinox.partition(model, equinox.is_inexact_array)" in message
    assert "jax.tree_util" in message


def test_like_and_near_need_an_array() -> None:
    for make in (domains.like, lambda t: domains.near(t, 0.1)):
        with pytest.raises(ValueError, match="holds no arrays"):
            make({})
    with pytest.raises(ValueError, match="no values to draw around"):
        domains.near(jax.eval_shape(lambda: jnp.ones(2)), 0.1)
    with pytest.raises(ValueError, match=r"\['b'\] has non-finite entries"):
        domains.near({"a": jnp.ones(2), "b": jnp.array([1.0, jnp.nan])}, 0.1)


def test_near_draws_around_the_centre(key: jax.Array) -> None:
    centre = {"W": jnp.arange(6.0).reshape(3, 2), "z": jnp.array([1 + 1j, -2j])}
    d = domains.near(centre, 0.01)
    assert d["W"].name == "near (3, 2) ± 0.01"
    assert d["z"].name == "near complex (2,) ± 0.01"
    assert (d["W"].is_complex, d["z"].is_complex) == (False, True)
    assert (d["W"].noise_size, d["z"].noise_size) == (6, 4)
    assert d["W"].centre.dtype == np.float64
    assert d["z"].centre.dtype == np.complex128
    assert not d["W"].centre.flags.writeable
    assert np.all(np.isinf(d["W"].radius(np.zeros((2, 3, 2)))))
    xs = domains.Tree.of(d).sample_numpy(np.random.default_rng(0), 4000)
    assert xs["W"].dtype == np.float64
    assert xs["z"].dtype == np.complex128
    dev_w = xs["W"] - np.asarray(centre["W"])
    dev_z = xs["z"] - np.asarray(centre["z"])
    np.testing.assert_allclose(dev_w.mean(axis=0), 0, atol=0.001)
    assert abs(dev_w.std() - 0.01) < 0.0005
    assert abs(dev_z.real.std() - 0.01) < 0.0005
    assert abs(dev_z.imag.std() - 0.01) < 0.0005
    assert not np.allclose(xs["W"][0], xs["W"][1])
    s = domains.sample(d, key)
    assert (s["W"].dtype, s["z"].dtype) == (jnp.float32, jnp.complex64)
    np.testing.assert_allclose(s["W"], centre["W"], atol=0.06)
    assert domains.contains(d, s)
    assert not domains.contains(d, {"W": s["W"], "z": s["z"].real})
    with jax.enable_x64(True):
        s64 = jax.jit(lambda k: domains.sample(d, k, jnp.float64))(key)
        assert (s64["W"].dtype, s64["z"].dtype) == (jnp.float64, jnp.complex128)
    # A Python float is a scalar leaf.
    scalar = domains.near(2.5, 0.1)
    assert scalar.shape == ()
    assert scalar.name == "near () ± 0.1"


@pytest.mark.parametrize(
    "scale", [0.0, -0.1, float("inf"), float("nan"), True, "0.1", None, 1j, [0.1]]
)
def test_near_needs_a_finite_positive_scale(scale: Any) -> None:
    with pytest.raises(ValueError, match="scale must be a finite number > 0"):
        domains.near(jnp.ones(2), scale)


def test_near_accepts_numeric_scales() -> None:
    for scale in (1, np.float32(0.5), np.array(0.5), jnp.array(0.5)):
        assert domains.near(jnp.ones(2), scale).scale == float(scale)


def test_trees_of_near_domains_are_hashable_and_compare_by_value() -> None:
    params = {"W": jnp.ones((2, 2)), "b": jnp.zeros(2)}
    a = domains.Tree.of(domains.near(params, 0.1))
    b = domains.Tree.of(domains.near(params, 0.1))
    assert hash(a) == hash(b)
    assert a == b
    assert {a: 1}[b] == 1
    moved = domains.Tree.of(
        domains.near({"W": jnp.ones((2, 2)), "b": jnp.ones(2)}, 0.1)
    )
    wider = domains.Tree.of(domains.near(params, 0.2))
    assert a != moved
    assert a != wider
    assert len({a, moved, wider}) == 3
    assert domains.near(jnp.ones(2), 0.1) != domains.real(2)
    # The centre is a copy: changing the array it came from changes nothing.
    w = np.ones(2)
    d = domains.near(w, 0.1)
    w[0] = 5.0
    np.testing.assert_array_equal(d.centre, [1.0, 1.0])
