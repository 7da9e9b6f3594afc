"""Stopping an indexing run on request (Ctrl-C, SIGTERM) and telling what it left.

Ctrl-C raises KeyboardInterrupt; SIGTERM (`kill`, a service manager, `timeout`)
raises `Terminated`, a KeyboardInterrupt too, so every cleanup path that undoes
an unfinished run (the writer cancelled, its workers ended, a rebuild's folder
left for the next run to clear) runs for both. A run commits atomically, so an
interrupted run has either changed nothing or, when the interrupt came after
the commit, everything: `index_state` taken before and after tells which.

Python runs a signal's handler in the main thread at the next step of Python
code, wherever that is, and an exception raised inside a fork hook (logging's
lock release after `fork`) or a finaliser is printed as "ignored" and dropped:
the run would go on to finish and exit 0 as if nothing had been asked. So the
handlers here also remember the signal: `check` raises it again at the run's
safe points, and the end of the run, and `deferred` holds it while a worker is
forked and raises it just after.
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


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []  # the stop signals this run was sent, first first
_deferring = False


def _stop(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_stop(signum: int, frame: object) -> None:
    _received.append(signum)
    if not _deferring:
        raise _stop(signum)


def check() -> None:
    """Raise the stop signal this run was sent, if its first raise was lost."""
    if _received:
        raise _stop(_received[0])


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated,
    and `check` raises them again (main thread only, where Python runs signal
    handlers). A signal the process was started to ignore (nohup, a background
    job) stays ignored; the previous handlers are restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        signum: signal.signal(signum, _on_stop)
        for signum in STOP_SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _received.clear()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A stop signal that comes within the block is raised when it ends, not
    inside (where a fork hook would drop it)."""
    global _deferring
    outer, _deferring = _deferring, True
    try:
        yield
    finally:
        _deferring = outer
    if not outer:
        check()


def _forget_in_child() -> None:
    """A forked worker was not sent its parent's signals."""
    global _deferring
    _received.clear()
    _deferring = False


os.register_at_fork(after_in_child=_forget_in_child)


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
