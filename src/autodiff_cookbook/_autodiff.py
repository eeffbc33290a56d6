r"""Checks without a formula: JAX's own derivatives, and custom derivative rules.

:func:`check_autodiff` compares JAX's derivatives of a function, custom rules
included, with finite differences and with each other, in forward and reverse
mode, to first or second order; :func:`check_custom_rule` compares them with the
derivatives of the same computation with its custom rules taken out
(:mod:`._rules`). Both run the probes of :mod:`._probes`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

from . import _probes as pr
from ._checks import zero_leaves
from ._compare import _worst, leaf_reports
from ._directional import (
    Named,
    component,
    draw,
    fd_report,
    forward_applies,
    layout,
    per_trial,
    setup,
    struct,
    unflatten,
)
from ._evaluate import noted
from ._result import CheckResult, LeafReport, ModeReport
from ._rules import rules_in, without_rules
from ._tolerances import Tolerances, default_tolerances
from ._types import Batching, DomainTree, DTypeLike, KeyLike, PyTree
from ._util import computing_in, name
from .domains import Tree

__all__ = ["check_autodiff", "check_custom_rule"]

_NOT_FORWARD = (
    "f uses a custom_vjp rule, which JAX cannot differentiate in forward mode "
    "(jax.jvp raises TypeError: can't apply forward-mode autodiff (jvp) to a "
    "custom_vjp function)"
)


def _modes_check(
    kind: str,
    f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    *,
    order: int,
    modes: tuple[str, ...],
    trials: int,
    key: KeyLike,
    rtol: float | None,
    atol: float | None,
    dtype: DTypeLike | None,
    fd_rtol: float | None,
    batching: Batching,
    optimize: bool,
    replace_jax_rules: bool = False,
) -> CheckResult:
    given: object = modes  # checked as an object: callers may pass a string
    if isinstance(given, str) or not isinstance(given, Sequence) or not given:
        msg = (
            f'modes must be a non-empty tuple of "fwd" and "rev", got {modes!r}; '
            'pass e.g. modes=("rev",).'
        )
        raise ValueError(msg)
    for mode in modes:
        if mode not in ("fwd", "rev"):
            msg = f'unknown mode {mode!r}: modes may hold "fwd" and "rev" only.'
            raise ValueError(msg)
    tree, rng = setup(
        kind,
        (("f", f),),
        domain,
        trials=trials,
        key=key,
        fd_directions=1,
        batching=batching,
        extra=(("order", order, (1, 2)),),
    )
    trials, order = int(trials), int(order)
    named = Named(kind, tree.name)
    with computing_in(dtype) as dt:
        tol = default_tolerances(dt, "jacobian", rtol=rtol, atol=atol, fd_rtol=fd_rtol)
        xs, xscale, h = draw(tree, rng, trials, dt, tol)
        x0 = struct(xs)
        fn = noted(f, "f", named)
        y0 = jax.eval_shape(fn, x0)
        forward = forward_applies(fn, x0)
        other, other_forward = None, True
        rules: tuple[str, ...] = ()
        if kind == "custom_rule":
            other = without_rules(fn, x0, in_jax=bool(replace_jax_rules))
            rules = tuple(r.label for r in other.rules)
            if not rules:
                _no_rules(f, fn, x0)
            other_forward = forward_applies(fn, x0, other.replace)
        in_layout, out_layout = layout(x0), layout(y0)
        v = pr.masked(pr.unit(rng, in_layout, trials, 1))
        count = v[0].shape[1]
        probes = {
            "v": unflatten(x0, v),
            "u": unflatten(
                y0, pr.repeat_first(pr.unit(rng, out_layout, trials, 1), count)
            ),
        }
        if order == 2:
            probes["w"] = unflatten(
                x0, pr.repeat_first(pr.unit(rng, in_layout, trials, 1), count)
            )
            probes["c"] = unflatten(
                x0, pr.repeat_first(pr.unit(rng, in_layout, trials, 1), count)
            )
        program = pr.ProbeProgram(
            kind,  # type: ignore[arg-type]
            f,
            other,
            order,
            forward,
            other_forward,
            True,
            batching,
            tree.name,
        )
        out = pr.evaluate(program, xs, probes, h, optimize=bool(optimize))
    tiny = float(np.finfo(dt).tiny)
    p = out["probes"]
    F = {k: pr.flat(a) for k, a in p["f"].items()}
    R = {k: pr.flat(a) for k, a in p["r"].items()} if "r" in p else {}
    rule_bad = np.zeros(trials, bool)
    for arrays in R.values():
        rule_bad |= ~pr.finite(arrays).all(axis=1)
    reports: list[ModeReport] = []
    measures: dict[tuple[str, int], list[pr.Measure]] = {}
    for k in range(1, order + 1):
        compared = _Compared(
            k,
            F,
            R,
            {n: pr.flat(t) for n, t in probes.items()},
            p[f"fd{k}"],
            xscale,
            tol,
            tiny,
            rule_bad,
        )
        by_mode = {
            "fwd": compared.forward() if forward else [],
            "rev": compared.reverse(exact=forward),
        }
        for mode, ms in by_mode.items():
            if kind == "autodiff" and mode not in modes:
                continue
            measures[(mode, k)] = ms
            reports.append(_mode_report(mode, k, ms, applicable=bool(ms)))
    if not any(measures.values()):
        msg = (
            f"modes={tuple(modes)!r} leaves nothing to check: {_NOT_FORWARD}. "
            'Check reverse mode, modes=("rev",).'
        )
        raise ValueError(msg)
    return _modes_result(
        kind,
        f,
        tree,
        xs,
        out,
        dt,
        tol,
        reports,
        measures,
        F,
        rules,
        int(rule_bad.sum()),
        tiny,
    )


@dataclasses.dataclass(frozen=True)
class _Compared:
    """The comparisons of one order: what each mode's products are measured against.

    Order 1 compares :math:`J v` and :math:`J^\\top u` (probes ``v``, ``u``);
    order 2 the same products of :math:`g(x) = J(x)^\\top u`, along ``w`` with
    the cotangent ``c``. With ``R`` (the products of ``f`` without its custom
    rules) the products of ``f`` are compared with those, which agree to
    rounding when the rules are right; without it, with each other. Finite
    differences referee both.
    """

    order: int
    F: dict[str, pr.Arrays]
    R: dict[str, pr.Arrays]
    probes: dict[str, pr.Arrays]
    points: dict[str, Any]
    xscale: Any
    tol: Tolerances
    tiny: float
    rule_bad: np.ndarray

    @property
    def _names(self) -> tuple[str, str, str, str]:
        # product forward, product reverse, direction, cotangent
        if self.order == 1:
            return "j1", "vj", "v", "u"
        return "j2", "vj2", "w", "c"

    def _differences(
        self, what: str, derivative: pr.Arrays, project: pr.Arrays | None = None
    ) -> pr.Measure:
        return pr.differences(
            what,
            self.points,
            self.xscale,
            derivative,
            self.tol.fd_rtol,
            self.tiny,
            project=project,
        )

    def _exact(self, what: str, a: pr.Arrays, b: pr.Arrays) -> pr.Measure:
        m = pr.vectors(what, a, b, self.tol.rtol, self.tol.atol, self.tiny)
        return _fd_only(m, self.rule_bad)

    def forward(self) -> list[pr.Measure]:
        j = self._names[0]
        fd = self._differences(
            "jax.jvp against central differences"
            if self.order == 1
            else "forward-over-reverse against differences of the gradient",
            self.F[j],
        )
        if not self.R:
            return [fd]
        what = "jax.jvp" if self.order == 1 else "forward-over-reverse"
        return [
            self._exact(
                f"{what} with the rules against without them", self.F[j], self.R[j]
            ),
            fd,
        ]

    def reverse(self, *, exact: bool) -> list[pr.Measure]:
        j, vj, d, c = self._names
        direction, cotangent = self.probes[d], self.probes[c]
        paired = pr.pair(self.F[vj], direction)
        fd = self._differences(
            "<J^T u, v> by jax.vjp against central differences"
            if self.order == 1
            else "reverse-over-reverse against differences of the gradient",
            [paired[..., None]],
            project=cotangent,
        )
        what = "jax.vjp" if self.order == 1 else "reverse-over-reverse"
        if self.R:
            return [
                self._exact(
                    f"{what} with the rules against without them",
                    self.F[vj],
                    self.R[vj],
                ),
                fd,
            ]
        if not exact:
            return [fd]
        transposed = pr.scalars(
            f"{what} against {'jax.jvp' if self.order == 1 else 'forward-over-reverse'}, "
            "<J^T u, v> = <u, J v>",
            paired,
            pr.pair(cotangent, self.F[j]),
            pr.norm(self.F[vj]) * pr.norm(direction)
            + pr.norm(cotangent) * pr.norm(self.F[j]),
            self.tol.rtol,
            self.tol.atol,
            self.tiny,
        )
        return [transposed, fd]


def _no_rules(f: Callable[..., Any], fn: Callable[..., Any], x0: PyTree) -> None:
    found = rules_in(jax.make_jaxpr(fn)(x0).jaxpr)
    inside = (
        f" (it calls only JAX's own rules: {', '.join(r.label for r in found)}, which "
        "stay in place unless replace_jax_rules=True)"
        if found
        else ""
    )
    msg = (
        f"f ({name(f)}) uses no jax.custom_jvp or jax.custom_vjp rule of yours{inside}, "
        "so there is no rule to check. To check JAX's own derivatives of f against "
        "finite differences, use check_autodiff."
    )
    raise TypeError(msg)


def _fd_only(m: pr.Measure, bad: np.ndarray) -> pr.Measure:
    """An exact measure that passes at the trials judged by finite differences alone."""
    if not bad.any():
        return m
    keep = ~bad[:, None]
    return pr.Measure(
        m.what,
        m.exact,
        np.where(keep, m.rel, 0.0),
        np.where(keep, m.abs, 0.0),
        m.passed | ~keep,
        m.finite | ~keep,
        m.tolerance,
        m.spread,
        m.a,
        m.b,
    )


def _mode_report(
    mode: str, order: int, ms: list[pr.Measure], *, applicable: bool
) -> ModeReport:
    if not applicable:
        return ModeReport(mode, order, False, True, math.nan, math.nan, _NOT_FORWARD)
    # The mode's error is its primary comparison's (the first: the rule against
    # its code, or vjp against jvp), unless another comparison failed; finite
    # differences are reported in CheckResult.fd.
    failing = [m for m in ms if not m.passed.all()]
    shown = failing[0] if failing else ms[0]
    return ModeReport(
        mode=mode,
        order=order,
        applicable=True,
        ok=not failing,
        max_rel_error=_max(shown.rel),
        rtol=shown.tolerance,
        # The failing comparisons first: the verdict names the first.
        note="; ".join(m.what for m in failing + [m for m in ms if m not in failing]),
    )


def _max(a: Any) -> float:
    """The largest value, NaN if any value is NaN or inf."""
    return float(np.max(a)) if np.all(np.isfinite(a)) else math.nan


def _score(m: pr.Measure) -> float:
    """How far beyond its tolerance a measure is at its worst (inf if not finite)."""
    if not m.finite.all():
        return math.inf
    allowed = m.tolerance + (m.spread if m.spread is not None else 0.0)
    return float(np.max(m.rel / np.maximum(allowed, 1e-300)))


def _modes_result(
    kind: str,
    f: Callable[..., Any],
    tree: Tree,
    xs: PyTree,
    out: dict[str, Any],
    dt: np.dtype[Any],
    tol: Tolerances,
    reports: list[ModeReport],
    measures: dict[tuple[str, int], list[pr.Measure]],
    F: dict[str, pr.Arrays],
    rules: tuple[str, ...],
    fd_only: int,
    tiny: float,
) -> CheckResult:
    trials = len(jax.tree_util.tree_leaves(xs)[0])
    every = [m for ms in measures.values() for m in ms]
    fd_ms = [m for m in every if not m.exact]
    fd = fd_report(fd_ms, fd_ms, tol, fd_ms[0].rel.shape[1])
    nonfinite = {
        "f": ~pr.finite(pr.flat(out["y"], 1)),
        "autodiff": np.logical_or.reduce(
            [~pr.finite(a).all(axis=1) for a in F.values()]
        ),
    }
    counts = {side: int(v.sum()) for side, v in nonfinite.items()}
    counts["finite differences"] = fd.nonfinite
    if kind == "custom_rule":
        counts["without rules"] = fd_only
    finite = not (counts["f"] or counts["autodiff"])
    # The errors reported are the primary comparisons' (see _mode_report), and
    # the worst component is theirs unless another comparison failed.
    primary = [ms[0] for ms in measures.values() if ms]
    rel = np.max([per_trial(m)[0] for m in primary], axis=0)
    abs_ = np.max([per_trial(m)[1] for m in primary], axis=0)
    failing = [m for m in every if not m.passed.all()]
    worst_m = max(failing or primary, key=_score)
    allowed = worst_m.tolerance + (
        worst_m.spread if worst_m.spread is not None else 0.0
    )
    ratio = np.where(worst_m.finite, worst_m.rel / np.maximum(allowed, 1e-300), np.inf)
    t = _worst(ratio.max(axis=1))
    k = _worst(ratio[t])
    paths = tree.paths if worst_m.a is F.get("vj") else ("",) * len(worst_m.a)
    path, index, a_val, b_val = component(worst_m, t, k, paths)
    applicable = [r for r in reports if r.applicable]
    ok = finite and bool(applicable) and all(r.ok for r in applicable) and fd.ok
    leaves_ = _mode_leaves(kind, measures, F, out, tree.paths, tiny)
    text = _modes_verdict(kind, reports, counts, trials, fd_only)
    if kind == "custom_rule":
        formula, autodiff = (
            "f with its custom rules",
            "f with the rules replaced by their code",
        )
    else:
        formula, autodiff = (
            "JAX's derivatives of f",
            "central differences and each other",
        )
    return CheckResult(
        ok=ok,
        kind=kind,  # type: ignore[arg-type]
        function=name(f),
        formula=formula,
        autodiff=autodiff,
        domain_name=tree.name,
        trials=trials,
        dtype=str(dt),
        rtol=tol.rtol,
        atol=tol.atol,
        max_rel_error=float(np.max(rel)) if finite else math.nan,
        max_abs_error=float(np.max(abs_)) if finite else math.nan,
        rel_errors=rel,
        abs_errors=abs_,
        worst_trial=t,
        worst_index=index if path is None else (path, index),
        worst_formula_value=a_val,
        worst_autodiff_value=b_val,
        worst_input=jax.tree_util.tree_map(lambda a: a[t], xs),
        fd=fd,
        nonfinite=counts,
        verdict=text + zero_leaves(leaves_),
        leaves=leaves_,
        modes=tuple(reports),
        rules=rules,
    )


def _mode_leaves(
    kind: str,
    measures: dict[tuple[str, int], list[pr.Measure]],
    F: dict[str, pr.Arrays],
    out: dict[str, Any],
    paths: tuple[str, ...],
    tiny: float,
) -> tuple[LeafReport, ...]:
    zero = [bool(np.all(a == 0)) for a in F["vj"]]
    if kind == "custom_rule":
        R = pr.flat(out["probes"]["r"]["vj"])
        # The trials judged by finite differences alone have no comparison here.
        kept = pr.finite(R).all(axis=1)
        rows = leaf_reports(
            [a[kept].reshape(int(kept.sum()), -1) for a in F["vj"]],
            [a[kept].reshape(int(kept.sum()), -1) for a in R],
            paths,
            tiny,
        )
        return tuple(
            LeafReport(r.path, r.max_rel_error, r.max_abs_error, z)
            for r, z in zip(rows, zero, strict=True)
        )
    ms = measures.get(("rev", 1)) or measures.get(("fwd", 1)) or []
    m = ms[0] if ms else None
    reports = []
    for j, path in enumerate(paths):
        if m is None:
            rel = abs_ = math.nan
        else:
            cols = slice(None) if len(paths) == 1 else slice(1 + j, 2 + j)
            r, a = m.rel[:, cols], m.abs[:, cols]
            rel = float(np.max(r)) if np.all(np.isfinite(r)) else math.nan
            abs_ = float(np.max(a)) if np.all(np.isfinite(a)) else math.nan
        reports.append(LeafReport(path, rel, abs_, zero[j]))
    return tuple(reports)


def _modes_verdict(
    kind: str,
    reports: list[ModeReport],
    counts: dict[str, int],
    trials: int,
    fd_only: int,
) -> str:
    if counts["f"] or counts["autodiff"]:
        parts = ", ".join(
            f"{side} at {n} of {trials} trials"
            for side, n in counts.items()
            if n and side in ("f", "autodiff")
        )
        return (
            f"NaN or inf, which counts as a failure: {parts}. Draw inputs where f and "
            "its derivatives are finite, from a domain that fits f"
        )
    failed = [r for r in reports if r.applicable and not r.ok]
    skipped = [r for r in reports if not r.applicable]
    what = "the custom rules" if kind == "custom_rule" else "JAX's derivatives of f"
    if failed:
        text = "; ".join(
            f"{r.mode} mode, order {r.order}, is wrong: {r.note.split('; ')[0]} "
            f"(relative error {r.max_rel_error:.2e}, tolerance {r.rtol:.1e})"
            for r in failed
        )
    elif not [r for r in reports if r.applicable]:
        return f"no mode could be checked: {skipped[0].note}"
    else:
        done = sorted(
            {f"{r.mode} mode order {r.order}" for r in reports if r.applicable}
        )
        against = (
            "the code they replace and finite differences"
            if kind == "custom_rule"
            else "finite differences and each other"
        )
        text = f"{what} match {against} ({', '.join(done)})"
    if skipped:
        modes = ", ".join(f"{r.mode} mode order {r.order}" for r in skipped)
        text += f"; not applicable: {modes}, because {_NOT_FORWARD}"
    if fd_only:
        text += (
            f"; at {fd_only} of {trials} trials the code without the rules has a NaN or "
            "inf derivative, so finite differences alone judged the rules there"
        )
    return text


# -- the public checks ----------------------------------------------------------------


def check_autodiff(
    f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    *,
    order: int = 1,
    modes: tuple[str, ...] = ("fwd", "rev"),
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: DTypeLike | None = None,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Check JAX's own derivatives of ``f``, custom rules inside it included.

    No formula is needed: at each of ``trials`` inputs :math:`x`, with a random
    unit direction :math:`v` and a random unit cotangent :math:`u`,

    * ``"fwd"`` compares :math:`J v` from :func:`jax.jvp` with the central
      differences :math:`(f(x + hv) - f(x - hv)) / 2h` (Richardson-combined,
      step :math:`\varepsilon^{1/3}` times the input's scale, inside the
      domain), allowing their own error estimate plus ``fd_rtol``;
    * ``"rev"`` compares :math:`\langle J^\top u, v \rangle` from
      :func:`jax.vjp` with :math:`\langle u, J v \rangle` from :func:`jax.jvp`
      (equal to rounding, so judged by ``rtol``) and with the finite differences.

    ``order=2`` also checks the derivatives of those derivatives, of
    :math:`g(x) = J(x)^\top u` (the gradient of :math:`\langle u, f \rangle`):
    forward-over-reverse :math:`\partial g\, w` against differences of
    :math:`g` along a direction :math:`w`, and reverse-over-reverse through
    :math:`\langle c, \partial g\, w \rangle = \langle \partial g^\top c,
    w \rangle` (for a scalar ``f``, the symmetry of the Hessian). A mode JAX
    cannot apply (forward mode through a :func:`jax.custom_vjp` function) is
    reported as not applicable in :attr:`CheckResult.modes`, not as failed.
    Like :func:`jax.test_util.check_grads`, but at ``trials`` random inputs in
    one compiled program, with a result instead of an exception. With several
    input leaves, one more direction per leaf moves that leaf alone, for
    :attr:`CheckResult.leaves`.

    Args:
        f: a function of one input (an array or a pytree of arrays, real or
            complex) returning an array or a pytree of arrays.
        domain: a :class:`~autodiff_cookbook.domains.Domain`, or a pytree of them.
        order: 1, or 2 to check second derivatives too.
        modes: which of ``"fwd"`` and ``"rev"`` to check.
        trials: the number of independent inputs, at least 1.
        key: a JAX PRNG key or an integer seed.
        rtol: the tolerance of comparisons that agree to rounding when right;
            :math:`\sqrt{\varepsilon}` of the dtype when omitted.
        atol: an absolute tolerance added to them; 0 when omitted.
        dtype: the real floating-point dtype of the inputs (complex domains use
            its complex counterpart); float64 when omitted.
        fd_rtol: the floor of the finite differences' tolerance, :math:`10^3
            \varepsilon^{2/3}` when omitted.
        batching: ``"map"`` or ``"vmap"``, as for :func:`check_gradient`.
        optimize: compile with XLA's optimisation passes.

    Returns:
        A :class:`~autodiff_cookbook.CheckResult` with one
        :class:`~autodiff_cookbook.ModeReport` per mode and order in ``modes``.

    Raises:
        ValueError: if ``order`` is not 1 or 2, a mode is unknown, ``trials < 1``
            or the domain draws the same input at every trial.
        TypeError: if ``f`` returns non-floating values, or a domain leaf is not
            a domain.
        Exception: whatever ``f`` raises, as itself, with a note.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_autodiff, domains
        >>> @jax.custom_jvp
        ... def softplus(x):
        ...     return jnp.log1p(jnp.exp(x))
        >>> @softplus.defjvp
        ... def softplus_jvp(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return softplus(x), jax.nn.sigmoid(x) * t
        >>> r = check_autodiff(lambda x: softplus(x).sum(), domains.real(5), order=2)
        >>> print(r.ok, [(m.mode, m.order, m.ok) for m in r.modes])
        True [('fwd', 1, True), ('rev', 1, True), ('fwd', 2, True), ('rev', 2, True)]
        >>> @softplus.defjvp
        ... def wrong_jvp(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return softplus(x), jnp.exp(x) * t
        >>> r = check_autodiff(lambda x: softplus(x).sum(), domains.real(5))
        >>> print(r.ok, r.verdict.split(":")[0])
        False fwd mode, order 1, is wrong
    """
    return _modes_check(
        "autodiff",
        f,
        domain,
        order=order,
        modes=modes,
        trials=trials,
        key=key,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        fd_rtol=fd_rtol,
        batching=batching,
        optimize=optimize,
    )


def check_custom_rule(
    f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    *,
    order: int = 1,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: DTypeLike | None = None,
    replace_jax_rules: bool = False,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Check the :func:`jax.custom_jvp` and :func:`jax.custom_vjp` rules that ``f`` uses.

    ``f`` may be the decorated function itself or call it anywhere inside (a
    lambda unpacking arguments, a loss, a model; inside ``jit``, ``scan`` or
    ``cond`` too). The check traces ``f`` once, replaces each rule by the code
    it decorates (a jaxpr carries each rule as a ``custom_jvp_call`` or
    ``custom_vjp_call`` equation holding that code), and compares ``f``'s
    derivatives with the rules against those of the same computation without
    them: :math:`J v` by :func:`jax.jvp` (where forward mode applies) and
    :math:`J^\top u` by :func:`jax.vjp`, whole vectors, at random unit
    :math:`v` and :math:`u`. A right rule agrees to rounding, so ``rtol`` is
    :math:`\sqrt{\varepsilon}`, far below what finite differences resolve
    (:math:`10^3 \varepsilon^{2/3}`); finite differences still referee. A
    trial where the code without the rules has a NaN or inf derivative (often
    why the rule exists) is judged by finite differences alone, and counted in
    ``CheckResult.nonfinite["without rules"]``. ``order=2`` compares second
    derivatives the same way (forward-over-reverse and reverse-over-reverse).

    Args:
        f: a function of one input that uses custom rules.
        domain: a :class:`~autodiff_cookbook.domains.Domain`, or a pytree of them.
        order: 1, or 2 to compare second derivatives too.
        trials: the number of independent inputs, at least 1.
        key: a JAX PRNG key or an integer seed.
        rtol: the relative tolerance; :math:`\sqrt{\varepsilon}` when omitted.
        atol: an absolute tolerance added to it; 0 when omitted.
        dtype: the real floating-point dtype of the inputs; float64 when omitted.
        replace_jax_rules: also replace the rules defined in the jax package
            itself (``jax.nn.relu``, ``jax.numpy`` functions), which stay by default.
        fd_rtol: the floor of the finite differences' tolerance.
        batching: ``"map"`` or ``"vmap"``.
        optimize: compile with XLA's optimisation passes.

    Returns:
        A :class:`~autodiff_cookbook.CheckResult`; :attr:`~CheckResult.rules`
        names the rules checked.

    Raises:
        TypeError: if ``f`` uses no custom rule of the user's (use
            :func:`check_autodiff`), or returns non-floating values.
        ValueError: if ``order`` is not 1 or 2, or for bad options.
        Exception: whatever ``f`` raises, as itself, with a note.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_custom_rule, domains
        >>> @jax.custom_jvp
        ... def f(x):
        ...     return jnp.sin(x)
        >>> @f.defjvp
        ... def f_jvp(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return f(x), 1.001 * jnp.cos(x) * t
        >>> r = check_custom_rule(lambda x: f(x).sum(), domains.real(3), dtype=jnp.float32)
        >>> print(r.ok, r.rules, f"{r.max_rel_error:.1e}")
        False ('f (custom_jvp)',) 1.0e-03
    """
    return _modes_check(
        "custom_rule",
        f,
        domain,
        order=order,
        modes=("fwd", "rev"),
        trials=trials,
        key=key,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        fd_rtol=fd_rtol,
        batching=batching,
        optimize=optimize,
        replace_jax_rules=replace_jax_rules,
    )
