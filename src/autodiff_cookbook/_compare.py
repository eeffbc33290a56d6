"""The host side of a check: finite-difference steps, errors and their statistics.

The compiled program (:mod:`autodiff_cookbook._evaluate`) returns the formula's
and autodiff's values at every trial and ``f`` at every finite-difference point;
this module draws the steps before it runs and compares the values after,
with NumPy in float64: errors per trial, the worst trial and component, the
finite differences and their Richardson combination, and which values were NaN
or inf. Arrays here are stacked along a first axis of trials; derivatives and
directions are flattened leaf by leaf, as :func:`jax.tree_util.tree_leaves`
orders them (for a Jacobian, output leaves outer and input leaves inner).
"""

from __future__ import annotations

import dataclasses
import math

import jax
import numpy as np

from ._result import FiniteDifferenceReport, LeafReport
from ._tolerances import Tolerances
from ._types import Float64Array, FloatArray, Kind, PyTree

__all__: list[str] = []

Arrays = list[Float64Array]
BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]

#: Finite differences that change by more than this fraction of the derivative
#: when their step doubles are not trusted: f is not smooth at that scale.
MAX_SPREAD = 0.1


def _per_trial(leaves: Arrays, axes: int = 1) -> Arrays:
    """Each leaf reshaped to ``(trials, ..., size)``, keeping ``axes`` leading axes."""
    return [a.reshape(*a.shape[:axes], math.prod(a.shape[axes:])) for a in leaves]


def host(a: object) -> Float64Array:
    """An array on the host in double precision: float64, or complex128 if complex."""
    arr = np.asarray(a)
    return arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64)


def scalar(v: np.generic) -> float | complex:
    """A NumPy scalar as a Python ``float``, or ``complex`` if it is complex."""
    return complex(v.item()) if np.iscomplexobj(v) else float(v.item())


def _norm(leaves: Arrays) -> Float64Array:
    """The Euclidean norm over all components of all leaves, per trial (last axis)."""
    return np.asarray(
        np.sqrt(sum(np.sum(np.abs(a) ** 2, axis=-1) for a in leaves)), np.float64
    )


def _all_finite(leaves: Arrays) -> BoolArray:
    """Whether every component of every leaf is finite, per trial (first axis)."""
    flat = [np.isfinite(a).reshape(a.shape[0], -1).all(axis=1) for a in leaves]
    return np.asarray(np.logical_and.reduce(flat), np.bool_)


@dataclasses.dataclass(frozen=True)
class Steps:
    """The finite-difference steps of every trial.

    Attributes:
        directions: unit directions per input leaf, ``(trials, d, size)``, float64.
        h: the step per trial.
        scale: the scale of the input per trial, ``max(||x||, 1)`` capped by the
            domain's radius.
    """

    directions: Arrays
    h: Float64Array
    scale: Float64Array


def noise(
    rng: np.random.Generator, shape: tuple[int, ...], dtype: object
) -> FloatArray:
    """Standard normal noise of ``shape`` in ``dtype``; complex for a complex dtype.

    A complex direction moves the real and the imaginary parts alike.
    """
    dt = np.dtype(dtype)  # type: ignore[call-overload]
    z = rng.standard_normal(shape)
    if np.issubdtype(dt, np.complexfloating):
        z = z + 1j * rng.standard_normal(shape)
    return np.asarray(z).astype(dt, copy=False)


def steps(
    xs: PyTree, rng: np.random.Generator, d: int, radius: Float64Array, step: float
) -> tuple[PyTree, Steps]:
    """The finite-difference steps ``h v`` around each input, along ``d`` directions.

    Args:
        xs: the inputs, a pytree of arrays stacked along a first axis of trials.
        rng: draws the directions: normal noise per leaf of ``xs``, normalised
            to unit directions over all leaves.
        d: the number of directions per trial.
        radius: per trial, how far the input may move and stay in its domain.
        step: the step relative to the scale (``Tolerances.fd_step``).

    Returns:
        ``h v``, a pytree of leaves ``(trials, d, ...)`` like ``xs`` and in its
        dtype (the compiled program evaluates ``f`` at ``x``, ``x ± h v`` and
        ``x ± 2h v``), and the :class:`Steps`.
    """
    x_leaves, treedef = jax.tree_util.tree_flatten(xs)
    trials = x_leaves[0].shape[0]
    raw_leaves = [noise(rng, (trials, d, *a.shape[1:]), a.dtype) for a in x_leaves]
    raw = _per_trial([host(a) for a in raw_leaves], axes=2)
    if d == 0:
        empty = np.full(trials, np.nan)
        return jax.tree_util.tree_unflatten(treedef, raw_leaves), Steps(
            raw, empty, empty
        )
    norms = _norm(raw)[..., None]
    directions = [r / norms for r in raw]
    # The scale of the input, but no more than its distance to the domain's
    # boundary: the steps x ± 2h v stay where f is defined.
    x64 = _per_trial([host(a) for a in x_leaves])
    scale = np.minimum(np.maximum(_norm(x64), 1.0), radius)
    h = step * scale
    hv = [
        (h[:, None, None] * v).reshape(a.shape).astype(a.dtype)
        for a, v in zip(raw_leaves, directions, strict=True)
    ]
    return jax.tree_util.tree_unflatten(treedef, hv), Steps(directions, h, scale)


def _contract(
    kind: Kind, derivative: Arrays, directions: Arrays, out_sizes: list[int]
) -> Arrays:
    r"""What finite differences approximate: ``J v`` per output leaf, or ``v^T H v``.

    ``derivative`` holds the leaves ``(trials, *out_i, *in_j)`` (for a gradient the
    output is the scalar ``f``; for a Hessian ``out_i`` is the input leaf ``i``),
    and ``directions`` the unit directions ``(trials, d, size_j)``; ``J v`` has
    the leaves ``(trials, d, size_i)``. A complex input pairs with its gradient
    :math:`g` as :math:`\operatorname{Re} \sum g v`, JAX's convention.
    """
    trials, d = directions[0].shape[:2]
    if kind == "hessian":
        out_sizes = [v.shape[-1] for v in directions]
    products = []
    for i, size in enumerate(out_sizes):
        total = np.zeros((trials, d, size))
        for j, v in enumerate(directions):
            block = derivative[i * len(directions) + j]
            # The real part: for a real f of a complex input, JAX's gradient g
            # gives the directional derivative Re(sum(g v)).
            total += np.real(
                np.einsum("toi,tdi->tdo", block.reshape(trials, size, v.shape[-1]), v)
            )
        products.append(total)
    if kind == "hessian":
        quadratic = sum(
            np.einsum("tdo,tdo->td", v, hv)
            for v, hv in zip(directions, products, strict=True)
        )
        return [quadratic[..., None]]
    return products


def _finite_differences(
    kind: Kind,
    ys: Arrays,
    value: Arrays,
    reference: Arrays,
    ref_norm: Float64Array,
    steps: Steps,
    tol: Tolerances,
    tiny: float,
) -> FiniteDifferenceReport:
    """Compare autodiff and the formula with finite differences of ``f``.

    ``ys`` holds ``f`` at ``x``, ``x + h v``, ``x - h v``, ``x + 2h v`` and
    ``x - 2h v`` (``d`` directions each), per output leaf ``(trials, 1 + 4 d,
    size)``.
    """
    d = steps.directions[0].shape[1]
    y0 = [y[:, 0] for y in ys]
    p1, m1, p2, m2 = ([y[:, 1 + k * d : 1 + (k + 1) * d] for y in ys] for k in range(4))
    h = steps.h[:, None, None]
    if kind == "hessian":
        # Second differences approximate v^T H v.
        fd_h = [(p1[0] - 2 * y0[0][:, None] + m1[0]) / h**2]
        fd_2h = [(p2[0] - 2 * y0[0][:, None] + m2[0]) / (4 * h**2)]
        floor = np.abs(y0[0][:, 0]) / steps.scale**2
    else:
        # Central differences approximate J v.
        fd_h = [(p - m) / (2 * h) for p, m in zip(p1, m1, strict=True)]
        fd_2h = [(p - m) / (4 * h) for p, m in zip(p2, m2, strict=True)]
        floor = _norm(y0) / steps.scale
    # Both truncation errors are O(h^2), so the Richardson combination
    # (4 D(h) - D(2h)) / 3 is more accurate than either, and D(h) - D(2h)
    # estimates their error: rounding and truncation, and a jump if the
    # steps cross a kink.
    combined = [(4 * a - b) / 3 for a, b in zip(fd_h, fd_2h, strict=True)]
    # Errors relative to the derivative's norm, or to the rounding error of
    # the differences when the derivative is tiny next to f.
    denominator = np.maximum(np.maximum(ref_norm, floor), tiny)[:, None]

    def distance(a: Arrays, b: Arrays) -> Float64Array:
        return _norm([u - w for u, w in zip(a, b, strict=True)]) / denominator

    def error(derivative: Arrays) -> Float64Array:
        out_sizes = [y.shape[-1] for y in ys]
        return distance(
            combined, _contract(kind, derivative, steps.directions, out_sizes)
        )

    return _judge(
        error(reference), error(value), distance(fd_h, fd_2h), _all_finite(ys), tol, d
    )


def _judge(
    err: Float64Array,
    formula_err: Float64Array,
    spread: Float64Array,
    finite: BoolArray,
    tol: Tolerances,
    directions: int,
) -> FiniteDifferenceReport:
    """Judge the errors ``(trials, directions)`` of autodiff and the formula."""

    def worst(a: Float64Array) -> Float64Array:
        return np.asarray(np.max(np.where(np.isnan(a), np.inf, a), axis=-1), np.float64)

    smooth = spread <= MAX_SPREAD
    # Each difference is judged against its own error estimate, plus a floor.
    allowed = tol.fd_rtol + spread
    ok = finite & np.all(smooth & (err <= allowed), axis=1)
    formula_ok = finite & np.all(smooth & (formula_err <= allowed), axis=1)
    rel_errors = worst(err)
    max_spread = float(np.max(worst(spread)))
    if np.all(ok):
        note = ""
    elif not np.all(finite):
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
    return FiniteDifferenceReport(
        directions=directions,
        rtol=tol.fd_rtol,
        ok=bool(np.all(ok)),
        formula_ok=bool(np.all(formula_ok)),
        max_rel_error=float(np.max(rel_errors)),
        rel_errors=rel_errors,
        formula_max_rel_error=float(np.max(worst(formula_err))),
        max_spread=max_spread,
        nonfinite=int(np.sum(~finite)),
        note=note,
    )


def _not_run(trials: int, tol: Tolerances) -> FiniteDifferenceReport:
    return FiniteDifferenceReport(
        directions=0,
        rtol=tol.fd_rtol,
        ok=True,
        formula_ok=True,
        max_rel_error=math.nan,
        rel_errors=np.full(trials, np.nan),
        formula_max_rel_error=math.nan,
        max_spread=math.nan,
        nonfinite=0,
        note="",
    )


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Formula against autodiff at every trial, and the finite-difference referee.

    Attributes:
        abs_errors: per trial, ``||formula - autodiff||``.
        rel_errors: per trial, that divided by ``||autodiff||``.
        passed: per trial, finite and within ``atol + rtol ||autodiff||``.
        nonfinite: for ``"f"``, ``"formula"`` and ``"autodiff"``, per trial,
            whether it gave NaN or inf.
        worst_trial: the trial furthest beyond the tolerance (the first
            non-finite one if any).
        worst_path: the path of the derivative's leaf holding the worst component
            of that trial (:func:`jax.tree_util.keystr`), or ``None`` when the
            derivative is a single array.
        worst_index: that component's index in its leaf.
        worst_value: the formula's value of that component.
        worst_reference: autodiff's value of it.
        fd: the finite-difference cross-check.
        leaves: the errors per input leaf.
        conjugate: whether the formula failed and its complex conjugate would
            have passed (a complex input, and the other convention).
    """

    abs_errors: Float64Array
    rel_errors: Float64Array
    passed: BoolArray
    nonfinite: dict[str, BoolArray]
    worst_trial: int
    worst_path: str | None
    worst_index: tuple[int, ...]
    worst_value: float | complex
    worst_reference: float | complex
    fd: FiniteDifferenceReport
    leaves: tuple[LeafReport, ...]
    conjugate: bool


def _worst(scores: Float64Array) -> int:
    """The index of the largest score, NaN counting as infinite; the first if tied."""
    return int(np.argmax(np.where(np.isnan(scores), np.inf, scores)))


def leaf_reports(
    value: Arrays, reference: Arrays, paths: tuple[str, ...], tiny: float
) -> tuple[LeafReport, ...]:
    """The errors per input leaf, from the derivative's blocks ``(trials, size)``.

    Block ``b`` belongs to input leaf ``b % len(paths)``: a gradient has one
    block per input leaf, a Jacobian one per output and input leaf (output
    outer) and a Hessian one per pair of input leaves.
    """
    if not reference or not len(reference[0]):  # no trial to measure
        return tuple(LeafReport(p, math.nan, math.nan, False) for p in paths)
    rows = []
    for j, path in enumerate(paths):
        blocks = range(j, len(reference), len(paths))
        diff = _norm([value[b] - reference[b] for b in blocks])
        ref = _norm([reference[b] for b in blocks])
        rel = np.where(diff == 0, 0.0, diff / np.maximum(ref, tiny))
        rows.append(
            LeafReport(
                path=path,
                max_rel_error=float(np.max(np.where(np.isnan(rel), np.inf, rel)))
                if np.all(np.isfinite(rel))
                else math.nan,
                max_abs_error=float(np.max(diff)),
                autodiff_zero=all(bool(np.all(reference[b] == 0)) for b in blocks),
            )
        )
    return tuple(rows)


def compare(
    kind: Kind,
    out: dict[str, PyTree],
    steps: Steps,
    tol: Tolerances,
    tiny: float,
    paths: tuple[str, ...],
) -> Comparison:
    """Compare the formula with autodiff, and both with finite differences.

    Args:
        kind: ``"gradient"``, ``"jacobian"`` or ``"hessian"``.
        out: what the compiled program returned: ``"value"`` (the formula),
            ``"reference"`` (autodiff) and ``"ys"`` (``f`` at the input and
            the finite-difference points around it), NumPy arrays stacked along
            a first axis of trials. The derivative's layout (its leaves' paths
            and shapes) is read from ``"reference"``.
        steps: the finite-difference steps; no directions skips the referee.
        tol: the tolerances.
        tiny: the smallest normal number of the dtype, to divide by instead of 0.
        paths: the paths of the input's leaves, for the rows of :attr:`Comparison.leaves`.
    """
    flat, _ = jax.tree_util.tree_flatten_with_path(out["reference"])
    with np.errstate(all="ignore"):
        value, reference = (
            _per_trial([host(a) for a in jax.tree_util.tree_leaves(t)])
            for t in (out["value"], out["reference"])
        )
        ys = _per_trial(
            [host(a) for a in jax.tree_util.tree_leaves(out["ys"])],
            axes=2,
        )
        trials = ys[0].shape[0]
        abs_err = _norm([v - r for v, r in zip(value, reference, strict=True)])
        ref_norm = _norm(reference)
        rel = abs_err / np.maximum(ref_norm, tiny)
        nonfinite = {
            "f": ~_all_finite([y[:, 0] for y in ys]),
            "formula": ~_all_finite(value),
            "autodiff": ~_all_finite(reference),
        }
        finite = ~np.logical_or.reduce(list(nonfinite.values()))
        allowed = tol.atol + tol.rtol * ref_norm
        ratio = np.where(
            abs_err == 0, 0.0, abs_err / np.where(allowed > 0, allowed, tiny)
        )
        w = _worst(np.where(finite, ratio, np.inf))
        # The worst component of the worst trial: the largest |formula - autodiff|
        # in each leaf, then the largest over the leaves.
        leaf_err, leaf_idx = [], []
        for v, r in zip(value, reference, strict=True):
            err = np.abs(v[w] - r[w]) if v.shape[1] else np.zeros(1)
            i = _worst(err)
            leaf_err.append(np.inf if np.isnan(err[i]) else err[i])
            leaf_idx.append(i)
        leaf = int(np.argmax(leaf_err))
        i = leaf_idx[leaf]
        has = value[leaf].shape[1] > 0
        path, shape = flat[leaf][0], flat[leaf][1].shape[1:]
        index = (
            tuple(int(k) for k in np.unravel_index(i, shape)) if has and shape else ()
        )
        return Comparison(
            abs_errors=abs_err,
            rel_errors=rel,
            passed=finite & (abs_err <= allowed),
            nonfinite=nonfinite,
            worst_trial=w,
            worst_path=jax.tree_util.keystr(path) if len(flat) > 1 or path else None,
            worst_index=index,
            worst_value=scalar(value[leaf][w, i]) if has else 0.0,
            worst_reference=scalar(reference[leaf][w, i]) if has else 0.0,
            fd=_finite_differences(
                kind, ys, value, reference, ref_norm, steps, tol, tiny
            )
            if steps.directions[0].shape[1]
            else _not_run(trials, tol),
            leaves=leaf_reports(value, reference, paths, tiny),
            conjugate=not np.all(finite & (abs_err <= allowed))
            and any(np.iscomplexobj(v) for v in value)
            and bool(
                np.all(
                    _norm(
                        [np.conj(v) - r for v, r in zip(value, reference, strict=True)]
                    )
                    <= allowed
                )
            ),
        )
