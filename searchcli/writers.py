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
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing.util
import os
import random
import signal
import sys
from collections.abc import Iterator
from typing import Any

# Whoosh's in-memory posting buffer a process, before it spills to a sorted run.
LIMITMB_SINGLE = 128
LIMITMB_WORKER = 48
# Below this much input the cost of starting workers outweighs what they save.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
MAX_PROCS = 2

_PR_SET_PDEATHSIG = 1


class _ForkHook:
    """Runs in each forked worker: die with the parent (Linux), or exit if it is gone."""

    def __init__(self) -> None:
        self.parent = os.getpid()

    def __call__(self, _: object) -> None:
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


def _open_writer(ix: Any, input_bytes: int) -> Any:
    procs = worker_count(input_bytes)
    if procs == 1:
        return ix.writer(limitmb=LIMITMB_SINGLE, compound=False)
    global _hook
    _hook = _ForkHook()
    multiprocessing.util.register_after_fork(_hook, _hook)
    return ix.writer(procs=procs, multisegment=True, limitmb=LIMITMB_WORKER, compound=False)
