"""The checkers: compare a hand-derived gradient, Jacobian or Hessian with autodiff.

One implementation, :func:`_check`, serves the three checkers and their
``assert_*`` twins: it validates the options, builds the domain's
:class:`~autodiff_cookbook.domains.Tree` once, draws the inputs and the
finite-difference steps on the host, runs the compiled program
(:mod:`._evaluate`), compares on the host (:mod:`._compare`) and words the
verdict. The text their docstrings share is written once, in :data:`_SHARED_TEXT`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, Unpack

import jax
import numpy as np

from ._compare import Comparison, Steps, compare, steps
from ._evaluate import (
    Program,
    autodiff_name,
    evaluate_all,
    forget_redefined_rules,
    jacobian_mode,
)
from ._result import CheckResult, LeafReport
from ._tolerances import Tolerances, default_tolerances
from ._types import (
    Batching,
    CheckOptions,
    DomainTree,
    DTypeLike,
    JacobianCheckOptions,
    JacobianMode,
    KeyLike,
    Kind,
    PyTree,
)
from ._util import as_key, computing_in, name
from .domains import Tree

__all__ = [
    "assert_gradient",
    "assert_hessian",
    "assert_jacobian",
    "check_gradient",
    "check_hessian",
    "check_jacobian",
]


# -- the one implementation ------------------------------------------------------


def rng_of(key: KeyLike) -> np.random.Generator:
    """A NumPy generator seeded from a JAX key: the same key draws the same inputs."""
    data = np.asarray(jax.random.key_data(as_key(key))).ravel()
    return np.random.default_rng([int(v) for v in data])


def require_different_inputs(tree: Tree, xs: PyTree, trials: int) -> None:
    """Refuse to test one point ``trials`` times (the seed notebook's reused key)."""
    if trials < 2:
        return
    rows = np.concatenate(
        [np.asarray(a).reshape(trials, -1) for a in jax.tree_util.tree_leaves(xs)],
        axis=1,
    )
    if np.array_equal(rows, np.broadcast_to(rows[0], rows.shape)):
        msg = (
            f"all {trials} trials drew the same input from the domain "
            f"{tree.name!r}, so the check would test one point {trials} times. A "
            "domain must turn its noise into different points: if it is your own "
            "Domain subclass, make from_noise use the noise; if the set has a "
            "single point, check there with trials=1."
        )
        raise ValueError(msg)


def prepare(
    functions: tuple[tuple[str, object], ...],
    integers: tuple[tuple[str, object, int], ...],
    choices: tuple[tuple[str, object, tuple[object, ...]], ...],
    domain: DomainTree,
) -> Tree:
    """Validate a check's functions and options, and build its domain tree once."""
    for role, fn in functions:  # checked as objects: callers may pass anything
        if not callable(fn):
            msg = f"{role} must be a function, got {type(fn).__name__}."
            raise TypeError(msg)
        forget_redefined_rules(fn)
    for option, value, low in integers:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < low
        ):
            msg = f"{option} must be an integer >= {low}, got {value!r}."
            raise ValueError(msg)
    for option, value, allowed in choices:
        if value not in allowed:
            *rest, last = (repr(a) for a in allowed)
            msg = f"{option} must be {', '.join(rest)} or {last}, got {value!r}."
            raise ValueError(msg)
    tree = Tree.of(domain)
    if not tree.size:
        msg = (
            f"the domain {tree.name!r} has no entries (shape {list(tree.shapes)}), so "
            "there is nothing to compare: give it at least one entry, e.g. "
            "domains.real(3)."
        )
        raise ValueError(msg)
    return tree


@dataclasses.dataclass(frozen=True)
class Plan:
    """A check ready to run: its options validated and its inputs drawn on the host.

    :func:`plan` makes it, :func:`~._evaluate.evaluate_all` runs its
    :attr:`program` on :attr:`xs` and :attr:`hv` (inside ``computing_in(dt)``),
    and :func:`conclude` turns the values into the result.
    """

    kind: Kind
    f: Callable[[PyTree], PyTree]
    formula: Callable[[PyTree], PyTree]
    tree: Tree
    trials: int
    dt: np.dtype[Any]
    tol: Tolerances
    xs: PyTree
    hv: PyTree
    fd_steps: Steps
    program: Program
    optimize: bool
    mode: JacobianMode


def plan(
    kind: Kind,
    f: Callable[[PyTree], PyTree],
    formula: Callable[[PyTree], PyTree],
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
    mode: JacobianMode = "auto",
) -> Plan:
    """Validate a check's options and draw its inputs (the checkers' defaults)."""
    tree = prepare(
        (("f", f), ("the formula", formula)),
        (("trials", trials, 1), ("fd_directions", fd_directions, 0)),
        (
            ("mode", mode, ("auto", "fwd", "rev")),
            ("batching", batching, ("map", "vmap")),
        ),
        domain,
    )
    trials, fd_directions = int(trials), int(fd_directions)
    complex_leaves = [
        p or "the input"
        for p, d in zip(tree.paths, tree.leaves, strict=True)
        if d.is_complex
    ]
    if kind != "gradient" and complex_leaves:
        msg = (
            f"check_{kind} takes real inputs, but {', '.join(complex_leaves)} is "
            "complex: for a complex input, check J v with check_jvp and J^T u with "
            "check_vjp, or split it into its real and imaginary parts."
        )
        raise TypeError(msg)
    with computing_in(dtype) as dt:
        tol = default_tolerances(dt, kind, rtol=rtol, atol=atol, fd_rtol=fd_rtol)
        rng = rng_of(key)
        xs = tree.sample_numpy(rng, trials, dt)
        require_different_inputs(tree, xs, trials)
        hv, fd_steps = steps(xs, rng, fd_directions, tree.radius(xs), tol.fd_step)
    return Plan(
        kind=kind,
        f=f,
        formula=formula,
        tree=tree,
        trials=trials,
        dt=dt,
        tol=tol,
        xs=xs,
        hv=hv,
        fd_steps=fd_steps,
        program=Program(kind, f, formula, mode, batching, tree.name),
        optimize=bool(optimize),
        mode=mode,
    )


def conclude(p: Plan, out: dict[str, PyTree]) -> CheckResult:
    """The result of a check, from the values its compiled program returned."""
    tol = p.tol
    c = compare(p.kind, out, p.fd_steps, tol, float(np.finfo(p.dt).tiny), p.tree.paths)
    counts = {side: int(v.sum()) for side, v in c.nonfinite.items()}
    finite = not any(counts.values())
    formula_ok = bool(np.all(c.passed))
    max_rel = float(np.max(c.rel_errors)) if finite else math.nan
    if c.fd.run:
        counts["finite differences"] = c.fd.nonfinite
    out_size = sum(math.prod(y.shape[2:]) for y in jax.tree_util.tree_leaves(out["ys"]))
    return CheckResult(
        ok=formula_ok and c.fd.ok and finite,
        kind=p.kind,
        function=name(p.f),
        formula=name(p.formula),
        autodiff=autodiff_name(p.kind, jacobian_mode(p.mode, p.tree.size, out_size)),
        domain_name=p.tree.name,
        trials=p.trials,
        dtype=str(p.dt),
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
        worst_input=jax.tree_util.tree_map(lambda a: a[c.worst_trial], p.xs),
        fd=c.fd,
        nonfinite=counts,
        verdict=verdict(c, tol, formula_ok, max_rel) + zero_leaves(c.leaves),
        leaves=c.leaves,
    )


def run_plans(plans: Sequence[Plan]) -> list[CheckResult]:
    """Run checks planned with the same ``dtype`` and ``optimize`` in one compiled program.

    Raises:
        ValueError: if the plans differ in ``dtype`` or ``optimize``, which one
            program cannot mix.
    """
    settings = {(str(p.dt), p.optimize) for p in plans}
    if len(settings) > 1:
        msg = (
            f"checks run together must share dtype and optimize, got {sorted(settings)}; "
            "run them in separate groups."
        )
        raise ValueError(msg)
    with computing_in(plans[0].dt):
        outs = evaluate_all(
            [p.program for p in plans],
            [(p.xs, p.hv) for p in plans],
            optimize=plans[0].optimize,
        )
    return [conclude(p, out) for p, out in zip(plans, outs, strict=True)]


def _check(
    kind: Kind,
    f: Callable[[PyTree], PyTree],
    formula: Callable[[PyTree], PyTree],
    domain: DomainTree,
    **options: Any,
) -> CheckResult:
    (result,) = run_plans([plan(kind, f, formula, domain, **options)])
    return result


def zero_leaves(leaves: tuple[LeafReport, ...]) -> str:
    """The verdict's note on input leaves whose derivative is zero at every trial."""
    zero = [leaf.path or "the input" for leaf in leaves if leaf.autodiff_zero]
    if not zero:
        return ""
    those = "this leaf" if len(zero) == 1 else "these leaves"
    return (
        f"; autodiff's derivative with respect to {', '.join(zero)} is exactly zero "
        f"at every trial: is {those} used?"
    )


def rel_text(tol: Tolerances, max_rel: float) -> str:
    """``a relative error of 5.00e-01 (rtol 1.5e-08)``, for verdicts."""
    return f"a relative error of {max_rel:.2e}, rtol {tol.rtol:.1e}"


def verdict(c: Comparison, tol: Tolerances, formula_ok: bool, max_rel: float) -> str:
    trials = len(c.rel_errors)
    bad = [(side, v) for side, v in c.nonfinite.items() if v.any()]
    if bad:
        parts = ", ".join(
            f"{side} at {int(v.sum())} of {trials} trials (first: trial "
            f"{int(np.argmax(v))})"
            for side, v in bad
        )
        return (
            f"NaN or inf, which counts as a failure: {parts}. Draw inputs where f and "
            "its derivative are finite, from a domain that fits f"
        )
    if c.conjugate:
        return (
            f"the formula is the complex conjugate of JAX's derivative ({rel_text(tol, max_rel)}); "
            "for a real f of complex z, jax.grad returns df/dx - i df/dy, the "
            "conjugate of the convention of PyTorch and of the Wirtinger derivative "
            "2 df/dz*: conjugate the formula"
        )
    where = f"{c.worst_index}"
    if c.worst_path is not None:
        where = f"{c.worst_path} {where}"
    rel = (
        f"a relative error of {max_rel:.2e} (rtol {tol.rtol:.1e}), worst at trial "
        f"{c.worst_trial}, component {where}"
    )
    fd = c.fd
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


def assert_ok(result: CheckResult) -> CheckResult:
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


# -- the public checkers, and their shared docstring text ---------------------------

_SHARED_TEXT = {
    "{options}": r"""domain: a :class:`~autodiff_cookbook.domains.Domain`, or a pytree of them,
    that the inputs are drawn from.
trials: the number of independent inputs, at least 1.
key: a JAX PRNG key or an integer seed.
rtol: the relative tolerance; :math:`\sqrt{\varepsilon}` of the dtype when omitted.
atol: the absolute tolerance, added to ``rtol`` times the derivative's norm; 0
    when omitted (raise it for derivatives that vanish).
dtype: the floating-point dtype of the inputs; float64 when omitted,
    computed inside ``jax.enable_x64(True)`` without changing JAX's
    global configuration.
fd_directions: random directions per trial for the finite-difference
    cross-check; 0 skips it.
fd_rtol: the floor of that cross-check's tolerance, on top of the finite
    differences' own error estimate; when omitted, :math:`10^3
    \varepsilon^{2/3}` (Hessians: :math:`10^2 \sqrt{\varepsilon}`).
batching: ``"map"`` loops over the trials in compiled code
    (:func:`jax.lax.map`); ``"vmap"`` batches them (:func:`jax.vmap`).
optimize: compile with XLA's optimisation passes. Off by default: a
    check compiles a small program and runs it once, and the passes
    would cost more compilation time than they save in run time.""",
    "{returns and raises}": r"""Returns:
    A :class:`~autodiff_cookbook.CheckResult`; it is truthy when the check passed.

Raises:
    TypeError: if ``f`` or the formula returns non-floating values (or ``f``,
        for a gradient or a Hessian check, not a scalar), ``dtype`` is not a
        real floating-point type, a leaf of ``domain`` is not a domain, or
        ``key`` is not a key.
    ValueError: if ``trials < 1``, a tolerance is negative, the domain has no
        entries or draws the same input at every trial, or the formula returns
        a shape or pytree structure other than the derivative's.
    Exception: whatever ``f`` or the formula raises on a sample of the domain
        (a NameError, a shape error of its own, a tracer error), as itself,
        with a note naming which of them raised it, the domain, the sample's
        shape and dtype, and what to check. A domain where ``f`` is undefined
        gives NaN instead, which fails the check.""",
    "{assert options}": """domain: a domain or a pytree of domains.
**options: any keyword option of :func:`{check}`.""",
    "{assert returns and raises}": """Returns:
    The :class:`~autodiff_cookbook.CheckResult`, when the check passed.

Raises:
    AssertionError: naming the worst component and both values, formula and
        autodiff, when the check failed; whatever :func:`{check}` raises.""",
}

_F = TypeVar("_F", bound=Callable[..., CheckResult])


def _shared_docs(check: str) -> Callable[[_F], _F]:
    """Put the shared text in a checker's docstring, in place of its ``{...}`` lines.

    So that :func:`help` and the API reference show each docstring in full.
    """

    def fill(fn: _F) -> _F:
        lines = []
        for line in (fn.__doc__ or "").splitlines():
            text = _SHARED_TEXT.get(line.strip())
            if text is None:
                lines.append(line)
                continue
            indent = line[: len(line) - len(line.lstrip())]
            text = text.replace("{check}", check)
            lines += [indent + t if t else t for t in text.splitlines()]
        fn.__doc__ = "\n".join(lines)
        return fn

    return fill


@_shared_docs("check_gradient")
def check_gradient(
    f: Callable[[PyTree], PyTree],
    grad_f: Callable[[PyTree], PyTree],
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
    r"""Compare a hand-derived gradient with :func:`jax.grad` at random inputs.

    Draws ``trials`` independent inputs :math:`x_t` from ``domain`` and compares
    ``grad_f`` with autodiff at each by the relative error

    .. math::

        e_t = \frac{\| \text{grad\_f}(x_t) - \nabla f(x_t) \|}{\| \nabla f(x_t) \|},

    the norm taken over every component (of every leaf, for pytrees). A trial
    passes when :math:`\|\text{grad\_f} - \nabla f\| \le \text{atol} +
    \text{rtol}\, \|\nabla f\|`; by default ``rtol`` is :math:`\sqrt{\varepsilon}`
    of the dtype (agreement in half of the digits) and ``atol`` is 0. As a
    referee, both are compared with central differences of ``f`` along
    ``fd_directions`` random unit directions per trial, with steps that stay in
    the domain: that tells "the formula is wrong" (autodiff agrees with finite
    differences, the formula does not) from "f is not smooth or stable here"
    (formula and autodiff agree, finite differences do not). NaN or inf anywhere
    is a failure. The trials run in one program compiled by :func:`jax.jit`,
    which a repeated check reuses.

    Args:
        f: a function of one input (an array, or a pytree of arrays) returning a
            scalar. It must be traceable by :func:`jax.jit`.
        grad_f: the hand-derived gradient: takes the same input and returns an
            array (or pytree) shaped like it.
        {options}

    {returns and raises}

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


@_shared_docs("check_jacobian")
def check_jacobian(
    f: Callable[[PyTree], PyTree],
    jac_f: Callable[[PyTree], PyTree],
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
        {options}
        mode: ``"fwd"`` (:func:`jax.jacfwd`), ``"rev"`` (:func:`jax.jacrev`), or
            ``"auto"``: reverse mode when the output is smaller than the input.

    {returns and raises}

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


@_shared_docs("check_hessian")
def check_hessian(
    f: Callable[[PyTree], PyTree],
    hess_f: Callable[[PyTree], PyTree],
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
        {options}

    {returns and raises}

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


@_shared_docs("check_gradient")
def assert_gradient(
    f: Callable[[PyTree], PyTree],
    grad_f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    **options: Unpack[CheckOptions],
) -> CheckResult:
    """Run :func:`check_gradient` and raise :class:`AssertionError` if it fails, for tests.

    Args:
        f: the function.
        grad_f: the hand-derived gradient.
        {assert options}

    {assert returns and raises}

    Examples:
        >>> from autodiff_cookbook import assert_gradient, domains
        >>> _ = assert_gradient(lambda x: x @ x, lambda x: 2 * x, domains.real(3))
        >>> assert_gradient(lambda x: x @ x, lambda x: x, domains.real(3))
        Traceback (most recent call last):
        ...
        AssertionError: gradient check of <lambda> on real 3 failed: the formula is wrong: ...
    """
    return assert_ok(check_gradient(f, grad_f, domain, **options))


@_shared_docs("check_jacobian")
def assert_jacobian(
    f: Callable[[PyTree], PyTree],
    jac_f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    **options: Unpack[JacobianCheckOptions],
) -> CheckResult:
    """Run :func:`check_jacobian` and raise :class:`AssertionError` if it fails, for tests.

    Args:
        f: the function.
        jac_f: the hand-derived Jacobian.
        {assert options}

    {assert returns and raises}

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import assert_jacobian, domains
        >>> r = assert_jacobian(jnp.sin, lambda x: jnp.diag(jnp.cos(x)), domains.real(3))
        >>> print(r.kind, r.ok)
        jacobian True
    """
    return assert_ok(check_jacobian(f, jac_f, domain, **options))


@_shared_docs("check_hessian")
def assert_hessian(
    f: Callable[[PyTree], PyTree],
    hess_f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    **options: Unpack[CheckOptions],
) -> CheckResult:
    """Run :func:`check_hessian` and raise :class:`AssertionError` if it fails, for tests.

    Args:
        f: the function.
        hess_f: the hand-derived Hessian.
        {assert options}

    {assert returns and raises}

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import assert_hessian, domains
        >>> r = assert_hessian(lambda x: x @ x, lambda x: 2 * jnp.eye(3), domains.real(3))
        >>> print(r.kind, r.ok)
        hessian True
    """
    return assert_ok(check_hessian(f, hess_f, domain, **options))
