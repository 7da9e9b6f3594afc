"""Matches counted per day, week, month or year: the records behind `searchcli timeline`.

Buckets are calendar periods (weeks start on Monday, as ISO weeks do), clipped to the
query's --since/--until, and every bucket between the first and the last match is
listed, empty ones too. A bucket's `start` and `end` are the days to give `search
--since/--until` to get its count as the total.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .errors import QueryError
from .timeplan import TimePlan

UNITS = ("day", "week", "month", "year")
MAX_BARS = 60  # the unit chosen from the span is the finest that needs at most this many


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date
    label: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
            "count": self.count,
        }


@dataclass(frozen=True)
class Timeline:
    query: str
    by: str
    mode: str
    total: int  # every match, dated or not
    undated: int  # matches without a date (in no bucket)
    buckets: tuple[Bucket, ...]
    since: date | None = None
    until: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "by": self.by,
            "mode": self.mode,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "total": self.total,
            "undated": self.undated,
            "buckets": [b.to_dict() for b in self.buckets],
        }


def _period(day: date, unit: str) -> tuple[date, date, str]:
    """The first and last day of the period that holds `day`, and its label."""
    if unit == "day":
        return day, day, day.isoformat()
    if unit == "week":
        start = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return start, start + timedelta(days=6), f"{year}-W{week:02d}"
    if unit == "month":
        start = day.replace(day=1)
        after = (start + timedelta(days=32)).replace(day=1)
        return start, after - timedelta(days=1), f"{day.year}-{day.month:02d}"
    return date(day.year, 1, 1), date(day.year, 12, 31), str(day.year)


def choose_unit(first: date, last: date) -> str:
    """The finest unit that draws the span in at most MAX_BARS bars."""
    for unit in UNITS[:-1]:
        if _count_periods(first, last, unit) <= MAX_BARS:
            return unit
    return "year"


def _count_periods(first: date, last: date, unit: str) -> int:
    if unit == "day":
        return (last - first).days + 1
    if unit == "week":
        return (_period(last, "week")[0] - _period(first, "week")[0]).days // 7 + 1
    if unit == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def build_timeline(query: str, mode: str, plan: TimePlan, by: str | None) -> Timeline:
    """Buckets from the day counts a search left in `plan`."""
    if by is not None and by not in UNITS:
        raise QueryError(f"unknown period {by!r}; use one of {', '.join(UNITS)}")
    days: Counter[int] = plan.days
    window = plan.window
    since = window.since if window else None
    until = window.until if window else None
    buckets: list[Bucket] = []
    unit = by or "day"
    if days:
        first, last = date.fromordinal(min(days)), date.fromordinal(max(days))
        unit = by or choose_unit(first, last)
        counts: Counter[date] = Counter()
        if plan.day_stories is None:
            for ordinal, n in days.items():
                counts[_period(date.fromordinal(ordinal), unit)[0]] += n
        else:  # folded: a story with copies on several days of a bucket counts once
            stories: dict[date, set[Any]] = {}
            for ordinal, keys in plan.day_stories.items():
                stories.setdefault(_period(date.fromordinal(ordinal), unit)[0], set()).update(keys)
            counts.update({start: len(keys) for start, keys in stories.items()})
        day = first
        while day <= last:
            start, end, label = _period(day, unit)
            count = counts.get(start, 0)
            start, end = max(start, since or start), min(end, until or end)
            buckets.append(Bucket(start, end, label, count))
            if end >= date.max - timedelta(days=1):
                break
            day = end + timedelta(days=1)
    total = sum(days.values()) + plan.undated if plan.day_stories is None else plan.stories
    return Timeline(query, unit, mode, total, plan.undated, tuple(buckets), since, until)
