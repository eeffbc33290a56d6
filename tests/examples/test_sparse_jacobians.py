"""Tests for autodiff_cookbook.examples.sparse_jacobians: patterns, colourings, coloured derivatives."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook.examples.sparse_jacobians import (
    bratu_residual,
    colour_columns,
    colouring_conflicts,
    rosenbrock,
    seed_matrix,
    sparse_hessian,
    sparse_jacobian,
    sparsity_pattern,
)


def band(n: int, b: int) -> np.ndarray:
    """The pattern of an n x n matrix of half-bandwidth b."""
    return np.abs(np.subtract.outer(np.arange(n), np.arange(n))) <= b


def gather_function(
    first: np.ndarray, second: np.ndarray
) -> tuple[Callable[[jax.Array], jax.Array], np.ndarray]:
    """f_r = sin(x[first[r]]) * x[second[r]] + x[first[r]], and its true pattern."""

    def f(x: jax.Array) -> jax.Array:
        return jnp.sin(x[first]) * x[second] + x[first]

    pattern = np.zeros((len(first), int(max(first.max(), second.max())) + 1), bool)
    pattern[np.arange(len(first)), first] = True
    pattern[np.arange(len(first)), second] = True
    return f, pattern


# -- sparsity_pattern -------------------------------------------------------------------


def test_pattern_keeps_entries_that_vanish_at_the_point() -> None:
    def f(x: jax.Array) -> jax.Array:
        return jnp.stack([x[0] * x[1], jax.nn.relu(x[1]) + x[2], 2 * x[2]])

    x = jnp.array([0.0, -1.0, 3.0])  # relu off, and d(x0 x1)/dx1 = x0 = 0
    expected = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]], bool)
    np.testing.assert_array_equal(sparsity_pattern(f, x), expected)
    by_value = np.asarray(jax.jacfwd(f)(x)) != 0
    assert by_value.sum() < expected.sum()  # the values really do miss entries


def test_pattern_counts_both_branches_of_where() -> None:
    def f(x: jax.Array) -> jax.Array:
        return jnp.where(x > 0, x[::-1], x)

    x = jnp.array([1.0, -2.0, 3.0, -4.0])
    expected = np.eye(4, dtype=bool) | np.eye(4, dtype=bool)[::-1]
    np.testing.assert_array_equal(sparsity_pattern(f, x), expected)


def test_pattern_looks_inside_scan_bodies() -> None:
    def f(x: jax.Array) -> jax.Array:
        def step(carry: jax.Array, xi: jax.Array) -> tuple[jax.Array, jax.Array]:
            return carry, jnp.where(xi > 0, xi * carry, 0.0)

        return jax.lax.scan(step, x[0], x[1:])[1]

    x = jnp.array([1.0, -2.0, 3.0, -1.0])
    expected = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 1]], bool)
    np.testing.assert_array_equal(sparsity_pattern(f, x), expected)


@pytest.mark.parametrize("n", [5, 17])
def test_bratu_pattern_is_a_band_of_half_width_two(n: int) -> None:
    u = jnp.linspace(0.1, 0.9, n)
    np.testing.assert_array_equal(sparsity_pattern(bratu_residual, u), band(n, 2))


def test_rosenbrock_hessian_pattern_is_tridiagonal() -> None:
    x = jnp.linspace(-1.0, 1.0, 9)
    np.testing.assert_array_equal(sparsity_pattern(jax.grad(rosenbrock), x), band(9, 1))


def test_small_batches_give_the_same_pattern() -> None:
    u = jnp.linspace(0.1, 0.9, 11)
    np.testing.assert_array_equal(
        sparsity_pattern(bratu_residual, u, batch_size=4), band(11, 2)
    )


def test_pattern_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="vector x"):
        sparsity_pattern(jnp.sin, jnp.ones((2, 2)))
    with pytest.raises(ValueError, match="f to return a vector"):
        sparsity_pattern(jnp.sum, jnp.ones(3))
    with pytest.raises(ValueError, match="batch_size"):
        sparsity_pattern(jnp.sin, jnp.ones(3), batch_size=0)
    with pytest.raises(TypeError, match="floating-point"):
        sparsity_pattern(jnp.sin, jnp.arange(3))


# -- colour_columns and colouring_conflicts -----------------------------------------------


@settings(derandomize=True, max_examples=30, deadline=None)
@given(
    n=st.integers(1, 300),
    b=st.integers(0, 6),
)
def test_greedy_colours_a_band_with_2b_plus_1_colours(n: int, b: int) -> None:
    colours = colour_columns(band(n, b))
    assert colours.max() + 1 == min(n, 2 * b + 1)
    assert colouring_conflicts(band(n, b), colours) == []


@settings(derandomize=True, max_examples=40, deadline=None)
@given(
    data=st.data(),
    m=st.integers(1, 12),
    n=st.integers(1, 12),
)
def test_greedy_colouring_is_valid_and_within_its_bounds(
    data: st.DataObject, m: int, n: int
) -> None:
    cells = data.draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))
    pattern = np.array(cells, bool).reshape(m, n)
    colours = colour_columns(pattern)
    assert colouring_conflicts(pattern, colours) == []
    k = colours.max() + 1
    assert set(colours.tolist()) == set(range(k))  # no gaps
    assert k >= pattern.sum(axis=1).max(initial=1)  # a row's nonzeros differ
    shares = (pattern.T.astype(int) @ pattern.astype(int)) > 0
    np.fill_diagonal(shares, False)
    assert k <= shares.sum(axis=1).max(initial=0) + 1  # greedy bound


def test_conflicts_name_the_row_and_both_columns() -> None:
    pattern = band(5, 1)
    assert colouring_conflicts(pattern, [0, 1, 2, 0, 1]) == []
    assert colouring_conflicts(pattern, [0, 1, 0, 2, 1]) == [(1, 0, 2)]


def test_colouring_rejects_bad_patterns() -> None:
    with pytest.raises(TypeError, match="boolean pattern"):
        colour_columns(np.eye(3))
    with pytest.raises(ValueError, match="two-dimensional"):
        colour_columns(np.ones(3, bool))
    with pytest.raises(ValueError, match="3 colours"):
        colouring_conflicts(np.eye(3, dtype=bool), [0, 1])


def test_seed_matrix_has_one_one_per_row() -> None:
    s = np.asarray(seed_matrix([0, 2, 1, 0, 2]))
    assert s.shape == (5, 3)
    np.testing.assert_array_equal(s.sum(axis=1), np.ones(5))
    np.testing.assert_array_equal(s.argmax(axis=1), [0, 2, 1, 0, 2])


# -- sparse_jacobian and sparse_hessian ---------------------------------------------------


@settings(derandomize=True, max_examples=6, deadline=None)
@given(data=st.data(), m=st.integers(1, 20), n=st.integers(2, 20))
def test_coloured_jacobian_equals_jacfwd_on_random_sparse_functions(
    data: st.DataObject, m: int, n: int
) -> None:
    index = st.lists(st.integers(0, n - 1), min_size=m, max_size=m)
    first = np.array(data.draw(index))
    second = np.array(data.draw(index))
    second[0] = n - 1  # every input is within range of the pattern
    f, expected = gather_function(first, second)
    x = jnp.linspace(-1.0, 1.5, expected.shape[1])
    pattern = sparsity_pattern(f, x)
    np.testing.assert_array_equal(pattern, expected)
    colours = colour_columns(pattern)
    jac = sparse_jacobian(f, x, pattern, colours)
    assert jac.nse == expected.sum()
    np.testing.assert_array_equal(jac.todense(), jax.jit(jax.jacfwd(f))(x))


def test_coloured_jacobian_uses_fewer_products_for_bratu(key: jax.Array) -> None:
    u = jax.random.uniform(key, (200,))
    pattern = sparsity_pattern(bratu_residual, u)
    colours = colour_columns(pattern)
    assert colours.max() + 1 == 5
    jac = sparse_jacobian(bratu_residual, u, pattern, colours).todense()
    dense = jax.jacfwd(bratu_residual)(u)
    # Equal to rounding: compiled programs may fuse the diagonal's two terms differently.
    np.testing.assert_allclose(jac, dense, rtol=4e-7, atol=0)
    assert np.array_equal(np.asarray(jac) != 0, band(200, 2))


def test_coloured_jacobian_works_under_jit() -> None:
    u = jnp.linspace(0.0, 1.0, 30)
    pattern = sparsity_pattern(bratu_residual, u)
    colours = colour_columns(pattern)
    jitted = jax.jit(
        lambda u: sparse_jacobian(bratu_residual, u, pattern, colours).data
    )
    eager = sparse_jacobian(bratu_residual, u, pattern, colours).data
    np.testing.assert_allclose(jitted(u), eager, rtol=4e-7)
    # The pattern and colouring serve at another point too.
    other = u**2 - 0.5
    dense = np.asarray(jax.jacfwd(bratu_residual)(other))
    np.testing.assert_allclose(jitted(other), dense[pattern], rtol=4e-7)


def test_a_wrong_colouring_is_refused_with_the_conflict_named() -> None:
    u = jnp.linspace(0.0, 1.0, 8)
    pattern = sparsity_pattern(bratu_residual, u)
    wrong = np.arange(8) % 4  # columns 0 and 4 share row 2
    with pytest.raises(
        ValueError, match=r"columns 0 and 4 both have colour 0 .* row 2"
    ):
        sparse_jacobian(bratu_residual, u, pattern, wrong)


def test_a_pattern_of_the_wrong_shape_is_refused() -> None:
    u = jnp.linspace(0.0, 1.0, 8)
    with pytest.raises(ValueError, match=r"pattern has shape \(7, 8\)"):
        sparse_jacobian(bratu_residual, u, band(8, 2)[:7], np.arange(8) % 5)
    with pytest.raises(TypeError, match="integer colours"):
        sparse_jacobian(bratu_residual, u, band(8, 2), np.arange(8) % 5 * 1.0)
    with pytest.raises(ValueError, match="colours 0, 1, 2"):
        sparse_jacobian(bratu_residual, u, band(8, 2), np.arange(8) % 5 - 1)


def test_coloured_hessian_equals_jax_hessian(key: jax.Array) -> None:
    x = jax.random.normal(key, (50,))
    pattern = sparsity_pattern(jax.grad(rosenbrock), x)
    colours = colour_columns(pattern)
    assert colours.max() + 1 == 3
    hess = sparse_hessian(rosenbrock, x, pattern, colours)
    np.testing.assert_array_equal(hess.todense(), jax.jit(jax.hessian(rosenbrock))(x))


def test_hessian_needs_a_scalar_function() -> None:
    with pytest.raises(ValueError, match="scalar function"):
        sparse_hessian(jnp.sin, jnp.ones(3), np.eye(3, dtype=bool), np.zeros(3, int))


def test_arrowhead_needs_n_column_colours() -> None:
    def f(x: jax.Array) -> jax.Array:
        return x[0] * jnp.sum(x**2)

    pattern = sparsity_pattern(jax.grad(f), jnp.ones(7))
    assert pattern[0].all()
    assert pattern[:, 0].all()
    np.testing.assert_array_equal(colour_columns(pattern), np.arange(7))


# -- the examples ---------------------------------------------------------------------------


def test_bratu_stencil_is_fourth_order() -> None:
    def error(n: int) -> float:
        t = jnp.linspace(0.0, 1.0, n + 2)[1:-1]
        u = jnp.sin(jnp.pi * t)
        residual = bratu_residual(u, lam=0.0) + jnp.pi**2 * u
        return float(jnp.max(jnp.abs(residual)))

    with jax.enable_x64(True):
        ratio = error(20) / error(41)  # h halves
    assert 12 < ratio < 20  # 2^4 = 16


def test_bratu_rejects_a_single_point() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        bratu_residual(jnp.ones(1))


def test_rosenbrock_minimum_and_value() -> None:
    assert float(rosenbrock(jnp.ones(6))) == 0.0
    assert float(rosenbrock(jnp.zeros(6))) == 5.0
