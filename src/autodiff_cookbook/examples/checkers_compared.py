r"""The rules of the page *Gradient checkers compared*, and the comparison itself.

:data:`RULES` is a catalogue of custom derivative rules written with
:class:`jax.custom_jvp` and :class:`jax.custom_vjp`: eleven deliberately wrong
ones, one per kind of mistake (a flipped sign, a transposed Jacobian, a missing
conjugate, half of the product rule, a forgotten factor, a rule right at first
order only, swapped pytree leaves, one wrong output component, a shortcut wrong
for large inputs, and two rules off by a small relative amount), and six right
ones. Each is a :class:`Rule`: a name, what is wrong in one phrase, the function,
the domain its inputs come from, and, where the input is a single real array, an
adapter to a scalar function of a real vector for ``scipy.optimize.check_grad``.

:func:`compare_checkers` runs four checkers on every rule, in float64, and times
each call (compilation included):

- ``check_custom_rule`` (this project, ``order=2``): the rules against the code
  they decorate, at 64 random inputs, finite differences as referee;
- ``check_autodiff`` (this project, ``order=2``): JAX's derivatives, rules
  included, against finite differences at 64 random inputs;
- ``check_grads``: :func:`jax.test_util.check_grads` with ``order=2`` at one
  random input (reverse mode only for a :class:`jax.custom_vjp`, which forward
  mode cannot differentiate, as in JAX's own tutorial);
- ``scipy check_grad``: ``scipy.optimize.check_grad`` at the same input, with
  :func:`jax.grad` of the rule as the gradient, caught when its returned error
  exceeds :data:`SCIPY_RTOL` times :math:`1 + \|\nabla\|`.

The result is a :class:`Table` of :class:`Row`\ s with :meth:`Table.to_markdown`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from typing import Literal

import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize  # type: ignore[import-untyped]
from jax import Array
from jax.test_util import check_grads

from .. import check_autodiff, check_custom_rule, domains
from .._types import DomainTree, PyTree

__all__ = [
    "CHECKERS",
    "RULES",
    "SCIPY_RTOL",
    "Counts",
    "Row",
    "Rule",
    "Table",
    "compare_checkers",
    "run_checker",
]

#: The checkers, in the order they run on each rule and appear in the table.
CHECKERS: tuple[str, ...] = (
    "check_custom_rule",
    "check_autodiff",
    "check_grads",
    "scipy check_grad",
)

#: ``scipy.optimize.check_grad`` returns :math:`\|g(x_0) - D(x_0)\|_2`, with
#: :math:`D` forward differences of step :math:`h = \sqrt{\varepsilon} \approx
#: 1.5 \times 10^{-8}` in float64. Their error is about
#: :math:`\tfrac{h}{2}|f''| + \varepsilon |f| / h`, of order :math:`10^{-8}` for
#: the functions here, whose values and derivatives are of order 1. A rule is
#: caught when the error exceeds ``SCIPY_RTOL * (1 + ||g(x_0)||)``: about 100
#: times that noise, so a right rule is not flagged, and as tight as the
#: differences allow.
SCIPY_RTOL = 1e-6

Kind = Literal["custom_jvp", "custom_vjp"]
Outcome = str  # "caught", "missed", "passed", "false alarm", "n/a" or "error: ..."


@dataclasses.dataclass(frozen=True)
class Rule:
    """One custom derivative rule of the catalogue.

    Attributes:
        name: a short name, unique in :data:`RULES`.
        what: what is wrong with the rule, in one phrase ("" for a right rule),
            or what the rule is for, when it is right.
        f: the function: a :class:`jax.custom_jvp` or :class:`jax.custom_vjp`
            function of one input (an array or a pytree).
        domain: where its inputs are drawn from.
        wrong: whether the rule is deliberately wrong.
        kind: ``"custom_jvp"`` or ``"custom_vjp"``.
        vector: for ``scipy.optimize.check_grad``, a scalar function of a
            flat real vector with the rule inside (``f`` at the vector reshaped,
            its outputs weighted by fixed random numbers and summed), or ``None``
            when the input is complex or not a single array.
    """

    name: str
    what: str
    f: Callable[[PyTree], PyTree]
    domain: DomainTree
    wrong: bool
    kind: Kind
    vector: Callable[[jax.Array], jax.Array] | None


def _weighted_sum(out: PyTree, seed: int = 0) -> Array:
    """Sum of each output leaf times fixed standard normal weights: a scalar."""
    rng = np.random.default_rng(seed)
    total = jnp.zeros((), dtype=jnp.result_type(*jax.tree.leaves(out)))
    for leaf in jax.tree.leaves(out):
        weights = rng.standard_normal(np.shape(leaf))
        total = total + jnp.sum(jnp.asarray(weights, leaf.dtype) * leaf)
    return total


def _vector_adapter(
    f: Callable[[Array], PyTree], shape: tuple[int, ...]
) -> Callable[[Array], Array]:
    def scalar_of_vector(v: Array) -> Array:
        return _weighted_sum(f(jnp.reshape(v, shape)))

    return scalar_of_vector


# --------------------------------------------------------------------------
# Wrong rules, one per kind of mistake.
# --------------------------------------------------------------------------


@jax.custom_jvp
def log1p_square(x: Array) -> Array:
    """log(1 + x^2); its rule has the sign flipped."""
    return jnp.log1p(x**2)


@log1p_square.defjvp
def _log1p_square_jvp(
    primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    return log1p_square(x), -2 * x / (1 + x**2) * t  # should be +2x / (1 + x^2)


@jax.custom_vjp
def matrix_square(x: Array) -> Array:
    """X @ X; its rule forgets the transposes."""
    return x @ x


def _matrix_square_fwd(x: Array) -> tuple[Array, Array]:
    return x @ x, x


def _matrix_square_bwd(x: Array, g: Array) -> tuple[Array]:
    return (g @ x + x @ g,)  # should be g @ x.T + x.T @ g


matrix_square.defvjp(_matrix_square_fwd, _matrix_square_bwd)


@jax.custom_vjp
def squared_modulus_unconjugated(z: Array) -> Array:
    """sum |z|^2 of complex z; its rule returns PyTorch's gradient, not JAX's."""
    return jnp.sum(jnp.real(z * jnp.conj(z)))


def _squared_modulus_fwd(z: Array) -> tuple[Array, Array]:
    return jnp.sum(jnp.real(z * jnp.conj(z))), z


def _squared_modulus_unconjugated_bwd(z: Array, g: Array) -> tuple[Array]:
    return (2 * g * z,)  # JAX's convention: 2 g conj(z)


squared_modulus_unconjugated.defvjp(
    _squared_modulus_fwd, _squared_modulus_unconjugated_bwd
)


@jax.custom_jvp
def x_sin_x(x: Array) -> Array:
    """x sin x; its rule keeps half of the product rule."""
    return x * jnp.sin(x)


@x_sin_x.defjvp
def _x_sin_x_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    return x_sin_x(x), x * jnp.cos(x) * t  # missing + sin(x) * t


@jax.custom_jvp
def exp_half(x: Array) -> Array:
    """exp(x / 2); its rule forgets the inner derivative 1/2."""
    return jnp.exp(x / 2)


@exp_half.defjvp
def _exp_half_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    y = exp_half(x)
    return y, y * t  # should be y * t / 2


@jax.custom_jvp
def sine(x: Array) -> Array:
    """sin x; its rule is right, but its own derivative is zero."""
    return jnp.sin(x)


@sine.defjvp
def _sine_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    # Right value, but stop_gradient hides cos's dependence on x from the second
    # derivative, which becomes 0 instead of -sin x.
    return sine(x), jnp.cos(jax.lax.stop_gradient(x)) * t


@jax.custom_vjp
def scaled_exp_swapped(p: dict[str, Array]) -> Array:
    """w * exp(b) for p = {"w": w, "b": b}; its rule swaps the two cotangents."""
    return p["w"] * jnp.exp(p["b"])


def _scaled_exp_fwd(p: dict[str, Array]) -> tuple[Array, tuple[Array, Array]]:
    e = jnp.exp(p["b"])
    return p["w"] * e, (p["w"], e)


def _scaled_exp_swapped_bwd(
    residuals: tuple[Array, Array], g: Array
) -> tuple[dict[str, Array]]:
    w, e = residuals
    return ({"w": g * w * e, "b": g * e},)  # the leaves' cotangents, swapped


scaled_exp_swapped.defvjp(_scaled_exp_fwd, _scaled_exp_swapped_bwd)


@jax.custom_vjp
def sin_and_square(x: Array) -> tuple[Array, Array]:
    """(sin x, x^2); its rule is wrong for the second output only."""
    return jnp.sin(x), x**2


def _sin_and_square_fwd(x: Array) -> tuple[tuple[Array, Array], Array]:
    return (jnp.sin(x), x**2), x


def _sin_and_square_bwd(x: Array, g: tuple[Array, Array]) -> tuple[Array]:
    g_sin, g_square = g
    return (jnp.cos(x) * g_sin + x * g_square,)  # should be 2 * x * g_square


sin_and_square.defvjp(_sin_and_square_fwd, _sin_and_square_bwd)


def _log1pexp_value(x: Array) -> Array:
    # log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}), which never overflows.
    return jnp.maximum(x, 0.0) + jnp.log1p(jnp.exp(-jnp.abs(x)))


@jax.custom_jvp
def log1pexp_shortcut(x: Array) -> Array:
    """log(1 + e^x); its rule takes the sigmoid to be 1 from x > 2 on."""
    return _log1pexp_value(x)


@log1pexp_shortcut.defjvp
def _log1pexp_shortcut_jvp(
    primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    slope = jnp.where(x > 2, 1.0, jax.nn.sigmoid(x))  # sigmoid(2) is 0.88, not 1
    return log1pexp_shortcut(x), slope * t


@jax.custom_jvp
def exp_slightly_off(x: Array) -> Array:
    """exp x; its rule is 0.1% too large."""
    return jnp.exp(x)


@exp_slightly_off.defjvp
def _exp_slightly_off_jvp(
    primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    y = exp_slightly_off(x)
    return y, (1 + 1e-3) * y * t


@jax.custom_jvp
def tanh_barely_off(x: Array) -> Array:
    """tanh x; its rule is 1e-6 (relative) too large."""
    return jnp.tanh(x)


@tanh_barely_off.defjvp
def _tanh_barely_off_jvp(
    primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    y = tanh_barely_off(x)
    return y, (1 + 1e-6) * (1 - y**2) * t


# --------------------------------------------------------------------------
# Right rules.
# --------------------------------------------------------------------------


@jax.custom_jvp
def log1pexp(x: Array) -> Array:
    """log(1 + e^x), stable, with the sigmoid as its derivative."""
    return _log1pexp_value(x)


@log1pexp.defjvp
def _log1pexp_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    return log1pexp(x), jax.nn.sigmoid(x) * t


@jax.custom_jvp
def safe_norm(x: Array) -> Array:
    """||x||, whose derivative at 0 is 0 rather than NaN."""
    return jnp.sqrt(jnp.sum(x**2))


@safe_norm.defjvp
def _safe_norm_jvp(
    primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    n = safe_norm(x)
    positive = n > 0
    return n, jnp.where(positive, jnp.sum(x * t) / jnp.where(positive, n, 1.0), 0.0)


@jax.custom_vjp
def inverse(x: Array) -> Array:
    """The matrix inverse, with the cotangent -X^{-T} G X^{-T}."""
    inv: Array = jnp.linalg.inv(x)
    return inv


def _inverse_fwd(x: Array) -> tuple[Array, Array]:
    y = jnp.linalg.inv(x)
    return y, y


def _inverse_bwd(y: Array, g: Array) -> tuple[Array]:
    return (-y.T @ g @ y.T,)


inverse.defvjp(_inverse_fwd, _inverse_bwd)


@jax.custom_vjp
def logsumexp(x: Array) -> Array:
    """log sum e^x, shifted by the maximum, with the softmax as its gradient."""
    m = jax.lax.stop_gradient(jnp.max(x))
    return m + jnp.log(jnp.sum(jnp.exp(x - m)))


def _logsumexp_fwd(x: Array) -> tuple[Array, Array]:
    return logsumexp(x), jax.nn.softmax(x)


def _logsumexp_bwd(s: Array, g: Array) -> tuple[Array]:
    return (g * s,)


logsumexp.defvjp(_logsumexp_fwd, _logsumexp_bwd)


@jax.custom_vjp
def scaled_exp(p: dict[str, Array]) -> Array:
    """w * exp(b) for p = {"w": w, "b": b}, each leaf with its own cotangent."""
    return p["w"] * jnp.exp(p["b"])


def _scaled_exp_bwd(
    residuals: tuple[Array, Array], g: Array
) -> tuple[dict[str, Array]]:
    w, e = residuals
    return ({"w": g * e, "b": g * w * e},)


scaled_exp.defvjp(_scaled_exp_fwd, _scaled_exp_bwd)


@jax.custom_vjp
def squared_modulus(z: Array) -> Array:
    """sum |z|^2 of complex z, with JAX's gradient 2 conj(z)."""
    return jnp.sum(jnp.real(z * jnp.conj(z)))


def _squared_modulus_bwd(z: Array, g: Array) -> tuple[Array]:
    return (2 * g * jnp.conj(z),)


squared_modulus.defvjp(_squared_modulus_fwd, _squared_modulus_bwd)


def _rule(
    name: str,
    what: str,
    f: Callable[[PyTree], PyTree],
    domain: DomainTree,
    *,
    wrong: bool,
    kind: Kind,
    vector: bool = True,
) -> Rule:
    adapter = None
    if vector and isinstance(domain, domains.Domain):
        adapter = _vector_adapter(f, domain.shape)
    return Rule(name, what, f, domain, wrong, kind, adapter)


_TREE = {"w": domains.real(4), "b": domains.real(4)}

#: Eleven wrong rules, then six right ones.
#:
#: :meta hide-value:
RULES: tuple[Rule, ...] = (
    _rule(
        "sign",
        "log(1 + x²): the sign of the derivative flipped",
        log1p_square,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "transpose",
        "X @ X: the cotangent G X + X G, transposes missing",
        matrix_square,
        domains.real((3, 3)),
        wrong=True,
        kind="custom_vjp",
    ),
    _rule(
        "conjugate",
        "Σ|z|²: the cotangent 2z, the conjugate missing",
        squared_modulus_unconjugated,
        domains.complex(3),
        wrong=True,
        kind="custom_vjp",
        vector=False,
    ),
    _rule(
        "missing term",
        "x sin x: x cos x, half of the product rule",
        x_sin_x,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "scale",
        "exp(x/2): the inner factor 1/2 forgotten",
        exp_half,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "second order",
        "sin x: cos(stop_gradient(x)), right to first order only",
        sine,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "swapped leaves",
        "w exp(b): the cotangents of w and b swapped",
        scaled_exp_swapped,
        _TREE,
        wrong=True,
        kind="custom_vjp",
    ),
    _rule(
        "one output",
        "(sin x, x²): x instead of 2x for the second output",
        sin_and_square,
        domains.real(4),
        wrong=True,
        kind="custom_vjp",
    ),
    _rule(
        "large inputs",
        "log(1 + eˣ): the sigmoid taken as 1 for x > 2",
        log1pexp_shortcut,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "0.1% off",
        "exp x: the derivative 1.001 eˣ",
        exp_slightly_off,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "1e-6 off",
        "tanh x: the derivative (1 + 10⁻⁶)(1 - tanh² x)",
        tanh_barely_off,
        domains.real(4),
        wrong=True,
        kind="custom_jvp",
    ),
    _rule(
        "log1pexp",
        "log(1 + eˣ), stable, derivative the sigmoid",
        log1pexp,
        domains.real(4),
        wrong=False,
        kind="custom_jvp",
    ),
    _rule(
        "safe norm",
        "‖x‖ with derivative 0 at x = 0",
        safe_norm,
        domains.real(4),
        wrong=False,
        kind="custom_jvp",
    ),
    _rule(
        "inverse",
        "X⁻¹ with the cotangent -X⁻ᵀ G X⁻ᵀ",
        inverse,
        domains.invertible(3),
        wrong=False,
        kind="custom_vjp",
    ),
    _rule(
        "logsumexp",
        "log Σ eˣ with the softmax as gradient",
        logsumexp,
        domains.real(4),
        wrong=False,
        kind="custom_vjp",
    ),
    _rule(
        "pytree",
        "w exp(b) with each leaf's own cotangent",
        scaled_exp,
        _TREE,
        wrong=False,
        kind="custom_vjp",
    ),
    _rule(
        "complex",
        "Σ|z|² with JAX's cotangent 2 conj(z)",
        squared_modulus,
        domains.complex(3),
        wrong=False,
        kind="custom_vjp",
        vector=False,
    ),
)


# --------------------------------------------------------------------------
# Running the checkers.
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Row:
    """One checker on one rule.

    Attributes:
        rule: the rule's name.
        wrong: whether the rule is wrong.
        checker: one of :data:`CHECKERS`.
        outcome: ``"caught"`` (a wrong rule flagged), ``"missed"`` (a wrong rule
            passed), ``"passed"`` (a right rule passed), ``"false alarm"`` (a right
            rule flagged), ``"n/a"`` (the checker does not apply) or
            ``"error: <exception>"`` (the checker raised).
        seconds: the wall-clock time of the whole call, tracing and compilation
            included (NaN when not applicable).
        detail: what the checker measured, in a few words.
        error: the discrepancy the checker measured, relative to the size of the
            derivative: the largest relative error of this project's checks, the
            error of scipy's ``check_grad`` divided by the gradient's norm; NaN
            for ``check_grads`` (which reports none) and when not run.
    """

    rule: str
    wrong: bool
    checker: str
    outcome: Outcome
    seconds: float
    detail: str
    error: float = math.nan

    @property
    def flagged(self) -> bool:
        """Whether the checker said the rule is wrong."""
        return self.outcome in ("caught", "false alarm")


@dataclasses.dataclass(frozen=True)
class Counts:
    """One checker's results over the catalogue."""

    checker: str
    caught: int
    missed: int
    false_alarms: int
    passed: int
    not_applicable: int
    errors: int
    seconds: float
    wrong: int
    right: int


def _fresh(f: Callable[[PyTree], PyTree]) -> Callable[[PyTree], PyTree]:
    """A new function calling ``f``, so that no checker reuses another's compilation."""

    def rule_under_check(x: PyTree) -> PyTree:
        return f(x)

    return rule_under_check


def _point(rule: Rule, key: int) -> PyTree:
    """The one input at which check_grads and scipy check the rule."""
    return domains.sample(rule.domain, key, jnp.float64)


def _judge(rule: Rule, flagged: bool) -> Outcome:
    if rule.wrong:
        return "caught" if flagged else "missed"
    return "false alarm" if flagged else "passed"


def _failed_modes(result: object) -> str:
    modes = getattr(result, "modes", ())
    failed = [f"{m.mode} order {m.order}" for m in modes if m.applicable and not m.ok]
    return f"; failed: {', '.join(failed)}" if failed else ""


def _ours(rule: Rule, checker: str, key: int) -> tuple[bool, str, float]:
    check = check_custom_rule if checker == "check_custom_rule" else check_autodiff
    result = check(_fresh(rule.f), rule.domain, order=2, key=key)
    error = float(result.max_rel_error)
    return not result.ok, f"max rel. error {error:.1e}{_failed_modes(result)}", error


def _check_grads(rule: Rule, key: int) -> tuple[bool, str, float]:
    modes = ["rev"] if rule.kind == "custom_vjp" else ["fwd", "rev"]
    try:
        check_grads(  # type: ignore[no-untyped-call]
            _fresh(rule.f), (_point(rule, key),), order=2, modes=modes
        )
    except AssertionError:
        return True, f"AssertionError (modes {', '.join(modes)})", math.nan
    return False, f"no error (modes {', '.join(modes)})", math.nan


def _scipy(rule: Rule, key: int) -> tuple[bool, str, float]:
    assert rule.vector is not None
    scalar = rule.vector
    gradient = jax.grad(scalar)

    def func(v: np.ndarray) -> float:
        return float(scalar(jnp.asarray(v)))

    def grad(v: np.ndarray) -> np.ndarray:
        return np.asarray(gradient(jnp.asarray(v)))

    x0 = np.ravel(np.asarray(_point(rule, key)))
    error = float(scipy.optimize.check_grad(func, grad, x0))
    norm = float(np.linalg.norm(grad(x0)))
    bound = SCIPY_RTOL * (1 + norm)
    return not error <= bound, f"error {error:.1e}, bound {bound:.1e}", error / norm


def run_checker(rule: Rule, checker: str, *, key: int = 0) -> Row:
    """Run one checker on one rule, in float64, and time the whole call.

    Args:
        rule: the rule.
        checker: one of :data:`CHECKERS`.
        key: the seed of the random inputs (64 trials for this project's
            checkers, one point for ``check_grads`` and scipy).

    Returns:
        The row: the outcome, the seconds (compilation included) and a detail.

    Raises:
        ValueError: if ``checker`` is not one of :data:`CHECKERS`.

    Examples:
        >>> from autodiff_cookbook.examples.checkers_compared import RULES, run_checker
        >>> sign = RULES[0]
        >>> row = run_checker(sign, "check_grads")
        >>> print(sign.name, row.outcome, row.detail)
        sign caught AssertionError (modes fwd, rev)
        >>> print(run_checker(RULES[2], "scipy check_grad").outcome)
        n/a
    """
    if checker not in CHECKERS:
        msg = f"checker must be one of {CHECKERS}, got {checker!r}."
        raise ValueError(msg)
    if checker == "scipy check_grad" and rule.vector is None:
        return Row(
            rule.name, rule.wrong, checker, "n/a", math.nan, "input not a real vector"
        )
    with jax.enable_x64(True):
        start = time.perf_counter()
        try:
            if checker == "check_grads":
                flagged, detail, error = _check_grads(rule, key)
            elif checker == "scipy check_grad":
                flagged, detail, error = _scipy(rule, key)
            else:
                flagged, detail, error = _ours(rule, checker, key)
        except Exception as err:  # noqa: BLE001 - recorded, not hidden
            seconds = time.perf_counter() - start
            first_line = (str(err).strip().splitlines() or [""])[0]
            outcome = f"error: {type(err).__name__}: {first_line}"
            return Row(rule.name, rule.wrong, checker, outcome, seconds, first_line)
        seconds = time.perf_counter() - start
    outcome = _judge(rule, flagged)
    return Row(rule.name, rule.wrong, checker, outcome, seconds, detail, error)


def _cell(row: Row) -> str:
    if row.outcome == "n/a":
        return "n/a"
    if row.outcome.startswith("error"):
        name = row.outcome.split(":")[1].strip()
        return f"error ({name}), {row.seconds:.2f} s"
    text = (
        f"**{row.outcome}**"
        if row.outcome in ("caught", "false alarm")
        else row.outcome
    )
    return f"{text}, {row.seconds:.2f} s"


@dataclasses.dataclass(frozen=True)
class Table:
    """Every checker on every rule: :class:`Row`\\ s, with summaries.

    Attributes:
        rules: the rules, in the order checked.
        rows: one row per rule and checker, rule by rule.
        checkers: the checkers, in the order run.
    """

    rules: tuple[Rule, ...]
    rows: tuple[Row, ...]
    checkers: tuple[str, ...] = CHECKERS

    def row(self, rule: str, checker: str) -> Row:
        """The row of one rule (by name) and one checker."""
        for r in self.rows:
            if r.rule == rule and r.checker == checker:
                return r
        msg = f"no row for rule {rule!r} and checker {checker!r}."
        raise KeyError(msg)

    def counts(self, checker: str) -> Counts:
        """How many wrong rules ``checker`` caught, missed, and so on."""
        rows = [r for r in self.rows if r.checker == checker]

        def count(outcome: str) -> int:
            return sum(r.outcome == outcome for r in rows)

        return Counts(
            checker=checker,
            caught=count("caught"),
            missed=count("missed"),
            false_alarms=count("false alarm"),
            passed=count("passed"),
            not_applicable=count("n/a"),
            errors=sum(r.outcome.startswith("error") for r in rows),
            seconds=sum(r.seconds for r in rows if not math.isnan(r.seconds)),
            wrong=sum(r.wrong for r in rows),
            right=sum(not r.wrong for r in rows),
        )

    def caught_by(self, rule: str) -> tuple[str, ...]:
        """The checkers that caught a wrong rule (by name)."""
        return tuple(c for c in self.checkers if self.row(rule, c).outcome == "caught")

    def to_markdown(self) -> str:
        """The table as Markdown: one line per rule, one column per checker."""
        head = ["rule", "what it does", *self.checkers]
        lines = [
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
        ]
        for rule in self.rules:
            cells = [
                f"{rule.name} ({'wrong' if rule.wrong else 'right'})",
                rule.what,
                *(_cell(self.row(rule.name, c)) for c in self.checkers),
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines)

    def counts_markdown(self) -> str:
        """Per checker: caught, missed, false alarms, not applicable, errors, total time."""
        lines = [
            (
                "| checker | wrong rules caught | missed | false alarms on right rules "
                "| n/a | errors | total time |"
            ),
            "|---|---|---|---|---|---|---|",
        ]
        for checker in self.checkers:
            c = self.counts(checker)
            lines.append(
                f"| {checker} | {c.caught} of {c.wrong} | {c.missed} | "
                f"{c.false_alarms} of {c.right} | {c.not_applicable} | {c.errors} | "
                f"{c.seconds:.1f} s |"
            )
        return "\n".join(lines)


def compare_checkers(
    rules: Sequence[Rule] = RULES,
    checkers: Sequence[str] = CHECKERS,
    *,
    key: int = 0,
) -> Table:
    """Run every checker on every rule; return the table of outcomes and times.

    The rules run in order, and on each rule the checkers run in the order of
    ``checkers``, each on a new function wrapping the rule (so none reuses
    another's compiled code) and each timed from call to answer with
    :func:`time.perf_counter`, tracing and compilation included: what a test
    suite pays to run it once.

    Args:
        rules: the rules to check, :data:`RULES` by default.
        checkers: which of :data:`CHECKERS` to run.
        key: the seed of the random inputs.

    Returns:
        The :class:`Table`.

    Examples:
        >>> from autodiff_cookbook.examples.checkers_compared import RULES, compare_checkers
        >>> few = [r for r in RULES if r.name in ("second order", "safe norm")]
        >>> table = compare_checkers(few, ["check_grads", "scipy check_grad"])
        >>> for row in table.rows:
        ...     print(f"{row.rule:<13} {row.checker:<17} {row.outcome}")
        second order  check_grads       caught
        second order  scipy check_grad  missed
        safe norm     check_grads       passed
        safe norm     scipy check_grad  passed
        >>> print(table.counts("scipy check_grad").missed)
        1
    """
    # Start the backend first, so that the first measurement does not pay for it.
    with jax.enable_x64(True):
        jax.jit(lambda x: x + 1)(jnp.zeros(())).block_until_ready()
    rows = tuple(
        run_checker(rule, checker, key=key) for rule in rules for checker in checkers
    )
    return Table(tuple(rules), rows, tuple(checkers))
