"""Saved searches ("watches"): run a query again later and report only what is new.

A watch remembers the ids of every hit it has reported, so a run shows only the
hits it has not shown before: new documents, or old ones that now rank among
its best `limit`. With folding, a hit is new only when neither it nor any of its
near-duplicates was reported: another copy of a story already seen is not news.
The first run of a watch reports all its current hits.

State lives beside the index, outside the data folders, so `index --rebuild`
leaves it alone (ids survive a rebuild):

    DIR/watches.json    {"version": 1, "watches": {name: {...}}}, replaced atomically
    DIR/watches.lock    flock()ed for the whole of a change or a run, so two runs
                        that overlap (cron) never report the same hit twice
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import QueryError, WatchError
from .models import SearchResult
from .store import flock_exclusive, write_atomic

STATE = "watches.json"
LOCK = "watches.lock"
DEFAULT_LIMIT = 50
MODES = ("auto", "all", "any")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Watch:
    name: str
    query: str
    mode: str = "auto"
    limit: int = DEFAULT_LIMIT
    fold: bool = True
    since: str | None = None  # as given: "7d" is counted back from each run's day
    until: str | None = None
    created: str = ""
    last_run: str | None = None
    seen: frozenset[str] = field(default_factory=frozenset)

    def to_dict(self) -> dict[str, Any]:
        """The public view (`watch list --json`): without the ids seen."""
        return {
            "name": self.name,
            "query": self.query,
            "mode": self.mode,
            "limit": self.limit,
            "fold": self.fold,
            "since": self.since,
            "until": self.until,
            "created": self.created,
            "last_run": self.last_run,
            "seen": len(self.seen),
        }


@dataclass(frozen=True)
class WatchRun:
    """One watch's run: its new hits (ranked as in the full results)."""

    watch: Watch
    result: SearchResult  # hits: only the new ones; total: how many are new

    def to_dict(self) -> dict[str, Any]:
        return {"watch": self.watch.name, **self.result.to_dict()}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@contextlib.contextmanager
def _locked(index_dir: str, wait: float) -> Iterator[None]:
    """Hold the watches' lock (not the index's: indexing runs meanwhile)."""
    if not os.path.isdir(index_dir):
        from .errors import IndexNotFound

        raise IndexNotFound(index_dir)
    fd = os.open(os.path.join(index_dir, LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        busy = WatchError(
            f"another `searchcli watch` has been running on {index_dir} for {wait:g} s; "
            "try again when it is done"
        )
        flock_exclusive(fd, wait, lambda: busy)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read(index_dir: str) -> dict[str, Watch]:
    path = os.path.join(index_dir, STATE)
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise WatchError(f"cannot read the saved searches in {path}: {exc}") from None
    watches = {}
    try:
        for name, w in raw["watches"].items():
            watches[name] = Watch(
                name=name,
                query=str(w["query"]),
                mode=str(w.get("mode", "auto")),
                limit=int(w.get("limit", DEFAULT_LIMIT)),
                fold=bool(w.get("fold", True)),
                since=_bound(w.get("since")),
                until=_bound(w.get("until")),
                created=str(w.get("created", "")),
                last_run=w.get("last_run"),
                seen=frozenset(map(str, w.get("seen", ()))),
            )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WatchError(f"the saved searches in {path} are malformed ({exc!r})") from None
    return watches


def _bound(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"a date bound must be text, not {value!r}")


def _write(index_dir: str, watches: dict[str, Watch]) -> None:
    state = {
        "version": 1,
        "watches": {
            name: {
                "query": w.query,
                "mode": w.mode,
                "limit": w.limit,
                "fold": w.fold,
                "since": w.since,
                "until": w.until,
                "created": w.created,
                "last_run": w.last_run,
                "seen": sorted(w.seen),
            }
            for name, w in sorted(watches.items())
        },
    }
    # ASCII: ids holding a file name's undecodable bytes round-trip as \udcXX escapes
    write_atomic(os.path.join(index_dir, STATE), json.dumps(state, indent=1) + "\n")


def _check(watch: Watch) -> None:
    if not _NAME_RE.fullmatch(watch.name):
        raise WatchError(
            f"bad watch name {watch.name!r}: use up to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if watch.mode not in MODES:
        raise WatchError(f"watch {watch.name!r} has an unknown mode {watch.mode!r}")
    if watch.limit < 1:
        raise WatchError(f"watch {watch.name!r}: the number of hits watched must be 1 or more")


def add_watch(index_dir: str, watch: Watch, wait: float = 30.0) -> Watch:
    """Save a new search; its query is tried on the index first."""
    from .searching import Searcher

    _check(watch)
    watch = replace(watch, created=watch.created or _now(), last_run=None, seen=frozenset())
    with Searcher(index_dir) as searcher:
        searcher.search(
            watch.query,
            limit=1,
            mode=watch.mode,
            snippets=False,
            suggest=False,
            since=watch.since,
            until=watch.until,
        )
    with _locked(index_dir, wait):
        watches = _read(index_dir)
        if watch.name in watches:
            raise WatchError(
                f"a watch named {watch.name!r} exists already; "
                f"`searchcli watch remove {watch.name}` first, or choose another name"
            )
        watches[watch.name] = watch
        _write(index_dir, watches)
    return watch


def remove_watch(index_dir: str, name: str, wait: float = 30.0) -> None:
    with _locked(index_dir, wait):
        watches = _read(index_dir)
        if name not in watches:
            raise _unknown(name, watches)
        del watches[name]
        _write(index_dir, watches)


def list_watches(index_dir: str) -> list[Watch]:
    return sorted(_read(index_dir).values(), key=lambda w: w.name)


def _unknown(name: str, watches: dict[str, Watch]) -> WatchError:
    known = ", ".join(sorted(watches)) or "none yet; add one with `searchcli watch add`"
    return WatchError(f"no watch named {name!r} (saved: {known})")


def run_watches(
    index_dir: str, name: str | None = None, wait: float = 30.0
) -> tuple[list[WatchRun], list[str]]:
    """Run one watch, or all: (each run's new hits, a message for each watch that failed).

    Hits are remembered only once the runs are saved; a failed watch keeps its state."""
    from .searching import Searcher

    runs: list[WatchRun] = []
    failures: list[str] = []
    with _locked(index_dir, wait):
        watches = _read(index_dir)
        if name is not None and name not in watches:
            raise _unknown(name, watches)
        chosen = [watches[name]] if name is not None else [watches[n] for n in sorted(watches)]
        with Searcher(index_dir) as searcher:
            for watch in chosen:
                try:
                    _check(watch)
                    result = searcher.search(
                        watch.query,
                        limit=watch.limit,
                        mode=watch.mode,
                        fold=watch.fold,
                        suggest=False,
                        since=watch.since,
                        until=watch.until,
                    )
                except (QueryError, WatchError) as exc:
                    failures.append(
                        f"watch {watch.name!r} ({watch.query!r}) no longer runs: {exc}. "
                        f"Remove it with `searchcli watch remove {watch.name}` and add it again"
                    )
                    continue
                new = tuple(h for h in result.hits if not ({h.id, *h.duplicates} & watch.seen))
                seen = set(watch.seen)
                for h in result.hits:
                    seen.update((h.id, *h.duplicates))
                watches[watch.name] = replace(watch, last_run=_now(), seen=frozenset(seen))
                runs.append(WatchRun(watch, replace(result, hits=new, total=len(new))))
        _write(index_dir, watches)
    return runs, failures
