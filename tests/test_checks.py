"""Tests for the checkers: right formulas pass, wrong ones fail, bad input raises."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.linalg
import numpy as np
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import (
    CheckResult,
    FiniteDifferenceReport,
    _checks,
    _compare,
    _evaluate,
    assert_gradient,
    assert_hessian,
    assert_jacobian,
    check_gradient,
    check_hessian,
    check_jacobian,
    domains,
)

# A small number of trials keeps the tests fast: a check costs one compilation
# whatever the number of trials, and a wrong formula fails at every trial.
FEW = 8


def neg_log_det(x: jax.Array) -> jax.Array:
    return -jnp.log(jnp.linalg.det(x))


def neg_log_det_gradient(x: jax.Array) -> jax.Array:
    return -jnp.linalg.inv(x).T


def neg_log_det_hessian(x: jax.Array) -> jax.Array:
    # d/dX_kl of -(X^{-T})_ij = (X^{-1})_jk (X^{-1})_li
    inv = jnp.linalg.inv(x)
    return jnp.einsum("jk,li->ijkl", inv, inv)


def trace_expm(a: jax.Array) -> jax.Array:
    return jnp.trace(jax.scipy.linalg.expm(a))


def trace_cube(a: jax.Array) -> jax.Array:
    return jnp.trace(a @ a @ a)


def quartic(x: jax.Array) -> jax.Array:
    return (x @ x) ** 2


def log1p_norm(x: jax.Array) -> jax.Array:
    return jnp.log(1 + x @ x)


def log1p_norm_hessian(x: jax.Array) -> jax.Array:
    s = 1 + x @ x
    return 2 * jnp.eye(x.size) / s - 4 * jnp.outer(x, x) / s**2


def softmax(z: jax.Array) -> jax.Array:
    e = jnp.exp(z - z.max())
    return e / e.sum()


# -- right formulas pass, wrong ones fail ------------------------------------


def test_the_seed_tasks_pass_with_right_formulas() -> None:
    cases = [
        (trace_expm, lambda a: jax.scipy.linalg.expm(a.T), domains.invertible(3)),
        (
            neg_log_det,
            neg_log_det_gradient,
            domains.invertible(3, positive_determinant=True),
        ),
        (quartic, lambda x: 4 * (x @ x) * x, domains.real(10)),
    ]
    for f, grad_f, domain in cases:
        result = check_gradient(f, grad_f, domain, trials=FEW)
        assert result.ok, result
        assert bool(result)
        assert result.fd.ok
        assert result.max_rel_error < 1e-12
        assert result.verdict == (
            "formula matches autodiff, and autodiff matches finite differences"
        )


@pytest.mark.parametrize(
    ("f", "wrong", "domain"),
    [
        # Transpose mistakes, caught because the inputs are not symmetric.
        (trace_cube, lambda a: 3 * a @ a, domains.invertible(3)),
        (
            neg_log_det,
            lambda x: -jnp.linalg.inv(x),
            domains.invertible(3, positive_determinant=True),
        ),
        # sum(X X) has gradient J X^T + X^T J (J all ones); here without the transposes.
        (
            lambda x: jnp.sum(x @ x),
            lambda x: jnp.ones_like(x) @ x + x @ jnp.ones_like(x),
            domains.invertible(3),
        ),
        # The seed's sign error.
        (
            neg_log_det,
            lambda x: jnp.linalg.inv(x).T,
            domains.invertible(3, positive_determinant=True),
        ),
        # A missing factor 2.
        (quartic, lambda x: 2 * (x @ x) * x, domains.real(4)),
        (lambda x: x @ x, lambda x: x, domains.real(4)),
    ],
)
def test_wrong_gradients_fail(f: Any, wrong: Any, domain: Any) -> None:
    result = check_gradient(f, wrong, domain, trials=FEW)
    assert not result.ok
    assert not bool(result)
    assert result.fd.ok, "autodiff should agree with finite differences"
    assert result.max_rel_error > 0.05
    assert result.verdict.startswith("the formula is wrong: it differs from autodiff")
    assert "autodiff agrees with finite differences" in result.verdict


def test_a_transpose_mistake_passes_on_symmetric_inputs_only() -> None:
    on_symmetric = check_gradient(
        trace_expm, jax.scipy.linalg.expm, domains.symmetric(3), trials=FEW
    )
    assert on_symmetric.ok
    caught = check_gradient(
        trace_expm, jax.scipy.linalg.expm, domains.invertible(3), trials=FEW
    )
    assert not caught.ok


def test_jacobians_right_and_wrong() -> None:
    def softmax_jacobian(z: jax.Array) -> jax.Array:
        p = softmax(z)
        return jnp.diag(p) - jnp.outer(p, p)

    assert check_jacobian(softmax, softmax_jacobian, domains.real(4), trials=FEW).ok
    # Missing outer-product term.
    missing = check_jacobian(
        softmax, lambda z: jnp.diag(softmax(z)), domains.real(4), trials=FEW
    )
    assert not missing.ok
    assert missing.verdict.startswith("the formula is wrong")
    # Matrix input: d(X^{-1})_ij / dX_kl = -(X^{-1})_ik (X^{-1})_lj.
    inv_jacobian = lambda x: (
        -jnp.einsum("ik,lj->ijkl", jnp.linalg.inv(x), jnp.linalg.inv(x))
    )
    assert check_jacobian(
        jnp.linalg.inv, inv_jacobian, domains.invertible(2), trials=FEW
    ).ok
    swapped = lambda x: -jnp.einsum("ik,lj->ijlk", jnp.linalg.inv(x), jnp.linalg.inv(x))
    assert not check_jacobian(
        jnp.linalg.inv, swapped, domains.invertible(2), trials=FEW
    ).ok


def test_jacobian_modes_and_pytree_outputs() -> None:
    def f(x: jax.Array) -> dict[str, jax.Array]:
        return {"sin": jnp.sin(x), "sum": x.sum()}

    def jac(x: jax.Array) -> dict[str, jax.Array]:
        return {"sin": jnp.diag(jnp.cos(x)), "sum": jnp.ones_like(x)}

    fwd = check_jacobian(f, jac, domains.real(3), trials=FEW, mode="fwd")
    rev = check_jacobian(f, jac, domains.real(3), trials=FEW, mode="rev")
    assert fwd.ok
    assert rev.ok
    assert fwd.autodiff == "jax.jacfwd(f)"
    assert rev.autodiff == "jax.jacrev(f)"
    wrong = check_jacobian(
        f,
        lambda x: {**jac(x), "sum": 2 * jnp.ones_like(x)},
        domains.real(3),
        trials=FEW,
    )
    assert not wrong.ok
    path, index = wrong.worst_index
    assert path == "['sum']"
    assert len(index) == 1


def test_hessians_right_and_wrong() -> None:
    assert check_hessian(log1p_norm, log1p_norm_hessian, domains.real(3), trials=FEW).ok
    # Missing outer-product term.
    missing = check_hessian(
        log1p_norm,
        lambda x: 2 * jnp.eye(x.size) / (1 + x @ x),
        domains.real(3),
        trials=FEW,
    )
    assert not missing.ok
    assert missing.kind == "hessian"
    assert missing.autodiff == "jax.hessian(f)"
    positive_det = domains.invertible(2, positive_determinant=True)
    assert check_hessian(neg_log_det, neg_log_det_hessian, positive_det, trials=FEW).ok
    # Transposed pairs of indices.
    swapped = lambda x: jnp.einsum("jk,li->ijlk", jnp.linalg.inv(x), jnp.linalg.inv(x))
    assert not check_hessian(neg_log_det, swapped, positive_det, trials=FEW).ok


def test_pytree_gradients_name_the_leaf() -> None:
    def loss(p: dict[str, jax.Array]) -> jax.Array:
        return jnp.sum(jnp.tanh(p["w"] @ p["b"]))

    def grad(p: dict[str, jax.Array]) -> dict[str, jax.Array]:
        s = 1 - jnp.tanh(p["w"] @ p["b"]) ** 2
        return {"w": jnp.outer(s, p["b"]), "b": p["w"].T @ s}

    domain = {"w": domains.real((2, 3)), "b": domains.real(3)}
    result = assert_gradient(loss, grad, domain, trials=FEW)
    assert result.domain_name == "{'w': real 2x3, 'b': real 3}"
    wrong = check_gradient(
        loss, lambda p: {**grad(p), "b": 2 * grad(p)["b"]}, domain, trials=FEW
    )
    assert not wrong.ok
    assert wrong.worst_index[0] == "['b']"
    assert set(wrong.worst_input) == {"w", "b"}


# -- the result ----------------------------------------------------------------


def test_the_worst_component_is_reported_with_both_values() -> None:
    def wrong(a: jax.Array) -> jax.Array:
        return 3 * a @ a  # the gradient is 3 (A^2)^T

    result = check_gradient(trace_cube, wrong, domains.invertible(3), trials=16)
    assert isinstance(result, CheckResult)
    assert result.kind == "gradient"
    assert result.trials == 16
    assert result.dtype == "float64"
    assert result.rel_errors.shape == (16,)
    assert result.abs_errors.shape == (16,)
    assert 0 <= result.worst_trial < 16
    assert result.max_rel_error == pytest.approx(float(np.max(result.rel_errors)))
    assert result.max_abs_error == pytest.approx(float(np.max(result.abs_errors)))
    assert len(result.worst_index) == 2
    # The reported values are the formula's and autodiff's at the reported input.
    x = np.asarray(result.worst_input)
    by_formula = 3 * x @ x
    by_autodiff = 3 * (x @ x).T
    assert result.worst_formula_value == pytest.approx(by_formula[result.worst_index])
    assert result.worst_autodiff_value == pytest.approx(by_autodiff[result.worst_index])
    assert abs(
        result.worst_formula_value - result.worst_autodiff_value
    ) == pytest.approx(np.abs(by_formula - by_autodiff).max())
    assert result.worst_trial == int(np.argmax(result.rel_errors))


def test_trials_are_independent_and_reproducible() -> None:
    def off(x: jax.Array) -> jax.Array:
        return 2 * x + 1  # wrong by a relative error that depends on x

    a = check_gradient(lambda x: x @ x, off, domains.real(3), trials=32, key=0)
    b = check_gradient(lambda x: x @ x, off, domains.real(3), trials=32, key=0)
    c = check_gradient(lambda x: x @ x, off, domains.real(3), trials=32, key=1)
    assert len(np.unique(a.rel_errors)) == 32
    np.testing.assert_array_equal(a.rel_errors, b.rel_errors)
    assert not np.allclose(a.rel_errors, c.rel_errors)
    d = check_gradient(
        lambda x: x @ x, off, domains.real(3), trials=32, key=jax.random.key(0)
    )
    np.testing.assert_array_equal(a.rel_errors, d.rel_errors)


def test_default_tolerances_follow_the_dtype() -> None:
    grad = lambda x: 4 * (x @ x) * x
    r64 = check_gradient(quartic, grad, domains.real(5), trials=FEW)
    r32 = check_gradient(quartic, grad, domains.real(5), trials=FEW, dtype=jnp.float32)
    assert r64.dtype == "float64"
    assert r32.dtype == "float32"
    assert r64.rtol == pytest.approx(math.sqrt(np.finfo(np.float64).eps))
    assert r32.rtol == pytest.approx(math.sqrt(np.finfo(np.float32).eps))
    assert r64.fd.rtol < r32.fd.rtol
    assert r64.atol == r32.atol == 0
    assert r32.ok
    loose = check_gradient(
        quartic, lambda x: 4.001 * (x @ x) * x, domains.real(5), trials=FEW, rtol=1e-2
    )
    assert loose.ok
    assert loose.rtol == 1e-2


def test_str_and_html() -> None:
    passed = check_gradient(
        quartic, lambda x: 4 * (x @ x) * x, domains.real(3), trials=FEW
    )
    failed = check_gradient(
        quartic, lambda x: 2 * (x @ x) * x, domains.real(3), trials=FEW
    )
    assert str(passed).startswith("gradient check passed")
    text = str(failed)
    assert text.startswith("gradient check FAILED")
    for expected in (
        "verdict",
        "worst component",
        "formula",
        "autodiff",
        "real 3",
        "float64",
    ):
        assert expected in text
    assert f"{failed.worst_formula_value:.8g}" in text
    assert f"{failed.worst_autodiff_value:.8g}" in text
    for result, status in ((passed, "passed"), (failed, "failed")):
        table = BeautifulSoup(result._repr_html_(), "html.parser").find("table")
        assert table is not None
        assert f"autodiff-check-{status}" in table["class"]
        assert status in table.find("thead").get_text()
        assert "verdict" in table.get_text()
    assert "<script" not in failed._repr_html_()


def test_assert_functions_name_both_sides() -> None:
    assert assert_gradient(
        quartic, lambda x: 4 * (x @ x) * x, domains.real(3), trials=FEW
    ).ok
    with pytest.raises(AssertionError) as info:
        assert_gradient(quartic, lambda x: 2 * (x @ x) * x, domains.real(3), trials=FEW)
    message = str(info.value)
    assert "the formula is wrong" in message
    assert "Worst component (" in message
    assert "formula (<lambda>) = " in message
    assert "autodiff (jax.grad(f)) = " in message
    with pytest.raises(AssertionError, match=r"autodiff \(jax\.jacfwd\(f\)\)"):
        assert_jacobian(
            jnp.sin, lambda x: jnp.diag(jnp.sin(x)), domains.real(3), trials=FEW
        )
    assert assert_jacobian(
        jnp.sin, lambda x: jnp.diag(jnp.cos(x)), domains.real(3), trials=FEW
    ).ok
    with pytest.raises(AssertionError, match=r"autodiff \(jax\.hessian\(f\)\)"):
        assert_hessian(
            quartic, lambda x: 4 * (x @ x) * jnp.eye(3), domains.real(3), trials=FEW
        )
    assert assert_hessian(
        quartic,
        lambda x: 4 * (x @ x) * jnp.eye(3) + 8 * jnp.outer(x, x),
        domains.real(3),
        trials=FEW,
    ).ok


# -- NaN, inf and the finite-difference referee --------------------------------


def test_nan_and_inf_are_failures_that_say_where() -> None:
    # -log det X on matrices with negative determinants: f is NaN there.
    outside = check_gradient(
        neg_log_det, neg_log_det_gradient, domains.real((3, 3)), trials=32
    )
    assert not outside.ok
    assert outside.nonfinite["f"] > 0
    assert outside.verdict.startswith("NaN or inf, which counts as a failure: f at")
    assert math.isnan(outside.max_rel_error)
    # A formula that returns inf.
    inf = check_gradient(quartic, lambda x: x / 0.0, domains.real(3), trials=FEW)
    assert not inf.ok
    assert inf.nonfinite["formula"] == FEW
    assert "formula at 8 of 8 trials (first: trial 0)" in inf.verdict
    # Autodiff that is NaN where the formula is not.
    nan_grad = check_gradient(
        lambda x: jnp.sum(jnp.sqrt(x * 0.0)),
        jnp.zeros_like,
        domains.real(3),
        trials=FEW,
    )
    assert not nan_grad.ok
    assert nan_grad.nonfinite["autodiff"] == FEW


def test_finite_differences_referee() -> None:
    def stopped(x: jax.Array) -> jax.Array:
        return jnp.sum(jax.lax.stop_gradient(x) * x)

    # The formula is the true derivative; autodiff is not.
    wrong_autodiff = check_gradient(
        stopped, lambda x: 2 * x, domains.real(3), trials=FEW
    )
    assert not wrong_autodiff.ok
    assert not wrong_autodiff.fd.ok
    assert wrong_autodiff.verdict.startswith("autodiff looks wrong here")
    assert wrong_autodiff.fd.formula_ok
    assert wrong_autodiff.fd.formula_max_rel_error < 1e-6
    # Formula and autodiff agree, finite differences do not.
    agree = check_gradient(stopped, lambda x: x, domains.real(3), trials=FEW)
    assert not agree.ok
    assert agree.max_rel_error == 0
    assert agree.verdict.startswith("formula and autodiff agree but finite differences")
    # Not smooth at the scale of the step.
    rough = check_gradient(
        lambda x: jnp.sum(jnp.sin(1e7 * x)),
        lambda x: 1e7 * jnp.cos(1e7 * x),
        domains.real(3),
        trials=FEW,
    )
    assert not rough.ok
    assert "may not be smooth or stable here" in rough.verdict
    # Skipping the referee.
    skipped = check_gradient(
        stopped, lambda x: x, domains.real(3), trials=FEW, fd_directions=0
    )
    assert skipped.ok
    assert skipped.verdict == "formula matches autodiff (finite differences not run)"
    assert math.isnan(skipped.fd.max_rel_error)
    assert skipped.fd.directions == 0
    assert "finite differences  not run" in str(skipped)


def test_finite_difference_steps_stay_inside_bounded_domains() -> None:
    # Entropy on the simplex: steps of the input's scale would leave it.
    def entropy(p: jax.Array) -> jax.Array:
        return -jnp.sum(p * jnp.log(p))

    for dtype in (jnp.float32, jnp.float64):
        result = check_gradient(
            entropy, lambda p: -jnp.log(p) - 1, domains.simplex(20), dtype=dtype
        )
        assert result.ok, result
        assert result.nonfinite["finite differences"] == 0


# -- bad input raises -----------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (
            lambda: check_gradient(lambda x: x**2, lambda x: 2 * x, domains.real(3)),
            TypeError,
            r"must return a scalar.*\(3,\).*check_jacobian",
        ),
        (
            lambda: check_hessian(lambda x: x**2, lambda x: 2 * x, domains.real(3)),
            TypeError,
            "must return a scalar",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: (2 * x)[:, None], domains.real(3)
            ),
            ValueError,
            r"shape \(3, 1\).*shape \(3,\)",
        ),
        (
            lambda: check_gradient(
                lambda p: p["a"] @ p["a"],
                lambda p: [2 * p["a"]],
                {"a": domains.real(3)},
            ),
            ValueError,
            "structure",
        ),
        (
            lambda: check_jacobian(jnp.sin, jnp.cos, domains.real(3)),
            ValueError,
            r"Jacobian.*\(3, 3\)",
        ),
        (
            lambda: check_hessian(lambda x: x @ x, lambda x: 2 * x, domains.real(3)),
            ValueError,
            r"Hessian.*\(3, 3\)",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), dtype=jnp.int32
            ),
            TypeError,
            "not a floating-point type",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), dtype=jnp.complex64
            ),
            TypeError,
            "complex",
        ),
        (
            lambda: check_gradient(jnp.argmax, lambda x: x, domains.real(3)),
            TypeError,
            "floating-point outputs",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), trials=0
            ),
            ValueError,
            "trials must be an integer >= 1",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), trials=True
            ),
            ValueError,
            "trials",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), fd_directions=-1
            ),
            ValueError,
            "fd_directions",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), rtol=-1.0
            ),
            ValueError,
            "rtol",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), atol=math.nan
            ),
            ValueError,
            "atol",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), batching="pmap"
            ),
            ValueError,
            "batching",
        ),
        (
            lambda: check_jacobian(jnp.sin, jnp.cos, domains.real(3), mode="sideways"),
            ValueError,
            "mode",
        ),
        (
            lambda: check_gradient(lambda x: x @ x, lambda x: 2 * x, (3,)),
            TypeError,
            r"domains\.real\(3\)",
        ),
        (
            lambda: check_gradient(lambda x: x @ x, "2x", domains.real(3)),
            TypeError,
            "function",
        ),
        (
            lambda: check_gradient(
                lambda x: x @ x, lambda x: 2 * x, domains.real(3), key="zero"
            ),
            TypeError,
            "key",
        ),
    ],
)
def test_bad_input_raises(call: Any, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize(
    "check", [check_gradient, check_jacobian, check_hessian], ids=lambda c: c.__name__
)
def test_an_empty_domain_is_not_a_pass(check: Any) -> None:
    # A comparison of nothing would pass vacuously: it is an error instead.
    with pytest.raises(ValueError, match=r"has no entries .*nothing to compare"):
        check(lambda x: jnp.sum(x**2), lambda x: 2 * x, domains.real(0))
    with pytest.raises(ValueError, match=r"has no entries"):
        check(
            lambda t: jnp.sum(t["a"]),
            lambda t: t,
            {"a": domains.real((0, 3)), "b": domains.real(0)},
        )


def test_the_same_input_drawn_every_time_is_not_a_pass() -> None:
    # The seed's bug (one PRNG key for every draw), in a domain of one's own.
    class Constant(domains.Domain):
        @property
        def name(self) -> str:
            return "constant"

        def from_noise(self, z: Any, xp: Any) -> Any:
            return xp.ones_like(z).reshape(z.shape[:-1] + self.shape)

        def holds(self, x: Any, tol: float) -> bool:  # noqa: ARG002
            return True

    with pytest.raises(
        ValueError, match=r"all 8 trials drew the same input .*constant"
    ):
        check_gradient(
            lambda x: jnp.sum(x**2), lambda x: 2 * x, Constant((3,)), trials=8
        )
    # A set of one point: the simplex of one entry is {[1.0]}.
    with pytest.raises(ValueError, match=r"single point, check there with trials=1"):
        check_gradient(jnp.sum, jnp.ones_like, domains.simplex(1), trials=4)
    assert check_gradient(jnp.sum, jnp.ones_like, domains.simplex(1), trials=1).ok


def _notes(err: BaseException) -> str:
    return "\n".join(getattr(err, "__notes__", []))


def test_a_domain_that_does_not_fit_f_surfaces_f_s_own_error_with_a_note() -> None:
    m = jnp.ones((3, 3))
    # f's own shape error (a matmul of 4 by 3x3) surfaces as itself...
    with pytest.raises(TypeError, match="dot_general requires contracting") as info:
        check_gradient(lambda x: x @ m @ x, lambda x: 2 * m @ x, domains.real(4))
    assert type(info.value) is TypeError
    assert info.value.__cause__ is None
    # ... with a note naming f, the domain, the sample and what to check.
    note = _notes(info.value)
    assert "f (<lambda>) raised this on a sample of the domain 'real 4'" in note
    assert "(an array of shape (4,), float64)" in note
    assert "pass a domain whose samples have the shape and structure f expects" in note
    # The formula's own error is named as the formula's.
    with pytest.raises(TypeError) as info:
        check_gradient(lambda x: x @ x, lambda x: m @ x, domains.real(4))
    note = _notes(info.value)
    assert "the formula (<lambda>) raised this on a sample" in note
    assert "same input as f" in note

    # The domain's name is right when a compiled check is reused.
    def needs_three(x: jax.Array) -> jax.Array:
        return x @ m @ x

    for domain in (domains.real(4), domains.positive(4)):
        with pytest.raises(TypeError) as info:
            check_gradient(needs_three, jnp.sin, domain)
        assert f"domain '{domain.name}'" in _notes(info.value)


def test_a_bug_in_f_surfaces_as_itself_with_its_traceback() -> None:
    def buggy(x: jax.Array) -> jax.Array:
        return jnp.sum(x * undefined_name)  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(NameError, match="undefined_name") as info:
        check_gradient(buggy, jnp.cos, domains.real(3), trials=FEW)
    note = _notes(info.value)
    assert "f (buggy) raised this on a sample of the domain 'real 3'" in note
    assert "(an array of shape (3,), float64)" in note
    # The traceback reaches the line of f that raised.
    assert info.traceback[-1].name == "buggy"

    def formula(p: dict[str, jax.Array]) -> dict[str, jax.Array]:
        scale = len(p) / 0  # a bug of the formula's own
        return {k: scale * v for k, v in p.items()}

    with pytest.raises(ZeroDivisionError, match="division by zero") as info:
        check_jacobian(
            lambda p: jnp.sin(p["x"]), formula, {"x": domains.spd(2)}, trials=FEW
        )
    note = _notes(info.value)
    assert "the formula (formula) raised this on a sample of the domain" in note
    assert "{'x': SPD 2x2}" in note
    assert "a pytree with shapes {'x': (2, 2)}, float64" in note


def test_a_shape_error_of_f_s_own_surfaces_as_its_own_type() -> None:
    def reshapes(x: jax.Array) -> jax.Array:
        return jnp.sum(x.reshape(4, 2))  # 6 entries cannot make 4x2

    with pytest.raises(TypeError, match="cannot reshape") as info:
        check_hessian(reshapes, jnp.zeros_like, domains.real(6), trials=FEW)
    assert "f (reshapes) raised this" in _notes(info.value)

    def indexes(x: jax.Array) -> jax.Array:
        return x[(0, 0, 0)]

    with pytest.raises(IndexError) as info:
        check_gradient(indexes, jnp.zeros_like, domains.real(3), trials=FEW)
    assert "f (indexes) raised this" in _notes(info.value)


def test_python_control_flow_surfaces_as_a_tracer_error_with_advice() -> None:
    with pytest.raises(jax.errors.TracerBoolConversionError) as info:
        check_gradient(
            lambda x: x @ x if x[0] > 0 else -(x @ x),
            lambda x: 2 * x,
            domains.real(3),
        )
    note = _notes(info.value)
    assert "f (<lambda>) raised this on a sample of the domain 'real 3'" in note
    assert "traces with jax.jit" in note
    assert "jnp.where or jax.lax.cond" in note
    # The same in the formula, in vmap batching.
    with pytest.raises(jax.errors.ConcretizationTypeError) as info:
        check_gradient(
            lambda x: x @ x,
            lambda x: 2 * x if x[0] > 0 else 2 * jnp.abs(x),
            domains.real(3),
            batching="vmap",
        )
    assert "the formula (<lambda>) raised this" in _notes(info.value)
    assert "jnp.where or jax.lax.cond" in _notes(info.value)
    # A tracer error is still a TypeError, as before.
    assert isinstance(info.value, TypeError)


# -- compilation ------------------------------------------------------------------


def test_a_repeated_check_is_not_traced_again() -> None:
    _evaluate._jitted(False).clear_cache()  # room below MAX_PROGRAMS
    traces = []

    def f(x: jax.Array) -> jax.Array:
        traces.append(1)
        return jnp.sum(jnp.sin(x))

    check_gradient(f, jnp.cos, domains.real(3), trials=FEW)
    first = len(traces)
    assert first > 0
    check_gradient(f, jnp.cos, domains.real(3), trials=FEW, key=5)
    check_gradient(f, jnp.cos, domains.positive(3), trials=FEW)
    assert len(traces) == first
    # Another dtype, number of trials or kind of check is another program.
    check_gradient(f, jnp.cos, domains.real(3), trials=FEW, dtype=jnp.float32)
    check_gradient(f, jnp.cos, domains.real(3), trials=FEW + 1)
    check_jacobian(f, jnp.cos, domains.real(3), trials=FEW)
    third = len(traces)
    assert third > first
    check_jacobian(f, jnp.cos, domains.real(3), trials=FEW, key=1)
    check_gradient(f, jnp.cos, domains.real(3), trials=FEW, dtype=jnp.float32)
    assert len(traces) == third


def test_unhashable_callables_are_checked_and_reused_by_identity() -> None:
    _evaluate._jitted(False).clear_cache()  # room below MAX_PROGRAMS
    traces = []

    class Quartic:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, x: jax.Array) -> jax.Array:
            traces.append(1)
            return (x @ x) ** 2

    f = Quartic()
    with pytest.raises(TypeError):
        hash(f)
    assert check_gradient(f, lambda x: 4 * (x @ x) * x, domains.real(3), trials=FEW)
    first = len(traces)
    grad = lambda x: 4 * (x @ x) * x
    check_gradient(f, grad, domains.real(3), trials=FEW)
    second = len(traces)
    check_gradient(f, grad, domains.real(3), trials=FEW, key=3)
    assert len(traces) == second > first
    # Another object of the same class is another function.
    check_gradient(Quartic(), grad, domains.real(3), trials=FEW)
    assert len(traces) > second


def test_vmap_batching_gives_the_same_result() -> None:
    wrong = lambda x: 2 * (x @ x) * x
    mapped = check_gradient(quartic, wrong, domains.real(3), trials=FEW)
    vmapped = check_gradient(
        quartic, wrong, domains.real(3), trials=FEW, batching="vmap"
    )
    np.testing.assert_allclose(mapped.rel_errors, vmapped.rel_errors, rtol=1e-12)
    assert mapped.verdict == vmapped.verdict
    assert mapped.worst_index == vmapped.worst_index


def test_optimize_gives_the_same_result() -> None:
    wrong = lambda x: 2 * (x @ x) * x
    quick = check_gradient(quartic, wrong, domains.real(3), trials=FEW)
    optimized = check_gradient(
        quartic, wrong, domains.real(3), trials=FEW, optimize=True
    )
    np.testing.assert_allclose(quick.rel_errors, optimized.rel_errors, rtol=1e-12)
    assert quick.verdict == optimized.verdict
    assert _evaluate.compiler_options(True) == ()
    quick_options = dict(_evaluate.compiler_options(False))
    assert quick_options.get("xla_backend_optimization_level") == 0


def test_no_module_keeps_a_cache_of_its_own() -> None:
    # jax.jit's cache is the only one: no module-level container of the
    # checkers grows with the checks run, and no memo holds more than one entry
    # per value of `optimize` (the jitted program and its compiler options).
    modules = (_checks, _compare, _evaluate)

    def sizes() -> dict[str, int]:
        found = {}
        for module in modules:
            for name, value in vars(module).items():
                if isinstance(value, dict | list | set):
                    found[f"{module.__name__}.{name}"] = len(value)
                elif hasattr(value, "cache_info"):
                    found[f"{module.__name__}.{name}"] = value.cache_info().currsize
        return found

    check_gradient(lambda x: x @ x, lambda x: 2 * x, domains.real(2), trials=FEW)
    before = sizes()
    for i in range(3):
        check_gradient(
            lambda x, i=i: i * (x @ x), lambda x, i=i: 2 * i * x, domains.real(2)
        )
    assert sizes() == before
    assert all(size <= 2 for name, size in before.items() if "cache" in name.lower())
    assert not hasattr(_evaluate, "_CACHE")
    assert not hasattr(_evaluate, "Meta")


def test_jax_keeps_a_bounded_number_of_programs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # jax.jit would keep every program (a few MB each) of every new function.
    monkeypatch.setattr(_evaluate, "MAX_PROGRAMS", 2)
    run = _evaluate._jitted(False)
    run.clear_cache()
    kept = []
    for i in range(4):
        check_gradient(
            lambda x, i=i: i * jnp.sum(x), jnp.ones_like, domains.real(2), trials=2
        )
        kept.append(run._cache_size())
    assert kept == [1, 2, 0, 1]


def test_the_finite_difference_report_is_nested() -> None:
    result = check_gradient(
        quartic, lambda x: 2 * (x @ x) * x, domains.real(3), trials=FEW
    )
    assert isinstance(result.fd, FiniteDifferenceReport)
    assert result.fd.directions == 3
    assert result.fd.ok
    assert not result.fd.formula_ok
    assert result.fd.rel_errors.shape == (FEW,)
    assert result.fd.max_rel_error == pytest.approx(float(np.max(result.fd.rel_errors)))
    assert result.fd.formula_max_rel_error > 0.1
    assert result.fd.nonfinite == 0
    assert result.fd.note == ""
    assert 0 <= result.fd.max_spread < 0.1
    assert not any(
        field.startswith("fd_") for field in CheckResult.__dataclass_fields__
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.fd.ok = False  # type: ignore[misc]


# -- shapes and dtypes ---------------------------------------------------------------


@settings(max_examples=6)
@given(
    shape=st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple),
    dtype=st.sampled_from([jnp.float32, jnp.float64]),
)
def test_shapes_and_dtypes(shape: tuple[int, ...], dtype: Any) -> None:
    def f(x: jax.Array) -> jax.Array:
        return jnp.sum(jnp.sin(x) * x)

    def grad(x: jax.Array) -> jax.Array:
        return jnp.cos(x) * x + jnp.sin(x)

    right = check_gradient(f, grad, domains.real(shape), trials=4, dtype=dtype)
    assert right.ok, right
    assert right.dtype == np.dtype(dtype).name
    wrong = check_gradient(
        f, lambda x: jnp.cos(x) * x, domains.real(shape), trials=4, dtype=dtype
    )
    assert not wrong.ok
    assert len(wrong.worst_index) == len(shape)


def test_checks_run_together_give_what_each_gives_alone() -> None:
    plans = [
        _checks.plan(
            "gradient", quartic, lambda x: 4 * (x @ x) * x, domains.real(3), trials=FEW
        ),
        _checks.plan(
            "jacobian",
            jnp.sin,
            lambda x: jnp.diag(jnp.cos(x)),
            domains.real(2),
            trials=FEW,
            key=1,
        ),
        _checks.plan(
            "hessian",
            quartic,
            lambda x: 4 * (x @ x) * jnp.eye(3) + 8 * jnp.outer(x, x),
            domains.real(3),
            trials=FEW,
        ),
    ]
    together = _checks.run_plans(plans)
    alone = [_checks.run_plans([p])[0] for p in plans]
    for a, b in zip(together, alone, strict=True):
        assert a.ok
        assert b.ok
        assert a.kind == b.kind
        np.testing.assert_array_equal(a.rel_errors, b.rel_errors)
        np.testing.assert_array_equal(a.fd.rel_errors, b.fd.rel_errors)


def test_checks_run_together_must_share_dtype_and_optimize() -> None:
    def plan(**options: Any) -> _checks.Plan:
        return _checks.plan(
            "gradient",
            quartic,
            lambda x: 4 * (x @ x) * x,
            domains.real(3),
            trials=FEW,
            **options,
        )

    with pytest.raises(ValueError, match="must share dtype and optimize"):
        _checks.run_plans([plan(), plan(dtype=jnp.float32)])
    with pytest.raises(ValueError, match="must share dtype and optimize"):
        _checks.run_plans([plan(), plan(optimize=True)])


def test_evaluate_all_takes_one_argument_per_program() -> None:
    p = _checks.plan(
        "gradient", quartic, lambda x: 4 * (x @ x) * x, domains.real(3), trials=FEW
    )
    with pytest.raises(ValueError, match="one \\(xs, steps\\) per program"):
        _evaluate.evaluate_all([p.program], [], optimize=False)
    with pytest.raises(ValueError, match="at least one program"):
        _evaluate.evaluate_all([], [], optimize=False)


@pytest.mark.parametrize("checker", [check_gradient, check_jacobian, check_hessian])
def test_a_plan_has_the_defaults_of_the_checkers(checker: Any) -> None:
    import inspect

    planned = inspect.signature(_checks.plan).parameters
    for option, parameter in inspect.signature(checker).parameters.items():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            assert planned[option].default == parameter.default, option
