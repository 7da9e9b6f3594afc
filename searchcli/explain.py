"""Why a hit scored what it did: each query word's share, field by field.

For the plain-word part of a query this recomputes `ranking.BM25FQuery`'s formula
(see there) for one document, with the same numbers in the same order, so the parts
add up to the score exactly:

    word score = qf * idf * (k1 + 1) * tf~ / (tf~ + k1 * n)
    tf~        = sum over fields of weight_f * tf_f       n = 1 - b + b * dl / avgdl

and splits each word's score over the fields in proportion to weight_f * tf_f. A
short plain query adds a bonus to documents with every word (it puts them first);
--recent multiplies the sum by the document's decay. Other parts of a query
(phrases, wildcards, fuzzy terms) are scored by Whoosh; each one's score for the
document is shown as a whole, with what kind of part it is.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from whoosh import query as wq

from .exact import Exhaustive
from .ranking import FIELD_WEIGHTS, K1, B, BM25FQuery, _length_norm, idf
from .timefilter import DAY
from .timeindex import moments
from .timeplan import TimePlan


@dataclass(frozen=True)
class FieldPart:
    field: str
    tf: float  # occurrences of the word in this field
    weight: float  # what one occurrence counts for (title 3, body 1)
    score: float  # this field's share of the word's score


@dataclass(frozen=True)
class WordPart:
    word: str  # the index term (stemmed)
    query_count: int  # qf: how often the query has it
    df: int  # documents with the word in any field
    idf: float
    tf: float  # tf~: the weighted occurrences of all fields
    score: float
    fields: tuple[FieldPart, ...]


@dataclass(frozen=True)
class OtherPart:
    part: str  # e.g. 'phrase "peace agreement" in body'
    score: float
    note: str


@dataclass(frozen=True)
class Explanation:
    score: float  # the hit's score: relevance, times the decay with --recent
    relevance: float  # the sum of the parts
    documents: int  # N
    lengths: dict[str, int]  # each field's length in words, as the index records it
    dl: float  # the weighted document length
    avgdl: float
    norm: float  # n = 1 - b + b * dl / avgdl
    words: tuple[WordPart, ...] = ()
    bonus: float = 0.0  # for having every word of a short query
    other: tuple[OtherPart, ...] = ()
    recency: dict[str, float] | None = None  # half_life_days, age_days, factor
    notes: tuple[str, ...] = ()
    k1: float = K1
    b: float = B

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _tf(reader: Any, fieldname: str, text: str, doc: int) -> float:
    if fieldname not in reader.schema or (fieldname, text) not in reader:
        return 0.0
    m = reader.postings(fieldname, text)
    m.skip_to(doc)
    return float(m.weight()) if m.is_active() and m.id() == doc else 0.0


class _Explainer:
    def __init__(self, searcher: Any, docnum: int) -> None:
        self.searcher = searcher
        self.n_docs = searcher.doc_count_all()
        for leaf, offset in searcher.leaf_searchers():
            if offset <= docnum < offset + leaf.doc_count_all():
                self.leaf, self.doc = leaf, docnum - offset
        self.words: list[WordPart] = []
        self.other: list[OtherPart] = []
        self.bonus = 0.0
        self.notes: list[str] = []

    def walk(self, q: Any) -> None:
        if isinstance(q, BM25FQuery):
            self.bm25f(q)
        elif isinstance(q, wq.AndNot):
            self.walk(q.a)  # what is excluded adds nothing
        elif isinstance(q, wq.Not):
            pass
        elif isinstance(q, wq.Require):
            self.walk(q.a)  # Require scores by its first part only
        elif isinstance(q, Exhaustive):
            self.walk(q.child)  # counts every match; scores as what it wraps
        elif hasattr(q, "subqueries") and not q.is_leaf():
            for sub in q.subqueries:
                self.walk(sub)
        else:
            self.whoosh_part(q)

    def bm25f(self, q: BM25FQuery) -> None:
        reader = self.leaf.reader()
        dfs = q._read(self.searcher)
        norm = _length_norm(self.leaf, q.fields)(self.doc)
        present = 0
        for text, qf in q.wterms:
            combined = 0.0
            raw: list[tuple[str, float, float]] = []
            for f in q.fields:
                tf = _tf(reader, f, text, self.doc)
                if tf:
                    weight = FIELD_WEIGHTS.get(f, 1.0)
                    combined = combined + weight * tf
                    raw.append((f, tf, weight))
            if not combined:
                continue
            present += 1
            w = qf * idf(self.n_docs, dfs[text]) * (K1 + 1) * q.boost
            score = w * combined / (combined + K1 / norm)
            parts = tuple(FieldPart(f, tf, wt, score * wt * tf / combined) for f, tf, wt in raw)
            self.words.append(
                WordPart(text, qf, dfs[text], idf(self.n_docs, dfs[text]), combined, score, parts)
            )
        bonus = q.every_word_bonus(self.n_docs)
        if bonus and present == len(q.wterms):
            self.bonus += bonus

    def whoosh_part(self, q: Any) -> None:
        score = 0.0
        try:
            m = q.matcher(self.leaf, self.searcher.context())
            if m.is_active():
                m.skip_to(self.doc)
                if m.is_active() and m.id() == self.doc:
                    score = float(m.score())
        except Exception:  # a part Whoosh cannot score alone is noted, not fatal
            self.notes.append(f"{_describe(q)} could not be scored on its own")
            return
        if score:
            self.other.append(OtherPart(_describe(q), score, _note(q)))


def _describe(q: Any) -> str:
    field = getattr(q, "fieldname", "") or ""
    where = f" in {field}" if field else ""
    if isinstance(q, wq.Phrase):
        return f'phrase "{" ".join(q.words)}"{where}'
    kind = {wq.Prefix: "prefix", wq.Wildcard: "wildcard", wq.FuzzyTerm: "fuzzy term"}
    for cls, name in kind.items():
        if isinstance(q, cls):
            suffix = "*" if cls is wq.Prefix else ""
            return f"{name} {getattr(q, 'text', '')}{suffix}{where}"
    if isinstance(q, wq.Term):
        return f"word {q.text}{where}"
    return f"{type(q).__name__}{where}"


def _note(q: Any) -> str:
    if getattr(q, "constantscore", False):
        return "a fixed score for any word it matches (Whoosh's scoring of patterns)"
    if isinstance(q, wq.Phrase):
        return "Whoosh's BM25 of how often the exact phrase occurs in the field"
    return "Whoosh's BM25 for this field alone"


def explain_hit(searcher: Any, q: Any, docnum: int, score: float, plan: TimePlan) -> Explanation:
    """How `q` gave document `docnum` its `score` (see the module's docstring)."""
    ex = _Explainer(searcher, docnum)
    ex.walk(q)
    relevance = 0.0
    for part in ex.words:
        relevance += part.score
    relevance += ex.bonus
    for other in ex.other:
        relevance += other.score
    recency = None
    moment = moments(searcher)[docnum] if plan.half_life is not None else 0
    factor = plan.factor(moment)
    if factor is not None and plan.half_life is not None:
        age = (plan.reference - moment) / DAY
        recency = {"half_life_days": plan.half_life, "age_days": age, "factor": factor}
    elif plan.half_life is not None:
        ex.notes.append("no date: --recent ranks it after the dated documents, unchanged")
    expected = relevance * factor if factor is not None else relevance
    if not math.isclose(expected, score, rel_tol=1e-9, abs_tol=1e-9):
        rest = score / (factor or 1.0) - relevance
        ex.other.append(OtherPart("the rest", rest, "how Whoosh combined the parts"))
        relevance = score / (factor or 1.0)
    fields = tuple(FIELD_WEIGHTS)
    reader = ex.leaf.reader()
    lengths = {f: int(reader.doc_field_length(ex.doc, f) or 0) for f in fields}
    dl = sum(FIELD_WEIGHTS[f] * n for f, n in lengths.items())
    avgdl = sum(FIELD_WEIGHTS[f] * (searcher.avg_field_length(f) or 0.0) for f in fields) or 1.0
    return Explanation(
        score=score,
        relevance=relevance,
        documents=ex.n_docs,
        lengths=lengths,
        dl=dl,
        avgdl=avgdl,
        norm=1 - B + B * dl / avgdl,
        words=tuple(ex.words),
        bonus=ex.bonus,
        other=tuple(ex.other),
        recency=recency,
        notes=tuple(ex.notes),
    )
