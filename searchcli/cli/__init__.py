"""The `searchcli` command: thin click glue over the library.

Results go to stdout, everything else (progress, summaries, warnings, errors)
to stderr. Rich is imported only by commands that draw for people, so
`--jsonl` and friends start quickly. One module a group of commands; they
register themselves on the group in `base`.
"""

from __future__ import annotations

from . import (  # noqa: F401  (registers the commands)
    admincmd,
    completioncmd,
    evalcmd,
    indexcmd,
    searchcmd,
    similarcmd,
    timecmd,
    watchcmd,
)
from .base import ExitStatus, cli

__all__ = ["ExitStatus", "cli", "main"]


def main() -> None:
    cli(prog_name="searchcli")
