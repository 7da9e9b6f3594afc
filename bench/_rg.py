"""ripgrep over the articles as files: the "no index at all" baseline.

ripgrep has no ranking and no AND across lines, so each query becomes one
search for its rarest word (fewest documents containing it, counted by FTS5
with stemming): `rg -i -l -F -- WORD DIR`. Every document that contains all
the query's words contains that word, so the files listed are a superset of
the ranked engines' candidates, and the fixed-string scan costs the same per
byte whatever the word. Substring matching (no -w) stands in for stemming.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


def available() -> str | None:
    return shutil.which("rg")


def rarest_word(con: sqlite3.Connection, parts: list[tuple[str | None, list[str], bool]]) -> str:
    """The query word found in the fewest documents (ties: the longest word)."""
    words = {w for _, ws, _ in parts for w in ws}

    def df(word: str) -> int:
        q = '"' + word.replace('"', '""') + '"'
        return con.execute("SELECT count(*) FROM t WHERE t MATCH ?", (q,)).fetchone()[0]

    return min(sorted(words), key=lambda w: (df(w), -len(w)))


def command(rg: str, word: str, folder: Path) -> list[str]:
    return [rg, "-i", "-l", "-F", "--", word, str(folder)]
