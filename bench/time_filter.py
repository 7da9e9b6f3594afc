"""What the date options cost: the fixed queries with and without --since/--until,
--sort -date and --recent, warm, in one process, on the news set (its Reuters
records carry dates).

    python bench/time_filter.py                   # builds an index of the news set first
    python bench/time_filter.py --index DIR       # or uses one built from it

Prints p50 / p95 milliseconds a query (top 10 with snippets) for each setting,
the ratio to the plain query, and the one-off cost of reading the date column.
Times are CPU time of this process, so that other work on a shared machine
does not blur the comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _corpus import default_data_dir, load_queries

SETTINGS: dict[str, dict[str, Any]] = {
    "plain": {},
    "--since 1987-03 --until 1987-04": {"since": "1987-03", "until": "1987-04"},
    "--since 1987-10-19 (one day)": {"since": "1987-10-19", "until": "1987-10-19"},
    "--sort -date": {"sort": "-date"},
    "--recent": {"recent": "30d"},
}
ROUNDS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of the news set")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from searchcli import Searcher, build_index
    from searchcli.timeindex import moments

    index = args.index
    if index is None:
        work = Path(tempfile.mkdtemp(prefix="time-bench-"))
        index = work / "index"
        started = time.process_time()
        build_index([str(default_data_dir() / "news")], str(index))
        print(f"built {index} in {time.process_time() - started:.1f} s")
    queries = load_queries()
    with Searcher(index) as searcher:
        started = time.process_time()
        dated = sum(1 for m in moments(searcher._searcher) if m)
        print(
            f"date column of {searcher.doc_count:,} documents ({dated:,} dated) read in "
            f"{(time.process_time() - started) * 1000:.2f} ms"
        )
        for q in queries:  # warm the caches every setting shares
            searcher.search(q)
        base = 0.0
        for name, options in SETTINGS.items():
            times = []
            for _ in range(ROUNDS):
                for q in queries:
                    started = time.process_time()
                    searcher.search(q, **options)
                    times.append((time.process_time() - started) * 1000)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1]
            base = base or p50
            print(f"{name:34} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  x{p50 / base:.2f}")


if __name__ == "__main__":
    main()
