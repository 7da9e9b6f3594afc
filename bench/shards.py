"""Sharded indexes: build time with 1 and 2 workers, query latency sharded vs single.

    python bench/shards.py [--limit N] [--workdir DIR] [--no-dask]

Builds the news set (the shared data's news/*.jsonl, read in place) as one plain
index and as 2 shards: in local processes with 1 worker and with 2, and on a Dask
LocalCluster of 2 worker processes. Then runs bench/queries.txt warm (searcher kept
open, best of 3 per query) on the plain index, on the shards in this process, and on
the shards scored as Dask tasks, and checks that all three give the same top 10.
Prints the load average with the figures: on a shared machine, wall times are only
as good as the idle cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import default_data_dir, load_queries  # noqa: E402


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, fn: Callable[[], object]) -> tuple[str, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    fn()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    print(f"  {label}: {wall:.1f} s wall, {cpu:.1f} s CPU  (load {_load()})", flush=True)
    return label, wall, cpu


def _own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def start_costs() -> list[tuple[str, float]]:
    """Seconds to get 2 workers ready to run searchcli code: spawned processes, Dask."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    t = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_warm, range(2)))
    pool_s = time.perf_counter() - t
    from distributed import Client, LocalCluster

    t = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as c:
        with Client(c) as client:
            client.gather(client.map(_warm, range(2), pure=False))
            dask_s = time.perf_counter() - t
    return [("2 spawned processes", pool_s), ("Dask LocalCluster, 2 workers", dask_s)]


def _warm(_: int) -> int:
    import searchcli.indexing  # noqa: F401  (what a shard build imports first)

    return os.getpid()


def latency(index: str, queries: list[str], rounds: int) -> tuple[list[float], list[list[str]]]:
    """Each query's best time of `rounds` (ms), and its top 10 ids."""
    from searchcli import Searcher

    best: list[float] = []
    tops: list[list[str]] = []
    with Searcher(index) as s:
        s.search("warm up")
        for q in queries:
            times = []
            for _ in range(rounds):
                t = time.perf_counter()
                r = s.search(q, limit=10)
                times.append((time.perf_counter() - t) * 1000)
            best.append(min(times))
            tops.append([h.id for h in r.hits])
    return best, tops


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data_dir())
    ap.add_argument("--limit", type=int, help="only the first N news files (about 2.6k each)")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true", help="skip the LocalCluster runs")
    ap.add_argument("--skip-dask-build", action="store_true", help="query it only")
    args = ap.parse_args()

    from searchcli.indexing import update
    from searchcli.shards.build import update_sharded

    files = [str(p) for p in sorted((args.data / "news").glob("*.jsonl"))][: args.limit]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-shards-"))
    print(f"news files: {len(files)}; work folder {work}; cores: {os.cpu_count()}")
    print(f"load average at start: {_load()}")
    print("worker start cost:")
    for label, s in start_costs():
        print(f"  {label}: {s:.2f} s")

    print("builds:")
    builds = [timed("plain index (Whoosh writer, 2 procs)", lambda: update(files, str(work / "p")))]
    for w in (1, 2):
        builds.append(
            timed(
                f"2 shards, {w} local worker{'s' * (w > 1)}",
                lambda w=w: update_sharded(files, str(work / f"s{w}"), shards=2, workers=w),
            )
        )
    cluster = None
    if not args.no_dask:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0")
        address = cluster.scheduler_address
        if not args.skip_dask_build:
            with Client(cluster) as client:  # the workers' CPU is not this process's
                before = sum(client.run(_own_cpu).values())
                label, wall, cpu = timed(
                    "2 shards, Dask LocalCluster of 2",
                    lambda: update_sharded(files, str(work / "sd"), shards=2, scheduler=address),
                )
                cpu += sum(client.run(_own_cpu).values()) - before
            print(f"  (with the Dask workers' CPU: {cpu:.1f} s)")
            builds.append((label, wall, cpu))
    from searchcli import Searcher

    with Searcher(str(work / "p")) as s:
        docs = s.doc_count
    print(f"\n| build ({docs:,} documents) | wall s | CPU s | docs/s (wall) |")
    print("|---|---|---|---|")
    for label, wall, cpu in builds:
        print(f"| {label} | {wall:.1f} | {cpu:.1f} | {docs / wall:,.0f} |")

    queries = load_queries()
    print(f"\nqueries: {len(queries)} from bench/queries.txt, best of {args.rounds} each, warm")
    runs = [("plain index", *latency(str(work / "p"), queries, args.rounds))]
    runs.append(("2 shards, in this process", *latency(str(work / "s2"), queries, args.rounds)))
    if cluster is not None:
        os.environ["SEARCHCLI_SCHEDULER"] = cluster.scheduler_address
        runs.append(("2 shards, scored on Dask", *latency(str(work / "s2"), queries, 1)))
        del os.environ["SEARCHCLI_SCHEDULER"]
        cluster.close()
    print("\n| search | p50 ms | p95 ms | same top 10 as plain |")
    print("|---|---|---|---|")
    for label, ms, tops in runs:
        same = sum(a == b for a, b in zip(tops, runs[0][2], strict=True))
        print(f"| {label} | {pct(ms, 50):.1f} | {pct(ms, 95):.1f} | {same}/{len(queries)} |")
    print(f"\nload average at end: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
