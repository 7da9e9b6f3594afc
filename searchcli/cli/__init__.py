"""The `searchcli` command: thin click glue over the library.

Results go to stdout, everything else (progress, summaries, warnings, errors)
to stderr. Rich is imported only by commands that draw for people, so
`--jsonl` and friends start quickly. One module a group of commands; they
register themselves on the group in `base`, which imports a command's module
only when that command is used (`lazy.COMMANDS` lists them).
"""

from __future__ import annotations

from .base import ExitStatus, cli

__all__ = ["ExitStatus", "cli", "main"]


def main() -> None:
    cli(prog_name="searchcli")
