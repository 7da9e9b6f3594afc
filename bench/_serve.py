"""Cold queries through `searchcli serve` (issue 13), beside FTS5's cold process.

A `searchcli serve --detach` is started on the benchmark's index; then, query by
query and taking turns with FTS5's cold Python process (so a busy machine slows
both alike), a new `searchcli search Q --jsonl` process is timed to exit, piped,
and `searchcli search Q` on a pseudo-terminal (Rich, colours). The client runs
with $SEARCHCLI_SERVER=require: a run that did not go through the server fails
the benchmark instead of being timed as an in-process one. Two floors are timed in
the same turns: a served `show ID --json` (start, hand-over, one stored document,
no search) and `python -c pass`.

Also measured: what a stale socket (a killed server's) costs the client before it
answers in-process (issue: within 50 ms), and recoll, when `recollq` is installed.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _measure import Run, check, run_in_pty, run_piped
from _searchcli import FOUND_OR_NOT, executable, rich_env

TARGET = 1.0  # served cold query / FTS5 cold query
RECOLL_TARGET = 2.0  # served cold query / recoll's (recollq) cold query


def _env(base: dict[str, str] | None = None) -> dict[str, str]:
    return {**(base or os.environ), "SEARCHCLI_SERVER": "require"}


def measure(
    index: Path,
    queries: list[str],
    picks: list[int],
    fts5_cold: Callable[[int], dict[str, Run]],
    recoll_cold: Callable[[int], Run] | None = None,
) -> dict[str, float]:
    """Figures of the served cold query, with FTS5's (and recoll's, when given: see
    bench/_recoll.py) re-measured in the same turns."""
    serve = [*executable(), "serve", "--index", str(index)]
    started = subprocess.run([*serve, "--detach"], capture_output=True, text=True)
    if started.returncode != 0:
        raise RuntimeError(f"serve --detach exited {started.returncode}: {started.stderr}")
    piped: list[float] = []
    rich: list[float] = []
    fts5: list[float] = []
    load_before = os.getloadavg()[0]
    floor: list[float] = []  # `show ID` served: start, hand-over, one stored document
    python: list[float] = []  # the interpreter starting and exiting
    recoll: list[Run] = []
    try:
        first = [*executable(), "search", queries[picks[0]], "--index", str(index), "--jsonl"]
        top = check(run_piped(first, env=_env()), "served search").stdout.splitlines()[0]
        show = [*executable(), "show", json.loads(top)["id"], "--index", str(index), "--json"]
        for i in picks:
            q = queries[i]
            fts5.append(fts5_cold(i)["piped"].seconds)
            if recoll_cold is not None:
                recoll.append(recoll_cold(i))
            python.append(check(run_piped([sys.executable, "-c", "pass"]), "python").seconds)
            floor.append(check(run_piped(show, env=_env()), "served show").seconds)
            cmd = [*executable(), "search", q, "--index", str(index), "--jsonl"]
            run = run_piped(cmd, env=_env())
            piped.append(check(run, f"served search {q!r}", FOUND_OR_NOT).seconds)
            cmd = [*executable(), "search", q, "--index", str(index)]
            run = run_in_pty(cmd, env=_env(rich_env()))
            rich.append(check(run, f"served search {q!r} (terminal)", FOUND_OR_NOT).seconds)
    finally:
        subprocess.run([*serve, "--stop"], capture_output=True)
    return {
        "cold_ms": statistics.median(piped) * 1e3,
        "cold_rich_ms": statistics.median(rich) * 1e3,
        "fts5_cold_ms": statistics.median(fts5) * 1e3,
        "floor_ms": statistics.median(floor) * 1e3,
        "python_ms": statistics.median(python) * 1e3,
        "stale_ms": stale_socket_cost() * 1e3,
        "load_before": load_before,  # the machine's 1-minute load average
        "load_after": os.getloadavg()[0],
        **recoll_figures(recoll),
    }


def stale_socket_cost(rounds: int = 20) -> float:
    """Median time the client spends on a killed server's socket before giving up
    on it (connect refused, socket removed): the delay before the in-process answer."""
    from searchcli.client import _connect

    times = []
    with tempfile.TemporaryDirectory(prefix="searchcli-stale-") as tmp:
        path = os.path.join(tmp, "socket")
        for _ in range(rounds):
            dead = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            dead.bind(path)
            dead.close()  # the file stays; nobody listens: a killed server's socket
            start = time.perf_counter()
            conn = _connect(path)
            times.append(time.perf_counter() - start)
            if conn is not None or os.path.exists(path):
                raise RuntimeError("the client did not take the socket for stale")
    return statistics.median(times)


def recoll_figures(runs: list[Run]) -> dict[str, float]:
    """recoll's median cold query, and in how many of the queries it found a file."""
    if not runs:
        return {}
    return {
        "recoll_cold_ms": statistics.median(r.seconds for r in runs) * 1e3,
        "recoll_found": float(sum(1 for r in runs if r.stdout.strip())),
        "recoll_queries": float(len(runs)),
    }


def rows(figs: dict[str, dict[str, float]], row: Callable[..., Any]) -> list[Any]:
    """Table rows for speed.py's table (its Row class passed in)."""
    s = figs.get("served")
    if not s:
        return []
    base = s["fts5_cold_ms"]
    inproc = figs.get("searchcli", {}).get("cold_ms")
    ratio = s["cold_ms"] / base
    out = [
        row(
            "cold query through the server, piped, to exit",
            "ms",
            base,
            s["cold_ms"],
            figs.get("ripgrep", {}).get("cold_ms"),  # rg's cold query, for scale
            ratio,
            f"<= {TARGET:g}x FTS5",
            ratio <= TARGET,
        ),
        row(
            "cold query through the server, Rich on a terminal",
            "ms",
            base,
            s["cold_rich_ms"],
            None,
            s["cold_rich_ms"] / base,
            "",
            None,
        ),
        row(
            "through the server, `show ID --json` (no search)",
            "ms",
            base,
            s["floor_ms"],
            None,
            s["floor_ms"] / base,
            "",
            None,
        ),
        row("python -c pass", "ms", base, s["python_ms"], None, s["python_ms"] / base, "", None),
        row(
            "stale socket: delay before the in-process answer",
            "ms",
            None,
            s["stale_ms"],
            None,
            None,
            "<= 50 ms",
            s["stale_ms"] <= 50,
        ),
    ]
    if "recoll_cold_ms" in s:
        out.extend(recoll_rows(s, base, row))
    if inproc:
        out.append(
            row(
                "cold query, in-process / through the server",
                "x",
                None,
                None,
                None,
                inproc / s["cold_ms"],
                "",
                None,
            )
        )
    return out


def recoll_rows(s: dict[str, float], base: float, row: Callable[..., Any]) -> list[Any]:
    """recoll's cold query (its time in the measured column) and served / recoll."""
    theirs = s["recoll_cold_ms"]
    ratio = s["cold_ms"] / theirs
    return [
        row("cold query, recoll (recollq)", "ms", base, theirs, None, theirs / base, "", None),
        row(
            "cold query, through the server / recoll",
            "x",
            None,
            None,
            None,
            ratio,
            f"<= {RECOLL_TARGET:g}x recoll",
            ratio <= RECOLL_TARGET,
        ),
    ]


def note(figs: dict[str, dict[str, float]]) -> str:
    if "served" not in figs:
        return ""
    s = figs["served"]
    load = f"load average during the served rows: {s['load_before']:.2f} -> {s['load_after']:.2f}"
    if "recoll_cold_ms" not in s:
        missing = "recoll (recollq, recollindex) is not installed"
        return f"{load}\n{missing}: 'within 2x of recoll' is not measured"
    return (
        f"{load}\nrecoll: its index of the article files built in {s['recoll_build_s']:.1f} s; "
        f"`recollq -a -b -n 10` over each query's plain words (all of them, stemmed; "
        f"phrases as loose words) found files for {s['recoll_found']:.0f} of "
        f"{s['recoll_queries']:.0f} queries"
    )
