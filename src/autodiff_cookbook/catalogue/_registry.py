"""Collections of catalogue entries, and the report of checking them all."""

from __future__ import annotations

import dataclasses
import difflib
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, overload

from ..checks import CheckResult
from ._entry import Identity

__all__ = ["Catalogue", "Report", "Verification"]


class Catalogue(Sequence[Identity]):
    r"""An ordered, read-only collection of catalogue entries with unique ids.

    The entries are :class:`Identity` objects.

    Index it by position or by id; :meth:`check` verifies every entry.

    Args:
        entries: the entries, in the order the page shows them.

    Raises:
        ValueError: if two entries share an id.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> print(catalogue.IDENTITIES["quadratic_form"].derivative_latex)
        (A + A^\top)\, x
        >>> traces = catalogue.IDENTITIES.select(topic="Traces")
        >>> print(len(traces) >= 10, traces[0].id)
        True trace
    """

    def __init__(self, entries: Iterable[Identity]) -> None:
        self._entries = tuple(entries)
        self._by_id: dict[str, Identity] = {}
        for entry in self._entries:
            if entry.id in self._by_id:
                msg = f"Two catalogue entries have the id {entry.id!r}: give each a unique id."
                raise ValueError(msg)
            self._by_id[entry.id] = entry

    @overload
    def __getitem__(self, key: int | str) -> Identity: ...

    @overload
    def __getitem__(self, key: slice) -> Catalogue: ...

    def __getitem__(self, key: int | str | slice) -> Identity | Catalogue:
        if isinstance(key, str):
            try:
                return self._by_id[key]
            except KeyError:
                close = difflib.get_close_matches(key, self._by_id, n=3)
                hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
                msg = f"No catalogue entry has the id {key!r}.{hint} See `.ids` for all of them."
                raise KeyError(msg) from None
        if isinstance(key, slice):
            return Catalogue(self._entries[key])
        return self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Identity]:
        return iter(self._entries)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self._by_id
        return item in self._entries

    def __add__(self, other: Catalogue) -> Catalogue:
        return Catalogue((*self._entries, *other))

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the entries, in order."""
        return tuple(self._by_id)

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics of the entries, in the order they first appear."""
        return tuple(dict.fromkeys(entry.topic for entry in self._entries))

    def select(
        self,
        *,
        topic: str | None = None,
        kind: Literal["gradient", "jacobian", "hessian"] | None = None,
    ) -> Catalogue:
        """Return the entries of one topic and/or one kind, in order.

        Raises:
            ValueError: if no entry has that topic.
        """
        if topic is not None and topic not in self.topics:
            msg = f"No entry has the topic {topic!r}; the topics are {self.topics}."
            raise ValueError(msg)
        return Catalogue(
            entry
            for entry in self._entries
            if (topic is None or entry.topic == topic)
            and (kind is None or entry.kind == kind)
        )

    def check(self, *, optimize: bool = False, **options: Any) -> Report:
        """Check every entry with :meth:`Identity.check` and time each check.

        Args:
            optimize: compile the checks with XLA's optimisations. Off by default:
                each check compiles a small program and runs it once, so the
                optimisations would take most of the time and save nothing.
            **options: passed to every :meth:`Identity.check`, such as ``dtype``
                or ``trials``.

        Returns:
            A :class:`Report` of every result.
        """
        verifications = []
        for entry in self._entries:
            start = time.perf_counter()
            result = entry.check(optimize=optimize, **options)
            elapsed = time.perf_counter() - start
            verifications.append(Verification(entry, result, elapsed))
        return Report(verifications)

    def __repr__(self) -> str:
        entries = _count(len(self), "entry", "entries")
        return f"Catalogue({entries} in {_count(len(self.topics), 'topic', 'topics')})"


@dataclasses.dataclass(frozen=True)
class Verification:
    """One entry of the catalogue together with the result of checking it.

    Attributes:
        entry (autodiff_cookbook.catalogue.Identity): the entry that was checked.
        result (autodiff_cookbook.CheckResult): the checker's result.
        seconds (float): how long the check took, compilation included.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> report = catalogue.IDENTITIES.select(topic="Traces")[:1].check()
        >>> print(report[0].entry.id, report[0].as_expected)
        trace True
    """

    entry: Identity
    result: CheckResult
    seconds: float

    @property
    def as_expected(self) -> bool:
        """Whether the check came out as it should.

        A right formula must match autodiff, and autodiff must match finite
        differences. A wrong formula must be caught: it must differ from autodiff
        while autodiff still matches finite differences, so that the formula, not
        the function, is what is wrong.
        """
        if self.entry.is_mistake:
            return not self.result.ok and bool(self.result.fd_ok)
        return bool(self.result.ok) and bool(self.result.fd_ok)


_SYMBOLS = {"gradient": r"\nabla f", "jacobian": r"J", "hessian": r"\nabla^2 f"}

_IDENTITIES_HEADER = "| Identity | This build |\n|---|---|"
_MISTAKES_HEADER = "| Mistake | Right formula | This build |\n|---|---|---|"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _formula(entry: Identity) -> str:
    """The function and its derivative, as two lines of math."""
    derivative = entry.derivative_latex
    if r"\partial" not in derivative and r"\nabla" not in derivative:
        derivative = f"{_SYMBOLS[entry.kind]} = {derivative}"
    function = entry.function_latex
    # Inline fractions are set small; display style keeps them readable.
    function, derivative = (
        rf"\displaystyle {tex}" if r"\frac" in tex else tex
        for tex in (function, derivative)
    )
    return f"$f = {function}$ <br> ${derivative}$"


def _identity_row(v: Verification) -> str:
    e, r = v.entry, v.result
    status = "passed" if v.as_expected else "**FAILED**"
    return (
        f"| `{e.id}` <br> {_formula(e)} <br> "
        f"<small>Holds: {e.conditions}. Source: {e.source}.</small> "
        f"| {status} on {r.domain_name}, {r.trials} points <br> "
        f"<small>worst relative error</small> <br> "
        f"{r.max_rel_error:.1e} <small>vs autodiff</small> <br> "
        f"{r.fd_max_rel_error:.1e} <small>vs finite differences</small> |"
    )


def _mistake_row(v: Verification) -> str:
    from . import IDENTITIES

    e, r = v.entry, v.result
    right = _formula(IDENTITIES[e.correct_id]) if e.correct_id else ""
    caught = "caught" if v.as_expected else "**NOT caught**"
    return (
        f"| `{e.id}` <br> {_formula(e)} <br> <small>Wrong: {e.mistake}.</small> "
        f"| `{e.correct_id}` <br> {right} "
        f"| {caught} on {r.domain_name}, {r.trials} points <br> "
        f"{r.max_rel_error:.1e} <small>relative error vs autodiff</small> |"
    )


class Report(Sequence[Verification]):
    """The results of checking a catalogue, with a summary and Markdown tables.

    :meth:`Catalogue.check` returns it.

    Args:
        verifications: the checked entries.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> report = catalogue.IDENTITIES[:3].check()
        >>> print(report)
        3 identities checked at 48 points: all pass
        >>> print(report.ok, report["linear_form"].result.ok)
        True True
        >>> print(report.table().splitlines()[0])
        | Identity | This build |
    """

    def __init__(self, verifications: Iterable[Verification]) -> None:
        self._verifications = tuple(verifications)

    @overload
    def __getitem__(self, key: int | str) -> Verification: ...

    @overload
    def __getitem__(self, key: slice) -> Report: ...

    def __getitem__(self, key: int | str | slice) -> Verification | Report:
        if isinstance(key, str):
            for v in self._verifications:
                if v.entry.id == key:
                    return v
            msg = f"No checked entry has the id {key!r}; check it first, or fix the id."
            raise KeyError(msg)
        if isinstance(key, slice):
            return Report(self._verifications[key])
        return self._verifications[key]

    def __len__(self) -> int:
        return len(self._verifications)

    def __iter__(self) -> Iterator[Verification]:
        return iter(self._verifications)

    @property
    def ok(self) -> bool:
        """Whether every entry came out as expected.

        Right formulas must pass, and wrong ones must be caught.
        """
        return all(v.as_expected for v in self._verifications)

    @property
    def failures(self) -> tuple[Verification, ...]:
        """The entries that did not come out as expected."""
        return tuple(v for v in self._verifications if not v.as_expected)

    @property
    def points(self) -> int:
        """How many points were checked, over all entries."""
        return sum(v.result.trials for v in self._verifications)

    @property
    def seconds(self) -> float:
        """The total time of the checks, in seconds."""
        return sum(v.seconds for v in self._verifications)

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics of the checked entries, in order."""
        return tuple(dict.fromkeys(v.entry.topic for v in self._verifications))

    def select(self, topic: str) -> Report:
        """Return the results of one topic.

        Raises:
            ValueError: if no checked entry has that topic.
        """
        if topic not in self.topics:
            msg = f"No checked entry has the topic {topic!r}; the topics are {self.topics}."
            raise ValueError(msg)
        return Report(v for v in self._verifications if v.entry.topic == topic)

    def table(self, topic: str | None = None) -> str:
        """Return a Markdown table of the results, one row per entry.

        A right formula's row gives its id and source, the formula, where it
        holds, the domain, the number of points, and the worst relative errors
        against autodiff and against finite differences. A wrong formula's row
        gives the wrong and the right formula, what is wrong, the domain, and the
        relative error by which the check caught it. Math is written ``$...$``,
        so render the table as MyST Markdown.

        Args:
            topic: only the entries of this topic; all of them when ``None``.

        Returns:
            The table, a string.

        Raises:
            ValueError: if the rows mix right and wrong formulas.
        """
        rows = self.select(topic) if topic is not None else self
        kinds = {v.entry.is_mistake for v in rows}
        if len(kinds) > 1:
            msg = (
                "A table shows either right formulas or mistakes: make one Report per "
                "catalogue (IDENTITIES.check(), MISTAKES.check())."
            )
            raise ValueError(msg)
        if kinds == {True}:
            return "\n".join([_MISTAKES_HEADER, *(_mistake_row(v) for v in rows)])
        return "\n".join([_IDENTITIES_HEADER, *(_identity_row(v) for v in rows)])

    def raise_if_failed(self) -> None:
        """Raise if any entry did not come out as expected.

        Raises:
            AssertionError: naming every such entry and the checker's verdict.
        """
        if self.ok:
            return
        lines = []
        for v in self.failures:
            what = "was not caught" if v.entry.is_mistake else "failed"
            lines.append(f"  {v.entry.id} {what}: {v.result.verdict}")
        msg = (
            f"{len(lines)} catalogue entr{'y' if len(lines) == 1 else 'ies'} did not "
            "come out as expected:\n" + "\n".join(lines) + "\nRe-check each one with "
            "`catalogue.IDENTITIES[id].check()` (or MISTAKES) and print the result."
        )
        raise AssertionError(msg)

    def __str__(self) -> str:
        mistakes = sum(v.entry.is_mistake for v in self)
        identities = len(self) - mistakes
        bad = len(self.failures)
        if mistakes == 0:
            what = _count(identities, "identity", "identities")
            state = f"{bad} FAILED" if bad else "all pass"
        elif identities == 0:
            what = _count(mistakes, "mistake", "mistakes")
            state = f"{bad} NOT caught" if bad else "all caught"
        else:
            what = (
                f"{_count(identities, 'identity', 'identities')} and "
                f"{_count(mistakes, 'mistake', 'mistakes')}"
            )
            state = f"{bad} NOT as expected" if bad else "all as expected"
        return f"{what} checked at {self.points} points: {state}"

    def __repr__(self) -> str:
        return f"Report({self})"
