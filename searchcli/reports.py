"""Records of indexing and of the index: what was skipped, what a run did, what the
index holds, what `check` found. Plain frozen dataclasses like those of `models`
(and importable from there too); kept apart so that a search does not create them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
    shards: int = 0  # a sharded index: how many shards (0: one ordinary index)

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
