"""Publication dates from any format, as ISO 8601 text: YYYY-MM-DD, or
YYYY-MM-DDTHH:MM:SS with the offset (+HH:MM) when the source names a time zone.

    normalise_date(value)     a field value: a string, a date/datetime (YAML), epoch seconds
    first_date(mapping)       the first usable date under DATE_KEYS (JSON records, front matter)
    dateline(lines)           the date on a news dateline near the top of a text

Only the standard library: dateparser guesses far too much (it reads "2.3.1" as a date) and
costs a quarter of a second to import, and python-dateutil's fuzzy mode is as eager; the
layouts real datelines use are few and are matched exactly here, day, month and year all
required. Anything unparseable gives None, never an error. Imported only while indexing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone

DATE_KEYS = ("date", "published", "pubDate", "datePublished", "created_at")

_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
# Zone names with a single meaning; the ambiguous ones (CST, IST, BST) give no offset.
_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "west": 60, "bst": None, "cet": 60,
    "cest": 120, "eet": 120, "eest": 180, "msk": 180, "trt": 180, "jst": 540,
    "est": -300, "edt": -240, "pst": -480, "pdt": -420, "mst": -420, "mdt": -360,
}  # fmt: skip
YEARS = range(1800, 2201)  # free-form layouts: a four-digit number outside is not a year
_EPOCH_SECONDS = (1e8, 7.3e9)  # 1973 .. 2201: smaller numbers are counts, not moments
_EPOCH_MILLIS = (1e11, 7.3e12)

_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ZONE = "|".join(sorted(_ZONES, key=len, reverse=True))
_TIME = (
    r"(?:(?:\s*(?:,|\bat\b|[-–—|])?\s*|t)(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<ap>[ap]\.?m\.?)(?![a-z]))?"
    r"(?:\s*\(?(?P<tz>(?:z|utc|gmt|ut)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}"
    rf"|{_ZONE})\)?(?![a-z\d]))?)?"
)
_DATE = re.compile(
    r"(?<![\w.,/:+-])(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<sy>\d{4})/(?P<sm>\d{1,2})/(?P<sd>\d{1,2})"
    r"|(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?P<dy>\d{4})"
    r"|(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<ay>\d{4})"
    rf"|(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?P<nm>{_MONTH})\.?,?\s+(?P<ny>\d{{4}})"
    rf"|(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})"
    rf")(?!(?!t\d)[\w/]|[.:-]\d){_TIME}(?![\w/]|[.:-]\d)",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"\A(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_ZONE_NAME = re.compile(r"[A-Z]{2,5}")  # CST, IST: a zone, but not one offset
_ZONE_SUFFIX = re.compile(r"(?<=\d)\[[\w/+-]{1,40}\]\Z")
_EPOCH_TEXT = re.compile(r"\d{9,13}(?:\.\d+)?")
_LABELS = frozenset(
    "published posted updated modified last on at by date dated filed created issued "
    "written edited reported and the of in from am pm local time".split()
)
_LATER = re.compile(r"updat|modif|edit|revis", re.IGNORECASE)
DATELINE_LINES = 5  # non-empty lines looked at after the title
DATELINE_CHARS = 120  # a longer line is a paragraph, not a dateline


def normalise_date(value: object) -> str | None:
    """ISO 8601 text for a date field's value, or None when it is not a date."""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _number(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if _EPOCH_TEXT.fullmatch(text):
        return _number(float(text))
    text = _ZONE_SUFFIX.sub("", text)  # 2026-11-27T10:31+03:00[Europe/Istanbul] (RFC 9557)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return _iso(datetime.fromisoformat(text))
    except ValueError:
        pass
    whole = _only_date(_WEEKDAY.sub("", text))
    if whole is not None:
        return whole
    from email.utils import parsedate_to_datetime  # RFC 2822 leftovers (two-digit years)

    try:
        return _iso(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def first_date(mapping: Mapping[str, object], keys: Iterable[str] = DATE_KEYS) -> str | None:
    """The first key, in order, whose value is a usable date (an unusable one is passed
    over, so a record with `"date": "TBD"` still gets its `published` day)."""
    for key in keys:
        found = normalise_date(mapping.get(key))
        if found is not None:
            return found
    return None


def dateline(lines: Iterable[str]) -> str | None:
    """The date of a news dateline among the first DATELINE_LINES non-empty lines: a short
    line that is a date plus at most a label, a place, an author or an agency ("Published
    27 Nov 2026", "ANKARA (AA) | 2026-11-27 10:31 GMT+3"), never a sentence that mentions one.
    """
    seen = 0
    before = ""  # the line above, "" when blank: a date that ends its sentence is not one
    for line in lines:
        line = line.strip()
        if not line:
            before = ""
            continue
        seen += 1
        if seen > DATELINE_LINES:
            return None
        if (
            len(line) <= DATELINE_CHARS
            and not line.startswith((">", "|>"))  # quoted mail: another message's date
            and any(c.isdigit() for c in line)
            and not _continued(before)
        ):
            found = _dateline_date(line)
            if found is not None:
                return found
        before = line
    return None


def _continued(line: str) -> bool:
    """Whether a hard-wrapped sentence goes on after this line: a long line that ends in a
    word, or any that ends in a comma or an open bracket ("City Desk" is a byline)."""
    end = line[-1:]
    return end in (",", ";", "(", "-") or (len(line) > 40 and end.islower())


def _dateline_date(line: str) -> str | None:
    found = [(m, iso) for m in _DATE.finditer(line) if (iso := _match_iso(m)) is not None]
    if not found:
        return None
    rest = line
    for m, _ in reversed(found):
        rest = rest[: m.start()] + " " + rest[m.end() :]
    words = re.findall(r"[^\W\d_]+", rest)
    shouting = rest.isupper() and len(words) > 2  # in capitals, words cannot be told from names
    if shouting or any(w.islower() and w not in _LABELS for w in words):
        return None  # prose around the date: an event, not a dateline
    starts = [0] + [m.end() for m, _ in found[:-1]]
    first = [
        iso
        for (m, iso), start in zip(found, starts, strict=True)
        if not _LATER.search(line[start : m.start()])
    ]
    return (first or [found[0][1]])[0]  # "Published 26 Nov, updated 27 Nov": the 26th


def _only_date(text: str) -> str | None:
    """The date when text is nothing else (an unknown zone name after a time allowed)."""
    m = _DATE.search(text)
    if m is None or text[: m.start()].strip():
        return None
    rest = text[m.end() :].strip(" .,;()")
    if rest and not (m.group("h") and m.group("tz") is None and _ZONE_NAME.fullmatch(rest)):
        return None
    return _match_iso(m)


def _match_iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g["iy"]:
        y, mo, d = g["iy"], g["im"], g["id"]
    elif g["sy"]:
        y, mo, d = g["sy"], g["sm"], g["sd"]
    elif g["dy"]:
        y, mo, d = g["dy"], g["dm"], g["dd"]
    elif g["ay"]:
        a, b = int(g["a"]), int(g["b"])
        if a != b and a <= 12 and b <= 12:
            return None  # 05/06/2026: May or June, nobody can say
        y, mo, d = g["ay"], str(min(a, b)), str(max(a, b))
    elif g["ny"]:
        y, mo, d = g["ny"], str(_MONTHS[g["nm"].lower()]), g["nd"]
    else:
        y, mo, d = g["my"], str(_MONTHS[g["mm"].lower()]), g["md"]
    if int(y) not in YEARS:
        return None
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if g["h"] is None:
        return day.isoformat()
    return _with_time(day, g)  # 25:61 is not a time, and then not a trustworthy date


def _with_time(day: date, g: dict[str, str | None]) -> str | None:
    hour, minute, second = int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0)
    if g["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if g["ap"].lower().startswith("p") else 0)
    try:
        moment = datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return None
    offset = _offset(g["tz"]) if g["tz"] else None
    if offset is not None:
        moment = moment.replace(tzinfo=timezone(timedelta(minutes=offset)))
    return _iso(moment)


def _offset(zone: str) -> int | None:
    """Minutes east of UTC for GMT+3, UTC-05:30, +0300, CEST; None when unknown."""
    zone = zone.lower().replace(" ", "")
    m = re.fullmatch(r"(z|utc|gmt|ut)?([+-])?(\d{1,2})?:?(\d{2})?", zone)
    if m is None or (m.group(2) is None) != (m.group(3) is None):
        return _ZONES.get(zone)
    if m.group(2) is None:
        return 0 if m.group(1) else None
    minutes = int(m.group(3)) * 60 + int(m.group(4) or 0)
    if minutes > 14 * 60 or (m.group(1) is None and len(m.group(3)) != 2):
        return None
    return -minutes if m.group(2) == "-" else minutes


def _number(value: float) -> str | None:
    """Epoch seconds, or milliseconds when the number can only be that; an 8-digit
    integer such as 20261127 is the basic ISO date it spells."""
    if not math.isfinite(value):
        return None
    if value == int(value) and 10_000_000 <= value < 100_000_000:
        return normalise_date(str(int(value)))
    if _EPOCH_MILLIS[0] <= value < _EPOCH_MILLIS[1]:
        value /= 1000
    elif not _EPOCH_SECONDS[0] <= value < _EPOCH_SECONDS[1]:
        return None
    return _iso(datetime.fromtimestamp(value, tz=UTC))


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()
