r"""The functions of the page *How autodiff works*: forward and reverse mode from scratch.

Each primitive knows its local partial ``p`` per input: forward mode pushes a tangent
through it (:class:`Dual`, :func:`jvp`), reverse mode records it on a tape (:class:`Var`)
and pulls adjoints back through the transposed map (:func:`vjp`, :func:`grad`). A user
function takes its math namespace, ``f(x, ops=jnp)``, so the same code runs on JAX arrays,
duals and tape entries; the tape is built while :func:`jax.jit` traces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import jax.numpy as jnp

__all__ = ["RULES", "Dual", "Ops", "Var", "fit", "grad", "jvp", "ops", "tally", "vjp"]

Fn = Callable[..., Any]
Parts = list[tuple[Any, Any]]  # (parent, local partial) pairs
_SINK: Counter[str] = Counter()  # what is counted outside tally(), never read
_COUNTS: ContextVar[Counter[str]] = ContextVar("counts", default=_SINK)


@contextmanager
def tally() -> Iterator[Counter[str]]:
    """Count the scalar entries computed inside: "jvp" (values, tangents), "tape", "sweep".

    >>> with tally() as counts:
    ...     _ = grad(lambda x, ops: ops.sum(x * x))(jnp.ones(3))
    >>> print(dict(counts))
    {'tape': 7, 'sweep': 9}
    """
    token = _COUNTS.set(counts := Counter[str]())
    try:
        yield counts
    finally:
        _COUNTS.reset(token)


#: The elementary functions, name -> (function, derivative), both of the input.
#:
#: :meta hide-value:
RULES: dict[str, tuple[Fn, Fn]] = {
    "sin": (jnp.sin, jnp.cos),
    "cos": (jnp.cos, lambda x: -jnp.sin(x)),
    "exp": (jnp.exp, jnp.exp),
    "log": (jnp.log, lambda x: 1 / x),
    "tanh": (jnp.tanh, lambda x: 1 - jnp.tanh(x) ** 2),
}
_BINARY: dict[str, Fn] = {  # name: (a, b) -> (f(a, b), df/da, df/db)
    "add": lambda a, b: (a + b, 1.0, 1.0),
    "sub": lambda a, b: (a - b, 1.0, -1.0),
    "mul": lambda a, b: (a * b, b, a),
    "div": lambda a, b: (a / b, 1 / b, -a / b**2),
}


def fit(a: Any, shape: tuple[int, ...]) -> Any:
    """Broadcast ``a`` to ``shape``, summing over the axes ``shape`` lacks or has as 1.

    >>> print(fit(jnp.ones(3), ()), fit(2.0, (2,)))
    3.0 [2. 2.]
    """
    a = jnp.broadcast_to(a, jnp.broadcast_shapes(jnp.shape(a), shape))
    k = a.ndim - len(shape)
    ones = [k + i for i, s in enumerate(shape) if s == 1 and a.shape[k + i] != 1]
    axes = (*range(k), *ones)
    return jnp.sum(a, axis=axes).reshape(shape) if axes else a


def _operator(name: str) -> tuple[Fn, Fn]:
    def apply(a: Any, b: Any, node: _Node) -> Any:
        va, vb = (x.value if isinstance(x, _Node) else x for x in (a, b))
        value, da, db = _BINARY[name](va, vb)
        parts = [(x, d) for x, d in ((a, da), (b, db)) if isinstance(x, _Node)]
        return node._make(name, value, parts)

    return (lambda x, y: apply(x, y, x)), (lambda x, y: apply(y, x, x))


class _Node:
    """The operators :class:`Dual` and :class:`Var` share; ``**`` takes a constant power."""

    value: Any
    __add__, __radd__ = _operator("add")
    __sub__, __rsub__ = _operator("sub")
    __mul__, __rmul__ = _operator("mul")
    __truediv__, __rtruediv__ = _operator("div")

    _make: Callable[[str, Any, Parts], Any]  # a new node of the subclass's kind

    def __neg__(self) -> Any:
        return self._make("neg", -self.value, [(self, -1.0)])

    def __pow__(self, p: float) -> Any:
        return self._make(f"pow{p}", self.value**p, [(self, p * self.value ** (p - 1))])


class Dual(_Node):
    r"""A dual number :math:`a + b\varepsilon` with :math:`\varepsilon^2 = 0`: value and tangent."""

    def __init__(self, value: Any, tangent: Any) -> None:
        self.value, self.tangent = value, tangent
        _COUNTS.get()["jvp"] += 2 * int(jnp.size(value))

    def _make(self, _op: str, value: Any, partials: Parts) -> Dual:
        shape = jnp.shape(value)
        return Dual(value, sum(fit(p * x.tangent, shape) for x, p in partials))


class Var(_Node):
    """An entry of a tape: operation, value, and each parent with its local partial."""

    def __init__(self, op: str, value: Any, parents: Parts, tape: list[Var]) -> None:
        self.op, self.value, self.parents, self.tape = op, value, parents, tape
        tape.append(self)  # the order of creation is a topological order
        _COUNTS.get()["tape"] += int(jnp.size(value))

    def _make(self, op: str, value: Any, partials: Parts) -> Var:
        return Var(op, value, partials, self.tape)

    def __repr__(self) -> str:
        args = ", ".join(f"v{self.tape.index(p)}" for p, _ in self.parents)
        return f"v{self.tape.index(self)} = {self.op}({args})"


class Ops:
    """A math namespace, ``ops.sin(x)`` on arrays, duals or tape entries, from ``rules``."""

    def __init__(self, rules: dict[str, tuple[Fn, Fn]] = RULES) -> None:
        self.rules = rules

    def __getattr__(self, name: str) -> Fn:
        if name not in self.rules:
            raise AttributeError(name)
        fn, d = self.rules[name]

        def apply(x: Any) -> Any:
            if isinstance(x, _Node):
                return x._make(name, fn(x.value), [(x, d(x.value))])
            return fn(x)

        return apply

    def sum(self, x: Any) -> Any:
        if isinstance(x, _Node):
            return x._make("sum", jnp.sum(x.value), [(x, jnp.ones_like(x.value))])
        return jnp.sum(x)


#: The namespace with the right rules.
#:
#: :meta hide-value:
ops = Ops()


def jvp(f: Fn, x: Any, v: Any, ops: Ops = ops) -> Any:
    """Forward mode: :math:`J v` by one run of ``f(x, ops)`` on dual numbers.

    >>> f = lambda x, ops: ops.sum(ops.sin(x) * x)
    >>> print(f"{float(jvp(f, jnp.array([0.5, 1.0]), jnp.array([1.0, 0.0]))):.4f}")
    0.9182
    """
    out = f(Dual(x, jnp.asarray(v, jnp.result_type(x))), ops)
    return out.tangent if isinstance(out, Dual) else jnp.zeros_like(out)


def vjp(f: Fn, x: Any, u: Any, ops: Ops = ops) -> Any:
    r"""Reverse mode: :math:`J^\top u` by one run of ``f(x, ops)`` and one backward sweep.

    >>> f = lambda x, ops: ops.sin(x) * x  # x used twice
    >>> print([f"{g:.4f}" for g in vjp(f, jnp.array([0.0, 1.0]), jnp.array([1.0, 1.0]))])
    ['0.0000', '1.3818']
    """
    tape: list[Var] = []
    x_var = Var("input", jnp.asarray(x), [], tape)
    out = f(x_var, ops)
    adjoint = {id(out): jnp.asarray(u, jnp.result_type(x))}
    for node in reversed(tape):
        g = adjoint.get(id(node))
        for parent, p in node.parents if g is not None else ():
            contribution = fit(p * g, jnp.shape(parent.value))
            _COUNTS.get()["sweep"] += int(jnp.size(contribution))
            adjoint[id(parent)] = adjoint.get(id(parent), 0.0) + contribution
    return adjoint.get(id(x_var), jnp.zeros_like(x_var.value))


def grad(f: Fn, ops: Ops = ops) -> Fn:
    """The gradient of a scalar ``f(x, ops)``: :func:`vjp` with the adjoint 1.

    >>> print(grad(lambda x, ops: ops.sum(x * x) / 2)(jnp.array([1.0, -2.0])))
    [ 1. -2.]
    """
    return lambda x: vjp(f, x, 1.0, ops)
