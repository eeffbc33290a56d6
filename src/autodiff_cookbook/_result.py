"""The result of a check: what was compared, how far apart, and a verdict."""

from __future__ import annotations

import dataclasses
import html

from ._types import Float64Array, Kind, PyTree

__all__ = ["CheckResult", "FiniteDifferenceReport", "LeafReport", "ModeReport"]


@dataclasses.dataclass(frozen=True, eq=False, slots=True)
class FiniteDifferenceReport:
    """The finite-difference cross-check of a check, :attr:`CheckResult.fd`.

    Autodiff and the formula are compared with central differences of ``f``
    along random unit directions (second differences for Hessians); the
    differences' own error, estimated from how they change as the step doubles,
    is allowed on top of the floor :attr:`rtol`.

    Attributes:
        directions: the number of random directions per trial (0: not run).
        rtol: the floor of the cross-check's tolerance.
        ok: whether autodiff matches finite differences at every trial (``True``
            when not run).
        formula_ok: the same for the formula.
        max_rel_error: the largest relative error of autodiff against finite
            differences (NaN when not run).
        rel_errors: its per-trial maxima over the directions, a NumPy array.
        formula_max_rel_error: the largest relative error of the formula against
            finite differences.
        max_spread: the largest change of the finite differences when their step
            doubles, relative to the derivative: their own error estimate. Above
            0.1, f is deemed not smooth at the scale of the step.
        nonfinite: the number of trials where the differences were NaN or inf.
        note: what went wrong, as a phrase, when :attr:`ok` is ``False``; else ``""``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_gradient, domains
        >>> r = check_gradient(jnp.sum, jnp.ones_like, domains.real(3), trials=4)
        >>> print(r.fd.directions, r.fd.ok, r.fd.max_rel_error < r.fd.rtol)
        3 True True
    """

    directions: int
    rtol: float
    ok: bool
    formula_ok: bool
    max_rel_error: float
    rel_errors: Float64Array = dataclasses.field(repr=False)
    formula_max_rel_error: float
    max_spread: float
    nonfinite: int
    note: str

    @property
    def run(self) -> bool:
        """Whether the cross-check ran (:attr:`directions` > 0)."""
        return self.directions > 0

    def summary(self) -> str:
        """One line, as :class:`CheckResult` shows it."""
        if not self.run:
            return "not run"
        return (
            f"max relative error {self.max_rel_error:.2e} (tolerance {self.rtol:.1e}, "
            f"{self.directions} direction{'s' if self.directions != 1 else ''} per trial)"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class LeafReport:
    """One input leaf's row of a check, :attr:`CheckResult.leaves`.

    Attributes:
        path: where the leaf sits in the input, as :func:`jax.tree_util.keystr`
            writes it (``"['W']"``); ``""`` for an input that is a single array.
        max_rel_error: the largest relative error, over the trials, of this
            leaf's part of the derivative (the formula's, or the rule's, against
            the reference); NaN when the check has no per-leaf comparison.
        max_abs_error: the largest absolute error of that part (a norm).
        autodiff_zero: whether autodiff's derivative with respect to this leaf
            is exactly zero at every trial: the output does not depend on it.
            Is the leaf used?

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_gradient, domains
        >>> def loss(p):
        ...     return jnp.sum(p["w"] ** 2)
        >>> r = check_gradient(
        ...     loss, lambda p: {"w": 2 * p["w"], "b": 0 * p["b"]},
        ...     {"w": domains.real(3), "b": domains.real(2)}, trials=4,
        ... )
        >>> for leaf in r.leaves:
        ...     print(leaf.path, leaf.autodiff_zero, f"{leaf.max_rel_error:.1f}")
        ['b'] True 0.0
        ['w'] False 0.0
    """

    path: str
    max_rel_error: float
    max_abs_error: float
    autodiff_zero: bool


@dataclasses.dataclass(frozen=True, slots=True)
class ModeReport:
    """One mode and order of :func:`check_autodiff` or :func:`check_custom_rule`.

    Attributes:
        mode: ``"fwd"`` (forward mode, :func:`jax.jvp`) or ``"rev"`` (reverse
            mode, :func:`jax.vjp`).
        order: 1 for first derivatives, 2 for the derivatives of those.
        applicable: whether JAX can differentiate ``f`` this way (forward mode
            cannot go through a :func:`jax.custom_vjp` function).
        ok: whether every comparison of this mode passed (``True`` when not
            applicable: nothing failed).
        max_rel_error: the largest relative error of this mode's comparisons
            (NaN when not applicable).
        rtol: the tolerance of that error: ``rtol`` for a comparison that agrees
            to rounding when right, the finite differences' tolerance otherwise.
        note: what was compared, or why the mode does not apply.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_autodiff, domains
        >>> r = check_autodiff(jnp.tanh, domains.real(3), trials=8)
        >>> for m in r.modes:
        ...     print(m.mode, m.order, m.applicable, m.ok)
        fwd 1 True True
        rev 1 True True
    """

    mode: str
    order: int
    applicable: bool
    ok: bool
    max_rel_error: float
    rtol: float
    note: str

    def summary(self) -> str:
        """One line, as :class:`CheckResult` shows it."""
        if not self.applicable:
            return f"not applicable: {self.note}"
        status = "passed" if self.ok else "FAILED"
        return (
            f"{status}, max relative error {self.max_rel_error:.2e} (tolerance "
            f"{self.rtol:.1e}): {self.note}"
        )


@dataclasses.dataclass(frozen=True, eq=False, slots=True)
class CheckResult:
    """The outcome of a check: :func:`check_gradient`, :func:`check_autodiff`, ...

    Its truth value is :attr:`ok`, so ``assert check_gradient(...)`` works (but
    :func:`assert_gradient` gives a better message). ``str(result)`` is a short
    report; in a notebook the result displays as a small coloured table.

    Attributes:
        ok: whether the formula matches autodiff at every trial, autodiff matches
            finite differences, and every value is finite.
        kind: ``"gradient"``, ``"jacobian"``, ``"hessian"``, ``"jvp"``,
            ``"vjp"``, ``"hvp"``, ``"autodiff"`` or ``"custom_rule"``.
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
        fd: the finite-difference cross-check, a :class:`FiniteDifferenceReport`.
        nonfinite: for each of ``"f"``, ``"formula"``, ``"autodiff"`` and
            ``"finite differences"``, the number of trials where it gave NaN or
            inf. For :func:`check_custom_rule`, ``"without rules"`` counts the
            trials where the code without the rules had a NaN or inf
            derivative: those are judged by finite differences alone, and do
            not fail the check by themselves.
        verdict: one sentence saying what the check found.
        leaves: one :class:`LeafReport` per input leaf, in JAX's leaf order.
        modes: for :func:`check_autodiff` and :func:`check_custom_rule`, one
            :class:`ModeReport` per mode and order; empty for the other checks.
        rules: for :func:`check_custom_rule`, the custom rules it checked,
            e.g. ``("softplus (custom_jvp)",)``.

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
    kind: Kind
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
    rel_errors: Float64Array = dataclasses.field(repr=False)
    abs_errors: Float64Array = dataclasses.field(repr=False)
    worst_trial: int
    worst_index: tuple[int, ...] | tuple[str, tuple[int, ...]]
    worst_formula_value: float | complex
    worst_autodiff_value: float | complex
    worst_input: PyTree = dataclasses.field(repr=False)
    fd: FiniteDifferenceReport
    nonfinite: dict[str, int]
    verdict: str
    leaves: tuple[LeafReport, ...] = ()
    modes: tuple[ModeReport, ...] = ()
    rules: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok

    @property
    def worst_component(self) -> str:
        """The worst component as text, e.g. ``"(0, 1)"`` or ``"['W'] (0, 1)"``."""
        idx = self.worst_index
        if len(idx) == 2 and isinstance(idx[0], str):
            path, index = idx
            return f"{path} {index}" if index else path
        return str(idx)

    def _lines(self) -> list[tuple[str, str]]:
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
            ("finite differences", self.fd.summary()),
            *((f"{m.mode} mode, order {m.order}", m.summary()) for m in self.modes),
            *((("custom rules", ", ".join(self.rules)),) if self.rules else ()),
            *(
                (f"leaf {leaf.path}", _leaf_line(leaf))
                for leaf in self.leaves
                if len(self.leaves) > 1
            ),
        ]

    def __str__(self) -> str:
        status = "passed" if self.ok else "FAILED"
        width = max(len(k) for k, _ in self._lines())
        body = "\n".join(f"  {k:<{width}}  {v}" for k, v in self._lines())
        return f"{self.kind} check {status}\n{body}"

    def _repr_html_(self) -> str:
        # Each colour is a CSS variable with an inline fallback: the fallbacks are
        # readable on a light page (a notebook; JupyterLab's own variable gives the
        # muted text in its dark theme too), and a page's stylesheet sets the
        # variables to its own colours (the docs site does, for its light and dark
        # modes, in docs/_static/custom.css).
        status, mark = ("passed", "&#10004;") if self.ok else ("failed", "&#10008;")
        accent, accent_bg = _HTML_COLOURS[status]
        accent = f"var(--autodiff-check-accent, {accent})"
        accent_bg = f"var(--autodiff-check-accent-bg, {accent_bg})"
        muted = "var(--autodiff-check-muted, var(--jp-content-font-color2, #57606a))"
        rows = "".join(
            f'<tr><th style="text-align:left;padding:2px 8px;font-weight:normal;'
            f'color:{muted}">{html.escape(k.strip())}</th>'
            f'<td style="text-align:left;padding:2px 8px">{html.escape(v)}</td></tr>'
            for k, v in self._lines()
        )
        return (
            f'<table class="autodiff-check autodiff-check-{status}" '
            f'style="border-collapse:collapse;border:1px solid {accent};margin:4px 0">'
            f'<thead><tr><th colspan="2" style="text-align:left;padding:4px 8px;'
            f'background:{accent_bg};color:{accent}">{mark} {self.kind} check '
            f"{status}</th></tr></thead><tbody>{rows}</tbody></table>"
        )


def _leaf_line(leaf: LeafReport) -> str:
    zero = (
        ", autodiff's derivative is zero at every trial" if leaf.autodiff_zero else ""
    )
    return f"max relative error {leaf.max_rel_error:.2e}{zero}"


# The fallback colours of CheckResult's HTML table (text, background of its
# header), with a WCAG contrast above 4.5 between them.
_HTML_COLOURS = {"passed": ("#1a7f37", "#dafbe1"), "failed": ("#cf222e", "#ffebe9")}
