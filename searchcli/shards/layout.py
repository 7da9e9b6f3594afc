"""The SHARDS manifest, the shard folders, and which shard a document id belongs to.

Nothing here imports Whoosh or Dask.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass

from ..errors import IndexCorrupt, IndexNotFound
from ..store import remove_stale_data_dirs, write_atomic
from . import SHARDS

SET_PREFIX = "set-"
ROUTE = "blake2b-64"  # recorded in SHARDS: a set built with another rule is not read
MAX_SHARDS = 256


def shard_of(doc_id: str, count: int) -> int:
    """The shard of a document id: the first 8 bytes of its BLAKE2b hash, modulo the
    count. Stable across runs, machines and Python versions (unlike hash())."""
    raw = doc_id.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big") % count


@dataclass(frozen=True)
class Route:
    """Whether a document belongs to shard `number` of `count` (picklable, for workers)."""

    number: int
    count: int

    def __call__(self, doc_id: str) -> bool:
        return shard_of(doc_id, self.count) == self.number


@dataclass(frozen=True)
class ShardSet:
    """The live set of shards an index folder names in SHARDS."""

    index_dir: str
    name: str  # the set folder, "set-…"
    count: int
    schema: int

    @property
    def folder(self) -> str:
        return os.path.join(self.index_dir, self.name)

    def shard_dirs(self) -> list[str]:
        return shard_dirs(self.folder, self.count)


def shard_dirs(set_folder: str, count: int) -> list[str]:
    return [os.path.join(set_folder, f"shard-{k:03d}") for k in range(count)]


def read_set(index_dir: str) -> ShardSet:
    """The live set, or IndexNotFound / IndexCorrupt (with what is wrong)."""
    path = os.path.join(index_dir, SHARDS)
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except FileNotFoundError:
        raise IndexNotFound(index_dir) from None
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(index_dir, f"cannot read {SHARDS}: {exc}") from None
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("set"), str)
        or not str(record["set"]).startswith(SET_PREFIX)
        or os.sep in record["set"]
        or not isinstance(record.get("count"), int)
        or not 1 <= record["count"] <= MAX_SHARDS
        or record.get("route") != ROUTE
    ):
        raise IndexCorrupt(index_dir, f"{SHARDS} does not name a set of shards")
    return ShardSet(index_dir, record["set"], record["count"], int(record.get("schema") or 0))


def new_set_folder(index_dir: str) -> str:
    name = f"{SET_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path = os.path.join(index_dir, name)
    os.makedirs(path)
    return path


def switch_set(index_dir: str, set_folder: str, count: int, schema: int) -> None:
    """Make `set_folder` the live set, in one atomic rename of SHARDS."""
    record = {"set": os.path.basename(set_folder), "count": count, "schema": schema, "route": ROUTE}
    write_atomic(os.path.join(index_dir, SHARDS), json.dumps(record) + "\n")


def remove_stale_sets(index_dir: str, keep: str | None) -> None:
    """Delete set folders SHARDS does not name (old sets, failed or killed rebuilds)."""
    with contextlib.suppress(FileNotFoundError):
        remove_stale_data_dirs(index_dir, keep, SET_PREFIX, SHARDS)


def live_set_name(index_dir: str) -> str | None:
    try:
        return read_set(index_dir).name
    except (IndexNotFound, IndexCorrupt):
        return None
