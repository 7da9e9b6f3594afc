"""Search a set of shards as one index: global statistics, one merged ranking.

The shards' segments are opened together under one Whoosh reader, so every
statistic BM25F reads (the document count, each word's document frequency, the
field lengths and their averages) is the sum over all shards, as in Elasticsearch's
DFS query-then-fetch; each segment is then scored with those global figures and the
best hits of all shards are merged. The answers are those of one index of the same
documents: ids, order (ties by id, see ties.py) and scores.

With a Dask scheduler the scoring of each shard runs as a task on the cluster
(remote.py); the merge, snippets and stored fields are read here.
"""

from __future__ import annotations

import heapq
import os
from typing import Any

from whoosh import searching as whoosh_searching
from whoosh.reading import MultiReader

from ..errors import IndexCorrupt, SearchError
from ..folding import Groups
from ..models import Document
from ..opening import OPEN_ATTEMPTS, open_searcher
from ..ranking import BM25FQuery
from ..searching import Searcher
from ..timeindex import moments
from ..timeplan import TimePlan
from .layout import read_set


def _why(exc: SearchError) -> str:
    return str(exc).split(". Rebuild it with")[0]


class ShardedSearcher(Searcher):
    """A `Searcher` over every shard of a sharded index."""

    def _open(self, weighting: Any) -> tuple[Any, str]:
        # A rebuild that switches sets meanwhile removes the set being opened: open
        # the new one (as opening.py does for a plain index's data folders).
        for attempt in range(OPEN_ATTEMPTS):
            self.shard_set = read_set(self.index_dir)
            try:
                return self._open_set(weighting)
            except SearchError:
                if attempt == OPEN_ATTEMPTS - 1 or read_set(self.index_dir) == self.shard_set:
                    raise
        raise AssertionError("unreachable")

    def _open_set(self, weighting: Any) -> tuple[Any, str]:
        self._shards: list[tuple[Any, str]] = []  # (Whoosh searcher, data folder)
        self._bases: list[int] = []  # each shard's first document number
        leaves: list[Any] = []
        try:
            for k, shard_dir in enumerate(self.shard_set.shard_dirs()):
                try:
                    self._shards.append(open_searcher(shard_dir))
                except SearchError as exc:
                    raise IndexCorrupt(self.index_dir, f"shard {k}: {_why(exc)}") from None
                self._bases.append(sum(r.doc_count_all() for r in leaves))
                reader = self._shards[-1][0].reader()
                leaves.extend(r for r, _ in reader.leaf_readers() if r.doc_count_all())
        except BaseException:
            self._close_shards()
            raise
        if leaves:
            reader = MultiReader(leaves)
        else:  # every shard empty
            reader = self._shards[0][0].reader()
        searcher = whoosh_searching.Searcher(reader, weighting=weighting, closereader=False)
        return searcher, self.shard_set.folder

    def close(self) -> None:
        self._searcher.close()
        self._close_shards()
        if self._cluster is not None:
            self._cluster.__exit__(None, None, None)
            self._cluster = self._client = None

    # -- scoring on a Dask cluster ---------------------------------------------------

    _cluster: Any = None
    _client: Any = None

    def _remote(self) -> Any:
        """The Dask client when a scheduler is named, else None (score here)."""
        if self._client is None:
            from .cluster import dask_client, scheduler_address

            address = scheduler_address()
            if address:
                self._cluster = dask_client(address)
                self._client = self._cluster.__enter__()
        return self._client

    def _ranked(
        self, q: Any, depth: int, plan: TimePlan | None = None
    ) -> tuple[int, list[tuple[float, int]]]:
        if self._remote() is None:
            return super()._ranked(q, depth, plan)
        matches = self._matches(q)
        if plan is not None and plan.active:
            return plan.arrange(matches, moments(self._searcher), depth, self._first_group(q))
        best = heapq.nsmallest(depth, ((-s, d) for d, s in matches.items()))
        return len(matches), [(-s, d) for s, d in best]

    def _matches(self, q: Any) -> dict[int, float]:
        client = self._remote()
        if client is None:
            return super()._matches(q)
        if self._scores is not None and q is self._scored:
            return self._scores
        from .remote import score_everywhere

        shards = [
            (d, s.reader().generation(), base)
            for d, (s, _), base in zip(
                self.shard_set.shard_dirs(), self._shards, self._bases, strict=True
            )
        ]
        scores, stats, complete = score_everywhere(client, shards, q)
        if isinstance(q, BM25FQuery):  # what the caller reads of a scored query
            q._dfs = {t: stats["bm25f"].get((q.fields, t), 0) for t, _ in q.wterms}
            q.complete = complete
        self._scores, self._scored = scores, q
        return scores

    def _close_shards(self) -> None:
        for searcher, _ in self._shards:
            searcher.close()

    @property
    def shard_count(self) -> int:
        return self.shard_set.count

    def groups(self) -> Groups | None:
        """The near-duplicate groups of the set (groups.py), in the merged document
        numbers; those of each shard while the set's are stale."""
        if not self._groups_read:
            from ..dupstore import read_docnums, read_groups
            from .groups import read_set_groups

            generations = [s.reader().generation() for s, _ in self._shards]
            together = read_set_groups(self.shard_set.folder, generations)
            if together is not None:
                find = self._searcher.document_number
                self._groups = Groups([find(id=i) for i in group] for group in together)
                self._groups_read = True
                return self._groups
            found: list[list[int]] = []
            for (searcher, data_dir), base in zip(self._shards, self._bases, strict=True):
                generation = searcher.reader().generation()
                numbers = read_docnums(data_dir, generation)
                if numbers is None:
                    ids = read_groups(data_dir, generation)
                    find = searcher.document_number
                    numbers = [[find(id=i) for i in group] for group in ids or ()]
                found.extend([base + d for d in g if d is not None and d >= 0] for g in numbers)
            self._groups = Groups(found)
            self._groups_read = True
        return self._groups

    def documents_at(self, path: str) -> list[Document]:
        """The documents read from the file at `path`, shard by shard."""
        from ..store import read_manifest

        found: list[Document] = []
        for searcher, data_dir in self._shards:
            manifest = read_manifest(data_dir, searcher.reader().generation())
            files = manifest.files if manifest else {}
            entry = files.get(os.path.abspath(path)) or files.get(os.path.realpath(path))
            docs = (self.document(doc_id) for doc_id in (entry[2] if entry else ()))
            found.extend(doc for doc in docs if doc is not None)
        return found
