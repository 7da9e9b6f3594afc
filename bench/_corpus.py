"""The benchmark's inputs: the news corpus laid out two ways, and the fixed queries.

The corpus is read from the shared data folder by path and written into a
temporary directory; nothing from it is ever copied into the repository.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
QUERIES = BENCH / "queries.txt"
DOCS_PER_JSONL = 3000  # several input files, like a real export


def default_data_dir() -> Path:
    """$SEARCHCLI_DATA, else ../shared/data next to the repository."""
    env = os.environ.get("SEARCHCLI_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class Corpus:
    """The same documents as JSON lines files and as a folder of .txt articles."""

    jsonl: tuple[Path, ...]
    txt_dir: Path
    documents: int
    raw_bytes: int  # size of the JSON lines written


def read_news(data_dir: Path, limit: int | None = None) -> Iterator[dict[str, str]]:
    """The news records in file order, trimmed to the fields every engine indexes."""
    files = sorted((data_dir / "news").glob("*.jsonl"))
    count = 0
    for path in files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if limit is not None and count >= limit:
                    return
                rec = json.loads(line)
                count += 1
                yield {
                    "id": rec["id"],
                    "title": rec.get("title") or "",
                    "source": rec.get("source") or "",
                    "body": rec.get("body") or "",
                    "collection": rec.get("collection") or "news",
                }


def news_available(data_dir: Path) -> bool:
    return any((data_dir / "news").glob("*.jsonl"))


def article_text(doc: dict[str, str]) -> str:
    """The seed-article layout: title line, source line, blank line, body.

    A document without a title gets its id as title, so that the first line is
    never blank (a blank first line would make the layout ambiguous).
    """
    title = " ".join(doc["title"].split()) or doc["id"]
    source = " ".join(doc["source"].split())
    return f"{title}\n{source}\n\n{doc['body'].strip()}\n"


def write_corpus(docs: Iterator[dict[str, str]], out: Path) -> Corpus:
    """Write `docs` under `out` as jsonl/docs-NNN.jsonl and txt/<collection>/<id>.txt."""
    jsonl_dir, txt_dir = out / "jsonl", out / "txt"
    jsonl_dir.mkdir(parents=True)
    txt_dir.mkdir()
    files: list[Path] = []
    made: set[str] = set()
    handle = None
    count = raw = 0
    try:
        for doc in docs:
            if count % DOCS_PER_JSONL == 0:
                if handle:
                    handle.close()
                files.append(jsonl_dir / f"docs-{len(files):03d}.jsonl")
                handle = files[-1].open("w", encoding="utf-8")
            record = {k: doc[k] for k in ("id", "title", "source", "body")}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            handle.write(line)  # type: ignore[union-attr]
            raw += len(line.encode())
            folder = txt_dir / doc["collection"]
            if doc["collection"] not in made:
                folder.mkdir()
                made.add(doc["collection"])
            (folder / f"{doc['id']}.txt").write_text(article_text(doc), encoding="utf-8")
            count += 1
    finally:
        if handle:
            handle.close()
    return Corpus(tuple(files), txt_dir, count, raw)


def load_queries(path: Path = QUERIES) -> list[str]:
    """One query a line; blank lines and lines starting with '#' are ignored."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]


TOKEN = re.compile(r'(\w+:)?"([^"]*)"|(\w+:)?(\S+)')


def parse_query(query: str) -> list[tuple[str | None, list[str], bool]]:
    """Split a query into (field, words, is_phrase) parts.

    Understands what bench/queries.txt uses: bare words, "quoted phrases" and
    field:word. Each engine's adapter turns the parts into its own syntax.
    """
    parts: list[tuple[str | None, list[str], bool]] = []
    for m in TOKEN.finditer(query):
        if m.group(2) is not None:
            field, text, phrase = m.group(1), m.group(2), True
        else:
            field, text, phrase = m.group(3), m.group(4), False
        words = re.findall(r"\w+", text)
        if words:
            parts.append((field[:-1] if field else None, words, phrase))
    return parts
