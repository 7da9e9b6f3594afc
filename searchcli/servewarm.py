"""What `searchcli serve` does once, before it listens, so that no answer does it again.

Every answer is a process forked from the server: whatever the server has imported,
compiled or read is already in each answer's memory, at no cost. So the server
runs each served command's common forms once on its own index (their output goes
to /dev/null), which imports every module they load on first use (the command
modules, Rich, the records, the notices), loads the Whoosh modules searchcli
defers, and compiles the regular expressions compiled on first use (those for
CJK text, which an English warm-up query never meets). Then the garbage collector
is told to leave all of that alone: an answer that collects garbage would
otherwise touch, and so copy, every page of it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any


def warm(index_dirs: list[str]) -> None:
    """Import everything the served commands use and read each index once."""
    from . import patterns, whooshdefer
    from .cli import cli

    list(cli.commands.values())  # every command's module, not only those run below
    saved = dict(os.environ)
    try:
        with quiet_stdio():
            for index in index_dirs:
                for args, env in _commands(index):
                    os.environ.update(env)
                    with contextlib.suppress(Exception, SystemExit):
                        cli.main(args=[*args, "--index", index], prog_name="searchcli")
                    os.environ.clear()
                    os.environ.update(saved)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    whooshdefer.load_all()
    patterns.compile_all()


def settle() -> None:
    """Once warm and holding its indexes: what is in memory now lasts. The collector
    need not look at it again, which also spares every forked answer from copying
    the pages it would touch."""
    gc.collect()
    gc.freeze()


def _commands(index: str) -> list[tuple[list[str], dict[str, str]]]:
    word, doc_id = _a_document(index)
    colour = {"FORCE_COLOR": "1", "COLUMNS": "80"}
    return [
        (["search", word, "--jsonl"], {}),
        (["search", word, "--json", "--explain"], {}),
        (["search", word, "--tsv"], {}),
        (["search", word], colour),
        (["stats"], colour),
        (["show", doc_id, "--json"], {}),
        (["show", doc_id], colour),
        (["show", doc_id, "--query", word], {}),
        (["similar", doc_id, "--jsonl"], {}),
        (["timeline", word], colour),
    ]


def _a_document(index_dir: str) -> tuple[str, str]:
    """A word of the index's first titled document, and its id, to warm up with."""
    from .opening import open_searcher

    found: list[str] = []
    try:
        searcher, _ = open_searcher(index_dir)
        with searcher:
            word = a_word(searcher.reader().all_stored_fields(), found)
            return word, found[0] if found else "1"
    except Exception:  # noqa: BLE001  (a damaged index is for `check` to report)
        return "the", "1"


def a_word(documents: Iterable[dict[str, Any]], ids: list[str] | None = None) -> str:
    """The longest word of the first title that has one (its document's id appended
    to `ids`), "the" when none has."""
    for fields in documents:
        words = [w for w in str(fields.get("title", "")).split() if w.isalpha()]
        if words:
            if ids is not None:
                ids.append(str(fields.get("id", "1")))
            return max(words, key=len)
    return "the"


@contextlib.contextmanager
def quiet_stdio() -> Iterator[None]:
    """Standard streams on /dev/null for a while (the warm-up's output)."""
    saved = sys.stdin, sys.stdout, sys.stderr
    with open(os.devnull, "r+", encoding="utf-8") as null:
        sys.stdin = sys.stdout = sys.stderr = null
        try:
            yield
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved
