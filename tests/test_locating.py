"""Paths that work anywhere and an index found from anywhere: absolute stored paths,
`show` by id or path, the nearest index/ as git finds its repository, the per-user
default, and `index` without paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchcli import Searcher, build_index
from searchcli.cli import cli
from searchcli.locating import locate


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "notes" / "inbox"
    folder.mkdir(parents=True)
    (folder / "alpaca.md").write_text("# Alpaca care\n\nShearing the alpaca in spring.\n")
    (folder / "llama.txt").write_text("Llama treks\n\nAn alpaca and a llama walked.\n")
    (folder / "herd.jsonl").write_text(
        '{"title": "Herd one", "body": "vicuna alpaca"}\n'
        '{"title": "Herd two", "body": "vicuna guanaco", "source": "https://x.example/2"}\n'
    )
    return folder


def test_paths_are_absolute_whatever_folder_indexed_from(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / "home")
    ix = str(tmp_path / "ix")
    assert run("index", "notes/inbox", "--index", ix).exit_code == 0
    monkeypatch.chdir(tmp_path)  # somewhere else
    listed = run("search", "alpaca", "--index", ix, "--paths", "-0").stdout_bytes
    paths = listed.rstrip(b"\0").split(b"\0")
    assert sorted(paths) == sorted(
        os.fsencode(notes / name) for name in ("alpaca.md", "herd.jsonl", "llama.txt")
    )
    assert all(os.path.isfile(p) for p in paths)  # they open from here
    hits = [
        json.loads(line)
        for line in run("search", "alpaca", "--index", ix, "--jsonl").stdout.splitlines()
    ]
    assert {h["path"] for h in hits} == {os.fsdecode(p) for p in paths}
    assert {h["id"] for h in hits} == {
        "alpaca.md",
        "llama.txt",
        "herd.jsonl#1",
    }  # ids stay relative
    tsv = run("search", "alpaca", "--index", ix, "--tsv").stdout.splitlines()
    assert all(str(notes) in row.split("\t")[5] for row in tsv[1:])
    people = run("search", "shearing", "--index", ix).stdout  # wrapped at 80 columns
    assert str(notes / "alpaca.md") in "".join(line.strip() for line in people.splitlines())


def test_show_takes_an_id_or_a_path_and_xargs_works(notes: Path, tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    build_index([str(notes)], ix)
    by_id = run("show", "alpaca.md", "--index", ix, "--json")
    assert json.loads(by_id.stdout)["title"] == "Alpaca care"
    by_path = run("show", str(notes / "llama.txt"), "--index", ix, "--json")
    assert json.loads(by_path.stdout)["title"] == "Llama treks"
    both = run("show", str(notes / "herd.jsonl"), "--index", ix)  # a file of two documents
    assert "Herd one" in both.stdout and "Herd two" in both.stdout
    assert "https://x.example/2" in both.stdout  # its own source beside its path
    missing = run("show", "nope", str(notes / "alpaca.md"), "--index", ix)
    assert missing.exit_code == 1 and "Alpaca care" in missing.stdout
    assert "no document with id or path 'nope'" in missing.stderr

    exe = [sys.executable, "-m", "searchcli"]
    for sep, xargs in ((b"\n", ["xargs"]), (b"\0", ["xargs", "-0"])):
        flag = ["-0"] if sep == b"\0" else []
        listed = subprocess.run(
            [*exe, "search", "--index", ix, "--paths", *flag, "alpaca"],
            capture_output=True,
            cwd=tmp_path,
            check=True,
        ).stdout
        shown = subprocess.run(
            [*xargs, *exe, "show", "--index", ix], input=listed, capture_output=True, cwd="/"
        )
        assert shown.returncode == 0, shown.stderr
        for title in (b"Alpaca care", b"Llama treks", b"Herd one"):
            assert title in shown.stdout


def test_show_by_relative_path_and_non_utf8_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(raw, "wb") as f:
        f.write(b"Latin name\n\nzymurgy\n")
    ix = str(tmp_path / "ix")
    build_index([str(folder)], ix)
    monkeypatch.chdir(folder)
    shown = run("show", os.fsdecode(b"caf\xe9.txt"), "--index", ix, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["title"] == "Latin name"
    listed = run("search", "zymurgy", "--index", ix, "--paths", "-0").stdout_bytes
    assert listed == raw + b"\0"  # byte for byte, absolute


def test_old_index_with_relative_paths_asks_for_a_rebuild(notes: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    build_index([str(notes)], str(ix))
    current = json.loads((ix / "CURRENT").read_text())
    (ix / "CURRENT").write_text(json.dumps({**current, "schema": 2}))
    result = run("search", "alpaca", "--index", str(ix))
    assert result.exit_code == 2 and "index --rebuild" in result.stderr


def test_nearest_index_found_from_a_sub_folder(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "a" / "b").mkdir(parents=True)
    (project / "index").mkdir()  # created empty, as in this repository: a place for one
    monkeypatch.chdir(project)
    built = run("index", str(notes))
    assert built.exit_code == 0 and (project / "index" / "CURRENT").is_file()
    monkeypatch.chdir(project / "a" / "b")
    assert run("search", "alpaca", "--paths").exit_code == 0
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["chosen_by"] == f"found in {project / 'index'} (nearest parent)"
    assert stats["path"] == str(project / "index")
    monkeypatch.chdir(project)
    assert "(current folder)" in run("stats").stdout
    # an index/ that is not a searchcli index is passed over, as git passes over a
    # folder without a repository
    (project / "a" / "index").mkdir()
    (project / "a" / "index" / "page.html").write_text("<p>not ours</p>")
    assert locate(cwd=str(project / "a" / "b")).path == str(project / "index")


def test_env_and_option_win_and_say_so(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = str(tmp_path / "ix")
    build_index([str(notes)], ix)
    monkeypatch.setenv("SEARCHCLI_INDEX", ix)
    assert json.loads(run("stats", "--json").stdout)["chosen_by"] == "$SEARCHCLI_INDEX"
    monkeypatch.delenv("SEARCHCLI_INDEX")
    assert json.loads(run("stats", "--index", ix, "--json").stdout)["chosen_by"] == "--index"


def test_per_user_default_index(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run("index", str(notes)).exit_code == 0
    assert (data_home / "searchcli" / "index" / "CURRENT").is_file()
    monkeypatch.chdir(notes)  # any folder
    assert run("search", "vicuna", "--jsonl").exit_code == 0
    assert "per-user default" in run("stats").stdout
    (notes / "late.md").write_text("# Late\n\nokapi\n")
    again = run("index")  # no paths: the folders the index knows
    assert again.exit_code == 0 and "1 added" in again.stderr


def test_new_index_without_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("index")  # per-user default, new, nothing beside it
    assert result.exit_code == 2
    assert "nothing to index yet" in result.stderr and "searchcli index ~/notes" in result.stderr
    # the repository's quickstart layout: index/ (empty) and corpus/ side by side
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / ".gitkeep").write_text("")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.md").write_text("# A\n\nquokka\n")
    quick = run("index")
    assert quick.exit_code == 0 and "1 added" in quick.stderr
    assert run("search", "quokka").exit_code == 0
    assert run("stats", "--json").stdout.count(str(tmp_path / "corpus")) == 1
    stdin_only = str(tmp_path / "other" / "from-stdin")  # no corpus/ beside it
    assert (
        run("index", "-", "--index", stdin_only, input=b'{"title": "t", "body": "b"}\n').exit_code
        == 0
    )
    again = run("index", "--index", stdin_only)
    assert again.exit_code == 2 and "knows no folders (it was built from stdin)" in again.stderr


def test_library_searcher_finds_the_index_too(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index").mkdir()
    build_index([str(notes)], str(tmp_path / "index"))
    monkeypatch.chdir(notes)
    with Searcher() as searcher:
        assert searcher.search("guanaco").total == 1
        assert [d.title for d in searcher.documents_at(str(notes / "herd.jsonl"))] == [
            "Herd one",
            "Herd two",
        ]


def test_a_deleted_current_folder_falls_back_to_the_per_user_index(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
        "from searchcli.cli import main; sys.argv = ['searchcli', 'stats']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(gone)], capture_output=True, text=True
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"no index at {os.environ['XDG_DATA_HOME']}/searchcli/index" in result.stderr
