"""What --since/--until, --sort and --recent do to a query's matches.

The engine hands over every matching document (doc number -> relevance score) and
each document's moment (see `timefilter`); a `TimePlan` keeps the documents in its
date window, orders them, and counts them by day for the timeline. Every match is
looked at, never just the best N, so totals are exact.

Order, from first to last:

- `relevance`: by score (documents with every word of a short query first, as always);
- `date` / `-date`: oldest / newest first; documents with every word of a short query
  still come before those with only some, and documents without a date come last;
- `recent` (a half-life h): score x 0.5 ** (age / h), where age is how much older the
  document is than the newest match. Counting age from the newest match rather than
  from today gives exactly the same order (the factor differs by a constant) and keeps
  the scores readable for an archive. Documents without a date come after dated ones.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import QueryError
from .timefilter import DAY, DateWindow, date_window, parse_half_life

SORTS = ("relevance", "date", "-date")
_LAST = 1 << 62  # the sort key of a missing date


@dataclass
class TimePlan:
    window: DateWindow | None = None
    sort: str = "relevance"
    half_life: float | None = None  # days, with --recent
    tally: bool = False  # count matches by day even when nothing else is asked
    # With folding: a document's story (near-duplicates share one), so that the tally
    # counts stories, as the totals of a folded search do.
    story: Callable[[int], Any] | None = None
    # Filled by `arrange`, for the caller to read afterwards:
    complete: int = 0  # matches in the window with every word (short plain-word queries)
    days: Counter[int] = field(default_factory=Counter)  # day ordinal -> matches
    undated: int = 0  # matches without a date (counted; only kept without a window)
    day_stories: dict[int, set[Any]] | None = None  # with `story`: day -> its stories
    stories: int = 0  # with `story`: how many stories the tallied matches are
    reference: int = 0  # the moment ages are counted from, with --recent

    @classmethod
    def make(
        cls,
        since: str | date | None = None,
        until: str | date | None = None,
        sort: str = "relevance",
        recent: str | float | None = None,
        today: date | None = None,
    ) -> TimePlan:
        """Check and combine the options; raises QueryError on bad input."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        half_life = None
        if recent is not None:
            half_life = parse_half_life(recent) if isinstance(recent, str) else float(recent)
            if not half_life > 0:
                raise QueryError(f"the half-life of --recent must be positive, not {recent!r}")
            if sort != "relevance":
                raise QueryError("--recent ranks by relevance and age: leave out --sort")
        return cls(date_window(since, until, today), sort, half_life)

    @property
    def active(self) -> bool:
        return (
            self.window is not None
            or self.sort != "relevance"
            or self.half_life is not None
            or self.tally
        )

    def in_window(self, moments: Sequence[int]) -> Callable[[int], bool]:
        """Whether a document (by number) is dated inside the window; all are without one."""
        if self.window is None:
            return lambda d: True
        low, high = self.window.low, self.window.high
        return lambda d: low <= moments[d] < high

    def _tally_stories(
        self, matches: dict[int, float], moments: Sequence[int], story: Callable[[int], Any]
    ) -> None:
        self.day_stories = {}
        undated: set[Any] = set()
        for d in matches:
            key = story(d)
            if moments[d]:
                self.day_stories.setdefault(moments[d] // DAY, set()).add(key)
            else:
                undated.add(key)
        everything = set(undated).union(*self.day_stories.values())
        self.undated, self.stories = len(undated), len(everything)

    def factor(self, moment: int) -> float | None:
        """The decay --recent applies to a document with this moment (None: no date)."""
        if self.half_life is None or not moment:
            return None
        return float(0.5 ** ((self.reference - moment) / (self.half_life * DAY)))

    def arrange(
        self,
        matches: dict[int, float],
        moments: Sequence[int],
        depth: int,
        first: Callable[[float], bool] | None = None,
    ) -> tuple[int, list[tuple[float, int]]]:
        """(matches in the window, the first `depth` as (score, doc number) in order).

        `first(score)` says whether a match belongs to the group shown first (every
        word of a short query present); None when the query has no such group.
        """
        if self.window is not None:
            keep = self.in_window(moments)
            matches = {d: s for d, s in matches.items() if keep(d)}
        if self.tally:
            self.days = Counter(moments[d] // DAY for d in matches if moments[d])
            self.undated = len(matches) - sum(self.days.values())
            if self.story is not None:
                self._tally_stories(matches, moments, self.story)
        group: Callable[[float], int] = (lambda s: 0 if first(s) else 1) if first else (lambda s: 0)
        self.complete = sum(1 for s in matches.values() if first(s)) if first else 0
        scored = matches
        if self.half_life is not None:
            self.reference = max((moments[d] for d in matches), default=0)
            scored = {}
            for d, s in matches.items():
                f = self.factor(moments[d])
                scored[d] = s * f if f is not None else s
        keyed: Iterable[tuple[Any, ...]]
        if self.sort == "relevance":
            if self.half_life is None:
                best = heapq.nsmallest(depth, ((-s, d) for d, s in scored.items()))
                return len(matches), [(-s, d) for s, d in best]
            # after dated documents, those without a date; each group as found first
            keyed = ((group(matches[d]), not moments[d], -s, d) for d, s in scored.items())
        else:
            sign = 1 if self.sort == "date" else -1
            keyed = (
                (group(s), not moments[d], sign * moments[d] if moments[d] else _LAST, -s, d)
                for d, s in scored.items()
            )
        best_keys = heapq.nsmallest(depth, keyed)
        return len(matches), [(scored[k[-1]], k[-1]) for k in best_keys]
