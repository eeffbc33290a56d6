"""Tests for check_jvp, check_vjp, check_hvp, check_autodiff and check_custom_rule.

Each wrong-rule class is caught, and named by mode and order; right rules pass;
bad input raises a clear exception. A check compiles one program, so few trials
are used where the point is not statistical: a wrong rule fails at every trial.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import (
    CheckResult,
    check_autodiff,
    check_custom_rule,
    check_gradient,
    check_hessian,
    check_hvp,
    check_jacobian,
    check_jvp,
    check_vjp,
    domains,
)

FEW = 8


def _modes(r: CheckResult) -> dict[tuple[str, int], Any]:
    return {(m.mode, m.order): m for m in r.modes}


def _failed(r: CheckResult) -> set[tuple[str, int]]:
    return {(m.mode, m.order) for m in r.modes if m.applicable and not m.ok}


def _notes(err: BaseException) -> str:
    return "\n".join(getattr(err, "__notes__", []))


def sin_rule(scale: float = 1.0, sign: float = 1.0) -> Callable[[jax.Array], jax.Array]:
    """sin with a custom_jvp rule ``sign * scale * cos(x) t`` (right when both are 1)."""

    @jax.custom_jvp
    def sin(x: jax.Array) -> jax.Array:
        return jnp.sin(x)

    @sin.defjvp
    def _sin_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return sin(x), sign * scale * jnp.cos(x) * t

    return sin


def cube_vjp(wrong: bool = False) -> Callable[[jax.Array], jax.Array]:
    """x**3 with a custom_vjp rule, its sign wrong if asked."""

    @jax.custom_vjp
    def cube(x: jax.Array) -> jax.Array:
        return x**3

    def fwd(x: jax.Array) -> tuple[jax.Array, jax.Array]:
        return cube(x), x

    def bwd(x: jax.Array, g: jax.Array) -> tuple[jax.Array]:
        return ((-3.0 if wrong else 3.0) * x**2 * g,)

    cube.defvjp(fwd, bwd)
    return cube


# -- each wrong-rule class is caught, by mode and order ------------------------------


def test_a_sign_error_is_caught_in_both_modes() -> None:
    sin = sin_rule(sign=-1.0)
    for check in (check_custom_rule, check_autodiff):
        r = check(lambda x: jnp.sum(sin(x)), domains.real(3), trials=FEW)
        assert not r.ok
        assert _failed(r) == {("fwd", 1), ("rev", 1)}
        assert "fwd mode, order 1, is wrong" in r.verdict
        assert "rev mode, order 1, is wrong" in r.verdict
        assert r.max_rel_error == pytest.approx(2.0, rel=1e-6)


def test_a_wrong_scale_is_caught() -> None:
    sin = sin_rule(scale=0.5)
    r = check_custom_rule(lambda x: jnp.sum(sin(x) ** 2), domains.real(4), trials=FEW)
    assert not r.ok
    assert _failed(r) == {("fwd", 1), ("rev", 1)}
    assert r.max_rel_error == pytest.approx(0.5, rel=1e-6)
    assert r.rules == ("sin (custom_jvp)",)


def test_a_missing_term_is_caught() -> None:
    @jax.custom_jvp
    def x_sin(x: jax.Array) -> jax.Array:
        return x * jnp.sin(x)

    @x_sin.defjvp
    def _x_sin_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return x_sin(x), x * jnp.cos(x) * t  # the product rule's sin(x) t is missing

    for check in (check_custom_rule, check_autodiff):
        r = check(x_sin, domains.real(3), trials=FEW)
        assert not r.ok
        assert ("fwd", 1) in _failed(r)
        assert ("rev", 1) in _failed(r)


def _square(transposed: bool) -> Callable[[jax.Array], jax.Array]:
    """X -> X @ X with a custom_vjp rule, its transposes left out if asked.

    The vjp is G X^T + X^T G; without the transposes it is wrong for every
    non-symmetric X, which real((3, 3)) draws.
    """

    @jax.custom_vjp
    def square(x: jax.Array) -> jax.Array:
        return x @ x

    def fwd(x: jax.Array) -> tuple[jax.Array, jax.Array]:
        return square(x), x

    def bwd(x: jax.Array, g: jax.Array) -> tuple[jax.Array]:
        if transposed:
            return (g @ x + x @ g,)
        return (g @ x.T + x.T @ g,)

    square.defvjp(fwd, bwd)
    return square


@pytest.mark.parametrize("check", [check_custom_rule, check_autodiff])
def test_a_transposed_jacobian_of_a_matrix_function_is_caught(check: Any) -> None:
    right = check(_square(transposed=False), domains.real((3, 3)), trials=FEW)
    assert right.ok, right.verdict
    r = check(_square(transposed=True), domains.real((3, 3)), trials=FEW)
    assert not r.ok
    assert _failed(r) == {("rev", 1)}
    assert "rev mode, order 1, is wrong" in r.verdict
    # On symmetric inputs the transposes do not matter: the domain matters.
    assert check(_square(transposed=True), domains.symmetric(3), trials=FEW).ok


def test_a_rule_redefined_in_place_is_checked_anew() -> None:
    @jax.custom_jvp
    def sin(x: jax.Array) -> jax.Array:
        return jnp.sin(x)

    sin.defjvp(lambda p, t: (sin(p[0]), jnp.cos(p[0]) * t[0]))
    assert check_autodiff(sin, domains.real(3), trials=FEW).ok
    sin.defjvp(lambda p, t: (sin(p[0]), -jnp.cos(p[0]) * t[0]))
    assert not check_autodiff(sin, domains.real(3), trials=FEW).ok


def test_a_missing_conjugate_is_named_by_check_gradient_and_check_vjp() -> None:
    # JAX's gradient of a real f of complex z is df/dx - i df/dy: for
    # sum |z|^2 it is 2 conj(z); PyTorch's convention gives 2 z.
    def f(z: jax.Array) -> jax.Array:
        return jnp.sum(jnp.abs(z) ** 2)

    right = check_gradient(f, lambda z: 2 * jnp.conj(z), domains.complex(3), trials=FEW)
    assert right.ok, right.verdict
    wrong = check_gradient(f, lambda z: 2 * z, domains.complex(3), trials=FEW)
    assert not wrong.ok
    assert "conjugate" in wrong.verdict

    def g(z: jax.Array) -> jax.Array:
        return jnp.abs(z) ** 2 * z  # complex to complex, not holomorphic

    def g_vjp(z: jax.Array, u: jax.Array) -> jax.Array:
        # J v = 2|z|^2 v + z^2 conj(v) (d/dz and d/dz* of z^2 conj(z)); its
        # transpose under Re sum(a b), JAX's pairing without conjugation:
        return 2 * jnp.abs(z) ** 2 * u + jnp.conj(z) ** 2 * jnp.conj(u)

    assert check_vjp(g, g_vjp, domains.complex(4), trials=FEW).ok
    r = check_vjp(g, lambda z, u: jnp.conj(g_vjp(z, u)), domains.complex(4), trials=FEW)
    assert not r.ok
    assert "conjugate" in r.verdict
    # A wrong formula that is not a conjugate is not called one.
    r = check_vjp(
        g, lambda z, u: 2 * jnp.abs(z) ** 2 * u, domains.complex(4), trials=FEW
    )
    assert not r.ok
    assert "conjugate" not in r.verdict


def _norm2(conjugated: bool) -> Callable[[jax.Array], jax.Array]:
    """sum |z|^2 with a custom_vjp rule: 2 conj(z) g (JAX's convention), or 2 z g."""

    @jax.custom_vjp
    def norm2(z: jax.Array) -> jax.Array:
        return jnp.sum(jnp.abs(z) ** 2)

    def fwd(z: jax.Array) -> tuple[jax.Array, jax.Array]:
        return norm2(z), z

    def bwd(z: jax.Array, g: jax.Array) -> tuple[jax.Array]:
        return ((2 * jnp.conj(z) if conjugated else 2 * z) * g,)

    norm2.defvjp(fwd, bwd)
    return norm2


@pytest.mark.parametrize("check", [check_custom_rule, check_autodiff])
def test_a_custom_rule_with_a_missing_conjugate_is_caught(check: Any) -> None:
    right = check(_norm2(conjugated=True), domains.complex(3), trials=FEW)
    assert right.ok, right.verdict
    r = check(_norm2(conjugated=False), domains.complex(3), trials=FEW)
    assert not r.ok
    assert _failed(r) == {("rev", 1)}


def _stopped_sin() -> Callable[[jax.Array], jax.Array]:
    """sin whose rule is right at first order, wrong at second (its derivative is cut)."""

    @jax.custom_jvp
    def sin(x: jax.Array) -> jax.Array:
        return jnp.sin(x)

    @sin.defjvp
    def _sin_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return sin(x), jax.lax.stop_gradient(jnp.cos(x)) * t

    return sin


@pytest.mark.parametrize("check", [check_custom_rule, check_autodiff])
def test_a_rule_wrong_only_at_second_order_is_caught_at_order_2(check: Any) -> None:
    sin = _stopped_sin()

    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(sin(x))

    first = check(f, domains.real(3), trials=FEW)
    assert first.ok, first.verdict
    assert {(m.mode, m.order) for m in first.modes} == {("fwd", 1), ("rev", 1)}
    second = check(f, domains.real(3), order=2, trials=FEW)
    assert not second.ok
    modes = _modes(second)
    assert set(modes) == {("fwd", 1), ("rev", 1), ("fwd", 2), ("rev", 2)}
    assert modes[("fwd", 1)].ok
    assert modes[("rev", 1)].ok
    assert not modes[("fwd", 2)].ok
    assert "order 2, is wrong" in second.verdict
    assert "order 1, is wrong" not in second.verdict


def test_swapped_leaves_in_a_custom_vjp_are_caught_in_each_leaf() -> None:
    @jax.custom_vjp
    def scaled_sin(a: jax.Array, b: jax.Array) -> jax.Array:
        return a * jnp.sin(b)

    def fwd(a: jax.Array, b: jax.Array) -> tuple[jax.Array, Any]:
        return scaled_sin(a, b), (a, b)

    def right(res: Any, g: jax.Array) -> tuple[jax.Array, jax.Array]:
        a, b = res
        return g * jnp.sin(b), g * a * jnp.cos(b)

    def swapped(res: Any, g: jax.Array) -> tuple[jax.Array, jax.Array]:
        return right(res, g)[::-1]

    def f(p: dict[str, jax.Array]) -> jax.Array:
        return scaled_sin(p["a"], p["b"])

    domain = {"a": domains.real(3), "b": domains.real(3)}
    scaled_sin.defvjp(fwd, right)
    ok = check_custom_rule(f, domain, trials=FEW)
    assert ok.ok, ok.verdict
    assert [leaf.path for leaf in ok.leaves] == ["['a']", "['b']"]
    assert all(leaf.max_rel_error < 1e-12 for leaf in ok.leaves)
    scaled_sin.defvjp(fwd, swapped)
    for check in (check_custom_rule, check_autodiff):
        r = check(f, domain, trials=FEW)
        assert not r.ok
        assert _failed(r) == {("rev", 1)}
        assert [leaf.path for leaf in r.leaves] == ["['a']", "['b']"]
        # Both leaves are wrong, and each row says so.
        assert all(leaf.max_rel_error > 0.1 for leaf in r.leaves), r.leaves
        assert not any(leaf.autodiff_zero for leaf in r.leaves)


def test_a_small_error_in_float32_is_caught_by_the_rule_check_only() -> None:
    # 1e-3 relative: far above float32 rounding (rtol sqrt(eps) = 3.5e-4),
    # far below what float32 finite differences resolve.
    sin = sin_rule(scale=1.001)

    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(sin(x))

    r = check_custom_rule(f, domains.real(3), dtype=jnp.float32, trials=16)
    assert not r.ok
    assert r.dtype == "float32"
    assert r.max_rel_error == pytest.approx(1e-3, rel=0.05)
    assert _failed(r) == {("fwd", 1), ("rev", 1)}
    fd = check_autodiff(f, domains.real(3), dtype=jnp.float32, trials=16)
    assert fd.ok, fd.verdict
    assert fd.fd.rtol > 1e-3
    # The right rule passes the rule check in float32.
    right = sin_rule()
    assert check_custom_rule(
        lambda x: jnp.sum(right(x)), domains.real(3), dtype=jnp.float32, trials=16
    ).ok


# -- where the rule is called from -------------------------------------------------------

_CONTEXTS: dict[str, Callable[[Callable[[jax.Array], jax.Array]], Any]] = {
    "jit": lambda g: jax.jit(lambda x: jnp.sum(g(x))),
    "scan": lambda g: (
        lambda x: jax.lax.scan(lambda c, xi: (c + g(xi) * c, None), 1.0, x)[0]
    ),
    "cond": lambda g: (
        lambda x: jax.lax.cond(jnp.sum(x) > 100.0, jnp.sum, lambda z: jnp.sum(g(z)), x)
    ),
    "vmap": lambda g: lambda x: jnp.sum(jax.vmap(lambda r: g(r) @ r)(x.reshape(2, 2))),
    "tuple": lambda g: lambda xy: jnp.sum(g(xy[0]) * xy[1]),
}


def _domain(context: str) -> Any:
    if context == "tuple":
        return (domains.real(4), domains.real(4))
    return domains.real(4)


@pytest.mark.parametrize("context", sorted(_CONTEXTS))
@pytest.mark.parametrize("wrong", [False, True])
def test_rules_are_checked_wherever_they_are_called(context: str, wrong: bool) -> None:
    f = _CONTEXTS[context](sin_rule(scale=1.5 if wrong else 1.0))
    r = check_custom_rule(f, _domain(context), trials=FEW)
    assert r.rules == ("sin (custom_jvp)",)
    assert r.ok is not wrong, r.verdict
    if wrong:
        assert ("rev", 1) in _failed(r)


@pytest.mark.parametrize("context", ["jit", "scan", "tuple"])
def test_custom_vjp_rules_are_checked_wherever_they_are_called(context: str) -> None:
    right = check_custom_rule(
        _CONTEXTS[context](cube_vjp()), _domain(context), trials=FEW
    )
    assert right.ok, right.verdict
    assert right.rules == ("cube (custom_vjp)",)
    wrong = check_custom_rule(
        _CONTEXTS[context](cube_vjp(wrong=True)), _domain(context), trials=FEW
    )
    assert not wrong.ok
    assert _failed(wrong) == {("rev", 1)}


# -- right rules pass, and what cannot be checked is said -----------------------------


@pytest.mark.parametrize("order", [1, 2])
def test_right_custom_jvp_and_custom_vjp_pass_both_checks(order: int) -> None:
    @jax.custom_jvp
    def softplus(x: jax.Array) -> jax.Array:
        return jnp.log1p(jnp.exp(x))

    @softplus.defjvp
    def _softplus_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return softplus(x), jax.nn.sigmoid(x) * t

    cube = cube_vjp()

    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(softplus(x) * cube(x))

    for fn in (softplus, cube, f):
        for check in (check_custom_rule, check_autodiff):
            r = check(fn, domains.real(3), order=order, trials=FEW)
            assert r.ok, (check.__name__, r.verdict)
            assert all(m.ok for m in r.modes)
            assert r.max_rel_error < 1e-6


@pytest.mark.parametrize("check", [check_custom_rule, check_autodiff])
def test_forward_mode_of_a_custom_vjp_is_not_applicable_not_failed(check: Any) -> None:
    r = check(cube_vjp(), domains.real(3), order=2, trials=FEW)
    assert r.ok, r.verdict
    modes = _modes(r)
    for order in (1, 2):
        fwd = modes[("fwd", order)]
        assert not fwd.applicable
        assert fwd.ok
        assert "custom_vjp" in fwd.note
        assert modes[("rev", order)].applicable
        assert modes[("rev", order)].ok
    assert "not applicable" in r.verdict
    assert "fwd mode order 1" in r.verdict.split("not applicable")[1]


def test_only_forward_mode_of_a_custom_vjp_is_refused_not_passed() -> None:
    with pytest.raises(
        ValueError, match=r"leaves nothing to check.*custom_vjp"
    ) as info:
        check_autodiff(cube_vjp(), domains.real(3), modes=("fwd",), trials=FEW)
    assert 'modes=("rev",)' in str(info.value)


def test_modes_selects_what_check_autodiff_reports() -> None:
    sin = sin_rule(sign=-1.0)
    r = check_autodiff(
        lambda x: jnp.sum(sin(x)), domains.real(3), modes=("rev",), trials=FEW
    )
    assert [(m.mode, m.order) for m in r.modes] == [("rev", 1)]
    assert not r.ok


def test_jax_rules_stay_unless_replaced_and_are_named() -> None:
    sin = sin_rule()

    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(jax.nn.relu(x) * sin(x))

    kept = check_custom_rule(f, domains.real(3), trials=FEW)
    assert kept.ok, kept.verdict
    assert kept.rules == ("sin (custom_jvp)",)
    replaced = check_custom_rule(f, domains.real(3), trials=FEW, replace_jax_rules=True)
    assert replaced.ok, replaced.verdict
    assert set(replaced.rules) == {"sin (custom_jvp)", "relu (custom_jvp)"}
    assert "relu (custom_jvp)" in str(replaced)


def test_a_rule_whose_code_has_nan_derivatives_is_judged_by_finite_differences() -> (
    None
):
    # softplus written safely for large x: the untaken branch's derivative,
    # exp(x) / (1 + exp(x)) = inf / inf beyond x = 710, makes the code's
    # gradient NaN there; the rule is why the function exists.
    def softplus(scale: float) -> Callable[[jax.Array], jax.Array]:
        @jax.custom_jvp
        def sp(x: jax.Array) -> jax.Array:
            return jnp.where(x > 30, x, jnp.log1p(jnp.exp(x)))

        @sp.defjvp
        def _sp_jvp(primals: Any, tangents: Any) -> Any:
            (x,), (t,) = primals, tangents
            return sp(x), scale * jax.nn.sigmoid(x) * t

        return sp

    domain = domains.near(jnp.zeros(3), 1000.0)  # reaches x > 710
    right = check_custom_rule(softplus(1.0), domain, trials=16)
    assert right.ok, right.verdict
    n = right.nonfinite["without rules"]
    assert 0 < n < 16
    assert f"at {n} of 16 trials the code without the rules" in right.verdict
    assert right.nonfinite["autodiff"] == 0
    # The code itself cannot be checked there: its derivative is NaN.
    assert not check_autodiff(
        lambda x: jnp.where(x > 30, x, jnp.log1p(jnp.exp(x))), domain, trials=16
    ).ok
    # A wrong rule is still caught, by finite differences at those trials.
    wrong = check_custom_rule(softplus(1.01), domain, trials=16)
    assert not wrong.ok
    assert wrong.nonfinite["without rules"] == n


def test_a_rule_returning_nan_fails() -> None:
    @jax.custom_jvp
    def sin(x: jax.Array) -> jax.Array:
        return jnp.sin(x)

    @sin.defjvp
    def _sin_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return sin(x), jnp.where(x > 0.5, jnp.nan, jnp.cos(x)) * t

    for check in (check_custom_rule, check_autodiff):
        r = check(lambda x: jnp.sum(sin(x)), domains.real(3), trials=FEW)
        assert not r.ok
        assert r.nonfinite["autodiff"] > 0
        assert "NaN or inf" in r.verdict
        assert np.isnan(r.max_rel_error)


# -- matrix-free formulas ---------------------------------------------------------------

A = jnp.asarray(np.random.default_rng(0).standard_normal((3, 4)))


def mlp(p: dict[str, jax.Array]) -> dict[str, jax.Array]:
    """A pytree in, a pytree out."""
    h = jnp.tanh(p["W"] @ p["x"] + p["b"])
    return {"h": h, "s": jnp.sum(h**2)}


def mlp_jvp(p: dict[str, jax.Array], v: dict[str, jax.Array]) -> dict[str, jax.Array]:
    h = jnp.tanh(p["W"] @ p["x"] + p["b"])
    dh = (1 - h**2) * (v["W"] @ p["x"] + p["W"] @ v["x"] + v["b"])
    return {"h": dh, "s": jnp.sum(2 * h * dh)}


def mlp_vjp(p: dict[str, jax.Array], u: dict[str, jax.Array]) -> dict[str, jax.Array]:
    h = jnp.tanh(p["W"] @ p["x"] + p["b"])
    g = (u["h"] + 2 * h * u["s"]) * (1 - h**2)
    return {"W": jnp.outer(g, p["x"]), "b": g, "x": p["W"].T @ g}


MLP_DOMAIN = {"W": domains.real((3, 4)), "b": domains.real(3), "x": domains.real(4)}


def test_check_jvp_right_and_wrong_with_pytrees() -> None:
    r = check_jvp(mlp, mlp_jvp, MLP_DOMAIN, trials=FEW)
    assert r.ok, r.verdict
    assert r.kind == "jvp"
    assert [leaf.path for leaf in r.leaves] == ["['W']", "['b']", "['x']"]
    assert all(leaf.max_rel_error < 1e-12 for leaf in r.leaves)

    def without_dx(p: Any, v: Any) -> Any:  # forgets the term through x
        return mlp_jvp(p, {**v, "x": jnp.zeros_like(v["x"])})

    bad = check_jvp(mlp, without_dx, MLP_DOMAIN, trials=FEW)
    assert not bad.ok
    assert "the formula is wrong" in bad.verdict
    rows = {leaf.path: leaf for leaf in bad.leaves}
    # The masked probes put the error on the leaf it belongs to.
    assert rows["['x']"].max_rel_error == pytest.approx(1.0)
    assert rows["['W']"].max_rel_error < 1e-12
    assert rows["['b']"].max_rel_error < 1e-12


def test_check_vjp_right_and_wrong_with_pytrees() -> None:
    r = check_vjp(mlp, mlp_vjp, MLP_DOMAIN, trials=FEW)
    assert r.ok, r.verdict
    assert r.kind == "vjp"
    assert [leaf.path for leaf in r.leaves] == ["['W']", "['b']", "['x']"]

    def reversed_x(p: Any, u: Any) -> Any:  # the outer product with x reversed
        g = mlp_vjp(p, u)
        return {**g, "W": jnp.outer(g["b"], p["x"][::-1])}

    bad = check_vjp(mlp, reversed_x, MLP_DOMAIN, trials=FEW)
    assert not bad.ok
    rows = {leaf.path: leaf for leaf in bad.leaves}
    assert rows["['W']"].max_rel_error > 0.1
    assert rows["['b']"].max_rel_error < 1e-12
    assert bad.worst_index[0] == "['W']"


def test_check_hvp_right_and_wrong() -> None:
    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(jnp.log1p(x**2)) + (A @ x) @ (A @ x) / 2

    def hvp(x: jax.Array, v: jax.Array) -> jax.Array:
        return 2 * (1 - x**2) / (1 + x**2) ** 2 * v + A.T @ (A @ v)

    r = check_hvp(f, hvp, domains.real(4), trials=FEW)
    assert r.ok, r.verdict
    assert r.kind == "hvp"
    assert r.fd.ok

    def missing_term(x: jax.Array, v: jax.Array) -> jax.Array:
        # The derivative of 2x / (1 + x^2) without its quotient-rule term.
        return 2 / (1 + x**2) * v + A.T @ (A @ v)

    bad = check_hvp(f, missing_term, domains.real(4), trials=FEW)
    assert not bad.ok
    assert "the formula is wrong" in bad.verdict
    assert bad.fd.ok  # autodiff agrees with the differences of the gradient


def test_check_hvp_on_a_pytree_names_an_unused_leaf() -> None:
    def f(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.sum(jnp.sin(p["a"]) * p["a"])

    def hvp(p: Any, v: Any) -> Any:
        a = p["a"]
        return {
            "a": (2 * jnp.cos(a) - a * jnp.sin(a)) * v["a"],
            "unused": 0 * v["unused"],
        }

    r = check_hvp(f, hvp, {"a": domains.real(3), "unused": domains.real(2)}, trials=FEW)
    assert r.ok, r.verdict
    rows = {leaf.path: leaf for leaf in r.leaves}
    assert rows["['unused']"].autodiff_zero
    assert not rows["['a']"].autodiff_zero
    assert "['unused']" in r.verdict
    assert "is this leaf used?" in r.verdict


def test_an_unused_leaf_is_named_by_each_check() -> None:
    def loss(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.sum(jnp.tanh(p["W"] @ jnp.ones(4)) ** 2)

    def loss_vjp(p: Any, u: jax.Array) -> Any:
        h = jnp.tanh(p["W"] @ jnp.ones(4))
        return {"W": u * jnp.outer(2 * h * (1 - h**2), jnp.ones(4)), "b": jnp.zeros(3)}

    def loss_jvp(p: Any, v: Any) -> jax.Array:
        h = jnp.tanh(p["W"] @ jnp.ones(4))
        return jnp.sum(2 * h * (1 - h**2) * (v["W"] @ jnp.ones(4)))

    domain = domains.like({"W": jnp.zeros((3, 4)), "b": jnp.zeros(3)})
    results = [
        check_jvp(loss, loss_jvp, domain, trials=FEW),
        check_vjp(loss, loss_vjp, domain, trials=FEW),
        check_autodiff(loss, domain, trials=FEW),
    ]
    for r in results:
        assert r.ok, (r.kind, r.verdict)
        rows = {leaf.path: leaf for leaf in r.leaves}
        assert set(rows) == {"['W']", "['b']"}, r.kind
        assert rows["['b']"].autodiff_zero, r.kind
        assert not rows["['W']"].autodiff_zero, r.kind
        assert "['b']" in r.verdict
        assert "is this leaf used?" in r.verdict
        assert "['W']" not in r.verdict


def test_fd_directions_0_does_not_run_finite_differences() -> None:
    for check, formula in (
        (check_jvp, lambda x, v: jnp.cos(x) * v),
        (check_vjp, lambda x, u: jnp.cos(x) * u),
    ):
        r = check(jnp.sin, formula, domains.real(3), trials=FEW, fd_directions=0)
        assert r.ok, r.verdict
        assert not r.fd.run
        assert r.fd.directions == 0
        assert np.isnan(r.fd.max_rel_error)
        assert "finite differences" not in r.nonfinite
        # Without them the formula is still compared with autodiff.
        bad = check(
            jnp.sin,
            lambda x, t: jnp.sin(x) * t,
            domains.real(3),
            trials=FEW,
            fd_directions=0,
        )
        assert not bad.ok
    # And they do run by default.
    assert (
        check_jvp(
            jnp.sin, lambda x, v: jnp.cos(x) * v, domains.real(3), trials=FEW
        ).fd.directions
        == 3
    )


def test_complex_jvp_and_vjp() -> None:
    def f(z: jax.Array) -> jax.Array:
        return z**2 * jnp.exp(z)  # holomorphic: J v = f'(z) v

    def df(z: jax.Array) -> jax.Array:
        return (2 * z + z**2) * jnp.exp(z)

    assert check_jvp(f, lambda z, v: df(z) * v, domains.complex(3), trials=FEW).ok
    # JAX's J^T u of a holomorphic function is f'(z) u, not conj(f'(z)) u.
    assert check_vjp(f, lambda z, u: df(z) * u, domains.complex(3), trials=FEW).ok
    wrong = check_jvp(
        f, lambda z, v: jnp.conj(df(z)) * v, domains.complex(3), trials=FEW
    )
    assert not wrong.ok
    r = check_vjp(f, lambda z, u: jnp.conj(df(z) * u), domains.complex(3), trials=FEW)
    assert not r.ok
    assert "conjugate" in r.verdict
    # A real function of a complex input: J v = Re(conj(grad) v) in JAX's terms.
    g = check_jvp(
        lambda z: jnp.abs(z) ** 2,
        lambda z, v: 2 * jnp.real(jnp.conj(z) * v),
        domains.complex(3),
        trials=FEW,
    )
    assert g.ok, g.verdict
    assert not check_jvp(
        lambda z: jnp.abs(z) ** 2,
        lambda z, v: 2 * jnp.real(z * v),
        domains.complex(3),
        trials=FEW,
    ).ok


@settings(max_examples=6)
@given(error=st.floats(1e-5, 0.5), sign=st.sampled_from([-1.0, 1.0]))
def test_any_relative_error_above_rounding_fails_check_jvp(
    error: float, sign: float
) -> None:
    r = check_jvp(
        jnp.sin,
        lambda x, v: (1 + sign * error) * jnp.cos(x) * v,
        domains.real(5),
        trials=FEW,
        fd_directions=0,
    )
    assert not r.ok
    assert r.max_rel_error == pytest.approx(error, rel=1e-6)


@settings(max_examples=6)
@given(error=st.floats(1e-5, 0.5))
def test_any_relative_error_above_rounding_fails_check_custom_rule(
    error: float,
) -> None:
    sin = sin_rule(scale=1 + error)
    r = check_custom_rule(lambda x: jnp.sum(sin(x)), domains.real(3), trials=FEW)
    assert not r.ok
    assert r.max_rel_error == pytest.approx(error, rel=1e-6)


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("order", [3, 0, "2", None])
@pytest.mark.parametrize("check", [check_autodiff, check_custom_rule])
def test_order_must_be_1_or_2(check: Any, order: Any) -> None:
    with pytest.raises(ValueError, match="order must be 1 or 2"):
        check(lambda x: jnp.sum(sin_rule()(x)), domains.real(3), order=order, trials=2)


@pytest.mark.parametrize("modes", [("fwd", "bwd"), (), "fwd", ("forward",)])
def test_modes_must_be_fwd_or_rev(modes: Any) -> None:
    with pytest.raises(ValueError, match="mode"):
        check_autodiff(jnp.sin, domains.real(3), modes=modes, trials=2)


@pytest.mark.parametrize(
    ("check", "formula", "what"),
    [
        (check_jvp, lambda x, v: (jnp.cos(x) * v)[:2], r"J\(x\) v"),
        (check_jvp, lambda x, v: (jnp.cos(x) * v,), r"J\(x\) v"),
        (check_jvp, lambda x, v: {"y": jnp.cos(x) * v}, r"J\(x\) v"),
        (check_vjp, lambda x, u: (jnp.cos(x) * u)[None], r"J\(x\)\^T u"),
        (check_hvp, lambda _x, v: jnp.sum(v), r"H\(x\) v"),
    ],
)
def test_a_formula_of_the_wrong_shape_or_structure_is_named(
    check: Any, formula: Any, what: str
) -> None:
    f = jnp.sin if check is not check_hvp else (lambda x: jnp.sum(jnp.sin(x)))
    with pytest.raises(ValueError, match=what) as info:
        check(f, formula, domains.real(3), trials=2)
    assert "Return values with that structure and those shapes" in str(info.value)


def test_a_complex_vjp_for_a_real_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        check_vjp(
            jnp.sin,
            lambda x, u: (jnp.cos(x) * u).astype(jnp.complex128),
            domains.real(3),
            trials=2,
        )


@pytest.mark.parametrize(
    ("tree", "path"),
    [
        ({"W": jnp.zeros(3), "steps": jnp.zeros(2, jnp.int32)}, r"\['steps'\]"),
        ({"W": jnp.zeros(3), "flags": {"train": True}}, r"\['flags'\]\['train'\]"),
        ([jnp.zeros(3), 7], r"\[1\]"),
    ],
)
def test_a_non_floating_leaf_is_named_by_its_path(tree: Any, path: str) -> None:
    with pytest.raises(ValueError, match=path) as info:
        check_autodiff(lambda p: jnp.sum(p["W"]), domains.like(tree), trials=2)
    assert "equinox.partition" in str(info.value)


def test_a_function_without_a_rule_of_the_user_s_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="check_autodiff") as info:
        check_custom_rule(lambda x: jnp.sum(jnp.sin(x)), domains.real(3), trials=2)
    assert "no jax.custom_jvp or jax.custom_vjp rule" in str(info.value)
    # Only JAX's own rules: named, with the option that replaces them.
    with pytest.raises(TypeError, match="replace_jax_rules=True") as info:
        check_custom_rule(lambda x: jnp.sum(jax.nn.relu(x)), domains.real(3), trials=2)
    assert "relu (custom_jvp)" in str(info.value)
    assert "check_autodiff" in str(info.value)
    r = check_custom_rule(
        lambda x: jnp.sum(jax.nn.relu(x)),
        domains.real(3),
        trials=FEW,
        replace_jax_rules=True,
    )
    assert r.ok
    assert r.rules == ("relu (custom_jvp)",)


def test_check_hvp_of_a_non_scalar_function_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must return a scalar"):
        check_hvp(jnp.sin, lambda x, v: -jnp.sin(x) * v, domains.real(3), trials=2)
    with pytest.raises(TypeError, match="must return a scalar"):
        check_hvp(
            lambda x: (jnp.sum(x), jnp.sum(x)),
            lambda _x, v: v,
            domains.real(3),
            trials=2,
        )


def test_complex_domains_are_refused_where_they_have_no_meaning() -> None:
    with pytest.raises(TypeError, match="check_jacobian takes real inputs"):
        check_jacobian(
            jnp.sin, lambda z: jnp.diag(jnp.cos(z)), domains.complex(3), trials=2
        )
    with pytest.raises(TypeError, match="check_hessian takes real inputs"):
        check_hessian(
            lambda z: jnp.sum(jnp.abs(z) ** 2),
            lambda _z: 2 * jnp.eye(3),
            domains.complex(3),
            trials=2,
        )
    with pytest.raises(TypeError, match=r"check_hvp takes real inputs.*\['z'\]"):
        check_hvp(
            lambda p: jnp.sum(jnp.abs(p["z"]) ** 2) + jnp.sum(p["x"] ** 2),
            lambda _p, v: v,
            {"x": domains.real(2), "z": domains.complex(3)},
            trials=2,
        )


class _Constant(domains.Domain):
    """A broken domain of one's own: the same point whatever the noise."""

    @property
    def name(self) -> str:
        return "constant"

    def from_noise(self, z: Any, xp: Any) -> Any:
        return xp.ones_like(z).reshape(z.shape[:-1] + self.shape)

    def holds(self, x: Any, tol: float) -> bool:  # noqa: ARG002
        return True


@pytest.mark.parametrize(
    "run",
    [
        lambda d: check_autodiff(jnp.sin, d, trials=4),
        lambda d: check_custom_rule(sin_rule(), d, trials=4),
        lambda d: check_jvp(jnp.sin, lambda x, v: jnp.cos(x) * v, d, trials=4),
        lambda d: check_vjp(jnp.sin, lambda x, u: jnp.cos(x) * u, d, trials=4),
        lambda d: check_hvp(
            lambda x: jnp.sum(jnp.sin(x)), lambda x, v: -jnp.sin(x) * v, d, trials=4
        ),
    ],
)
def test_the_same_input_at_every_trial_is_refused(run: Any) -> None:
    with pytest.raises(ValueError, match="all 4 trials drew the same input"):
        run(_Constant((3,)))


def test_nan_anywhere_is_a_failure_never_a_pass() -> None:
    # f is NaN (log of negative numbers).
    r = check_autodiff(lambda x: jnp.sum(jnp.log(x)), domains.real(3), trials=FEW)
    assert not r.ok
    assert r.nonfinite["f"] > 0
    # The formula is NaN at some entries only.
    for check in (check_jvp, check_vjp):
        r = check(
            jnp.sin,
            lambda x, t: jnp.where(x > 0.0, jnp.nan, jnp.cos(x) * t),
            domains.real(3),
            trials=FEW,
        )
        assert not r.ok
        assert r.nonfinite["formula"] > 0
        assert "NaN or inf" in r.verdict
    # An inf in the Hessian-vector product.
    r = check_hvp(
        lambda x: jnp.sum(x**3),
        lambda x, v: 6 * x * v / (x > 0),
        domains.real(3),
        trials=FEW,
    )
    assert not r.ok
    assert r.nonfinite["formula"] > 0

    # autodiff's derivative NaN (sqrt'(0) * 0) where the formula is finite and
    # right: no pass either.
    def half_sqrt(x: jax.Array) -> jax.Array:
        return jnp.sum(jnp.sqrt(jnp.abs(x) * (x > 0)))

    def half_sqrt_jvp(x: jax.Array, v: jax.Array) -> jax.Array:
        return jnp.sum(jnp.where(x > 0, 0.5 / jnp.sqrt(jnp.abs(x)), 0.0) * v)

    r = check_jvp(half_sqrt, half_sqrt_jvp, domains.real(3), trials=FEW)
    assert not r.ok
    assert r.nonfinite["autodiff"] > 0
    assert r.nonfinite["formula"] == 0
    assert "NaN or inf" in r.verdict
    assert check_jvp(half_sqrt, half_sqrt_jvp, domains.positive(3), trials=FEW).ok


@pytest.mark.parametrize(
    "run",
    [
        lambda f: check_autodiff(f, domains.real(3), trials=2),
        lambda f: check_custom_rule(f, domains.real(3), trials=2),
        lambda f: check_jvp(f, lambda _x, v: v, domains.real(3), trials=2),
        lambda f: check_vjp(f, lambda _x, u: u, domains.real(3), trials=2),
        lambda f: check_hvp(f, lambda _x, v: v, domains.real(3), trials=2),
    ],
)
def test_an_exception_in_f_surfaces_as_itself_with_a_note(run: Any) -> None:
    class Boom(Exception):
        pass

    def exploding(_x: jax.Array) -> jax.Array:
        msg = "f exploded"
        raise Boom(msg)

    with pytest.raises(Boom, match="f exploded") as info:
        run(exploding)
    assert type(info.value) is Boom
    note = _notes(info.value)
    assert "f (exploding) raised this on a sample of the domain 'real 3'" in note


@pytest.mark.parametrize("check", [check_jvp, check_vjp])
def test_an_exception_in_the_formula_names_the_formula(check: Any) -> None:
    def bad_formula(_x: jax.Array, _t: jax.Array) -> jax.Array:
        msg = "formula exploded"
        raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="formula exploded") as info:
        check(jnp.sin, bad_formula, domains.real(3), trials=2)
    note = _notes(info.value)
    assert "the formula (bad_formula) raised this" in note
