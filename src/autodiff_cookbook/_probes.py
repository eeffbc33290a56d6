r"""Checks along random directions: the compiled probes and their comparison.

The matrix-free checks (a formula for :math:`J v`, :math:`J^\top u` or
:math:`H v`), :func:`~autodiff_cookbook.check_autodiff` and
:func:`~autodiff_cookbook.check_custom_rule` never form a derivative: each
trial draws an input ``x`` and *probes* (unit directions ``v`` and ``w`` shaped
like the input, unit cotangents ``u`` shaped like the output and ``c`` shaped
like the input), and compares derivatives applied to them. :func:`run` computes
every product at every trial in one program compiled by :func:`jax.jit` (with a
:class:`ProbeProgram` as its static argument, like the other checks), and ``f``
(or a gradient) at ``x ± h d`` and ``x ± 2h d`` for the finite differences;
the rest of this module compares on the host with NumPy.

Products pair by :math:`\langle a, b \rangle = \operatorname{Re} \sum a b`,
without conjugation: with it, :math:`\langle u, J v \rangle = \langle J^\top u,
v \rangle` holds for JAX's :func:`jax.vjp` of real and of complex functions.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Hashable
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from ._compare import MAX_SPREAD, host, noise
from ._evaluate import compiler_options, noted, static_key
from ._types import Batching, Float64Array, PyTree, PyTreeFunction
from ._util import (
    describe_tree,
    name,
    require_floating,
    require_real_like,
    same_layout,
)

__all__: list[str] = []

ProbeKind = Literal["jvp", "vjp", "hvp", "autodiff", "custom_rule"]
Arrays = list[Any]

_barrier: Callable[[PyTree], PyTree] = jax.lax.optimization_barrier


@dataclasses.dataclass(frozen=True, eq=False)
class ProbeProgram:
    """What the compiled probes compute: :func:`jax.jit`'s static argument.

    Attributes:
        kind: which check.
        f: the function.
        other: the formula (``jvp``, ``vjp``, ``hvp``: a function of ``(x, t)``),
            or ``f`` without its custom rules (``custom_rule``), or ``None``.
        order: 1, or 2 for second derivatives too.
        forward: whether forward mode applies to ``f``.
        other_forward: whether it applies to ``other`` (``custom_rule``).
        fd: whether to evaluate the finite-difference points.
        batching: how the trials are looped over.
        domain_name: for the notes of exceptions; not part of the equality.
    """

    kind: ProbeKind
    f: PyTreeFunction
    other: Callable[..., PyTree] | None
    order: int
    forward: bool
    other_forward: bool
    fd: bool
    batching: Batching
    domain_name: str

    def _fields(self) -> tuple[Hashable, ...]:
        return (
            self.kind,
            static_key(self.f),
            static_key(self.other),
            self.order,
            self.forward,
            self.other_forward,
            self.fd,
            self.batching,
        )

    def __hash__(self) -> int:
        return hash(self._fields())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProbeProgram) and self._fields() == other._fields()


# -- the compiled part -----------------------------------------------------------

_SIGNS = (1.0, -1.0, 2.0, -2.0)


def _formula(
    formula: Callable[..., PyTree], program: ProbeProgram
) -> Callable[[PyTree, PyTree], PyTree]:
    def paired(xt: tuple[PyTree, PyTree]) -> PyTree:
        return formula(*xt)

    # The note of an exception raised inside names the formula, not this wrapper.
    paired.__name__ = name(formula)
    wrapped = noted(paired, "the formula", program)
    return lambda x, t: wrapped((x, t))


def _like(
    fn: Callable[..., object], value: PyTree, reference: PyTree, what: str
) -> None:
    if not same_layout(value, reference):
        msg = (
            f"the formula ({name(fn)}) returned {describe_tree(value)}, but {what}: "
            f"{describe_tree(reference)}. Return values with that structure and "
            "those shapes."
        )
        raise ValueError(msg)
    require_floating(
        value,
        f"the formula ({name(fn)}) returned",
        "return floating-point values.",
        complex_ok=True,
    )
    require_real_like(value, reference, f"the formula ({name(fn)})")


def _probe(
    program: ProbeProgram,
    f: PyTreeFunction,
    x: PyTree,
    h: jax.Array,
    p: dict[str, PyTree],
    each: Callable[[Callable[[PyTree], PyTree], PyTree], PyTree],
) -> dict[str, PyTree]:
    """Every product of one probe at one input."""

    def around(g: PyTreeFunction, d: PyTree) -> dict[str, PyTree]:
        """Central differences of ``g`` along ``d``, with steps ``h`` and ``2h``.

        ``g`` runs at ``x + s h d`` for ``s`` in 1, -1, 2, -2; only the two
        differences, the largest norm of ``g`` there (the scale of their
        rounding error) and whether all were finite leave the device.
        """
        s = jnp.asarray(_SIGNS, jnp.real(h).dtype) * h
        points = jax.tree_util.tree_map(
            lambda a, v: (
                a[None] + s.reshape(-1, *([1] * a.ndim)).astype(a.dtype) * v[None]
            ),
            x,
            d,
        )
        ys = jax.tree_util.tree_leaves(each(g, points))
        size = sum(jnp.sum(jnp.abs(y.reshape(4, -1)) ** 2, axis=1) for y in ys)
        return {
            "d_h": [(y[0] - y[1]) / (2 * h).astype(y.dtype) for y in ys],
            "d_2h": [(y[2] - y[3]) / (4 * h).astype(y.dtype) for y in ys],
            "level": jnp.sqrt(jnp.max(size)),
            "finite": jnp.all(jnp.stack([jnp.all(jnp.isfinite(y)) for y in ys])),
        }

    kind = program.kind
    out: dict[str, PyTree] = {}
    if kind in ("jvp", "vjp", "hvp"):
        raw = program.other
        assert raw is not None  # the matrix-free checks pass a formula
        formula = _formula(raw, program)
        if kind == "jvp":
            out["ref"] = jax.jvp(f, (x,), (p["v"],))[1]
            fd_g, fd_d, t, what = (
                f,
                p["v"],
                p["v"],
                "J(x) v has the shape of f's output",
            )
        elif kind == "vjp":
            out["ref"] = jax.vjp(f, x)[1](p["u"])[0]
            fd_g, fd_d, t, what = (
                f,
                p["w"],
                p["u"],
                "J(x)^T u has the shape of the input",
            )
        else:
            grad = jax.grad(f)
            out["ref"] = jax.jvp(grad, (x,), (p["v"],))[1]
            fd_g, fd_d, t, what = (
                grad,
                p["v"],
                p["v"],
                "H(x) v has the shape of the input",
            )
        value = formula(_barrier((x, out["ref"]))[0], t)
        _like(raw, value, out["ref"], what)
        out["value"] = jax.tree_util.tree_map(
            lambda v, r: v.astype(jnp.result_type(v, r)), value, out["ref"]
        )
        if program.fd:
            out["fd"] = around(fd_g, _barrier((fd_d, out))[0])
        return out

    def products(g: PyTreeFunction, forward: bool) -> dict[str, PyTree]:
        d: dict[str, PyTree] = {"vj": jax.vjp(g, x)[1](p["u"])[0]}
        if forward:
            d["j1"] = jax.jvp(g, (x,), (p["v"],))[1]
        if program.order == 2:

            def grad_u(y: PyTree) -> PyTree:
                return jax.vjp(g, y)[1](p["u"])[0]

            d["vj2"] = jax.vjp(grad_u, x)[1](p["c"])[0]
            if forward:
                d["j2"] = jax.jvp(grad_u, (x,), (p["w"],))[1]
        return d

    out["f"] = products(f, program.forward)
    if kind == "custom_rule":
        assert program.other is not None
        other = noted(program.other, "f without its custom rules", program)
        out["r"] = products(other, program.other_forward)
    v = _barrier((p["v"], out))[0]
    out["fd1"] = around(f, v)
    if program.order == 2:
        u, w = _barrier(((p["u"], p["w"]), out))[0]
        out["fd2"] = around(lambda y: jax.vjp(f, y)[1](u)[0], w)
    return out


def _check_output(program: ProbeProgram, y: PyTree) -> None:
    fn = program.f
    if not jax.tree_util.tree_leaves(y):
        msg = f"f ({name(fn)}) returned {y!r}, which holds no array; return an array."
        raise TypeError(msg)
    require_floating(
        y,
        f"f ({name(fn)}) returned",
        "only floating-point outputs can be differentiated: return floats.",
        complex_ok=program.kind != "hvp",
    )
    leaves = jax.tree_util.tree_leaves(y)
    if program.kind == "hvp" and not (
        len(leaves) == 1
        and jnp.shape(leaves[0]) == ()
        and not isinstance(y, list | tuple | dict)
    ):
        msg = (
            f"f ({name(fn)}) must return a scalar for a Hessian-vector product "
            f"check, but it returned {describe_tree(y)}. Reduce it to a scalar (e.g. "
            "with .sum()), or check J v with check_jvp."
        )
        raise TypeError(msg)


def _run(
    program: ProbeProgram, xs: PyTree, probes: dict[str, PyTree], h: jax.Array
) -> dict[str, PyTree]:
    """Every product at every trial: leaves ``(trials, probes, ...)``, and ``f(x)``."""
    f = noted(program.f, "f", program)

    def each(fn: Callable[[PyTree], PyTree], args: PyTree) -> PyTree:
        if program.batching == "vmap":
            return jax.vmap(fn)(args)
        return jax.lax.map(fn, args)

    def trial(args: tuple[PyTree, dict[str, PyTree], jax.Array]) -> dict[str, PyTree]:
        x, ps, ht = args
        y = f(x)
        _check_output(program, y)
        out = {"y": y}
        x = _barrier((x, y))[0]
        out["probes"] = each(lambda pk: _probe(program, f, x, ht, pk, each), ps)
        return out

    return each(trial, (xs, probes, h))  # type: ignore[no-any-return]


@functools.cache
def _jitted(optimize: bool) -> Callable[..., dict[str, PyTree]]:
    options = dict(compiler_options(optimize)) or None
    return jax.jit(_run, static_argnums=0, compiler_options=options)


#: How many compiled programs jax.jit may keep for these checks.
MAX_PROGRAMS = 64


def evaluate(
    program: ProbeProgram,
    xs: PyTree,
    probes: dict[str, PyTree],
    h: Float64Array,
    *,
    optimize: bool,
) -> dict[str, PyTree]:
    """Run the compiled probes, and bring their values back to the host (NumPy)."""
    run = _jitted(optimize)
    dt = jnp.real(jax.tree_util.tree_leaves(xs)[0]).dtype
    out: dict[str, PyTree] = jax.device_get(run(program, xs, probes, h.astype(dt)))
    if run._cache_size() > MAX_PROGRAMS:  # type: ignore[attr-defined]
        run.clear_cache()  # type: ignore[attr-defined]
    return out


# -- the probes, drawn on the host -------------------------------------------------


def unit(
    rng: np.random.Generator,
    layout: list[tuple[tuple[int, ...], Any]],
    trials: int,
    count: int,
) -> Arrays:
    """``count`` random unit vectors per trial over the leaves of ``layout``.

    ``layout`` lists each leaf's shape and dtype; the leaves come back as
    ``(trials, count, *shape)``, complex where the dtype is.
    """
    raw = [noise(rng, (trials, count, *shape), dtype) for shape, dtype in layout]
    norms = np.sqrt(
        sum(np.sum(np.abs(r.reshape(trials, count, -1)) ** 2, axis=-1) for r in raw)
    )
    return [
        (r / norms.reshape(trials, count, *([1] * len(shape)))).astype(dtype)
        for r, (shape, dtype) in zip(raw, layout, strict=True)
    ]


def masked(directions: Arrays) -> Arrays:
    """The first probe's direction restricted to each leaf in turn, as more probes.

    With several input leaves, probe ``d + j`` moves leaf ``j`` only, which is
    what the rows of :attr:`CheckResult.leaves` are measured with.
    """
    if len(directions) < 2:
        return directions
    extra = []
    for j, leaf in enumerate(directions):
        first = leaf[:, :1]
        size = np.sqrt(np.sum(np.abs(first.reshape(len(first), -1)) ** 2, axis=-1))
        unit_leaf = first / np.maximum(size, 1e-300).reshape(
            -1, *[1] * (first.ndim - 1)
        )
        # Probe j: leaf j along its part of the first direction, rescaled to
        # unit length; every other leaf still.
        extra.append(
            [
                unit_leaf.astype(first.dtype) if i == j else np.zeros_like(a[:, :1])
                for i, a in enumerate(directions)
            ]
        )
    return [
        np.concatenate([a, *(probe[i] for probe in extra)], axis=1)
        for i, a in enumerate(directions)
    ]


def repeat_first(arrays: Arrays, count: int) -> Arrays:
    """Each leaf with its first probe repeated to make ``count`` probes in all."""
    return [
        np.concatenate([a, np.repeat(a[:, :1], count - a.shape[1], axis=1)], axis=1)
        for a in arrays
    ]


# -- comparisons on the host --------------------------------------------------------


def flat(tree: PyTree, axes: int = 2) -> Arrays:
    """A pytree's leaves on the host, reshaped to ``(*leading axes, size)``."""
    return [
        host(a).reshape(*np.shape(a)[:axes], -1)
        for a in jax.tree_util.tree_leaves(tree)
    ]


def _squares(a: Any) -> Any:
    if np.iscomplexobj(a):
        return np.einsum("...i,...i->...", a.real, a.real) + np.einsum(
            "...i,...i->...", a.imag, a.imag
        )
    return np.einsum("...i,...i->...", a, a)


def norm(leaves: Arrays) -> Float64Array:
    """The Euclidean norm over the last axis and over the leaves."""
    return np.asarray(np.sqrt(sum(_squares(a) for a in leaves)), np.float64)


def pair(a: Arrays, b: Arrays) -> Float64Array:
    r"""The pairing :math:`\operatorname{Re} \sum a b` over the last axis and the leaves."""
    return np.asarray(
        np.real(sum(np.sum(x * y, axis=-1) for x, y in zip(a, b, strict=True))),
        np.float64,
    )


def finite(leaves: Arrays) -> np.ndarray:
    """Whether every component is finite, over the last axis and the leaves."""
    return np.asarray(
        np.logical_and.reduce([np.all(np.isfinite(a), axis=-1) for a in leaves]), bool
    )


@dataclasses.dataclass(frozen=True)
class Measure:
    """One comparison at every trial and probe (arrays ``(trials, probes)``).

    Attributes:
        what: what is compared, as a phrase.
        exact: whether both sides agree to rounding when right (judged by
            ``rtol``); else one side is a finite difference.
        rel: the relative errors.
        abs: the absolute errors.
        passed: which comparisons passed.
        finite: where both sides were finite.
        tolerance: the tolerance of ``rel`` (``rtol``, or the finite
            differences' floor).
        spread: for finite differences, their own error estimate.
        a: the checked side, leaves ``(trials, probes, size)``.
        b: the reference side.
    """

    what: str
    exact: bool
    rel: Float64Array
    abs: Float64Array
    passed: np.ndarray
    finite: np.ndarray
    tolerance: float
    spread: Float64Array | None
    a: Arrays
    b: Arrays


def vectors(
    what: str, a: Arrays, b: Arrays, rtol: float, atol: float, tiny: float
) -> Measure:
    """Compare two products that agree to rounding when right."""
    with np.errstate(all="ignore"):
        diff = norm([x - y for x, y in zip(a, b, strict=True)])
        ref = norm(b)
        ok = finite(a) & finite(b)
        rel = np.where(diff == 0, 0.0, diff / np.maximum(ref, tiny))
        return Measure(
            what,
            True,
            rel,
            diff,
            ok & (diff <= atol + rtol * ref),
            ok,
            rtol,
            None,
            a,
            b,
        )


def scalars(
    what: str,
    p: Float64Array,
    q: Float64Array,
    scale: Float64Array,
    rtol: float,
    atol: float,
    tiny: float,
) -> Measure:
    """Compare two pairings that agree to rounding when right, relative to ``scale``."""
    with np.errstate(all="ignore"):
        diff = np.abs(p - q)
        ok = np.isfinite(p) & np.isfinite(q) & np.isfinite(scale)
        rel = np.where(diff == 0, 0.0, diff / np.maximum(scale, tiny))
        return Measure(
            what,
            True,
            rel,
            diff,
            ok & (diff <= atol + rtol * scale),
            ok,
            rtol,
            None,
            [p[..., None]],
            [q[..., None]],
        )


def differences(
    what: str,
    points: dict[str, Any],
    xscale: Float64Array,
    derivative: Arrays,
    fd_rtol: float,
    tiny: float,
    project: Arrays | None = None,
) -> Measure:
    """Compare a product with central differences (Richardson) along its direction.

    ``points`` holds what the compiled probes return for them: the central
    differences ``d_h`` and ``d_2h`` of ``g`` (steps ``h`` and ``2h``, leaves
    ``(trials, probes, ...)``), the largest norm of ``g`` at the four points
    (``level``) and whether they were all finite, per trial and probe;
    ``xscale`` is the scale of each input, which ``h`` is a fraction of. With
    ``project`` (a cotangent), the differences are paired with it and compared
    with ``derivative``, a pairing too.
    """
    d_h, d_2h = flat(points["d_h"]), flat(points["d_2h"])
    level = np.asarray(points["level"], np.float64)
    with np.errstate(all="ignore"):
        ok = np.asarray(points["finite"], bool) & finite(derivative)
        if project is not None:
            level = level * norm(project)
            d_h = [pair(project, d_h)[..., None]]
            d_2h = [pair(project, d_2h)[..., None]]
        combined = [(4 * x - y) / 3 for x, y in zip(d_h, d_2h, strict=True)]
        # Relative to the derivative, or to the rounding error of the
        # differences when the derivative is tiny next to g.
        floor = level / xscale[:, None]
        denominator = np.maximum(
            np.maximum(np.maximum(norm(derivative), norm(combined)), floor), tiny
        )
        diff = norm([x - y for x, y in zip(combined, derivative, strict=True)])
        rel = diff / denominator
        spread = norm([x - y for x, y in zip(d_h, d_2h, strict=True)]) / denominator
        passed = ok & (spread <= MAX_SPREAD) & (rel <= fd_rtol + spread)
    return Measure(
        what, False, rel, diff, passed, ok, fd_rtol, spread, derivative, combined
    )
