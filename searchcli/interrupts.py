"""Stopping an indexing run on request (Ctrl-C, SIGTERM) and telling what it left.

Ctrl-C raises KeyboardInterrupt; SIGTERM (`kill`, a service manager, `timeout`)
raises `Terminated`, a KeyboardInterrupt too, so every cleanup path that undoes
an unfinished run (the writer cancelled, its workers ended, a rebuild's folder
left for the next run to clear) runs for both. A run commits atomically, so an
interrupted run has either changed nothing or, when the interrupt came after
the commit, everything: `index_state` taken before and after tells which.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

from . import store
from .errors import SearchError


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, as Ctrl-C raises KeyboardInterrupt."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated (main thread only, where
    Python runs signal handlers); the previous handler is restored after. A
    process started with SIGTERM ignored keeps ignoring it."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN  # started to ignore it
    ):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def index_state(index_dir: str) -> tuple[str, ...] | None:
    """What a commit changes: the data folder CURRENT names and its tables of
    contents (one a committed generation). None when there is no index.
    A sharded index: its live set and every shard's state."""
    from .shards import is_sharded

    if is_sharded(index_dir):
        from .shards.layout import read_set

        try:
            shard_set = read_set(index_dir)
        except SearchError:
            return None
        states = [index_state(d) or () for d in shard_set.shard_dirs()]
        return (shard_set.name, *(part for state in states for part in state))
    try:
        data = store.read_current(index_dir)["data"]
    except SearchError:
        return None
    try:
        tocs = sorted(n for n in os.listdir(os.path.join(index_dir, data)) if n.endswith(".toc"))
    except OSError:
        tocs = []
    return (data, *tocs)


def interrupted_message(before: tuple[str, ...] | None, after: tuple[str, ...] | None) -> str:
    if before == after:
        if before is None:
            return "interrupted: no index was made"
        return "interrupted: the index is as it was before this run"
    return "interrupted: the run had already written the index; it holds this run's changes"
