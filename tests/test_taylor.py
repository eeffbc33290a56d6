"""Tests for autodiff_cookbook.taylor: slope 2 for right gradients, 1 for wrong ones."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import matplotlib as mpl
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import TaylorResult, taylor_test

mpl.use("Agg")


def quartic(x: jax.Array) -> jax.Array:
    return (x @ x) ** 2


def quartic_gradient(x: jax.Array) -> jax.Array:
    return 4 * (x @ x) * x


X = jnp.array([0.5, -1.0, 2.0])


def test_right_and_wrong_gradients() -> None:
    right = taylor_test(quartic, quartic_gradient, X)
    wrong = taylor_test(quartic, lambda x: 2 * (x @ x) * x, X)
    assert isinstance(right, TaylorResult)
    assert right.ok
    assert bool(right)
    assert right.slope == pytest.approx(2, abs=0.1)
    assert not wrong.ok
    assert wrong.slope == pytest.approx(1, abs=0.1)
    assert right.steps.shape == right.errors.shape == (33,)
    assert right.steps[0] == pytest.approx(1e-8)
    assert right.steps[-1] == pytest.approx(1.0)
    start, stop = right.window
    assert stop - start == 9
    assert right.dtype == "float64"


def test_the_remainder_is_the_first_order_error() -> None:
    direction = jnp.array([1.0, 0.0, 0.0])
    result = taylor_test(quartic, quartic_gradient, X, direction)
    with jax.enable_x64(True):
        x = X.astype(jnp.float64)
        h = result.steps[20]
        expected = abs(
            quartic(x + h * direction) - quartic(x) - h * quartic_gradient(x)[0]
        )
    assert result.errors[20] == pytest.approx(float(expected), rel=1e-6)
    assert result.directional_derivative == pytest.approx(float(quartic_gradient(X)[0]))


def test_directions_are_normalised_and_random_by_default() -> None:
    a = taylor_test(quartic, quartic_gradient, X, 10 * jnp.array([0.0, 1.0, 0.0]))
    b = taylor_test(quartic, quartic_gradient, X, jnp.array([0.0, 1.0, 0.0]))
    np.testing.assert_allclose(a.errors, b.errors)
    c = taylor_test(quartic, quartic_gradient, X, key=1)
    d = taylor_test(quartic, quartic_gradient, X, key=2)
    assert c.directional_derivative != d.directional_derivative


def test_pytrees_and_matrices() -> None:
    def f(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.sum(jnp.tanh(p["w"] @ p["b"]))

    def grad(p: dict[str, jax.Array]) -> dict[str, jax.Array]:
        s = 1 - jnp.tanh(p["w"] @ p["b"]) ** 2
        return {"w": jnp.outer(s, p["b"]), "b": p["w"].T @ s}

    p = {"w": jnp.array([[0.3, -0.2], [0.1, 0.4]]), "b": jnp.array([1.0, -0.5])}
    assert taylor_test(f, grad, p).ok
    assert not taylor_test(f, lambda p: {**grad(p), "b": 0 * p["b"]}, p).ok
    x = jnp.array([[2.0, 1.0], [0.5, 3.0]])
    neg_log_det = lambda a: -jnp.log(jnp.linalg.det(a))
    assert taylor_test(neg_log_det, lambda a: -jnp.linalg.inv(a).T, x).ok
    seed = taylor_test(neg_log_det, lambda a: jnp.linalg.inv(a).T, x)
    assert not seed.ok
    transposed = taylor_test(neg_log_det, lambda a: -jnp.linalg.inv(a), x)
    assert not transposed.ok


def test_float32() -> None:
    result = taylor_test(quartic, quartic_gradient, X, dtype=jnp.float32)
    assert result.dtype == "float32"
    assert result.ok
    assert not taylor_test(quartic, lambda x: 3 * (x @ x) * x, X, dtype=jnp.float32).ok


def test_a_function_linear_along_the_direction_passes() -> None:
    result = taylor_test(lambda x: 3 * x.sum(), lambda x: 3 * jnp.ones_like(x), X)
    assert result.ok
    assert np.all(result.errors <= 1e-12)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (
            lambda: taylor_test(quartic, quartic_gradient, jnp.arange(3)),
            TypeError,
            "floating-point",
        ),
        (lambda: taylor_test(lambda x: x**2, quartic_gradient, X), TypeError, "scalar"),
        (lambda: taylor_test(quartic, lambda x: x[:2], X), TypeError, "shapes of x"),
        (
            lambda: taylor_test(quartic, quartic_gradient, X, jnp.zeros(3)),
            ValueError,
            "nonzero",
        ),
        (
            lambda: taylor_test(quartic, quartic_gradient, X, jnp.ones(2)),
            ValueError,
            "shapes of x",
        ),
        (
            lambda: taylor_test(quartic, quartic_gradient, X, dtype=jnp.int32),
            TypeError,
            "floating-point",
        ),
    ],
)
def test_bad_input_raises(call: Any, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_plot() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    right = taylor_test(quartic, quartic_gradient, X)
    wrong = taylor_test(quartic, lambda x: 2 * (x @ x) * x, X)
    assert right.plot(ax, label="right") is ax
    wrong.plot(ax, label="wrong")
    assert ax.get_xscale() == "log"
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["right", "wrong"]
    annotations = [t.get_text() for t in ax.texts]
    assert f"slope {right.slope:.2f}" in annotations
    assert f"slope {wrong.slope:.2f}" in annotations
    plt.close(fig)
    new_ax = right.plot()
    assert new_ax.get_xscale() == "log"
    plt.close(new_ax.figure)


@settings(max_examples=5)
@given(n=st.integers(1, 4), seed=st.integers(0, 1000))
def test_slope_two_for_right_gradients(n: int, seed: int) -> None:
    x = jnp.asarray(np.random.default_rng(seed).standard_normal(n))
    result = taylor_test(quartic, quartic_gradient, x, key=seed)
    assert result.ok
    assert result.slope >= 1.8
