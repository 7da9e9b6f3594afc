"""Tell notices from body text: cookie, consent and legal lines, and site boilerplate.

Runs on parsed documents (after the format parsers), never imports Whoosh. Two rules:

* An **edge notice** is a cookie, consent, privacy or copyright paragraph among the
  first two or the last two paragraphs of a document of more than one paragraph, short
  (at most EDGE_MAX_WORDS words), worded as a site speaking to its reader: it names a
  notice topic (cookies, consent, privacy policy, terms of use, GDPR, personal data) and
  uses the site's voice (we use, our policy, this website, by continuing, you can review,
  for detailed information, manage your settings). A copyright line ("© 2026 X. All rights
  reserved.") of at most COPYRIGHT_MAX_WORDS words counts as well. An article *about*
  cookies or privacy law is written in the third person and keeps its body.
* A **common paragraph** repeats verbatim (case and whitespace aside) across the
  documents of one group: the folder of a file, the host of a URL source, the file of a
  JSON (lines) record. It is common when at least MIN_DOCS documents of the group hold it
  and at least MIN_SHARE of the group's documents do. Only documents of more than one
  paragraph take part, so a document's only paragraph is never taken from it; and only
  paragraphs of MIN_CHARS to MAX_CHARS characters and MIN_WORDS to MAX_WORDS words (text
  written without spaces: one "word"), so a one-word line ("Photo") and long passages
  stay body text. A common paragraph leaves the body only where site furniture sits: in
  the run of notices and common paragraphs that starts at either end of the document
  (lines too short to compare, such as "Share", do not end it). The same paragraph in the
  middle of a text (a recurring heading, "(Contributed by X.)", an agency's background
  paragraph) is content and stays, and so does a paragraph found in the document's own
  title (a web page's heading, which other pages of the site list as links).

Paragraphs are separated by blank lines, as the text, Markdown and JSON parsers keep them.
A body without a blank line whose lines are not hard-wrapped text (one of them is longer
than WRAP_WIDTH characters: HTML, whose parsers write a block a line, or scraped records)
has a paragraph a line. The separator is stored with the notices, so that a stored body
and its notices give back the paragraphs as parsed (`restore`).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Container
from typing import Any
from urllib.parse import urlsplit

MIN_DOCS = 3  # a paragraph shared by two articles (a quote, a statement) is content
MIN_SHARE = 0.2  # ... and by at least a fifth of the group (boilerplate is on most pages)
MIN_WORDS = 4  # unless written without spaces (Chinese, Japanese)
MIN_CHARS = 24  # shorter lines are never boilerplate, and do not end an edge run
MAX_WORDS = 80
MAX_CHARS = 600
EDGE_PARAGRAPHS = 2  # how many paragraphs at each end are looked at for notices
EDGE_MAX_WORDS = 60
EDGE_MAX_CHARS = 800  # a quick bound before counting words
COPYRIGHT_MAX_WORDS = 20

BLANK_LINE = "\n\n"
LINE = "\n"
WRAP_WIDTH = 100  # hard-wrapped text (mail, newswires) keeps its lines below this
_LONG_LINE = re.compile("[^\\n]{" + str(WRAP_WIDTH + 1) + "}")

_TOPIC = re.compile(
    r"\bcookies?\b|\bconsent\b|\bprivacy (?:policy|notice|statement|settings)\b"
    r"|\bterms (?:of (?:use|service)|and conditions)\b|\bgdpr\b|\bpersonal data\b"
    r"|\bdata protection\b",
    re.IGNORECASE,
)
_SITE_VOICE = re.compile(
    r"\bwe (?:and our partners |may )?use\b|\bour (?:cookie|privacy|web ?site|site|"
    r"partners|policy|policies|terms|use of)\b|\bthis (?:web ?site|site|page|portal)\b"
    r"|\bby (?:continuing|using|clicking|browsing|visiting|staying)\b"
    r"|\byou (?:agree|accept|consent)\b|\byou can (?:review|change|manage|withdraw|find|"
    r"read|learn|adjust|opt)\b|\b(?:click|tap|select) (?:here|on|accept|ok|agree)\b"
    r"|\blearn more\b|\b(?:more|detailed|further) information\b|\bopt[ -]out\b"
    r"|\b(?:manage|change|update|adjust) (?:your )?(?:cookie |privacy )?"
    r"(?:settings|preferences|choices)\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"\ball rights reserved\b|©|(?:\(c\)|\bcopyright\b)[\s,.:]*(?:\(c\)\s*)?\d{4}\b",
    re.IGNORECASE,
)
# Every notice holds one of these (lower-cased): a cheap test before the expressions.
_CLUES = (
    "cookie",
    "consent",
    "privacy",
    "terms",
    "gdpr",
    "personal data",
    "protection",
    "rights reserved",
    "©",
    "(c)",
    "copyright",
)


def split(body: str) -> tuple[list[str], str]:
    """The paragraphs of a body, in order, and the separator that joins them again."""
    if not body:
        return [], BLANK_LINE
    if BLANK_LINE in body:
        return body.split(BLANK_LINE), BLANK_LINE
    if LINE in body and _LONG_LINE.search(body):
        return body.split(LINE), LINE
    return [body], BLANK_LINE


def is_notice(paragraph: str) -> bool:
    """Whether a paragraph reads as a cookie, consent, privacy or copyright notice."""
    if len(paragraph) > EDGE_MAX_CHARS:
        return False
    lower = paragraph.lower()
    if not any(clue in lower for clue in _CLUES):
        return False
    words = len(paragraph.split())
    if words > EDGE_MAX_WORDS:
        return False
    if words <= COPYRIGHT_MAX_WORDS and _COPYRIGHT.search(paragraph):
        return True
    return bool(_TOPIC.search(paragraph) and _SITE_VOICE.search(paragraph))


def edge_notices(paragraphs: list[str]) -> set[int]:
    """Positions of the notices among the first and last EDGE_PARAGRAPHS paragraphs."""
    n = len(paragraphs)
    if n < 2:
        return set()
    edges = set(range(min(EDGE_PARAGRAPHS, n))) | set(range(max(0, n - EDGE_PARAGRAPHS), n))
    return {i for i in edges if is_notice(paragraphs[i])}


def _squeezed(text: str) -> str:
    """Lower-cased, without any spacing: '1. Using Python' and '1.Using Python' agree."""
    return "".join(text.lower().split())


def _too_short(words: list[str], norm: str) -> bool:
    """Under MIN_CHARS, or a few words, or one long token such as a URL (text written
    without spaces is one "word": it needs only MIN_CHARS)."""
    return len(norm) < MIN_CHARS or (len(words) < MIN_WORDS and (len(words) > 1 or norm.isascii()))


def _short(paragraph: str) -> bool:
    if len(paragraph) < MIN_CHARS:
        return True
    words = paragraph.lower().split()
    return _too_short(words, " ".join(words))


def fingerprint(paragraph: str) -> str | None:
    """A paragraph's identity across documents (case and spacing ignored), or None when
    it is too short or too long to count as boilerplate."""
    if len(paragraph) < MIN_CHARS or len(paragraph) > 4 * MAX_CHARS:
        return None  # short, or (spacing aside) far too long: quick answers
    words = paragraph.lower().split()
    norm = " ".join(words)
    if len(norm) > MAX_CHARS or len(words) > MAX_WORDS or _too_short(words, norm):
        return None
    return hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def fingerprints(paragraphs: list[str]) -> list[str]:
    """The distinct fingerprints of a document's paragraphs; none for a single paragraph."""
    if len(paragraphs) < 2:
        return []
    found = (fingerprint(p) for p in paragraphs)
    return sorted({fp for fp in found if fp is not None})


def separate(
    paragraphs: list[str], common: Container[str] = (), sep: str = BLANK_LINE, title: str = ""
) -> tuple[str, list[tuple[int, str]]]:
    """(the body without notices, the notices with their positions among the paragraphs).

    `common` holds the fingerprints that are boilerplate in the document's group; a
    paragraph found inside the document's `title` (its heading, the title being "Heading -
    Site") is never one of them."""
    if len(paragraphs) < 2:
        return sep.join(paragraphs), []
    out = edge_notices(paragraphs)
    if common:
        out |= _edge_runs(paragraphs, common, out, _squeezed(title))
    if not out:
        return sep.join(paragraphs), []
    kept = [p for i, p in enumerate(paragraphs) if i not in out]
    return sep.join(kept), [(i, paragraphs[i]) for i in sorted(out)]


def _edge_runs(
    paragraphs: list[str], common: Container[str], found: set[int], title: str
) -> set[int]:
    """The common paragraphs in the runs of notices, common paragraphs and short lines
    that start at either end."""
    n = len(paragraphs)
    runs: set[int] = set()
    for order in (range(n), range(n - 1, -1, -1)):
        for i in order:
            if i in found or i in runs:
                continue
            fp = fingerprint(paragraphs[i])
            if fp is not None and fp in common and _squeezed(paragraphs[i]) not in title:
                runs.add(i)
            elif not _short(paragraphs[i]):
                break
    return runs


def to_stored(sep: str, found: list[tuple[int, str]]) -> Any:
    """The stored form of a document's notices: [] for none (most documents)."""
    return {"sep": sep, "at": [list(n) for n in found]} if found else []


def from_stored(value: Any) -> tuple[str, list[tuple[int, str]]]:
    """(separator, positioned notices) from the stored form."""
    if not isinstance(value, dict):
        return BLANK_LINE, []
    return value.get("sep") or BLANK_LINE, [(int(i), str(t)) for i, t in value.get("at") or ()]


def texts(value: Any) -> tuple[str, ...]:
    """The notices' text, in order, from the stored form."""
    return tuple(text for _, text in from_stored(value)[1])


def restore(body: str, value: Any) -> str:
    """The body as parsed, from a stored body and the stored form of its notices."""
    sep, found = from_stored(value)
    if not found:
        return body
    paragraphs = body.split(sep) if body else []
    for i, text in sorted(found):
        paragraphs.insert(i, text)
    return sep.join(paragraphs)


FILE_GROUP = "file:"  # the records of one JSON (lines) file


def group_of(source: str, path: str) -> str:
    """The documents a paragraph is compared across: a URL source's host, else a JSON
    file's records, else a file's folder (documents read from stdin are one group)."""
    if "://" in source[:16]:
        try:
            host = (urlsplit(source).hostname or "").removeprefix("www.")
        except ValueError:
            host = ""
        if host:
            return f"host:{host}"
    if not path or path == "-":
        return "stdin"
    path = os.path.abspath(path)
    if path.lower().endswith((".json", ".jsonl")):
        return f"{FILE_GROUP}{path}"
    return f"dir:{os.path.dirname(path)}"


def threshold(group_size: int) -> int:
    """How many documents of a group must hold a paragraph for it to be common."""
    return max(MIN_DOCS, math.ceil(MIN_SHARE * group_size))
