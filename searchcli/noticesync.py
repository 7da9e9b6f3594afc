"""Keep notices out of stored bodies as documents come and go (rules in notices.py).

Whether a paragraph is boilerplate depends on the other documents of its group, so an
indexing run cannot settle a document's body when it reads it. A run therefore:

1. tallies, per group, how many documents hold each paragraph fingerprint (loaded from
   the sidecar of the live generation, or counted from the stored documents);
2. forgets the documents it deletes, and holds back each document it reads that has
   fingerprints (spilled to a temporary file, so memory stays flat); documents without
   any are written at once, since only the edge rule applies to them;
3. at the end writes the held-back documents with the group's final common paragraphs,
   and re-indexes from their stored fields the documents already in the index that
   hold a paragraph which became common, or stopped being common, in this run;
4. saves the tally as `notices-G.json` beside `manifest-G.json`, written before the
   commit that creates generation G, so the two always describe the same documents.

A rebuild starts from an empty tally, so it stores the same bodies as any sequence of
incremental runs that ends with the same documents.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from . import notices, store
from .noticetally import Tally

SIDECAR_VERSION = 1


def sidecar_path(data_dir: str, generation: int) -> str:
    return os.path.join(data_dir, f"notices-{generation}.json")


def stored_fields(fields: dict[str, Any], common: frozenset[str] = frozenset()) -> None:
    """Set `body` and `notices` of a document's fields from its paragraphs as parsed."""
    paragraphs, sep = notices.split(fields["body"])
    fields["body"], found = notices.separate(paragraphs, common, sep, fields.get("title") or "")
    fields["notices"] = notices.to_stored(sep, found)


class NoticeSync:
    """One run's view of the tally, and the documents it holds back."""

    def __init__(self, data_dir: str, tally: Tally | None = None) -> None:
        self.data_dir = data_dir
        self.tally = Tally() if tally is None else tally
        self.before: dict[str, frozenset[str]] = {}  # group -> common set at start
        # ids this run writes or deletes: only a run on top of an index needs them (to
        # tell which of its documents to re-index), so a rebuild keeps none
        self.written: set[str] | None = None if tally is None else set()
        self._spill: IO[bytes] | None = None
        # the held-back documents of JSON files' groups, written when their file is read
        self._file_spills: dict[str, IO[bytes]] = {}

    # -- loading and saving ------------------------------------------------------------

    @classmethod
    def load(cls, ix: Any, data_dir: str, generation: int) -> NoticeSync:
        """The tally behind `generation`; counted from the stored documents when its
        sidecar is missing or unreadable."""
        tally = read_sidecar(sidecar_path(data_dir, generation))
        if tally is None:
            tally = tally_from_index(ix)
        return cls(data_dir, tally)

    def save(self, generation: int) -> None:
        """Write the tally as `notices-G.json`, a document at a time (the whole record
        as one string would take a few hundred bytes a document at once)."""
        groups: dict[str, int] = {}
        with store.atomic_file(sidecar_path(self.data_dir, generation)) as f:
            # ASCII: an id from an undecodable file name holds lone surrogates, which
            # JSON escapes and reads back as they were
            f.write(b'{"docs":{')
            for n, (doc_id, group, fps) in enumerate(self.tally.items()):
                number = groups.setdefault(group, len(groups))
                line = f'{"," if n else ""}{json.dumps(doc_id)}:[{number},"{" ".join(fps)}"]'
                f.write(line.encode("ascii"))
            groups_text = json.dumps(list(groups), separators=(",", ":"))
            tail = f'}},"groups":{groups_text},"version":{SIDECAR_VERSION}}}'
            f.write(tail.encode("ascii"))

    def prune(self, generation: int) -> None:
        keep = os.path.basename(sidecar_path(self.data_dir, generation))
        for name in os.listdir(self.data_dir):
            if name.startswith("notices-") and name != keep:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.data_dir, name))

    # -- during the run ------------------------------------------------------------------

    def _touch(self, group: str) -> None:
        if group not in self.before:
            self.before[group] = self.tally.common(group)

    def forget(self, doc_id: str) -> None:
        """A document this run deletes."""
        if self.written is not None:
            self.written.add(doc_id)
        group = self.tally.group(doc_id)
        if group is not None:
            self._touch(group)
            self.tally.remove(doc_id)

    def add(self, writer: Any, fields: dict[str, Any], update: bool = False) -> None:
        """Write a parsed document now, or hold it back until the run's tally is known."""
        doc_id = fields["id"]
        self.forget(doc_id)
        fps = notices.fingerprints(notices.split(fields["body"])[0])
        if not fps:
            stored_fields(fields)
            (writer.update_document if update else writer.add_document)(**fields)
            return
        group = notices.group_of(fields["source"], fields["path"])
        self._touch(group)
        self.tally.add(doc_id, group, fps)
        if group.startswith(notices.FILE_GROUP):
            spill = self._file_spills.get(group)
            if spill is None:
                spill = self._file_spills[group] = tempfile.TemporaryFile(dir=self.data_dir)
        else:
            if self._spill is None:
                self._spill = tempfile.TemporaryFile(dir=self.data_dir)
            spill = self._spill
        pickle.dump((fields, group, update), spill, pickle.HIGHEST_PROTOCOL)

    def file_done(self, writer: Any, path: str) -> None:
        """Every record of the JSON file `path` has been read: its group's tally is
        final (no other file adds to it), so its held-back documents are written now,
        while the rest of the run is read, instead of all at the end."""
        group = notices.group_of("", path)
        spill = self._file_spills.pop(group, None)
        if spill is not None:
            common = self.tally.common(group)
            for fields, _, update in _replay(spill):
                stored_fields(fields, common)
                (writer.update_document if update else writer.add_document)(**fields)
        if group.startswith(notices.FILE_GROUP):
            self.tally.freeze(group)  # no other file adds to it: its counts can go

    def _held_back(self) -> Iterator[tuple[dict[str, Any], str, bool]]:
        spills = list(self._file_spills.values())
        self._file_spills = {}
        if self._spill is not None:
            spills.append(self._spill)
            self._spill = None
        for spill in spills:
            yield from _replay(spill)

    def finish(self, writer: Any, ix: Any | None) -> int:
        """Write the held-back documents, and re-index the documents of `ix` (the index
        as it was before this run) whose bodies change; returns how many those were."""
        after = {group: self.tally.common(group) for group in self.before}
        for fields, group, update in self._held_back():
            stored_fields(fields, after[group])
            (writer.update_document if update else writer.add_document)(**fields)
        flipped = {g: self.before[g] ^ after[g] for g in after if self.before[g] != after[g]}
        if not flipped or ix is None:
            return 0
        written = self.written or set()
        stale = [
            doc_id
            for doc_id, group, fps in self.tally.items()
            if group in flipped and doc_id not in written and flipped[group].intersection(fps)
        ]
        return _reindex(writer, ix, stale, self.tally, after)

    def close(self) -> None:
        """Drop what is held back (a run that failed)."""
        for spill in [*self._file_spills.values(), *([self._spill] if self._spill else [])]:
            spill.close()
        self._file_spills = {}
        self._spill = None


def _replay(spill: IO[bytes]) -> Iterator[tuple[dict[str, Any], str, bool]]:
    """The documents pickled into `spill`, in order; closes it."""
    with spill:
        spill.seek(0)
        while True:
            try:
                yield pickle.load(spill)
            except EOFError:
                return


def _reindex(
    writer: Any, ix: Any, doc_ids: list[str], tally: Tally, common: dict[str, frozenset[str]]
) -> int:
    changed = 0
    with ix.searcher() as searcher:
        for doc_id in doc_ids:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                continue
            fields = dict(searcher.stored_fields(docnum))
            old = (fields.get("body") or "", fields.get("notices") or [])
            fields["body"] = notices.restore(*old)
            stored_fields(fields, common[str(tally.group(doc_id))])
            if (fields["body"], fields["notices"]) == old:
                continue
            writer.delete_by_term("id", doc_id)
            writer.add_document(**fields)
            changed += 1
    return changed


def read_sidecar(path: str) -> Tally | None:
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
        if record.get("version") != SIDECAR_VERSION:
            return None
        groups = record["groups"]
        tally = Tally()
        for doc_id, (gi, fps) in record["docs"].items():
            tally.load(doc_id, groups[gi], fps.split())
        return tally
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def check_sidecar(data_dir: str, generation: int, ids: set[str]) -> tuple[set[str], str | None]:
    """For `searchcli check`: (the ids the tally behind `generation` counts that the
    index lacks, a note when there is no readable tally)."""
    tally = read_sidecar(sidecar_path(data_dir, generation))
    if tally is None:
        note = (
            f"notices-{generation}.json is missing or unreadable: the next index run "
            "counts repeated paragraphs again from the stored documents"
        )
        return set(), note
    return set(tally.ids()) - ids, None


def tally_from_index(ix: Any) -> Tally:
    """Count the fingerprints of every stored document (the sidecar is missing)."""
    tally = Tally()
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            body = notices.restore(fields.get("body") or "", fields.get("notices"))
            fps = notices.fingerprints(notices.split(body)[0])
            if fps:
                group = notices.group_of(fields.get("source") or "", fields.get("path") or "")
                tally.load(fields.get("id", ""), group, fps)
    return tally
