r"""Matrix-free checks: a hand-written :math:`J v`, :math:`J^\top u` or :math:`H v`.

:func:`check_jvp`, :func:`check_vjp` and :func:`check_hvp` compare a
hand-written product with JAX's along random directions, without forming a
Jacobian. They draw their inputs and probes on the host, run one compiled
program (:mod:`._probes`) and compare on the host; the helpers they share with
:mod:`._autodiff` (drawing, the worst component, the result) live here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

from . import _probes as pr
from ._checks import (
    _shared_docs,
    prepare,
    require_different_inputs,
    rng_of,
    verdict,
    zero_leaves,
)
from ._compare import Comparison, _judge, _worst, leaf_reports
from ._compare import _not_run as not_run
from ._evaluate import noted
from ._result import CheckResult, FiniteDifferenceReport, LeafReport
from ._rules import forward_blocked, keep_all
from ._tolerances import Tolerances, default_tolerances
from ._types import Batching, DomainTree, DTypeLike, Float64Array, KeyLike, PyTree
from ._util import computing_in, name
from .domains import Tree

__all__ = [
    "check_hvp",
    "check_jvp",
    "check_vjp",
]


class Named:
    """Names the check for the notes of exceptions raised inside ``f`` on the host."""

    def __init__(self, kind: str, domain_name: str) -> None:
        self.kind = kind
        self.domain_name = domain_name


def setup(
    kind: str,
    functions: tuple[tuple[str, object], ...],
    domain: DomainTree,
    *,
    trials: int,
    key: KeyLike,
    fd_directions: int,
    batching: Batching,
    extra: tuple[tuple[str, object, tuple[object, ...]], ...] = (),
) -> tuple[Tree, np.random.Generator]:
    tree = prepare(
        functions,
        (("trials", trials, 1), ("fd_directions", fd_directions, 0)),
        (("batching", batching, ("map", "vmap")), *extra),
        domain,
    )
    if kind == "hvp":
        complex_leaves = [
            p or "the input"
            for p, d in zip(tree.paths, tree.leaves, strict=True)
            if d.is_complex
        ]
        if complex_leaves:
            msg = (
                f"check_hvp takes real inputs, but {', '.join(complex_leaves)} is "
                "complex: the Hessian of a real function of a complex input is a real "
                "matrix on the real and imaginary parts; split the input into them."
            )
            raise TypeError(msg)
    return tree, rng_of(key)


def draw(
    tree: Tree,
    rng: np.random.Generator,
    trials: int,
    dt: np.dtype[Any],
    tol: Tolerances,
) -> tuple[PyTree, Float64Array, Float64Array]:
    """The inputs, their scales and the finite-difference steps."""
    xs = tree.sample_numpy(rng, trials, dt)
    require_different_inputs(tree, xs, trials)
    x_norm = pr.norm(pr.flat(xs, 1))
    xscale = np.minimum(np.maximum(x_norm, 1.0), tree.radius(xs))
    return xs, xscale, tol.fd_step * xscale


def struct(xs: PyTree) -> PyTree:
    return jax.tree_util.tree_map(
        lambda a: jax.ShapeDtypeStruct(a.shape[1:], a.dtype),  # type: ignore[no-untyped-call]
        xs,
    )


def layout(tree: PyTree) -> list[tuple[tuple[int, ...], Any]]:
    return [
        (tuple(a.shape), np.dtype(a.dtype)) for a in jax.tree_util.tree_leaves(tree)
    ]


def forward_applies(
    f: Callable[[PyTree], PyTree],
    x0: PyTree,
    replace: Callable[[Any], bool] | None = None,
) -> bool:
    """Whether :func:`jax.jvp` can go through ``f`` (through no custom_vjp rule).

    ``replace`` picks the rules taken out of ``f`` first.
    """
    jaxpr = jax.make_jaxpr(f)(x0).jaxpr
    return not forward_blocked(jaxpr, replace or keep_all)


def unflatten(like: PyTree, leaves: pr.Arrays) -> PyTree:
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(like), leaves)


def per_trial(m: pr.Measure) -> tuple[Any, Any, Any]:
    """A measure's worst over the probes of each trial: rel, abs, passed."""
    rel = np.where(np.isnan(m.rel), np.inf, m.rel)
    return (
        rel.max(axis=1),
        np.where(np.isnan(m.abs), np.inf, m.abs).max(axis=1),
        m.passed.all(axis=1),
    )


def component(
    m: pr.Measure, t: int, k: int, paths: Sequence[str]
) -> tuple[str | None, tuple[int, ...], complex | float, complex | float]:
    """The worst component of a measure at trial ``t``, probe ``k``."""
    errs = [np.abs(a[t, k] - b[t, k]) for a, b in zip(m.a, m.b, strict=True)]
    best = [(_worst(e), e) for e in errs]
    leaf = int(np.argmax([np.inf if np.isnan(e[i]) else e[i] for i, e in best]))
    i = best[leaf][0]

    def scalar(v: Any) -> complex | float:
        return complex(v) if np.iscomplexobj(v) else float(v)

    path = paths[leaf] if len(paths) > 1 or (paths and paths[leaf]) else None
    return path, (i,), scalar(m.a[leaf][t, k, i]), scalar(m.b[leaf][t, k, i])


def fd_report(
    measures: list[pr.Measure],
    formula: list[pr.Measure],
    tol: Tolerances,
    directions: int,
) -> FiniteDifferenceReport:
    err = np.concatenate([m.rel for m in measures], axis=1)
    ferr = np.concatenate([m.rel for m in formula], axis=1)
    spread = np.concatenate(
        [m.spread for m in measures if m.spread is not None], axis=1
    )
    ok = np.asarray(
        np.concatenate([m.finite for m in measures], axis=1).all(axis=1), bool
    )
    return _judge(err, ferr, spread, ok, tol, directions)


# -- matrix-free formulas -----------------------------------------------------------

_AUTODIFF = {"jvp": "jax.jvp(f)", "vjp": "jax.vjp(f)", "hvp": "jax.jvp(jax.grad(f))"}
_WHAT = {
    "jvp": "J(x) v",
    "vjp": "J(x)^T u",
    "hvp": "H(x) v",
}


def _matrix_free(
    kind: str,
    f: Callable[[PyTree], PyTree],
    formula: Callable[[PyTree, PyTree], PyTree],
    domain: DomainTree,
    *,
    trials: int,
    key: KeyLike,
    rtol: float | None,
    atol: float | None,
    dtype: DTypeLike | None,
    fd_directions: int,
    fd_rtol: float | None,
    batching: Batching,
    optimize: bool,
) -> CheckResult:
    tree, rng = setup(
        kind,
        (("f", f), ("the formula", formula)),
        domain,
        trials=trials,
        key=key,
        fd_directions=fd_directions,
        batching=batching,
    )
    trials, fd_directions = int(trials), int(fd_directions)
    with computing_in(dtype) as dt:
        tol = default_tolerances(dt, "jacobian", rtol=rtol, atol=atol, fd_rtol=fd_rtol)
        xs, xscale, h = draw(tree, rng, trials, dt, tol)
        x0 = struct(xs)
        y0 = jax.eval_shape(noted(f, "f", Named(kind, tree.name)), x0)
        d = max(fd_directions, 1)
        in_layout, out_layout = layout(x0), layout(y0)
        v = pr.unit(rng, in_layout, trials, d)
        probes: dict[str, PyTree]
        if kind == "vjp":
            u = pr.unit(rng, out_layout, trials, d)
            w = pr.unit(rng, in_layout, trials, d)
            probes = {"u": unflatten(y0, u), "w": unflatten(x0, w)}
        else:
            if kind == "jvp":
                v = pr.masked(v)
            probes = {"v": unflatten(x0, v)}
        program = pr.ProbeProgram(
            kind,  # type: ignore[arg-type]
            f,
            formula,
            1,
            True,
            True,
            fd_directions > 0,
            batching,
            tree.name,
        )
        out = pr.evaluate(program, xs, probes, h, optimize=bool(optimize))
    tiny = float(np.finfo(dt).tiny)
    p = out["probes"]
    value, ref = pr.flat(p["value"]), pr.flat(p["ref"])
    count = value[0].shape[1]
    main = pr.vectors(
        f"the formula against {_AUTODIFF[kind]}", value, ref, tol.rtol, tol.atol, tiny
    )
    if program.fd:
        points = p["fd"]
        if kind == "vjp":
            uf, wf = pr.flat(probes["u"]), pr.flat(probes["w"])
            fd_ref = pr.differences(
                "",
                points,
                xscale,
                [pr.pair(ref, wf)[..., None]],
                tol.fd_rtol,
                tiny,
                project=uf,
            )
            fd_val = pr.differences(
                "",
                points,
                xscale,
                [pr.pair(value, wf)[..., None]],
                tol.fd_rtol,
                tiny,
                project=uf,
            )
        else:
            fd_ref = pr.differences("", points, xscale, ref, tol.fd_rtol, tiny)
            fd_val = pr.differences("", points, xscale, value, tol.fd_rtol, tiny)
        fd = fd_report([fd_ref], [fd_val], tol, count)
    else:
        fd = not_run(trials, tol)
    rel, abs_, passed = per_trial(main)
    with np.errstate(all="ignore"):
        allowed = tol.atol + tol.rtol * pr.norm(ref)
        ratio = np.where(main.abs == 0, 0.0, main.abs / np.maximum(allowed, tiny))
    ratio = np.where(main.finite, ratio, np.inf)
    t = _worst(ratio.max(axis=1))
    k = _worst(ratio[t])
    in_paths = tree.paths
    out_paths = tuple(
        jax.tree_util.keystr(q) for q, _ in jax.tree_util.tree_flatten_with_path(y0)[0]
    )
    path, index, worst_value, worst_ref = component(
        main, t, k, out_paths if kind == "jvp" else in_paths
    )
    nonfinite = {
        "f": ~pr.finite(pr.flat(out["y"], 1)),
        "formula": ~np.asarray(pr.finite(value).all(axis=1), bool),
        "autodiff": ~np.asarray(pr.finite(ref).all(axis=1), bool),
    }
    if kind == "jvp":
        leaves_ = _jvp_leaves(value, ref, tree.paths, d, tiny)
    else:
        leaves_ = leaf_reports(
            [a.reshape(trials, -1) for a in value],
            [a.reshape(trials, -1) for a in ref],
            tree.paths,
            tiny,
        )
    conjugate = bool(
        kind != "jvp"
        and not passed.all()
        and any(np.iscomplexobj(a) for a in value)
        and pr.vectors(
            "", [np.conj(a) for a in value], ref, tol.rtol, tol.atol, tiny
        ).passed.all()
    )
    c = Comparison(
        abs_errors=abs_,
        rel_errors=rel,
        passed=passed,
        nonfinite=nonfinite,
        worst_trial=t,
        worst_path=path,
        worst_index=index,
        worst_value=worst_value,
        worst_reference=worst_ref,
        fd=fd,
        leaves=leaves_,
        conjugate=conjugate,
    )
    return _result(kind, c, tol, dt, f, name(formula), _AUTODIFF[kind], tree, xs)


def _jvp_leaves(
    value: pr.Arrays, ref: pr.Arrays, paths: tuple[str, ...], d: int, tiny: float
) -> tuple[LeafReport, ...]:
    """Rows per input leaf from the masked probes ``d + j`` (all probes for one leaf)."""
    trials = value[0].shape[0]
    if len(paths) == 1:
        blocks = [np.concatenate([a.reshape(trials, -1) for a in value], axis=1)]
        refs = [np.concatenate([a.reshape(trials, -1) for a in ref], axis=1)]
    else:
        blocks = [
            np.concatenate([a[:, d + j] for a in value], axis=1)
            for j in range(len(paths))
        ]
        refs = [
            np.concatenate([a[:, d + j] for a in ref], axis=1)
            for j in range(len(paths))
        ]
    return leaf_reports(blocks, refs, paths, tiny)


def _result(
    kind: str,
    c: Comparison,
    tol: Tolerances,
    dt: np.dtype[Any],
    f: Callable[..., Any],
    formula: str,
    autodiff: str,
    tree: Tree,
    xs: PyTree,
) -> CheckResult:
    counts = {side: int(v.sum()) for side, v in c.nonfinite.items()}
    finite = not any(counts.values())
    formula_ok = bool(np.all(c.passed))
    max_rel = float(np.max(c.rel_errors)) if finite else math.nan
    if c.fd.run:
        counts["finite differences"] = c.fd.nonfinite
    return CheckResult(
        ok=formula_ok and c.fd.ok and finite,
        kind=kind,  # type: ignore[arg-type]
        function=name(f),
        formula=formula,
        autodiff=autodiff,
        domain_name=tree.name,
        trials=len(c.rel_errors),
        dtype=str(dt),
        rtol=tol.rtol,
        atol=tol.atol,
        max_rel_error=max_rel,
        max_abs_error=float(np.max(c.abs_errors)) if finite else math.nan,
        rel_errors=c.rel_errors,
        abs_errors=c.abs_errors,
        worst_trial=c.worst_trial,
        worst_index=c.worst_index
        if c.worst_path is None
        else (c.worst_path, c.worst_index),
        worst_formula_value=c.worst_value,
        worst_autodiff_value=c.worst_reference,
        worst_input=jax.tree_util.tree_map(lambda a: a[c.worst_trial], xs),
        fd=c.fd,
        nonfinite=counts,
        verdict=verdict(c, tol, formula_ok, max_rel) + zero_leaves(c.leaves),
        leaves=c.leaves,
    )


# -- the public checks ----------------------------------------------------------------


@_shared_docs("check_jvp")
def check_jvp(
    f: Callable[[PyTree], PyTree],
    jvp_f: Callable[[PyTree, PyTree], PyTree],
    domain: DomainTree,
    *,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: DTypeLike | None = None,
    fd_directions: int = 3,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Compare a hand-written Jacobian-vector product with :func:`jax.jvp`.

    For a formula too big to form as a Jacobian: ``jvp_f(x, v)`` returns
    :math:`J(x) v`, shaped like ``f``'s output. At each of ``trials`` inputs the
    check draws ``fd_directions`` random unit tangents :math:`v` (at least one)
    and compares ``jvp_f(x, v)`` with ``jax.jvp(f, (x,), (v,))`` by the relative
    error :math:`\|\text{jvp\_f} - J v\| / \|J v\|`, then both with central
    differences of ``f`` along :math:`v`. With several input leaves, one more
    tangent per leaf moves that leaf alone, for :attr:`CheckResult.leaves`.
    Complex inputs are accepted (``domains.complex``): :math:`J v` is then the
    real-linear directional derivative.

    Args:
        f: a function of one input returning an array or a pytree of arrays.
        jvp_f: the hand-written product, a function of ``(x, v)``.
        {options}

    {returns and raises}

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_jvp, domains
        >>> def f(x):
        ...     return jnp.tanh(x) * x.sum()
        >>> def jvp_f(x, v):
        ...     return (1 - jnp.tanh(x) ** 2) * v * x.sum() + jnp.tanh(x) * v.sum()
        >>> r = check_jvp(f, jvp_f, domains.real(1000))
        >>> print(r.ok, r.kind, f"{r.max_rel_error:.0e}" if r.max_rel_error else "0")
        True jvp ...
        >>> print(check_jvp(f, lambda x, v: jnp.tanh(x) * v.sum(), domains.real(1000)).ok)
        False
    """
    return _matrix_free(
        "jvp",
        f,
        jvp_f,
        domain,
        trials=trials,
        key=key,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        fd_directions=fd_directions,
        fd_rtol=fd_rtol,
        batching=batching,
        optimize=optimize,
    )


@_shared_docs("check_vjp")
def check_vjp(
    f: Callable[[PyTree], PyTree],
    vjp_f: Callable[[PyTree, PyTree], PyTree],
    domain: DomainTree,
    *,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: DTypeLike | None = None,
    fd_directions: int = 3,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Compare a hand-written vector-Jacobian product with :func:`jax.vjp`.

    ``vjp_f(x, u)`` returns :math:`J(x)^\top u`, shaped like the input, for a
    cotangent :math:`u` shaped like ``f``'s output. At each trial the check
    draws ``fd_directions`` random unit cotangents (at least one), compares
    ``vjp_f`` with JAX's :math:`J^\top u`, and both with central differences
    through :math:`\langle J^\top u, w \rangle = \langle u, J w \rangle` along
    random unit directions :math:`w`. For complex inputs the pairing is
    :math:`\operatorname{Re} \sum a b`, JAX's convention, and a formula equal
    to the conjugate of JAX's product is named in the verdict.

    Args:
        f: a function of one input returning an array or a pytree of arrays.
        vjp_f: the hand-written product, a function of ``(x, u)``.
        {options}

    {returns and raises}

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_vjp, domains
        >>> A = jnp.arange(12.0).reshape(3, 4) / 10
        >>> def f(x):
        ...     return jnp.sin(A @ x)
        >>> print(check_vjp(f, lambda x, u: A.T @ (jnp.cos(A @ x) * u), domains.real(4)).ok)
        True
        >>> r = check_vjp(f, lambda x, u: (A * jnp.cos(A @ x)[:, None]).sum(0) * u.sum(), domains.real(4))
        >>> print(r.ok, r.verdict.split(":")[0])
        False the formula is wrong
    """
    return _matrix_free(
        "vjp",
        f,
        vjp_f,
        domain,
        trials=trials,
        key=key,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        fd_directions=fd_directions,
        fd_rtol=fd_rtol,
        batching=batching,
        optimize=optimize,
    )


@_shared_docs("check_hvp")
def check_hvp(
    f: Callable[[PyTree], PyTree],
    hvp_f: Callable[[PyTree, PyTree], PyTree],
    domain: DomainTree,
    *,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: DTypeLike | None = None,
    fd_directions: int = 3,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Compare a hand-written Hessian-vector product with forward-over-reverse autodiff.

    ``hvp_f(x, v)`` returns :math:`H(x) v` for a scalar ``f``, shaped like the
    input. The reference is ``jax.jvp(jax.grad(f), (x,), (v,))``; the referee is
    the central difference of the gradient along :math:`v`,
    :math:`(\nabla f(x + hv) - \nabla f(x - hv)) / 2h`, which needs only
    first derivatives.

    Args:
        f: a function of one input returning a scalar.
        hvp_f: the hand-written product, a function of ``(x, v)``.
        {options}

    {returns and raises}

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_hvp, domains
        >>> def f(x):
        ...     return jnp.sum(jnp.log1p(x**2))
        >>> def hvp(x, v):
        ...     return 2 * (1 - x**2) / (1 + x**2) ** 2 * v
        >>> print(check_hvp(f, hvp, domains.real(10_000)).ok)
        True
        >>> print(check_hvp(f, lambda x, v: 2 / (1 + x**2) * v, domains.real(10_000)).ok)
        False
    """
    return _matrix_free(
        "hvp",
        f,
        hvp_f,
        domain,
        trials=trials,
        key=key,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        fd_directions=fd_directions,
        fd_rtol=fd_rtol,
        batching=batching,
        optimize=optimize,
    )
