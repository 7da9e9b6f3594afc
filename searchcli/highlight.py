"""Snippets: the best short window of a document's text, with match offsets.

A snippet is plain text plus (start, end) offsets of the matched words; the
renderers decide how to show them. Matching uses the same `term_of` as the
index, so "negotiations" in the text lights up for the query word "negotiate".
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Collection

from .models import Snippet
from .schema import WORD_RE, term_of

SNIPPET_CHARS = 220
# Bodies longer than this are scanned only this far for matches: a bounded cost
# per hit even for a 10 MB document (matches further in still rank the hit).
SCAN_CHARS = 200_000
_WORDS = re.compile(r"\S+")


def _best_window(matches: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    """The index range [i, j) of matches that fits in `width` chars with the most
    distinct terms, then the most matches; earliest on ties."""
    best = (0, 0, 0, 1)  # (distinct, count, i, j)
    j = 0
    for i in range(len(matches)):
        start = matches[i][0]
        j = max(j, i + 1)
        while j < len(matches) and matches[j][1] - start <= width:
            j += 1
        distinct = len({m[2] for m in matches[i:j]})
        if (distinct, j - i) > best[:2]:
            best = (distinct, j - i, i, j)
    return best[2], best[3]


def _collapse(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The words of `text` joined by single spaces, and the spans moved with them.

    Each span lies inside one word (it is a matched word), so it moves by the
    shift of the word that holds it.
    """
    words = [(m.start(), m.end()) for m in _WORDS.finditer(text)]
    starts = [a for a, _ in words]
    shifts = []
    pos = 0
    for a, b in words:
        shifts.append(pos - a)
        pos += b - a + 1
    moved = []
    for a, b in spans:
        shift = shifts[bisect.bisect_right(starts, a) - 1]
        moved.append((a + shift, b + shift))
    return " ".join(text[a:b] for a, b in words), moved


@functools.lru_cache(maxsize=256)
def _prefix_words(prefixes: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, prefixes)))
    # A word start: not inside a word, nor after a word's inner dot ("U.S").
    return re.compile(rf"(?<![\w.])(?<!\w\.)(?:{alternatives})\w*(?:\.\w+)*", re.IGNORECASE)


def _candidate_words(terms: Collection[str], ascii_text: bool) -> re.Pattern[str]:
    """A pattern for the words that may stem to one of `terms`.

    In ASCII text a word and its stem share their first three letters, so only
    words with those openings are looked at (the scan stays in C); text with
    other letters may fold accents away, so there every word is looked at.
    """
    if not ascii_text or not all(t.isascii() for t in terms):
        return WORD_RE
    return _prefix_words(frozenset(t[:3] for t in terms))


def _matches(text: str, terms: Collection[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of `text` whose term is in `terms`."""
    words = _candidate_words(terms, text.isascii()) if terms else None
    if not words:
        return []
    found = ((m.start(), m.end(), term_of(m.group())) for m in words.finditer(text))
    return [match for match in found if match[2] in terms]


def match_spans(text: str, terms: Collection[str]) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of every word of `text` whose term is in `terms`."""
    return tuple((start, end) for start, end, _ in _matches(text, terms))


def make_snippet(text: str, terms: Collection[str], width: int = SNIPPET_CHARS) -> Snippet:
    """The window of `text` around the best cluster of words whose term is in `terms`."""
    if not text:
        return Snippet("")
    matches = _matches(text[:SCAN_CHARS], terms)
    if matches:
        i, j = _best_window(matches, width)
        first, last = matches[i][0], matches[j - 1][1]
        pad = max(0, (width - (last - first)) // 2)
        start = max(0, first - pad)
        end = min(len(text), max(last, start + width))
    else:
        i = j = 0
        start, end = 0, min(len(text), width)
    # Do not cut words in half at either end.
    if start > 0:
        space = text.find(" ", start, matches[i][0] if matches else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", matches[j - 1][1] if matches else start, end)
        end = space if space > start else end
    spans = [(s - start, e - start) for s, e, _ in matches[i:j]]
    body, spans = _collapse(text[start:end], spans)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    spans = [(s + len(prefix), e + len(prefix)) for s, e in spans]
    return Snippet(prefix + body + suffix, tuple(spans))
