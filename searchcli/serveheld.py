"""The searcher `searchcli serve` keeps open for each index, and how an answer uses it.

Opening an index (its table of contents, every segment's files), reading its
near-duplicate groups and working out its documents' length norms cost more than
a query itself. The server keeps one searcher a served index open, checks before
each answer that it is still the newest commit (CURRENT names its data folder,
and Whoosh's newest generation is its own) and opens again when not, so an answer
never comes from an older commit.

Forked answers inherit its open files, and with them the file offsets: Whoosh
reads with seek and read, so two answers (or an answer and the server) would
move each other's reads. Each answer therefore first gives itself private
offsets: it re-opens every inherited read-only file through /proc/self/fd (which
reaches a file even once a commit has deleted it), at the same offset, under the
same descriptor number. Where that fails, the answer opens the index afresh.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from typing import Any

from . import opening, store
from .servewarm import a_word


class Held:
    """One served index's open searcher, kept at the newest commit."""

    def __init__(self, index_dir: str) -> None:
        self.index_dir = os.path.realpath(index_dir)
        self.searcher: Any = None  # searching.Searcher
        self._readied: Any = None  # the searcher ready() has done its work on
        self.word = ""  # a word of the index, for a spare's rehearsal

    def fresh(self) -> None:
        """Open again if a commit or a rebuild landed since (or nothing is open)."""
        try:
            if self.searcher is not None and self._newest():
                return
            self.close()
            from .searching import Searcher

            self.searcher = Searcher(self.index_dir)
        except Exception:  # noqa: BLE001  (the answer opens it itself and reports why)
            self.close()

    def ready(self) -> None:
        """Work every answer would otherwise do again on this searcher, done once and
        off the request path (the server calls it before forking a spare)."""
        if self.searcher is None or self._readied is self.searcher:
            return
        self._readied = self.searcher
        try:
            # The near-duplicate groups (searching.Searcher.groups takes them from
            # the Whoosh searcher) and BM25F's length norms of every document.
            self.searcher._searcher.held_groups = (self.searcher.groups(),)
            _fill_norms(self.searcher._searcher)
            self.word = a_word(self.searcher._searcher.reader().all_stored_fields())
        except Exception:  # noqa: BLE001  (the answers work it out and report it)
            pass

    def _newest(self) -> bool:
        data = store.read_current(self.index_dir)["data"]
        held = self.searcher._searcher
        return bool(os.path.basename(self.searcher._data_dir) == data and held.up_to_date())

    def close(self) -> None:
        if self.searcher is not None:
            with contextlib.suppress(Exception):
                self.searcher.close()
        self.searcher = None

    def hand_over(self, rehearse: bool = False) -> None:
        """In the forked answer: the first open of this index gets the held searcher.
        A spare (`rehearse`) first asks it one query of its own, while it waits
        anyway: a forked process copies each page of memory it first writes to
        (Python writes to every object it uses), which a query otherwise does on
        the request path (about 1,600 pages for one query; 5-12% of a served query
        in an A/B of two servers)."""
        if self.searcher is None or not private_offsets():
            return
        searcher = self.searcher
        if rehearse and self.word:
            with contextlib.suppress(Exception):
                searcher.search(self.word)  # this copy of the server's own Searcher
        opening.HELD[self.index_dir] = (searcher._searcher, searcher._data_dir)


def _fill_norms(searcher: Any) -> None:
    """Fill ranking's table of length norms (kept with each segment's reader, filled
    as a query meets documents) for every document, so that no answer computes one.
    Through ranking's own function: if that is ever renamed, answers simply fill
    the table themselves again, as they did before."""
    from . import ranking
    from .querying import SEARCH_FIELDS

    length_norm = getattr(ranking, "_length_norm", None)
    if length_norm is None:
        return
    for leaf, _ in searcher.leaf_searchers():
        norm = length_norm(leaf, SEARCH_FIELDS)
        for doc in range(leaf.reader().doc_count_all()):
            norm(doc)


def private_offsets() -> bool:
    """Give every inherited read-only file its own offset; False if one could not be."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return False
    ok = True
    for name in names:
        fd = int(name)
        if fd < 3:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY:
                continue
        except OSError:
            continue  # the listing's own descriptor, closed already
        try:
            offset = os.lseek(fd, 0, os.SEEK_CUR)
            own = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY | os.O_CLOEXEC)
            os.lseek(own, offset, os.SEEK_SET)
            os.dup2(own, fd, inheritable=False)
            os.close(own)
        except OSError:
            ok = False
    return ok
