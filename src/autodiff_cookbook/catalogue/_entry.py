"""The entry type of the catalogue: one derivative formula, how to check it, and where it holds."""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Callable
from typing import Any, Literal

from ..checks import CheckResult, check_gradient, check_hessian, check_jacobian

__all__ = ["DEFAULT_TRIALS", "KINDS", "Identity", "Kind"]

Kind = Literal["gradient", "jacobian", "hessian"]

#: The kinds of derivative an entry can state, each with the checker that verifies it.
KINDS: tuple[Kind, ...] = ("gradient", "jacobian", "hessian")

_CHECKERS: dict[str, Callable[..., CheckResult]] = {
    "gradient": check_gradient,
    "jacobian": check_jacobian,
    "hessian": check_hessian,
}
_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

#: Points checked per entry unless an entry or a caller says otherwise.
DEFAULT_TRIALS = 16


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Identity:
    r"""One derivative formula of the catalogue, with everything needed to check it.

    The same type holds the right formulas (:data:`IDENTITIES`) and the common
    wrong ones (:data:`MISTAKES`): a mistake has :attr:`mistake` set, saying what
    is wrong, and :attr:`correct_id` naming the entry with the right formula.

    Layout: a gradient has the shape of the input, :math:`(\nabla f)_{ij} =
    \partial f / \partial X_{ij}`; a Jacobian has the output's shape followed by the
    input's, :math:`J_{i\ldots j\ldots} = \partial f_{i\ldots} / \partial x_{j\ldots}`
    (the layout of :func:`jax.jacfwd`); a Hessian has the input's shape twice.

    Attributes:
        id: stable snake_case name, unique in the catalogue.
        topic: the section of the page the entry belongs to.
        kind: ``"gradient"``, ``"jacobian"`` or ``"hessian"``.
        function: the function :math:`f`, taking one array (or one pytree of
            arrays, matching :attr:`domain`).
        derivative: the formula for the derivative of :attr:`function`, taking the
            same input.
        domain: a :mod:`~autodiff_cookbook.domains` domain (or a pytree of them)
            where the formula must hold: the points are drawn from it.
        function_latex: :math:`f` in LaTeX, without dollar signs.
        derivative_latex: the derivative in LaTeX, without dollar signs.
        conditions: where the formula holds, as text with inline ``$...$`` math.
        source: where the formula comes from, for example
            ``"Matrix Cookbook (2012) eq. (57)"`` or ``"standard result"``.
        mistake: for a wrong formula, what is wrong with it; ``None`` for a right one.
        correct_id: for a wrong formula, the :attr:`id` of the right one.
        float32: ``None`` when the entry is checked in float32 like the others;
            otherwise why float32 cannot check it (the tests then check it in
            float64 only, and say so).
        trials: how many points :meth:`check` draws by default.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> entry = catalogue.IDENTITIES["trace_exp"]
        >>> print(entry.kind, "|", entry.function_latex, "|", entry.derivative_latex)
        gradient | \operatorname{tr}\bigl(e^{X}\bigr) | e^{X^\top}
        >>> print(entry.check().ok)
        True
    """

    id: str
    topic: str
    kind: Literal["gradient", "jacobian", "hessian"]
    function: Callable[..., Any]
    derivative: Callable[..., Any]
    domain: Any
    function_latex: str
    derivative_latex: str
    conditions: str
    source: str
    mistake: str | None = None
    correct_id: str | None = None
    float32: str | None = None
    trials: int = DEFAULT_TRIALS

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            msg = (
                f"Identity id {self.id!r} is not snake_case: use lower-case words "
                "joined by underscores, such as 'trace_exp'."
            )
            raise ValueError(msg)
        if self.kind not in KINDS:
            msg = f"Identity {self.id!r} has kind {self.kind!r}; use one of {KINDS}."
            raise ValueError(msg)
        if (self.mistake is None) != (self.correct_id is None):
            msg = (
                f"Identity {self.id!r}: a wrong formula needs both `mistake` (what is "
                "wrong) and `correct_id` (the right entry); a right one needs neither."
            )
            raise ValueError(msg)
        for name in ("function_latex", "derivative_latex", "conditions"):
            if "|" in getattr(self, name):
                msg = (
                    f"Identity {self.id!r}: {name} contains '|', which breaks the "
                    r"tables of the page; write \lvert x \rvert or \lVert x \rVert."
                )
                raise ValueError(msg)
        if self.trials < 1:
            msg = f"Identity {self.id!r}: trials must be 1 or more, got {self.trials}."
            raise ValueError(msg)

    @property
    def is_mistake(self) -> bool:
        """Whether this entry is a wrong formula, kept to show that checking catches it."""
        return self.mistake is not None

    @property
    def key(self) -> int:
        """The default PRNG seed of :meth:`check`, derived from :attr:`id` so it never changes."""
        return zlib.crc32(self.id.encode())

    def check(self, *, optimize: bool = False, **options: Any) -> CheckResult:
        """Check :attr:`derivative` against autodiff and finite differences on :attr:`domain`.

        Calls :func:`~autodiff_cookbook.check_gradient`,
        :func:`~autodiff_cookbook.check_jacobian` or
        :func:`~autodiff_cookbook.check_hessian`, according to :attr:`kind`.

        Args:
            optimize: compile with XLA's optimisation passes (the checkers'
                ``optimize``). Off by default: a check compiles one small program
                and runs it once, so they would cost more time than they save.
            **options: keyword options of the checker (``trials``, ``key``,
                ``rtol``, ``atol``, ``dtype``, ...). ``trials`` defaults to
                :attr:`trials` and ``key`` to :attr:`key`.

        Returns:
            The checker's result: ``result.ok`` is true when the formula matches.

        Examples:
            >>> from autodiff_cookbook import catalogue
            >>> result = catalogue.MISTAKES["trace_exp_untransposed"].check()
            >>> print(result.ok, result.trials)
            False 16
            >>> print(result.verdict.split(":")[0])
            the formula is wrong
        """
        options = {"trials": self.trials, "key": self.key, **options}
        checker = _CHECKERS[self.kind]
        return checker(
            self.function, self.derivative, self.domain, optimize=optimize, **options
        )

    def __repr__(self) -> str:
        return f"Identity({self.id!r})"
