"""`stats` and `check` for a sharded index: every shard's figures, added up."""

from __future__ import annotations

import os
import time
from dataclasses import replace

from ..errors import SearchError
from ..reports import CheckReport, IndexStats
from .layout import read_set, shard_of


def stats(index_dir: str) -> IndexStats:
    """The index's statistics: documents, size and segments of all shards together."""
    from ..opening import stats as shard_stats

    shard_set = read_set(index_dir)
    parts = []
    for k, shard_dir in enumerate(shard_set.shard_dirs()):
        try:
            parts.append(shard_stats(shard_dir))
        except SearchError as exc:
            from ..errors import IndexCorrupt

            why = str(exc).split(". Rebuild it with")[0]
            raise IndexCorrupt(index_dir, f"shard {k}: {why}") from None
    updates = [p.last_update for p in parts if p.last_update]
    return replace(
        parts[0],
        path=os.path.abspath(index_dir),
        documents=sum(p.documents for p in parts),
        size_bytes=sum(p.size_bytes for p in parts) + _groups_size(shard_set.folder),
        segments=sum(p.segments for p in parts),
        last_update=max(updates) if updates else None,
        shards=shard_set.count,
    )


def _groups_size(folder: str) -> int:
    from .groups import GROUPS

    try:
        return os.path.getsize(os.path.join(folder, GROUPS))
    except OSError:
        return 0


def check(index_dir: str) -> CheckReport:
    """Check every shard, and that each document is in the shard its id routes to."""
    from ..checking import check_index

    started = time.perf_counter()
    try:
        shard_set = read_set(index_dir)
    except SearchError as exc:
        if not os.path.isfile(os.path.join(index_dir, "SHARDS")):
            raise
        return CheckReport(False, 0, (str(exc),), path=os.path.abspath(index_dir))
    problems: list[str] = []
    notes: list[str] = []
    documents = segments = 0
    for k, shard_dir in enumerate(shard_set.shard_dirs()):
        try:
            report = check_index(shard_dir)
        except SearchError as exc:
            problems.append(f"shard {k}: {str(exc).split('. Rebuild it with')[0]}")
            continue
        documents += report.documents
        segments += report.segments
        problems.extend(f"shard {k}: {p}" for p in report.problems)
        notes.extend(f"shard {k}: {n}" for n in report.notes)
        if report.ok:
            problems.extend(_misplaced(shard_dir, k, shard_set.count))
    return CheckReport(
        ok=not problems,
        documents=documents,
        problems=tuple(problems),
        notes=tuple(notes),
        segments=segments,
        path=os.path.abspath(index_dir),
        seconds=time.perf_counter() - started,
    )


def _misplaced(shard_dir: str, number: int, count: int) -> list[str]:
    """A problem when a shard holds a document whose id routes to another shard."""
    from ..opening import open_searcher

    searcher, _ = open_searcher(shard_dir)
    with searcher:
        reader = searcher.reader()
        wrong = [
            text
            for raw in reader.lexicon("id")
            if shard_of(text := raw.decode("utf-8", "surrogatepass"), count) != number
            and reader.doc_frequency("id", raw)
        ]
    if not wrong:
        return []
    return [
        f"shard {number}: {len(wrong)} documents belong to another shard (for example {wrong[0]!r})"
    ]
