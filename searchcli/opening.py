"""Open the live index for reading: CURRENT, the schema version, Whoosh's files.

Searching, checking and stats need only this, not the parsers and writers
that indexing brings in, so a search starts without importing them.
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh import reading as whoosh_reading
from whoosh.filedb import filestore as whoosh_filestore
from whoosh.filedb import filetables as whoosh_filetables

from . import store
from .errors import IndexCorrupt, SchemaMismatch
from .schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from .reports import IndexStats

# What Whoosh raises when its files are damaged: a missing file OSError, a
# truncated one EOFError, struct.error or a pickle error, overwritten bytes
# zlib.error or a bad offset (ValueError, IndexError, KeyError).
DAMAGE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    ValueError,
    IndexError,
    KeyError,
    OverflowError,  # a length or offset read from a cut file, too big to be real
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
    whoosh_index.IndexError,
    whoosh_filetables.FileFormatError,  # a terms or column file cut short
    whoosh_filestore.StorageError,
    # whoosh3 checks postings block tags; whoosh-reloaded has no such class.
    getattr(whoosh_reading, "CorruptIndexError", whoosh_filetables.FileFormatError),
)


# Opening lists a commit's files and then reads them; a writer committing in
# between deletes them (an incremental commit its old files, a rebuild the whole
# old data folder), and the new commit is complete by then. Open again, up to
# this many times, before calling a missing file damage.
OPEN_ATTEMPTS = 5
_MOVED_ON = (FileNotFoundError, whoosh_index.EmptyIndexError)


def open_index(index_dir: str) -> tuple[Any, str, dict[str, Any]]:
    """Open the live Whoosh index: (index, data folder, CURRENT record)."""
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return _open_index_once(index_dir)
        except _MOVED_ON as exc:
            if attempt == OPEN_ATTEMPTS - 1:
                raise IndexCorrupt(index_dir, exc) from None
    raise AssertionError("unreachable")


def _open_index_once(index_dir: str) -> tuple[Any, str, dict[str, Any]]:
    current = store.read_current(index_dir)
    if current.get("schema") != SCHEMA_VERSION:
        raise SchemaMismatch(index_dir, current.get("schema"), SCHEMA_VERSION)
    data_dir = os.path.join(index_dir, current["data"])
    try:
        ix = whoosh_index.open_dir(data_dir)
    except _MOVED_ON:
        raise
    except DAMAGE_ERRORS as exc:
        raise IndexCorrupt(index_dir, exc) from None
    except (AttributeError, ImportError) as exc:  # a pickled schema class since renamed
        detail = f"its schema cannot be loaded by this version ({type(exc).__name__}: {exc})"
        raise IndexCorrupt(index_dir, detail) from None
    return ix, data_dir, current


# Searchers that a resident server opened ahead, handed to the answer it forked,
# by the index folder's real path; each is taken once (serveheld.py). They score
# with the weighting of searching.Searcher.
HELD: dict[str, tuple[Any, str]] = {}


def open_searcher(index_dir: str, **kwargs: Any) -> tuple[Any, str]:
    """A Whoosh searcher on the newest commit, every segment open, and its data folder.

    Once open it answers from that commit while writers replace it (its files
    stay open); opening itself starts again when a commit lands in the middle.
    """
    if HELD:
        held = HELD.pop(os.path.realpath(index_dir), None)
        if held is not None:
            return held
    for attempt in range(OPEN_ATTEMPTS):
        ix, data_dir, _ = open_index(index_dir)
        try:
            searcher = ix.searcher(**kwargs)
            try:
                _open_every_file(searcher)
            except BaseException:
                searcher.close()
                raise
            return searcher, data_dir
        except _MOVED_ON as exc:
            if attempt == OPEN_ATTEMPTS - 1:
                raise IndexCorrupt(index_dir, exc) from None
        except DAMAGE_ERRORS as exc:
            raise IndexCorrupt(index_dir, exc) from None
    raise AssertionError("unreachable")


def _open_every_file(searcher: Any) -> None:
    """Open each segment's column files now: stored fields, field lengths, sort
    columns. Whoosh opens them on first use, and with segments kept as separate
    files a commit that merges segments may delete them before that; an open
    file stays readable after it is deleted, a late open finds nothing (and
    Whoosh then fails with a TypeError on the missing stored fields)."""
    for leaf, _ in searcher.reader().leaf_readers():
        if not leaf.doc_count_all():
            continue
        try:
            leaf.stored_fields(0)
        except TypeError:  # how Whoosh says the stored-fields file is not there
            raise FileNotFoundError(f"the stored fields of {leaf.segment()} are gone") from None
        for name, field in leaf.schema.items():
            if field.scorable:
                leaf.doc_field_length(0, name)
            if field.column_type is not None and leaf.has_column(name):
                leaf.column_reader(name)


def _folder_size(path: str) -> int:
    return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())


def stats(index_dir: str) -> IndexStats:
    from .reports import IndexStats
    from .shards import is_sharded

    if is_sharded(index_dir):
        from .shards.info import stats as sharded_stats

        return sharded_stats(index_dir)
    searcher, data_dir = open_searcher(index_dir)
    with searcher:
        reader = searcher.reader()
        manifest = store.read_manifest(data_dir, reader.generation())
        documents = reader.doc_count()
        segments = len(reader.leaf_readers()) if hasattr(reader, "leaf_readers") else 1
        fields = tuple(searcher.schema.names())
    return IndexStats(
        path=os.path.abspath(index_dir),
        documents=documents,
        size_bytes=_folder_size(data_dir),
        segments=segments,
        fields=fields,
        schema_version=SCHEMA_VERSION,
        last_update=manifest.updated if manifest else None,
        roots=tuple(manifest.roots) if manifest else (),
        choice=_choice(manifest),
    )


def _choice(manifest: store.Manifest | None) -> dict[str, Any]:
    from .ignoring import FileChoice

    return FileChoice.from_dict(manifest.choice if manifest else None).to_dict()
