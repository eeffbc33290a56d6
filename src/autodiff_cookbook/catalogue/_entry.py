"""The two kinds of catalogue entry: a right formula (Identity) and a wrong one (Mistake)."""

from __future__ import annotations

import dataclasses
import re
import typing
import zlib
from collections.abc import Callable
from typing import ClassVar, Unpack

from .._checks import Plan, check_gradient, check_hessian, check_jacobian, plan
from .._result import CheckResult
from .._types import CheckOptions, DomainTree, Kind, PyTreeFunction

__all__ = ["DEFAULT_TRIALS", "KINDS", "Identity", "Mistake", "plan_entry"]

#: The kinds of derivative an entry can state, each with the checker that verifies it.
KINDS: tuple[Kind, ...] = typing.get_args(Kind)

_CHECKERS: dict[Kind, Callable[..., CheckResult]] = {
    "gradient": check_gradient,
    "jacobian": check_jacobian,
    "hessian": check_hessian,
}
_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

#: Points checked per entry unless an entry or a caller says otherwise.
DEFAULT_TRIALS = 16


def _validate(entry_id: str, **texts: str) -> None:
    """Raise if the id is not snake_case or a text would break the page's tables."""
    if not _ID.match(entry_id):
        msg = (
            f"Catalogue id {entry_id!r} is not snake_case: use lower-case words "
            "joined by underscores, such as 'trace_exp'."
        )
        raise ValueError(msg)
    for name, text in texts.items():
        if "|" in text:
            msg = (
                f"Catalogue entry {entry_id!r}: {name} contains '|', which breaks the "
                r"tables of the page; write \lvert x \rvert or \lVert x \rVert."
            )
            raise ValueError(msg)


def _check(
    kind: Kind,
    function: PyTreeFunction,
    derivative: PyTreeFunction,
    domain: DomainTree,
    *,
    trials: int,
    key: int,
    options: CheckOptions,
) -> CheckResult:
    """Run the checker of ``kind``, with the entry's trials and key unless overridden."""
    return _CHECKERS[kind](
        function, derivative, domain, **_merged(trials, key, options)
    )


def _merged(trials: int, key: int, options: CheckOptions) -> CheckOptions:
    """An entry's options: its trials and key, XLA's optimisations off, unless overridden."""
    return {"trials": trials, "key": key, "optimize": False, **options}


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Identity:
    r"""A right derivative formula of the catalogue, with everything needed to check it.

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
        trials: how many points :meth:`check` draws by default.

    Raises:
        ValueError: if :attr:`id` is not snake_case, :attr:`kind` is unknown, a
            LaTeX or conditions text contains ``|``, or :attr:`trials` is below 1.

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
    kind: Kind
    function: PyTreeFunction
    derivative: PyTreeFunction
    domain: DomainTree
    function_latex: str
    derivative_latex: str
    conditions: str
    source: str
    trials: int = DEFAULT_TRIALS

    def __post_init__(self) -> None:
        _validate(
            self.id,
            function_latex=self.function_latex,
            derivative_latex=self.derivative_latex,
            conditions=self.conditions,
        )
        if self.kind not in KINDS:
            msg = f"Identity {self.id!r} has kind {self.kind!r}; use one of {KINDS}."
            raise ValueError(msg)
        if self.trials < 1:
            msg = f"Identity {self.id!r}: trials must be 1 or more, got {self.trials}."
            raise ValueError(msg)

    @property
    def key(self) -> int:
        """The default PRNG seed of :meth:`check`, derived from :attr:`id` so it never changes."""
        return zlib.crc32(self.id.encode())

    def check(self, **options: Unpack[CheckOptions]) -> CheckResult:
        """Check :attr:`derivative` against autodiff and finite differences on :attr:`domain`.

        Calls :func:`~autodiff_cookbook.check_gradient`,
        :func:`~autodiff_cookbook.check_jacobian` or
        :func:`~autodiff_cookbook.check_hessian`, according to :attr:`kind`.

        Args:
            **options: keyword options of the checker (``trials``, ``key``,
                ``rtol``, ``atol``, ``dtype``, ``optimize``, ...). ``trials``
                defaults to :attr:`trials` and ``key`` to :attr:`key`.
                ``optimize`` (XLA's optimisation passes) stays off by default: a
                check compiles one small program and runs it once, so they would
                cost more time than they save.

        Returns:
            The checker's result: ``result.ok`` is true when the formula matches.
        """
        return _check(
            self.kind,
            self.function,
            self.derivative,
            self.domain,
            trials=self.trials,
            key=self.key,
            options=options,
        )

    def __repr__(self) -> str:
        return f"Identity({self.id!r})"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Mistake:
    r"""A common wrong formula for the derivative in an :class:`~autodiff_cookbook.catalogue.Identity`.

    A mistake says only what it gets wrong: the wrong formula and why it is
    wrong. Everything else (the function, its LaTeX, the kind of derivative, the
    domain, the number of points) is that of :attr:`identity`, the right entry.
    Checking a mistake must fail, while autodiff still agrees with finite
    differences: that is how the checks catch it.

    Attributes:
        id: stable snake_case name, unique in the catalogue.
        identity: the right entry, whose derivative the mistake gets wrong.
        derivative: the wrong formula, taking the input of the identity's function.
        derivative_latex: the wrong formula in LaTeX, without dollar signs.
        why: what is wrong with it, as text with inline ``$...$`` math.
        function: ``None`` (nearly always) to check the identity's function;
            otherwise the same function with other constants, where the mistake
            can be made: dropping the transpose of a non-square :math:`A` gives
            a formula of the wrong shape, and only a square :math:`A` makes it a
            plausible mistake. :attr:`checked_function` is the one checked.
        domain: ``None`` to draw the points from the identity's domain;
            otherwise the domain of :attr:`function`, or another domain to try
            the mistake on. :attr:`checked_domain` is the one used.

    Raises:
        ValueError: if :attr:`id` is not snake_case, or :attr:`derivative_latex`
            or :attr:`why` contains ``|``.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> mistake = catalogue.MISTAKES["trace_exp_untransposed"]
        >>> print(mistake.identity.id, "|", mistake.derivative_latex, "instead of",
        ...       mistake.identity.derivative_latex)
        trace_exp | e^{X} instead of e^{X^\top}
        >>> result = mistake.check()
        >>> print(result.ok, result.trials, result.verdict.split(":")[0])
        False 16 the formula is wrong
    """

    #: The section of the page that shows the mistakes.
    topic: ClassVar[str] = "Common mistakes"

    id: str
    identity: Identity
    derivative: PyTreeFunction
    derivative_latex: str
    why: str
    function: PyTreeFunction | None = None
    domain: DomainTree | None = None

    def __post_init__(self) -> None:
        _validate(self.id, derivative_latex=self.derivative_latex, why=self.why)

    @property
    def kind(self) -> Kind:
        """The kind of derivative, that of :attr:`identity`."""
        return self.identity.kind

    @property
    def checked_function(self) -> PyTreeFunction:
        """The function whose derivative is checked (:attr:`function`, or the identity's)."""
        return self.identity.function if self.function is None else self.function

    @property
    def checked_domain(self) -> DomainTree:
        """The domain the points are drawn from (:attr:`domain`, or the identity's)."""
        return self.identity.domain if self.domain is None else self.domain

    @property
    def key(self) -> int:
        """The default PRNG seed of :meth:`check`, derived from :attr:`id` so it never changes."""
        return zlib.crc32(self.id.encode())

    def check(self, **options: Unpack[CheckOptions]) -> CheckResult:
        """Check the wrong formula as :meth:`Identity.check` checks a right one.

        Args:
            **options: as for :meth:`Identity.check`; ``trials`` defaults to the
                identity's and ``key`` to :attr:`key`.

        Returns:
            The checker's result: ``result.ok`` is false when the check catches
            the mistake.
        """
        return _check(
            self.kind,
            self.checked_function,
            self.derivative,
            self.checked_domain,
            trials=self.identity.trials,
            key=self.key,
            options=options,
        )

    def __repr__(self) -> str:
        return f"Mistake({self.id!r})"


def plan_entry(entry: Identity | Mistake, options: CheckOptions) -> Plan:
    """What ``entry.check(**options)`` runs, planned but not run (for :meth:`Catalogue.check`)."""
    if isinstance(entry, Identity):
        function, domain, trials = entry.function, entry.domain, entry.trials
    else:
        function, domain = entry.checked_function, entry.checked_domain
        trials = entry.identity.trials
    options = _merged(trials, entry.key, options)
    return plan(entry.kind, function, entry.derivative, domain, **options)
