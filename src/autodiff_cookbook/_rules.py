"""Custom derivative rules inside a function: find them, and take them out.

A :func:`jax.custom_jvp` or :func:`jax.custom_vjp` function appears in the
jaxpr of any function that calls it as one ``custom_jvp_call`` or
``custom_vjp_call`` equation, whose ``call_jaxpr`` parameter is the code the
rule decorates. :func:`rules_in` lists them, at any depth (inside ``jit``,
``scan``, ``cond``, ...); :func:`without_rules` evaluates the jaxpr with the
chosen equations replaced by their ``call_jaxpr``: the same computation, which
JAX then differentiates by its own rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import jax
from jax.extend import core

from ._types import PyTree

__all__: list[str] = []

_KINDS = {"custom_jvp_call": "custom_jvp", "custom_vjp_call": "custom_vjp"}
# Call primitives whose body is evaluated inline when it holds a rule to replace.
_INLINE = frozenset({"pjit", "jit", "closed_call", "core_call", "remat", "checkpoint"})
_JAX_DIR = Path(jax.__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Rule:
    """A custom rule found in a jaxpr.

    Attributes:
        name: the decorated function's name.
        kind: ``"custom_jvp"`` or ``"custom_vjp"``.
        source: where it is defined, ``"path:line"`` (empty when unknown).
        in_jax: whether it is defined in the jax package itself.
    """

    name: str
    kind: str
    source: str
    in_jax: bool

    @property
    def label(self) -> str:
        """``"softplus (custom_jvp)"``, as results name it."""
        return f"{self.name} ({self.kind})"


def _rule(eqn: core.JaxprEqn) -> Rule:
    call = eqn.params["call_jaxpr"]
    info = getattr(call.jaxpr, "debug_info", None)
    src = str(getattr(info, "func_src_info", "") or "")
    name, _, source = src.partition(" at ")
    path = source.rpartition(":")[0]
    return Rule(
        name=name or "<unknown>",
        kind=_KINDS[eqn.primitive.name],
        source=source,
        in_jax=bool(path) and Path(path).resolve().is_relative_to(_JAX_DIR),
    )


def _sub_jaxprs(params: dict[str, Any]) -> Iterator[core.Jaxpr]:
    for value in params.values():
        for item in value if isinstance(value, tuple | list) else (value,):
            if isinstance(item, core.ClosedJaxpr):
                yield item.jaxpr
            elif isinstance(item, core.Jaxpr):
                yield item


def rules_in(jaxpr: core.Jaxpr) -> list[Rule]:
    """Every custom rule that ``jaxpr`` calls, at any depth, each once, in order."""
    found: list[Rule] = []

    def walk(j: core.Jaxpr) -> None:
        for eqn in j.eqns:
            if eqn.primitive.name in _KINDS:
                rule = _rule(eqn)
                if rule not in found:
                    found.append(rule)
                params = {k: v for k, v in eqn.params.items() if k != "call_jaxpr"}
                walk(eqn.params["call_jaxpr"].jaxpr)  # rules inside rules
            else:
                params = eqn.params
            for sub in _sub_jaxprs(params):
                walk(sub)

    walk(jaxpr)
    return found


def keep_all(rule: Rule) -> bool:  # noqa: ARG001 (a predicate that replaces none)
    """Replace no rule: the predicate of a function taken as it is."""
    return False


def forward_blocked(
    jaxpr: core.Jaxpr, replace: Callable[[Rule], bool] = keep_all
) -> bool:
    """Whether forward mode fails on ``jaxpr``: it calls a custom_vjp rule that stays.

    :func:`jax.jvp` raises on a custom_vjp function only when the program is
    lowered, so this reads the jaxpr instead. The code of a custom_jvp rule is
    not differentiated (its rule is), so it is not looked into.
    """
    for eqn in jaxpr.eqns:
        if eqn.primitive.name in _KINDS:
            rule = _rule(eqn)
            if not replace(rule):
                if rule.kind == "custom_vjp":
                    return True
                continue
            if forward_blocked(eqn.params["call_jaxpr"].jaxpr, replace):
                return True
            continue
        if any(forward_blocked(sub, replace) for sub in _sub_jaxprs(eqn.params)):
            return True
    return False


def _holds(jaxpr: core.Jaxpr, replace: Callable[[Rule], bool]) -> bool:
    return any(replace(rule) for rule in rules_in(jaxpr))


def _evaluate(
    jaxpr: core.Jaxpr,
    consts: Sequence[Any],
    args: Sequence[Any],
    replace: Callable[[Rule], bool],
) -> list[Any]:
    """Evaluate ``jaxpr``, each rule that ``replace`` picks replaced by its code."""
    env: dict[core.Var, Any] = {}

    def read(v: Any) -> Any:
        return v.val if isinstance(v, core.Literal) else env[v]

    env.update(zip(jaxpr.constvars, consts, strict=True))
    env.update(zip(jaxpr.invars, args, strict=True))
    for eqn in jaxpr.eqns:
        invals = [read(v) for v in eqn.invars]
        prim = eqn.primitive
        if prim.name in _KINDS and replace(_rule(eqn)):
            call = eqn.params["call_jaxpr"]
            outs = _evaluate(call.jaxpr, call.consts, invals, replace)
        elif prim.name in _INLINE and _holds_in(eqn, replace):
            body = eqn.params["jaxpr"]
            if isinstance(body, core.ClosedJaxpr):
                outs = _evaluate(body.jaxpr, body.consts, invals, replace)
            else:
                outs = _evaluate(body, (), invals, replace)
        else:
            params = eqn.params
            if _holds_in(eqn, replace):
                params = {k: _rewrite(v, replace) for k, v in params.items()}
            # jax < 0.9 returns (subfuns, params), later releases the params.
            got = prim.get_bind_params(params)  # type: ignore[no-untyped-call]
            subfuns, bind_params = got if isinstance(got, tuple) else ((), got)
            result = prim.bind(*subfuns, *invals, **bind_params)  # type: ignore[no-untyped-call]
            outs = list(result) if prim.multiple_results else [result]
        env.update(zip(eqn.outvars, outs, strict=True))
    return [read(v) for v in jaxpr.outvars]


def _holds_in(eqn: core.JaxprEqn, replace: Callable[[Rule], bool]) -> bool:
    return any(_holds(sub, replace) for sub in _sub_jaxprs(eqn.params))


def _rewrite(value: Any, replace: Callable[[Rule], bool]) -> Any:
    """A parameter of an equation, its closed jaxprs rewritten without the rules."""
    if isinstance(value, tuple | list):
        return type(value)(_rewrite(v, replace) for v in value)
    if not isinstance(value, core.ClosedJaxpr) or not _holds(value.jaxpr, replace):
        return value
    avals = [
        jax.ShapeDtypeStruct(v.aval.shape, v.aval.dtype)  # type: ignore[no-untyped-call]
        for v in value.jaxpr.invars
    ]

    def body(*args: Any) -> list[Any]:
        return _evaluate(value.jaxpr, value.consts, args, replace)

    return jax.make_jaxpr(body)(*avals)


@dataclasses.dataclass(frozen=True)
class Unruled:
    """A function with some of its custom rules replaced by the code they decorate.

    Built by :func:`without_rules` from one trace of ``f``; it computes what
    ``f`` computes, and JAX differentiates it by its own rules.
    """

    closed: core.ClosedJaxpr
    out_tree: Any
    in_jax: bool
    rules: tuple[Rule, ...]

    def replace(self, rule: Rule) -> bool:
        """Whether this function takes ``rule`` out."""
        return self.in_jax or not rule.in_jax

    def __call__(self, x: PyTree) -> PyTree:
        out = _evaluate(
            self.closed.jaxpr,
            self.closed.consts,
            jax.tree_util.tree_leaves(x),
            self.replace,
        )
        return jax.tree_util.tree_unflatten(self.out_tree, out)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return other is self


def without_rules(f: Callable[[PyTree], PyTree], x: PyTree, *, in_jax: bool) -> Unruled:
    """Trace ``f`` at ``x`` (arrays or shape structs) and take out its custom rules.

    Args:
        f: the function.
        x: an input, or :class:`jax.ShapeDtypeStruct` leaves shaped like one.
        in_jax: also replace the rules defined in the jax package (jax.nn,
            jax.numpy); by default they stay.

    Returns:
        The function without the rules; its :attr:`Unruled.rules` are the rules
        replaced, in the order the trace met them (empty if none).
    """
    closed, shape = jax.make_jaxpr(f, return_shape=True)(x)
    rules = tuple(r for r in rules_in(closed.jaxpr) if in_jax or not r.in_jax)
    return Unruled(
        closed=closed,
        out_tree=jax.tree_util.tree_structure(shape),
        in_jax=in_jax,
        rules=rules,
    )
