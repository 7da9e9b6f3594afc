"""searchcli as a user runs it: the console script in subprocesses, and the library in-process."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from _measure import Run, check, run_in_pty, run_piped, run_tree

FOUND_OR_NOT = (0, 1)  # grep-style exit codes: 0 found, 1 nothing found


def executable() -> list[str]:
    """The `searchcli` console script of this interpreter's environment, else `python -m`."""
    script = Path(sys.executable).with_name("searchcli")
    if script.exists():
        return [str(script)]
    found = shutil.which("searchcli")
    return [found] if found else [sys.executable, "-m", "searchcli"]


def build(files: list[Path], index: Path) -> Run:
    cmd = [*executable(), "index", *map(str, files), "--index", str(index), "--rebuild"]
    return check(run_tree(cmd), "searchcli index --rebuild")


def index_folder(folder: Path, index: Path) -> Run:
    cmd = [*executable(), "index", str(folder), "--index", str(index)]
    return check(run_tree(cmd), "searchcli index (folder)")


def cold_piped(query: str, index: Path) -> Run:
    cmd = [*executable(), "search", query, "--index", str(index), "--jsonl"]
    return check(run_piped(cmd), f"searchcli search {query!r} --jsonl", FOUND_OR_NOT)


def rich_env() -> dict[str, str]:
    """A 100-column colour terminal, as an interactive user has."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM", "COLUMNS")}
    env.update(TERM="xterm-256color", COLUMNS="100", LINES="40")
    return env


def cold_rich(query: str, index: Path) -> Run:
    cmd = [*executable(), "search", query, "--index", str(index)]
    return check(run_in_pty(cmd, env=rich_env()), f"searchcli search {query!r}", FOUND_OR_NOT)


def batch(lines: bytes, index: Path) -> Run:
    cmd = [*executable(), "batch", "-", "--index", str(index)]
    return check(run_tree(cmd, stdin=lines), "searchcli batch")


def open_library(index: Path) -> tuple[Callable[[str], object], Callable[[], None]]:
    """A warm searcher from the library: (search(query), close())."""
    from searchcli import Searcher

    searcher = Searcher(index)
    searcher.__enter__()

    def search(query: str) -> object:
        return searcher.search(query, limit=10)

    def close() -> None:
        searcher.__exit__(None, None, None)

    return search, close
