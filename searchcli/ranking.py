"""BM25F ranking over title and body, computed term by term from the postings.

Whoosh's own "BM25F" scores every field on its own and adds the scores up, so a word
in the title and again in the body saturates twice, and its idf is log(N/(df+1)) + 1.
This module scores with BM25F as Lucene's CombinedFieldQuery does: a document is read
as one field in which every title word counts `FIELD_WEIGHTS["title"]` times; term
frequencies and lengths are combined with the field weights before the saturation:

    tf~   = sum over fields f of  weight_f * tf_f
    dl    = sum over fields f of  weight_f * len_f      (avgdl: the same over averages)
    score = sum over query words t of  qf_t * idf_t * (k1 + 1) * tf~ / (tf~ + k1 * n)
    n     = 1 - b + b * dl / avgdl
    idf_t = log(1 + (N - df_t + 0.5) / (df_t + 0.5))        (Lucene's, never negative)

With a title weight of 1 this is plain BM25 over title and body as one text. df_t
counts the documents with the word in any field (from the postings, which scoring
reads anyway), and qf_t how often the word occurs in the query, so a word a long
question repeats weighs more. Each word's postings are read once, whole blocks at a
time; a segment's scores are handed to Whoosh as a matcher, so the query composes
with phrases, fields and NOT like any other Whoosh query.
"""

from __future__ import annotations

import bisect
import math
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from .postings import postings as _postings
from .sums import Postings, add_into, field_sums, sum_at

# Defaults; see README "Ranking". Tuned on SciFact's train split only.
K1 = 1.6
B = 0.75
FIELD_WEIGHTS = {"title": 3.0, "body": 1.0}

# What a document must match: any word; every word; any, but those with every word first.
ANY, ALL, FIRST = "any", "all", "all-first"


def idf(doc_count: int, df: int) -> float:
    return math.log(1.0 + (doc_count - df + 0.5) / (df + 0.5))


def weighted_terms(words: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """(term, times it occurs) for each distinct term, in first-seen order."""
    return tuple(Counter(words).items())


class ScoredMatcher(matching.ListMatcher):  # type: ignore[misc]
    """Precomputed (doc, score) pairs: skip_to by bisection, constant-time quality."""

    _i: int  # ListMatcher's position and ids (declared: whoosh-reloaded has no types)
    _ids: list[int]

    def __init__(self, ids: list[int], scores: list[float]) -> None:
        super().__init__(ids, weights=scores)
        self._top = max(scores)

    def skip_to(self, id: int) -> None:
        if not self.is_active():
            raise matching.ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect.bisect_left(self._ids, id, self._i)

    def replace(self, minquality: float = 0) -> Any:
        if not self.is_active() or (minquality and self._top < minquality):
            return matching.NullMatcher()
        return self

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self._top

    def block_max_weight(self) -> float:
        return self._top

    def score(self) -> float:
        return float(self._weights[self._i])


_LENGTH_BYTES: weakref.WeakKeyDictionary[Any, dict[str, bytes]] = weakref.WeakKeyDictionary()


def _length_bytes(reader: Any, fieldname: str) -> bytes | None:
    """Every document's encoded field length (one byte a document) in one read, or None
    when the codec does not keep them the way whoosh3's codec does."""
    cache = _LENGTH_BYTES.setdefault(reader, {})
    if fieldname not in cache:
        try:
            col = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            raw = b"" if col is None else bytes(col._dbfile.get(col._basepos, col._count))
        except (AttributeError, TypeError):
            return None
        cache[fieldname] = raw + bytes(max(0, reader.doc_count_all() - len(raw)))
    return cache[fieldname]


_NORMS: weakref.WeakKeyDictionary[Any, dict[Any, list[float | None]]] = weakref.WeakKeyDictionary()


def _length_norm(searcher: Any, fields: Sequence[str]) -> Any:
    """doc -> 1 / (1 - b + b * dl / avgdl) in one segment, dl the weighted length."""
    parent = searcher.get_parent()
    reader = searcher.reader()
    weights = [FIELD_WEIGHTS.get(f, 1.0) for f in fields]
    avgdl = sum(
        w * (parent.avg_field_length(f) or 0.0) for w, f in zip(weights, fields, strict=True)
    )
    avgdl = avgdl or 1.0

    def value(lengths: Iterable[int]) -> float:
        dl = sum(w * n for w, n in zip(weights, lengths, strict=True))
        return 1.0 / (1.0 - B + B * dl / avgdl)

    raws = [_length_bytes(reader, f) for f in fields]
    if len(fields) == 2 and raws[0] is not None and raws[1] is not None:
        # the norm depends only on the two encoded length bytes: a table kept with the
        # reader, filled as documents are met, serves every later query too
        first: bytes = raws[0]
        second: bytes = raws[1]
        key = (tuple(fields), tuple(weights), B, avgdl)
        table = _NORMS.setdefault(reader, {}).setdefault(key, [None] * 65536)

        def norm(doc: int) -> float:
            pair = first[doc] << 8 | second[doc]
            found = table[pair]
            if found is None:
                found = table[pair] = value((byte_to_length(pair >> 8), byte_to_length(pair & 255)))
            return found

        return norm
    cache: dict[int, float] = {}

    def norm_any(doc: int) -> float:
        found = cache.get(doc)
        if found is None:
            found = cache[doc] = value(reader.doc_field_length(doc, f) or 0 for f in fields)
        return found

    return norm_any


class _Saturations(dict):  # type: ignore[type-arg]
    """doc -> K1 / norm(doc), each computed the first time a document is met: a plain
    dict lookup (in C) for every later posting of the document."""

    def __init__(self, norm: Any) -> None:
        super().__init__()
        self._norm = norm

    def __missing__(self, doc: int) -> float:
        found = self[doc] = K1 / self._norm(doc)
        return found


_SATURATIONS: weakref.WeakKeyDictionary[Any, dict[Any, _Saturations]] = weakref.WeakKeyDictionary()


def _saturations(searcher: Any, fields: Sequence[str]) -> _Saturations:
    """K1 / norm of each document of one segment (`_length_norm`), kept with the reader:
    a function of the index's field lengths, like `_NORMS`."""
    parent = searcher.get_parent()
    key = (tuple(fields), tuple(parent.avg_field_length(f) or 0.0 for f in fields), K1, B)
    cache = _SATURATIONS.setdefault(searcher.reader(), {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _Saturations(_length_norm(searcher, fields))
    return found


class BM25FQuery(wq.Query):  # type: ignore[misc]
    """Documents with any (or all) of `terms`, ranked by BM25F over `fields`."""

    def __init__(
        self,
        terms: Sequence[tuple[str, int]],
        fields: Sequence[str] = tuple(FIELD_WEIGHTS),
        require: str = ANY,
        boost: float = 1.0,
    ) -> None:
        self.wterms = tuple(terms)
        self.fields = tuple(fields)
        self.require = require
        self.boost = boost
        self.complete = 0  # documents with every word, counted as segments are searched
        self._dfs: dict[str, int] | None = None
        self._postings: dict[tuple[int, str, str], tuple[Sequence[int], Sequence[float]]] = {}
        self._segments: dict[int, dict[int, float]] = {}  # each segment's scores

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.wterms!r}, {self.fields!r}, {self.require!r})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and self.wterms == other.wterms  # type: ignore[attr-defined]
            and self.fields == other.fields  # type: ignore[attr-defined]
            and self.require == other.require  # type: ignore[attr-defined]
            and self.boost == other.boost  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return hash((type(self), self.wterms, self.fields, self.require, self.boost))

    def is_leaf(self) -> bool:
        return True

    def field(self) -> None:
        return None

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False) -> Iterator[tuple[str, str]]:
        for text, _ in self.wterms:
            for fieldname in self.fields:
                yield fieldname, text

    def normalize(self) -> wq.Query:
        return self if self.wterms else wq.NullQuery

    def estimate_size(self, ixreader: Any) -> int:
        return sum(ixreader.doc_frequency(f, t) for t, _ in self.wterms for f in self.fields)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        scores = self.scores(searcher)
        if not scores:
            return matching.NullMatcher()
        ids = sorted(scores)
        return ScoredMatcher(ids, [scores[i] for i in ids])

    def _read(self, parent: Any) -> dict[str, int]:
        """Each word's df: the documents with it in any field, counted over every segment.
        The postings read for that are kept for scoring."""
        if self._dfs is None:
            self._dfs, self._postings, self._segments = {}, {}, {}
            for text, _ in self.wterms:
                df = 0
                for leaf, _offset in parent.leaf_searchers():
                    reader = leaf.reader()
                    docs: set[int] = set()
                    for f in self.fields:
                        got = _postings(reader, f, text) if f in leaf.schema else None
                        if got is not None:
                            self._postings[id(reader), f, text] = got
                            docs.update(got[0])
                    df += len(docs)
                self._dfs[text] = df
            # a shard scored with the figures of every shard (shards/remote.py)
            shared = getattr(parent, "shared_dfs", None)
            if shared is not None:
                self._dfs = {t: shared.get((self.fields, t), df) for t, df in self._dfs.items()}
        return self._dfs

    def scores(self, searcher: Any) -> dict[int, float]:
        """{segment doc number: score} for the documents this query matches, computed
        once a segment (an And above a phrase asks before building the matcher)."""
        dfs = self._read(searcher.get_parent())
        key = id(searcher.reader())
        found = self._segments.get(key)
        if found is None:
            found = self._segments[key] = self._score(searcher, dfs)
        return found

    def _score(self, searcher: Any, dfs: dict[str, int]) -> dict[int, float]:
        parent = searcher.get_parent()
        reader_id = id(searcher.reader())
        n_docs = parent.doc_count_all()
        found = sum(1 for t, _ in self.wterms if dfs[t])  # query words the index has
        if self.require == ALL and found < len(self.wterms):
            return {}
        sat = _saturations(searcher, self.fields)  # K1 / norm(doc), as a lookup
        weights = [qf * idf(n_docs, dfs[t]) * (K1 + 1) * self.boost for t, qf in self.wterms]
        if self.require == ALL:
            return self._score_every(reader_id, weights, sat)
        scores: dict[int, float] = {}
        having: list[set[int]] = []  # each word's documents
        for (text, _), w in zip(self.wterms, weights, strict=True):
            tfs = field_sums(self._fields_of(reader_id, text))
            add_into(scores, {doc: w * tf / (tf + sat[doc]) for doc, tf in tfs.items()})
            having.append(set(tfs))
        if found < len(self.wterms):
            return scores
        every = set.intersection(*having) if having else set()
        self.complete += len(every)  # each has every word, so each has a score
        bonus = self.every_word_bonus(n_docs)
        if bonus:
            for d in every:
                scores[d] += bonus
        return scores

    def _score_every(
        self, reader_id: int, weights: list[float], sat: dict[int, float]
    ) -> dict[int, float]:
        """`_score` when a document must have every word: only those are scored, each
        as the loop over all the postings would (the same sums in the same order)."""
        per_word = [
            [(w, dict(zip(*got, strict=True))) for w, got in self._fields_of(reader_id, t)]
            for t, _ in self.wterms
        ]
        docs = [set().union(*(tfs.keys() for _, tfs in fields)) for fields in per_word]
        every = set.intersection(*docs) if docs else set()
        if not every:
            return {}
        # in the order the loop over all postings met them: the first word's fields in turn
        first = dict.fromkeys(d for _, tfs in per_word[0] for d in tfs)
        scores: dict[int, float] = {}
        for d in first:
            if d not in every:
                continue
            score = None
            for w, fields in zip(weights, per_word, strict=True):
                tf = sum_at(fields, d)
                assert tf is not None  # d has every word
                part = w * tf / (tf + sat[d])
                score = part if score is None else score + part
            scores[d] = score  # type: ignore[assignment]
        self.complete += len(scores)
        return scores

    def _fields_of(self, reader_id: int, text: str) -> list[tuple[float, Postings]]:
        """(field weight, postings) of the word in each field that has it, in one segment."""
        found = []
        for f in self.fields:
            got = self._postings.get((reader_id, f, text))
            if got is not None:
                found.append((FIELD_WEIGHTS.get(f, 1.0), got))
        return found

    def every_word_bonus(self, n_docs: int) -> float:
        """What a document with every word gets added in the all-first mode, to rank
        it above any document that lacks a word: every word's largest possible score.
        0 in the other modes, for one word, or when a word is not in the index."""
        found = sum(1 for t, _ in self.wterms if self._dfs and self._dfs.get(t))
        if self.require != FIRST or found < 2 or found < len(self.wterms):
            return 0.0
        return sum(qf * idf(n_docs, 1) * (K1 + 1) for _, qf in self.wterms) * self.boost
