"""Hostile and broken input: the run finishes, every good document is indexed
and found by its own word, every skip is counted with its reason.

The corpus is built by tests/_hostile.py: binaries behind text extensions, NUL
bytes, other encodings, a 200 MB file (skipped: files over 10 MiB are, with the
size in the reason), empty and blank files, a chmod 000 file, link loops, a
dangling link, a FIFO, names with spaces, newlines, bad bytes and escapes, 100
nested folders, malformed JSON lines and JSON records of the wrong types.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _generated import child_env, deadline, searchcli_command
from _hostile import Expected, build
from click.testing import CliRunner

from searchcli import checking
from searchcli.cli import cli
from searchcli.searching import Searcher

# Words that are in the corpus but must not be indexed: inside a <script>,
# inside skipped binaries, inside a record whose body is not a string.
NOT_INDEXED = ("hostscript", "hostzipped", "hostelf", "hostnul", "hostnested")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    return root, build(root)


@pytest.fixture
def no_root_reads(hostile: tuple[Path, Expected], monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 does not stop root, so fail the open as the kernel would for others."""
    unreadable = hostile[1].unreadable
    real_open = os.open

    def open_as_a_user(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.fsencode(path) == unreadable:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_as_a_user)


def index_hostile(root: Path, index: Path, *extra: str) -> tuple[Any, dict[str, Any] | None]:
    with deadline(120):
        result = CliRunner().invoke(cli, ["index", str(root), "--index", str(index), *extra])
    report = json.loads(result.stdout) if "--json" in extra and result.stdout else None
    return result, report


def found_paths(index: Path, word: str) -> list[bytes]:
    with Searcher(index) as s:
        return [os.fsencode(h.path) for h in s.search(word, limit=50).hits]


def test_every_good_document_is_indexed_and_every_skip_has_its_reason(
    hostile: tuple[Path, Expected], tmp_path: Path, no_root_reads: None
) -> None:
    root, exp = hostile
    index = tmp_path / "index"
    result, report = index_hostile(root, index, "--json")
    assert result.exit_code == 0, result.output
    assert report is not None
    assert "Traceback" not in result.output

    skipped = [(os.fsencode(s["path"]), s["reason"], s["line"]) for s in report["skipped"]]
    expected = [*exp.skips, (exp.unreadable, "unreadable (permission denied)", None)]
    for path, reason, line in expected:
        matches = [s for s in skipped if s[0] == path and s[2] == line and reason in s[1]]
        assert matches, f"no skip for {path!r} line {line} with {reason!r}: {skipped}"
    assert len(skipped) == len(expected), skipped
    # One summary line with the count and the reasons.
    assert f"{len(expected)} skipped" in result.stderr

    good = {w: p for w, p in exp.good.items() if p != exp.unreadable}
    assert report["added"] == len(good)  # one planted word a document
    for word, path in good.items():
        assert found_paths(index, word) == [path], word
    assert found_paths(index, "hostsecret") == []
    for word in NOT_INDEXED:
        assert found_paths(index, word) == [], word
    assert checking.check_index(index).ok


def test_strict_exits_2_when_anything_was_skipped(
    hostile: tuple[Path, Expected], tmp_path: Path
) -> None:
    root, exp = hostile
    result, _ = index_hostile(root, tmp_path / "index", "--strict")
    assert result.exit_code == 2
    assert "skipped" in result.stderr
    # The run still indexed the good documents.
    assert found_paths(tmp_path / "index", "hostplain") == [exp.good["hostplain"]]


def test_verbose_lists_each_skip_on_one_printable_line(
    hostile: tuple[Path, Expected], tmp_path: Path
) -> None:
    root, exp = hostile
    result, _ = index_hostile(root, tmp_path / "index", "-v")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(lines) == len(exp.skips)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    weird = [line for line in lines if "empty" in line and "name" in line]
    assert len(weird) == 1 and "\\x0a" in weird[0] and "\\xff" in weird[0], weird


def test_a_real_process_finishes_and_root_reads_a_chmod_000_file(
    hostile: tuple[Path, Expected], tmp_path: Path
) -> None:
    """In a real process (nothing simulated) the FIFO must not hang the run."""
    root, exp = hostile
    index = tmp_path / "index"
    result = subprocess.run(
        searchcli_command("index", str(root), "--index", str(index)),
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    if os.geteuid() == 0:
        assert found_paths(index, "hostsecret") == [exp.unreadable]
    else:
        assert found_paths(index, "hostsecret") == []
        assert "permission denied" in result.stderr or "skipped" in result.stderr


def test_a_second_run_changes_nothing(hostile: tuple[Path, Expected], tmp_path: Path) -> None:
    root, exp = hostile
    index = tmp_path / "index"
    first, one = index_hostile(root, index, "--json")
    again, two = index_hostile(root, index, "--json")
    assert first.exit_code == again.exit_code == 0
    assert one is not None and two is not None
    assert two["added"] == two["updated"] == two["removed"] == 0
    assert two["unchanged"] == one["added"]
    # Unchanged files are not read again, so only what the walk itself meets
    # (links, the FIFO) is reported again.
    assert two["skipped"] and all(s in one["skipped"] for s in two["skipped"])
    assert checking.check_index(index).ok


WEIRD_WORDS = ("hostspace", "hostnewline", "hostbadname", "hostescname", "hostunicode")


def test_paths_0_round_trips_every_file_name_byte_for_byte(
    hostile: tuple[Path, Expected], tmp_path: Path
) -> None:
    root, exp = hostile
    index = tmp_path / "index"
    index_hostile(root, index)
    result = CliRunner().invoke(
        cli, ["search", *WEIRD_WORDS, "--or", "--paths", "-0", "--index", str(index)]
    )
    assert result.exit_code == 0
    names = result.stdout_bytes.split(b"\0")
    assert names[-1] == b""
    assert sorted(names[:-1]) == sorted(exp.good[w] for w in WEIRD_WORDS)
    for name in names[:-1]:
        assert os.path.exists(name)  # usable as is, e.g. by xargs -0


def test_tsv_and_json_keep_weird_names_on_one_line(
    hostile: tuple[Path, Expected], tmp_path: Path
) -> None:
    root, exp = hostile
    index = tmp_path / "index"
    index_hostile(root, index)
    tsv = CliRunner().invoke(cli, ["search", "hostnewline", "--tsv", "--index", str(index)])
    assert tsv.exit_code == 0
    rows = tsv.stdout_bytes.split(b"\n")
    assert len(rows) == 3 and rows[-1] == b""  # header, one hit
    assert b"new\\nline.txt" in rows[1]
    jl = CliRunner().invoke(cli, ["search", "hostbadname", "--jsonl", "--index", str(index)])
    (line,) = jl.stdout_bytes.splitlines()
    hit = json.loads(line)
    assert os.fsencode(hit["path"]) == exp.good["hostbadname"]


def test_json_lines_on_stdin_report_bad_lines_by_number(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "s1", "title": "S1", "body": "stdinone"}),
        "{broken",
        json.dumps({"id": "s3", "body": "stdinthree"}),
        json.dumps("just a string"),
        "\x00\x01binary garbage\xff",
        json.dumps({"id": "s6", "body": "stdinsix \x1b]52;c;ZXZpbA==\x07"}),
    ]
    index = tmp_path / "index"
    result = CliRunner().invoke(
        cli, ["index", "-", "--index", str(index), "--json"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 3
    assert sorted((s["path"], s["line"]) for s in report["skipped"]) == [
        ("-", 2),
        ("-", 4),
        ("-", 5),
    ]
    for word in ("stdinone", "stdinthree", "stdinsix"):
        assert len(found_paths(index, word)) == 1
