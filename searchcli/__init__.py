"""searchcli: full-text search for the terminal, usable as a library.

    from searchcli import build_index, update_index, search, Searcher

    build_index(["corpus"], "index")            # fresh, atomic
    update_index(["corpus"], "index")           # incremental
    result = search("index", "peace agreement")
    for hit in result.hits:
        print(hit.rank, hit.title, hit.snippet.text)

No click and no Rich in here: those belong to the command line.
"""

from __future__ import annotations

from . import whooshdefer
from .errors import (
    BadDocument,
    IndexCorrupt,
    IndexLocked,
    IndexNotFound,
    IndexWriteError,
    QueryError,
    SchemaMismatch,
    SearchError,
)

__version__ = "0.1.0"

__all__ = [
    "BadDocument",
    "Document",
    "Hit",
    "IndexCorrupt",
    "IndexLocked",
    "IndexNotFound",
    "IndexReport",
    "IndexStats",
    "IndexWriteError",
    "QueryError",
    "SchemaMismatch",
    "SearchError",
    "SearchResult",
    "Searcher",
    "Skip",
    "Snippet",
    "build_index",
    "index_stats",
    "search",
    "update_index",
]


# Whoosh compiles regular expressions for a query type searchcli never uses on
# import; they wait until something needs them (see whooshdefer).
whooshdefer.defer()

_RECORDS = frozenset(
    {"Document", "Hit", "IndexReport", "IndexStats", "SearchResult", "Skip", "Snippet"}
)

# typing.TYPE_CHECKING without importing typing (and the re it brings): the thin
# client (client.py) imports this package first; type checkers take it as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .indexing import rebuild as build_index
    from .indexing import update as update_index
    from .models import Document, Hit, IndexReport, IndexStats, SearchResult, Skip, Snippet
    from .opening import stats as index_stats
    from .searching import Searcher, search


def __getattr__(name: str) -> object:
    # The records, the engine (and Whoosh) are imported on first use, so that
    # `import searchcli` and commands that do not search stay quick to start.
    if name in _RECORDS:
        from . import models

        return getattr(models, name)
    if name in ("Searcher", "search"):
        from . import searching

        return getattr(searching, name)
    if name in ("build_index", "update_index"):
        from . import indexing

        return {"build_index": indexing.rebuild, "update_index": indexing.update}[name]
    if name == "index_stats":
        from .opening import stats

        return stats
    raise AttributeError(f"module 'searchcli' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
