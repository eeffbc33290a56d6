r"""Check a hand-derived gradient, Jacobian or Hessian against autodiff.

:func:`check_gradient` draws ``trials`` independent inputs from a
:mod:`~autodiff_cookbook.domains` domain, evaluates the formula and
:func:`jax.grad` at each, and compares them with a relative error per trial,

.. math::

    e_t = \frac{\| \text{formula}(x_t) - \text{autodiff}(x_t) \|}{\| \text{autodiff}(x_t) \|},

the norm taken over every component (of every leaf, for pytrees). A trial passes
when :math:`\|\text{formula} - \text{autodiff}\| \le \text{atol} + \text{rtol}\,
\|\text{autodiff}\|`, with tolerances derived from the dtype (see below). As a
referee, autodiff and the formula are also compared with central finite
differences along a few random unit directions per trial, which tells "the
formula is wrong" (formula and autodiff disagree, autodiff agrees with finite
differences) from "the function is not smooth, or not stable, here" (formula and
autodiff agree, finite differences do not). NaN or inf anywhere is a failure.

The trials run in one function compiled once by :func:`jax.jit`: the inputs
and the finite-difference steps around them are drawn on the host (NumPy,
seeded from ``key``), then compiled loops (:func:`jax.lax.map`) evaluate the
formula, autodiff and ``f`` at every trial, and one transfer brings the values
back; the errors and their statistics are computed on the host, in float64. So a
check costs about one compilation, of a small program, whatever the number of
trials. The program runs once, so it is compiled with XLA's optimisation passes
off, which saves more compilation time than they would save at run time
(``optimize=True`` turns them on). ``batching="vmap"`` batches the trials with
:func:`jax.vmap` instead, which runs faster once compiled but compiles slower
(under ``vmap`` a :func:`jax.lax.cond` computes every branch) and, with jaxlib
0.10 on a machine with few cores, can deadlock in batched LAPACK calls. Checks
run in float64 by default, inside ``jax.enable_x64(True)``, without changing
JAX's global configuration.

Default tolerances, with :math:`\varepsilon` the machine epsilon of the dtype:
``rtol`` :math:`= \sqrt{\varepsilon}` (agreement in half of the digits; two exact
derivatives differ by rounding only) and ``atol`` :math:`= 0`.

The finite-difference referee differentiates along unit directions :math:`v`
with the steps :math:`h` and :math:`2h`, :math:`h = \varepsilon^{1/3} s` (Hessians:
second differences, :math:`h = \varepsilon^{1/4} s`), where the scale :math:`s` is
:math:`\max(\|x\|, 1)`, but no more than the domain's distance to its boundary
(the smallest entry of a positive vector, the smallest eigenvalue of an SPD
matrix, ...), so that the steps stay where :math:`f` is defined. The Richardson
combination of the two differences is compared with autodiff; their difference
is an estimate of their own error, which is allowed on top of a floor
``fd_rtol`` (:math:`10^3 \varepsilon^{2/3}`; Hessians :math:`10^2 \sqrt{\varepsilon}`).
When the differences change by more than a tenth of the derivative as the step
doubles, the function is deemed not smooth at the scale of the step.

Examples:
    >>> import jax.numpy as jnp
    >>> from autodiff_cookbook import check_gradient, domains
    >>> result = check_gradient(
    ...     lambda x: jnp.sum(x**3), lambda x: 3 * x**2, domains.real(4), trials=8
    ... )
    >>> print(result.ok, result.verdict)
    True formula matches autodiff, and autodiff matches finite differences
"""

from __future__ import annotations

import dataclasses
import html
import math
import typing
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from . import domains as _domains
from ._compare import Comparison, FiniteDifferences, compare, steps
from ._evaluate import (
    Batching,
    JacobianMode,
    Kind,
    Meta,
    _compiled,
    name,
)
from ._tolerances import Tolerances, default_tolerances
from ._util import KeyLike, as_key, float_dtype

__all__ = [
    "CheckResult",
    "assert_gradient",
    "assert_hessian",
    "assert_jacobian",
    "check_gradient",
    "check_hessian",
    "check_jacobian",
]


@dataclasses.dataclass(frozen=True, eq=False, slots=True)
class CheckResult:
    """The outcome of :func:`check_gradient`, :func:`check_jacobian` or :func:`check_hessian`.

    Its truth value is :attr:`ok`, so ``assert check_gradient(...)`` works (but
    :func:`assert_gradient` gives a better message). ``str(result)`` is a short
    report; in a notebook the result displays as a small coloured table.

    Attributes:
        ok: whether the formula matches autodiff at every trial, autodiff matches
            finite differences, and every value is finite.
        kind: ``"gradient"``, ``"jacobian"`` or ``"hessian"``.
        function: the name of ``f``.
        formula: the name of the hand-derived formula.
        autodiff: what computed the reference, e.g. ``"jax.grad(f)"``.
        domain_name: the readable name of the domain.
        trials: the number of independent inputs.
        dtype: the dtype of the inputs, e.g. ``"float64"``.
        rtol: the relative tolerance used.
        atol: the absolute tolerance used.
        max_rel_error: the largest per-trial relative error (NaN if a value was).
        max_abs_error: the largest per-trial absolute error (a norm).
        rel_errors: the per-trial relative errors, a NumPy array.
        abs_errors: the per-trial absolute errors, a NumPy array.
        worst_trial: the trial furthest beyond the tolerance (the first
            non-finite one if any).
        worst_index: the index of the worst component of that trial: a tuple,
            or ``(path, tuple)`` when the derivative is a pytree.
        worst_formula_value: the formula's value of that component.
        worst_autodiff_value: autodiff's value of that component.
        worst_input: the input of the worst trial (an array or a pytree of them).
        fd_directions: the number of random directions per trial for the
            finite-difference cross-check (0: not run).
        fd_rtol: the tolerance of the finite-difference cross-check.
        fd_max_rel_error: the largest relative error of autodiff against finite
            differences (NaN when not run).
        fd_rel_errors: its per-trial maxima, a NumPy array.
        fd_formula_max_rel_error: the same for the formula against finite differences.
        fd_max_spread: the largest change of the finite differences when their step
            doubles, relative to the derivative: their own error estimate. Above
            0.1, f is deemed not smooth at the scale of the step.
        fd_ok: whether autodiff matches finite differences (``True`` when not run).
        nonfinite: for each of ``"f"``, ``"formula"``, ``"autodiff"`` and
            ``"finite differences"``, the number of trials where it gave NaN or inf.
        verdict: one sentence saying what the check found.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_gradient, domains
        >>> r = check_gradient(lambda x: x @ x, lambda x: x, domains.real(3), trials=4)
        >>> print(bool(r), r.worst_index, f"{r.max_rel_error:.2f}")
        False (...,) 0.50
        >>> print(r.verdict.split(":")[0])
        the formula is wrong
    """

    ok: bool
    kind: str
    function: str
    formula: str
    autodiff: str
    domain_name: str
    trials: int
    dtype: str
    rtol: float
    atol: float
    max_rel_error: float
    max_abs_error: float
    rel_errors: np.ndarray[Any, Any] = dataclasses.field(repr=False)
    abs_errors: np.ndarray[Any, Any] = dataclasses.field(repr=False)
    worst_trial: int
    worst_index: Any
    worst_formula_value: float
    worst_autodiff_value: float
    worst_input: Any = dataclasses.field(repr=False)
    fd_directions: int
    fd_rtol: float
    fd_max_rel_error: float
    fd_rel_errors: np.ndarray[Any, Any] = dataclasses.field(repr=False)
    fd_formula_max_rel_error: float
    fd_max_spread: float
    fd_ok: bool
    nonfinite: dict[str, int]
    verdict: str

    def __bool__(self) -> bool:
        return self.ok

    @property
    def worst_component(self) -> str:
        """The worst component as text, e.g. ``"(0, 1)"`` or ``"['W'] (0, 1)"``."""
        idx = self.worst_index
        if idx and isinstance(idx[0], str):
            path, index = idx
            return f"{path} {index}" if index else path
        return str(idx)

    def _lines(self) -> list[tuple[str, str]]:
        fd = (
            "not run"
            if self.fd_directions == 0
            else (
                f"max relative error {self.fd_max_rel_error:.2e} "
                f"(tolerance {self.fd_rtol:.1e}, {self.fd_directions} directions "
                "per trial)"
            )
        )
        return [
            ("verdict", self.verdict),
            ("check", f"{self.formula} against {self.autodiff}, f = {self.function}"),
            ("domain", f"{self.domain_name}, {self.trials} trials, {self.dtype}"),
            (
                "relative error",
                f"max {self.max_rel_error:.2e} (rtol {self.rtol:.1e}, atol {self.atol:.1e})",
            ),
            ("absolute error", f"max {self.max_abs_error:.2e}"),
            (
                "worst component",
                f"{self.worst_component} of trial {self.worst_trial}",
            ),
            ("  formula", f"{self.worst_formula_value:.8g}"),
            ("  autodiff", f"{self.worst_autodiff_value:.8g}"),
            ("finite differences", fd),
        ]

    def __str__(self) -> str:
        status = "passed" if self.ok else "FAILED"
        width = max(len(k) for k, _ in self._lines())
        body = "\n".join(f"  {k:<{width}}  {v}" for k, v in self._lines())
        return f"{self.kind} check {status}\n{body}"

    def _repr_html_(self) -> str:
        colour, mark, status = (
            ("#1a7f37", "&#10004;", "passed")
            if self.ok
            else ("#cf222e", "&#10008;", "failed")
        )
        background = "#dafbe1" if self.ok else "#ffebe9"
        rows = "".join(
            f'<tr><th style="text-align:left;padding:2px 8px;font-weight:normal;'
            f'color:#57606a">{html.escape(k.strip())}</th>'
            f'<td style="text-align:left;padding:2px 8px">{html.escape(v)}</td></tr>'
            for k, v in self._lines()
        )
        return (
            f'<table class="autodiff-check autodiff-check-{status}" '
            f'style="border-collapse:collapse;border:1px solid {colour};margin:4px 0">'
            f'<thead><tr><th colspan="2" style="text-align:left;padding:4px 8px;'
            f'background:{background};color:{colour}">{mark} {self.kind} check '
            f"{status}</th></tr></thead><tbody>{rows}</tbody></table>"
        )


# Documented (and referenced) under its public name, autodiff_cookbook.CheckResult, with
# its annotations evaluated here, where the names they use are defined.
CheckResult.__annotations__ = typing.get_type_hints(CheckResult)
CheckResult.__module__ = "autodiff_cookbook"


# -- the verdict -------------------------------------------------------------


def _verdict(
    *,
    nonfinite: dict[str, tuple[int, int]],
    trials: int,
    formula_ok: bool,
    fd: FiniteDifferences,
    max_rel: float,
    tol: Tolerances,
    worst: str,
) -> str:
    bad = {k: v for k, v in nonfinite.items() if v[0]}
    if bad:
        parts = ", ".join(
            f"{side} at {count} of {trials} trials (first: trial {first})"
            for side, (count, first) in bad.items()
        )
        return (
            f"NaN or inf, which counts as a failure: {parts}. Draw inputs where f and "
            "its derivative are finite, from a domain that fits f"
        )
    rel = f"a relative error of {max_rel:.2e} (rtol {tol.rtol:.1e}), worst at {worst}"
    if formula_ok:
        if not fd.run:
            return "formula matches autodiff (finite differences not run)"
        if fd.ok:
            return "formula matches autodiff, and autodiff matches finite differences"
        return (
            f"formula and autodiff agree but {fd.note}: the function may not be smooth "
            "or stable here"
        )
    if not fd.run:
        return (
            f"the formula is wrong: it differs from autodiff by {rel} (finite "
            "differences not run)"
        )
    if fd.ok:
        return (
            f"the formula is wrong: it differs from autodiff by {rel}, and autodiff "
            "agrees with finite differences"
        )
    if fd.formula_ok:
        return (
            f"autodiff looks wrong here: it differs from the formula by {rel}, and the "
            "formula agrees with finite differences while autodiff does not (a "
            "stop_gradient, a custom derivative rule or a non-differentiable operation "
            "in f?)"
        )
    return (
        f"the formula differs from autodiff by {rel}, and {fd.note}: the function may "
        "not be smooth or stable here, so the check cannot tell which is wrong"
    )


# -- the public checkers -----------------------------------------------------


def _rng(key: KeyLike) -> np.random.Generator:
    """A NumPy generator seeded from a JAX key: the same key draws the same inputs."""
    data = np.asarray(jax.random.key_data(as_key(key))).ravel()
    return np.random.default_rng([int(v) for v in data])


def _require_different_inputs(domain: Any, xs: Any, trials: int) -> None:
    """Refuse a check whose trials all drew the same input.

    It would report ``trials`` points checked while testing one, as the seed
    notebook's loop did when it reused one PRNG key. The built-in domains turn
    fresh noise into every draw; a domain whose transform ignores its noise, or
    a set of one point, is caught here.
    """
    if trials < 2:
        return
    rows = np.concatenate(
        [np.asarray(a).reshape(trials, -1) for a in jax.tree_util.tree_leaves(xs)],
        axis=1,
    )
    if np.array_equal(rows, np.broadcast_to(rows[0], rows.shape)):
        msg = (
            f"all {trials} trials drew the same input from the domain "
            f"{_domains.describe(domain)!r}, so the check would test one point "
            f"{trials} times. A domain must turn its noise into different points: "
            "if it is your own Domain subclass, make _from_noise use the noise; if "
            "the set has a single point, check there with trials=1."
        )
        raise ValueError(msg)


def _check(
    kind: Kind,
    f: Callable[..., Any],
    formula: Callable[..., Any],
    domain: Any,
    *,
    trials: int,
    key: KeyLike,
    rtol: float | None,
    atol: float | None,
    dtype: Any,
    fd_directions: int,
    fd_rtol: float | None,
    batching: Batching,
    optimize: bool,
    mode: JacobianMode = "auto",
) -> CheckResult:
    for role, fn in (("f", f), ("the formula", formula)):
        if not callable(fn):
            msg = f"{role} must be a function of one input, got {type(fn).__name__}."
            raise TypeError(msg)
    for option, value, low in (
        ("trials", trials, 1),
        ("fd_directions", fd_directions, 0),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < low
        ):
            msg = f"{option} must be an integer >= {low}, got {value!r}."
            raise ValueError(msg)
    trials, fd_directions = int(trials), int(fd_directions)
    if mode not in ("auto", "fwd", "rev"):
        msg = f"mode must be 'auto', 'fwd' or 'rev', got {mode!r}."
        raise ValueError(msg)
    if batching not in ("map", "vmap"):
        msg = f"batching must be 'map' or 'vmap', got {batching!r}."
        raise ValueError(msg)
    leaves, _ = _domains._flatten(domain)  # raises TypeError for a bad domain
    if not any(math.prod(leaf.shape) for leaf in leaves):
        msg = (
            f"the domain {_domains.describe(domain)!r} has no entries (shape "
            f"{[leaf.shape for leaf in leaves]}), so there is nothing to compare: give "
            "it at least one entry, e.g. domains.real(3)."
        )
        raise ValueError(msg)
    try:
        wants_x64 = dtype is None or np.dtype(dtype).itemsize >= 8
    except TypeError:
        wants_x64 = True  # float_dtype below names the problem
    with jax.enable_x64(wants_x64):
        dt = float_dtype(jnp.float64 if dtype is None else dtype)
        tol = default_tolerances(dt, kind, rtol=rtol, atol=atol, fd_rtol=fd_rtol)
        rng = _rng(key)
        xs = _domains._sample_numpy(domain, rng, trials, dt)
        _require_different_inputs(domain, xs, trials)
        directions = jax.tree_util.tree_map(
            lambda a: rng.standard_normal((trials, fd_directions, *a.shape[1:])).astype(
                dt, copy=False
            ),
            xs,
        )
        radius = _domains._radius_numpy(domain, xs)
        hv, fd_steps = steps(xs, directions, radius, tol.fd_step)
        run, meta = _compiled(
            kind, f, formula, domain, dt, mode, batching, bool(optimize)
        )
        out = jax.device_get(run(xs, hv))
    comparison = compare(kind, out, fd_steps, tol, float(np.finfo(dt).tiny))
    return _result(
        kind, f, formula, domain, dt, fd_directions, tol, meta, xs, comparison
    )


def _result(
    kind: Kind,
    f: Callable[..., Any],
    formula: Callable[..., Any],
    domain: Any,
    dt: np.dtype[Any],
    fd_directions: int,
    tol: Tolerances,
    meta: Meta,
    xs: Any,
    c: Comparison,
) -> CheckResult:
    trials = len(c.abs_errors)
    nonfinite = {k: (int(v.sum()), int(np.argmax(v))) for k, v in c.nonfinite.items()}
    values_finite = not any(v[0] for v in nonfinite.values())
    formula_ok = bool(np.all(c.passed))
    fd = c.fd
    shape = meta.shapes[c.worst_leaf]
    index = (
        tuple(int(i) for i in np.unravel_index(c.worst_index, shape)) if shape else ()
    )
    worst_index: Any = index if meta.single else (meta.paths[c.worst_leaf], index)
    where = str(index) if meta.single else f"{meta.paths[c.worst_leaf]} {index}"
    max_rel = float(np.max(c.rel_errors)) if values_finite else math.nan
    verdict = _verdict(
        nonfinite=nonfinite,
        trials=trials,
        formula_ok=formula_ok,
        fd=fd,
        max_rel=max_rel,
        tol=tol,
        worst=f"trial {c.worst_trial}, component {where}",
    )
    counts = {k: v[0] for k, v in nonfinite.items()}
    if fd.run:
        counts["finite differences"] = fd.nonfinite
    return CheckResult(
        ok=formula_ok and fd.ok and values_finite,
        kind=kind,
        function=name(f),
        formula=name(formula),
        autodiff=meta.autodiff,
        domain_name=_domains.describe(domain),
        trials=trials,
        dtype=str(dt),
        rtol=tol.rtol,
        atol=tol.atol,
        max_rel_error=max_rel,
        max_abs_error=float(np.max(c.abs_errors)) if values_finite else math.nan,
        rel_errors=c.rel_errors,
        abs_errors=c.abs_errors,
        worst_trial=c.worst_trial,
        worst_index=worst_index,
        worst_formula_value=c.worst_value,
        worst_autodiff_value=c.worst_reference,
        worst_input=jax.tree_util.tree_map(lambda a: a[c.worst_trial], xs),
        fd_directions=fd_directions,
        fd_rtol=tol.fd_rtol,
        fd_max_rel_error=fd.max_rel_error,
        fd_rel_errors=fd.rel_errors,
        fd_formula_max_rel_error=fd.formula_max_rel_error,
        fd_max_spread=fd.max_spread,
        fd_ok=fd.ok,
        nonfinite=counts,
        verdict=verdict,
    )


def check_gradient(
    f: Callable[[Any], Any],
    grad_f: Callable[[Any], Any],
    domain: Any,
    *,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: Any = None,
    fd_directions: int = 3,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Compare a hand-derived gradient with :func:`jax.grad` at random inputs.

    Draws ``trials`` independent inputs from ``domain``, evaluates ``grad_f`` and
    ``jax.grad(f)`` at each, and compares them with the relative error
    :math:`\|\text{grad\_f}(x) - \nabla f(x)\| / \|\nabla f(x)\|`, as described in
    :mod:`autodiff_cookbook.checks`; also compares autodiff with central
    differences along ``fd_directions`` random unit directions per trial. All
    trials run in one compiled function.

    Args:
        f: a function of one input (an array, or a pytree of arrays) returning a
            scalar. It must be traceable by :func:`jax.jit`.
        grad_f: the hand-derived gradient: takes the same input and returns an
            array (or pytree) shaped like it.
        domain: a :class:`~autodiff_cookbook.domains.Domain`, or a pytree of them,
            that the inputs are drawn from.
        trials: the number of independent inputs, at least 1.
        key: a JAX PRNG key or an integer seed.
        rtol: the relative tolerance; :math:`\sqrt{\varepsilon}` of the dtype when omitted.
        atol: the absolute tolerance, added to ``rtol`` times the gradient's norm; 0
            when omitted (raise it for gradients that vanish).
        dtype: the floating-point dtype of the inputs; float64 when omitted,
            computed inside ``jax.enable_x64(True)`` without changing JAX's
            global configuration.
        fd_directions: random directions per trial for the finite-difference
            cross-check; 0 skips it.
        fd_rtol: the floor of that cross-check's tolerance, on top of the finite
            differences' own error estimate; :math:`10^3 \varepsilon^{2/3}` when
            omitted.
        batching: ``"map"`` loops over the trials in compiled code
            (:func:`jax.lax.map`); ``"vmap"`` batches them (:func:`jax.vmap`).
        optimize: compile with XLA's optimisation passes. Off by default: a
            check compiles a small program and runs it once, and the passes
            would cost more compilation time than they save in run time.

    Returns:
        A :class:`CheckResult`; it is truthy when the check passed.

    Raises:
        TypeError: if ``f`` does not return a scalar, returns or takes
            non-floating values, cannot be traced, or ``dtype`` is not a real
            floating-point type.
        ValueError: if ``trials < 1``, a tolerance is negative, ``f`` or
            ``grad_f`` fails on a sample of the domain (the domain does not fit
            ``f``), or ``grad_f`` returns a shape or pytree structure different from
            the input's.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_gradient, domains
        >>> def f(x):
        ...     return (x @ x) ** 2
        >>> r = check_gradient(f, lambda x: 4 * (x @ x) * x, domains.real(5))
        >>> print(r.ok, r.trials, r.dtype, r.max_rel_error < 1e-14)
        True 64 float64 True
        >>> wrong = check_gradient(f, lambda x: 2 * (x @ x) * x, domains.real(5))
        >>> print(wrong.ok, f"{wrong.max_rel_error:.3f}")
        False 0.500
    """
    return _check(
        "gradient",
        f,
        grad_f,
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


def check_jacobian(
    f: Callable[[Any], Any],
    jac_f: Callable[[Any], Any],
    domain: Any,
    *,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: Any = None,
    fd_directions: int = 3,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    mode: JacobianMode = "auto",
    optimize: bool = False,
) -> CheckResult:
    r"""Compare a hand-derived Jacobian with :func:`jax.jacfwd` or :func:`jax.jacrev`.

    Like :func:`check_gradient`, for a function with an array (or pytree)
    output. The Jacobian of ``f: R^{n...} -> R^{m...}`` has shape
    ``output shape + input shape``, :math:`J_{ij} = \partial f_i / \partial x_j`,
    as :func:`jax.jacfwd` returns it; for pytrees, one such array per pair of
    output and input leaves, nested output first. The finite-difference
    cross-check compares :math:`J v` with :math:`(f(x + hv) - f(x - hv)) / 2h`.

    Args:
        f: a function of one input returning an array or a pytree of arrays.
        jac_f: the hand-derived Jacobian.
        domain: a :class:`~autodiff_cookbook.domains.Domain` or a pytree of them.
        trials: the number of independent inputs, at least 1.
        key: a JAX PRNG key or an integer seed.
        rtol: the relative tolerance; :math:`\sqrt{\varepsilon}` when omitted.
        atol: the absolute tolerance; 0 when omitted.
        dtype: the dtype of the inputs; float64 when omitted.
        fd_directions: random directions per trial for finite differences; 0 skips them.
        fd_rtol: the finite-difference tolerance; :math:`10^3 \varepsilon^{2/3}` when omitted.
        batching: ``"map"`` loops over the trials in compiled code
            (:func:`jax.lax.map`); ``"vmap"`` batches them (:func:`jax.vmap`).
        mode: ``"fwd"`` (:func:`jax.jacfwd`), ``"rev"`` (:func:`jax.jacrev`), or
            ``"auto"``: reverse mode when the output is smaller than the input.
        optimize: compile with XLA's optimisation passes. Off by default: a
            check compiles a small program and runs it once, and the passes
            would cost more compilation time than they save in run time.

    Returns:
        A :class:`CheckResult`.

    Raises:
        TypeError: for non-floating inputs or outputs, or an ``f`` that cannot be traced.
        ValueError: if ``trials < 1``, the domain does not fit ``f``, or ``jac_f``
            returns a shape or structure other than the Jacobian's.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_jacobian, domains
        >>> def softmax(z):
        ...     e = jnp.exp(z - z.max())
        ...     return e / e.sum()
        >>> def softmax_jacobian(z):
        ...     p = softmax(z)
        ...     return jnp.diag(p) - jnp.outer(p, p)
        >>> print(check_jacobian(softmax, softmax_jacobian, domains.real(4)).ok)
        True
        >>> r = check_jacobian(softmax, lambda z: jnp.diag(softmax(z)), domains.real(4))
        >>> print(r.ok, r.verdict.split(":")[0])
        False the formula is wrong
    """
    return _check(
        "jacobian",
        f,
        jac_f,
        domain,
        trials=trials,
        key=key,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        fd_directions=fd_directions,
        fd_rtol=fd_rtol,
        batching=batching,
        mode=mode,
        optimize=optimize,
    )


def check_hessian(
    f: Callable[[Any], Any],
    hess_f: Callable[[Any], Any],
    domain: Any,
    *,
    trials: int = 64,
    key: KeyLike = 0,
    rtol: float | None = None,
    atol: float | None = None,
    dtype: Any = None,
    fd_directions: int = 3,
    fd_rtol: float | None = None,
    batching: Batching = "map",
    optimize: bool = False,
) -> CheckResult:
    r"""Compare a hand-derived Hessian with :func:`jax.hessian`.

    Like :func:`check_gradient`, for second derivatives of a scalar function. For
    an input of shape ``s`` the Hessian has shape ``s + s`` (for a vector, the
    matrix :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j`). The
    finite-difference cross-check compares :math:`v^\top H v` with the second
    difference :math:`(f(x + hv) - 2 f(x) + f(x - hv)) / h^2`, which needs only
    ``f``.

    Args:
        f: a function of one input returning a scalar.
        hess_f: the hand-derived Hessian.
        domain: a :class:`~autodiff_cookbook.domains.Domain` or a pytree of them.
        trials: the number of independent inputs, at least 1.
        key: a JAX PRNG key or an integer seed.
        rtol: the relative tolerance; :math:`\sqrt{\varepsilon}` when omitted.
        atol: the absolute tolerance; 0 when omitted.
        dtype: the dtype of the inputs; float64 when omitted.
        fd_directions: random directions per trial for finite differences; 0 skips them.
        fd_rtol: the finite-difference tolerance; :math:`10^2 \sqrt{\varepsilon}` when omitted.
        batching: ``"map"`` loops over the trials in compiled code
            (:func:`jax.lax.map`); ``"vmap"`` batches them (:func:`jax.vmap`).
        optimize: compile with XLA's optimisation passes. Off by default: a
            check compiles a small program and runs it once, and the passes
            would cost more compilation time than they save in run time.

    Returns:
        A :class:`CheckResult`.

    Raises:
        TypeError: if ``f`` does not return a scalar, for non-floating values, or
            an ``f`` that cannot be traced.
        ValueError: if ``trials < 1``, the domain does not fit ``f``, or ``hess_f``
            returns a shape or structure other than the Hessian's.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_hessian, domains
        >>> def f(x):
        ...     return jnp.log(1 + x @ x)
        >>> def hessian(x):
        ...     s = 1 + x @ x
        ...     return 2 * jnp.eye(x.size) / s - 4 * jnp.outer(x, x) / s**2
        >>> print(check_hessian(f, hessian, domains.real(3)).ok)
        True
        >>> print(check_hessian(f, lambda x: 2 * jnp.eye(x.size) / (1 + x @ x), domains.real(3)).ok)
        False
    """
    return _check(
        "hessian",
        f,
        hess_f,
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


def _assert(result: CheckResult) -> CheckResult:
    if result.ok:
        return result
    msg = (
        f"{result.kind} check of {result.formula} on {result.domain_name} failed: "
        f"{result.verdict}.\nWorst component {result.worst_component} of trial "
        f"{result.worst_trial}: formula ({result.formula}) = "
        f"{result.worst_formula_value:.10g}, autodiff ({result.autodiff}) = "
        f"{result.worst_autodiff_value:.10g}.\n{result}"
    )
    raise AssertionError(msg)


def assert_gradient(
    f: Callable[[Any], Any], grad_f: Callable[[Any], Any], domain: Any, **options: Any
) -> CheckResult:
    """Run :func:`check_gradient` and raise :class:`AssertionError` if it fails, for tests.

    Args:
        f: the function.
        grad_f: the hand-derived gradient.
        domain: a domain or a pytree of domains.
        **options: any keyword option of :func:`check_gradient`.

    Returns:
        The :class:`CheckResult`, when the check passed.

    Raises:
        AssertionError: naming the worst component and both values, formula and
            autodiff, when the check failed.

    Examples:
        >>> from autodiff_cookbook import assert_gradient, domains
        >>> _ = assert_gradient(lambda x: x @ x, lambda x: 2 * x, domains.real(3))
        >>> assert_gradient(lambda x: x @ x, lambda x: x, domains.real(3))
        Traceback (most recent call last):
        ...
        AssertionError: gradient check of <lambda> on real 3 failed: the formula is wrong: ...
    """
    return _assert(check_gradient(f, grad_f, domain, **options))


def assert_jacobian(
    f: Callable[[Any], Any], jac_f: Callable[[Any], Any], domain: Any, **options: Any
) -> CheckResult:
    """Run :func:`check_jacobian` and raise :class:`AssertionError` if it fails, for tests.

    Args:
        f: the function.
        jac_f: the hand-derived Jacobian.
        domain: a domain or a pytree of domains.
        **options: any keyword option of :func:`check_jacobian`.

    Returns:
        The :class:`CheckResult`, when the check passed.

    Raises:
        AssertionError: naming the worst component and both values, formula and
            autodiff, when the check failed.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import assert_jacobian, domains
        >>> r = assert_jacobian(jnp.sin, lambda x: jnp.diag(jnp.cos(x)), domains.real(3))
        >>> print(r.kind, r.ok)
        jacobian True
    """
    return _assert(check_jacobian(f, jac_f, domain, **options))


def assert_hessian(
    f: Callable[[Any], Any], hess_f: Callable[[Any], Any], domain: Any, **options: Any
) -> CheckResult:
    """Run :func:`check_hessian` and raise :class:`AssertionError` if it fails, for tests.

    Args:
        f: the function.
        hess_f: the hand-derived Hessian.
        domain: a domain or a pytree of domains.
        **options: any keyword option of :func:`check_hessian`.

    Returns:
        The :class:`CheckResult`, when the check passed.

    Raises:
        AssertionError: naming the worst component and both values, formula and
            autodiff, when the check failed.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import assert_hessian, domains
        >>> r = assert_hessian(lambda x: x @ x, lambda x: 2 * jnp.eye(3), domains.real(3))
        >>> print(r.kind, r.ok)
        hessian True
    """
    return _assert(check_hessian(f, hess_f, domain, **options))
