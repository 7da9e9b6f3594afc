"""Snippets: the best short window of a document's text, with match offsets.

A snippet is plain text plus (start, end) offsets of the matched words; the
renderers decide how to show them. Matching uses the same analysis as the
index, so "negotiations" in the text lights up for the query word "negotiate",
and a CJK word for the bigrams it was found by. A stop word lights up only as
part of a matched phrase: next to another match, never alone.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Collection

from .models import Snippet
from .schema import is_stop_term, term_cache, term_spans

SNIPPET_CHARS = 220
# Bodies longer than this are scanned only this far for matches: a bounded cost
# per hit even for a 10 MB document (matches further in still rank the hit).
SCAN_CHARS = 200_000
_WORDS = re.compile(r"\S+")
_WORD_CHAR = re.compile(r"\w")


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
    if " ".join(text.split()) == text:  # already single-spaced: nothing moves
        return text, spans
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


def _candidate_words(terms: Collection[str]) -> re.Pattern[str]:
    """A pattern for the ASCII words that may stem to one of `terms` (ASCII too):
    a word and its stem share their first three letters, so only words with those
    openings are looked at, and the scan stays in C."""
    return _prefix_words(frozenset(t[:3] for t in terms))


def _matches(text: str, terms: Collection[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of the words of `text` whose term is in `terms`, in order."""
    if text.isascii() and all(t.isascii() and not is_stop_term(t) for t in terms):
        words = _candidate_words(terms)
        # the word's term looked up directly: `term_of` differs only for stop words
        # and CJK runs, neither of which is in these terms
        term = term_cache().__getitem__
        return [
            (m.start(), m.end(), t) for m in words.finditer(text) if (t := term(m.group())) in terms
        ]
    stops = any(is_stop_term(t) for t in terms)
    found = [(s, e, t) for t, s, e in term_spans(text, stops) if t in terms]
    if stops:
        found = [
            m for i, m in enumerate(found) if not is_stop_term(m[2]) or _beside(text, found, i)
        ]
    return found


def _beside(text: str, found: list[tuple[int, int, str]], i: int) -> bool:
    """Whether match i has another match right before or after it (only spaces and
    punctuation between): a stop word inside a phrase, not any "the" in the text."""
    before = i > 0 and not _WORD_CHAR.search(text, found[i - 1][1], found[i][0])
    after = i + 1 < len(found) and not _WORD_CHAR.search(text, found[i][1], found[i + 1][0])
    return before or after


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans (a CJK word's bigrams) joined into one."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def match_spans(text: str, terms: Collection[str]) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of every word of `text` whose term is in `terms`."""
    if not terms:
        return ()
    return tuple(_merged([(start, end) for start, end, _ in _matches(text, terms)]))


def make_snippet(text: str, terms: Collection[str], width: int = SNIPPET_CHARS) -> Snippet:
    """The window of `text` around the best cluster of words whose term is in `terms`."""
    if not text:
        return Snippet("")
    scan = text[:SCAN_CHARS]
    matches = _matches(scan, terms) if terms else []
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
    spans = _merged([(s - start, e - start) for s, e, _ in matches[i:j]])
    body, spans = _collapse(text[start:end], spans)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    spans = [(s + len(prefix), e + len(prefix)) for s, e in spans]
    return Snippet(prefix + body + suffix, tuple(spans))
