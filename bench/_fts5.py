"""SQLite FTS5 (stdlib sqlite3), the reference engine of the speed benchmark.

One table with title, source and body (and the id, not indexed), tokenized with
`porter unicode61 remove_diacritics 2`, ranked by bm25 with the title weighted
2.0, source 0.5, body 1.0; snippets by snippet() over the body.

Query semantics match searchcli's: every word must match; when nothing does,
any word may match. Quoted phrases stay phrases, and `title:word` is an FTS5
column filter.

Run as a script, this module is the child process the benchmark measures:
    _fts5.py build DB FILE...     build the database from JSON lines
    _fts5.py serve DB             answer `qid<TAB>query` lines from stdin as JSON lines
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

SCHEMA = (
    "CREATE VIRTUAL TABLE t USING fts5(title, source, body, id UNINDEXED, "
    "tokenize='porter unicode61 remove_diacritics 2')"
)
RANK = "bm25(2.0, 0.5, 1.0, 0.0)"  # title, source, body, id
SQL = (
    "SELECT id, title, source, snippet(t, 2, '[', ']', '…', 24), rank "
    "FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?"
)
COLUMNS = ("title", "source", "body")


def build(db: Path, files: list[Path]) -> int:
    """Create `db` from JSON lines files in one transaction; return the document count."""
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(SCHEMA)
    con.execute("INSERT INTO t(t, rank) VALUES('rank', ?)", (RANK,))
    count = 0

    def rows():
        nonlocal count
        for path in files:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    d = json.loads(line)
                    count += 1
                    yield d["title"], d["source"], d["body"], d["id"]

    with con:
        con.executemany("INSERT INTO t(title, source, body, id) VALUES (?, ?, ?, ?)", rows())
    con.execute("INSERT INTO t(t) VALUES('optimize')")
    con.commit()
    con.close()
    return count


def _quote(words: list[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def to_match(parts: list[tuple[str | None, list[str], bool]], op: str) -> str:
    """FTS5 MATCH text joining the query parts with AND or OR."""
    terms: list[str] = []
    for field, words, phrase in parts:
        groups = [words] if phrase else [[w] for w in words]
        for g in groups:
            col = f"{field}:" if field in COLUMNS else ""
            terms.append(col + _quote(g))
    return f" {op} ".join(terms)


def match_pair(parts: list[tuple[str | None, list[str], bool]]) -> tuple[str, str]:
    """The all-words query and its any-word fallback."""
    return to_match(parts, "AND"), to_match(parts, "OR")


def search(con: sqlite3.Connection, pair: tuple[str, str], limit: int = 10) -> list[dict]:
    """Top hits with snippets: all words first, any word when that finds nothing."""
    rows = con.execute(SQL, (pair[0], limit)).fetchall()
    if not rows and pair[1] != pair[0]:
        rows = con.execute(SQL, (pair[1], limit)).fetchall()
    return [
        {"rank": i, "score": -r[4], "id": r[0], "title": r[1], "source": r[2], "snippet": r[3]}
        for i, r in enumerate(rows, 1)
    ]


# A whole cold query in a fresh interpreter: open, answer, print, exit.
# Kept self-contained (no import of this module) so it costs what a minimal
# FTS5 command-line tool would.
COLD = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
sql = @SQL@
rows = con.execute(sql, (sys.argv[2], 10)).fetchall()
if not rows:
    rows = con.execute(sql, (sys.argv[3], 10)).fetchall()
out = sys.stdout
for i, r in enumerate(rows, 1):
    out.write(json.dumps({"rank": i, "score": -r[4], "id": r[0], "title": r[1],
                          "source": r[2], "snippet": r[3]}) + "\\n")
""".replace("@SQL@", repr(SQL))


def cold_command(python: str, db: Path, pair: tuple[str, str]) -> list[str]:
    return [python, "-c", COLD, str(db), pair[0], pair[1]]


def serve(db: Path) -> None:
    """Answer `qid<TAB>query` lines from stdin, one JSON line per query."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _corpus import parse_query

    con = sqlite3.connect(db)
    out = sys.stdout
    for line in sys.stdin:
        qid, _, query = line.rstrip("\n").partition("\t")
        hits = search(con, match_pair(parse_query(query)))
        out.write(json.dumps({"qid": qid, "query": query, "hits": hits}) + "\n")


def main(argv: list[str]) -> None:
    if argv[0] == "build":
        n = build(Path(argv[1]), [Path(p) for p in argv[2:]])
        print(n)
    elif argv[0] == "serve":
        serve(Path(argv[1]))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
