"""The compiled part of a check: f, its derivative by autodiff, and the formula.

One module-level function, :func:`_run`, evaluates autodiff and the formula at
every input, and ``f`` at the finite-difference points around it (drawn on the
host); everything else is NumPy on the host, in :mod:`._compare`. Several checks
can share one compiled program (:func:`evaluate_all`, which the catalogue uses:
each program has a fixed cost of tracing, lowering and compiling). It is jitted
with a tuple of :class:`Program` (what to compute) as its static argument, so
:func:`jax.jit`'s own cache lets a repeated check reuse its compiled program.
It runs once, so it is compiled with XLA's optimisation passes off (see
:func:`compiler_options`), which makes compiling it about three times faster.
What ``f`` and the formula return is validated while tracing; an exception
raised inside them propagates as itself, with a note saying where and why.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import Literal, Protocol

import jax
import jax.numpy as jnp
import numpy as np

from ._types import Batching, JacobianMode, Kind, PyTree, PyTreeFunction
from ._util import (
    describe_tree,
    name,
    require_floating,
    require_real_like,
    same_layout,
)

__all__: list[str] = []

# XLA options for a small program that is compiled to run once: LLVM's
# optimisation passes off (what jax_disable_most_optimizations sets globally),
# the older elemental emitters instead of the MLIR fusion emitters, and the
# generated code compiled in one piece rather than split for parallel
# compilation. Each cost more compilation time than it saves on such programs.
_QUICK_OPTIONS = (
    ("xla_backend_optimization_level", 0),
    ("xla_llvm_disable_expensive_passes", True),
    ("xla_cpu_use_fusion_emitters", False),
    ("xla_cpu_parallel_codegen_split_count", 1),
)

# Makes what follows wait for its argument (jax does not annotate it).
_barrier: Callable[[PyTree], PyTree] = jax.lax.optimization_barrier

# Errors that mean "f cannot be traced", whatever the sample.
_TRACER_ERRORS = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerIntegerConversionError,
    jax.errors.UnexpectedTracerError,
)


# Held while the options are first tried: checks in threads (the catalogue's)
# would otherwise compile the same probe at once, and one thread can then read
# the other's half-written entry of JAX's persistent cache (a warning on stderr).
_PROBING = threading.Lock()


def compiler_options(optimize: bool) -> tuple[tuple[str, object], ...]:
    """The XLA options the checkers compile with: none when ``optimize``.

    Options that this jaxlib does not know are left out (each is tried once).
    """
    if optimize:
        return ()
    with _PROBING:
        return _accepted_quick_options()


@functools.cache
def _accepted_quick_options() -> tuple[tuple[str, object], ...]:

    def accepted(options: tuple[tuple[str, object], ...]) -> bool:
        try:
            jax.jit(lambda x: x + 1, compiler_options=dict(options)).lower(
                np.float32(0)
            ).compile()
        except Exception:  # noqa: BLE001 (an unknown option is a runtime error)
            return False
        return True

    if accepted(_QUICK_OPTIONS):
        return _QUICK_OPTIONS
    return tuple(option for option in _QUICK_OPTIONS if accepted((option,)))


def jacobian_mode(
    mode: JacobianMode, in_size: int, out_size: int
) -> Literal["fwd", "rev"]:
    """Which of :func:`jax.jacfwd` and :func:`jax.jacrev` computes the Jacobian.

    ``"auto"`` picks reverse mode when the output is smaller than the input. The
    compiled program and the host both call this, with the sizes of one input
    and of ``f``'s output.
    """
    if mode == "rev" or (mode == "auto" and out_size < in_size):
        return "rev"
    return "fwd"


def autodiff_name(kind: Kind, mode: Literal["fwd", "rev"]) -> str:
    """What computes the reference, for messages: ``"jax.grad(f)"``, ..."""
    return {
        "gradient": "jax.grad(f)",
        "hessian": "jax.hessian(f)",
        "jacobian": f"jax.jac{mode}(f)",
    }[kind]


class _Same:
    """A key that compares by identity, for a callable that cannot be hashed."""

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


# The rules each custom_jvp/custom_vjp function was last checked with.
_RULES_SEEN: weakref.WeakKeyDictionary[object, Hashable] = weakref.WeakKeyDictionary()


def forget_redefined_rules(fn: object) -> None:
    """Empty JAX's caches when ``fn``'s custom rule was redefined since its last check.

    A rule redefined in place (``f.defjvp(...)`` again, as one does in a
    notebook) gives ``fn`` a new :func:`static_key`, so the check traces anew;
    but JAX's own tracing caches, keyed on the function and the shapes, can
    still hand back the old rule's trace. Redefinitions are rare, so emptying
    them all then (:func:`jax.clear_caches`) costs little.
    """
    if not isinstance(fn, jax.custom_jvp | jax.custom_vjp):
        return
    key = static_key(fn)
    old = _RULES_SEEN.get(fn)
    if old is not None and old != key:
        jax.clear_caches()  # type: ignore[no-untyped-call]
    _RULES_SEEN[fn] = key


def static_key(fn: object) -> Hashable:
    """``fn`` itself if it can be hashed, else a key comparing it by identity.

    A :func:`jax.custom_jvp` or :func:`jax.custom_vjp` function comes with its
    rules, so that redefining a rule in place (``f.defjvp(...)`` again, as one
    does in a notebook) gives a new key and a new trace.
    """
    if isinstance(fn, jax.custom_jvp):
        return (_Same(fn), static_key(getattr(fn, "jvp", None)))
    if isinstance(fn, jax.custom_vjp):
        rules = (getattr(fn, "fwd", None), getattr(fn, "bwd", None))
        return (_Same(fn), *map(static_key, rules))
    try:
        hash(fn)
    except TypeError:
        return _Same(fn)
    return fn


@dataclasses.dataclass(frozen=True, eq=False)
class Program:
    """What the compiled program computes: :func:`jax.jit`'s static argument.

    Equal programs share a compiled program; a callable that cannot be hashed
    is compared by identity. ``domain_name``, for the notes of exceptions
    raised while tracing, is left out of the equality: domains whose samples
    have the same shapes share a program, and a failed trace is not cached.
    """

    kind: Kind
    f: PyTreeFunction
    formula: PyTreeFunction
    mode: JacobianMode
    batching: Batching
    domain_name: str

    def _fields(self) -> tuple[Hashable, ...]:
        return (
            self.kind,
            static_key(self.f),
            static_key(self.formula),
            self.mode,
            self.batching,
        )

    def __hash__(self) -> int:
        return hash(self._fields())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Program) and self._fields() == other._fields()


# -- what f and the formula return, checked while tracing ----------------------


class Described(Protocol):
    """What the note of an exception raised inside ``f`` names: the check and the domain."""

    @property
    def kind(self) -> str: ...

    @property
    def domain_name(self) -> str: ...


def noted(fn: PyTreeFunction, role: str, program: Described) -> PyTreeFunction:
    """``fn``, adding a note to any exception it raises, which propagates as itself."""

    def call(x: PyTree) -> PyTree:
        try:
            return fn(x)
        except Exception as err:
            dtype = jnp.result_type(*jax.tree_util.tree_leaves(x))
            if isinstance(err, _TRACER_ERRORS):
                what = (
                    "jax.jit cannot run Python control flow or NumPy calls on the "
                    "values of arrays: replace `if`/`while` on values with jnp.where "
                    "or jax.lax.cond, and NumPy calls with jax.numpy."
                )
            elif role == "f":
                what = (
                    "Check that f takes what the domain draws: pass a domain whose "
                    "samples have the shape and structure f expects."
                )
            else:
                what = "Check that the formula takes the same input as f."
            err.add_note(
                f"{role} ({name(fn)}) raised this on a sample of the domain "
                f"{program.domain_name!r} ({describe_tree(x)}, {dtype}), which the "
                f"{program.kind} check traces with jax.jit. {what}"
            )
            raise

    return call


def _check_output(kind: Kind, fn: PyTreeFunction, y: PyTree) -> None:
    leaves = jax.tree_util.tree_leaves(y)
    if not leaves:
        msg = f"f ({name(fn)}) returned {y!r}, which holds no array; return an array."
        raise TypeError(msg)
    require_floating(
        y,
        f"f ({name(fn)}) returned",
        "only floating-point outputs can be differentiated: return floats.",
    )
    if kind != "jacobian" and not (
        len(leaves) == 1
        and jnp.shape(leaves[0]) == ()
        and not isinstance(y, list | tuple | dict)
    ):
        msg = (
            f"f ({name(fn)}) must return a scalar for a {kind} check, but it "
            f"returned {describe_tree(y)}. Reduce it to a scalar (e.g. with "
            ".sum()), or compare its Jacobian with check_jacobian."
        )
        raise TypeError(msg)


_LAYOUT = {
    "gradient": "the gradient has the structure and shapes of the input",
    "jacobian": "the Jacobian has, per output and input leaf, the output's shape "
    "followed by the input's, like jax.jacfwd",
    "hessian": "the Hessian has, per pair of input leaves, the first's shape "
    "followed by the second's, like jax.hessian",
}


def _check_formula(
    kind: Kind, fn: PyTreeFunction, value: PyTree, reference: PyTree
) -> None:
    if not same_layout(value, reference):
        msg = (
            f"the formula ({name(fn)}) returned {describe_tree(value)}, but "
            f"{_LAYOUT[kind]}: {describe_tree(reference)}. Return values with that "
            "structure and those shapes."
        )
        raise ValueError(msg)
    require_floating(
        value,
        f"the formula ({name(fn)}) returned",
        "return floating-point values.",
        complex_ok=True,
    )
    require_real_like(value, reference, f"the formula ({name(fn)})")


# -- the compiled program ------------------------------------------------------


def _size(tree: PyTree) -> int:
    return sum(math.prod(jnp.shape(leaf)) for leaf in jax.tree_util.tree_leaves(tree))


def _run(program: Program, xs: PyTree, steps: PyTree) -> dict[str, PyTree]:
    """Evaluate every trial.

    Takes the inputs ``xs``, leaves ``(trials, ...)``, and the finite-difference
    steps ``h v`` of each, leaves ``(trials, d, ...)``. Returns ``{"value":
    formula, "reference": autodiff, "ys": f}``, stacked along a first axis of
    trials; ``ys`` has a second axis: ``f`` at ``x``, at ``x + h v``,
    ``x - h v``, ``x + 2 h v`` and ``x - 2 h v`` (``d`` each).
    """
    kind = program.kind
    f = noted(program.f, "f", program)
    formula = noted(program.formula, "the formula", program)

    def derivatives(x: PyTree) -> dict[str, PyTree]:
        y = jax.eval_shape(f, x)
        _check_output(kind, program.f, y)
        if kind == "gradient":
            reference = jax.grad(f)(x)
        elif kind == "hessian":
            reference = jax.hessian(f)(x)
        else:
            mode = jacobian_mode(program.mode, _size(x), _size(y))
            reference = (jax.jacrev if mode == "rev" else jax.jacfwd)(f)(x)
        # The parts of a check run one after the other (each barrier makes the
        # next part wait for the previous result): in jaxlib 0.10, batched LAPACK
        # calls running concurrently can deadlock XLA's CPU thread pool.
        value = formula(_barrier((x, reference))[0])
        _check_formula(kind, program.formula, value, reference)
        value = jax.tree_util.tree_map(lambda v, r: v.astype(r.dtype), value, reference)
        return {"value": value, "reference": reference}

    def each(fn: Callable[[PyTree], PyTree], xs: PyTree) -> PyTree:
        return jax.vmap(fn)(xs) if program.batching == "vmap" else jax.lax.map(fn, xs)

    out: dict[str, PyTree] = each(derivatives, xs)
    # Then f at every input and at x ± h v, x ± 2h v around it, in one loop.
    xs, steps = _barrier(((xs, steps), out))[0]

    def around(x: jax.Array, hv: jax.Array) -> jax.Array:
        x = x[:, None]
        return jnp.concatenate([x, x + hv, x - hv, x + 2 * hv, x - 2 * hv], 1)

    points = jax.tree_util.tree_map(around, xs, steps)
    trials, count = jax.tree_util.tree_leaves(points)[0].shape[:2]
    ys = each(f, jax.tree_util.tree_map(lambda p: p.reshape(-1, *p.shape[2:]), points))
    out["ys"] = jax.tree_util.tree_map(
        lambda y: y.reshape(trials, count, *y.shape[1:]), ys
    )
    return out


def _run_all(
    programs: tuple[Program, ...], args: Sequence[tuple[PyTree, PyTree]]
) -> list[dict[str, PyTree]]:
    """:func:`_run` for each program with its ``(xs, steps)``, one after the other.

    Each program waits for the previous one's results (as within :func:`_run`,
    for jaxlib 0.10's thread pool).
    """
    outs: list[dict[str, PyTree]] = []
    for program, inputs in zip(programs, args, strict=True):
        xs, steps = _barrier((inputs, outs[-1]))[0] if outs else inputs
        outs.append(_run(program, xs, steps))
    return outs


#: How many compiled programs jax.jit may keep for the checkers (each holds a
#: few megabytes); beyond that, its cache for them is emptied.
MAX_PROGRAMS = 64


@functools.cache
def _jitted(
    optimize: bool,
) -> Callable[
    [tuple[Program, ...], Sequence[tuple[PyTree, PyTree]]], list[dict[str, PyTree]]
]:
    """:func:`_run_all` under :func:`jax.jit`, one per set of compiler options.

    Built on first use, since finding the options this jaxlib accepts compiles
    a tiny program; :func:`jax.jit` holds the compiled programs.
    """
    options = dict(compiler_options(optimize)) or None
    return jax.jit(_run_all, static_argnums=0, compiler_options=options)


def evaluate_all(
    programs: Sequence[Program],
    args: Sequence[tuple[PyTree, PyTree]],
    *,
    optimize: bool,
) -> list[dict[str, PyTree]]:
    """Run several checks' programs, compiled as one, and bring their values back to the host.

    ``args`` holds each program's ``(xs, steps)``. One compiled program for
    several checks saves each one's fixed cost of tracing, lowering and
    compiling, which is most of what a small check costs.

    jax.jit keeps every program it compiles, keyed on the static tuple of
    :class:`Program` (up to thousands, over a long session of checks of new
    functions), so its cache for the checkers is emptied when it holds more
    than :data:`MAX_PROGRAMS`.
    """
    if len(programs) != len(args) or not programs:
        msg = (
            f"evaluate_all takes one (xs, steps) per program and at least one "
            f"program; got {len(programs)} programs and {len(args)} arguments."
        )
        raise ValueError(msg)
    run = _jitted(optimize)
    outs: list[dict[str, PyTree]] = jax.device_get(run(tuple(programs), list(args)))
    # _cache_size is jax's count of the programs it keeps for one function;
    # tests/test_checks.py fails if a jax release removes it.
    if run._cache_size() > MAX_PROGRAMS:  # type: ignore[attr-defined]
        run.clear_cache()  # type: ignore[attr-defined]
    return outs
