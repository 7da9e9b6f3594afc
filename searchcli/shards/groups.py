"""Near-duplicate groups over every shard of a set.

Each shard groups its own documents, but two copies of a story have different ids
and so usually live in different shards. Once every shard is written, the set's
groups are made from all the shards' MinHash signatures together, exactly as one
index groups its documents, and written beside the shards:

    set-…/groups.json   {"generations": [G0, G1, …], "groups": [[id, id, …], …]}

A searcher uses them only when every shard is still at the generation recorded
(an incremental run that failed half-way leaves them stale: the shards' own groups
serve until the next run writes them again).
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from typing import Any

from ..dupstore import signatures_path
from ..store import write_atomic

GROUPS = "groups.json"


def _generation(shard_dir: str) -> tuple[str, int]:
    from ..opening import open_index

    ix, data_dir, _ = open_index(shard_dir)
    return data_dir, int(ix.latest_generation())


def write_set_groups(set_folder: str, shard_dirs: list[str]) -> None:
    """Group the documents of every shard together; nothing is written when a shard
    has no signatures (its searcher then uses the shards' own groups)."""
    import numpy as np

    from .. import neardup

    generations: list[int] = []
    ids: list[str] = []
    parts: list[Any] = []
    for shard_dir in shard_dirs:
        data_dir, generation = _generation(shard_dir)
        try:
            with np.load(signatures_path(data_dir, generation), allow_pickle=False) as f:
                ids.extend(json.loads(bytes(f["ids"]).decode("ascii")))
                parts.append(np.array(f["sigs"]))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return
        generations.append(generation)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    sigs = np.concatenate(parts)[order] if parts else np.empty((0, neardup.NUM_PERM))
    groups = neardup.group_ids([ids[i] for i in order], sigs)
    text = json.dumps({"generations": generations, "groups": groups}, separators=(",", ":"))
    write_atomic(os.path.join(set_folder, GROUPS), text + "\n")


def read_set_groups(set_folder: str, generations: list[int]) -> list[list[str]] | None:
    """The set's groups by id, or None when missing or older than the shards."""
    with contextlib.suppress(OSError, ValueError):
        with open(os.path.join(set_folder, GROUPS), encoding="utf-8") as f:
            record = json.load(f)
        if record.get("generations") == generations and isinstance(record.get("groups"), list):
            return [[str(i) for i in group] for group in record["groups"]]
    return None
