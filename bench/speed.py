"""Side-by-side speed benchmark: searchcli vs SQLite FTS5 (and ripgrep when installed).

    python bench/speed.py                      # the whole 50,249-document news corpus
    python bench/speed.py --limit 2000         # a quick run over the first 2000 documents
    python bench/speed.py --skip-build DIR     # reuse a searchcli index; measure queries only
    python bench/speed.py --json               # figures as JSON instead of the table
    python bench/speed.py --scale 50000,200000,500000   # growth table (bench/_scale.py)

Writes ../shared/data/news/*.jsonl (or $SEARCHCLI_DATA/news, or --data) into a
temporary folder as JSON lines and as .txt articles, then measures every engine
in this one run on the same fixed queries (bench/queries.txt): top 10 with
snippets, title boosted, stemming. Prints one table of figures, the ratios of
searchcli to FTS5, and the targets of issues 4 and 11 (the cold start of
`--version` and `--help` and the floor of a cold query: bench/_cold.py).
Needs only the standard library and searchcli; ripgrep is measured when `rg`
is on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _cold  # noqa: E402
import _fts5  # noqa: E402
import _recoll  # noqa: E402
import _rg  # noqa: E402
import _searchcli  # noqa: E402
import _serve  # noqa: E402
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
BENCH = Path(__file__).resolve().parent
Figures = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Settings:
    limit: int | None
    warm_rounds: int  # timed passes over all queries, after one untimed pass
    cold_runs: int  # cold processes per engine and mode, over evenly spread queries
    batch_size: int  # queries fed to `searchcli batch` (the fixed queries cycled)
    skip_build: Path | None


# ---------------------------------------------------------------- measuring


class Engine:
    """What the benchmark asks of a ranked engine; each phase runs all engines interleaved."""

    def build(self) -> Run | None:  # None: reused, not built
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError

    def open(self) -> tuple[Callable[[int], object], Callable[[], None]]:
        """A warm search(query index) and a close()."""
        raise NotImplementedError

    def cold(self, i: int) -> dict[str, Run]:
        """One fresh process per output mode answering query i."""
        raise NotImplementedError

    def batch(self, lines: bytes) -> Run:
        raise NotImplementedError

    def extra(self) -> dict[str, float]:
        return {}


class Fts5(Engine):
    def __init__(self, corpus: Corpus, work: Path, queries: list[str]) -> None:
        self.corpus, self.db = corpus, work / "fts5.db"
        self.pairs = [_fts5.match_pair(parse_query(q)) for q in queries]

    def build(self) -> Run:
        cmd = [sys.executable, str(BENCH / "_fts5.py"), "build", str(self.db)]
        return check(run_tree([*cmd, *map(str, self.corpus.jsonl)]), "FTS5 build")

    def size(self) -> int:
        return folder_size(self.db)

    def open(self) -> tuple[Callable[[int], object], Callable[[], None]]:
        con = sqlite3.connect(self.db)
        return (lambda i: _fts5.search(con, self.pairs[i])), con.close

    def cold(self, i: int) -> dict[str, Run]:
        cmd = _fts5.cold_command(sys.executable, self.db, self.pairs[i])
        return {"piped": check(run_piped(cmd), "FTS5 cold query")}

    def batch(self, lines: bytes) -> Run:
        cmd = [sys.executable, str(BENCH / "_fts5.py"), "serve", str(self.db)]
        return check(run_tree(cmd, stdin=lines), "FTS5 serve")


class Searchcli(Engine):
    def __init__(self, corpus: Corpus, work: Path, queries: list[str], reuse: Path | None):
        self.corpus, self.work, self.queries, self.reuse = corpus, work, queries, reuse
        self.index = reuse or work / "searchcli-index"

    def build(self) -> Run | None:
        return None if self.reuse else _searchcli.build(list(self.corpus.jsonl), self.index)

    def size(self) -> int:
        return folder_size(self.index)

    def open(self) -> tuple[Callable[[int], object], Callable[[], None]]:
        search, close = _searchcli.open_library(self.index)
        return (lambda i: search(self.queries[i])), close

    def cold(self, i: int) -> dict[str, Run]:
        q = self.queries[i]
        return {
            "piped": _searchcli.cold_piped(q, self.index),
            "rich": _searchcli.cold_rich(q, self.index),
        }

    def batch(self, lines: bytes) -> Run:
        served = _searchcli.batch(lines, self.index)
        asked = len(lines.splitlines())
        answered = sum(1 for line in served.stdout.splitlines() if line.strip())
        if answered < asked:
            raise RuntimeError(f"searchcli batch answered {answered} of {asked} queries")
        return served

    def extra(self) -> dict[str, float]:
        """Incremental `index` of the .txt folder with nothing changed (after a first build)."""
        if self.reuse:
            return {}
        folder_index = self.work / "searchcli-txt-index"
        _searchcli.index_folder(self.corpus.txt_dir, folder_index)  # first build, not timed
        return {"incremental_s": _searchcli.index_folder(self.corpus.txt_dir, folder_index).seconds}


def spread(items: list[str], count: int) -> list[int]:
    """`count` evenly spaced indexes into `items` (all of them when count >= len)."""
    n = len(items)
    count = min(count, n)
    return sorted({i * n // count for i in range(count)})


def batch_input(queries: list[str], size: int) -> bytes:
    lines = (f"q{i + 1}\t{queries[i % len(queries)]}\n" for i in range(size))
    return "".join(lines).encode()


class Phases:
    """Runs each phase for every engine before the next phase, interleaving the
    timed calls, so that a machine busy with other work slows all engines alike
    and the ratios stay fair. An engine that fails is reported and dropped."""

    def __init__(self, engines: dict[str, Engine], settings: Settings) -> None:
        self.engines, self.settings = engines, settings
        self.figs: Figures = {name: {} for name in engines}
        self.errors: dict[str, str] = {}

    def _each(self, phase: str, fn: Callable[[str, Engine], None]) -> None:
        for name, engine in list(self.engines.items()):
            try:
                fn(name, engine)
            except (RuntimeError, ImportError, OSError) as exc:
                self.errors[name] = f"{phase}: {exc}"
                print(f"{name} could not be measured ({phase}): {exc}", file=sys.stderr)
                del self.engines[name]

    def build(self) -> None:
        def one(name: str, engine: Engine) -> None:
            run = engine.build()
            if run is not None:
                self.figs[name].update(build_s=run.seconds, build_peak_mb=run.peak_rss / MB)
                self.figs[name].update(build_pss_mb=run.peak_pss / MB, build_cpu_s=run.cpu_seconds)
            self.figs[name]["size_mb"] = engine.size() / MB

        self._each("build", one)

    def warm(self, n: int) -> None:
        """p50/p95 per query after one untimed pass, engines taking turns query by query."""
        opened: dict[str, tuple[Callable[[int], object], Callable[[], None]]] = {}
        self._each("open", lambda name, e: opened.__setitem__(name, e.open()))
        times: dict[str, list[float]] = {name: [] for name in opened}
        try:
            for round_ in range(self.settings.warm_rounds + 1):
                for i in range(n):
                    for name, (search, _) in opened.items():
                        start = time.perf_counter()
                        search(i)
                        if round_:
                            times[name].append(time.perf_counter() - start)
        finally:
            for _, close in opened.values():
                close()
        for name, t in times.items():
            self.figs[name].update(warm_p50_ms=percentile(t, 50) * 1e3)
            self.figs[name].update(warm_p95_ms=percentile(t, 95) * 1e3)

    def cold(self, picks: list[int]) -> None:
        runs: dict[str, dict[str, list[Run]]] = {name: {} for name in self.engines}
        for i in picks:

            def one(name: str, engine: Engine, i: int = i) -> None:
                for mode, run in engine.cold(i).items():
                    runs[name].setdefault(mode, []).append(run)

            self._each("cold", one)
        for name in self.engines:
            piped = runs[name]["piped"]
            walls = [r.seconds for r in piped]
            fig = self.figs[name]
            fig["cold_ms"] = median(walls) * 1e3
            fig["cold_p95_ms"] = percentile(walls, 95) * 1e3
            fig["cold_first_ms"] = median([r.first_line_seconds or r.seconds for r in piped]) * 1e3
            if "rich" in runs[name]:
                fig["cold_rich_ms"] = median([r.seconds for r in runs[name]["rich"]]) * 1e3

    def batch(self, lines: bytes, size: int) -> None:
        def one(name: str, engine: Engine) -> None:
            run = engine.batch(lines)
            self.figs[name].update(batch_qps=size / run.seconds, serve_mb=run.peak_rss / MB)

        self._each("batch", one)

    def extra(self) -> None:
        self._each("extra", lambda name, e: self.figs[name].update(e.extra()))


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
    ("build_pss_mb", "build peak memory (tree, shared pages once)", "MB", "max", 400.0),
    ("build_cpu_s", "build CPU (user + system)", "s", "", None),
    ("size_mb", "index size", "MB", "ratio", 1.5),
    ("warm_p50_ms", "warm query p50, with snippets", "ms", "ratio", 3.0),  # issue 11
    ("warm_p95_ms", "warm query p95, with snippets", "ms", "ratio", 4.0),
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
    rows.extend(Row(**r) for r in _cold.rows(figs))  # type: ignore[arg-type]
    rows.extend(_serve.rows(figs, Row))
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


def run(data: Path, settings: Settings, work: Path, names: set[str]) -> tuple[Figures, dict]:
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
        "commit": git_state(),
        **{k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()},
    }
    engines: dict[str, Engine] = {"fts5": Fts5(corpus, work, queries)}
    if "searchcli" in names:
        engines["searchcli"] = Searchcli(corpus, work, queries, settings.skip_build)
    phases = Phases(engines, settings)
    print("building ...", file=sys.stderr)
    phases.build()
    print("warm queries ...", file=sys.stderr)
    phases.warm(len(queries))
    print("cold queries ...", file=sys.stderr)
    phases.cold(spread(queries, settings.cold_runs))
    ours = engines.get("searchcli")
    if isinstance(ours, Searchcli) and "searchcli" in phases.engines:
        print("cold start (--version, --help, the floor) ...", file=sys.stderr)
        try:  # issue 11: bench/_cold.py
            phases.figs["searchcli"].update(_cold.measure(ours.index, settings.cold_runs))
        except RuntimeError as exc:
            phases.errors["searchcli"] = f"cold start: {exc}"
    if "served" in names and "searchcli" in phases.engines:
        print("cold queries through searchcli serve ...", file=sys.stderr)
        searchcli = phases.engines["searchcli"]
        assert isinstance(searchcli, Searchcli)
        fts5_cold = phases.engines["fts5"].cold
        picks = spread(queries, settings.cold_runs)
        built, recoll = _recoll.prepare(corpus.txt_dir, work / "recoll", queries)  # if installed
        served = _serve.measure(searchcli.index, queries, picks, fts5_cold, recoll)
        phases.figs["served"] = {**served, **built}
    print("batch ...", file=sys.stderr)
    phases.batch(batch_input(queries, settings.batch_size), settings.batch_size)
    phases.extra()
    figs, errors = phases.figs, phases.errors
    if "fts5" in errors:
        raise RuntimeError(f"SQLite FTS5, the reference, failed: {errors['fts5']}")
    rg = _rg.available()
    if "rg" in names and rg:
        print("ripgrep ...", file=sys.stderr)
        figs["ripgrep"] = measure_rg(rg, corpus, work / "fts5.db", queries)
    elif "rg" in names:
        print("ripgrep (rg) is not on PATH: skipped", file=sys.stderr)
    info["errors"] = errors
    return figs, info


def git_state() -> str:
    """The checkout measured: short commit, '+changes' when the working tree differs."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=BENCH, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


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
    p.add_argument(
        "--engines", default="fts5,searchcli,rg,served", help="comma list (FTS5 always runs)"
    )
    p.add_argument("--workdir", type=Path, help="keep corpus and indexes here (an empty folder)")
    p.add_argument(
        "--scale",
        metavar="N,N,...",
        help="growth table instead: the news set repeated to N documents each (bench/_scale.py)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Measure processes as a user's install runs them: with Python's bytecode cache.
    # Where PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images), every cold
    # run would compile searchcli's modules from source again (about 20 ms).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if not news_available(args.data):
        print(f"no news corpus under {args.data / 'news'}: benchmark skipped", file=sys.stderr)
        return 0
    settings = Settings(
        args.limit, args.warm_rounds, args.cold_runs, args.batch_size, args.skip_build
    )
    if args.scale:
        import _scale

        sizes = [int(n.replace("_", "")) for n in args.scale.split(",")]
        return _scale.main(args.data, sizes, settings, args.workdir)
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
            f"SQLite {info['sqlite']}, searchcli at {info['commit']}"
        )
        print(render_table(rows))
        if _serve.note(figs):
            print(_serve.note(figs))
    return 1 if info["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
