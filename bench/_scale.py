"""Growth: `speed.py --scale 50000,200000,500000` measures the build and the queries at
several corpus sizes, each beside SQLite FTS5 and ripgrep, in one run.

The sizes beyond the news set (50,249 documents) repeat it with new ids: copy k of
document `reuters-1` is `reuters-1~k`. An exact copy would be a near-duplicate of
its original, and near-duplicate folding would then group every copy with it (one
group a news story at 500k): that measures a corpus nobody has. So each copy is
perturbed, deterministically: about one word in four (chosen by the word and the
word before it, so the same passage is changed the same way wherever it occurs) is
replaced by a common word of the corpus drawn from a hash of (k, word). Every
four-word shingle of a copy then differs from its original's with probability
1 - (3/4)**4 = 0.68, far below the folding threshold, while two near-duplicate
stories of the news set stay near-duplicates of each other in every copy: the
number of groups grows with the corpus, as in a bigger real collection. The
vocabulary does not grow (a real corpus's would, more slowly than its size).

For each size the table shows build time (wall and CPU seconds), peak memory (the
process tree's RSS summed, and its proportional set size, which counts the pages a
forked worker shares with the indexer once: see _measure.py), index size,
warm query p50/p95 and the cold piped query (median), each beside FTS5; ripgrep's
cold query over the same documents as .txt files; the postings the queries read
(the sum of the document frequencies of their terms, from the index); and the
near-duplicate groups folded. The last lines compare the largest size with the
smallest: growth of each figure against growth of the corpus.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _rg
import speed
from _corpus import load_queries, read_news, write_corpus

COMMON_WORDS = 5000  # the replacement vocabulary: the corpus's most common words
MB = 1e6
WORD = re.compile(r"[A-Za-z]+")


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def vocabulary(docs: list[dict[str, str]]) -> list[str]:
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(w.lower() for w in _words(doc["body"]))
    return sorted(w for w, _ in counts.most_common(COMMON_WORDS))


def perturb(text: str, k: int, vocab: list[str]) -> str:
    """About one word in four replaced, the same way wherever the same two words meet;
    spaces, line breaks and punctuation stay as they were."""
    prev = ""

    def swap(m: re.Match[str]) -> str:
        nonlocal prev
        word, before, prev = m.group(), prev, m.group()
        if zlib.crc32(f"{k}|{before}|{word}".encode()) % 4:
            return word
        return vocab[zlib.crc32(f"{k}|{word}".encode()) % len(vocab)]

    return WORD.sub(swap, text)


def scaled(data: Path, total: int) -> Iterator[dict[str, str]]:
    """`total` documents: the news set, then perturbed copies of it with new ids."""
    base = list(read_news(data))
    vocab = vocabulary(base)
    count, k = 0, 0
    while True:
        for doc in base:
            if count >= total:
                return
            if k == 0:
                yield doc
            else:
                yield {
                    **doc,
                    "id": f"{doc['id']}~{k}",
                    "title": perturb(doc["title"], k, vocab),
                    "body": perturb(doc["body"], k, vocab),
                }
            count += 1
        k += 1


def postings_read(index: Path, queries: list[str]) -> int:
    """The postings the queries' words touch: their document frequencies in title and body."""
    from whoosh import index as whoosh_index

    from searchcli import store
    from searchcli.schema import terms

    data_dir = index / str(store.read_current(str(index))["data"])
    total = 0
    with whoosh_index.open_dir(str(data_dir)).reader() as reader:
        for q in queries:
            words = q.replace('"', " ").split()
            text = " ".join(w.split(":", 1)[-1] for w in words)
            for term in terms(text):
                for field in ("title", "body"):
                    total += reader.doc_frequency(field, term)
    return total


def near_duplicate_groups(index: Path) -> tuple[int, int]:
    """(groups, documents in them) of the index's last generation."""
    from searchcli import store

    data_dir = index / str(store.read_current(str(index))["data"])
    newest = max(data_dir.glob("groups-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    groups = json.loads(newest.read_text())["groups"]
    return len(groups), sum(len(g) for g in groups)


def measure(data: Path, size: int, settings: speed.Settings, work: Path) -> dict[str, Any]:
    queries = load_queries()
    print(f"[{size}] writing corpus ...", file=sys.stderr)
    corpus = write_corpus(scaled(data, size), work)
    engines: dict[str, speed.Engine] = {
        "fts5": speed.Fts5(corpus, work, queries),
        "searchcli": speed.Searchcli(corpus, work, queries, None),
    }
    phases = speed.Phases(engines, settings)
    print(f"[{size}] building ...", file=sys.stderr)
    phases.build()
    print(f"[{size}] warm queries ...", file=sys.stderr)
    phases.warm(len(queries))
    print(f"[{size}] cold queries ...", file=sys.stderr)
    phases.cold(speed.spread(queries, settings.cold_runs))
    figs: dict[str, Any] = {"documents": corpus.documents, **phases.figs}
    rg = _rg.available()
    if rg:
        print(f"[{size}] ripgrep ...", file=sys.stderr)
        figs["ripgrep"] = speed.measure_rg(rg, corpus, work / "fts5.db", queries)
    if "searchcli" in phases.engines:
        index = work / "searchcli-index"
        figs["searchcli"]["postings"] = postings_read(index, queries)
        figs["searchcli"]["groups"], figs["searchcli"]["grouped"] = near_duplicate_groups(index)
    figs["errors"] = phases.errors
    return figs


def _n(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


COLUMNS = [
    ("build_s", "build s"),
    ("build_cpu_s", "build CPU s"),
    ("build_peak_mb", "build peak MB"),
    ("build_pss_mb", "build peak PSS MB"),
    ("size_mb", "index MB"),
    ("warm_p50_ms", "warm p50 ms"),
    ("warm_p95_ms", "warm p95 ms"),
    ("cold_ms", "cold ms"),
]


def render(results: list[dict[str, Any]]) -> str:
    head = ["documents", *(label + " (FTS5 / searchcli)" for _, label in COLUMNS)]
    head += ["rg cold ms", "postings read", "dup groups (docs)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        f, s, g = r.get("fts5", {}), r.get("searchcli", {}), r.get("ripgrep", {})
        cells = [f"{r['documents']:,}"]
        cells += [f"{_n(f.get(key))} / {_n(s.get(key))}" for key, _ in COLUMNS]
        groups = f"{s['groups']:,} ({s['grouped']:,})" if "groups" in s else "-"
        cells += [_n(g.get("cold_ms")), f"{s.get('postings', 0):,}", groups]
        lines.append("| " + " | ".join(cells) + " |")
    if len(results) > 1:
        lines += ["", growth(results[0], results[-1])]
    return "\n".join(lines)


def growth(small: dict[str, Any], large: dict[str, Any]) -> str:
    """How each figure grew from the smallest size to the largest, beside the corpus."""

    def ratio(engine: str, key: str) -> str:
        a, b = small.get(engine, {}).get(key), large.get(engine, {}).get(key)
        return f"{b / a:.2f}x" if a and b else "-"

    docs = large["documents"] / small["documents"]
    s = "searchcli"
    rg, ours = large.get("ripgrep", {}).get("cold_ms"), large.get(s, {}).get("cold_ms")
    parts = [
        f"From {small['documents']:,} to {large['documents']:,} documents ({docs:.2f}x):",
        f"build {ratio(s, 'build_s')} (FTS5 {ratio('fts5', 'build_s')}),",
        f"build CPU {ratio(s, 'build_cpu_s')} (FTS5 {ratio('fts5', 'build_cpu_s')}),",
        f"peak memory {ratio(s, 'build_peak_mb')} (PSS {ratio(s, 'build_pss_mb')}),",
        f"index {ratio(s, 'size_mb')},",
        f"postings read {ratio(s, 'postings')},",
        f"warm p50 {ratio(s, 'warm_p50_ms')} / p95 {ratio(s, 'warm_p95_ms')}",
        f"(FTS5 {ratio('fts5', 'warm_p50_ms')} / {ratio('fts5', 'warm_p95_ms')}),",
        f"cold {ratio(s, 'cold_ms')}; ripgrep's cold query",
        f"{ratio('ripgrep', 'cold_ms')}, {rg / ours:.1f}x searchcli's." if rg and ours else "-.",
    ]
    return " ".join(parts)


def main(data: Path, sizes: list[int], settings: speed.Settings, workdir: Path | None) -> int:
    results = []
    if workdir:
        workdir.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="searchcli-scale-", dir=workdir) as tmp:
            results.append(measure(data, size, settings, Path(tmp)))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(
        f"searchcli at {speed.git_state()}; {len(load_queries())} queries, warm rounds "
        f"{settings.warm_rounds}, cold runs {settings.cold_runs}"
    )
    print(render(results))
    return 1 if any(r["errors"] for r in results) else 0
