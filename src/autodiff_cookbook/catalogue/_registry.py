"""Collections of catalogue entries, and the report of checking them all."""

from __future__ import annotations

import dataclasses
import difflib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar, Unpack, overload

from .._checks import Plan, run_plans
from .._result import CheckResult
from .._types import CheckOptions, Kind
from ._entry import Identity, Mistake, plan_entry

__all__ = ["Catalogue", "Report", "Verification"]

_T = TypeVar("_T")

#: The entry type of a catalogue: Identity, Mistake, or either.
E_co = TypeVar("E_co", bound="Identity | Mistake", covariant=True)


def _split(items: list[_T], size: int, workers: int) -> list[list[_T]]:
    """Cut ``items`` into contiguous groups of at most ``size``, at least one per worker.

    The groups are as equal as they can be: 115 items in groups of 8 make 15
    groups of 7 or 8, not 14 of 8 and one of 3.
    """
    count = max(-(-len(items) // size), min(workers, len(items)))
    base, extra = divmod(len(items), count) if count else (0, 0)
    groups, start = [], 0
    for i in range(count):
        end = start + base + (i < extra)
        groups.append(items[start:end])
        start = end
    return groups


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class Catalogue(Sequence[E_co], Generic[E_co]):
    r"""An ordered, read-only collection of catalogue entries with unique ids.

    The entries are :class:`Identity` objects (:data:`IDENTITIES`),
    :class:`Mistake` objects (:data:`MISTAKES`), or both (``IDENTITIES + MISTAKES``).
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

    def __init__(self, entries: Iterable[E_co]) -> None:
        self._entries = tuple(entries)
        self._by_id: dict[str, E_co] = {}
        for entry in self._entries:
            if entry.id in self._by_id:
                msg = f"Two catalogue entries have the id {entry.id!r}: give each a unique id."
                raise ValueError(msg)
            self._by_id[entry.id] = entry

    @overload
    def __getitem__(self, key: int | str) -> E_co: ...

    @overload
    def __getitem__(self, key: slice) -> Catalogue[E_co]: ...

    def __getitem__(self, key: int | str | slice) -> E_co | Catalogue[E_co]:
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

    def __iter__(self) -> Iterator[E_co]:
        return iter(self._entries)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self._by_id
        return item in self._entries

    def __add__(
        self, other: Catalogue[Identity | Mistake]
    ) -> Catalogue[Identity | Mistake]:
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
        self, *, topic: str | None = None, kind: Kind | None = None
    ) -> Catalogue[E_co]:
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

    def check(
        self,
        *,
        workers: int | None = None,
        per_program: int = 8,
        **options: Unpack[CheckOptions],
    ) -> Report:
        """Check every entry as its ``check`` method does, and time the checks.

        Args:
            workers: how many programs are compiled and run at once, each in a
                thread of its own. By default, as many as there are CPUs, at
                most 4: a check is mostly compilation, which XLA runs outside
                Python's global lock. ``workers=1`` runs one after the other.
            per_program: how many entries are compiled into one program (fewer
                when that leaves a worker idle). Each program has a fixed cost
                of tracing, lowering and compiling, so sharing one saves time:
                ``python benchmarks/bench_catalogue.py`` measures how much.
                With ``per_program=1`` each entry's :attr:`Verification.seconds`
                is its own; with more, an entry's seconds are its program's,
                shared out evenly between its entries.
            **options: passed to every :meth:`Identity.check` or
                :meth:`Mistake.check`, such as ``dtype``, ``trials`` or
                ``optimize`` (XLA's optimisations, off by default: each check
                compiles a small program and runs it once, so the optimisations
                would take most of the time and save nothing).

        The results do not depend on ``workers`` or ``per_program``: each entry
        draws its own points and is compared on its own.

        Returns:
            A :class:`Report` of every result, in the catalogue's order.

        Raises:
            ValueError: if ``workers`` or ``per_program`` is not a positive integer.
        """
        count: object = min(4, os.cpu_count() or 1) if workers is None else workers
        for option, value in (("workers", count), ("per_program", per_program)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                shown = workers if option == "workers" else per_program
                default = ", or None for the default" if option == "workers" else ""
                msg = f"{option} must be a positive integer{default}; got {shown!r}."
                raise ValueError(msg)
        assert isinstance(count, int)  # for mypy: validated above

        start = time.perf_counter()
        planned = []
        for entry in self._entries:
            begin = time.perf_counter()
            planned.append(
                (entry, plan_entry(entry, options), time.perf_counter() - begin)
            )
        groups = _split(planned, per_program, count)

        def verify(
            group: Sequence[tuple[Identity | Mistake, Plan, float]],
        ) -> list[Verification]:
            begin = time.perf_counter()
            results = run_plans([p for _, p, _ in group])
            share = (time.perf_counter() - begin) / len(group)
            return [
                Verification(entry, result, planning + share)
                for (entry, _, planning), result in zip(group, results, strict=True)
            ]

        if count == 1 or len(groups) < 2:
            done = [verify(group) for group in groups]
        else:
            with ThreadPoolExecutor(count, thread_name_prefix="catalogue") as pool:
                done = list(pool.map(verify, groups))
        verifications = [v for group in done for v in group]
        return Report(verifications, elapsed=time.perf_counter() - start)

    def __repr__(self) -> str:
        entries = _count(len(self), "entry", "entries")
        return f"Catalogue({entries} in {_count(len(self.topics), 'topic', 'topics')})"


@dataclasses.dataclass(frozen=True)
class Verification:
    """One entry of the catalogue together with the result of checking it.

    Attributes:
        entry: the entry that was checked, an :class:`Identity` or a :class:`Mistake`.
        result: the checker's result.
        seconds: how long the check took, compilation included.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> report = catalogue.IDENTITIES.select(topic="Traces")[:1].check()
        >>> print(report[0].entry.id, report[0].as_expected)
        trace True
    """

    entry: Identity | Mistake
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
        if isinstance(self.entry, Mistake):
            return not self.result.ok and bool(self.result.fd.ok)
        return bool(self.result.ok) and bool(self.result.fd.ok)


class Report(Sequence[Verification]):
    """The results of checking a catalogue, with a one-line summary as its ``str``.

    :meth:`Catalogue.check` returns it.

    Args:
        verifications: the checked entries.
        elapsed: the wall-clock seconds of the check that made the report, if known.

    Examples:
        >>> from autodiff_cookbook import catalogue
        >>> report = catalogue.IDENTITIES[:3].check()
        >>> print(report)
        3 identities checked at 48 points: all pass
        >>> print(report.ok, report["linear_form"].result.ok)
        True True
    """

    def __init__(
        self, verifications: Iterable[Verification], *, elapsed: float | None = None
    ) -> None:
        self._verifications = tuple(verifications)
        self._elapsed = elapsed

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
        """The time of the checks added up, in seconds.

        Entries checked at once (``workers`` of :meth:`Catalogue.check`) overlap,
        so this can exceed :attr:`elapsed`, the time the whole check took.
        """
        return sum(v.seconds for v in self._verifications)

    @property
    def elapsed(self) -> float:
        """The wall-clock seconds :meth:`Catalogue.check` took for this report.

        Raises:
            ValueError: for a part of a report (a slice or :meth:`select`), which
                was not timed as a whole: use :attr:`seconds` instead.
        """
        if self._elapsed is None:
            msg = "This report is a part of a check, which was not timed as a whole: use .seconds."
            raise ValueError(msg)
        return self._elapsed

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

    def raise_if_failed(self) -> None:
        """Raise if any entry did not come out as expected.

        Raises:
            AssertionError: naming every such entry and the checker's verdict.
        """
        if self.ok:
            return
        lines = []
        for v in self.failures:
            what = "was not caught" if isinstance(v.entry, Mistake) else "failed"
            lines.append(f"  {v.entry.id} {what}: {v.result.verdict}")
        msg = (
            f"{len(lines)} catalogue entr{'y' if len(lines) == 1 else 'ies'} did not "
            "come out as expected:\n" + "\n".join(lines) + "\nRe-check each one with "
            "`catalogue.IDENTITIES[id].check()` (or MISTAKES) and print the result."
        )
        raise AssertionError(msg)

    def __str__(self) -> str:
        mistakes = sum(isinstance(v.entry, Mistake) for v in self)
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
