"""Which warm queries make the p95: each bench query's own time, slowest first.

    python bench/_warm.py INDEX [--rounds 5] [--top 15]

Opens INDEX once, runs bench/queries.txt once untimed, then `--rounds` more times
(top 10 with snippets, as bench/speed.py's warm phase does), and prints each query's
median CPU time (process time: less swayed than wall time by other processes on a
shared machine), split into matching and scoring every document (`Searcher._run`)
and the rest (near-duplicate folding, stored fields, snippets), slowest first, with
the p50 and p95 over all timed runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


def load_queries() -> list[str]:
    lines = (BENCH / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(index: str, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """query -> [(whole query, matching and scoring)] in CPU seconds, one a round."""
    from searchcli import Searcher

    queries = load_queries()
    times: dict[str, list[tuple[float, float]]] = {q: [] for q in queries}
    with Searcher(index) as searcher:
        run = searcher._run
        spent = [0.0]

        def timed_run(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return run(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - start

        searcher._run = timed_run  # type: ignore[method-assign]
        for round_ in range(rounds + 1):
            for q in queries:
                spent[0] = 0.0
                start = time.process_time()
                searcher.search(q, limit=10)
                if round_:
                    times[q].append((time.process_time() - start, spent[0]))
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("index")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--top", type=int, default=15)
    args = p.parse_args(argv)
    times = measure(args.index, args.rounds)
    every = [whole for runs in times.values() for whole, _ in runs]
    print(
        f"{len(times)} queries x {args.rounds} rounds, CPU ms: "
        f"p50 {percentile(every, 50) * 1e3:.2f}, p95 {percentile(every, 95) * 1e3:.2f}"
    )
    print("| query | median ms | matching and scoring | the rest |")
    print("|---|---|---|---|")
    rows = []
    for q, runs in times.items():
        whole = statistics.median(w for w, _ in runs)
        scoring = statistics.median(s for _, s in runs)
        rows.append((whole, scoring, q))
    for whole, scoring, q in sorted(rows, reverse=True)[: args.top]:
        cells = [f"`{q}`", *(f"{t * 1e3:.2f}" for t in (whole, scoring, whole - scoring))]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
