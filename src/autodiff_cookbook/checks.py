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
are drawn on the host (NumPy, seeded from ``key``), then a compiled loop
(:func:`jax.lax.map`) evaluates the formula, autodiff and finite differences at
every trial and reduces the error statistics on the device, and one transfer
brings them back. So a check costs about one compilation whatever the number of
trials. ``batching="vmap"`` batches the trials with :func:`jax.vmap` instead,
which runs faster once compiled but compiles slower (under ``vmap`` a
:func:`jax.lax.cond` computes every branch) and, with jaxlib 0.10 on a machine
with few cores, can deadlock in batched LAPACK calls. Checks run in float64 by
default, inside ``jax.enable_x64(True)``, without changing JAX's global
configuration.

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

import collections
import dataclasses
import html
import math
import typing
from collections.abc import Callable, Hashable
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from . import domains as _domains
from ._tolerances import Tolerances, default_tolerances
from ._util import KeyLike, as_key, float_dtype, tree_norm

__all__ = [
    "CheckResult",
    "assert_gradient",
    "assert_hessian",
    "assert_jacobian",
    "check_gradient",
    "check_hessian",
    "check_jacobian",
]

Kind = Literal["gradient", "jacobian", "hessian"]
JacobianMode = Literal["auto", "fwd", "rev"]
Batching = Literal["map", "vmap"]

# Errors that mean "f cannot be traced", not "the domain does not fit f".
_TRACE_ERRORS = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerIntegerConversionError,
    jax.errors.UnexpectedTracerError,
)
_AUTODIFF_NAME = {
    "gradient": "jax.grad(f)",
    "jacobian": "jax.jacfwd(f)",
    "hessian": "jax.hessian(f)",
}


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


# -- validating what f and the formula return, at trace time ----------------


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def _describe_tree(tree: Any) -> str:
    leaves, treedef = jax.tree_util.tree_flatten(tree)
    if treedef == jax.tree_util.tree_structure(0):
        leaf = leaves[0]
        return f"an array of shape {tuple(jnp.shape(leaf))}"
    shapes = jax.tree_util.tree_map(lambda leaf: tuple(jnp.shape(leaf)), tree)
    return f"a pytree with shapes {shapes}"


def _call(
    fn: Callable[..., Any], x: Any, *, role: str, domain_name: str, dtype: np.dtype[Any]
) -> Any:
    """Trace ``fn(x)``, turning a failure into an error that names the domain."""
    try:
        return fn(x)
    except _TRACE_ERRORS as err:
        msg = (
            f"{role} ({_name(fn)}) cannot be traced by jax.jit, which the checkers "
            f"use to compile the trials: {type(err).__name__}. Replace Python "
            "control flow on array values with jnp.where or jax.lax.cond, and NumPy "
            "calls with jax.numpy."
        )
        raise TypeError(msg) from err
    except Exception as err:
        what = (
            "the domain does not fit f: pass a domain whose samples have the shape and "
            "structure f expects"
            if role == "f"
            else "check that the formula takes the same input as f"
        )
        msg = (
            f"{role} ({_name(fn)}) failed on a sample of the domain {domain_name!r} "
            f"({_describe_tree(x)}, {dtype}) with {type(err).__name__}: "
            f"{str(err).rstrip('.')}. So {what}."
        )
        raise ValueError(msg) from err


def _check_output(kind: Kind, fn: Callable[..., Any], y: Any) -> None:
    leaves = jax.tree_util.tree_leaves(y)
    if not leaves:
        msg = f"f ({_name(fn)}) returned {y!r}, which holds no array; return an array."
        raise TypeError(msg)
    for leaf in leaves:
        if not jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
            msg = (
                f"f ({_name(fn)}) returned values of dtype {jnp.result_type(leaf)}; "
                "only floating-point outputs can be differentiated: return floats."
            )
            raise TypeError(msg)
    if kind != "jacobian":
        scalar = (
            len(leaves) == 1
            and jnp.shape(leaves[0]) == ()
            and not isinstance(y, list | tuple | dict)
        )
        if not scalar:
            msg = (
                f"f ({_name(fn)}) must return a scalar for a {kind} check, but it "
                f"returned {_describe_tree(y)}. Reduce it to a scalar (e.g. with "
                ".sum()), or compare its Jacobian with check_jacobian."
            )
            raise TypeError(msg)


def _check_structure(
    kind: Kind, fn: Callable[..., Any], formula: Any, expected: Any
) -> None:
    got_leaves, got_def = jax.tree_util.tree_flatten(formula)
    want_leaves, want_def = jax.tree_util.tree_flatten(expected)
    like = {
        "gradient": "the gradient has the structure and shapes of the input",
        "jacobian": "the Jacobian has, per output and input leaf, the output's shape "
        "followed by the input's, like jax.jacfwd",
        "hessian": "the Hessian has, per pair of input leaves, the first's shape "
        "followed by the second's, like jax.hessian",
    }[kind]
    same = got_def == want_def and all(
        jnp.shape(a) == jnp.shape(b)
        for a, b in zip(got_leaves, want_leaves, strict=True)
    )
    if not same:
        msg = (
            f"the formula ({_name(fn)}) returned {_describe_tree(formula)}, but "
            f"{like}: {_describe_tree(expected)}. Return values with that structure "
            "and those shapes."
        )
        raise ValueError(msg)
    for leaf in got_leaves:
        if not jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
            msg = (
                f"the formula ({_name(fn)}) returned values of dtype "
                f"{jnp.result_type(leaf)}; return floating-point values."
            )
            raise TypeError(msg)


# -- the batched computation ------------------------------------------------


def _all_finite(tree: Any) -> Array:
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(leaf)) for leaf in leaves]))


def _contract(
    deriv_leaves: list[Array], v_leaves: list[Array], n_out: int
) -> list[Array]:
    """``J v`` for a derivative flattened leaf by leaf (output leaves outer, input inner)."""
    n_in = len(v_leaves)
    return [
        sum(
            jnp.tensordot(deriv_leaves[i * n_in + j], v, axes=v.ndim)
            for j, v in enumerate(v_leaves)
        )
        for i in range(n_out)
    ]


def _unit(raw: list[Array]) -> list[Array]:
    """Normalise directions (leading axis: direction) to unit norm over all leaves."""
    count = raw[0].shape[0]
    norms = jnp.sqrt(sum(jnp.sum(r.reshape(count, -1) ** 2, axis=1) for r in raw))
    return [r / norms.reshape((count,) + (1,) * (r.ndim - 1)) for r in raw]


@dataclasses.dataclass
class _Meta:
    """What tracing learned about the derivative's layout."""

    paths: list[str] = dataclasses.field(default_factory=list)
    shapes: list[tuple[int, ...]] = dataclasses.field(default_factory=list)
    single: bool = True
    autodiff: str = ""
    domain_name: str = ""  # of the current call, for error messages while tracing


def _build(
    kind: Kind,
    f: Callable[..., Any],
    formula: Callable[..., Any],
    dtype: np.dtype[Any],
    fd_directions: int,
    fd_step: float,
    mode: JacobianMode,
    batching: Batching,
) -> tuple[Callable[..., Any], _Meta]:
    """Build the jitted function that checks every trial and reduces the errors.

    Its inputs are the samples and the raw finite-difference directions, drawn
    on the host: a random-number generator inside would cost a compilation
    (about 0.3 s per call site) for no gain.
    """
    meta = _Meta(autodiff=_AUTODIFF_NAME[kind])
    tiny = float(np.finfo(dtype).tiny)
    d = fd_directions

    def autodiff(x: Any, y: Any) -> Any:
        if kind == "gradient":
            return jax.grad(f)(x)
        if kind == "hessian":
            return jax.hessian(f)(x)
        in_size = sum(leaf.size for leaf in jax.tree_util.tree_leaves(x))
        out_size = sum(math.prod(leaf.shape) for leaf in jax.tree_util.tree_leaves(y))
        use_rev = mode == "rev" or (mode == "auto" and out_size < in_size)
        meta.autodiff = "jax.jacrev(f)" if use_rev else "jax.jacfwd(f)"
        return (jax.jacrev if use_rev else jax.jacfwd)(f)(x)

    def one(x: Any, raw_directions: Any, radius: Array) -> dict[str, Any]:
        y_shape = _call(
            lambda x: jax.eval_shape(f, x),
            x,
            role="f",
            domain_name=meta.domain_name,
            dtype=dtype,
        )
        _check_output(kind, f, y_shape)
        reference = autodiff(x, y_shape)
        # The parts of a check run one after the other (each barrier makes the
        # next part wait for the previous result): in jaxlib 0.10, batched LAPACK
        # calls running concurrently can deadlock XLA's CPU thread pool.
        x_next = jax.lax.optimization_barrier((x, reference))[0]
        value = _call(
            formula,
            x_next,
            role="the formula",
            domain_name=meta.domain_name,
            dtype=dtype,
        )
        _check_structure(kind, formula, value, reference)
        value = jax.tree_util.tree_map(lambda v, r: v.astype(r.dtype), value, reference)
        flat, _ = jax.tree_util.tree_flatten_with_path(reference)
        meta.paths = [jax.tree_util.keystr(p) for p, _ in flat]
        meta.shapes = [tuple(leaf.shape) for _, leaf in flat]
        meta.single = len(flat) == 1 and not flat[0][0]
        diff = jax.tree_util.tree_map(jnp.subtract, value, reference)
        out: dict[str, Any] = {
            "value": value,
            "reference": reference,
            "abs_err": tree_norm(diff),
            "ref_norm": tree_norm(reference),
            "ref_finite": _all_finite(reference),
            "value_finite": _all_finite(value),
        }
        x_next = jax.lax.optimization_barrier((x, value))[0]
        x_leaves, x_def = jax.tree_util.tree_flatten(x_next)
        if d == 0:
            out["y_finite"] = _all_finite(f(x_next))
            return out
        # f at x and at x ± h v_k, x ± 2h v_k for each direction, in one call.
        vs = _unit(jax.tree_util.tree_leaves(raw_directions))
        # The scale of the input, but no more than its distance to the domain's
        # boundary: the steps x ± 2h v stay where f is defined.
        scale = jnp.minimum(jnp.maximum(tree_norm(x), 1.0), radius)
        h = fd_step * scale
        points = [
            jnp.concatenate(
                [a[None], a + h * v, a - h * v, a + 2 * h * v, a - 2 * h * v]
            )
            for a, v in zip(x_leaves, vs, strict=True)
        ]
        points_tree = jax.tree_util.tree_unflatten(x_def, points)
        ys = (
            jax.vmap(f)(points_tree)
            if batching == "vmap"
            else jax.lax.map(f, points_tree)
        )
        ys_leaves = jax.tree_util.tree_leaves(ys)
        y_leaves = [leaf[0] for leaf in ys_leaves]
        p1, m1, p2, m2 = (
            [leaf[1 + i * d : 1 + (i + 1) * d] for leaf in ys_leaves] for i in range(4)
        )
        out["y_finite"] = _all_finite(y_leaves)
        out["fd_finite"] = _all_finite(ys_leaves)
        if kind == "hessian":
            # Second differences approximate v^T H v.
            fd_h = [(p1[0] - 2 * y_leaves[0] + m1[0]) / h**2]
            fd_2h = [(p2[0] - 2 * y_leaves[0] + m2[0]) / (4 * h**2)]

            def predicted(deriv: Any, v: list[Array]) -> list[Array]:
                hv = _contract(jax.tree_util.tree_leaves(deriv), v, len(v))
                return [sum(jnp.vdot(a, b) for a, b in zip(v, hv, strict=True))]

            floor = jnp.abs(y_leaves[0]) / scale**2
        else:
            # Central differences approximate J v.
            fd_h = [(p - m) / (2 * h) for p, m in zip(p1, m1, strict=True)]
            fd_2h = [(p - m) / (4 * h) for p, m in zip(p2, m2, strict=True)]

            def predicted(deriv: Any, v: list[Array]) -> list[Array]:
                return _contract(jax.tree_util.tree_leaves(deriv), v, len(y_leaves))

            floor = tree_norm(y_leaves) / scale
        # Both truncation errors are O(h^2), so the Richardson combination
        # (4 D(h) - D(2h)) / 3 is more accurate than either, and D(h) - D(2h)
        # estimates their error: rounding and truncation, and a jump if the
        # steps cross a kink.
        reference_fd = [(4 * a - b) / 3 for a, b in zip(fd_h, fd_2h, strict=True)]
        # Errors relative to the derivative's norm, or to the rounding error of
        # the differences when the derivative is tiny next to f.
        denominator = jnp.maximum(jnp.maximum(out["ref_norm"], floor), tiny)

        def distance(a: list[Array], b: list[Array]) -> Array:
            sq = sum(
                jnp.sum((u - w).reshape(d, -1) ** 2, axis=1)
                for u, w in zip(a, b, strict=True)
            )
            return jnp.sqrt(sq) / denominator

        def fd_error(deriv: Any) -> Array:
            return distance(
                reference_fd, jax.vmap(lambda *v: predicted(deriv, list(v)))(*vs)
            )

        out["fd_err"] = fd_error(reference)
        out["fd_formula_err"] = fd_error(value)
        out["fd_spread"] = distance(fd_h, fd_2h)
        return out

    def run(
        xs: Any, directions: Any, radius: Array, rtol: Array, atol: Array
    ) -> dict[str, Any]:
        if batching == "vmap":
            r = jax.vmap(one)(xs, directions, radius)
        else:
            r = jax.lax.map(lambda args: one(*args), (xs, directions, radius))
        finite = r["y_finite"] & r["ref_finite"] & r["value_finite"]
        allowed = atol + rtol * r["ref_norm"]
        ratio = jnp.where(
            r["abs_err"] == 0, 0.0, r["abs_err"] / jnp.where(allowed > 0, allowed, tiny)
        )
        score = jnp.where(finite, ratio, jnp.inf)
        w = jnp.argmax(jnp.where(jnp.isnan(score), jnp.inf, score))
        leaf_err, leaf_idx, leaf_value, leaf_reference = [], [], [], []
        for v, ref in zip(
            jax.tree_util.tree_leaves(r["value"]),
            jax.tree_util.tree_leaves(r["reference"]),
            strict=True,
        ):
            vw, rw = v[w].ravel(), ref[w].ravel()
            if vw.size == 0:
                vw, rw = jnp.zeros(1, v.dtype), jnp.zeros(1, v.dtype)
            err = jnp.abs(vw - rw)
            i = jnp.argmax(jnp.where(jnp.isnan(err), jnp.inf, err))
            leaf_err.append(jnp.where(jnp.isnan(err[i]), jnp.inf, err[i]))
            leaf_idx.append(i)
            leaf_value.append(vw[i])
            leaf_reference.append(rw[i])
        out = {
            "abs_err": r["abs_err"],
            "ref_norm": r["ref_norm"],
            "y_finite": r["y_finite"],
            "ref_finite": r["ref_finite"],
            "value_finite": r["value_finite"],
            "passed": finite & (r["abs_err"] <= allowed),
            "worst": w,
            "leaf_err": jnp.stack(leaf_err),
            "leaf_idx": jnp.stack(leaf_idx),
            "leaf_value": jnp.stack(leaf_value),
            "leaf_reference": jnp.stack(leaf_reference),
        }
        if d:
            out["fd_err"] = r["fd_err"]
            out["fd_formula_err"] = r["fd_formula_err"]
            out["fd_finite"] = r["fd_finite"]
            out["fd_spread"] = r["fd_spread"]
        return out

    return jax.jit(run), meta


_CACHE: collections.OrderedDict[Hashable, tuple[Callable[..., Any], _Meta]] = (
    collections.OrderedDict()
)
_CACHE_SIZE = 64


def _compiled(*args: Any) -> tuple[Callable[..., Any], _Meta]:
    """:func:`_build`, memoised so that repeating a check does not recompile it.

    The compiled function depends on the domain only through the structure and
    shapes of its samples (they are inputs), so domains of the same shape, say
    ``symmetric(4)`` and ``invertible(4)``, share it.
    """
    kind, f, formula, domain, *rest = args
    flat, treedef = _domains._flatten(domain)
    cache_key = (
        kind,
        f,
        formula,
        treedef,
        tuple(d.shape for d in flat),
        *rest,
        jax.config.jax_enable_x64,
    )
    try:
        hit = _CACHE.get(cache_key)
    except TypeError:  # an unhashable callable: do not cache
        hit = None
        cache_key = None
    if hit is None:
        hit = _build(kind, f, formula, *rest)
        if cache_key is not None:
            _CACHE[cache_key] = hit
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(cache_key)
    hit[1].domain_name = _domains.describe(domain)
    return hit


# -- the verdict -------------------------------------------------------------


def _first(flags: np.ndarray[Any, Any]) -> int:
    return int(np.argmax(flags))


#: Finite differences that change by more than this fraction of the derivative
#: when their step doubles are not trusted: f is not smooth at that scale.
_MAX_SPREAD = 0.1


@dataclasses.dataclass(frozen=True)
class _FiniteDifferences:
    """The finite-difference cross-check, summarised on the host."""

    run: bool
    ok: bool = True
    formula_ok: bool = True
    rel_errors: np.ndarray[Any, Any] = dataclasses.field(
        default_factory=lambda: np.array([])
    )
    max_rel_error: float = math.nan
    formula_max_rel_error: float = math.nan
    max_spread: float = math.nan
    note: str = ""

    @classmethod
    def summarise(cls, out: dict[str, Any], tol: Tolerances) -> _FiniteDifferences:
        def worst(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            return np.max(np.where(np.isnan(a), np.inf, a), axis=-1)

        err = np.asarray(out["fd_err"], dtype=np.float64)
        formula_err = np.asarray(out["fd_formula_err"], dtype=np.float64)
        spread = np.asarray(out["fd_spread"], dtype=np.float64)
        finite = np.asarray(out["fd_finite"])
        smooth = spread <= _MAX_SPREAD
        # Each difference is judged against its own error estimate, plus a floor.
        allowed = tol.fd_rtol + spread
        ok = finite & np.all(smooth & (err <= allowed), axis=1)
        formula_ok = finite & np.all(smooth & (formula_err <= allowed), axis=1)
        rel_errors = worst(err)
        max_spread = float(np.max(worst(spread)))
        if not np.all(finite):
            note = (
                f"finite differences gave NaN or inf at {int(np.sum(~finite))} trials "
                "(the steps x ± h v may leave the set where f is defined)"
            )
        elif not np.all(smooth):
            note = (
                f"finite differences change by {max_spread:.0%} of the derivative when "
                "their step doubles"
            )
        else:
            note = (
                f"finite differences disagree (relative error "
                f"{float(np.max(rel_errors)):.2e}, beyond their own error estimate "
                f"and the floor {tol.fd_rtol:.1e})"
            )
        return cls(
            run=True,
            ok=bool(np.all(ok)),
            formula_ok=bool(np.all(formula_ok)),
            rel_errors=rel_errors,
            max_rel_error=float(np.max(rel_errors)),
            formula_max_rel_error=float(np.max(worst(formula_err))),
            max_spread=max_spread,
            note=note,
        )


def _verdict(
    *,
    nonfinite: dict[str, tuple[int, int]],
    trials: int,
    formula_ok: bool,
    fd: _FiniteDifferences,
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
    mode: JacobianMode = "auto",
) -> CheckResult:
    for role, fn in (("f", f), ("the formula", formula)):
        if not callable(fn):
            msg = f"{role} must be a function of one input, got {type(fn).__name__}."
            raise TypeError(msg)
    for name, value, low in (
        ("trials", trials, 1),
        ("fd_directions", fd_directions, 0),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < low
        ):
            msg = f"{name} must be an integer >= {low}, got {value!r}."
            raise ValueError(msg)
    trials, fd_directions = int(trials), int(fd_directions)
    if mode not in ("auto", "fwd", "rev"):
        msg = f"mode must be 'auto', 'fwd' or 'rev', got {mode!r}."
        raise ValueError(msg)
    if batching not in ("map", "vmap"):
        msg = f"batching must be 'map' or 'vmap', got {batching!r}."
        raise ValueError(msg)
    _domains._flatten(domain)  # raises TypeError for a bad domain
    try:
        wants_x64 = dtype is None or np.dtype(dtype).itemsize >= 8
    except TypeError:
        wants_x64 = True  # float_dtype below names the problem
    with jax.enable_x64(wants_x64):
        dt = float_dtype(jnp.float64 if dtype is None else dtype)
        tol = default_tolerances(dt, kind, rtol=rtol, atol=atol, fd_rtol=fd_rtol)
        rng = _rng(key)
        xs = _domains._sample_numpy(domain, rng, trials, dt)
        directions = jax.tree_util.tree_map(
            lambda a: rng.standard_normal((trials, fd_directions, *a.shape[1:])).astype(
                dt
            ),
            xs,
        )
        run, meta = _compiled(
            kind, f, formula, domain, dt, fd_directions, tol.fd_step, mode, batching
        )
        radius = _domains._radius_numpy(domain, xs).astype(dt)
        out = jax.device_get(run(xs, directions, radius, tol.rtol, tol.atol))
    return _result(
        kind, f, formula, domain, trials, dt, fd_directions, tol, meta, xs, out
    )


def _result(
    kind: Kind,
    f: Callable[..., Any],
    formula: Callable[..., Any],
    domain: Any,
    trials: int,
    dt: np.dtype[Any],
    fd_directions: int,
    tol: Tolerances,
    meta: _Meta,
    xs: Any,
    out: dict[str, Any],
) -> CheckResult:
    abs_err = np.asarray(out["abs_err"], dtype=np.float64)
    ref_norm = np.asarray(out["ref_norm"], dtype=np.float64)
    tiny = float(np.finfo(dt).tiny)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        rel = abs_err / np.maximum(ref_norm, tiny)
    flags = {
        "f": ~np.asarray(out["y_finite"]),
        "formula": ~np.asarray(out["value_finite"]),
        "autodiff": ~np.asarray(out["ref_finite"]),
    }
    nonfinite = {k: (int(v.sum()), int(np.argmax(v))) for k, v in flags.items()}
    values_finite = not any(v[0] for v in nonfinite.values())
    formula_ok = bool(np.all(out["passed"]))
    fd = (
        _FiniteDifferences.summarise(out, tol)
        if fd_directions
        else _FiniteDifferences(run=False, rel_errors=np.full(trials, np.nan))
    )

    leaf = int(np.argmax(np.asarray(out["leaf_err"])))
    shape = meta.shapes[leaf]
    flat_index = int(np.asarray(out["leaf_idx"])[leaf])
    index = tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()
    worst_index: Any = index if meta.single else (meta.paths[leaf], index)
    worst_trial = int(out["worst"])
    where = str(index) if meta.single else f"{meta.paths[leaf]} {index}"
    max_rel = float(np.max(rel)) if values_finite else math.nan
    verdict = _verdict(
        nonfinite=nonfinite,
        trials=trials,
        formula_ok=formula_ok,
        fd=fd,
        max_rel=max_rel,
        tol=tol,
        worst=f"trial {worst_trial}, component {where}",
    )
    counts = {k: v[0] for k, v in nonfinite.items()}
    if fd.run:
        counts["finite differences"] = int(np.sum(~np.asarray(out["fd_finite"])))
    return CheckResult(
        ok=formula_ok and fd.ok and values_finite,
        kind=kind,
        function=_name(f),
        formula=_name(formula),
        autodiff=meta.autodiff,
        domain_name=_domains.describe(domain),
        trials=trials,
        dtype=str(dt),
        rtol=tol.rtol,
        atol=tol.atol,
        max_rel_error=max_rel,
        max_abs_error=float(np.max(abs_err)) if values_finite else math.nan,
        rel_errors=rel,
        abs_errors=abs_err,
        worst_trial=worst_trial,
        worst_index=worst_index,
        worst_formula_value=float(np.asarray(out["leaf_value"])[leaf]),
        worst_autodiff_value=float(np.asarray(out["leaf_reference"])[leaf]),
        worst_input=jax.tree_util.tree_map(lambda a: a[worst_trial], xs),
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
