"""More like this: a document's key terms, as a query for the documents most like it.

The key terms are the document's own index terms ranked by tf-idf: how often it
uses a word (a title word counting as much as BM25F weighs it) times how rare the
word is in the index. The best `MAX_TERMS` of them are asked as one BM25F query
over any of them, so similar documents are ranked exactly as a search is; the
document itself (and, when folding, its near-duplicates) is left out.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from .models import Document
from .querying import SEARCH_FIELDS
from .ranking import ANY, FIELD_WEIGHTS, BM25FQuery
from .schema import terms

MAX_TERMS = 25


def key_terms(doc: Document, reader: Any, limit: int = MAX_TERMS) -> list[str]:
    """The document's `limit` most telling terms, best first (ties by term)."""
    tf: dict[str, float] = {}  # weighted: a title word counts as BM25F weighs it
    for field, text in (("title", doc.title), ("body", doc.body)):
        for term in terms(text):
            tf[term] = tf.get(term, 0.0) + FIELD_WEIGHTS.get(field, 1.0)
    n_docs = max(reader.doc_count(), 1)
    scored = []
    for term, count in tf.items():
        df = max(reader.doc_frequency(f, term) for f in SEARCH_FIELDS)
        if df < 2 or len(term) < 2:  # only in this document: it finds nothing else
            continue
        scored.append((-count * math.log(n_docs / df), term))
    scored.sort()
    return [term for _, term in scored[:limit]]


class LikeQuery(BM25FQuery):
    """Documents with any of `terms`, ranked by BM25F, without the ones in `exclude`."""

    def __init__(self, words: list[str], exclude: Collection[str]) -> None:
        super().__init__([(t, 1) for t in words], SEARCH_FIELDS, ANY)
        self.exclude = tuple(sorted(exclude))

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.exclude == other.exclude  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.exclude))

    def scores(self, searcher: Any) -> dict[int, float]:
        got = super().scores(searcher)
        for doc_id in self.exclude:
            docnum = searcher.document_number(id=doc_id)
            if docnum is not None:
                got.pop(docnum, None)
        return got
