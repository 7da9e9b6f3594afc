"""Run queries: parse, rank with BM25F, copy hits into plain records, make snippets.

A `Searcher` opens the index once and answers many queries (the `batch`
command and library callers reuse it); every Whoosh object stays inside it.
"""

from __future__ import annotations

import functools
import heapq
import os
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

from whoosh import query as wq
from whoosh import scoring

from .errors import IndexCorrupt, QueryError, UnknownDocument
from .folding import Groups
from .highlight import make_snippet
from .models import Document, Hit, SearchResult, Snippet
from .opening import DAMAGE_ERRORS, open_searcher
from .querying import SEARCH_FIELDS, QueryBuilder, content_words
from .ranking import FIRST, K1, B, BM25FQuery
from .shards import searcher_class
from .store import resolve_index_dir
from .ties import settle
from .timeindex import moments
from .timeplan import TimePlan

if TYPE_CHECKING:
    from .timeline import Timeline

# In the default mode, queries of at most this many content words list the documents
# with every word first (then those with some); longer ones, usually questions in
# natural language, are ranked by any word. See README, "Which words must match".
AUTO_ALL_MAX_WORDS = 4

MODES = ("auto", "all", "any")


F = TypeVar("F", bound=Callable[..., Any])


def _reads_index(method: F) -> F:
    """Damaged index files met while answering become IndexCorrupt ("rebuild")."""

    @functools.wraps(method)
    def wrapper(self: Searcher, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DAMAGE_ERRORS as exc:
            raise IndexCorrupt(self.index_dir, exc) from None

    return cast(F, wrapper)


class Searcher:
    """An open index, ready for many queries. Use as a context manager."""

    def __new__(
        cls, index_dir: str | os.PathLike[str] | None = None, *args: Any, **kwargs: Any
    ) -> Searcher:
        if cls is Searcher:  # a sharded index gets the sharded searcher (shards/)
            cls = searcher_class(resolve_index_dir(index_dir)) or cls
        return super().__new__(cls)

    def __init__(self, index_dir: str | os.PathLike[str] | None = None) -> None:
        self.index_dir = resolve_index_dir(index_dir)
        # Opens again when a commit lands meanwhile; the schema is the searcher's
        # own (Index.schema would read the newest TOC again, racing writers).
        self._searcher, self._data_dir = self._open(scoring.BM25F(B=B, K1=K1))
        self._queries = QueryBuilder(self._searcher.schema)
        self._groups: Groups | None = None
        self._groups_read = False
        self._scores: dict[int, float] | None = None  # every match of the last query
        self._scored: wq.Query | None = None  # ... which was this one

    def _open(self, weighting: Any) -> tuple[Any, str]:
        """The Whoosh searcher and its data folder."""
        return open_searcher(self.index_dir, weighting=weighting)

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
        """The query tree for `text` in a mode: "any", "all" or "all-first"."""
        return self._queries.parse(text, mode)

    @_reads_index
    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        page: int = 1,
        mode: str = "auto",
        snippets: bool = True,
        suggest: bool = True,
        since: str | date | None = None,
        until: str | date | None = None,
        sort: str = "relevance",
        recent: str | float | None = None,
        explain: bool = False,
        today: date | None = None,
        fold: bool = True,
    ) -> SearchResult:
        """Rank the documents that match `text`; see README "Searching" and "Dates".

        `since` / `until`: inclusive calendar days (2026-11-27, 2026-11, 2026, 7d, 3m, 1y);
        `sort`: relevance, date or -date; `recent`: a half-life (30d) that decays scores
        by age; `explain`: each hit carries how its score was computed; `today`: what
        relative dates count from (the local date by default); `fold`: near-duplicates
        of a better hit are folded into it (`Hit.duplicates`) and `total` counts stories.
        """
        plan = TimePlan.make(since, until, sort, recent, today)
        return self._search(text, limit, page, mode, snippets, suggest, plan, explain, fold)

    @_reads_index
    def timeline(
        self,
        text: str,
        *,
        mode: str = "auto",
        since: str | date | None = None,
        until: str | date | None = None,
        by: str | None = None,
        today: date | None = None,
        fold: bool = True,
    ) -> Timeline:
        """How many documents match `text` per day, week, month or year (`by`; chosen
        from the span when None). Each count is the total `search` reports for the
        same query with that bucket's first and last day as since and until."""
        from .timeline import build_timeline

        plan = TimePlan.make(since, until, today=today)
        plan.tally = True
        groups = self.groups() if fold else None
        if groups is not None and groups.members:
            plan.story = groups.story  # count stories, as a folded search's total does
        result = self._search(text, 1, 1, mode, False, False, plan, False, False)
        return build_timeline(text, result.mode, plan, by)

    def _search(
        self,
        text: str,
        limit: int,
        page: int,
        mode: str,
        snippets: bool,
        suggest: bool,
        plan: TimePlan,
        explain: bool,
        fold: bool,
    ) -> SearchResult:
        """One page of results. With `fold`, near-duplicates of a better hit are
        folded into it (`Hit.duplicates`) and `total` counts stories."""
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be 1 or more")
        if not text.strip():
            raise QueryError("empty query: give at least one word to search for")
        used = mode
        if mode == "auto":
            used = FIRST if content_words(text) <= AUTO_ALL_MAX_WORDS else "any"
        q = self.parse(text, used)
        total, ranked = self._run(q, limit * page, plan)
        short = used == FIRST
        if short:
            # plain words: ranked by any, those with every word first; query syntax: all
            # words must match, and any may when that finds nothing
            if isinstance(q, BM25FQuery):
                used = "all" if (plan.complete if plan.active else q.complete) else "any"
            elif not total:
                used = "any"
                q = self.parse(text, used)
                total, ranked = self._run(q, limit * page, plan)
            else:
                used = "all"
        total, ranked, copies, folded = self._fold(q, total, ranked, limit * page, fold, plan)
        ranked = ranked[(page - 1) * limit :]
        hits = self._hits(ranked, q, (page - 1) * limit, snippets, copies)
        if explain:
            from .explain import explain_hit

            hits = tuple(
                replace(hit, explain=explain_hit(self._searcher, q, docnum, hit.score, plan))
                for hit, (_, docnum) in zip(hits, ranked, strict=True)
            )
        # Suggest when nothing was found, or when no document has every word of a
        # short query.
        suggestion = None
        if suggest and (total == 0 or (short and used == "any")):
            suggestion = self.suggest(text)
        return SearchResult(
            query=text,
            total=total,
            hits=hits,
            page=page,
            limit=limit,
            mode=used,
            suggestion=suggestion,
            folded=folded,
        )

    @_reads_index
    def similar(
        self,
        doc_id: str,
        *,
        limit: int = 10,
        page: int = 1,
        snippets: bool = True,
        fold: bool = True,
    ) -> SearchResult:
        """The documents most like the one with `doc_id`, best first, without it (and,
        with `fold`, without its near-duplicates, which are the same story)."""
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be 1 or more")
        from .morelike import LikeQuery, key_terms

        doc = self.document(doc_id)
        if doc is None:
            raise UnknownDocument(doc_id)
        exclude = {doc_id, *(self.duplicates(doc_id) if fold else ())}
        q = LikeQuery(key_terms(doc, self._searcher.reader()), exclude)
        total, ranked = self._run(q, limit * page) if q.wterms else (0, [])
        total, ranked, copies, folded = self._fold(q, total, ranked, limit * page, fold)
        hits = self._hits(ranked[(page - 1) * limit :], q, (page - 1) * limit, snippets, copies)
        return SearchResult(doc_id, total, hits, page, limit, "any", folded=folded)

    def groups(self) -> Groups | None:
        """The index's near-duplicate groups, read once; None for an index without them."""
        held = getattr(self._searcher, "held_groups", None)  # read by a server (serveheld)
        if held is not None:
            return cast("Groups | None", held[0])
        if not self._groups_read:
            from .dupstore import read_docnums, read_groups

            generation = self._searcher.reader().generation()
            numbers = read_docnums(self._data_dir, generation)
            if numbers is None:
                ids = read_groups(self._data_dir, generation)
                if ids is not None:  # not recorded yet: look the ids up
                    find = self._searcher.document_number
                    numbers = [[find(id=doc_id) for doc_id in group] for group in ids]
            if numbers is not None:
                self._groups = Groups(numbers)
            self._groups_read = True
        return self._groups

    @_reads_index
    def duplicates(self, doc_id: str) -> tuple[str, ...]:
        """The ids of the near-duplicates of the document with this id."""
        groups = self.groups()
        docnum = self._searcher.document_number(id=doc_id)
        if groups is None or docnum is None:
            return ()
        return tuple(self._stored(d).get("id", "") for d in groups.copies(docnum))

    def _fold(
        self,
        q: wq.Query,
        total: int,
        ranked: list[tuple[float, int]],
        want: int,
        fold: bool,
        plan: TimePlan | None = None,
    ) -> tuple[int, list[tuple[float, int]], dict[int, tuple[int, ...]], int]:
        """(stories, the best `want` of them, each one's matching copies, copies folded).
        Only matches inside `plan`'s date window count, as in `_run`."""
        groups = self.groups() if fold else None
        if groups is None or not groups.members or not total:
            return total, ranked, {}, 0
        matched: Collection[int] = self._matches(q).keys()
        if plan is not None and plan.window is not None:
            keep = plan.in_window(moments(self._searcher))
            matched = {d for d in matched if keep(d)}
        depth = max(len(ranked), 1)
        stories = groups.fold(ranked, matched, want)
        while len(stories) < want and depth < total:  # copies took places: read deeper
            depth *= 4
            ranked = self._run(q, depth, plan)[1]
            stories = groups.fold(ranked, matched, want)
        kept = [(score, docnum) for score, docnum, _ in stories]
        stories_total = groups.stories(total, matched)
        return stories_total, kept, {d: c for _, d, c in stories if c}, total - stories_total

    @_reads_index
    def document(self, doc_id: str) -> Document | None:
        """The stored document with this id, or None."""
        try:
            doc_id.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (an undecodable byte in argv):
            return None  # no id holds one, and Whoosh cannot look it up
        docnum = self._searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        fields = self._stored(docnum)
        from .notices import texts

        return Document(
            id=fields.get("id", ""),
            title=fields.get("title", ""),
            body=fields.get("body", ""),
            source=fields.get("source", ""),
            path=fields.get("path", ""),
            date=fields.get("date") or None,
            author=fields.get("author") or None,
            site=fields.get("site") or None,
            notices=texts(fields.get("notices")),
        )

    def documents_at(self, path: str) -> list[Document]:
        """The documents read from the file at `path` (absolute, or relative to the
        current folder), in the order they were indexed; [] for a file not indexed."""
        from .store import read_manifest

        manifest = read_manifest(self._data_dir, self._searcher.reader().generation())
        files = manifest.files if manifest else {}
        entry = files.get(os.path.abspath(path)) or files.get(os.path.realpath(path))
        found = (self.document(doc_id) for doc_id in (entry[2] if entry else ()))
        return [doc for doc in found if doc is not None]

    def _run(
        self, q: wq.Query, depth: int, plan: TimePlan | None = None
    ) -> tuple[int, list[tuple[float, int]]]:
        """(how many documents match, the best `depth` as (score, doc number) pairs),
        filtered and ordered by `plan` when it has anything to do; equal scores in
        the order of their ids (ties.py), so that every layout of the same documents
        (a plain index, shards) gives the same ranking."""
        total, ranked = self._ranked(q, depth + 1, plan)
        if plan is None or not plan.active:
            return total, settle(ranked, depth, self._id, lambda: self._matches(q))
        dated = moments(self._searcher)

        def every_match() -> dict[int, float]:  # as `plan` scores them, in its window
            keep = plan.in_window(dated)
            found = {d: s for d, s in self._matches(q).items() if keep(d)}
            if plan.half_life is None:
                return found
            decayed = {}
            for d, s in found.items():
                f = plan.factor(dated[d])
                decayed[d] = s * f if f is not None else s
            return decayed

        if plan.sort == "relevance" and plan.half_life is None:
            return total, settle(ranked, depth, self._id, every_match)
        # dates order the ranking too: a tie is the same score on the same moment
        return total, settle(ranked, depth, self._id, every_match, lambda s, d: (s, dated[d]))

    def _id(self, docnum: int) -> str:
        return str(self._stored(docnum).get("id", ""))

    def _ranked(
        self, q: wq.Query, depth: int, plan: TimePlan | None = None
    ) -> tuple[int, list[tuple[float, int]]]:
        """`_run` with ties in the order of document numbers."""
        try:
            if plan is not None and plan.active:
                matches = self._matches(q)  # first: the grouping needs the scored query
                first = self._first_group(q)
                return plan.arrange(matches, moments(self._searcher), depth, first)
            # Every match is scored anyway (the count is exact), and the folding
            # needs them all: one pass, kept for the deeper reads of the same query.
            scores = self._matches(q)
            return len(scores), best(scores, depth)
        except (OSError, EOFError) as exc:
            raise IndexCorrupt(self.index_dir, exc) from None

    def _matches(self, q: wq.Query) -> dict[int, float]:
        """Every matching document's score, by doc number."""
        if self._scores is not None and q is self._scored:
            return self._scores  # a deeper page, or the folding, of the same query
        scores: dict[int, float] = {}
        if isinstance(q, BM25FQuery):
            for leaf, offset in self._searcher.leaf_searchers():
                found = q.scores(leaf)
                scores.update({offset + doc: s for doc, s in found.items()} if offset else found)
        else:
            results = self._searcher.search(q, limit=None, optimize=False)
            scores = {docnum: score or 0.0 for docnum, score in results.items()}
        self._scores, self._scored = scores, q
        return scores

    def _first_group(self, q: wq.Query) -> Callable[[float], bool] | None:
        """Which scores belong to documents with every word of a short plain query."""
        if not (isinstance(q, BM25FQuery) and q.require == FIRST):
            return None
        bonus = q.every_word_bonus(self._searcher.doc_count_all())
        if bonus:
            return lambda score: score >= bonus
        complete = q.complete > 0  # one word: every match has it; a missing word: none
        return lambda score: complete

    def _hits(
        self,
        ranked: list[tuple[float, int]],
        q: wq.Query,
        offset: int,
        snippets: bool,
        copies: dict[int, tuple[int, ...]] | None = None,
    ) -> tuple[Hit, ...]:
        highlight_terms = self._highlight_terms(q) if snippets else frozenset()
        hits = []
        for rank, (score, docnum) in enumerate(ranked, offset + 1):
            fields = self._stored(docnum)
            body = fields.get("body") or ""
            snippet = make_snippet(body, highlight_terms) if snippets else None
            hits.append(
                Hit(
                    rank=rank,
                    score=float(score),
                    id=fields.get("id", ""),
                    title=fields.get("title", ""),
                    source=fields.get("source", ""),
                    path=fields.get("path", ""),
                    date=fields.get("date") or None,
                    author=fields.get("author") or None,
                    site=fields.get("site") or None,
                    snippet=snippet if snippet is not None else Snippet(""),
                    duplicates=tuple(
                        self._stored(d).get("id", "") for d in (copies or {}).get(docnum, ())
                    ),
                )
            )
        return tuple(hits)

    def _stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields. They are unpickled from the stored-fields file,
        and unpickling a damaged one can raise almost anything (TypeError,
        OverflowError, MemoryError, ...): whatever it raises is damage."""
        try:
            return dict(self._searcher.stored_fields(docnum))
        except Exception as exc:
            raise IndexCorrupt(self.index_dir, exc) from None

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

    @_reads_index
    def match_terms(self, text: str) -> frozenset[str]:
        """The index terms the words of a query match (wildcards and fuzzy terms
        expanded), for highlighting them in a document."""
        return self._highlight_terms(self.parse(text, "any"))

    def suggest(self, text: str) -> str | None:
        """A respelling of the query from the index's own words that finds something."""
        from .spelling import respell

        fixed = respell(self._searcher, text)
        if fixed is None or not self._run(self.parse(fixed, "any"), 1)[0]:
            return None
        return fixed


def best(scores: dict[int, float], depth: int) -> list[tuple[float, int]]:
    """The `depth` best (score, doc number) pairs: highest score first, then lowest
    doc number, the order of Whoosh's collectors. Only the documents scoring at
    least the depth-th best score are sorted."""
    if len(scores) > depth:
        floor = heapq.nlargest(depth, scores.values())[-1]
        chosen = [(-s, d) for d, s in scores.items() if s >= floor]
    else:
        chosen = [(-s, d) for d, s in scores.items()]
    chosen.sort()
    return [(-s, d) for s, d in chosen[:depth]]


def search(
    index_dir: str | os.PathLike[str] | None,
    text: str,
    **kwargs: Any,
) -> SearchResult:
    """Open the index, run one query, close: the one-shot form of `Searcher.search`."""
    with Searcher(index_dir) as s:
        return s.search(text, **kwargs)
