"""What a command imports: each one loads only what it needs (issue 11).

A person runs one query per process, and a cold `searchcli search` spends most of
its time importing. Each case runs a real command in a new Python process with
`-X importtime` and fails when a module on its banned list was imported. Nothing
here is timed: the speed itself is measured by bench/speed.py.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

import searchcli
from searchcli.cli import cli
from searchcli.cli.lazy import COMMANDS

# Never needed to answer a query, in any output format.
HEAVY = {
    "yaml",  # Markdown front matter (indexing)
    "markdown_it",  # Markdown bodies (indexing)
    "trafilatura",  # HTML main text (indexing)
    "lxml",
    "htmldate",
    "html.parser",
    "dateparser",
    "dateutil",
    "numpy",  # near-duplicate signatures (indexing)
    "dask",
    "pathspec",  # ignore files (indexing)
    "zipfile",
    "searchcli.indexing",
    "searchcli.documents",
    "searchcli.formats",
    "searchcli.htmltext",
    "searchcli.markdown_text",
    "searchcli.neardup",
    "searchcli.walking",
    "searchcli.evaluation",
    "searchcli.checking",
    "searchcli.explain",
    "searchcli.morelike",
    "searchcli.watching",
    "searchcli.cli.indexcmd",
    "searchcli.cli.evalcmd",
    "searchcli.cli.watchcmd",
    "searchcli.cli.admincmd",
}
# Whoosh's query parser and the regexes behind it: plain words never need them,
# nor Whoosh's English morphology (see searchcli/whooshdefer.py).
PARSER = {"whoosh.qparser", "whoosh.lang.morph_en"}
# Output for people: not when the output is for a program.
RICH = {"rich", "searchcli.render", "pygments"}
# Nothing of the engine for --version and --help.
ENGINE = {"whoosh", "Stemmer", "searchcli.searching", "searchcli.models", "importlib.metadata"}


def imported(*args: str, cwd: Path | None = None) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules a `searchcli ARGS` process imported (its stdout a pipe)."""
    env = {k: v for k, v in os.environ.items() if k != "SEARCHCLI_INDEX"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "searchcli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "searchcli.cli" in names, done.stderr[-2000:]  # importtime did report
    return names, done


def banned(names: set[str], ban: set[str]) -> list[str]:
    """The imported modules that are, or are inside, a banned package."""
    return sorted(n for n in names if n in ban or any(n.startswith(b + ".") for b in ban))


def test_plain_search_as_json_lines(corpus_index: Path) -> None:
    names, done = imported("search", "--jsonl", "--index", str(corpus_index), "harbour")
    assert done.returncode == 0 and done.stdout.count("\n") >= 1, done.stderr[-500:]
    assert banned(names, HEAVY | PARSER | RICH) == []
    assert "searchcli.searching" in names  # it did search


@pytest.mark.parametrize("fmt", ["--json", "--tsv", "--paths"])
def test_other_machine_formats(corpus_index: Path, fmt: str) -> None:
    names, done = imported("search", fmt, "--index", str(corpus_index), "harbour", "festival")
    assert done.returncode == 0 and done.stdout, done.stderr[-500:]
    assert banned(names, HEAVY | PARSER | RICH) == []


def test_rich_search_to_a_pipe(corpus_index: Path) -> None:
    names, done = imported("search", "--index", str(corpus_index), "harbour")
    assert done.returncode == 0 and "harbour" in done.stdout.lower(), done.stderr[-500:]
    assert "rich" in names  # for people, even through a pipe
    assert banned(names, HEAVY | PARSER) == []


def test_query_syntax_still_parses(corpus_index: Path) -> None:
    """The parser is loaded when the query has syntax, and answers as before."""
    names, done = imported("search", "--jsonl", "--index", str(corpus_index), '"harbour festival"')
    assert done.returncode == 0 and done.stdout, done.stderr[-500:]
    assert "whoosh.qparser" in names
    assert banned(names, HEAVY | RICH | {"whoosh.lang.morph_en"}) == []


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["search", "--help"]])
def test_version_and_help_import_no_engine(args: list[str]) -> None:
    names, done = imported(*args)
    assert done.returncode == 0 and done.stdout, done.stderr[-500:]
    assert banned(names, HEAVY | PARSER | RICH | ENGINE) == []


def test_version_is_the_installed_one() -> None:
    """--version prints searchcli.__version__, which must be the package's version."""
    assert searchcli.__version__ == importlib.metadata.version("searchcli")
    names, done = imported("--version")
    assert done.stdout == f"searchcli, version {searchcli.__version__}\n"


def test_help_lists_commands_without_importing_them() -> None:
    names, done = imported("--help")
    assert not {f"searchcli.cli.{module}" for module, _ in COMMANDS.values()} & names
    for name in COMMANDS:
        assert f"\n  {name} " in done.stdout


def test_the_command_table_matches_the_commands() -> None:
    """COMMANDS names every command, in the module that defines it, with the first
    paragraph of its help (what --help shortens into the command list)."""
    commands = dict(cli.commands.items())  # loads every module
    assert set(commands) == set(COMMANDS)
    for name, command in commands.items():
        module, summary = COMMANDS[name]
        assert command.callback is not None
        assert command.callback.__module__ == f"searchcli.cli.{module}", name
        first = (command.help or "").split("\n\n")[0]
        assert first.split() == summary.split(), name


@pytest.mark.parametrize("width", ["40", "80", "200"])
def test_lazy_help_is_the_help_of_the_loaded_commands(width: str) -> None:
    """--help from the table prints what it prints with every command loaded."""
    env = {**os.environ, "COLUMNS": width}
    load = "from searchcli.cli import cli; cli.commands.load_all(); cli(prog_name='searchcli')"
    outputs = [
        subprocess.run(
            [sys.executable, *args, "--help"], capture_output=True, text=True, env=env
        ).stdout
        for args in (["-m", "searchcli"], ["-c", load])
    ]
    assert outputs[0] == outputs[1] and "Commands:" in outputs[0]


def test_unknown_command_still_suggests() -> None:
    names, done = imported("serch", "x")
    assert done.returncode == 2 and "Did you mean one of: 'search', 'serve'?" in done.stderr
