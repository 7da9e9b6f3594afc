"""Phrase and CJK agreement with ripgrep on real documents installed here.

    python bench/agreement.py                 # every source below
    python bench/agreement.py --no-html       # skip the HTML pages (the slowest to parse)
    python bench/agreement.py --json          # every figure, for programs

Copies into a temporary folder: the HTML pages of Debian's python3.11-doc and their
reST sources (_sources/*.txt), the Japanese, Chinese and Korean man pages (zcat'ed, one
.txt a page) and the Markdown and text files under /usr/share/doc; indexes them with
searchcli; then for each phrase (with stop words) and each CJK word compares:

- rg:      files `rg -i -l -F -w -- TEXT` lists (line by line, exact bytes, whole
           words; without -w for CJK words, which have no word boundaries);
- found:   those of them that searchcli finds with the quoted phrase (mode all);
- missed:  the others; "not stored" counts the misses whose stored text does not
           hold the phrase's terms in a row (what the parser made of the file, not
           the query, is why: glued HTML words, page furniture left out);
- hits:    searchcli's hits for the phrase;
- in order: hits whose stored title and body hold the phrase's terms one after
           another (folded and stemmed as searchcli reads them): must be all;
- literal: hits whose stored text holds the phrase literally (case-insensitive,
           white space collapsed); the rest are stemmed forms or phrases split
           across lines, which rg cannot see.

Exit status 0 when every hit is in order and every miss is explained ("not stored"),
1 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from searchcli import Searcher, build_index
from searchcli.schema import CJK_RE, index_terms

PYDOC = Path("/usr/share/doc/python3.11/html")
MAN = [Path("/usr/share/man") / lang for lang in ("ja", "zh_CN", "ko")]
DOC = Path("/usr/share/doc")
MAX_DOC_FILES = 1500
PHRASES = [
    "out of memory",
    "is not",
    "the end of",
    "there is no",
    "in order to",
    "as well as",
    "does not",
    "at least one",
    "if it is",
    "to be",
]
CJK_WORDS = [
    "マニュアル",
    "ファイル",
    "ディレクトリ",
    "オプション",
    "数据库",
    "文件",
    "目录",
    "命令行",
    "用户",
    "파일",
    "디렉터리",
    "옵션",
]


def gather(out: Path, html: bool) -> dict[str, int]:
    """Copy the documents into `out`; how many of each kind."""
    counts: dict[str, int] = {}
    if PYDOC.is_dir():
        pages = list(PYDOC.rglob("*.html")) if html else []
        sources = list((PYDOC / "_sources").rglob("*.txt"))
        for p in pages + sources:
            dest = out / "pydoc" / p.relative_to(PYDOC)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
        counts["python3.11-doc html"] = len(pages)
        counts["python3.11-doc _sources"] = len(sources)
    for folder in MAN:
        n = 0
        for gz in sorted(folder.rglob("*.gz")) if folder.is_dir() else []:
            try:
                text = gzip.decompress(gz.read_bytes()).decode("utf-8", "replace")
            except (OSError, EOFError):
                continue
            dest = out / "man" / folder.name / gz.relative_to(folder).with_suffix(".txt")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
            n += 1
        counts[f"man pages {folder.name}"] = n
    n = 0
    for p in sorted(DOC.rglob("*")):
        if n >= MAX_DOC_FILES or PYDOC in p.parents:
            continue
        if p.suffix in (".md", ".txt") and p.is_file() and not p.is_symlink():
            dest = out / "doc" / p.relative_to(DOC)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
            n += 1
    counts["/usr/share/doc .md/.txt"] = n
    return counts


def rg_files(text: str, folder: Path) -> set[str]:
    whole_words = [] if CJK_RE.search(text) else ["-w"]
    done = subprocess.run(
        ["rg", "-i", "-l", "-F", *whole_words, "--", text, str(folder)],
        capture_output=True,
        check=False,
    )
    return {line for line in done.stdout.decode("utf-8", "replace").splitlines() if line}


def in_a_row(wanted: list[str], have: list[str]) -> bool:
    n = len(wanted)
    first = wanted[0]
    return any(have[i : i + n] == wanted for i, t in enumerate(have) if t == first)


def stored_text(searcher: Searcher, doc_id: str) -> str:
    doc = searcher.document(doc_id)
    return "" if doc is None else f"{doc.title}\n{doc.body}"


def measure(searcher: Searcher, folder: Path, text: str) -> dict[str, object]:
    wanted = index_terms(text)
    result = searcher.search(f'"{text}"', limit=100_000, mode="all", snippets=False)
    hits = {h.path: h.id for h in result.hits}
    rg = rg_files(text, folder)
    missed = rg - set(hits)
    by_path = {}
    for path in missed:
        doc_id = str(Path(path).relative_to(folder))
        by_path[path] = in_a_row(wanted, index_terms(stored_text(searcher, doc_id)))
    texts = {p: stored_text(searcher, i) for p, i in hits.items()}
    literal = " ".join(text.lower().split())
    return {
        "query": text,
        "rg": len(rg),
        "found": len(rg & set(hits)),
        "missed": len(missed),
        "missed_not_stored": sum(1 for stored in by_path.values() if not stored),
        "missed_examples": sorted(p for p, stored in by_path.items() if stored)[:3],
        "hits": result.total,
        "in_order": sum(1 for t in texts.values() if in_a_row(wanted, index_terms(t))),
        "literal": sum(1 for t in texts.values() if literal in " ".join(t.lower().split())),
    }


def table(rows: list[dict[str, object]]) -> str:
    head = "| query | rg files | found | missed (not stored) | hits | in order | literal |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['query']} | {r['rg']} | {r['found']} | {r['missed']} "
            f"({r['missed_not_stored']}) | {r['hits']} | {r['in_order']} | {r['literal']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-html", action="store_true", help="Skip the HTML pages (keep their sources)."
    )
    parser.add_argument("--json", action="store_true", help="Print JSON instead of tables.")
    args = parser.parse_args()
    if not shutil.which("rg"):
        print("ripgrep (rg) is not installed: nothing to compare with", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="searchcli-agreement-") as tmp:
        folder = Path(tmp) / "docs"
        counts = gather(folder, html=not args.no_html)
        start = time.perf_counter()
        build_index([str(folder)], str(Path(tmp) / "index"))
        build_s = time.perf_counter() - start
        with Searcher(Path(tmp) / "index") as searcher:
            docs = searcher.doc_count
            phrases = [measure(searcher, folder, p) for p in PHRASES]
            cjk = [measure(searcher, folder, w) for w in CJK_WORDS]
    rows = phrases + cjk
    ok = all(r["in_order"] == r["hits"] and r["missed"] == r["missed_not_stored"] for r in rows)
    if args.json:
        print(
            json.dumps(
                {
                    "documents": counts,
                    "indexed": docs,
                    "build_s": build_s,
                    "phrases": phrases,
                    "cjk": cjk,
                    "ok": ok,
                },
                ensure_ascii=False,
            )
        )
        return 0 if ok else 1
    print(", ".join(f"{n} {k}" for k, n in counts.items()) + f"; {docs} indexed in {build_s:.0f} s")
    print("\nPhrases (with stop words):\n")
    print(table(phrases))
    print("\nCJK words:\n")
    print(table(cjk))
    unexplained = [(r["query"], r["missed_examples"]) for r in rows if r["missed_examples"]]
    for query, examples in unexplained:
        print(f"missed although stored: {query!r}: {', '.join(map(str, examples))}")
    print("\nevery hit in order, every miss explained" if ok else "\nDISAGREEMENT (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
