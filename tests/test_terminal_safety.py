"""Documents are untrusted: nothing in them may act on the terminal.

Rich output is rendered as for a real terminal (FORCE_COLOR) and every escape
sequence in it is parsed: only Rich's own SGR styling (ESC [ ... m) may appear;
no OSC (clipboard writes, hyperlinks), DCS, BEL, C1 controls or bare ESC, and
Rich markup inside a document shows as text. Outputs for programs (JSON, TSV)
carry no raw control characters either.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from searchcli.cli import cli
from searchcli.models import Document, Hit, SearchResult, Snippet
from searchcli.render import print_document, print_result
from searchcli.serialize import TSV_KEYS

CSI = "\x1b[31mred\x1b[0m\x1b[2J\x1b[1;1H"
OSC52 = "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07"  # write "evil clipboard" to the clipboard
OSC8 = "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
DCS = "\x1bP1$tx\x1b\\"
C1 = "\x9b31m\x9d52;c;eA==\x9c\x90q\x9c\x85"
BARE = "\x1b \x1b\x07\x08\r\x7f"
MARKUP = "[bold red]marked[/]"
LINK = "[link=http://evil.example]linked[/link]"
HOSTILE = CSI + OSC52 + OSC8 + DCS + C1 + BARE

# Only SGR (colours and weights) may reach the terminal; on stderr, also what
# Rich's own progress bar uses: hide/show the cursor, erase the line, go up.
SGR = re.compile(r"\x1b\[[0-9;]*m")
PROGRESS = re.compile(r"\x1b\[(?:[0-9;]*m|\?25[lh]|2K|1A)|\r")
ENV = {"FORCE_COLOR": "1", "COLUMNS": "200", "NO_COLOR": "", "TERM": "xterm-256color"}


def assert_terminal_safe(text: str, allowed: re.Pattern[str] = SGR) -> str:
    """The text without its SGR sequences, after checking nothing else is there."""
    plain = allowed.sub("", text)
    assert "\x1b" not in plain, f"escape other than SGR: {plain!r}"
    bad = [c for c in plain if (c < " " and c not in "\n\t") or "\x7f" <= c <= "\x9f"]
    assert not bad, f"control characters {bad!r} in {plain!r}"
    return plain


def records() -> list[dict[str, Any]]:
    return [
        {
            "id": "evil-1",
            "title": f"Title {HOSTILE} {MARKUP} {LINK} titleword",
            "source": f"http://source.example/{OSC52}{MARKUP}",
            "body": f"Body uniquebody {HOSTILE} {MARKUP} {LINK} :smile: more uniquebody text",
            "date": "2024-01-02",
        },
        {
            "id": f"evil-2{OSC8}",
            "title": "second",
            "body": f"secondword {DCS}{C1} [/] [ unbalanced [bold",
        },
    ]


@pytest.fixture(scope="module")
def evil_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("terminal")
    folder = root / "docs"
    folder.mkdir()
    (folder / "evil.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records()), encoding="utf-8"
    )
    # A file whose name carries an escape sequence and markup.
    (folder / f"name{OSC52}[bold]x.txt").write_text(f"Named\n\nnamedword {CSI}\n", encoding="utf-8")
    index = root / "index"
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)])
    assert result.exit_code == 0, result.output
    return index


def run(args: list[str], index: Path, color: bool = True) -> Any:
    env = ENV if color else {"NO_COLOR": "1"}
    result = CliRunner().invoke(cli, [*args, "--index", str(index)], env=env, color=color)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.mark.parametrize("word", ["uniquebody", "titleword", "secondword", "namedword"])
def test_search_output_carries_only_styling(evil_index: Path, word: str) -> None:
    result = run(["search", word], evil_index)
    assert result.exit_code == 0, result.stderr
    assert SGR.search(result.stdout), "the test must render as for a colour terminal"
    plain = assert_terminal_safe(result.stdout)
    assert_terminal_safe(result.stderr)
    assert word in plain


def test_markup_in_a_document_shows_as_text(evil_index: Path) -> None:
    plain = assert_terminal_safe(run(["search", "uniquebody"], evil_index).stdout)
    assert MARKUP in plain  # in the title and the snippet, literally
    assert LINK in plain
    assert ":smile:" in plain and "😄" not in plain
    second = assert_terminal_safe(run(["search", "secondword"], evil_index).stdout)
    assert "[/] [ unbalanced [bold" in second


def test_show_prints_the_document_safely(evil_index: Path) -> None:
    result = run(["show", "evil-1"], evil_index)
    assert result.exit_code == 0, result.output
    plain = assert_terminal_safe(result.stdout)
    assert MARKUP in plain and LINK in plain and "uniquebody" in plain


def test_a_hostile_query_is_echoed_safely(evil_index: Path) -> None:
    result = run(["search", "--and", f"{OSC52}zzzqqq {CSI} nothingmatches"], evil_index)
    assert result.exit_code == 1
    assert "zzzqqq" in assert_terminal_safe(result.stderr)  # "no results for ..."
    assert_terminal_safe(result.stdout)
    assert_terminal_safe(result.stderr)


def test_stats_and_verbose_index_print_hostile_paths_safely(tmp_path: Path) -> None:
    folder = tmp_path / f"docs{OSC52}[bold]"
    folder.mkdir()
    (folder / "ok.txt").write_text("Ok\n\nokword\n", encoding="utf-8")
    (folder / f"empty{CSI}.txt").write_text("", encoding="utf-8")
    index = tmp_path / "index"
    made = CliRunner().invoke(
        cli, ["index", str(folder), "--index", str(index), "-v"], env=ENV, color=True
    )
    assert made.exit_code == 0
    assert_terminal_safe(made.stderr, PROGRESS)
    assert "skipped" in made.stderr
    stats = run(["stats"], index)
    assert stats.exit_code == 0
    assert "[bold]" in assert_terminal_safe(stats.stdout)


# -- the renderers on their own, with text that was never cleaned ---------------------


def render(draw: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    kw: dict[str, Any] = {"force_terminal": True, "width": 200, "color_system": "truecolor"}
    kw.update(highlight=False, markup=False, emoji=False)
    draw(Console(file=out, **kw), Console(file=err, **kw))
    return out.getvalue(), err.getvalue()


def test_the_renderers_defend_even_against_uncleaned_records() -> None:
    """Defence in depth: an index written by another tool, or a bug upstream,
    must not turn into escape sequences on the terminal."""
    snippet = f"before {HOSTILE} match {MARKUP} after"
    at = snippet.index("match")
    hit = Hit(
        rank=1,
        score=1.0,
        id=f"id{OSC8}",
        title=f"{HOSTILE}{MARKUP}",
        source=f"{OSC52}{LINK}",
        path=f"/tmp/{CSI}",
        date=f"2024{DCS}",
        snippet=Snippet(snippet, ((at, at + 5),)),
    )
    result = SearchResult(query=f"q{OSC52}", total=1, hits=(hit,), suggestion=f"s{CSI}")
    out, err = render(lambda c, e: print_result(c, e, result))
    plain = assert_terminal_safe(out)
    assert_terminal_safe(err)
    assert MARKUP in plain and LINK in plain
    doc = Document(id=f"id{C1}", title=HOSTILE, body=f"{HOSTILE}\n{MARKUP}", source=OSC8, date=DCS)
    out, _ = render(lambda c, e: print_document(c, doc))
    assert MARKUP in assert_terminal_safe(out)


# -- outputs for programs ---------------------------------------------------------------


def control_bytes(data: bytes, allowed: bytes = b"\n") -> list[int]:
    """Raw C0/DEL bytes, and C1 characters in UTF-8 (C2 80..C2 9F)."""
    found = [b for b in data if (b < 0x20 or b == 0x7F) and b not in allowed]
    found += [data[i + 1] for i in range(len(data) - 1) if data[i] == 0xC2 and data[i + 1] < 0xA0]
    return found


@pytest.mark.parametrize("fmt", ["--json", "--jsonl"])
def test_json_output_escapes_everything(evil_index: Path, fmt: str) -> None:
    for word in ("uniquebody", "namedword", "secondword"):
        result = run(["search", word, fmt], evil_index, color=False)
        assert result.exit_code == 0
        assert control_bytes(result.stdout_bytes) == []
        for line in result.stdout.splitlines() if fmt == "--jsonl" else [result.stdout]:
            json.loads(line)
    named = json.loads(run(["search", "namedword", "--json"], evil_index, False).stdout)
    # The file's real name survives, escaped by the JSON encoder.
    assert os.path.basename(named["hits"][0]["path"]) == f"name{OSC52}[bold]x.txt"


@pytest.mark.parametrize("word", ["uniquebody", "secondword", "namedword"])
def test_tsv_output_has_no_raw_control_characters(evil_index: Path, word: str) -> None:
    result = run(["search", word, "--tsv"], evil_index, color=False)
    assert result.exit_code == 0
    assert control_bytes(result.stdout_bytes, allowed=b"\n\t") == []
    rows = result.stdout_bytes.split(b"\n")
    columns = len(TSV_KEYS)
    assert rows[-1] == b"" and all(r.count(b"\t") == columns - 1 for r in rows[:-1])
