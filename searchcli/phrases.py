"""Exact phrases matched in bulk, with the documents and scores of Whoosh's own Phrase.

Whoosh matches a phrase with span matchers that step document by document through
every document holding all of its words, decoding each posting's positions on the way
(the whole block's positions are unpickled as soon as one is looked at). `ExactPhrase`
reads each word's doc numbers and weights first (postings.py: without the positions),
intersects them, and decodes positions only in the blocks that hold a document with
every word, and only for those documents. A document matches when the words sit at
consecutive positions, which is what Whoosh's SpanNear2 with slop 1, in order, at
distance 1 accepts. Its score is Whoosh's: each word's score from the searcher's
weighting, added up in the same binary tree Whoosh's intersection of the words builds.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pickle import loads
from typing import Any

from whoosh import matching
from whoosh import query as wq

from .postings import block_ids_weights, bulk_readable, unwrap
from .ranking import BM25FQuery, ScoredMatcher

# The search context's attribute with the doc numbers a phrase can still match.
WITHIN = "searchcli_phrase_within"


class _Posting:
    """The two things a Whoosh scorer asks of a matcher: the doc number and the weight."""

    __slots__ = ("_doc", "_weight")

    def __init__(self, doc: int, weight: float) -> None:
        self._doc, self._weight = doc, weight

    def id(self) -> int:
        return self._doc

    def weight(self) -> float:
        return self._weight


class _Word:
    """One word's postings in one segment: doc numbers and weights of every block, and
    where each block's data lies, to read the positions of a few documents later."""

    def __init__(self, m: Any) -> None:
        self.blocks: list[tuple[Sequence[int], Sequence[float], tuple[int, int, Any]]] = []
        self._file = m._postfile
        while m.is_active():
            ids, weights = block_ids_weights(m)
            where = (m._dataoffset, m._nextoffset - m._dataoffset, m._compression)
            self.blocks.append((ids, weights, where))
            m._next_block()

    def docs(self) -> set[int]:
        found: set[int] = set()
        for ids, _, _ in self.blocks:
            found.update(ids)
        return found

    def postings(self, wanted: set[int]) -> dict[int, tuple[float, Any]]:
        """doc -> (weight, encoded positions) for the `wanted` documents it holds."""
        found: dict[int, tuple[float, Any]] = {}
        for ids, weights, where in self.blocks:
            hits = [i for i, d in enumerate(ids) if d in wanted]
            if not hits:
                continue
            values = self._values(where)
            for i in hits:
                found[ids[i]] = (weights[i], values[i])
        return found

    def _values(self, where: tuple[int, int, Any]) -> Sequence[Any]:
        offset, length, compression = where
        data = self._file.get(offset, length)
        return loads(zlib.decompress(data) if compression else data)[2]  # type: ignore[no-any-return]


def _tree_sum(scores: Sequence[float]) -> float:
    """The scores added as Whoosh's `make_binary_tree` of IntersectionMatchers adds them."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


def _consecutive(positions: list[list[int]]) -> bool:
    """Whether word i sits at p + i for some p, for every word i."""
    starts = set(positions[0])
    for i, later in enumerate(positions[1:], 1):
        starts.intersection_update([p - i for p in later])
        if not starts:
            return False
    return True


class ExactPhrase(wq.Phrase):  # type: ignore[misc]
    """Whoosh's Phrase, matched in bulk (see the module's docstring); anything it does
    not cover (slop, one word, another codec) is left to Whoosh."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        schema = searcher.schema
        if fieldname not in schema or len(self.words) < 2 or self.slop != 1:
            return super().matcher(searcher, context)
        field = schema[fieldname]
        fmt = field.format
        if not fmt or not fmt.supports("positions") or (fmt.fixed_value_size() or -1) >= 0:
            return super().matcher(searcher, context)  # no positions, or not as whoosh3 keeps them
        reader = searcher.reader()
        texts = []
        for word in self.words:
            try:
                text = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, text) not in reader:
                return matching.NullMatcher()
            texts.append(text)
        ms = [unwrap(reader.postings(fieldname, text)) for text in texts]
        if not all(bulk_readable(m) for m, _ in ms):
            return super().matcher(searcher, context)
        read = [_Word(m) for m, _ in ms]
        common = read[0].docs()
        deleted = ms[0][1]  # the same for every term of the segment
        if deleted:
            common.difference_update(deleted)
        within = getattr(context, WITHIN, None)  # set by an And above: see WithinAnd
        if within is not None:
            common.intersection_update(within)
        for other in read[1:]:
            common.intersection_update(other.docs())
            if not common:
                return matching.NullMatcher()
        postings = [each.postings(common) for each in read]
        decode = fmt.decode_positions
        matched = sorted(
            d for d in common if _consecutive([decode(found[d][1]) for found in postings])
        )
        if not matched:
            return matching.NullMatcher()
        weighting = (context.weighting if context is not None else None) or searcher.weighting
        scorers = [weighting.scorer(searcher, fieldname, text) for text in texts]
        pairs = list(zip(scorers, postings, strict=True))
        scores = [_tree_sum([s.score(_Posting(d, got[d][0])) for s, got in pairs]) for d in matched]
        m: Any = ScoredMatcher(matched, scores)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class WithinAnd(wq.And):  # type: ignore[misc]
    """Whoosh's And, telling the phrases under it which documents can match at all.

    An And matches only documents every part matches, so a phrase below it need not
    look at the positions of any document that a BM25F part (whose matches are known
    once scored) lacks: the phrase matches and scores every other document as before,
    and the And's documents and scores are the same. The doc numbers travel down in
    the search context, which Whoosh hands to every part it builds a matcher for."""

    def _matcher(self, subs: list[Any], searcher: Any, context: Any) -> Any:
        if context is not None:
            within = getattr(context, WITHIN, None)
            for q in subs:
                if isinstance(q, BM25FQuery):
                    docs = q.scores(searcher).keys()
                    within = set(docs) if within is None else within.intersection(docs)
            if within is not None:
                context = context.set(**{WITHIN: within})
        return super()._matcher(subs, searcher, context)
