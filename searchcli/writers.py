"""The Whoosh writer for an indexing run: one process, or one a core for big runs.

Segments are written as separate files, not one compound file: Whoosh reads
a sub-file of a compound segment by copying it whole into memory, which made
a searcher on the 50k news index hold about 230 MB; separate files are read
as needed.

A big run (a rebuild, or a sync that re-reads many bytes) hands documents to
Whoosh's multiprocessing writer: each worker analyses its share and writes a
segment of its own, which roughly halves the build on two cores. Workers are
forked, so they share the run's lock file; each asks the kernel to kill it if
the parent dies, so a killed run never leaves workers behind holding the lock.

Interrupts are the parent's business. Ctrl-C reaches every process of the
terminal's process group, and a worker that raised KeyboardInterrupt would
print its own traceback: workers take SIGINT and SIGTERM with the system's
default action (a silent exit), and `cancel` ends any worker still running,
so the parent never waits at exit for a worker that will not come back.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing.util
import os
import queue
import random
import signal
import sys
from collections.abc import Iterator
from typing import Any

from .errors import IndexWriteError

# Whoosh's in-memory posting buffer a process, before it spills to a sorted run.
LIMITMB_SINGLE = 128
LIMITMB_WORKER = 32  # each of two workers (48 gave the same worker sizes at 50k documents)
# Whoosh records, per block of postings, the shortest and longest field holding the
# term, looking up a document's field length for every posting it writes: about a
# tenth of a build. Only its pruning of weak matches reads them, where a missing
# figure is a looser bound, never a different answer; searchcli ranks with
# precomputed scores and counts every match (ranking.py, exact.py), so results and
# scores are the same without them (tests/test_indexing.py).
BLOCK_LENGTHS = False
# Below this much input the cost of starting workers outweighs what they save.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
MAX_PROCS = 2

_PR_SET_PDEATHSIG = 1
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}  # Ctrl-C, kill


class _ForkHook:
    """Runs in each forked worker: die with the parent (Linux), or exit if it is gone."""

    def __init__(self) -> None:
        self.parent = os.getpid()

    def __call__(self, _: object) -> None:
        # Not the parent's handlers: no KeyboardInterrupt, no traceback, in a
        # worker. A signal the run was started to ignore (nohup) stays ignored.
        for signum in STOP_SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, signal.SIG_DFL)
        # Forked with them blocked (see _start_worker); one that came meanwhile acts now.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        if sys.platform.startswith("linux"):
            try:
                ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            except (OSError, AttributeError):
                pass
        if os.getppid() != self.parent:  # the parent died before the hook ran
            os._exit(1)


_hook: _ForkHook | None = None


def worker_count(input_bytes: int) -> int:
    if input_bytes < PARALLEL_MIN_BYTES:
        return 1
    return max(
        1,
        min(
            MAX_PROCS,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
        ),
    )


@contextlib.contextmanager
def _own_randomness() -> Iterator[None]:
    """Whoosh names a new segment from the global `random`. A caller that seeds
    it (random.seed(0) for reproducibility, Hypothesis) would give the new
    segment the live one's name again, and the writer would truncate the live
    files. Name it from fresh entropy, and leave the caller's sequence as it was."""
    state = random.getstate()
    random.seed(os.urandom(16))
    try:
        yield
    finally:
        random.setstate(state)


def open_writer(ix: Any, input_bytes: int) -> Any:
    """A writer sized for `input_bytes` of documents to add."""
    with _own_randomness():
        return _open_writer(ix, input_bytes)


def _codec() -> Any:
    """Whoosh's codec, without block length statistics unless BLOCK_LENGTHS (it is
    pickled with each segment: an attribute of the instance, no class of ours)."""
    from whoosh.codec import default_codec

    codec = default_codec()
    if not BLOCK_LENGTHS:
        codec.length_stats = False
    return codec


def _open_writer(ix: Any, input_bytes: int) -> Any:
    procs = worker_count(input_bytes)
    if procs == 1:
        return ix.writer(limitmb=LIMITMB_SINGLE, compound=False, codec=_codec())
    global _hook
    _hook = _ForkHook()
    multiprocessing.util.register_after_fork(_hook, _hook)
    writer = ix.writer(
        procs=procs, multisegment=True, limitmb=LIMITMB_WORKER, compound=False, codec=_codec()
    )
    if hasattr(writer, "_new_task"):  # Whoosh's method that forks a worker
        writer._new_task = functools.partial(_start_worker, writer._new_task)
    jobs = writer.jobqueue
    jobs.put = functools.partial(_put_interruptibly, writer, jobs.put)
    return writer


def _start_worker(new_task: Any) -> Any:
    """Fork a worker with SIGINT and SIGTERM blocked: until its fork hook has
    given them their default action, a Ctrl-C would raise KeyboardInterrupt in
    it, traceback and all."""
    # The parent's objects move out of the collector's reach first: a worker's garbage
    # collections would otherwise write to every one of them, copying the pages they
    # share with the parent (tens of MB a worker).
    gc.freeze()
    try:
        with _stop_signals_held():
            return new_task()
    finally:
        gc.unfreeze()


def _put_interruptibly(writer: Any, put: Any, item: Any) -> None:
    """Queue.put that lets Ctrl-C through, and fails if every worker is gone.

    A blocking put waits on a semaphore that a signal does not wake when
    another thread (the queue's feeder, Rich's refresh) took it; with the
    workers dead (of the same Ctrl-C, or killed), it would wait forever."""
    while True:
        try:
            return put(item, timeout=0.2)
        except queue.Full:  # Python runs the signal handlers on the way here
            if writer.tasks and not any(task.is_alive() for task in writer.tasks):
                raise IndexWriteError(
                    "the indexing workers stopped before their work was done. "
                    "The previous index is unchanged."
                ) from None


def cancel(writer: Any) -> None:
    """Drop an unfinished writer's work, ending its workers first. Interrupts
    wait until this is done: a second Ctrl-C must not leave workers behind that
    the interpreter would then wait for at exit."""
    with _stop_signals_held():
        for task in getattr(writer, "tasks", ()):
            if task.pid is None:  # interrupted before it was started
                continue
            with contextlib.suppress(OSError, ValueError):  # gone already, or closed
                if task.is_alive():
                    task.terminate()
                task.join(5)
        jobs = getattr(writer, "jobqueue", None)
        if jobs is not None:
            jobs.cancel_join_thread()  # nobody will read what is left in it
        with contextlib.suppress(Exception):  # a failed commit has closed it already
            writer.cancel()


@contextlib.contextmanager
def _stop_signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done. Blocked for this thread,
    so a forked worker starts with them pending; and deferred, since a signal
    another thread took still runs its handler in this one, where fork's hooks
    would drop the exception it raises (interrupts.py)."""
    from .interrupts import deferred

    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        with deferred():
            yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
