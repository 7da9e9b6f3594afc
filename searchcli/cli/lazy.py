"""Commands loaded on demand: a command's module is imported when the command runs.

`searchcli search` imports the search command's module only, and `--help` and
`--version` import none: the group knows each command's name, module and help
summary from `COMMANDS`. A module still registers its commands itself
(`@cli.command()`); importing it is what loads them. `tests/test_lazy_cli.py`
keeps the table true to the commands (same names, same summaries).
"""

from __future__ import annotations

import importlib
from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from gettext import gettext as _
from typing import Any

import click

# name: (module in searchcli.cli, the first paragraph of its help, which `--help` shortens)
COMMANDS: dict[str, tuple[str, str]] = {
    "batch": ("searchcmd", "Run many queries from QUERIES (a file, or - for stdin), one a line."),
    "check": (
        "admincmd",
        "Verify the index: every segment opens, every stored document reads,\n"
        "the document count matches the manifest. Exit 2 when damaged.",
    ),
    "completion": ("completioncmd", "Print the tab-completion script for SHELL."),
    "eval": ("evalcmd", "Score ranking quality: nDCG@10, MAP (top 1000), P@10 and R@100."),
    "index": ("indexcmd", "Index PATHS (files, folders, or - for JSON lines on stdin)."),
    "search": ("searchcmd", "Search the index for WORDS."),
    "show": (
        "admincmd",
        "Print stored documents, each named by its id or by the path of its file\n"
        "(absolute, or relative to the current folder): what `search --paths` prints,\n"
        "so `searchcli search --paths WORD | xargs searchcli show` works. The ids of\n"
        "each document's near-duplicates are listed with it.",
    ),
    "serve": (
        "servecmd",
        "Answer search, show, batch, stats and the other reading commands from a\n"
        "resident process: the `searchcli` command hands them over when one runs, so\n"
        "they skip Python's imports and answer at once. Indexing stays in-process.",
    ),
    "similar": ("similarcmd", "Show the documents most like the one with id DOC_ID."),
    "stats": ("admincmd", "Show what the index holds: documents, size, fields, sources."),
    "timeline": (
        "timecmd",
        "Count the documents that match WORDS per day, week, month or year.",
    ),
    "watch": (
        "watchcmd",
        "Saved searches: `watch run` shows only the hits that are new since the last run.",
    ),
}


def load(name: str) -> None:
    """Import the module that defines command `name` (it registers itself)."""
    if name in COMMANDS:
        importlib.import_module(f"{__package__}.{COMMANDS[name][0]}")


class LazyCommands(dict[str, click.Command]):
    """A group's `commands` mapping that imports a command's module on first lookup.

    Looking one command up loads one module; listing them all (iteration, items,
    len) loads every module, so code that walks `cli.commands` sees every command."""

    def _known(self, name: str) -> bool:
        return dict.__contains__(self, name)

    def __missing__(self, name: str) -> click.Command:
        load(name)
        if not self._known(name):
            raise KeyError(name)
        return dict.__getitem__(self, name)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or dict.__contains__(self, name)

    def load_all(self) -> None:
        for name in COMMANDS:
            if not self._known(name):
                load(name)

    def names(self) -> list[str]:
        """Every command's name, without loading any."""
        return sorted({*COMMANDS, *dict.keys(self)})

    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self.load_all()
        return dict.__len__(self)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.load_all()
        return dict.keys(self)

    def values(self) -> ValuesView[click.Command]:  # type: ignore[override]
        self.load_all()
        return dict.values(self)

    def items(self) -> ItemsView[str, click.Command]:  # type: ignore[override]
        self.load_all()
        return dict.items(self)


class LazyGroup(click.Group):
    """A click group whose commands come from `COMMANDS`, imported when needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: LazyCommands = LazyCommands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self.commands.names()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `--help`, from the summaries: no command module imported.
        A command already loaded (or registered outside the table) speaks for itself."""
        commands = self.commands
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if commands._known(name):
                cmd = dict.__getitem__(commands, name)
            else:
                cmd = click.Command(name, help=COMMANDS[name][1])
            if not cmd.hidden:
                rows.append((name, cmd))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])
