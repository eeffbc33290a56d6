"""Tests for autodiff_cookbook.examples.checkers_compared: the rules and the comparison.

The rules are tested without any checker first (a wrong rule's derivative
differs from the derivative of the code it decorates, in the way its record
says; a right rule's agrees to rounding), then this project's checkers are run
on every rule: each wrong rule must be caught by ``check_custom_rule`` or
``check_autodiff``, and no right rule flagged.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from autodiff_cookbook import domains
from autodiff_cookbook.examples.checkers_compared import (
    CHECKERS,
    RULES,
    SCIPY_RTOL,
    Row,
    Rule,
    Table,
    compare_checkers,
    run_checker,
)

OURS = ("check_custom_rule", "check_autodiff")
WRONG = [r for r in RULES if r.wrong]
RIGHT = [r for r in RULES if not r.wrong]
BY_NAME = {r.name: r for r in RULES}


def _vjp(f: Callable[..., object], x: object, u: object) -> object:
    _, pullback = jax.vjp(f, x)
    return pullback(u)[0]


def _flat(tree: object) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(a)) for a in jax.tree.leaves(tree)])


def _rule_and_code_cotangents(rule: Rule, key: int) -> tuple[np.ndarray, np.ndarray]:
    """J^T u by the rule and by JAX's rules on the code it decorates, at one input."""
    with jax.enable_x64(True):
        x = domains.sample(rule.domain, key, jnp.float64)
        out = jax.eval_shape(rule.f, x)
        leaves, tree = jax.tree.flatten(out)
        keys = jax.random.split(jax.random.key(key + 1000), len(leaves))
        u = jax.tree.unflatten(
            tree,
            [
                jax.random.normal(k, leaf.shape, leaf.dtype)
                for k, leaf in zip(keys, leaves, strict=True)
            ],
        )
        by_rule = _flat(_vjp(rule.f, x, u))
        by_code = _flat(_vjp(rule.f.fun, x, u))  # type: ignore[attr-defined]
    return by_rule, by_code


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


# -- The catalogue itself -----------------------------------------------------


def test_the_catalogue_has_ten_wrong_and_five_right_rules_with_unique_names() -> None:
    assert len(WRONG) >= 10
    assert len(RIGHT) >= 5
    assert len(BY_NAME) == len(RULES)
    for rule in RULES:
        kind = type(rule.f).__name__
        assert kind == rule.kind, (rule.name, kind)
        assert rule.what
    assert {"sign", "transpose", "conjugate", "missing term", "scale"} <= set(BY_NAME)
    assert {"second order", "swapped leaves", "one output", "large inputs"} <= set(
        BY_NAME
    )
    assert {"0.1% off", "1e-6 off"} <= set(BY_NAME)


@pytest.mark.parametrize("rule", RIGHT, ids=lambda r: r.name)
def test_a_right_rule_agrees_with_its_code_to_rounding(rule: Rule) -> None:
    for key in range(3):
        by_rule, by_code = _rule_and_code_cotangents(rule, key)
        assert _rel(by_rule, by_code) < 1e-12, rule.name


@pytest.mark.parametrize(
    "rule",
    [r for r in WRONG if r.name not in ("second order", "large inputs")],
    ids=lambda r: r.name,
)
def test_a_wrong_rule_differs_from_its_code_at_first_order(rule: Rule) -> None:
    by_rule, by_code = _rule_and_code_cotangents(rule, 0)
    assert _rel(by_rule, by_code) > 5e-7, rule.name


def test_the_small_errors_have_the_size_their_names_say() -> None:
    for name, size in (("0.1% off", 1e-3), ("1e-6 off", 1e-6)):
        by_rule, by_code = _rule_and_code_cotangents(BY_NAME[name], 0)
        assert _rel(by_rule, by_code) == pytest.approx(size, rel=1e-3)


def test_the_second_order_rule_is_right_at_first_order_only() -> None:
    rule = BY_NAME["second order"]
    by_rule, by_code = _rule_and_code_cotangents(rule, 0)
    assert _rel(by_rule, by_code) < 1e-14
    with jax.enable_x64(True):
        x = jnp.linspace(-2.0, 2.0, 7, dtype=jnp.float64) + 0.1
        second = jax.vmap(jax.grad(jax.grad(rule.f)))(x)
        second_code = jax.vmap(jax.grad(jax.grad(rule.f.fun)))(x)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(second, 0.0)
    np.testing.assert_allclose(second_code, -np.sin(np.asarray(x)), rtol=1e-14)


def test_the_swapped_rule_exchanges_the_two_leaves() -> None:
    rule = BY_NAME["swapped leaves"]
    with jax.enable_x64(True):
        p = domains.sample(rule.domain, 0, jnp.float64)
        u = jnp.ones(4, jnp.float64)
        by_rule = _vjp(rule.f, p, u)
        by_code = _vjp(rule.f.fun, p, u)  # type: ignore[attr-defined]
    np.testing.assert_allclose(by_rule["w"], by_code["b"], rtol=1e-14)
    np.testing.assert_allclose(by_rule["b"], by_code["w"], rtol=1e-14)


def test_the_one_output_rule_is_wrong_for_the_second_output_only() -> None:
    rule = BY_NAME["one output"]
    with jax.enable_x64(True):
        x = domains.sample(rule.domain, 0, jnp.float64)
        ones, zeros = jnp.ones_like(x), jnp.zeros_like(x)
        code = rule.f.fun  # type: ignore[attr-defined]
        first = _vjp(rule.f, x, (ones, zeros)), _vjp(code, x, (ones, zeros))
        second = _vjp(rule.f, x, (zeros, ones)), _vjp(code, x, (zeros, ones))
    np.testing.assert_allclose(*first, rtol=1e-14)
    np.testing.assert_allclose(2 * np.asarray(second[0]), second[1], rtol=1e-14)


def test_the_conjugate_rule_returns_the_conjugate_of_jaxs_gradient() -> None:
    rule = BY_NAME["conjugate"]
    with jax.enable_x64(True):
        z = domains.sample(rule.domain, 0, jnp.float64)
        assert jnp.iscomplexobj(z)
        by_rule = jax.grad(rule.f)(z)
        by_code = jax.grad(rule.f.fun)(z)  # type: ignore[attr-defined]
    np.testing.assert_allclose(np.conj(by_rule), by_code, rtol=1e-14)
    assert not np.allclose(by_rule, by_code)


def test_the_large_input_rule_is_right_below_two_and_wrong_above() -> None:
    rule = BY_NAME["large inputs"]
    with jax.enable_x64(True):
        x = jnp.array([-3.0, 0.5, 1.9, 2.5, 4.0], jnp.float64)
        by_rule = jax.vmap(jax.grad(rule.f))(x)
        sigmoid = jax.nn.sigmoid(x)
    np.testing.assert_allclose(by_rule[:3], sigmoid[:3], rtol=1e-15)
    assert np.all(np.abs(by_rule[3:] - sigmoid[3:]) > 1e-2)


def test_the_transpose_rule_is_right_for_symmetric_matrices_only() -> None:
    rule = BY_NAME["transpose"]
    with jax.enable_x64(True):
        a = domains.sample(rule.domain, 0, jnp.float64)
        g = jnp.ones((3, 3), jnp.float64)
        code = rule.f.fun  # type: ignore[attr-defined]
        symmetric = a + a.T
        np.testing.assert_allclose(
            _vjp(rule.f, symmetric, g), _vjp(code, symmetric, g), rtol=1e-14
        )
        assert not np.allclose(_vjp(rule.f, a, g), _vjp(code, a, g))


# -- This project's checkers on every rule -------------------------------------


@pytest.fixture(scope="module")
def ours() -> Table:
    return compare_checkers(RULES, OURS)


@pytest.mark.parametrize("rule", WRONG, ids=lambda r: r.name)
def test_each_wrong_rule_is_caught_by_this_projects_checks(
    ours: Table, rule: Rule
) -> None:
    caught = ours.caught_by(rule.name)
    assert set(caught) & set(OURS), [ours.row(rule.name, c) for c in OURS]
    # The comparison with the replaced code catches every one of them.
    assert "check_custom_rule" in caught, ours.row(rule.name, "check_custom_rule")


@pytest.mark.parametrize("rule", RIGHT, ids=lambda r: r.name)
def test_no_right_rule_is_flagged_by_this_projects_checks(
    ours: Table, rule: Rule
) -> None:
    for checker in OURS:
        row = ours.row(rule.name, checker)
        assert row.outcome == "passed", row


def test_the_second_order_rule_fails_at_order_two_only(ours: Table) -> None:
    detail = ours.row("second order", "check_custom_rule").detail
    assert "order 2" in detail
    assert "order 1" not in detail


def test_the_counts_add_up(ours: Table) -> None:
    for checker in OURS:
        c = ours.counts(checker)
        assert c.caught + c.missed == len(WRONG)
        assert c.passed + c.false_alarms == len(RIGHT)
        assert c.not_applicable == c.errors == 0
        assert c.seconds == pytest.approx(
            sum(ours.row(r.name, checker).seconds for r in RULES)
        )
        assert c.seconds > 0


# -- The table -----------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Table:
    return compare_checkers(
        [BY_NAME["scale"], BY_NAME["pytree"], BY_NAME["large inputs"]]
    )


def test_the_table_has_every_rule_and_checker(small: Table) -> None:
    assert [(r.rule, r.checker) for r in small.rows] == [
        (rule, checker)
        for rule in ("scale", "pytree", "large inputs")
        for checker in CHECKERS
    ]
    for row in small.rows:
        assert row.outcome in ("caught", "missed", "passed", "false alarm", "n/a"), row
        assert math.isnan(row.seconds) == (row.outcome == "n/a")
    markdown = small.to_markdown().splitlines()
    assert len(markdown) == 2 + 3
    assert markdown[0].count("|") == 2 + len(CHECKERS) + 1
    assert all(line.count("|") == markdown[0].count("|") for line in markdown[2:])
    counts = small.counts_markdown().splitlines()
    assert len(counts) == 2 + len(CHECKERS)
    assert "| check_custom_rule | 2 of 2 |" in counts[2]


def test_scipy_does_not_apply_to_a_pytree_and_check_grads_checks_it(
    small: Table,
) -> None:
    assert small.row("pytree", "scipy check_grad").outcome == "n/a"
    assert small.row("pytree", "check_grads").outcome == "passed"
    assert "modes rev" in small.row("pytree", "check_grads").detail
    assert "modes fwd, rev" in small.row("scale", "check_grads").detail


def test_the_scipy_bound_separates_a_right_gradient_from_a_wrong_one(
    small: Table,
) -> None:
    right = small.row("scale", "scipy check_grad")
    assert right.outcome == "caught"
    assert right.error == pytest.approx(0.5, rel=1e-6)  # exp(x/2): twice the slope
    # At one point of four standard normal components, none above 2 for this key.
    large = small.row("large inputs", "scipy check_grad")
    assert large.outcome == "missed"
    assert large.error < SCIPY_RTOL


def test_a_complex_input_is_not_applicable_to_scipy() -> None:
    row = run_checker(BY_NAME["complex"], "scipy check_grad")
    assert row.outcome == "n/a"
    assert math.isnan(row.seconds)


def test_an_exception_is_recorded_not_raised() -> None:
    @jax.custom_jvp
    def broken(x: jax.Array) -> jax.Array:
        return jnp.sin(x)

    @broken.defjvp
    def _broken_jvp(
        primals: tuple[jax.Array], tangents: tuple[jax.Array]
    ) -> tuple[jax.Array, jax.Array]:
        (x,), (t,) = primals, tangents
        return broken(x), jnp.cos(x)[:2] * t[:2]  # the wrong shape

    rule = Rule(
        "broken",
        "a tangent of the wrong shape",
        broken,
        domains.real(3),
        True,
        "custom_jvp",
        None,
    )
    row = run_checker(rule, "check_grads")
    assert row.outcome.startswith("error: "), row
    assert row.seconds > 0
    assert not row.flagged


def test_an_unknown_checker_is_refused() -> None:
    with pytest.raises(ValueError, match="checker must be one of"):
        run_checker(RULES[0], "gradcheck")


def test_a_row_is_flagged_when_caught_or_a_false_alarm() -> None:
    def row(outcome: str) -> Row:
        return Row("r", True, "check_grads", outcome, 0.1, "")

    assert row("caught").flagged
    assert row("false alarm").flagged
    assert not any(row(o).flagged for o in ("missed", "passed", "n/a", "error: X"))
