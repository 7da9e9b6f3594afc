"""Where shard work runs: local processes, or Dask tasks on an existing cluster.

Without a scheduler, shard builds run in a pool of spawned local processes
(concurrent.futures: nothing to install, and a spawned process inherits neither the
caller's lock file nor its threads). With `--scheduler ADDRESS` or
$SEARCHCLI_SCHEDULER, they run as Dask tasks on that cluster, whose workers must see
the documents and the index at the same paths. Dask is imported only then.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ..errors import SearchError

ENV = "SEARCHCLI_SCHEDULER"
CONNECT_SECONDS = 10


class ClusterError(SearchError):
    """The cluster could not be used, or a shard's task was lost."""


@dataclass(frozen=True)
class TaskFailure:
    """What a shard task sends back instead of raising a SearchError (whose
    subclasses take arguments that pickling does not carry)."""

    message: str


def scheduler_address(given: str | None = None) -> str | None:
    """--scheduler, else $SEARCHCLI_SCHEDULER, else None (local processes)."""
    return given or os.environ.get(ENV) or None


def local_workers(tasks: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(tasks, cpus or 1))


@contextlib.contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A Dask client connected to `address`; ClusterError when that cannot be."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "--scheduler needs Dask, which is not installed: pip install 'searchcli[cluster]'"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def run_tasks(
    fn: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    names: Sequence[str],
    scheduler: str | None = None,
    workers: int | None = None,
) -> list[Any]:
    """fn(*args) for each of `calls`, in parallel; the results in order.

    A task that returned a TaskFailure, or whose process or worker died, raises a
    ClusterError naming it (`names`, e.g. "shard 3")."""
    address = scheduler_address(scheduler)
    if address:
        with dask_client(address) as client:
            return run_on_client(client, fn, calls, names)
    return _on_processes(fn, calls, names, workers or local_workers(len(calls)))


def _checked(result: Any, name: str) -> Any:
    if isinstance(result, TaskFailure):
        raise ClusterError(f"{name}: {result.message}")
    return result


def _on_processes(
    fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]], names: Sequence[str], workers: int
) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_quiet)
    futures = [pool.submit(fn, *args) for args in calls]
    try:
        results = []
        for future, name in zip(futures, names, strict=True):
            try:
                results.append(_checked(future.result(), name))
            except BrokenProcessPool:
                raise ClusterError(
                    f"{name}: its worker process died (killed, or out of memory)"
                ) from None
    except BaseException:
        # Ctrl-C, SIGTERM, a failed shard: stop the other shards now rather than
        # wait for them; what they leave is cleared by the caller or the next run.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _quiet() -> None:
    """In each worker process: Ctrl-C is for the parent, which stops the workers
    itself (a worker interrupted in its own loop would print a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_on_client(
    client: Any,
    fn: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    names: Sequence[str],
    retry: bool = False,
) -> list[Any]:
    """fn(*args) for each of `calls` as Dask tasks; the results in order. With
    `retry`, a task lost with its worker (or its connection) is submitted once more."""
    from distributed import KilledWorker

    lost_errors: tuple[type[BaseException], ...] = (KilledWorker, OSError)
    with contextlib.suppress(ImportError):
        from distributed.comm.core import CommClosedError

        lost_errors = (*lost_errors, CommClosedError)
    results: list[Any] = [None] * len(calls)
    futures = _submit(client, fn, calls)
    try:
        for k, name in enumerate(names):
            for attempt in (1, 2):
                try:
                    results[k] = _checked(futures[k].result(), name)
                    break
                except lost_errors as exc:
                    if not retry or attempt == 2:
                        again = " twice" if retry else ""
                        raise ClusterError(
                            f"{name}: the Dask worker running it was lost{again} ({exc})"
                        ) from None
                    futures[k] = _submit(client, fn, [calls[k]])[0]
        return results
    finally:
        client.cancel(futures)


def _submit(client: Any, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> list[Any]:
    run = uuid.uuid4().hex[:8]
    return [
        client.submit(fn, *args, key=f"searchcli-{fn.__name__}-{run}-{k}", pure=False)
        for k, args in enumerate(calls)
    ]
