"""Score the shards as Dask tasks: DFS query-then-fetch.

1. statistics: each shard's task returns its document count, field lengths and the
   document frequency of every term the query touches (wildcards and fuzzy terms
   expanded in that shard; BM25F's any-field frequency for its words);
2. query: each shard's task scores its documents with the sums of those figures,
   and returns every match's (document number, score);
3. the caller merges them (document numbers offset by shard) and reads the stored
   fields of the best ones itself, from the shared file system.

A task lost with its worker is submitted again once, then reported.
"""

from __future__ import annotations

import copy
from typing import Any

from whoosh import searching as whoosh_searching

from ..errors import SearchError
from ..ranking import BM25FQuery
from .cluster import TaskFailure, run_on_client

Stats = dict[str, Any]


def _key(fieldname: str, text: Any) -> tuple[str, str]:
    return fieldname, text.decode("utf-8") if isinstance(text, bytes) else text


def _bm25f_leaves(q: Any) -> list[BM25FQuery]:
    return (
        [leaf for leaf in q.leaves() if isinstance(leaf, BM25FQuery)]
        if not isinstance(q, BM25FQuery)
        else [q]
    )


def fresh(q: Any) -> Any:
    """A copy of `q` without what scoring kept of another searcher."""
    q = copy.deepcopy(q)
    for leaf in _bm25f_leaves(q):
        leaf._dfs, leaf._postings, leaf.complete = None, {}, 0
    return q


def _open(shard_dir: str, generation: int) -> Any:
    from ..opening import open_searcher

    searcher, _ = open_searcher(shard_dir)
    if searcher.reader().generation() != generation:
        searcher.close()
        raise SearchError("the index changed while it was searched; search again")
    return searcher


def shard_statistics(shard_dir: str, generation: int, q: Any) -> Stats | TaskFailure:
    """Step 1, in a task: this shard's share of the statistics `q` needs."""
    try:
        searcher = _open(shard_dir, generation)
    except SearchError as exc:
        return TaskFailure(str(exc))
    with searcher:
        reader = searcher.reader()
        terms: dict[tuple[str, str], int] = {}
        for leaf in q.leaves():
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                if fieldname in reader.schema:
                    terms[_key(fieldname, text)] = reader.doc_frequency(fieldname, text)
        bm25f: dict[tuple[tuple[str, ...], str], int] = {}
        for leaf in _bm25f_leaves(q):
            for text, df in leaf._read(searcher).items():
                bm25f[leaf.fields, text] = df
        lengths = {f: reader.field_length(f) for f in reader.schema.scorable_names()}
        return {"docs": reader.doc_count_all(), "lengths": lengths, "terms": terms, "bm25f": bm25f}


def add_up(parts: list[Stats]) -> Stats:
    """The global statistics: every shard's added up."""
    total: Stats = {"docs": 0, "lengths": {}, "terms": {}, "bm25f": {}}
    for part in parts:
        total["docs"] += part["docs"]
        for name in ("lengths", "terms", "bm25f"):
            for key, value in part[name].items():
                total[name][key] = total[name].get(key, 0) + value
    return total


class GlobalSearcher(whoosh_searching.Searcher):  # type: ignore[misc]
    """A Whoosh searcher of one shard that reports the statistics of all shards."""

    def __init__(self, reader: Any, stats: Stats | None = None, **kwargs: Any) -> None:
        super().__init__(reader, **kwargs)
        self.stats = stats
        if stats is not None:  # the top searcher (leaves ask it, their parent)
            self._doccount = stats["docs"]
            local: Any = self.reader().doc_frequency
            terms = stats["terms"]
            self.doc_frequency = lambda f, t: terms.get(_key(f, t), local(f, t))
            self.shared_dfs = stats["bm25f"]  # read by BM25FQuery (ranking.py)

    def field_length(self, fieldname: str) -> int:
        if self.stats is None:
            return int(super().field_length(fieldname))
        return int(self.stats["lengths"].get(fieldname, 0))


def shard_scores(shard_dir: str, generation: int, q: Any, stats: Stats) -> Any:
    """Step 2, in a task: (document numbers, scores, documents with every word)."""
    from whoosh import scoring

    from ..ranking import K1, B

    try:
        opened = _open(shard_dir, generation)
    except SearchError as exc:
        return TaskFailure(str(exc))
    with opened:
        weighting = scoring.BM25F(B=B, K1=K1)
        searcher = GlobalSearcher(opened.reader(), stats, weighting=weighting, closereader=False)
        if isinstance(q, BM25FQuery):
            scores: dict[int, float] = {}
            for leaf, offset in searcher.leaf_searchers():
                for doc, score in q.scores(leaf).items():
                    scores[offset + doc] = score
        else:
            results = searcher.search(q, limit=None, optimize=False)
            scores = {d: s or 0.0 for d, s in results.items()}
        complete = q.complete if isinstance(q, BM25FQuery) else 0
        return list(scores), list(scores.values()), complete


def score_everywhere(
    client: Any, shards: list[tuple[str, int, int]], q: Any
) -> tuple[dict[int, float], Stats, int]:
    """Every match's score over all shards (document numbers of the merged reader),
    the global statistics, and how many matches have every word (BM25F)."""
    sent = fresh(q)
    names = [f"shard {k}" for k in range(len(shards))]
    parts = run_on_client(
        client, shard_statistics, [(d, g, sent) for d, g, _ in shards], names, retry=True
    )
    stats = add_up(parts)
    found = run_on_client(
        client, shard_scores, [(d, g, sent, stats) for d, g, _ in shards], names, retry=True
    )
    scores: dict[int, float] = {}
    complete = 0
    for (_, _, base), (docs, values, done) in zip(shards, found, strict=True):
        scores.update(zip((base + d for d in docs), values, strict=True))
        complete += done
    return scores, stats, complete
