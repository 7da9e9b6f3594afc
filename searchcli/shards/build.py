"""Build and sync a sharded index: every shard an ordinary index, built in parallel.

Each shard's task runs the ordinary `indexing.update` on its own folder, keeping only
the documents whose id routes to it. A rebuild (and the first build) writes a new set
of shards beside the live one and switches SHARDS to it once every shard is complete;
a failed or killed shard leaves the previous set serving, and the unfinished set is
removed. An incremental run updates each shard in place, each with its own atomic
commit; when one fails, the others hold the update and the next run completes it
(a document always routes to the same shard, so no document is ever in two).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import IO, Any

from .. import store
from ..errors import IndexWriteError, SearchError
from ..reports import IndexReport, Skip
from ..schema import SCHEMA_VERSION
from . import is_sharded
from .cluster import TaskFailure, run_tasks
from .groups import write_set_groups
from .layout import MAX_SHARDS, Route, new_set_folder, read_set, remove_stale_sets, switch_set
from .layout import shard_dirs as folders_of


def build_shard(
    paths: Sequence[str], shard_dir: str, route: Route, rebuild: bool, options: dict[str, Any]
) -> IndexReport | TaskFailure:
    """One shard's task (in a local process or on a Dask worker)."""
    from .. import indexing, writers

    # The shards are the parallelism: one writer process each (a Dask worker is a
    # daemon process, which may not start processes of its own).
    writers.MAX_PROCS = 1
    try:
        return indexing.update(paths, shard_dir, rebuild=rebuild, route=route, **options)
    except SearchError as exc:
        return TaskFailure(str(exc))


def update_sharded(
    paths: Sequence[str],
    index_dir: str,
    *,
    shards: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    rebuild: bool = False,
    stdin: IO[bytes] | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    wait: float = 0.0,
    on_pass: Callable[[str, str], None] | None = None,
    **options: Any,
) -> IndexReport:
    """`indexing.update` for a sharded index (or a new one of `shards` shards).

    `options` are update's file-choice and format options, passed to every shard."""
    if stdin is not None:
        raise SearchError(
            "a sharded index reads files, not standard input: save the JSON lines to a "
            "file and index that file"
        )
    if shards is not None and not 1 <= shards <= MAX_SHARDS:
        raise SearchError(f"--shards must be between 1 and {MAX_SHARDS}, not {shards}")
    started = time.perf_counter()
    paths = [os.path.abspath(p) for p in paths]
    with store.write_lock(index_dir, wait):
        live = read_set(index_dir) if is_sharded(index_dir) else None
        if live is None and os.path.isfile(os.path.join(index_dir, store.CURRENT)):
            if not rebuild:
                raise SearchError(
                    f"{index_dir} is an index of one shard; to rebuild it as {shards} shards, "
                    "add --rebuild"
                )
        if live is not None and shards is not None and shards != live.count and not rebuild:
            raise SearchError(
                f"{index_dir} has {live.count} shards; to rebuild it as {shards}, add --rebuild"
            )
        count = shards or (live.count if live else 1)
        if live is not None and live.schema != SCHEMA_VERSION:
            rebuild = True  # every shard would refuse its old schema anyway
        if live is None or rebuild:
            reports = _rebuild(paths, index_dir, count, live, scheduler, workers, options)
        else:
            calls = [
                (paths, d, Route(k, count), False, options) for k, d in enumerate(live.shard_dirs())
            ]
            reports = _run(calls, scheduler, workers, progress)
            write_set_groups(live.folder, live.shard_dirs())
    report = merge_reports(reports, time.perf_counter() - started, live is None or rebuild)
    for s in report.skipped:
        if on_skip:
            on_skip(s)
    return report


def _run(
    calls: list[tuple[Any, ...]],
    scheduler: str | None,
    workers: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> list[IndexReport]:
    names = [f"shard {k}" for k in range(len(calls))]
    if progress:
        progress(0, len(calls))
    reports = run_tasks(build_shard, calls, names, scheduler, workers)
    if progress:
        progress(len(calls), len(calls))
    return reports


def _rebuild(
    paths: list[str],
    index_dir: str,
    count: int,
    live: Any,
    scheduler: str | None,
    workers: int | None,
    options: dict[str, Any],
) -> list[IndexReport]:
    """A new set beside the live one, switched to once every shard is complete."""
    remove_stale_sets(index_dir, live.name if live else None)
    if not paths and live is not None:
        paths = list(store.recorded_roots(live.shard_dirs()[0]))
    folder = ""
    try:
        folder = new_set_folder(index_dir)
        # each shard starts from what the live set chose (file choice, roots)
        if live is not None:
            options = {**_remembered(live.shard_dirs()[0]), **_given(options)}
        calls = [
            (paths, d, Route(k, count), True, options)
            for k, d in enumerate(folders_of(folder, count))
        ]
        reports = _run(calls, scheduler, workers)
        write_set_groups(folder, folders_of(folder, count))
        switch_set(index_dir, folder, count, SCHEMA_VERSION)
    except OSError as exc:
        remove_stale_sets(index_dir, live.name if live else None)
        raise IndexWriteError(
            f"could not write the index in {index_dir}: {exc.strerror or exc}. "
            "The previous index is unchanged."
        ) from None
    except BaseException as exc:
        remove_stale_sets(index_dir, _live_name(index_dir))
        if isinstance(exc, SearchError) and not isinstance(exc, IndexWriteError):
            raise type(exc)(f"{exc}. The previous index is unchanged.") from None
        raise
    remove_stale_sets(index_dir, os.path.basename(folder))
    _remove_plain(index_dir)
    return reports


def _live_name(index_dir: str) -> str | None:
    from .layout import live_set_name

    return live_set_name(index_dir)


def _given(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if v is not None}


def _remembered(shard_dir: str) -> dict[str, Any]:
    """The file choice the live set remembers, as update's options."""
    manifest = store.latest_manifest(shard_dir)
    choice = manifest.choice if manifest else {}
    keys = ("exclude", "include", "hidden", "ignore_files")
    return {k: choice[k] for k in keys if k in choice}


def _remove_plain(index_dir: str) -> None:
    """After a plain index was rebuilt as shards: its CURRENT and data folders go."""
    import contextlib

    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(index_dir, store.CURRENT))
    store.remove_stale_data_dirs(index_dir, None)


def merge_reports(reports: list[IndexReport], seconds: float, rebuilt: bool) -> IndexReport:
    """One report for the run: counts added up; skips (every shard reads every file,
    so most are met by each) and passed-over files counted once."""
    skipped: dict[tuple[str, str, int | None], Skip] = {}
    for r in reports:
        for s in r.skipped:
            skipped.setdefault((s.path, s.reason, s.line), s)
    return IndexReport(
        added=sum(r.added for r in reports),
        updated=sum(r.updated for r in reports),
        removed=sum(r.removed for r in reports),
        unchanged=sum(r.unchanged for r in reports),
        skipped=tuple(skipped.values()),
        seconds=seconds,
        rebuilt=rebuilt,
        hidden=max((r.hidden for r in reports), default=0),
        ignored=max((r.ignored for r in reports), default=0),
    )
