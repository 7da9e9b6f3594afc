"""Sharded indexes: N ordinary searchcli indexes plus a small manifest (`SHARDS`).

    DIR/SHARDS              {"set": "set-…", "count": N, "schema": V, "route": "blake2b-64"}
    DIR/LOCK                the whole index's write lock (each shard has its own too)
    DIR/set-…/shard-000/    an ordinary searchcli index (CURRENT, data-…, its own LOCK)

A document lives in the shard its id hashes to (`layout.shard_of`), so incremental
runs, deletions and rebuilds work shard by shard. A rebuild writes a new set and
switches `SHARDS` to it only when every shard is complete.

Searching (`searcher.ShardedSearcher`) reads the global statistics first and scores
every shard with them, so the answers equal those of one index of the same documents.
Dask is imported only when a scheduler is named (`cluster.py`); nothing in this
package's top level imports Whoosh or Dask.
"""

from __future__ import annotations

import os
from typing import Any

SHARDS = "SHARDS"


def is_sharded(index_dir: str | os.PathLike[str]) -> bool:
    """True for an index folder that holds a set of shards (it has SHARDS)."""
    return os.path.isfile(os.path.join(os.fspath(index_dir), SHARDS))


def searcher_class(index_dir: str) -> Any:
    """The Searcher class for this index folder: the sharded one for a set of shards."""
    if is_sharded(index_dir):
        from .searcher import ShardedSearcher

        return ShardedSearcher
    return None
