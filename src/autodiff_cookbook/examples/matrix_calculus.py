r"""The code of the page *Matrix calculus, verified*: the catalogue's results as Markdown tables.

The page checks the whole :mod:`autodiff_cookbook.catalogue` at every build and
shows each topic as a table made by :func:`table`, one row per entry: for a right
formula, the function and its derivative, where it holds, its source, and how
closely the build's check matched; for a mistake, the wrong formula next to the
right one and the error by which the check caught it. Math is written
``$...$``, so the tables are MyST Markdown (in a notebook, wrap them in
``IPython.display.Markdown``).
"""

from __future__ import annotations

from .._types import Kind
from ..catalogue import Identity, Mistake, Report, Verification

__all__ = ["table"]

_SYMBOLS: dict[Kind, str] = {
    "gradient": r"\nabla f",
    "jacobian": r"J",
    "hessian": r"\nabla^2 f",
}

_IDENTITIES_HEADER = "| Identity | This build |\n|---|---|"
_MISTAKES_HEADER = "| Mistake | Right formula | This build |\n|---|---|---|"


def _formula(identity: Identity, derivative_latex: str) -> str:
    """The identity's function and a derivative of it, as two lines of math."""
    derivative = derivative_latex
    if r"\partial" not in derivative and r"\nabla" not in derivative:
        derivative = f"{_SYMBOLS[identity.kind]} = {derivative}"
    function = identity.function_latex
    # Inline fractions are set small; display style keeps them readable.
    function, derivative = (
        rf"\displaystyle {tex}" if r"\frac" in tex else tex
        for tex in (function, derivative)
    )
    return f"$f = {function}$ <br> ${derivative}$"


def _identity_row(v: Verification, e: Identity) -> str:
    r = v.result
    status = "passed" if v.as_expected else "**FAILED**"
    return (
        f"| `{e.id}` <br> {_formula(e, e.derivative_latex)} <br> "
        f"<small>Holds: {e.conditions}. Source: {e.source}.</small> "
        f"| {status} on {r.domain_name}, {r.trials} points <br> "
        f"<small>worst relative error</small> <br> "
        f"{r.max_rel_error:.1e} <small>vs autodiff</small> <br> "
        f"{r.fd.max_rel_error:.1e} <small>vs finite differences</small> |"
    )


def _mistake_row(v: Verification, m: Mistake) -> str:
    r, right = v.result, m.identity
    caught = "caught" if v.as_expected else "**NOT caught**"
    return (
        f"| `{m.id}` <br> {_formula(right, m.derivative_latex)} <br> "
        f"<small>Wrong: {m.why}.</small> "
        f"| `{right.id}` <br> {_formula(right, right.derivative_latex)} "
        f"| {caught} on {r.domain_name}, {r.trials} points <br> "
        f"{r.max_rel_error:.1e} <small>relative error vs autodiff</small> |"
    )


def table(report: Report, topic: str | None = None) -> str:
    r"""Return a Markdown table of checked catalogue entries, one row per entry.

    A right formula's row gives its id and source, the formula, where it holds,
    the domain, the number of points, and the worst relative errors against
    autodiff and against finite differences. A mistake's row gives the wrong and
    the right formula, what is wrong, the domain, and the relative error by which
    the check caught it.

    Args:
        report: the result of ``IDENTITIES.check()`` or ``MISTAKES.check()`` (or
            of a part of either).
        topic: only the entries of this topic; all of them when ``None``.

    Returns:
        The table, a string of MyST Markdown.

    Raises:
        ValueError: if the rows mix right formulas and mistakes, or no checked
            entry has that topic.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> from autodiff_cookbook.examples.matrix_calculus import table
        >>> lines = table(catalogue.IDENTITIES[:1].check()).splitlines()
        >>> print(lines[0])
        | Identity | This build |
        >>> print(lines[2].split(" <br> ")[:2])
        ['| `linear_form`', '$f = a^\\top x$']
        >>> print(table(catalogue.MISTAKES[:1].check()).splitlines()[0])
        | Mistake | Right formula | This build |
    """
    rows = report.select(topic) if topic is not None else report
    identities = [(v, v.entry) for v in rows if isinstance(v.entry, Identity)]
    mistakes = [(v, v.entry) for v in rows if isinstance(v.entry, Mistake)]
    if identities and mistakes:
        msg = (
            "A table shows either right formulas or mistakes: make one table per "
            "report (IDENTITIES.check(), MISTAKES.check())."
        )
        raise ValueError(msg)
    if mistakes:
        return "\n".join([_MISTAKES_HEADER, *(_mistake_row(v, m) for v, m in mistakes)])
    return "\n".join(
        [_IDENTITIES_HEADER, *(_identity_row(v, e) for v, e in identities)]
    )
