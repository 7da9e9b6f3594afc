"""Near-duplicate groups on disk, beside the Whoosh files of a data folder.

    data-…/neardup-G.npz    every signed document's MinHash signature, by id (indexing only)
    data-…/groups-G.json    {"groups": [[id, id, …], …]}: the groups of two or more
    data-…/docnums-G.json   {"groups": [[n, n, …], …]}: the same as Whoosh document numbers

The first two are written for Whoosh generation G before the commit that creates
it, as the manifest is (`store.write_manifest`), so a searcher on generation G
always finds the groups of exactly the documents it sees. Document numbers exist
only once G is committed, so the third is written just after: a searcher that
finds it skips looking up thousands of ids (a third of a second on the news set);
one that opens before it is written looks them up itself. Searching reads only
these small JSON files; signatures and numpy stay on the indexing side.

`DupTracker` follows one indexing run: the documents it adds and removes on top
of the previous generation's signatures. An index written before near-duplicates
existed has no signatures: they are computed once from the stored fields.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .models import Document
from .store import atomic_file, write_atomic

if TYPE_CHECKING:
    import numpy as np

GROUPS_PREFIX = "groups-"
DOCNUMS_PREFIX = "docnums-"
SIGNATURES_PREFIX = "neardup-"
# Words hashed at a time: hashing takes about 80 bytes a word of short-lived numpy arrays
# (20 MB at this size), which the allocator does not always give back to the system.
_BATCH_WORDS = 1 << 18

# (id, title, body) of every stored document: for an index without signatures
StoredDocuments = Callable[[], Iterable[tuple[str, str, str]]]


def groups_path(data_dir: str, generation: int) -> str:
    return os.path.join(data_dir, f"{GROUPS_PREFIX}{generation}.json")


def signatures_path(data_dir: str, generation: int) -> str:
    return os.path.join(data_dir, f"{SIGNATURES_PREFIX}{generation}.npz")


def docnums_path(data_dir: str, generation: int) -> str:
    return os.path.join(data_dir, f"{DOCNUMS_PREFIX}{generation}.json")


def _read_lists(path: str, kind: type) -> list[list[Any]] | None:
    try:
        with open(path, encoding="ascii") as f:
            groups = json.load(f)["groups"]
        if isinstance(groups, list) and all(
            isinstance(g, list) and all(type(i) is kind for i in g) for g in groups
        ):
            return groups
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def read_groups(data_dir: str, generation: int) -> list[list[str]] | None:
    """The groups of near-duplicate ids of a generation; None when it has none recorded
    (an index built before near-duplicates were detected) or the file is unreadable."""
    return _read_lists(groups_path(data_dir, generation), str)


def read_docnums(data_dir: str, generation: int) -> list[list[int]] | None:
    """The same groups as document numbers (-1: not in the index), when recorded."""
    return _read_lists(docnums_path(data_dir, generation), int)


def write_docnums(data_dir: str, generation: int, groups: list[list[int]]) -> None:
    text = json.dumps({"groups": groups}, separators=(",", ":"))
    write_atomic(docnums_path(data_dir, generation), text + "\n")


def prune(data_dir: str, generation: int) -> None:
    """Remove the files of every other generation."""
    keep = {
        os.path.basename(path(data_dir, generation))
        for path in (groups_path, signatures_path, docnums_path)
    }
    for name in os.listdir(data_dir):
        if name.startswith((GROUPS_PREFIX, SIGNATURES_PREFIX, DOCNUMS_PREFIX)) and name not in keep:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(data_dir, name))


class DupTracker:
    """The signatures of one indexing run: the previous generation's, plus and minus
    the documents the run adds and removes; written with the run's commit.

    Signatures (256 bytes a document) are not kept in memory: a document waiting to
    be hashed is held as its words' hashes, each hashed batch is appended to a
    temporary file beside the index (sigfile.Spill), and `write` groups and writes
    the live rows from there, a piece at a time (sigfile.Sorted). What stays is an
    id's row number in that file."""

    def __init__(
        self,
        previous: tuple[str, int] | None = None,
        stored: StoredDocuments | None = None,
    ) -> None:
        from . import neardup

        self._nd = neardup
        self._hasher: Any = None
        self._previous = previous  # (data folder, generation) to start from
        self._stored = stored
        # where the signatures wait: beside the index (set by the run once it has a folder)
        self.spill_dir: str | None = previous[0] if previous else None
        self._spill: Any = None  # sigfile.Spill, made for the first row
        self._rows: dict[str, int] | None = None  # live id -> its row in the spill
        self._pending: dict[str, Any] = {}  # id -> its words' hashes, waiting to be hashed
        self._pending_words = 0

    # -- the previous generation --------------------------------------------------

    def missing(self) -> bool:
        """True when the previous generation has no groups file (an older index)."""
        return self._previous is not None and read_groups(*self._previous) is None

    def missing_docnums(self) -> bool:
        """True when the previous generation's document numbers were never recorded
        (a run killed just after its commit)."""
        return self._previous is not None and read_docnums(*self._previous) is None

    def _live(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {}
            if self._previous is not None:
                loaded = self._load(*self._previous)
                if loaded is None and self._stored is not None:
                    for doc_id, title, body in self._stored():
                        self._queue(doc_id, title, body)
                elif loaded is not None:
                    ids, sigs = loaded
                    first = self._spilled(sigs)
                    del sigs
                    self._rows.update(zip(ids, range(first, first + len(ids)), strict=True))
        return self._rows

    def _load(self, data_dir: str, generation: int) -> tuple[list[str], np.ndarray] | None:
        import zipfile  # here, with numpy: a search reads no signatures

        import numpy as np

        nd = self._nd
        try:
            with np.load(signatures_path(data_dir, generation), allow_pickle=False) as f:
                ids = json.loads(bytes(f["ids"]).decode("ascii"))
                sigs = f["sigs"]
                params = [int(x) for x in f["params"]]
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
            return None  # missing or damaged: hashed again from the stored fields
        if params != self._params() or sigs.shape != (len(ids), nd.NUM_PERM):
            return None  # other settings: hash again from the stored fields
        if sigs.dtype != np.uint16:
            return None
        return ids, sigs

    def _params(self) -> list[int]:
        """What signatures depend on: others cannot be compared with new ones."""
        nd = self._nd
        return [nd.SCHEME, nd.SHINGLE_WORDS, nd.NUM_PERM, nd.MIN_WORDS]

    # -- changes ------------------------------------------------------------------

    def add(self, doc: Document) -> None:
        """A document added, or replacing the one with its id."""
        self.remove(doc.id)
        self._queue(doc.id, doc.title, doc.body)

    def remove(self, doc_id: str) -> None:
        self._live().pop(doc_id, None)
        self._pending.pop(doc_id, None)

    def _queue(self, doc_id: str, title: str, body: str) -> None:
        words = self._nd.words_of(title, body)
        if self._nd.signable(words):
            if self._hasher is None:
                self._hasher = self._nd.Hasher()
            self._pending[doc_id] = self._hasher.hashes(words)
            self._pending_words += len(words)
            if self._pending_words >= _BATCH_WORDS:
                self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        sigs = self._hasher.signatures_of(list(self._pending.values()))
        first = self._spilled(sigs)
        rows = self._live()
        rows.update((doc_id, first + i) for i, doc_id in enumerate(self._pending))
        self._pending = {}
        self._pending_words = 0

    def _spilled(self, sigs: np.ndarray) -> int:
        """Append signature rows to the spill; the number of the first."""
        if self._spill is None:
            from .sigfile import Spill

            self._spill = Spill(self.spill_dir)
        return int(self._spill.append(sigs))

    # -- writing ------------------------------------------------------------------

    def write(self, data_dir: str, generation: int) -> None:
        """Group every live document and write both files for `generation`."""
        import numpy as np

        from .sigfile import Sorted

        self._live()  # an index without signatures queues its stored documents here
        self._flush()
        rows = self._live()
        ids = sorted(rows)
        where = np.fromiter(map(rows.__getitem__, ids), dtype=np.int64, count=len(ids))
        if self._spill is None:
            self._spilled(np.empty((0, self._nd.NUM_PERM), dtype=np.uint16))
        ordered = Sorted(self._spill, where, self.spill_dir or data_dir)
        del where
        try:
            groups = [[ids[i] for i in group] for group in ordered.group_rows()]
            members = {
                "ids": np.frombuffer(json.dumps(ids).encode("ascii"), dtype=np.uint8),
                "params": np.array(self._params()),
            }
            with atomic_file(signatures_path(data_dir, generation)) as f:
                ordered.write_npz(f, members)
        finally:
            ordered.close()
        # ASCII, so that ids holding a file name's undecodable bytes (lone surrogates)
        # are written as \udcXX escapes and read back as they were
        text = json.dumps({"groups": groups}, separators=(",", ":"))
        write_atomic(groups_path(data_dir, generation), text + "\n")
