"""Tests for finding custom derivative rules in a jaxpr and replacing them by their code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from autodiff_cookbook._rules import Rule, forward_blocked, rules_in, without_rules

# -- rules defined here, deliberately wrong so that replacing them shows -----------


@jax.custom_jvp
def wrong_sin(x: jax.Array) -> jax.Array:
    return jnp.sin(x)


@wrong_sin.defjvp
def _wrong_sin_jvp(primals: Any, tangents: Any) -> Any:
    (x,), (t,) = primals, tangents
    return wrong_sin(x), 2.0 * jnp.cos(x) * t  # twice the derivative


@jax.custom_vjp
def wrong_cube(x: jax.Array) -> jax.Array:
    return x**3


def _cube_fwd(x: jax.Array) -> tuple[jax.Array, jax.Array]:
    return wrong_cube(x), x


def _cube_bwd(x: jax.Array, g: jax.Array) -> tuple[jax.Array]:
    return (-3 * x**2 * g,)  # the sign is wrong


wrong_cube.defvjp(_cube_fwd, _cube_bwd)


@jax.custom_jvp
def outer_rule(x: jax.Array) -> jax.Array:
    # Its code calls another rule: rules inside rules.
    return wrong_sin(x) * x


@outer_rule.defjvp
def _outer_rule_jvp(primals: Any, tangents: Any) -> Any:
    (x,), (t,) = primals, tangents
    return outer_rule(x), (jnp.cos(x) * x + jnp.sin(x)) * t


@jax.custom_jvp
def jvp_around_vjp(x: jax.Array) -> jax.Array:
    # A custom_jvp whose code holds a custom_vjp: JAX differentiates the rule,
    # never this code, so forward mode goes through.
    return wrong_cube(x)


@jvp_around_vjp.defjvp
def _jvp_around_vjp_jvp(primals: Any, tangents: Any) -> Any:
    (x,), (t,) = primals, tangents
    return jvp_around_vjp(x), 3 * x**2 * t


def plain(x: jax.Array) -> jax.Array:
    """What ``everywhere`` computes, without any rule: JAX's own derivatives."""
    y = jnp.sin(x) + jnp.sin(2 * x)
    s = jnp.sum(y**3)
    return jnp.where(s > 0, jnp.sin(s), jnp.sin(s) * 3)


def everywhere(x: jax.Array) -> jax.Array:
    """``plain``, with the wrong rules inside jit, scan and cond."""
    y = jax.jit(lambda z: wrong_sin(z) + wrong_sin(2 * z))(x)
    s = jax.lax.scan(lambda c, yi: (c + wrong_cube(yi), None), 0.0, y)[0]
    return jax.lax.cond(s > 0, wrong_sin, lambda q: wrong_sin(q) * 3, s)


@pytest.fixture
def x64() -> Iterator[None]:
    """Compare in float64, to rounding."""
    with jax.enable_x64(True):
        yield


@pytest.fixture
def x(key: jax.Array, x64: None) -> jax.Array:  # noqa: ARG001
    return jax.random.normal(key, (4,), jnp.float64)


def _jaxpr(f: Any, *args: Any) -> Any:
    return jax.make_jaxpr(f)(*args).jaxpr


# -- rules_in -----------------------------------------------------------------------


def test_rules_in_lists_each_rule_once_in_order_at_any_depth(x: jax.Array) -> None:
    rules = rules_in(_jaxpr(everywhere, x))
    # wrong_sin is called four times (twice in jit, once in each cond branch).
    assert [r.label for r in rules] == [
        "wrong_sin (custom_jvp)",
        "wrong_cube (custom_vjp)",
    ]
    assert all(isinstance(r, Rule) for r in rules)
    assert not any(r.in_jax for r in rules)
    assert all("test_rules.py:" in r.source for r in rules)


@pytest.mark.parametrize(
    ("where", "wrap"),
    [
        ("jit", jax.jit),
        (
            "scan",
            lambda g: (
                lambda x: jax.lax.scan(lambda c, xi: (c + g(xi), None), 0.0, x)[0]
            ),
        ),
        ("cond", lambda g: lambda x: jax.lax.cond(x[0] > 0, g, lambda z: z, x)),
        ("vmap", jax.vmap),
        ("remat", jax.checkpoint),
    ],
)
def test_rules_in_finds_a_rule_inside(where: str, wrap: Any, x: jax.Array) -> None:
    rules = rules_in(_jaxpr(wrap(wrong_cube), x))
    assert [r.label for r in rules] == ["wrong_cube (custom_vjp)"], where


def test_rules_in_finds_rules_inside_rules(x: jax.Array) -> None:
    rules = rules_in(_jaxpr(outer_rule, x))
    assert [r.name for r in rules] == ["outer_rule", "wrong_sin"]


def test_rules_in_marks_jax_s_own_rules(x: jax.Array) -> None:
    rules = rules_in(_jaxpr(lambda z: jax.nn.relu(wrong_sin(z)), x))
    by_name = {r.name: r for r in rules}
    assert set(by_name) == {"wrong_sin", "relu"}
    assert by_name["relu"].in_jax
    assert by_name["relu"].kind == "custom_jvp"
    assert by_name["relu"].label == "relu (custom_jvp)"
    assert not by_name["wrong_sin"].in_jax
    # The order is the order of the calls.
    assert [r.name for r in rules] == ["wrong_sin", "relu"]


def test_rules_in_finds_nothing_in_plain_code(x: jax.Array) -> None:
    assert rules_in(_jaxpr(plain, x)) == []


# -- without_rules --------------------------------------------------------------------


def test_without_rules_computes_the_same_values(x: jax.Array) -> None:
    g = without_rules(everywhere, x, in_jax=False)
    np.testing.assert_allclose(jax.jit(g)(x), jax.jit(everywhere)(x), rtol=1e-14)
    np.testing.assert_allclose(jax.jit(g)(x), jax.jit(plain)(x), rtol=1e-14)
    assert [r.name for r in g.rules] == ["wrong_sin", "wrong_cube"]


def test_without_rules_is_differentiated_by_jax_s_own_rules(
    x: jax.Array, key: jax.Array
) -> None:
    g = without_rules(everywhere, x, in_jax=False)
    expected = jax.jit(jax.grad(plain))
    # The wrong rules change the gradient of f...
    assert not np.allclose(jax.jit(jax.grad(everywhere))(x), expected(x), rtol=1e-3)
    # ... and the gradient of f without them is the gradient of the plain code,
    # at the traced input and at others (one trace, evaluated anywhere).
    grad_g = jax.jit(jax.grad(g))
    ys = [
        x,
        *(jax.random.normal(k, (4,), jnp.float64) for k in jax.random.split(key, 3)),
    ]
    for y in ys:
        np.testing.assert_allclose(grad_g(y), expected(y), rtol=1e-12)


def test_without_rules_makes_forward_mode_possible_through_a_custom_vjp(
    x: jax.Array,
) -> None:
    def f(z: jax.Array) -> jax.Array:
        return jax.jit(wrong_cube)(z) * 2

    with pytest.raises(TypeError, match="custom_vjp"):
        jax.jvp(f, (x,), (jnp.ones_like(x),))
    g = without_rules(f, x, in_jax=False)
    _, jv = jax.jit(lambda z: jax.jvp(g, (z,), (jnp.ones_like(z),)))(x)
    np.testing.assert_allclose(jv, 6 * x**2, rtol=1e-13)
    # The second derivative too, forward over reverse.
    np.testing.assert_allclose(
        jax.jit(jax.hessian(lambda z: g(z).sum()))(x),
        jnp.diag(12 * x),
        rtol=1e-13,
        atol=1e-13,
    )


def test_without_rules_takes_pytrees_in_and_out(x: jax.Array) -> None:
    def f(p: dict[str, jax.Array]) -> tuple[jax.Array, dict[str, jax.Array]]:
        return wrong_sin(p["a"]) * p["b"][0], {"c": wrong_cube(p["b"])}

    p = {"a": x, "b": x[:2] + 1}
    g = without_rules(f, p, in_jax=False)
    out = g(p)
    assert jax.tree_util.tree_structure(out) == jax.tree_util.tree_structure(f(p))
    for got, want in zip(
        jax.tree_util.tree_leaves(out), jax.tree_util.tree_leaves(f(p)), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-14)

    def loss(q: Any) -> jax.Array:
        a, d = g(q)
        return jnp.sum(a) + jnp.sum(d["c"])

    grads = jax.grad(loss)(p)
    np.testing.assert_allclose(grads["a"], jnp.cos(x) * p["b"][0], rtol=1e-13)
    np.testing.assert_allclose(
        grads["b"],
        jnp.array([jnp.sum(jnp.sin(x)), 0.0]) + 3 * p["b"] ** 2,
        rtol=1e-13,
    )


def test_without_rules_accepts_shape_structs(x: jax.Array) -> None:
    g = without_rules(everywhere, jax.ShapeDtypeStruct(x.shape, x.dtype), in_jax=False)
    np.testing.assert_allclose(jax.grad(g)(x), jax.grad(plain)(x), rtol=1e-12)


def test_without_rules_leaves_jax_s_rules_unless_asked(x: jax.Array) -> None:
    def f(z: jax.Array) -> jax.Array:
        return jnp.sum(jax.nn.relu(wrong_sin(z)))

    kept = without_rules(f, x, in_jax=False)
    assert [r.name for r in kept.rules] == ["wrong_sin"]
    # relu stays in the jaxpr that is evaluated: it is still a rule there.
    assert "relu" in [r.name for r in rules_in(_jaxpr(kept, x))]
    replaced = without_rules(f, x, in_jax=True)
    assert [r.name for r in replaced.rules] == ["wrong_sin", "relu"]
    assert rules_in(_jaxpr(replaced, x)) == []
    # Away from 0, relu's code has relu's derivative.
    expected = jax.grad(lambda z: jnp.sum(jax.nn.relu(jnp.sin(z))))(x)
    np.testing.assert_allclose(jax.grad(replaced)(x), expected, rtol=1e-13)


def test_without_rules_of_a_function_without_rules_is_the_function(
    x: jax.Array,
) -> None:
    g = without_rules(plain, x, in_jax=True)
    assert g.rules == ()
    np.testing.assert_allclose(g(x), plain(x), rtol=1e-14)
    np.testing.assert_allclose(jax.grad(g)(x), jax.grad(plain)(x), rtol=1e-13)


def test_without_rules_inside_vmap(x: jax.Array) -> None:
    def f(z: jax.Array) -> jax.Array:
        return jnp.sum(
            jax.vmap(lambda r: wrong_sin(r) * wrong_cube(r))(z.reshape(2, 2))
        )

    g = without_rules(f, x, in_jax=False)
    np.testing.assert_allclose(
        jax.grad(g)(x),
        jax.grad(lambda z: jnp.sum(jnp.sin(z) * z**3))(x),
        rtol=1e-13,
    )


# -- forward_blocked ------------------------------------------------------------------


def test_forward_is_blocked_by_a_custom_vjp_at_any_depth(x: jax.Array) -> None:
    assert forward_blocked(_jaxpr(wrong_cube, x))
    assert forward_blocked(_jaxpr(jax.jit(wrong_cube), x))
    assert forward_blocked(_jaxpr(jax.jit(lambda z: jax.jit(wrong_cube)(z) + 1), x))
    assert forward_blocked(_jaxpr(everywhere, x))


def test_forward_is_not_blocked_by_a_custom_jvp(x: jax.Array) -> None:
    assert not forward_blocked(_jaxpr(wrong_sin, x))
    assert not forward_blocked(_jaxpr(jax.jit(outer_rule), x))
    assert not forward_blocked(_jaxpr(plain, x))
    # The code of a custom_jvp is not differentiated, so a custom_vjp inside it
    # does not block forward mode, and JAX agrees.
    assert not forward_blocked(_jaxpr(jvp_around_vjp, x))
    jax.jvp(jvp_around_vjp, (x,), (jnp.ones_like(x),))


def test_forward_is_not_blocked_by_a_replaced_custom_vjp(x: jax.Array) -> None:
    def replace_all(rule: Rule) -> bool:
        return not rule.in_jax

    assert not forward_blocked(_jaxpr(wrong_cube, x), replace_all)
    assert not forward_blocked(_jaxpr(jax.jit(wrong_cube), x), replace_all)
    assert not forward_blocked(_jaxpr(everywhere, x), replace_all)
    # Replacing only the custom_jvp leaves the custom_vjp in the way.
    assert forward_blocked(_jaxpr(everywhere, x), lambda r: r.kind == "custom_jvp")
    # Replacing the custom_jvp uncovers the custom_vjp in its code.
    assert forward_blocked(
        _jaxpr(jvp_around_vjp, x), lambda r: r.name == "jvp_around_vjp"
    )
    # And the Unruled function agrees: jax.jvp goes through it.
    g = without_rules(everywhere, x, in_jax=False)
    assert not forward_blocked(_jaxpr(g, x), g.replace)
    jax.jvp(g, (x,), (jnp.ones_like(x),))
