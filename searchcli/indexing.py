"""Build and sync the Whoosh index: incremental updates, atomic rebuilds, stats.

One writer per run, one commit per run. Incremental runs compare each file's
size and mtime with the manifest and re-read only what changed. Rebuilds write
a fresh data folder and switch `CURRENT` to it only once it is complete.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from whoosh import index as whoosh_index

from . import dupstore, interrupts, store, writers
from .documents import SourceFile, parse_file, parse_stream, walk
from .errors import (
    BadDocument,
    IndexCorrupt,
    IndexNotFound,
    IndexWriteError,
    SearchError,
)
from .ignoring import HIDDEN, FileChoice, compile_globs
from .models import Document, IndexReport, Skip
from .noticesync import NoticeSync
from .opening import DAMAGE_ERRORS, open_index
from .schema import SCHEMA_VERSION, make_schema
from .shards import is_sharded
from .timefilter import moment_of
from .writers import open_writer

Progress = Callable[[int, int], None]  # (files done, files to read)


def _abs(path: str) -> str:
    return os.path.abspath(path)


class _Run:
    """One indexing run: what it was asked to do, and its counters, skips and ids seen."""

    def __init__(
        self,
        paths: Sequence[str],
        index_dir: str,
        fmt: str | None,
        stdin: IO[bytes] | None,
        on_skip: Callable[[Skip], None] | None,
        progress: Progress | None,
        on_pass: Callable[[str, str], None] | None = None,
    ) -> None:
        self.started = time.perf_counter()
        # absolute from here on: stored paths open from any folder
        self.file_paths = [_abs(p) for p in paths if p != "-"]
        self.index_dir = index_dir
        self.fmt = fmt
        self.stdin = stdin
        self.on_skip = on_skip
        self.on_pass = on_pass
        self.progress = progress
        self.skipped: list[Skip] = []
        self.added = self.updated = self.removed = self.unchanged = 0
        self.hidden = self.ignored = 0
        self.given: dict[str, Any] = {}  # file-choice options given this run (None: remembered)
        self.choice = FileChoice()
        self.seen_ids: dict[str, str] = {}  # id -> where it came from, this run
        self.dups = dupstore.DupTracker()  # near-duplicates; an update starts from the last
        self.notices = NoticeSync("")  # set up for the run's data folder by the writer
        self.route: Callable[[str], bool] | None = None  # a shard's: which ids are its own

    def write(self, writer: Any, doc: Document, update: bool = False) -> None:
        """Hand a document to the writer; notices decide when and with which body."""
        self.notices.add(writer, _fields(doc), update)

    def skip(self, s: Skip) -> None:
        self.skipped.append(s)
        if self.on_skip:
            self.on_skip(s)

    def accept(self, doc: Document) -> bool:
        """False (and a skip) for an id already taken in this run: the first wins.
        False, quietly, for a document another shard holds."""
        if self.route is not None and not self.route(doc.id):
            return False
        first = self.seen_ids.get(doc.id)
        if first is not None:
            self.skip(Skip(doc.path or "-", f"duplicate id {doc.id!r} (first in {first})"))
            return False
        self.seen_ids[doc.id] = doc.path or "-"
        return True

    def documents(self, sf: SourceFile) -> Iterator[Document]:
        try:
            for item in parse_file(sf, self.fmt):
                if isinstance(item, Skip):
                    self.skip(item)
                elif self.accept(item):
                    yield item
        except BadDocument as exc:
            self.skip(Skip(exc.path, exc.reason, exc.line))
        except OSError as exc:
            self.skip(Skip(sf.path, exc.strerror or str(exc)))

    def choose(self, previous: store.Manifest | None) -> None:
        """The file choice for this run: the options given, else the index's remembered ones."""
        remembered = FileChoice.from_dict(previous.choice) if previous else FileChoice()
        self.choice = remembered.but(**self.given)

    def passed(self, path: str, why: str) -> None:
        if why == HIDDEN:
            self.hidden += 1
        else:
            self.ignored += 1
        if self.on_pass:
            self.on_pass(path, why)

    def walk(self) -> list[SourceFile]:
        """The files to index; the index folder itself is never indexed (`index .`)."""
        return list(
            walk(self.file_paths, self.skip, [self.index_dir], self.choice, on_pass=self.passed)
        )

    def done(self, count: int, total: int) -> None:
        interrupts.check()  # a stop signal whose raise was dropped (interrupts.py)
        if self.progress:
            self.progress(count, total)

    def report(self, rebuilt: bool) -> IndexReport:
        return IndexReport(
            added=self.added,
            updated=self.updated,
            removed=self.removed,
            unchanged=self.unchanged,
            skipped=tuple(self.skipped),
            seconds=time.perf_counter() - self.started,
            rebuilt=rebuilt,
            hidden=self.hidden,
            ignored=self.ignored,
        )


def _index_file(writer: Any, run: _Run, sf: SourceFile, manifest: store.Manifest) -> list[str]:
    """Add one file's documents; record its size, mtime, ids and skips in the manifest."""
    before = len(run.skipped)
    ids = []
    for doc in run.documents(sf):
        run.write(writer, doc)
        run.dups.add(doc)
        ids.append(doc.id)
    run.notices.file_done(writer, sf.path)
    skips = [[s.reason, s.line] for s in run.skipped[before:] if s.path == sf.path]
    manifest.files[_abs(sf.path)] = [sf.size, sf.mtime_ns, ids, skips]
    return ids


def _fields(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "source": doc.source,
        "path": doc.path,
        "date": doc.date or "",
        "author": doc.author or "",
        "site": doc.site or "",
        "moment": moment_of(doc.date) or 0,
    }


def _add_stream(writer: Any, run: _Run, update: bool) -> None:
    if run.stdin is None:
        return
    for item in parse_stream(run.stdin, "-"):
        if isinstance(item, Skip):
            run.skip(item)
        elif run.accept(item):
            run.write(writer, item, update)
            run.dups.add(item)
            run.added += 1


def _commit(writer: Any, run: _Run, data_dir: str, manifest: store.Manifest) -> int:
    """Write the near-duplicate groups, the manifest and the notice tally for the
    coming generation, then commit; returns the generation."""
    interrupts.check()
    generation = writer.generation
    run.dups.write(data_dir, generation)
    store.write_manifest(data_dir, generation, manifest)
    run.notices.save(generation)
    writer.commit(merge=True)
    store.prune_manifests(data_dir, generation)
    run.notices.prune(generation)
    dupstore.prune(data_dir, generation)
    _record_docnums(data_dir, generation)
    return generation


def _record_docnums(data_dir: str, generation: int) -> None:
    """The groups of a committed generation as document numbers, for searchers (which
    look the ids up themselves while this file is missing)."""
    groups = dupstore.read_groups(data_dir, generation)
    if groups is None:
        return
    with contextlib.suppress(*DAMAGE_ERRORS):
        with whoosh_index.open_dir(data_dir).searcher() as s:
            if s.reader().generation() != generation:
                return  # another commit landed meanwhile (cannot happen under the lock)
            numbers = [[_docnum(s, doc_id) for doc_id in ids] for ids in groups]
        dupstore.write_docnums(data_dir, generation, numbers)


def _docnum(searcher: Any, doc_id: str) -> int:
    docnum = searcher.document_number(id=doc_id)
    return -1 if docnum is None else int(docnum)


def _cancel(writer: Any, run: _Run) -> None:
    """Drop an unfinished writer's work (see writers.cancel: a commit that
    failed, disk full, has closed it already; its error is the one to report)."""
    run.notices.close()
    writers.cancel(writer)


def _os_error(index_dir: str, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"could not write the index in {index_dir}: {reason}. The previous index is unchanged."
    )


def rebuild(paths: Sequence[str], index_dir: str, **options: Any) -> IndexReport:
    """Build a fresh index beside the live one and switch to it when complete.

    Takes the same keyword options as `update`.
    """
    return update(paths, index_dir, rebuild=True, **options)


def _rebuild_locked(run: _Run) -> IndexReport:
    index_dir = run.index_dir
    try:
        current = store.read_current(index_dir)
    except SearchError:
        current = None
    run.choose(store.latest_manifest(index_dir))
    store.remove_stale_data_dirs(index_dir, current["data"] if current else None)
    data_dir = ""
    try:
        data_dir = store.new_data_dir(index_dir)
        ix = whoosh_index.create_in(data_dir, make_schema())
        files = run.walk()
        writer = open_writer(ix, sum(sf.size for sf in files))
        run.notices = NoticeSync(data_dir)
        run.dups.spill_dir = data_dir  # signatures wait on the index's disk, not in memory
        try:
            manifest = store.Manifest(
                SCHEMA_VERSION, roots=list(run.file_paths), choice=run.choice.to_dict()
            )
            for done, sf in enumerate(files, 1):
                run.added += len(_index_file(writer, run, sf, manifest))
                run.done(done, len(files))
            _add_stream(writer, run, update=False)
            run.notices.finish(writer, None)
            _commit(writer, run, data_dir, manifest)
        except BaseException:
            _cancel(writer, run)
            raise
        store.switch_current(index_dir, data_dir, SCHEMA_VERSION)
    except OSError as exc:
        if data_dir:
            store.remove_stale_data_dirs(index_dir, current["data"] if current else None)
        raise _os_error(index_dir, exc) from None
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: clear the unfinished build away now
        if data_dir:
            # CURRENT read again: the interrupt may have come just after the switch.
            store.remove_stale_data_dirs(index_dir, _live_data_dir(index_dir))
        raise
    store.remove_stale_data_dirs(index_dir, os.path.basename(data_dir))
    return run.report(rebuilt=True)


def _live_data_dir(index_dir: str) -> str | None:
    try:
        return str(store.read_current(index_dir)["data"])
    except SearchError:
        return None


def _manifest_from_index(ix: Any) -> store.Manifest:
    """Recover a manifest from stored fields (size/mtime unknown: every file re-read)."""
    manifest = store.Manifest(SCHEMA_VERSION)
    with ix.searcher() as s:
        for fields in s.all_stored_fields():
            path = fields.get("path") or ""
            if path and path != "-":
                manifest.files.setdefault(_abs(path), [-1, -1, []])[2].append(fields["id"])
    return manifest


def _stored_texts(ix: Any) -> Iterator[tuple[str, str, str]]:
    """(id, title, body) of every document: to hash an index that has no signatures."""
    with ix.searcher() as s:
        for fields in s.all_stored_fields():
            yield fields.get("id", ""), fields.get("title") or "", fields.get("body") or ""


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def update(
    paths: Sequence[str],
    index_dir: str,
    *,
    rebuild: bool = False,
    fmt: str | None = None,
    stdin: IO[bytes] | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    progress: Progress | None = None,
    wait: float = 0.0,
    exclude: Sequence[str] | None = None,
    include: Sequence[str] | None = None,
    hidden: bool | None = None,
    ignore_files: bool | None = None,
    on_pass: Callable[[str, str], None] | None = None,
    route: Callable[[str], bool] | None = None,
    shards: int | None = None,
    scheduler: str | None = None,
) -> IndexReport:
    """Bring the index in step with `paths`: add new, re-read changed, drop deleted files.

    With `rebuild`, or when there is no index yet, build a fresh one beside the
    live one instead and switch to it when complete.

    `exclude`/`include` (gitignore-style globs), `hidden` and `ignore_files` choose the
    files (see ignoring.py); None keeps what the index remembers from its last run, and
    what is given is remembered. Files the choice now leaves out are removed;
    on_pass(path, why) hears of each file or folder it leaves out.

    `shards=N` builds (or `--rebuild`s) a sharded index, `scheduler` names a Dask
    cluster to build on, and a sharded index is always updated as one (shards/).
    `route(id)` keeps only the documents a shard holds.
    """
    if route is None and (shards is not None or is_sharded(index_dir)):
        from .shards.build import update_sharded

        return update_sharded(
            paths, index_dir, shards=shards, scheduler=scheduler, rebuild=rebuild,
            stdin=stdin, on_skip=on_skip, progress=progress, wait=wait, on_pass=on_pass,
            fmt=fmt, exclude=exclude, include=include, hidden=hidden, ignore_files=ignore_files,
        )  # fmt: skip
    run = _Run(paths, index_dir, fmt, stdin, on_skip, progress, on_pass)
    run.route = route
    run.given = {
        "exclude": exclude,
        "include": include,
        "hidden": hidden,
        "ignore_files": ignore_files,
    }
    for globs in (exclude, include):
        compile_globs(tuple(globs or ()))  # a bad pattern fails before anything is touched
    with store.write_lock(index_dir, wait):
        if not rebuild:
            try:
                ix, data_dir, _ = open_index(index_dir)
            except IndexNotFound:
                rebuild = True
        if rebuild:
            return _rebuild_locked(run)
        return _update_locked(run, ix, data_dir)


def _update_locked(run: _Run, ix: Any, data_dir: str) -> IndexReport:
    index_dir = run.index_dir
    roots = run.file_paths
    store.remove_stale_data_dirs(index_dir, os.path.basename(data_dir))
    generation = ix.latest_generation()
    manifest = store.read_manifest(data_dir, generation)
    run.dups = dupstore.DupTracker((data_dir, generation), lambda: _stored_texts(ix))
    if manifest is None:
        manifest = _manifest_from_index(ix)
    run.choose(manifest)
    chosen_anew = manifest.choice != run.choice.to_dict()
    manifest.choice = run.choice.to_dict()
    files = run.walk()
    seen = {_abs(sf.path) for sf in files}
    changed: list[SourceFile] = []
    for sf in files:
        entry = manifest.files.get(_abs(sf.path))
        if entry is not None and entry[0] == sf.size and entry[1] == sf.mtime_ns:
            run.unchanged += len(entry[2])
            for doc_id in entry[2]:
                run.seen_ids.setdefault(doc_id, sf.path)
            for reason, line in entry[3] if len(entry) > 3 else ():
                run.skip(Skip(sf.path, reason, line))  # still there: report it every run
        else:
            changed.append(sf)
    gone = [p for p in manifest.files if p not in seen and _under(p, roots)]
    # Files outside this run's roots keep their documents, and so their ids: a
    # new document with one of those ids is skipped as a duplicate, as in a rebuild.
    for path, entry in manifest.files.items():
        if path not in seen and not _under(path, roots):
            for doc_id in entry[2]:
                run.seen_ids.setdefault(doc_id, path)
    if not changed and not gone and run.stdin is None and not chosen_anew:
        if run.dups.missing():  # an index from before near-duplicates were grouped
            run.dups.write(data_dir, generation)
        if run.dups.missing_docnums():
            _record_docnums(data_dir, generation)
        return run.report(rebuilt=False)
    try:
        writer = open_writer(ix, sum(sf.size for sf in changed))
        try:
            run.notices = NoticeSync.load(ix, data_dir, ix.latest_generation())
            old_ids: set[str] = set()
            for path in gone:
                old_ids.update(manifest.files.pop(path)[2])
            for sf in changed:
                entry = manifest.files.get(_abs(sf.path))
                if entry is not None:
                    old_ids.update(entry[2])
            for doc_id in old_ids:
                writer.delete_by_term("id", doc_id)
                run.notices.forget(doc_id)
                run.dups.remove(doc_id)
            for done, sf in enumerate(changed, 1):
                for doc_id in _index_file(writer, run, sf, manifest):
                    if doc_id in old_ids:
                        run.updated += 1
                    else:
                        run.added += 1
                run.done(done, len(changed))
            _add_stream(writer, run, update=True)
            run.notices.finish(writer, ix)
            new_ids = set(run.seen_ids)
            run.removed = len(old_ids - new_ids)
            manifest.roots = sorted(set(manifest.roots) | set(roots))
            _commit(writer, run, data_dir, manifest)
        except BaseException:
            _cancel(writer, run)
            raise
    except OSError as exc:
        if exc.errno == errno.ENOENT:  # a segment file of the live index is gone
            raise IndexCorrupt(index_dir, exc) from None
        raise _os_error(index_dir, exc) from None
    except DAMAGE_ERRORS as exc:  # the writer read a damaged segment
        raise IndexCorrupt(index_dir, exc) from None
    return run.report(rebuilt=False)
