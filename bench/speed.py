"""Side-by-side speed benchmark: searchcli vs SQLite FTS5 (and ripgrep when installed).

    python bench/speed.py                      # the whole 50,249-document news corpus
    python bench/speed.py --limit 2000         # a quick run over the first 2000 documents
    python bench/speed.py --skip-build DIR     # reuse a searchcli index; measure queries only
    python bench/speed.py --json               # figures as JSON instead of the table

Writes ../shared/data/news/*.jsonl (or $SEARCHCLI_DATA/news, or --data) into a
temporary folder as JSON lines and as .txt articles, then measures every engine
in this one run on the same fixed queries (bench/queries.txt): top 10 with
snippets, title boosted, stemming. Prints one table of figures, the ratios of
searchcli to FTS5, and the targets of issue 4. Needs only the standard library
and searchcli; ripgrep is measured when `rg` is on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _fts5  # noqa: E402
import _rg  # noqa: E402
import _searchcli  # noqa: E402
from _corpus import (  # noqa: E402
    Corpus,
    default_data_dir,
    load_queries,
    news_available,
    parse_query,
    read_news,
    write_corpus,
)
from _measure import Run, check, folder_size, median, percentile, run_piped, run_tree  # noqa: E402

MB = 1e6
Figures = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Settings:
    limit: int | None
    warm_rounds: int  # timed passes over all queries, after one untimed pass
    cold_runs: int  # cold processes per engine and mode, over evenly spread queries
    batch_size: int  # queries fed to `searchcli batch` (the fixed queries cycled)
    skip_build: Path | None


# ---------------------------------------------------------------- measuring


def warm_latencies(search: Callable[[int], object], n: int, rounds: int) -> dict[str, float]:
    """p50/p95 in ms of `search(i)` for every query i, after one untimed pass."""
    for i in range(n):
        search(i)
    times: list[float] = []
    for _ in range(rounds):
        for i in range(n):
            start = time.perf_counter()
            search(i)
            times.append(time.perf_counter() - start)
    return {"warm_p50_ms": percentile(times, 50) * 1e3, "warm_p95_ms": percentile(times, 95) * 1e3}


def spread(items: list[str], count: int) -> list[int]:
    """`count` evenly spaced indexes into `items` (all of them when count >= len)."""
    n = len(items)
    count = min(count, n)
    return sorted({i * n // count for i in range(count)})


def cold_figures(runs: list[Run]) -> dict[str, float]:
    """Median and p95 wall time to exit, and median time to the first line, in ms."""
    walls = [r.seconds for r in runs]
    return {
        "cold_ms": median(walls) * 1e3,
        "cold_p95_ms": percentile(walls, 95) * 1e3,
        "cold_first_ms": median([r.first_line_seconds or r.seconds for r in runs]) * 1e3,
    }


def batch_input(queries: list[str], size: int) -> bytes:
    lines = (f"q{i + 1}\t{queries[i % len(queries)]}\n" for i in range(size))
    return "".join(lines).encode()


def measure_fts5(
    corpus: Corpus, work: Path, queries: list[str], settings: Settings
) -> tuple[dict[str, float], Path]:
    py, here = sys.executable, str(Path(__file__).resolve().parent)
    db = work / "fts5.db"
    build = check(
        run_tree([py, f"{here}/_fts5.py", "build", str(db), *map(str, corpus.jsonl)]),
        "FTS5 build",
    )
    fig = {"build_s": build.seconds, "build_peak_mb": build.peak_rss / MB}
    fig["size_mb"] = folder_size(db) / MB
    pairs = [_fts5.match_pair(parse_query(q)) for q in queries]
    con = sqlite3.connect(db)
    fig.update(
        warm_latencies(lambda i: _fts5.search(con, pairs[i]), len(pairs), settings.warm_rounds)
    )
    con.close()
    cold = [
        run_piped(_fts5.cold_command(py, db, pairs[i])) for i in spread(queries, settings.cold_runs)
    ]
    for run in cold:
        check(run, "FTS5 cold query")
    fig.update(cold_figures(cold))
    serve = check(
        run_tree(
            [py, f"{here}/_fts5.py", "serve", str(db)],
            stdin=batch_input(queries, settings.batch_size),
        ),
        "FTS5 serve",
    )
    fig["batch_qps"] = settings.batch_size / serve.seconds
    fig["serve_mb"] = serve.peak_rss / MB
    return fig, db


def measure_searchcli(
    corpus: Corpus, work: Path, queries: list[str], settings: Settings
) -> dict[str, float]:
    fig: dict[str, float] = {}
    if settings.skip_build:
        index = settings.skip_build
    else:
        index = work / "searchcli-index"
        build = _searchcli.build(list(corpus.jsonl), index)
        fig.update(build_s=build.seconds, build_peak_mb=build.peak_rss / MB)
    fig["size_mb"] = folder_size(index) / MB

    search, close = _searchcli.open_library(index)
    try:
        fig.update(warm_latencies(lambda i: search(queries[i]), len(queries), settings.warm_rounds))
    finally:
        close()

    picks = spread(queries, settings.cold_runs)
    piped = [_searchcli.cold_piped(queries[i], index) for i in picks]
    fig.update(cold_figures(piped))
    rich = [_searchcli.cold_rich(queries[i], index) for i in picks]
    fig["cold_rich_ms"] = median([r.seconds for r in rich]) * 1e3

    served = _searchcli.batch(batch_input(queries, settings.batch_size), index)
    answered = sum(1 for line in served.stdout.splitlines() if line.strip())
    if answered < settings.batch_size:
        raise RuntimeError(f"searchcli batch answered {answered} of {settings.batch_size} lines")
    fig["batch_qps"] = settings.batch_size / served.seconds
    fig["serve_mb"] = served.peak_rss / MB

    if not settings.skip_build:
        folder_index = work / "searchcli-txt-index"
        _searchcli.index_folder(corpus.txt_dir, folder_index)  # first build, not timed
        again = _searchcli.index_folder(corpus.txt_dir, folder_index)
        fig["incremental_s"] = again.seconds
    return fig


def measure_rg(rg: str, corpus: Corpus, db: Path, queries: list[str]) -> dict[str, float]:
    con = sqlite3.connect(db)
    words = [_rg.rarest_word(con, parse_query(q)) for q in queries]
    con.close()
    times: list[float] = []
    for word in words:
        run = check(run_piped(_rg.command(rg, word, corpus.txt_dir)), f"rg {word}", (0, 1))
        times.append(run.seconds)
    return {"cold_ms": percentile(times, 50) * 1e3, "cold_p95_ms": percentile(times, 95) * 1e3}


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Row:
    figure: str
    unit: str
    fts5: float | None
    searchcli: float | None
    ripgrep: float | None
    ratio: float | None  # searchcli / FTS5, or ripgrep / searchcli for the rg target
    target: str
    met: bool | None


# (key, label, unit, target kind, bound): kind "ratio" compares searchcli/FTS5 with
# bound, "max"/"min" compare searchcli's own figure, "" is informational.
ROWS = [
    ("build_s", "build from JSON lines", "s", "ratio", 5.0),
    ("build_peak_mb", "build peak memory (process tree)", "MB", "max", 400.0),
    ("size_mb", "index size", "MB", "ratio", 1.5),
    ("warm_p50_ms", "warm query p50, with snippets", "ms", "ratio", 2.0),
    ("warm_p95_ms", "warm query p95, with snippets", "ms", "ratio", 3.0),
    ("cold_ms", "cold query, piped (--jsonl), to exit", "ms", "ratio", 2.0),
    ("cold_p95_ms", "cold query, piped, p95", "ms", "", None),
    ("cold_first_ms", "cold query, piped, to first line", "ms", "", None),
    ("cold_rich_ms", "cold query, Rich on a terminal, to exit", "ms", "ratio", 3.0),
    ("batch_qps", "batch throughput, with snippets", "q/s", "min", 200.0),
    ("serve_mb", "memory serving the batch", "MB", "max", 100.0),
    ("incremental_s", "incremental index, nothing changed", "s", "max", 2.0),
]


def make_rows(figs: Figures) -> list[Row]:
    f, s, r = figs.get("fts5", {}), figs.get("searchcli", {}), figs.get("ripgrep", {})
    rows: list[Row] = []
    for key, label, unit, kind, bound in ROWS:
        base = f.get("cold_ms") if key == "cold_rich_ms" else f.get(key)  # FTS5 has no Rich
        ours = s.get(key)
        ratio = ours / base if ours is not None and base else None
        if kind == "ratio":
            target, met = f"<= {bound:g}x FTS5", None if ratio is None else ratio <= bound
        elif kind == "max":
            target, met = f"<= {bound:g} {unit}", None if ours is None else ours <= bound
        elif kind == "min":
            target, met = f">= {bound:g} {unit}", None if ours is None else ours >= bound
        else:
            target, met = "", None
        rg = r.get(key) if key in ("cold_ms", "cold_p95_ms") else None
        rows.append(Row(label, unit, f.get(key), ours, rg, ratio, target, met))
    rg_p50, ours = r.get("cold_ms"), s.get("cold_ms")
    speedup = rg_p50 / ours if rg_p50 and ours else None
    rows.append(
        Row(
            "cold query vs ripgrep (rg p50 / searchcli)",
            "x",
            None,
            None,
            None,
            speedup,
            ">= 5x faster than rg",
            None if speedup is None else speedup >= 5,
        )
    )
    return rows


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def render_table(rows: list[Row]) -> str:
    head = ["figure", "FTS5", "searchcli", "ripgrep", "ratio", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        met = {True: "met", False: "NOT MET", None: "-"}[row.met]
        unit = f" ({row.unit})" if row.unit != "x" else ""
        cells = [row.figure + unit, _num(row.fts5), _num(row.searchcli), _num(row.ripgrep)]
        lines.append("| " + " | ".join([*cells, ratio, row.target, met]) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- running


def run(data: Path, settings: Settings, work: Path, engines: set[str]) -> tuple[Figures, dict]:
    """Measure `engines` in one run; return figures and the run's description."""
    queries = load_queries()
    print(f"writing corpus into {work} ...", file=sys.stderr)
    corpus = write_corpus(read_news(data, settings.limit), work)
    info = {
        "documents": corpus.documents,
        "jsonl_mb": round(corpus.raw_bytes / MB, 1),
        "jsonl_files": len(corpus.jsonl),
        "queries": len(queries),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        **{k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()},
    }
    figs: Figures = {}
    errors: dict[str, str] = {}
    print("measuring SQLite FTS5 ...", file=sys.stderr)
    figs["fts5"], db = measure_fts5(corpus, work, queries, settings)
    if "searchcli" in engines:
        print("measuring searchcli ...", file=sys.stderr)
        try:
            figs["searchcli"] = measure_searchcli(corpus, work, queries, settings)
        except (RuntimeError, ImportError, OSError) as exc:
            errors["searchcli"] = str(exc)
            print(f"searchcli could not be measured: {exc}", file=sys.stderr)
    rg = _rg.available()
    if "rg" in engines and rg:
        print("measuring ripgrep ...", file=sys.stderr)
        figs["ripgrep"] = measure_rg(rg, corpus, db, queries)
    elif "rg" in engines:
        print("ripgrep (rg) is not on PATH: skipped", file=sys.stderr)
    info["errors"] = errors
    return figs, info


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--data", type=Path, default=default_data_dir(), help="data folder (has news/)")
    p.add_argument("--limit", type=int, help="use only the first N news documents")
    p.add_argument("--skip-build", type=Path, metavar="DIR", help="reuse this searchcli index")
    p.add_argument("--json", action="store_true", help="print figures as JSON")
    p.add_argument("--warm-rounds", type=int, default=3)
    p.add_argument("--cold-runs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=1000)
    p.add_argument("--engines", default="fts5,searchcli,rg", help="comma list (FTS5 always runs)")
    p.add_argument("--workdir", type=Path, help="keep corpus and indexes here (an empty folder)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not news_available(args.data):
        print(f"no news corpus under {args.data / 'news'}: benchmark skipped", file=sys.stderr)
        return 0
    settings = Settings(
        args.limit, args.warm_rounds, args.cold_runs, args.batch_size, args.skip_build
    )
    engines = set(args.engines.split(","))
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        figs, info = run(args.data, settings, args.workdir, engines)
    else:
        with tempfile.TemporaryDirectory(prefix="searchcli-bench-") as tmp:
            figs, info = run(args.data, settings, Path(tmp), engines)
    rows = make_rows(figs)
    if args.json:
        print(
            json.dumps({"run": info, "figures": figs, "rows": [asdict(r) for r in rows]}, indent=2)
        )
    else:
        print(
            f"{info['documents']} documents ({info['jsonl_mb']} MB of JSON lines), "
            f"{info['queries']} queries, {info['cpus']} CPUs, Python {info['python']}, "
            f"SQLite {info['sqlite']}"
        )
        print(render_table(rows))
    return 1 if info["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
