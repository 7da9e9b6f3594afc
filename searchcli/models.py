"""Plain, frozen records that cross module boundaries.

Nothing here imports Whoosh, click or Rich: these are what the library hands
to callers and what the serializers turn into JSON. The records of indexing and
of the index itself (Skip, IndexReport, IndexStats, CheckReport) live in
`reports` and are reachable from here too; a search does not load them (each
dataclass costs a cold start its generated methods).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .explain import Explanation
    from .reports import CheckReport as CheckReport
    from .reports import IndexReport as IndexReport
    from .reports import IndexStats as IndexStats
    from .reports import Skip as Skip
else:
    _REPORTS = frozenset({"CheckReport", "IndexReport", "IndexStats", "Skip"})

    def __getattr__(name: str) -> Any:
        if name in _REPORTS:
            from . import reports

            return getattr(reports, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Document:
    """One searchable document, as parsed from a file or a JSON record."""

    id: str
    title: str
    body: str
    source: str
    path: str = ""  # the file it came from ("-" for stdin); "" when built in code
    date: str | None = None  # ISO 8601 (YYYY-MM-DD or full timestamp) when known
    author: str | None = None  # as the page names it (HTML metadata)
    site: str | None = None  # the site's name (HTML metadata)
    # paragraphs kept out of the body: cookie, consent and legal notices, site boilerplate
    notices: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["notices"] = list(self.notices)
        return d


@dataclass(frozen=True)
class Snippet:
    """A plain-text excerpt and the (start, end) offsets of the matches inside it."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "highlights": [list(h) for h in self.highlights]}


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    id: str
    title: str
    source: str
    path: str
    date: str | None
    author: str | None = None
    site: str | None = None
    snippet: Snippet = field(default_factory=lambda: Snippet(""))
    explain: Explanation | None = None  # with explain=True: how the score was computed
    duplicates: tuple[str, ...] = ()  # ids of near-duplicates folded into this hit

    def to_dict(self) -> dict[str, Any]:
        """The stable key set shared by --json, --jsonl and batch output
        (plus "explain" when it was asked for)."""
        d = {
            "rank": self.rank,
            "score": round(self.score, 6),
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "path": self.path,
            "date": self.date,
            "author": self.author,
            "site": self.site,
            "snippet": self.snippet.text,
            "highlights": [list(h) for h in self.snippet.highlights],
            "duplicates": list(self.duplicates),
        }
        if self.explain is not None:
            d["explain"] = self.explain.to_dict()
        return d


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int  # how many documents matched in all, not just on this page
    hits: tuple[Hit, ...]
    page: int = 1
    limit: int = 10
    mode: str = "all"  # "all": every word had to match; "any": ranked by any word
    suggestion: str | None = None  # a corrected query that would find something
    folded: int = 0  # matching near-duplicates folded into better hits (total counts stories)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "mode": self.mode,
            "suggestion": self.suggestion,
            "folded": self.folded,
            "hits": [h.to_dict() for h in self.hits],
        }
