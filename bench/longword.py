"""How long a query takes when its words are long or misspelt: no input may hang `search`.

    python bench/longword.py --index DIR      # an index you have (e.g. of the news corpus)
    python bench/longword.py                  # builds one of the news corpus first (minutes)
    python bench/longword.py --json

Each query is answered in-process by `Searcher.search` (suggestions on, as `search`
does), best of --rounds, then the longest once more by a fresh `searchcli search`
process. A word longer than spelling.MAX_WORD letters gets no suggestion; shorter
unknown words get one, ranked by edit distance, then by frequency.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import default_data_dir, news_available  # noqa: E402
from _searchcli import executable  # noqa: E402

from searchcli.indexing import rebuild as build_index  # noqa: E402
from searchcli.opening import stats as index_stats  # noqa: E402
from searchcli.searching import Searcher  # noqa: E402

TYPOS = ["pathlb", "karabakhh", "negotiatoins", "timetabel", "goverment", "parliment"]
LENGTHS = [20, 40, 41, 200, 1000, 5000]


def random_word(length: int) -> str:
    rng = random.Random(length)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def timed(searcher: Searcher, query: str, rounds: int) -> tuple[float, float, str | None, int]:
    """Best wall-clock and best CPU seconds of `rounds` searches (CPU time is the
    fairer figure on a shared machine), the suggestion and the total."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = searcher.search(query)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu, result.suggestion, result.total


def cold(query: str, index: Path) -> tuple[float, int]:
    started = time.perf_counter()
    cmd = [*executable(), "search", query, "--index", str(index), "--jsonl"]
    code = subprocess.run(cmd, capture_output=True).returncode
    return time.perf_counter() - started, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, help="an existing index (else: build one)")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            if not news_available(args.data):
                print(f"no news corpus under {args.data}; give --index", file=sys.stderr)
                return 0
            index = Path(tmp) / "index"
            build_index(sorted(str(p) for p in (args.data / "news").glob("*.jsonl")), str(index))
        documents = index_stats(str(index)).documents
        rows = []
        with Searcher(index) as searcher:
            queries = [*TYPOS, *(random_word(n) for n in LENGTHS)]
            for query in queries:
                wall, cpu, suggestion, total = timed(searcher, query, args.rounds)
                label = query if len(query) <= 20 else f"{len(query)} random letters"
                row = {"query": label, "ms": wall * 1000, "cpu_ms": cpu * 1000}
                rows.append({**row, "total": total, "suggestion": suggestion})
        colds = {
            "karabakh": cold("karabakh", index),
            "longest": cold(random_word(LENGTHS[-1]), index),
        }

    if args.json:
        print(json.dumps({"documents": documents, "rows": rows, "cold": colds}, indent=2))
        return 0
    print(f"index: {index} ({documents:,} documents); best of {args.rounds}, in-process")
    print(f"{'query':<22} {'ms':>8} {'cpu ms':>8}  {'total':>6}  suggestion")
    for row in rows:
        print(
            f"{row['query']:<22} {row['ms']:>8.1f} {row['cpu_ms']:>8.1f}  {row['total']:>6}  "
            f"{row['suggestion']}"
        )
    for name, (seconds, code) in colds.items():
        what = f"{LENGTHS[-1]} random letters" if name == "longest" else name
        print(f"cold `searchcli search {what} --jsonl`: {seconds:.2f} s (exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
