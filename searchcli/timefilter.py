"""Dates for searching: --since/--until bounds, half-lives, and a document's moment.

A document's date is taken **as written**: "2026-11-27T23:30:00-05:00" is on 27 November
at 23:30, whatever its offset, because that is the day its publisher meant. Each dated
document is indexed as one number, its *moment*: seconds from 0001-01-01 00:00 to the
date and wall-clock time as written (midnight for a date without a time). Its day is
`moment // DAY`, a proleptic Gregorian ordinal; 0 means "no date". Bounds are whole
calendar days, inclusive: `--until 2026-11` is through 30 November.

Nothing here imports Whoosh: the engine hands in moments, this module decides.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import QueryError

DAY = 86_400  # seconds

BOUND_FORMS = "a day (2026-11-27), a month (2026-11), a year (2026), or 7d, 2w, 3m, 1y ago"
_ABSOLUTE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_RELATIVE = re.compile(r"(\d{1,5})\s*([dwmy])", re.IGNORECASE)
_HALF_LIFE = re.compile(r"(\d{1,5}(?:\.\d+)?)\s*([hdwmy])", re.IGNORECASE)
_DAYS_PER = {"h": 1 / 24, "d": 1.0, "w": 7.0, "m": 30.4375, "y": 365.25}

DEFAULT_HALF_LIFE = "30d"


def moment_of(value: str | None) -> int | None:
    """Seconds from 0001-01-01 00:00 to an ISO 8601 date as written, or None."""
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:  # a date followed by something fromisoformat does not read: keep the day
            when = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    seconds = when.hour * 3600 + when.minute * 60 + when.second
    return when.date().toordinal() * DAY + seconds


def day_of(moment: int) -> date:
    return date.fromordinal(moment // DAY)


def _months_back(today: date, months: int) -> date:
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    if year < 1:
        raise ValueError("too far back")
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def parse_bound(text: str, *, end: bool, today: date | None = None) -> date:
    """The first (or, with `end`, the last) day a bound names. Raises QueryError."""
    option = "--until" if end else "--since"
    raw = text.strip()
    try:
        if m := _RELATIVE.fullmatch(raw):
            n, unit = int(m.group(1)), m.group(2).lower()
            now = today or date.today()
            if unit in "dw":
                return now - timedelta(days=n * (7 if unit == "w" else 1))
            return _months_back(now, n * (12 if unit == "y" else 1))
        if m := _ABSOLUTE.fullmatch(raw):
            year = int(m.group(1))
            if m.group(3):
                return date(year, int(m.group(2)), int(m.group(3)))
            if m.group(2):
                month = int(m.group(2))
                last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
                return date(year, month, last if end else 1)
            return date(year, 12, 31) if end else date(year, 1, 1)
    except (ValueError, OverflowError) as exc:
        raise QueryError(f"{option} {text!r} is not a real date ({exc})") from None
    raise QueryError(f"{option} {text!r} is not a date; use {BOUND_FORMS}")


@dataclass(frozen=True)
class DateWindow:
    """Inclusive calendar days; None leaves that side open."""

    since: date | None = None
    until: date | None = None

    @property
    def low(self) -> int:
        """The first moment inside (1: any dated document)."""
        return self.since.toordinal() * DAY if self.since else 1

    @property
    def high(self) -> int:
        """The first moment after the window."""
        return (self.until.toordinal() + 1) * DAY if self.until else 1 << 62

    def __str__(self) -> str:
        since = self.since.isoformat() if self.since else "the first date"
        until = self.until.isoformat() if self.until else "the last date"
        return f"{since} to {until}"


def date_window(
    since: str | date | None, until: str | date | None, today: date | None = None
) -> DateWindow | None:
    """The window two bounds name, or None when both are open. Raises QueryError."""
    low = parse_bound(since, end=False, today=today) if isinstance(since, str) else since
    high = parse_bound(until, end=True, today=today) if isinstance(until, str) else until
    if low is None and high is None:
        return None
    if low and high and low > high:
        raise QueryError(
            f"--since {low.isoformat()} is after --until {high.isoformat()}: nothing can match"
        )
    return DateWindow(low, high)


def parse_half_life(text: str) -> float:
    """A half-life in days: 12h, 30d, 2w, 3m, 1y (1.5d too). Raises QueryError."""
    m = _HALF_LIFE.fullmatch(text.strip())
    days = float(m.group(1)) * _DAYS_PER[m.group(2).lower()] if m else 0.0
    if days <= 0:
        raise QueryError(
            f"--recent {text!r} is not a half-life; use a positive length such as "
            "12h, 30d, 2w, 3m or 1y"
        )
    return days


def looks_like_half_life(text: str) -> bool:
    return _HALF_LIFE.fullmatch(text.strip()) is not None
