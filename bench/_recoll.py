"""recoll's cold query (issue 13: the served query "within 2x of recoll").

When `recollq` and `recollindex` are installed, a recoll index is built over the
same article text files ripgrep scans (`Corpus.txt_dir`), in its own config
folder (`recoll.conf` with `topdirs` = that folder; nothing of the user's
~/.recoll is read or written). Each query then runs as a new process,
`recollq -c CONF -a -b -n 10 WORD...`: the plain words of the query (field
prefixes, phrase quotes and operators dropped) in recoll's ALL TERMS mode,
English stemming as recoll indexes by default, the top 10 file paths printed.
So recoll answers "documents with all these words, best first", which is what a
searchcli query of plain words answers; a phrase is matched as loose words.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from _corpus import parse_query
from _measure import Run, check, run_piped


def available() -> bool:
    return shutil.which("recollq") is not None and shutil.which("recollindex") is not None


def plain_words(parts: list[tuple[str | None, list[str], bool]]) -> list[str]:
    """The query's words in order, each once (parse_query's parts)."""
    seen: dict[str, None] = {}
    for _, words, _ in parts:
        seen.update(dict.fromkeys(words))
    return list(seen)


class Recoll:
    """A recoll index of `txt_dir` in `conf`, and its cold query."""

    def __init__(self, txt_dir: Path, conf: Path) -> None:
        self.conf = conf
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "recoll.conf").write_text(
            f"topdirs = {txt_dir}\n"
            "indexstemminglanguages = english\n"
            "loglevel = 1\n"  # errors only: its log stays small
            f"logfilename = {conf / 'log.txt'}\n",
            encoding="utf-8",
        )

    def build(self) -> Run:
        """A full `recollindex` of the folder, timed to exit."""
        cmd = ["recollindex", "-c", str(self.conf), "-z"]  # -z: start from an empty index
        return check(run_piped(cmd), "recollindex")

    def cold(self, words: list[str]) -> Run:
        """`recollq` as a new process: the top 10 paths of the files with all `words`."""
        cmd = ["recollq", "-c", str(self.conf), "-a", "-b", "-n", "10", *words]
        return check(run_piped(cmd), f"recollq {' '.join(words)!r}")


def prepare(
    txt_dir: Path, conf: Path, queries: list[str]
) -> tuple[dict[str, float], Callable[[int], Run] | None]:
    """When recoll is installed: build its index (timed) and return the build's
    figure and the cold query of query i; otherwise nothing."""
    if not available():
        return {}, None
    print("recoll index of the article files ...", file=sys.stderr)
    index = Recoll(txt_dir, conf)
    built = index.build().seconds
    words = [plain_words(parse_query(q)) for q in queries]
    return {"recoll_build_s": built}, lambda i: index.cold(words[i])
