"""The errors the library raises. Each message says what to do next.

The CLI turns any SearchError into its message on stderr and exit code 2.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class for every error searchcli reports to a user."""


class IndexNotFound(SearchError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"no index at {path}. Build one with: searchcli index [PATH ...] --index {path}"
        )
        self.path = path


class IndexLocked(SearchError):
    def __init__(self, path: str, pid: int | None) -> None:
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"index {path} is being updated by {who}; wait for it to finish or pass --wait SECONDS"
        )
        self.path = path
        self.pid = pid


class IndexCorrupt(SearchError):
    def __init__(self, path: str, detail: str | BaseException) -> None:
        if isinstance(detail, BaseException):  # what the damage made Whoosh raise
            detail = f"{type(detail).__name__}: {detail}"
        super().__init__(
            f"index {path} is damaged ({detail}). Rebuild it with: "
            f"searchcli index --rebuild --index {path}"
        )
        self.path = path


class SchemaMismatch(SearchError):
    def __init__(self, path: str, found: object, expected: object) -> None:
        super().__init__(
            f"index {path} was built by an incompatible version of searchcli "
            f"(schema {found}, this version needs {expected}). Rebuild it with: "
            f"searchcli index --rebuild --index {path}"
        )
        self.path = path


class QueryError(SearchError):
    """A query that cannot be run even as plain words (e.g. empty)."""


class BadDocument(SearchError):
    """A file or record that cannot be indexed; carries the reason."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


class EvalFileError(BadDocument):
    """A topic, qrels or run file that cannot be read; names the file and line.

    Same shape as BadDocument (path, reason, line): a bad input file the user must fix.
    """


class IndexWriteError(SearchError):
    """The index could not be written (disk full, read-only folder, ...)."""


class BadGlob(SearchError):
    """An --exclude or --include pattern that is not valid gitignore syntax."""


class UnknownDocument(SearchError):
    def __init__(self, doc_id: str) -> None:
        super().__init__(
            f"no document with id {doc_id!r} in the index; "
            "`searchcli search ... --jsonl` shows the ids of documents"
        )
        self.doc_id = doc_id


class WatchError(SearchError):
    """A saved search that does not exist, exists already, or cannot be run."""
