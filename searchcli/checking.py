"""Verify an index the way `PRAGMA integrity_check` or Lucene's CheckIndex do.

    check_index(index_dir) -> CheckReport

Reads the live state only (what `CURRENT` and Whoosh's newest TOC name), so a
check beside a running `index` sees the last commit, like any search. Checks, in
order: CURRENT and the schema version; the Whoosh table of contents; each
segment opens; every stored document reads back with an id, and no id appears
twice; every indexed field's term dictionary reads to its end, and postings read
back for a spread of terms (all of them on small indexes), agreeing with the
document frequency the dictionary records; the per-document field lengths and
the date column read; the live documents match the manifest's ids, and the
notice tally (noticesync.py) counts only documents the index holds.

Damage is reported as sentences in `problems`; things that are odd but harmless
(a missing manifest, which only makes the next run re-read every file) go to
`notes`. The Whoosh objects come from opening.open_index, so this module needs
no Whoosh import of its own.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from . import store
from .errors import IndexNotFound, SearchError
from .models import CheckReport
from .noticesync import check_sidecar
from .opening import open_index
from .schema import terms
from .shards import is_sharded

# Postings decoded per check, at most: a few seconds of work on a 50k-document
# index. Every term's dictionary entry is always read; beyond this budget the
# postings of evenly spread terms (first and last of each field included) are.
POSTINGS_BUDGET = 1_000_000
# Checks of a commit that a writer replaced in the meantime, at most.
ATTEMPTS = 3
# Problems listed one by one before the rest are summarised in a count.
MAX_LISTED = 20

# Any failure to read the index's own files is damage to report, whatever
# Whoosh raised for it (struct, pickle, zlib, EOF, OS errors and more), so the
# check itself never fails on the damage it exists to find.
DAMAGE_ERRORS = Exception


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.hidden = 0

    def add(self, text: str) -> None:
        if len(self.items) < MAX_LISTED:
            self.items.append(text)
        else:
            self.hidden += 1

    def final(self) -> tuple[str, ...]:
        more = (f"... and {self.hidden} more problems",) if self.hidden else ()
        return tuple(self.items) + more


def _why(exc: BaseException) -> str:
    kind = type(exc).__name__
    if kind == "error":  # struct.error, zlib.error: name the module
        kind = f"{type(exc).__module__}.{kind}"
    text = str(exc)
    return f"{kind}: {text}" if text else kind


def check_index(index_dir: str | os.PathLike[str] | None) -> CheckReport:
    """Check the live index in index_dir. IndexNotFound when there is none."""
    index_dir = store.resolve_index_dir(index_dir)
    if is_sharded(index_dir):
        from .shards.info import check

        return check(index_dir)
    started = time.perf_counter()
    for _ in range(ATTEMPTS):
        report, state = _check_once(index_dir, started)
        if report.ok or state is None or _live_state(index_dir) == state:
            break
        # A writer committed during the check and removed files it was
        # reading: check the new commit rather than report a false alarm.
    return report


def _live_state(index_dir: str) -> tuple[str, int] | None:
    """(data folder, Whoosh generation) of the live index."""
    try:
        ix, data_dir, _ = open_index(index_dir)
        return os.path.basename(data_dir), ix.latest_generation()
    except SearchError:
        return None


def _check_once(index_dir: str, started: float) -> tuple[CheckReport, tuple[str, int] | None]:
    problems = _Problems()
    notes: list[str] = []
    try:
        ix, data_dir, _ = open_index(index_dir)
    except IndexNotFound:
        raise
    except SearchError as exc:  # damaged CURRENT or TOC, or an old schema
        return _report(index_dir, started, (str(exc),), (), 0, 0), None
    state = (os.path.basename(data_dir), ix.latest_generation())
    try:
        toc = ix._read_toc()
        generation, schema, segments = toc.generation, toc.schema, list(toc.segments)
    except DAMAGE_ERRORS as exc:
        problems.add(f"the table of contents cannot be read ({_why(exc)})")
        return _report(index_dir, started, problems.final(), (), 0, 0), state

    ids: dict[str, int] = {}  # id -> times seen
    file_ids: set[str] = set()  # ids of documents that came from files
    stride = _stride(segments)
    for number, segment in enumerate(segments, 1):
        name = f"segment {number} of {len(segments)} ({_segment_name(segment)})"
        try:
            reader = type(ix)._reader(ix.storage, schema, [segment], generation)
        except DAMAGE_ERRORS as exc:
            problems.add(f"{name} cannot be opened ({_why(exc)})")
            continue
        try:
            _check_segment(reader, name, problems, ids, file_ids, stride)
        finally:
            try:
                reader.close()
            except DAMAGE_ERRORS:
                pass

    documents = sum(ids.values())
    complete = not problems.items
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        problems.add(
            f"{len(duplicates)} document ids appear more than once "
            f"(for example {_show(duplicates[0])})"
        )
    if complete:  # else the documents that could not be read would all show up again
        _check_manifest(data_dir, generation, set(ids), file_ids, problems, notes)
        unknown, note = check_sidecar(data_dir, generation, set(ids))
        if unknown:
            problems.add(
                f"{len(unknown)} documents counted in the notice tally are not in the "
                f"index (for example {_show(min(unknown))})"
            )
        notes.extend([note] if note else [])
    report = _report(index_dir, started, problems.final(), tuple(notes), documents, len(segments))
    return report, state


def _report(
    index_dir: str,
    started: float,
    problems: tuple[str, ...],
    notes: tuple[str, ...],
    documents: int,
    segments: int,
) -> CheckReport:
    return CheckReport(
        ok=not problems,
        documents=documents,
        problems=problems,
        notes=notes,
        segments=segments,
        path=os.path.abspath(index_dir),
        seconds=time.perf_counter() - started,
    )


def _segment_name(segment: Any) -> str:
    try:
        return str(segment.segment_id())
    except Exception:  # a segment object from a damaged TOC: any name will do
        return "?"


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _stride(segments: list[Any]) -> int:
    """Decode the postings of every stride-th term (1: all of them), from a rough
    estimate of the postings in the index: documents x 200 (distinct terms a
    document, over all fields)."""
    docs = 0
    for segment in segments:
        try:
            docs += int(segment.doc_count_all())
        except DAMAGE_ERRORS:
            pass
    return max(1, docs * 200 // POSTINGS_BUDGET)


def _check_segment(
    reader: Any,
    name: str,
    problems: _Problems,
    ids: dict[str, int],
    file_ids: set[str],
    stride: int,
) -> None:
    try:
        live = list(reader.all_doc_ids())
        total = reader.doc_count_all()
    except DAMAGE_ERRORS as exc:
        problems.add(f"{name}: the list of deleted documents cannot be read ({_why(exc)})")
        return
    unreadable = 0
    first_error = ""
    lengths = _Lengths(reader)
    for docnum in live:
        try:
            fields = reader.stored_fields(docnum)
        except DAMAGE_ERRORS as exc:
            unreadable += 1
            first_error = first_error or f"document {docnum}: {_why(exc)}"
            continue
        doc_id = fields.get("id") if isinstance(fields, dict) else None
        if not isinstance(doc_id, str) or not doc_id:
            unreadable += 1
            first_error = first_error or f"document {docnum} has no id"
            continue
        lengths.check(docnum, fields)
        ids[doc_id] = ids.get(doc_id, 0) + 1
        if fields.get("path") not in (None, "", "-"):
            file_ids.add(doc_id)
    if unreadable:
        problems.add(
            f"{name}: {unreadable} of {len(live)} stored documents cannot be read "
            f"(first: {first_error})"
        )
    lengths.report(name, problems)
    for fieldname in _indexed_fields(reader, name, problems):
        _check_field(reader, fieldname, name, (total, total - len(live)), stride, problems)
    _check_columns(reader, live, name, problems)


def _indexed_fields(reader: Any, name: str, problems: _Problems) -> Iterator[str]:
    try:
        fieldnames = sorted(reader.indexed_field_names())
    except DAMAGE_ERRORS as exc:
        problems.add(f"{name}: the field list cannot be read ({_why(exc)})")
        return
    yield from fieldnames


def _check_field(
    reader: Any,
    fieldname: str,
    name: str,
    counts: tuple[int, int],
    stride: int,
    problems: _Problems,
) -> None:
    """Read the field's whole term dictionary, and the postings of a spread of terms.
    counts: (documents in the segment, deleted ones)."""
    total, deleted = counts
    where = f"{name}, field {fieldname!r}"
    last: tuple[bytes, Any] | None = None
    n = 0
    try:
        for n, (text, info) in enumerate(reader.iter_field(fieldname)):
            last = (text, info)
            if n % stride == 0:
                _check_postings(reader, fieldname, text, info, total, deleted)
        if last is not None and n % stride != 0:
            _check_postings(reader, fieldname, last[0], last[1], total, deleted)
    except _BadPostings as exc:
        problems.add(f"{where}: {exc}")
    except DAMAGE_ERRORS as exc:
        after = f" after term {n + 1}" if last is not None else ""
        problems.add(f"{where}: the term dictionary cannot be read{after} ({_why(exc)})")


class _BadPostings(Exception):
    pass


def _check_postings(
    reader: Any, fieldname: str, text: bytes, info: Any, total: int, deleted: int
) -> None:
    """The term's postings decode, in order, within the segment, and as many as the
    dictionary says: it counts deleted documents too, which postings() leaves out."""
    term = text.decode("utf-8", "replace")
    try:
        docnums = list(reader.postings(fieldname, text).all_ids())
    except DAMAGE_ERRORS as exc:
        raise _BadPostings(f"the postings of {term!r} cannot be read ({_why(exc)})") from None
    expected = info.doc_frequency()
    if not len(docnums) <= expected <= len(docnums) + deleted:
        raise _BadPostings(
            f"the postings of {term!r} list {len(docnums)} documents, "
            f"the term dictionary says {expected}"
        )
    if docnums and (docnums[-1] >= total or docnums != sorted(set(docnums))):
        raise _BadPostings(f"the postings of {term!r} point at documents that do not exist")


def _check_columns(reader: Any, live: list[int], name: str, problems: _Problems) -> None:
    """Sortable columns: present and readable for every live document."""
    columns = [f for f, field in reader.schema.items() if field.column_type is not None]
    for fieldname in columns:
        try:
            if not reader.has_column(fieldname):
                if live:  # every document gives every column a value
                    problems.add(f"{name}: the column of field {fieldname!r} is missing")
                continue
            column = reader.column_reader(fieldname)
            for docnum in live:
                column[docnum]
        except DAMAGE_ERRORS as exc:
            problems.add(f"{name}: the column of field {fieldname!r} cannot be read ({_why(exc)})")


class _Lengths:
    """Each document's recorded field lengths (BM25F's length normalisation)
    against its stored text. A lengths file cut short or lost reads as zeros,
    silently, so a zero length for a field whose text has words is damage."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.fields = [f for f, field in reader.schema.items() if field.scorable and field.stored]
        self.wrong: dict[str, int] = {}
        self.error: dict[str, str] = {}

    def check(self, docnum: int, stored: dict[str, Any]) -> None:
        for fieldname in self.fields:
            if fieldname in self.error:
                continue
            try:
                length = self.reader.doc_field_length(docnum, fieldname)
            except DAMAGE_ERRORS as exc:
                self.error[fieldname] = _why(exc)
                continue
            if not length and terms(str(stored.get(fieldname) or "")):
                self.wrong[fieldname] = self.wrong.get(fieldname, 0) + 1

    def report(self, name: str, problems: _Problems) -> None:
        for fieldname, why in self.error.items():
            problems.add(f"{name}: the lengths of field {fieldname!r} cannot be read ({why})")
        for fieldname, count in self.wrong.items():
            problems.add(
                f"{name}: {count} documents have no recorded length for field {fieldname!r} "
                "although their text has words (its lengths file is cut short or missing)"
            )


def _check_manifest(
    data_dir: str,
    generation: int,
    all_ids: set[str],
    file_ids: set[str],
    problems: _Problems,
    notes: list[str],
) -> None:
    """The manifest's ids against the index's: every listed id present (a JSON-lines
    record from stdin may have replaced it, so any document counts), and every
    document that came from a file listed."""
    manifest = store.read_manifest(data_dir, generation)
    if manifest is None:
        notes.append(
            f"manifest-{generation}.json is missing or unreadable: the next index run "
            "re-reads every file (the index itself is usable)"
        )
        return
    listed: set[str] = set()
    for entry in manifest.files.values():
        try:
            listed.update(str(i) for i in entry[2])
        except (TypeError, IndexError):
            problems.add("the manifest has an entry in an unknown layout")
            return
    missing = listed - all_ids
    extra = file_ids - listed
    if missing:
        problems.add(
            f"{len(missing)} documents listed in the manifest are not in the index "
            f"(for example {_show(min(missing))})"
        )
    if extra:
        problems.add(
            f"{len(extra)} documents in the index are not listed in the manifest "
            f"(for example {_show(min(extra))})"
        )
