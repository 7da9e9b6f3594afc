"""Run queries: parse, rank with BM25F, copy hits into plain records, make snippets.

A `Searcher` opens the index once and answers many queries (the `batch`
command and library callers reuse it); every Whoosh object stays inside it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
    QueryParser,
)
from whoosh.qparser import plugins as qplugins

from .errors import IndexCorrupt, QueryError
from .highlight import make_snippet
from .indexing import open_index
from .models import Document, Hit, SearchResult
from .schema import WORD_RE, terms
from .spelling import respell
from .store import resolve_index_dir

# Ranking defaults (see README, "Ranking"): BM25F over title and body, title
# words weighted higher. Tuned on the SciFact train split only.
K1 = 1.2
B = 0.75
TITLE_BOOST = 2.0
SEARCH_FIELDS = ("title", "body")

# Queries with at most this many content words must match all of them (and
# fall back to any when that finds nothing); longer ones, usually questions
# in natural language, are ranked by any word.
AUTO_ALL_MAX_WORDS = 4

# A wildcard or fuzzy term expands to at most this many index terms, so that
# `a*` on a large index answers in bounded time.
MAX_EXPANSION = 512
MODES = ("auto", "all", "any")


class _Bounded:
    """Mixin: cap the index terms a multi-term query expands to."""

    def _btexts(self, ixreader: Any) -> Iterable[bytes]:
        return itertools.islice(super()._btexts(ixreader), MAX_EXPANSION)  # type: ignore[misc]


class BoundedPrefix(_Bounded, wq.Prefix):
    pass


class BoundedWildcard(_Bounded, wq.Wildcard):
    pass


class BoundedFuzzyTerm(_Bounded, wq.FuzzyTerm):
    pass


def _bound(q: wq.Query) -> wq.Query:
    def swap(node: wq.Query) -> wq.Query:
        for plain, bounded in (
            (wq.FuzzyTerm, BoundedFuzzyTerm),
            (wq.Prefix, BoundedPrefix),
            (wq.Wildcard, BoundedWildcard),
        ):
            if type(node) is plain:
                copy = bounded.__new__(bounded)
                copy.__dict__.update(node.__dict__)
                return copy
        return node

    return q.accept(swap)


def _negations_exclude(q: wq.Query) -> wq.Query:
    """In an Or, `NOT x` must still exclude x, not add every document without x."""

    def fix(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Or):
            nots = [c for c in node.subqueries if isinstance(c, wq.Not)]
            if nots:
                rest = [c for c in node.subqueries if not isinstance(c, wq.Not)]
                if not rest:
                    return node
                positive = rest[0] if len(rest) == 1 else wq.Or(rest, boost=node.boost)
                return wq.AndNot(positive, wq.Or([n.query for n in nots]))
        return node

    return q.accept(fix)


def _make_parser(schema: Any, group: Any) -> QueryParser:
    parser = MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts={"title": TITLE_BOOST}, group=group
    )
    # Ranges and single quotes misfire on ordinary text ("[1]", "don't").
    parser.remove_plugin_class(qplugins.RangePlugin)
    parser.remove_plugin_class(qplugins.SingleQuotePlugin)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(PlusMinusPlugin())
    return parser


def _plain_words(text: str) -> str:
    """The words of a query with every operator character removed."""
    return " ".join(WORD_RE.findall(text))


def content_words(text: str) -> int:
    """How many non-stop words a query has (operators and field names aside)."""
    return len(terms(_plain_words(text)))


class Searcher:
    """An open index, ready for many queries. Use as a context manager."""

    def __init__(self, index_dir: str | os.PathLike[str] | None = None) -> None:
        self.index_dir = resolve_index_dir(index_dir)
        self._ix, _, _ = open_index(self.index_dir)
        try:
            self._searcher = self._ix.searcher(weighting=scoring.BM25F(B=B, K1=K1))
        except (OSError, EOFError, ValueError) as exc:
            raise IndexCorrupt(self.index_dir, f"{type(exc).__name__}: {exc}") from None
        self._parsers = {
            "all": _make_parser(self._ix.schema, AndGroup),
            "any": _make_parser(self._ix.schema, OrGroup),
        }

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    @property
    def doc_count(self) -> int:
        return int(self._searcher.doc_count())

    def parse(self, text: str, mode: str = "all") -> wq.Query:
        """The query tree for `text`; input the parser cannot make sense of is
        searched as plain words rather than rejected."""
        parser = self._parsers[mode]
        try:
            q = parser.parse(text)
        except Exception:  # Whoosh's parser raises a variety of errors on odd input
            q = None
        if q is None or q is wq.NullQuery or _has_errors(q):
            q = parser.parse(_plain_words(text))
        return _bound(_negations_exclude(q))

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        page: int = 1,
        mode: str = "auto",
        snippets: bool = True,
        suggest: bool = True,
    ) -> SearchResult:
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be 1 or more")
        if not text.strip():
            raise QueryError("empty query: give at least one word to search for")
        used = mode
        if mode == "auto":
            used = "all" if content_words(text) <= AUTO_ALL_MAX_WORDS else "any"
        q = self.parse(text, used)
        results = self._run(q, limit * page)
        if mode == "auto" and used == "all" and results.is_empty():
            used = "any"
            q = self.parse(text, used)
            results = self._run(q, limit * page)
        total = len(results)
        hits = self._hits(results, q, (page - 1) * limit, limit, snippets)
        # Suggest when nothing was found, or when not every word could be.
        suggestion = None
        if suggest and (total == 0 or used != mode != "any"):
            suggestion = self.suggest(text)
        return SearchResult(
            query=text,
            total=total,
            hits=hits,
            page=page,
            limit=limit,
            mode=used,
            suggestion=suggestion,
        )

    def document(self, doc_id: str) -> Document | None:
        """The stored document with this id, or None."""
        fields = self._searcher.document(id=doc_id)
        if fields is None:
            return None
        return Document(
            id=fields.get("id", ""),
            title=fields.get("title", ""),
            body=fields.get("body", ""),
            source=fields.get("source", ""),
            path=fields.get("path", ""),
            date=fields.get("date") or None,
        )

    def _run(self, q: wq.Query, depth: int) -> Any:
        try:
            return self._searcher.search(q, limit=depth, optimize=False)
        except (OSError, EOFError) as exc:
            raise IndexCorrupt(self.index_dir, f"{type(exc).__name__}: {exc}") from None

    def _hits(
        self, results: Any, q: wq.Query, offset: int, limit: int, snippets: bool
    ) -> tuple[Hit, ...]:
        highlight_terms = self._highlight_terms(q) if snippets else frozenset()
        hits = []
        for rank, hit in enumerate(results[offset : offset + limit], offset + 1):
            fields = hit.fields()
            body = fields.get("body") or ""
            snippet = make_snippet(body, highlight_terms) if snippets else None
            hits.append(
                Hit(
                    rank=rank,
                    score=float(hit.score or 0.0),
                    id=fields.get("id", ""),
                    title=fields.get("title", ""),
                    source=fields.get("source", ""),
                    path=fields.get("path", ""),
                    date=fields.get("date") or None,
                    **({"snippet": snippet} if snippet is not None else {}),
                )
            )
        return tuple(hits)

    def _highlight_terms(self, q: wq.Query) -> frozenset[str]:
        """The body terms that a query matched, wildcards and fuzzy terms expanded."""
        # Not Query.existing_terms(): its loop variable shadows its field filter,
        # so it drops terms of every field after the first.
        found: set[str] = set()
        reader = self._searcher.reader()
        for leaf in q.leaves():
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                if fieldname in SEARCH_FIELDS:
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return frozenset(found)

    def suggest(self, text: str) -> str | None:
        """A respelling of the query from the index's own words that finds something."""
        fixed = respell(self._searcher, text)
        if fixed is None or self._run(self.parse(fixed, "any"), 1).is_empty():
            return None
        return fixed


def _has_errors(q: wq.Query) -> bool:
    return (
        any(
            isinstance(node, wq.Query) and node.__class__.__name__ == "ErrorQuery"
            for node in q.leaves()
        )
        if hasattr(q, "leaves")
        else False
    )


def search(
    index_dir: str | os.PathLike[str] | None,
    text: str,
    **kwargs: Any,
) -> SearchResult:
    """Open the index, run one query, close: the one-shot form of `Searcher.search`."""
    with Searcher(index_dir) as s:
        return s.search(text, **kwargs)
