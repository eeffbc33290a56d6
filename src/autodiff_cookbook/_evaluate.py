"""The compiled part of a check: f, its derivative by autodiff, and the formula.

The checkers compile one small program per check and run it once, so its
compilation is most of their cost. The program therefore holds only what needs
JAX: at every trial it evaluates autodiff and the formula at the input, and
``f`` at the input and at the finite-difference points around it (the steps
are drawn on the host). Everything else (errors, the worst component, finite
differences, NaN counts) is NumPy on the host, in
:mod:`autodiff_cookbook._compare`.

The program is compiled with XLA's optimisation passes off (see
:func:`compiler_options`): it runs once, on small inputs, and without them it
compiles about three times faster. ``optimize=True`` restores them.

What ``f`` and the formula return is validated while tracing, with errors that
name the domain.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import math
from collections.abc import Callable, Hashable
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from . import domains as _domains

__all__: list[str] = []

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

# XLA options for a small program that is compiled to run once: LLVM's
# optimisation passes off (what jax_disable_most_optimizations sets globally),
# the older elemental emitters instead of the MLIR fusion emitters, and the
# generated code compiled in one piece rather than split for parallel
# compilation. Each cost more compilation time than it saves on such programs.
_QUICK_OPTIONS = {
    "xla_backend_optimization_level": 0,
    "xla_llvm_disable_expensive_passes": True,
    "xla_cpu_use_fusion_emitters": False,
    "xla_cpu_parallel_codegen_split_count": 1,
}


@functools.cache
def compiler_options(optimize: bool) -> tuple[tuple[str, Any], ...]:
    """The XLA options the checkers compile with: none when ``optimize``.

    Options that this jaxlib does not know are left out (each is tried once).
    """
    if optimize:
        return ()

    def accepted(options: dict[str, Any]) -> bool:
        try:
            jax.jit(lambda x: x + 1, compiler_options=options).lower(
                np.float32(0)
            ).compile()
        except Exception:  # noqa: BLE001 (an unknown option is a runtime error)
            return False
        return True

    if accepted(_QUICK_OPTIONS):
        return tuple(_QUICK_OPTIONS.items())
    return tuple((k, v) for k, v in _QUICK_OPTIONS.items() if accepted({k: v}))


# -- validating what f and the formula return, at trace time ----------------


def name(fn: Callable[..., Any]) -> str:
    """The name of a function, for messages."""
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
            f"{role} ({name(fn)}) cannot be traced by jax.jit, which the checkers "
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
            f"{role} ({name(fn)}) failed on a sample of the domain {domain_name!r} "
            f"({_describe_tree(x)}, {dtype}) with {type(err).__name__}: "
            f"{str(err).rstrip('.')}. So {what}."
        )
        raise ValueError(msg) from err


def _check_output(kind: Kind, fn: Callable[..., Any], y: Any) -> None:
    leaves = jax.tree_util.tree_leaves(y)
    if not leaves:
        msg = f"f ({name(fn)}) returned {y!r}, which holds no array; return an array."
        raise TypeError(msg)
    for leaf in leaves:
        if not jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
            msg = (
                f"f ({name(fn)}) returned values of dtype {jnp.result_type(leaf)}; "
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
                f"f ({name(fn)}) must return a scalar for a {kind} check, but it "
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
            f"the formula ({name(fn)}) returned {_describe_tree(formula)}, but "
            f"{like}: {_describe_tree(expected)}. Return values with that structure "
            "and those shapes."
        )
        raise ValueError(msg)
    for leaf in got_leaves:
        if not jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
            msg = (
                f"the formula ({name(fn)}) returned values of dtype "
                f"{jnp.result_type(leaf)}; return floating-point values."
            )
            raise TypeError(msg)


# -- the compiled program ------------------------------------------------------


@dataclasses.dataclass
class Meta:
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
    mode: JacobianMode,
    batching: Batching,
    optimize: bool,
) -> tuple[Callable[..., Any], Meta]:
    """Build the jitted function that evaluates every trial.

    It takes the inputs ``xs``, leaves ``(trials, ...)``, and the
    finite-difference steps ``h v`` of each, leaves ``(trials, d, ...)``. It
    returns ``{"value": formula, "reference": autodiff, "ys": f}``, stacked along
    a first axis of trials; ``ys`` has a second axis: ``f`` at ``x``, at
    ``x + h v``, ``x - h v``, ``x + 2 h v`` and ``x - 2 h v`` (``d`` each).
    """
    meta = Meta(autodiff=_AUTODIFF_NAME[kind])

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

    def derivatives(x: Any) -> dict[str, Any]:
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
        return {"value": value, "reference": reference}

    def each(fn: Callable[..., Any], xs: Any) -> Any:
        return jax.vmap(fn)(xs) if batching == "vmap" else jax.lax.map(fn, xs)

    def run(xs: Any, steps: Any) -> dict[str, Any]:
        out = each(derivatives, xs)
        # Then f at every input and at x ± h v, x ± 2h v around it, in one loop.
        xs, steps = jax.lax.optimization_barrier(((xs, steps), out))[0]

        def around(x: Array, hv: Array) -> Array:
            x = x[:, None]
            return jnp.concatenate([x, x + hv, x - hv, x + 2 * hv, x - 2 * hv], 1)

        points = jax.tree_util.tree_map(around, xs, steps)
        trials, count = jax.tree_util.tree_leaves(points)[0].shape[:2]
        ys = each(
            f, jax.tree_util.tree_map(lambda p: p.reshape(-1, *p.shape[2:]), points)
        )
        out["ys"] = jax.tree_util.tree_map(
            lambda y: y.reshape(trials, count, *y.shape[1:]), ys
        )
        return out

    options = dict(compiler_options(optimize))
    return jax.jit(run, compiler_options=options or None), meta


_CACHE: collections.OrderedDict[Hashable, tuple[Callable[..., Any], Meta]] = (
    collections.OrderedDict()
)
_CACHE_SIZE = 64


def _compiled(
    kind: Kind,
    f: Callable[..., Any],
    formula: Callable[..., Any],
    domain: Any,
    dtype: np.dtype[Any],
    mode: JacobianMode,
    batching: Batching,
    optimize: bool,
) -> tuple[Callable[..., Any], Meta]:
    """:func:`_build`, memoised so that repeating a check does not recompile it.

    The compiled function depends on the domain only through the structure and
    shapes of its samples (they are inputs), so domains of the same shape, say
    ``symmetric(4)`` and ``invertible(4)``, share it. The numbers of trials and
    of directions are shapes of its inputs, which :func:`jax.jit` keys its own
    cache on.
    """
    flat, treedef = _domains._flatten(domain)
    cache_key = (
        kind,
        f,
        formula,
        treedef,
        tuple(d.shape for d in flat),
        dtype,
        mode,
        batching,
        optimize,
        jax.config.jax_enable_x64,
    )
    try:
        hit = _CACHE.get(cache_key)
    except TypeError:  # an unhashable callable: do not cache
        hit = None
        cache_key = None
    if hit is None:
        hit = _build(kind, f, formula, dtype, mode, batching, optimize)
        if cache_key is not None:
            _CACHE[cache_key] = hit
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(cache_key)
    hit[1].domain_name = _domains.describe(domain)
    return hit
