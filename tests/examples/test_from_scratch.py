"""Tests for autodiff_cookbook.examples.from_scratch: dual numbers and a tape against JAX."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings

from autodiff_cookbook import check_gradient, check_jvp, check_vjp, domains
from autodiff_cookbook.examples.from_scratch import (
    RULES,
    Dual,
    Ops,
    Var,
    fit,
    grad,
    jvp,
    ops,
    tally,
    vjp,
)

from .functions import SEEDS, draw


def energy(x: Any, ops: Any = jnp) -> Any:
    return ops.sum(ops.sin(x) * x + ops.exp(-x * x) / (1 + x**2))


def wave(x: Any, ops: Any = jnp) -> Any:
    return ops.tanh(x) * ops.cos(x) - x / ops.sum(x * x)


def every_operator(x: Any, ops: Any = jnp) -> Any:
    """Each operator with a constant on either side, the power with a fraction."""
    y = (2.0 - x) * (x - 0.5) + 3.0 / (4.0 + x * x) - (-x) / 2.0
    return ops.log(1.5 + ops.tanh(y)) + (x * x + 1.0) ** 1.5 * ops.cos(x + 1.0)


def scalar_times_vector(x: Any, ops: Any = jnp) -> Any:
    """A scalar (the sum) broadcast against the vector, in both orders."""
    s = ops.sum(ops.sin(x))
    return s * x + ops.exp(x) / (2.0 + s * s)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "energy": energy,
    "wave": wave,
    "every_operator": every_operator,
    "scalar_times_vector": scalar_times_vector,
}


@functools.cache
def both_modes(name: str) -> Callable[..., Any]:
    """One compiled program per function: the scratch modes, JAX's, and f on ``ops``."""
    f = FUNCTIONS[name]

    def run(x: Any, v: Any, u: Any) -> tuple[Any, ...]:
        y, jv = jax.jvp(f, (x,), (v,))
        (ju,) = jax.vjp(f, x)[1](u)
        return jvp(f, x, v), jv, vjp(f, x, u), ju, f(x, ops), y

    return jax.jit(run)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(seed=SEEDS)
@settings(derandomize=True, max_examples=10)
def test_both_modes_match_jax(name: str, seed: int) -> None:
    with jax.enable_x64(True):
        x, v = draw(seed, (5,)), draw(seed + 1, (5,))
        u = draw(seed + 2, jax.eval_shape(FUNCTIONS[name], x).shape)
        mine_jv, jv, mine_ju, ju, mine_y, y = both_modes(name)(x, v, u)
        np.testing.assert_allclose(mine_jv, jv, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mine_ju, ju, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mine_y, y, rtol=1e-13, atol=1e-15)  # plain arrays


def test_a_variable_used_three_times_receives_three_adjoints() -> None:
    x = jnp.array([0.5, -2.0, 3.0])
    np.testing.assert_allclose(grad(lambda x, ops: ops.sum(x * x * x))(x), 3 * x**2)
    tape: list[Var] = []
    x_var = Var("input", x, [], tape)
    _ = x_var * x_var * x_var
    assert [str(e) for e in tape] == [
        "v0 = input()",
        "v1 = mul(v0, v0)",
        "v2 = mul(v1, v0)",
    ]


def test_a_matrix_input_with_a_scalar_broadcast_over_it() -> None:
    def f(a: Any, ops: Any = jnp) -> Any:
        return ops.exp(a) / ops.sum(a * a) + a * ops.sin(a)

    @jax.jit
    def run(a: Any, u: Any) -> tuple[Any, ...]:
        return (
            vjp(f, a, u),
            jax.vjp(f, a)[1](u)[0],
            jvp(f, a, u),
            jax.jvp(f, (a,), (u,))[1],
        )

    with jax.enable_x64(True):
        mine_ju, ju, mine_jv, jv = run(draw(0, (2, 3)), draw(1, (2, 3)))
        assert mine_ju.shape == mine_jv.shape == (2, 3)
        np.testing.assert_allclose(mine_ju, ju, rtol=1e-12)
        np.testing.assert_allclose(mine_jv, jv, rtol=1e-12)


def test_fit_sums_what_broadcasting_added_and_broadcasts_what_it_lacks() -> None:
    a = jnp.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(fit(a, (3,)), [3.0, 5.0, 7.0])
    np.testing.assert_array_equal(fit(a, (2, 1)), [[3.0], [12.0]])
    np.testing.assert_array_equal(fit(a, ()), 15.0)
    np.testing.assert_array_equal(fit(2.0, (2, 2)), [[2.0, 2.0], [2.0, 2.0]])
    assert fit(a, (2, 3)) is a  # nothing to do, no operation


def test_the_scratch_gradient_compiles_once_and_is_right_at_new_inputs() -> None:
    compiled = jax.jit(grad(energy))  # the tape is built once, while JAX traces
    for x in (jnp.linspace(-1.0, 1.0, 7), jnp.linspace(0.5, 3.0, 7)):
        np.testing.assert_allclose(compiled(x), jax.jit(jax.grad(energy))(x), rtol=1e-5)


def test_transposing_the_scratch_jvp_gives_the_scratch_vjp() -> None:
    with jax.enable_x64(True):

        @jax.jit
        def run(x: Any, u: Any) -> tuple[Any, Any]:
            (transposed,) = jax.linear_transpose(lambda v: jvp(wave, x, v), x)(u)
            return transposed, vjp(wave, x, u)

        transposed, swept = run(draw(3, (4,)), draw(4, (4,)))
        np.testing.assert_allclose(transposed, swept, rtol=1e-12)


def test_the_checkers_pass_both_modes_and_catch_a_wrong_cosine_rule() -> None:
    dom = domains.real(6)
    assert check_jvp(wave, lambda x, v: jvp(wave, x, v), dom, trials=16).ok
    assert check_gradient(energy, grad(energy), dom, trials=16).ok
    wrong = Ops({**RULES, "cos": (jnp.cos, jnp.sin)})
    bad = check_vjp(wave, lambda x, u: vjp(wave, x, u, wrong), dom, trials=16)
    assert not bad.ok
    assert bad.verdict.startswith("the formula is wrong")


def test_forward_gradient_costs_grow_quadratically_reverse_linearly() -> None:
    def counts(gradient: Callable[[Any], Any], n: int) -> dict[str, int]:
        with tally() as counts:
            jax.eval_shape(gradient, jnp.zeros(n))
        return dict(counts)

    def forward(x: Any) -> Any:
        return jnp.stack([jvp(energy, x, e) for e in jnp.eye(x.size)])

    f5, f20 = counts(forward, 5)["jvp"], counts(forward, 20)["jvp"]
    r5, r20 = (sum(counts(grad(energy), n).values()) for n in (5, 20))
    assert f20 / f5 == pytest.approx(16, rel=0.1)
    assert r20 / r5 == pytest.approx(4, rel=0.1)
    tape: list[Var] = []
    with tally() as counts:
        energy(Var("input", jnp.zeros(5), [], tape), ops)
    assert counts["tape"] == sum(int(jnp.size(e.value)) for e in tape) == 5 * 10 + 1


def test_constants_and_unused_inputs_have_zero_derivatives() -> None:
    x = jnp.array([1.0, 2.0])
    np.testing.assert_array_equal(jvp(lambda _x, _ops: jnp.ones(3), x, x), jnp.zeros(3))
    np.testing.assert_array_equal(
        grad(lambda _x, ops: ops.sum(jnp.ones(2)))(x), [0.0, 0.0]
    )


def test_duals_follow_the_rules_and_unknown_functions_raise() -> None:
    y = ops.sin(Dual(0.3, 2.0)) ** 2  # derivative 2 sin cos * 2
    assert float(y.tangent) == pytest.approx(4 * np.sin(0.3) * np.cos(0.3))
    assert float(ops.log(Dual(2.0, 1.0)).tangent) == pytest.approx(0.5)
    with pytest.raises(AttributeError, match="arcsin"):
        ops.arcsin(Dual(0.3, 1.0))
