"""Output edges: titles that wrap, conflicting output options, a page past the
end, and tab completion."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from searchcli.cli import cli
from searchcli.models import Hit, SearchResult, Snippet
from searchcli.render import print_result


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# -- long titles -----------------------------------------------------------------------

LONG_TITLE = (
    "A very long title about the Nagorno-Karabakh peace agreement and the negotiations "
    "between Armenia and Azerbaijan in the autumn of that year"
)


def drawn(width: int, title: str) -> list[str]:
    hit = Hit(1, 12.3456, "id", title, "src.txt", "src.txt", None, Snippet("a snippet", ()))
    out, err = io.StringIO(), io.StringIO()
    kw: dict[str, Any] = {"width": width, "highlight": False, "markup": False, "emoji": False}
    result = SearchResult(query="q", total=1, hits=(hit,))
    print_result(Console(file=out, **kw), Console(file=err, **kw), result)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
@pytest.mark.parametrize("title", [LONG_TITLE, "Short title", "x" * 300])
def test_a_long_title_wraps_under_its_indent_with_the_score_on_its_first_line(
    width: int, title: str
) -> None:
    lines = drawn(width, title)
    assert all(len(line) <= width for line in lines)
    assert lines[0].startswith("  1. ")
    assert lines[0].rstrip().endswith("12.35")
    assert sum("12.35" in line for line in lines) == 1
    source = next(i for i, line in enumerate(lines) if "src.txt" in line)
    title_lines = lines[:source]
    for line in title_lines[1:]:
        assert line.startswith("     ") and line[5] != " ", lines
    # Every letter of the title is there, in order, with nothing else in between.
    text = " ".join(line[5:].replace("12.35", "").strip() for line in title_lines)
    assert text.replace(" ", "") == title.replace(" ", "")
    if len(title) + 12 <= width:
        assert len(title_lines) == 1
        assert lines[0] == f"  1. {title}  12.35"


# -- conflicting output options --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tsv", "--json"], "--json and --tsv cannot be used together; choose one"),
        (["--paths", "--jsonl"], "--jsonl and --paths cannot be used together; choose one"),
        (
            ["--jsonl", "--tsv", "--json"],
            "--json and --jsonl and --tsv cannot be used together; choose one",
        ),
        (["--jsonl", "-0"], "-0 separates --paths output; it cannot be used with --jsonl"),
    ],
)
def test_conflicting_output_options_exit_2(
    corpus_index: Path, args: list[str], message: str
) -> None:
    result = invoke("search", "karabakh", "--index", str(corpus_index), *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"searchcli: error: {message}\n"


def test_nul_alone_means_paths(corpus_index: Path) -> None:
    alone = invoke("search", "karabakh", "--index", str(corpus_index), "-0")
    both = invoke("search", "karabakh", "--index", str(corpus_index), "--paths", "-0")
    assert alone.exit_code == both.exit_code == 0
    assert alone.stdout == both.stdout and alone.stdout.endswith("\0")


# -- a page past the end ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", [[], ["--json"], ["--jsonl"], ["--tsv"], ["--paths"]])
def test_a_page_past_the_end_says_so_and_exits_1(corpus_index: Path, fmt: list[str]) -> None:
    args = ["search", "year", "-n", "2", "--index", str(corpus_index)]
    first = invoke(*args, "--json")
    total = json.loads(first.stdout)["total"]
    last = -(-total // 2)
    assert total > 2 and first.exit_code == 0  # more than one page
    on_last = invoke(*args, "--page", str(last), *fmt)
    assert on_last.exit_code == 0 and "past" not in on_last.stderr

    result = invoke(*args, "--page", "500", *fmt)
    assert result.exit_code == 1
    assert result.stderr == f"searchcli: page 500 is past the last page ({last})\n"
    if fmt == ["--json"]:  # the object is still there, so a program can read `total`
        data = json.loads(result.stdout)
        assert data["hits"] == [] and data["total"] == total and data["page"] == 500
    elif fmt == ["--tsv"]:
        assert result.stdout.count("\n") == 1 and result.stdout.startswith("rank\t")
    else:
        assert result.stdout == ""


# -- completion ------------------------------------------------------------------------


def test_completion_prints_each_shells_script() -> None:
    for shell, marker in [
        ("bash", "complete -o nosort"),
        ("zsh", "#compdef"),
        ("fish", "complete"),
    ]:
        result = invoke("completion", shell)
        assert result.exit_code == 0 and marker in result.stdout
        assert "_SEARCHCLI_COMPLETE" in result.stdout
    assert invoke("completion", "tcsh").exit_code == 2


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_bash_script_completes_commands_and_options() -> None:
    """The script as bash runs it: it calls the installed `searchcli`, which answers."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "searchcli").exists(), "the venv has the searchcli script"
    script = invoke("completion", "bash").stdout
    probe = (
        f"{script}\n"
        "COMP_WORDS=(searchcli se); COMP_CWORD=1; _searchcli_completion searchcli; "
        'echo "${COMPREPLY[@]}"\n'
        "COMPREPLY=(); COMP_WORDS=(searchcli search --js); COMP_CWORD=2; "
        '_searchcli_completion searchcli; echo "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["search serve", "--json --jsonl"]
