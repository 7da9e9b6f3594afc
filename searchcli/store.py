"""The index folder on disk: which data folder is live, its manifest, and the lock.

Layout of an index folder (the `--index DIR`)::

    DIR/CURRENT            {"data": "data-…", "schema": N}: the live data folder
    DIR/LOCK               flock()ed by the one process allowed to write; holds its pid
    DIR/data-…/            a Whoosh index
    DIR/data-…/manifest-G.json   the files behind Whoosh generation G (size, mtime, ids)

Every change becomes visible through one atomic rename: Whoosh's own TOC file
for an incremental commit, `CURRENT` for a rebuild. A process killed at any
moment therefore leaves the last committed state in place; its leftovers are
removed by the next writer. The lock is an flock(), which the kernel releases
when the holder dies, so a dead process never leaves a lock that blocks.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .errors import IndexLocked, IndexNotFound, IndexWriteError, SearchError
from .shards import SHARDS

CURRENT = "CURRENT"
LOCK = "LOCK"
DATA_PREFIX = "data-"


def resolve_index_dir(index_dir: str | os.PathLike[str] | None) -> str:
    """--index, else $SEARCHCLI_INDEX, else the nearest index/ (see locating.py)."""
    if index_dir is not None:
        return os.fspath(index_dir)
    from .locating import locate

    return locate().path


def write_atomic(path: str, text: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    with atomic_file(path) as f:
        f.write(text.encode("utf-8") if isinstance(text, str) else text)


@contextlib.contextmanager
def atomic_file(path: str) -> Iterator[IO[bytes]]:
    """A file to write piece by piece that replaces `path` only once complete."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_current(index_dir: str) -> dict[str, Any]:
    """The CURRENT record, or IndexNotFound."""
    try:
        with open(os.path.join(index_dir, CURRENT), encoding="utf-8") as f:
            current = json.load(f)
    except FileNotFoundError:
        raise IndexNotFound(index_dir) from None
    except (OSError, ValueError) as exc:
        from .errors import IndexCorrupt

        raise IndexCorrupt(index_dir, f"cannot read {CURRENT}: {exc}") from None
    if not isinstance(current, dict) or not isinstance(current.get("data"), str):
        from .errors import IndexCorrupt

        raise IndexCorrupt(index_dir, f"{CURRENT} does not name a data folder")
    return current


def new_data_dir(index_dir: str) -> str:
    import uuid  # here: it imports `platform`, which nothing else a search does needs

    name = f"{DATA_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path = os.path.join(index_dir, name)
    os.makedirs(path)
    return path


def switch_current(index_dir: str, data_dir: str, schema_version: int) -> None:
    record = {"data": os.path.basename(data_dir), "schema": schema_version}
    write_atomic(os.path.join(index_dir, CURRENT), json.dumps(record) + "\n")


def remove_stale_data_dirs(
    index_dir: str, keep: str | None, prefix: str = DATA_PREFIX, pointer: str = CURRENT
) -> None:
    """Delete data folders that CURRENT does not name (old builds, killed rebuilds);
    or, given another `prefix` and `pointer` file, the sets of shards SHARDS does not."""
    for entry in os.scandir(index_dir):
        if entry.name.startswith(prefix) and entry.name != keep and entry.is_dir():
            import shutil

            shutil.rmtree(entry.path, ignore_errors=True)
        elif entry.name.startswith(pointer + ".tmp-"):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


# -- manifest ------------------------------------------------------------------


@dataclass
class Manifest:
    """What the index holds, by source file: enough to sync without re-reading files."""

    schema: int
    roots: list[str] = field(default_factory=list)
    # absolute path -> [size, mtime_ns, [document ids], [[skip reason, line], ...]]
    files: dict[str, list[Any]] = field(default_factory=dict)
    updated: str | None = None
    choice: dict[str, Any] = field(default_factory=dict)  # ignoring.FileChoice.to_dict()

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema": self.schema,
                "roots": self.roots,
                "updated": self.updated,
                "choice": self.choice,
                "files": self.files,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def manifest_path(data_dir: str, generation: int) -> str:
    return os.path.join(data_dir, f"manifest-{generation}.json")


def read_manifest(data_dir: str, generation: int) -> Manifest | None:
    try:
        with open(
            manifest_path(data_dir, generation), encoding="utf-8", errors="surrogateescape"
        ) as f:
            raw = json.load(f)
        return Manifest(
            schema=int(raw["schema"]),
            roots=list(raw.get("roots") or []),
            files=dict(raw.get("files") or {}),
            updated=raw.get("updated"),
            choice=dict(raw.get("choice") or {}),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(data_dir: str, generation: int, manifest: Manifest) -> None:
    """Written before the Whoosh commit that creates `generation`, so it is never missing."""
    manifest.updated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path = manifest_path(data_dir, generation)
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(manifest.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def prune_manifests(data_dir: str, generation: int) -> None:
    keep = os.path.basename(manifest_path(data_dir, generation))
    for name in os.listdir(data_dir):
        if name.startswith("manifest-") and name != keep:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(data_dir, name))


# -- lock ----------------------------------------------------------------------


def _lock_holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


def flock_exclusive(fd: int, wait: float, busy: Callable[[], SearchError]) -> None:
    """flock() `fd` exclusively, trying for up to `wait` seconds; then raise busy()."""
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise busy() from None
            time.sleep(0.05)


@contextlib.contextmanager
def write_lock(index_dir: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock; wait up to `wait` seconds for another writer."""
    try:
        os.makedirs(index_dir, exist_ok=True)
        fd = os.open(os.path.join(index_dir, LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexWriteError(f"cannot write to index folder {index_dir}: {exc.strerror}") from None
    try:
        flock_exclusive(fd, wait, lambda: IndexLocked(index_dir, _lock_holder(fd)))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def recorded_roots(index_dir: str) -> list[str]:
    """The folders/files an existing index was built from, or [] when there is none."""
    manifest = latest_manifest(index_dir)
    return list(manifest.roots) if manifest else []


def latest_manifest(index_dir: str) -> Manifest | None:
    """The newest readable manifest of an existing index, or None.

    Read without opening Whoosh, so that the advice given for a damaged index,
    `searchcli index --rebuild`, works as given (same folders, same file choice).
    A sharded index: its first shard's (every shard records the same roots and choice)."""
    if os.path.isfile(os.path.join(index_dir, SHARDS)):
        from .shards.layout import read_set

        try:
            index_dir = read_set(index_dir).shard_dirs()[0]
        except SearchError:
            return None
    try:
        data_dir = os.path.join(index_dir, read_current(index_dir)["data"])
        generations = [
            int(name[len("manifest-") : -len(".json")])
            for name in os.listdir(data_dir)
            if name.startswith("manifest-") and name.endswith(".json")
        ]
    except (SearchError, OSError, ValueError):
        return None
    for generation in sorted(generations, reverse=True):
        manifest = read_manifest(data_dir, generation)
        if manifest is not None:
            return manifest
    return None
