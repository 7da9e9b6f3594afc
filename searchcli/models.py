"""Plain, frozen records that cross module boundaries.

Nothing here imports Whoosh, click or Rich: these are what the library hands
to callers and what the serializers turn into JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .explain import Explanation


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
class Skip:
    """A file or record that was not indexed, and why."""

    path: str
    reason: str
    line: int | None = None  # 1-based record/line number inside a multi-record file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


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


@dataclass(frozen=True)
class IndexReport:
    """What one `index` run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[Skip, ...] = ()
    seconds: float = 0.0
    rebuilt: bool = False
    hidden: int = 0  # hidden files and folders passed over (--hidden takes them)
    ignored: int = 0  # files and folders left out by ignore files or --exclude/--include

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["skipped"] = [s.to_dict() for s in self.skipped]
        return d


@dataclass(frozen=True)
class IndexStats:
    path: str
    documents: int
    size_bytes: int
    segments: int
    fields: tuple[str, ...]
    schema_version: int
    last_update: str | None  # ISO 8601, UTC
    roots: tuple[str, ...]  # the folders/files the index was built from
    # how it chooses files: exclude, include (globs), hidden, ignore_files (ignoring.py)
    choice: dict[str, Any] = field(default_factory=dict)
    chosen_by: str = ""  # why this index was used (--index, $SEARCHCLI_INDEX, found in ...)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fields"] = list(self.fields)
        d["roots"] = list(self.roots)
        return d


@dataclass(frozen=True)
class CheckReport:
    """What `searchcli check` found: ok is False when any problem was found."""

    ok: bool
    documents: int  # live documents read back
    problems: tuple[str, ...] = ()  # damage, one sentence each; rebuild to fix
    notes: tuple[str, ...] = ()  # odd but harmless (e.g. a missing manifest)
    segments: int = 0
    path: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["problems"] = list(self.problems)
        d["notes"] = list(self.notes)
        d["seconds"] = round(self.seconds, 3)
        return d
