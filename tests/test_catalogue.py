"""Tests for autodiff_cookbook.catalogue: every identity holds, every mistake is caught.

The whole registry is checked in float64 and in float32, with the tolerances the
checkers derive from the dtype, one test per entry so that a failure names it.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re
import types
import zlib
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_cookbook import _types, catalogue, domains
from autodiff_cookbook.catalogue import (
    IDENTITIES,
    MISTAKES,
    Catalogue,
    Identity,
    Mistake,
    Report,
    Verification,
    _constants,
    _entry,
    _registry,
)
from autodiff_cookbook.catalogue import _cholesky as cholesky
from autodiff_cookbook.catalogue import _expm as expm_module
from autodiff_cookbook.catalogue import _roots as roots
from autodiff_cookbook.examples.matrix_calculus import table

ALL = IDENTITIES + MISTAKES

# The topics issue 5 asks for, each with entries that must be in the catalogue.
REQUIRED = {
    "Linear and bilinear forms": {"linear_form", "bilinear_form"},
    "Quadratic forms": {"quadratic_form"},
    "Norms": {
        "two_norm",
        "squared_two_norm",
        "least_squares",
        "frobenius_norm",
        "nuclear_norm",
        "spectral_norm",
    },
    "Traces": {"trace_xa", "trace_xtbx", "trace_power", "trace_exp", "trace_inverse"},
    "Determinants and log-determinants": {"det", "log_abs_det", "log_det_spd"},
    "Inverses": {"inverse_bilinear_form"},
    "Eigenvalues": {"largest_eigenvalue", "rayleigh_quotient"},
    "Softmax, losses and entropy": {
        "logsumexp",
        "softmax_cross_entropy",
        "logistic_loss",
        "entropy",
    },
    "Jacobians": {"softmax_jacobian", "elementwise_jacobian", "linear_map_jacobian"},
    "Hessians": {
        "quadratic_form_hessian",
        "logsumexp_hessian",
        "least_squares_hessian",
    },
    # Issue 15.
    "Eigenvectors and projectors": {
        "eigenvector_quadratic_form",
        "eigenvector_projector_jacobian",
        "top_two_projector_jacobian",
    },
    "Cholesky factors": {"cholesky_jacobian", "cholesky_backward"},
    "Solves, least squares and the pseudo-inverse": {
        "solve_rhs_jacobian",
        "solve_matrix_jacobian",
        "lstsq_rhs_jacobian",
        "lstsq_matrix_jacobian",
        "pinv_jacobian_tall",
        "pinv_jacobian_wide",
    },
    "The matrix exponential": {"expm_frechet_gradient", "expm_frechet_jacobian"},
    "Matrix square root and polar factor": {"sqrtm_jacobian", "polar_factor_jacobian"},
    "Kronecker products and vec": {"vec_axb_jacobian", "trace_xtaxb_hessian"},
    "Softmax, log-softmax and log-sum-exp": {
        "log_softmax_jacobian",
        "logsumexp_affine_hessian",
    },
}


def _ids(entries: Catalogue[Identity | Mistake]) -> list[str]:
    return list(entries.ids)


def _cheap(derivative_latex: str = "2 x", *, wrong: bool = False) -> Identity:
    """A small identity of our own, right or wrong, for testing the machinery."""
    return Identity(
        id="cheap_wrong" if wrong else "cheap",
        topic="Test",
        kind="gradient",
        function=lambda x: x @ x,
        derivative=(lambda x: x) if wrong else (lambda x: 2 * x),
        domain=domains.real(3),
        function_latex="x^\\top x",
        derivative_latex="x" if wrong else derivative_latex,
        conditions="always",
        source="test",
        trials=4,
    )


# -- the registry ---------------------------------------------------------------


def test_catalogue_has_enough_identities_and_mistakes() -> None:
    assert len(IDENTITIES) >= 90
    assert len(MISTAKES) >= 15
    assert all(isinstance(e, Identity) for e in IDENTITIES)
    assert all(isinstance(e, Mistake) for e in MISTAKES)


def test_ids_are_unique_and_snake_case_across_both_lists() -> None:
    ids = [e.id for e in ALL]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize(("topic", "required"), REQUIRED.items())
def test_every_topic_of_the_issue_is_covered(topic: str, required: set[str]) -> None:
    entries = IDENTITIES.select(topic=topic)
    assert required <= set(entries.ids)


def test_all_three_kinds_are_present() -> None:
    kinds = {e.kind for e in IDENTITIES}
    assert kinds == {"gradient", "jacobian", "hessian"}


@pytest.mark.parametrize("entry", IDENTITIES, ids=_ids(IDENTITIES))
def test_entry_is_fully_described(entry: Identity) -> None:
    for name in ("function_latex", "derivative_latex", "conditions", "source", "topic"):
        value = getattr(entry, name)
        assert isinstance(value, str)
        assert value.strip(), f"{entry.id}.{name} is empty"
        assert "|" not in value, f"{entry.id}.{name} would break a Markdown table"
    assert callable(entry.function)
    assert callable(entry.derivative)
    assert domains.describe(entry.domain)
    assert entry.trials >= 8
    if entry.source.startswith("Matrix Cookbook"):
        assert re.match(
            r"Matrix Cookbook \(2012\) (eqs?\. \(\d+\)|section \d)", entry.source
        )


def test_the_seed_notebooks_tasks_are_identities() -> None:
    trace_exp = IDENTITIES["trace_exp"]
    assert trace_exp.function_latex == r"\operatorname{tr}\bigl(e^{X}\bigr)"
    assert trace_exp.derivative_latex == r"e^{X^\top}"
    assert IDENTITIES["neg_log_det"].function_latex == r"-\log \det X"
    assert IDENTITIES["neg_log_det"].derivative_latex == r"-X^{-\top}"
    assert IDENTITIES["squared_norm_squared"].derivative_latex == r"4\,(x^\top x)\, x"
    for name in ("trace_exp", "neg_log_det", "squared_norm_squared"):
        assert "seed notebook" in IDENTITIES[name].source
    # The seed wrote X^{-T} for the gradient of -log det X: kept as a mistake.
    seed = MISTAKES["neg_log_det_sign"]
    assert seed.derivative_latex == r"X^{-\top}"
    assert seed.identity is IDENTITIES["neg_log_det"]


@pytest.mark.parametrize("mistake", MISTAKES, ids=_ids(MISTAKES))
def test_every_mistake_names_the_identity_it_gets_wrong(mistake: Mistake) -> None:
    for name in ("derivative_latex", "why"):
        value = getattr(mistake, name)
        assert value.strip(), f"{mistake.id}.{name} is empty"
        assert "|" not in value, f"{mistake.id}.{name} would break a Markdown table"
    assert callable(mistake.derivative)
    # The very entry of the catalogue, not a copy of it.
    right = IDENTITIES[mistake.identity.id]
    assert mistake.identity is right
    assert mistake.kind == right.kind
    assert mistake.topic == "Common mistakes"
    assert right.derivative_latex != mistake.derivative_latex
    assert mistake.derivative is not right.derivative


def test_only_non_square_mistakes_bring_an_instance_of_their_own() -> None:
    # trace_xa and least_squares have a non-square A, where the untransposed
    # formula has the wrong shape: their mistakes are checked with a square A.
    own = [m for m in MISTAKES if m.function is not None or m.domain is not None]
    assert {m.id for m in own} == {
        "trace_xa_untransposed",
        "least_squares_untransposed",
    }
    for m in own:
        assert m.function is not None
        assert m.domain is not None
        assert m.checked_function is m.function
        assert m.checked_domain is m.domain
        with jax.enable_x64(True):
            x = domains.sample(m.domain, jax.random.key(0), jnp.float64)
            assert jnp.shape(m.derivative(x)) == jnp.shape(x)
    for m in MISTAKES:
        if m not in own:
            assert m.checked_function is m.identity.function
            assert m.checked_domain is m.identity.domain


def test_the_mistakes_asked_for_by_the_issue_are_there() -> None:
    wanted = {
        "quadratic_form_2ax",  # 2Ax for a non-symmetric A
        "trace_exp_untransposed",  # e^X for e^{X^T}
        "log_abs_det_untransposed",  # X^{-1} for X^{-T}
        "softmax_jacobian_diagonal",  # the missing outer-product term
        "squared_norm_squared_missing_factor",  # a missing factor
        "trace_xa_untransposed",  # a missing transpose
        # Issue 15.
        "sqrtm_half_inverse",  # the scalar rule for a non-commuting dA
        "cholesky_backward_without_phi",  # no projection Phi
        "pinv_without_projector_terms",  # d(A^+) copied from d(A^-1)
        "expm_frechet_commuting",  # d e^X taken as e^X dX
        "log_softmax_jacobian_transposed",
    }
    assert wanted <= set(MISTAKES.ids)


def test_domains_match_the_conditions_of_non_smooth_and_restricted_functions() -> None:
    assert IDENTITIES["neg_log_det"].domain == domains.invertible(
        4, positive_determinant=True
    )
    for name in ("nuclear_norm", "spectral_norm", "log_det_gram"):
        assert IDENTITIES[name].domain.name.startswith("full-rank")
    for name in ("largest_eigenvalue", "top_two_eigenvalue_sum"):
        assert "distinct eigenvalues" in IDENTITIES[name].domain.name
    assert IDENTITIES["log_det_spd"].domain == domains.spd(4)
    for name in ("det", "log_abs_det", "inverse_bilinear_form", "trace_inverse"):
        assert IDENTITIES[name].domain.name.startswith("invertible")


def _square_constants() -> list[tuple[str, np.ndarray]]:
    found = []
    for module in vars(catalogue).values():
        if not isinstance(module, types.ModuleType):
            continue
        if not module.__name__.startswith("autodiff_cookbook.catalogue._"):
            continue
        for name, value in vars(module).items():
            square = isinstance(value, np.ndarray) and value.ndim == 2
            if square and value.shape[0] == value.shape[1]:
                found.append((f"{module.__name__}.{name}", value))
    return found


def test_square_constants_are_non_symmetric_unless_named_so() -> None:
    constants = _square_constants()
    assert len(constants) >= 10
    for name, value in constants:
        symmetric = np.allclose(value, value.T)
        # _S and _W are the symmetric ones, by name and by construction.
        named_symmetric = name.rsplit(".", 1)[1] in {"_S", "_W"}
        assert symmetric == named_symmetric, name


def test_mistake_domains_draw_no_symmetric_matrices() -> None:
    square = []
    for mistake in MISTAKES:
        with jax.enable_x64(True):
            x = domains.sample(mistake.checked_domain, jax.random.key(0), jnp.float64)
        square += [
            (mistake.id, leaf)
            for leaf in jax.tree_util.tree_leaves(x)
            if leaf.ndim == 2 and leaf.shape[0] == leaf.shape[1]
        ]
    # Every mistake with a square input is looked at, so the loop cannot be empty.
    assert {name for name, _ in square} == {
        "trace_exp_untransposed",
        "log_abs_det_untransposed",
        "neg_log_det_sign",
        "trace_xa_untransposed",
        "sqrtm_half_inverse",
        "cholesky_backward_without_phi",
        "expm_frechet_commuting",
        "solve_adjoint_untransposed",
    }
    # The square root and the Cholesky factor are defined on SPD matrices only:
    # their mistakes are not about transposes, and are caught on SPD inputs.
    spd = {"sqrtm_half_inverse", "cholesky_backward_without_phi"}
    for name in spd:
        assert MISTAKES[name].checked_domain == domains.spd(4)
    for name, leaf in square:
        if name not in spd:
            assert not domains.symmetric(leaf.shape[0]).contains(leaf), name


def test_spectral_entries_are_drawn_away_from_repeated_eigenvalues() -> None:
    # Their formulas divide by eigenvalue gaps (or by sums of square roots or of
    # singular values): drawn where those are bounded away from zero.
    for entry in IDENTITIES.select(topic="Eigenvectors and projectors"):
        assert "distinct eigenvalues" in entry.domain.name, entry.id
    for name in ("sqrtm_jacobian", "sqrtm_trace_form", "cholesky_jacobian"):
        assert IDENTITIES[name].domain == domains.spd(4)
    assert IDENTITIES["polar_factor_jacobian"].domain == domains.full_rank(4, 4)
    for name in ("pinv_jacobian_tall", "pinv_jacobian_wide", "lstsq_matrix_jacobian"):
        assert IDENTITIES[name].domain.name.startswith("full-rank")


def test_cholesky_projection_and_the_frechet_block_trick() -> None:
    with jax.enable_x64(True):
        s = jnp.asarray(_constants.spd_matrix(7, 4))
        half = cholesky.phi(s)
        assert jnp.allclose(half + half.T, s, rtol=0, atol=1e-14)
        assert jnp.all(jnp.triu(half, 1) == 0)
        x = jnp.asarray(_constants.gaussian(8, (4, 4)))
        e = jnp.asarray(_constants.gaussian(9, (4, 4)))
        reference = jax.scipy.linalg.expm_frechet(x, e, compute_expm=False)
        assert jnp.allclose(expm_module.frechet(x, e), reference, rtol=1e-10)
        # e^X dX is a different matrix: X and E do not commute.
        wrong = jax.scipy.linalg.expm(x) @ e
        assert not jnp.allclose(wrong, reference, rtol=1e-2)


def test_sqrtm_by_eigh_squares_back() -> None:
    with jax.enable_x64(True):
        a = jnp.asarray(_constants.spd_matrix(10, 4))
        root = roots.sqrtm(a)
        assert jnp.allclose(root @ root, a, rtol=1e-12)
        assert jnp.allclose(root, root.T)


def test_constants_take_the_dtype_of_the_input() -> None:
    x32 = jnp.ones(3, dtype=jnp.float32)
    (a,) = _constants.cast(x32, np.ones(3))
    assert a.dtype == jnp.float32
    with jax.enable_x64(True):
        (b,) = _constants.cast(jnp.ones(3, dtype=jnp.float64), np.ones(3))
        assert b.dtype == jnp.float64


def test_constant_helpers_have_their_properties() -> None:
    assert np.linalg.cond(_constants.well_conditioned(1, 4)) <= 2.0 + 1e-12
    assert np.all(np.linalg.eigvalsh(_constants.spd_matrix(2, 4)) >= 1.0 - 1e-12)
    p = _constants.probabilities(3, 5)
    assert math.isclose(p.sum(), 1.0)
    assert p.min() >= 0.05
    assert set(_constants.signs(4, 6)) == {-1.0, 1.0}
    t = _constants.unit_interval(5, 4)
    assert t.min() >= 0.1
    assert t.max() <= 0.9


# -- checking the registry: right ones pass, wrong ones fail --------------------


@pytest.mark.parametrize("entry", IDENTITIES, ids=_ids(IDENTITIES))
def test_identity_holds_in_float64(entry: Identity) -> None:
    result = entry.check()
    assert result.ok, str(result)
    assert result.fd.ok, str(result)
    assert result.dtype == "float64"
    assert result.trials == entry.trials
    assert result.max_rel_error <= result.rtol


@pytest.mark.parametrize("entry", IDENTITIES, ids=_ids(IDENTITIES))
def test_identity_holds_in_float32(entry: Identity) -> None:
    result = entry.check(dtype=jnp.float32)
    assert result.ok, str(result)
    assert result.dtype == "float32"
    # The tolerance is derived from the dtype, not passed in.
    assert math.isclose(result.rtol, math.sqrt(float(jnp.finfo(jnp.float32).eps)))


@pytest.mark.parametrize(
    "dtype", [jnp.float64, jnp.float32], ids=["float64", "float32"]
)
@pytest.mark.parametrize("mistake", MISTAKES, ids=_ids(MISTAKES))
def test_mistake_is_caught(mistake: Mistake, dtype: jnp.dtype) -> None:
    result = mistake.check(dtype=dtype)
    assert not result.ok
    # Caught for the right reason: autodiff agrees with finite differences, so
    # the formula is what is wrong, and by far more than the tolerance.
    assert result.fd.ok, str(result)
    assert result.verdict.startswith("the formula is wrong")
    assert result.max_rel_error > 0.1


@pytest.mark.parametrize(
    ("name", "symmetric_domain"),
    [
        ("trace_exp_untransposed", domains.symmetric(4)),
        ("log_abs_det_untransposed", domains.spd(4)),
    ],
)
def test_transpose_mistakes_would_pass_on_symmetric_inputs(
    name: str, symmetric_domain: domains.Domain
) -> None:
    wrong = MISTAKES[name]
    assert not wrong.check().ok
    assert dataclasses.replace(wrong, domain=symmetric_domain).check().ok


@settings(max_examples=15)
@given(entry=st.sampled_from(list(IDENTITIES[:20])), seed=st.integers(0, 2**31 - 1))
def test_identities_hold_for_any_seed(entry: Identity, seed: int) -> None:
    assert entry.check(key=seed).ok


def test_check_is_reproducible() -> None:
    entry = IDENTITIES["trace_axb"]
    a, b = entry.check(), entry.check()
    assert a.max_rel_error == b.max_rel_error
    assert a.fd.max_rel_error == b.fd.max_rel_error
    assert entry.key == IDENTITIES["trace_axb"].key


def test_check_leaves_the_compilation_setting_alone() -> None:
    # The checkers pass their compiler options to jax.jit: no global flag changes.
    name = "jax_disable_most_optimizations"
    before = jax.config.values[name]
    seen = []

    def f(x: jax.Array) -> jax.Array:
        seen.append(jax.config.values[name])
        return x @ x

    entry = dataclasses.replace(_cheap(), function=f)
    assert entry.check().ok
    assert entry.check(optimize=True).ok
    assert seen
    assert set(seen) == {before}
    assert jax.config.values[name] == before


# -- Identity, Catalogue, Verification and Report --------------------------------


def test_identity_rejects_bad_definitions() -> None:
    good = _cheap()
    with pytest.raises(ValueError, match="not snake_case"):
        dataclasses.replace(good, id="Not-Snake")
    with pytest.raises(ValueError, match="kind 'gradients'"):
        dataclasses.replace(good, kind="gradients")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"contains '\|'"):
        dataclasses.replace(good, derivative_latex=r"|x|")
    with pytest.raises(ValueError, match="trials must be 1 or more"):
        dataclasses.replace(good, trials=0)
    wrong = Mistake(
        id="cheap_half",
        identity=good,
        derivative=lambda x: x,
        derivative_latex="x",
        why="drops the factor 2",
    )
    with pytest.raises(ValueError, match="not snake_case"):
        dataclasses.replace(wrong, id="Not-Snake")
    with pytest.raises(ValueError, match=r"why contains '\|'"):
        dataclasses.replace(wrong, why=r"forgets $|x|$")


def test_identity_repr_and_key_are_short_and_stable() -> None:
    assert repr(IDENTITIES["trace_exp"]) == "Identity('trace_exp')"
    assert IDENTITIES["trace_exp"].key == 1037125375
    assert (
        repr(MISTAKES["trace_exp_untransposed"]) == "Mistake('trace_exp_untransposed')"
    )
    assert MISTAKES["trace_exp_untransposed"].key == zlib.crc32(
        b"trace_exp_untransposed"
    )


def test_catalogue_lookup_and_selection() -> None:
    assert IDENTITIES["trace"] is IDENTITIES[IDENTITIES.ids.index("trace")]
    assert "trace" in IDENTITIES
    assert IDENTITIES["trace"] in IDENTITIES
    assert "trace" not in MISTAKES
    assert isinstance(IDENTITIES[:3], Catalogue)
    assert len(IDENTITIES[:3]) == 3
    hessians = IDENTITIES.select(kind="hessian")
    assert {e.kind for e in hessians} == {"hessian"}
    assert IDENTITIES.topics[0] == "Linear and bilinear forms"
    assert repr(IDENTITIES) == f"Catalogue({len(IDENTITIES)} entries in 17 topics)"
    assert repr(IDENTITIES[:1]) == "Catalogue(1 entry in 1 topic)"
    assert len(ALL) == len(IDENTITIES) + len(MISTAKES)


def test_catalogue_errors_say_what_to_do() -> None:
    with pytest.raises(KeyError, match="Did you mean 'trace_exp'"):
        IDENTITIES["trace_expm"]
    with pytest.raises(ValueError, match="No entry has the topic 'Tensors'"):
        IDENTITIES.select(topic="Tensors")
    with pytest.raises(ValueError, match="unique id"):
        Catalogue([_cheap(), _cheap()])


def test_verification_knows_what_was_expected() -> None:
    right, wrong = _cheap(), _cheap(wrong=True)
    wrong_as_mistake = Mistake(
        id="cheap_mistake",
        identity=right,
        derivative=wrong.derivative,
        derivative_latex="x",
        why="half of it",
    )
    right_as_mistake = Mistake(
        id="cheap_not_a_mistake",
        identity=right,
        derivative=right.derivative,
        derivative_latex="2 x",
        why="none",
    )
    report = Catalogue[Identity | Mistake](
        [right, wrong, wrong_as_mistake, right_as_mistake]
    ).check()
    assert [v.as_expected for v in report] == [True, False, True, False]
    assert not report.ok
    assert [v.entry.id for v in report.failures] == [
        "cheap_wrong",
        "cheap_not_a_mistake",
    ]
    assert all(isinstance(v, Verification) and v.seconds > 0 for v in report)
    assert report.points == 16


def test_raise_if_failed_names_every_failure() -> None:
    report = Catalogue([_cheap(), _cheap(wrong=True)]).check()
    with pytest.raises(AssertionError, match="1 catalogue entry did not") as err:
        report.raise_if_failed()
    assert "cheap_wrong failed: the formula is wrong" in str(err.value)
    assert "cheap:" not in str(err.value)
    Catalogue([_cheap()]).check().raise_if_failed()


def test_report_summary_and_lookup() -> None:
    report = Catalogue([_cheap()]).check()
    assert str(report) == "1 identity checked at 4 points: all pass"
    assert repr(report) == f"Report({report})"
    assert report["cheap"].result.ok
    assert isinstance(report[:1], Report)
    with pytest.raises(KeyError, match="No checked entry has the id 'nope'"):
        report["nope"]
    with pytest.raises(ValueError, match="No checked entry has the topic"):
        report.select("Traces")
    failing = Catalogue([_cheap(wrong=True)]).check()
    assert str(failing) == "1 identity checked at 4 points: 1 FAILED"


# -- the page's tables (autodiff_cookbook.examples.matrix_calculus) ---------------


def test_identity_table_has_one_row_per_entry_with_math() -> None:
    report = IDENTITIES.select(topic="Inverses").check()
    assert len(report) >= 3
    lines = table(report).splitlines()
    assert lines[0] == "| Identity | This build |"
    assert len(lines) == 2 + len(report)
    for line, v in zip(lines[2:], report, strict=True):
        assert f"`{v.entry.id}`" in line
        assert f"f = {v.entry.function_latex}$" in line
        assert f"{v.result.trials} points" in line
        assert f"{v.result.max_rel_error:.1e} <small>vs autodiff" in line
        assert "passed on" in line
        assert line.count("|") == 3
    assert table(report, "Inverses") == table(report)


def test_mistake_table_shows_the_right_formula() -> None:
    report = MISTAKES[:2].check()
    lines = table(report).splitlines()
    assert lines[0] == "| Mistake | Right formula | This build |"
    assert "`quadratic_form`" in lines[2]
    assert r"(A + A^\top)\, x" in lines[2]
    assert "caught on real 4" in lines[2]


def test_table_refuses_to_mix_right_and_wrong_formulas() -> None:
    report = Report([*IDENTITIES[:1].check(), *MISTAKES[:1].check()])
    assert str(report).startswith("1 identity and 1 mistake checked")
    with pytest.raises(ValueError, match="either right formulas or mistakes"):
        table(report)


def test_failed_row_is_marked() -> None:
    line = table(Catalogue([_cheap(wrong=True)]).check()).splitlines()[2]
    assert "**FAILED** on real 3" in line


# -- the catalogue's modules -----------------------------------------------------

PACKAGE = Path(catalogue.__file__).parent


def _modules() -> dict[str, ast.Module]:
    return {
        p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.glob("*.py")
    }


def test_no_module_reaches_into_a_siblings_private_names() -> None:
    modules = _modules()
    assert len(modules) >= 15
    reached = []
    for name, tree in modules.items():
        siblings = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.level == 1
            and node.module is None
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
                reached += [
                    f"{name}: from {node.module} import {a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                ]
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in siblings
                and node.attr.startswith("_")
            ):
                reached.append(f"{name}: {node.value.id}.{node.attr}")
    assert reached == []


def test_kind_is_defined_once_and_nothing_rewrites_module_names() -> None:
    assert _entry.KINDS == ("gradient", "jacobian", "hessian")
    assert _entry.Identity.__annotations__["kind"] == "Kind"
    assert "Kind" not in vars(_entry) or _entry.Kind is _types.Kind
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for target in targets:
                assert not (isinstance(target, ast.Name) and target.id == "Kind"), name
                assert not (
                    isinstance(target, ast.Attribute) and target.attr == "__module__"
                ), name
    assert Identity.__module__ == "autodiff_cookbook.catalogue._entry"
    assert Report.__module__ == "autodiff_cookbook.catalogue._registry"


def test_checking_in_threads_and_in_shared_programs_gives_the_same_results() -> None:
    part = catalogue.IDENTITIES.select(topic="Traces")[:4] + catalogue.MISTAKES[:2]
    alone = [entry.check(trials=4) for entry in part]
    reports = [
        part.check(workers=1, per_program=1, trials=4),
        part.check(workers=3, per_program=1, trials=4),
        part.check(workers=1, per_program=6, trials=4),
        part.check(workers=2, per_program=2, trials=4),
    ]
    for report in reports:
        assert [v.entry.id for v in report] == list(part.ids)
        for result, v in zip(alone, report, strict=True):
            assert v.as_expected
            np.testing.assert_array_equal(result.rel_errors, v.result.rel_errors)
            np.testing.assert_array_equal(result.fd.rel_errors, v.result.fd.rel_errors)
        assert report.elapsed > 0
        assert all(v.seconds > 0 for v in report)


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_workers_must_be_a_positive_integer(workers: object) -> None:
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        catalogue.IDENTITIES[:1].check(workers=workers)  # type: ignore[arg-type]


@pytest.mark.parametrize("per_program", [0, -2, 2.0, False, "8"])
def test_per_program_must_be_a_positive_integer(per_program: object) -> None:
    with pytest.raises(ValueError, match="per_program must be a positive integer"):
        catalogue.IDENTITIES[:1].check(per_program=per_program)  # type: ignore[arg-type]


def test_a_bug_in_one_entry_of_a_shared_program_surfaces_as_itself() -> None:
    def broken(x: jax.Array) -> jax.Array:
        return {"x": x}["no such key"]

    bad = dataclasses.replace(_cheap(), id="broken", function=broken)
    with pytest.raises(KeyError, match="no such key") as caught:
        Catalogue([_cheap(), bad]).check(per_program=2)
    assert any("broken" in note for note in caught.value.__notes__)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(count=st.integers(0, 130), size=st.integers(1, 20), workers=st.integers(1, 8))
def test_entries_are_split_into_even_contiguous_groups(
    count: int, size: int, workers: int
) -> None:
    groups = _registry._split(list(range(count)), size, workers)
    assert [i for group in groups for i in group] == list(range(count))
    assert all(group for group in groups)
    assert len(groups) == max(-(-count // size), min(workers, count))
    lengths = [len(group) for group in groups]
    if lengths:
        assert max(lengths) <= size
        assert max(lengths) - min(lengths) <= 1


def test_a_part_of_a_report_has_no_elapsed_time() -> None:
    report = catalogue.IDENTITIES[:2].check(workers=1, trials=2)
    assert report.elapsed > 0
    with pytest.raises(ValueError, match=r"use \.seconds"):
        _ = report[:1].elapsed
