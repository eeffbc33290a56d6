"""Tests for autodiff_cookbook.examples.checkpointing: the three ways to run a residual stack."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from autodiff_cookbook.examples.checkpointing import (
    gradient_temp_bytes,
    init_residual_stack,
    residual_block,
    residual_stack,
    sqrt_segment_length,
    stack_loss,
)
from autodiff_cookbook.examples.control_flow import saved_residuals

MODES = ("none", "step", "sqrt")
Stack = tuple[dict[str, jax.Array], jax.Array]


@pytest.fixture(scope="module")
def stack() -> Stack:
    params = init_residual_stack(jax.random.key(0), 16, 4, 16)
    x = jax.random.normal(jax.random.key(1), (8, 4))
    return params, x


def test_the_stack_is_the_block_applied_layer_by_layer(stack: Stack) -> None:
    params, x = stack
    expected = x
    for k in range(16):
        layer = {name: w[k] for name, w in params.items()}
        expected = residual_block(expected, layer)
    for mode in MODES:
        np.testing.assert_allclose(
            residual_stack(x, params, mode), expected, rtol=1e-5, atol=1e-6
        )


def test_every_mode_has_the_same_gradient(stack: Stack) -> None:
    params, x = stack
    grads = [
        jax.grad(functools.partial(stack_loss, checkpointing=m))(params, x)
        for m in MODES
    ]
    for other in grads[1:]:
        for a, b in zip(jax.tree.leaves(grads[0]), jax.tree.leaves(other), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_an_explicit_segment_and_a_policy_keep_the_gradient(stack: Stack) -> None:
    params, x = stack
    ref = jax.grad(stack_loss)(params, x)
    dots = jax.checkpoint_policies.checkpoint_dots
    for opts in ({"segment": 2}, {"segment": 8, "policy": dots}):
        got = jax.grad(lambda p, o=opts: stack_loss(p, x, "sqrt", **o))(params)
        for a, b in zip(jax.tree.leaves(ref), jax.tree.leaves(got), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_checkpointing_saves_fewer_residuals(stack: Stack) -> None:
    params, x = stack

    def per_step(mode: str) -> list[str]:
        loss = functools.partial(stack_loss, checkpointing=mode)
        lines = saved_residuals(loss, params, x, locations=False)
        return [line for line in lines if "output of scan" in line]

    assert [line.split()[0] for line in per_step("none")] == [
        "f32[16,8,4]",
        "f32[16,8,16]",
        "f32[16,8,16]",
    ]
    assert [line.split()[0] for line in per_step("step")] == ["f32[16,8,4]"]
    assert [line.split()[0] for line in per_step("sqrt")] == ["f32[4,8,4]"]


def test_temp_memory_falls_with_checkpointing_and_grows_with_depth() -> None:
    def memory(mode: str, depth: int) -> int:
        params = init_residual_stack(jax.random.key(0), depth, 8, 32)
        x = jnp.ones((16, 8))
        grad = jax.grad(functools.partial(stack_loss, checkpointing=mode))
        return gradient_temp_bytes(grad, params, x)

    assert memory("step", 64) < memory("none", 64)
    assert memory("step", 256) < memory("none", 256)
    assert memory("none", 256) > 3 * memory("none", 64)
    # sqrt(n) segments beat one checkpoint per layer once the stack is deep enough.
    assert memory("sqrt", 1024) < memory("step", 1024)


@pytest.mark.parametrize(
    ("depth", "expected"), [(1, 1), (7, 1), (12, 3), (16, 4), (64, 8), (1000, 25)]
)
def test_sqrt_segment_length_divides_and_is_near_the_root(
    depth: int, expected: int
) -> None:
    assert sqrt_segment_length(depth) == expected
    assert depth % expected == 0


def test_invalid_arguments_are_rejected(stack: Stack) -> None:
    params, x = stack
    with pytest.raises(ValueError, match="checkpointing must be one of"):
        residual_stack(x, params, "all")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="segment must be a divisor of the depth 16"):
        residual_stack(x, params, "sqrt", segment=3)
    with pytest.raises(ValueError, match="depth must be at least 1"):
        sqrt_segment_length(0)
    with pytest.raises(ValueError, match="at least 1"):
        init_residual_stack(jax.random.key(0), 0, 4, 4)
