"""Tests for autodiff_cookbook.examples.pytrees, the network of the page *Gradients of pytrees*."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cookbook.examples.gradients import relu
from autodiff_cookbook.examples.pytrees import (
    BATCH_SIZE,
    LAYER_SIZES,
    init_layers,
    layers_as_dict,
    network_forward,
    network_loss,
    network_loss_and_stats,
    seed_input,
    seed_layers,
    seed_operation,
)

sizes_strategy = st.lists(st.integers(min_value=1, max_value=6), min_size=2, max_size=4)


def _batch(
    key: jax.Array, n: int = LAYER_SIZES[0], batch: int = BATCH_SIZE
) -> jax.Array:
    return jax.random.normal(key, (batch, n))


def test_init_layers_has_the_seed_shapes(key: jax.Array) -> None:
    layers = init_layers(key)
    assert [w.shape for w in layers] == [(28, 16), (16, 16), (16, 10)]
    assert all(w.dtype == jnp.float32 for w in layers)


def test_init_layers_draws_independent_layers(key: jax.Array) -> None:
    layers = init_layers(key)
    assert not jnp.array_equal(layers[1], layers[0][:16])
    assert not jnp.array_equal(layers[2].ravel(), layers[0].ravel()[:160])
    # Standard normal entries: the first two moments are close to 0 and 1.
    entries = jnp.concatenate([w.ravel() for w in layers])
    assert abs(float(entries.mean())) < 0.15
    assert abs(float(entries.std()) - 1.0) < 0.15


@given(sizes_strategy, st.booleans())
def test_init_layers_follows_any_sizes(sizes: list[int], bias: bool) -> None:
    # eval_shape traces without compiling: one compilation per sizes would be slow.
    layers = jax.eval_shape(
        lambda k: init_layers(k, sizes, bias=bias), jax.random.key(0)
    )
    assert len(layers) == len(sizes) - 1
    for layer, n_in, n_out in zip(layers, sizes[:-1], sizes[1:], strict=True):
        if bias:
            weights, b = layer
            assert (weights.shape, b.shape) == ((n_in, n_out), (n_out,))
        else:
            assert layer.shape == (n_in, n_out)


def test_init_layers_biases_start_at_zero(key: jax.Array) -> None:
    for weights, b in init_layers(key, (3, 4, 2), bias=True):
        np.testing.assert_array_equal(b, np.zeros(weights.shape[1]))
        assert float(jnp.abs(weights).max()) > 0


@pytest.mark.parametrize("sizes", [(), (5,), (3, 0, 2)])
def test_init_layers_rejects_bad_sizes(key: jax.Array, sizes: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="at least two widths"):
        init_layers(key, sizes)


def test_layers_as_dict_names_layers_in_order(key: jax.Array) -> None:
    layers = init_layers(key)
    named = layers_as_dict(layers)
    assert list(named) == ["layer_0", "layer_1", "layer_2"]
    for i, w in enumerate(layers):
        assert named[f"layer_{i}"] is w


def test_network_forward_applies_relu_after_every_layer() -> None:
    w0 = jnp.array([[1.0, -2.0], [0.5, 1.0]])
    w1 = jnp.array([[1.0], [-1.0]])
    x = jnp.array([[1.0, 2.0], [-1.0, 1.0]])
    expected = relu(relu(x @ w0) @ w1)
    np.testing.assert_allclose(network_forward([w0, w1], x), expected)
    np.testing.assert_allclose(network_forward(layers_as_dict([w0, w1]), x), expected)
    b0 = jnp.array([-10.0, 0.5])
    np.testing.assert_allclose(
        network_forward([(w0, b0), w1], x), relu(relu(x @ w0 + b0) @ w1)
    )


def test_network_forward_reads_dict_layers_by_index_not_insertion_order(
    key: jax.Array,
) -> None:
    layers = init_layers(key)
    x = _batch(jax.random.key(1))
    shuffled = {"layer_2": layers[2], "layer_0": layers[0], "layer_1": layers[1]}
    np.testing.assert_allclose(network_forward(shuffled, x), network_forward(layers, x))


def test_network_forward_rejects_badly_named_dicts(key: jax.Array) -> None:
    layers = dict(enumerate(init_layers(key)))
    with pytest.raises(ValueError, match=r"layer_0.*layers_as_dict"):
        network_forward(layers, _batch(key))  # type: ignore[arg-type]


def test_network_forward_rejects_a_bare_matrix(key: jax.Array) -> None:
    with pytest.raises(TypeError, match="wrap a single weight matrix in a list"):
        network_forward(jnp.ones((28, 10)), _batch(key))  # type: ignore[arg-type]


def test_network_loss_is_the_seed_objective(key: jax.Array) -> None:
    layers = init_layers(key)
    x = _batch(jax.random.key(1))
    y = network_forward(layers, x)
    expected = (y.sum(-1) - jnp.ones(x.shape[0])).mean()
    np.testing.assert_allclose(network_loss(layers, x), expected, rtol=1e-6)


def test_list_and_dict_gradients_agree(key: jax.Array) -> None:
    layers = init_layers(key)
    x = _batch(jax.random.key(1))
    grads = jax.grad(network_loss)(layers, x)
    grad_dict = jax.grad(network_loss)(layers_as_dict(layers), x)
    assert isinstance(grads, list)
    assert set(grad_dict) == {"layer_0", "layer_1", "layer_2"}
    for i, g in enumerate(grads):
        assert g.shape == layers[i].shape
        np.testing.assert_array_equal(grad_dict[f"layer_{i}"], g)
    assert all(float(jnp.abs(g).max()) > 0 for g in grads)


@given(st.integers(min_value=0, max_value=2**31 - 1), st.booleans())
def test_network_loss_gradient_matches_central_differences(
    seed: int, bias: bool
) -> None:
    with jax.enable_x64(True):
        k_w, k_x, k_d, k_b = jax.random.split(jax.random.key(seed), 4)
        layers = init_layers(k_w, (6, 5, 4), bias=bias)
        layers = jax.tree.map(lambda a: a.astype(jnp.float64), layers)
        if bias:  # non-zero biases, so that their gradient is exercised away from 0
            layers = [(w, 0.3 * jax.random.normal(k_b, b.shape)) for w, b in layers]
        x = jax.random.normal(k_x, (3, 6), jnp.float64)
        leaves, treedef = jax.tree.flatten(layers)
        keys = jax.random.split(k_d, len(leaves))
        d_leaves = [
            jax.random.normal(k, a.shape, a.dtype)
            for k, a in zip(keys, leaves, strict=True)
        ]
        direction = jax.tree.unflatten(treedef, d_leaves)
        grads = jax.grad(network_loss)(layers, x)
        by_autodiff = sum(
            jnp.vdot(g, d)
            for g, d in zip(jax.tree.leaves(grads), d_leaves, strict=True)
        )
        h = 1e-6

        def loss_at(t: float) -> jax.Array:
            return network_loss(
                jax.tree.map(lambda w, d: w + t * d, layers, direction), x
            )

        by_differences = (loss_at(h) - loss_at(-h)) / (2 * h)
        np.testing.assert_allclose(by_autodiff, by_differences, rtol=1e-5, atol=1e-7)


def test_gradient_has_the_structure_of_nested_containers(key: jax.Array) -> None:
    with_bias = init_layers(key, bias=True)
    params = {"hidden": with_bias[:2], "readout": with_bias[2]}
    x = _batch(jax.random.key(1))
    grads = jax.grad(lambda p: network_loss([*p["hidden"], p["readout"]], x))(params)
    assert jax.tree.structure(grads) == jax.tree.structure(params)
    assert jax.tree.map(jnp.shape, grads) == jax.tree.map(jnp.shape, params)


def test_argnums_gives_the_input_gradient(key: jax.Array) -> None:
    layers = init_layers(key)
    x = _batch(jax.random.key(1))
    grad_w, grad_x = jax.grad(network_loss, argnums=(0, 1))(layers, x)
    assert grad_x.shape == x.shape
    np.testing.assert_allclose(grad_x, jax.grad(network_loss, argnums=1)(layers, x))
    for a, b in zip(grad_w, jax.grad(network_loss)(layers, x), strict=True):
        np.testing.assert_allclose(a, b)


def test_loss_and_stats_match_the_loss_and_count_inactive_units(key: jax.Array) -> None:
    layers = init_layers(key)
    x = _batch(jax.random.key(1))
    loss, stats = network_loss_and_stats(layers, x)
    np.testing.assert_allclose(loss, network_loss(layers, x), rtol=1e-6)
    np.testing.assert_allclose(stats["outputs"], network_forward(layers, x), rtol=1e-6)
    h, zeros, units = x, 0, 0
    for w in layers:
        h = relu(h @ w)
        zeros += int(jnp.sum(h == 0))
        units += h.size
    assert float(stats["inactive"]) == pytest.approx(zeros / units)
    (_, aux), grads = jax.value_and_grad(network_loss_and_stats, has_aux=True)(
        layers, x
    )
    for a, b in zip(grads, jax.grad(network_loss)(layers, x), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(aux["inactive"], stats["inactive"])


def test_a_gradient_step_lowers_the_loss(key: jax.Array) -> None:
    layers = init_layers(key)
    x = _batch(jax.random.key(1))
    loss, grads = jax.value_and_grad(network_loss)(layers, x)
    updated = jax.tree.map(lambda w, g: w - 1e-3 * g, layers, grads)
    assert float(network_loss(updated, x)) < float(loss)


def test_seed_layers_reproduce_the_one_key_bug() -> None:
    w0, w1, w2 = seed_layers()
    assert (w0.shape, w1.shape, w2.shape) == ((28, 16), (16, 16), (16, 10))
    np.testing.assert_array_equal(w1, w0[:16])
    # The same random bits; their transform to normal numbers, compiled for
    # another shape, may round one entry differently (seen with jax 0.8).
    np.testing.assert_array_max_ulp(
        np.asarray(w2.ravel()), np.asarray(w0.ravel()[:160]), maxulp=1
    )
    # Exactly what the seed notebook computed, with its legacy key.
    legacy = jax.random.PRNGKey(42)
    np.testing.assert_array_equal(w0, jax.random.normal(legacy, (28, 16)))
    named = seed_layers(as_dict=True)
    assert list(named) == ["layer_0", "layer_1", "layer_2"]
    np.testing.assert_array_equal(named["layer_1"], w1)


def test_seed_input_is_drawn_from_the_same_key_as_the_weights() -> None:
    x = seed_input()
    assert x.shape == (BATCH_SIZE, LAYER_SIZES[0])
    np.testing.assert_array_equal(x.ravel(), seed_layers()[0].ravel()[:224])


@pytest.mark.parametrize("as_dict", [False, True])
def test_seed_operation_ignores_its_argument_so_its_gradient_is_zero(
    as_dict: bool,
) -> None:
    layers = seed_layers(as_dict=as_dict)
    grads = jax.grad(seed_operation)(layers)
    assert jax.tree.structure(grads) == jax.tree.structure(layers)
    for g in jax.tree.leaves(grads):
        np.testing.assert_array_equal(g, jnp.zeros_like(g))
    # The value does not depend on the argument either.
    other = jax.tree.map(lambda w: 2.0 * w + 1.0, layers)
    assert float(seed_operation(other)) == float(seed_operation(layers))
    expected = network_loss(seed_layers(), seed_input())
    np.testing.assert_allclose(seed_operation(layers), expected)
