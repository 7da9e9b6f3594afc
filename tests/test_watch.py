"""Saved searches: add, run (only what is new), list, remove; overlapping runs; rebuilds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_neardup import article

from searchcli import build_index, update_index
from searchcli.cli import cli


def write(folder: Path, doc_id: str, body: str, title: str = "") -> None:
    folder.mkdir(exist_ok=True)
    record = {"id": doc_id, "title": title or doc_id, "body": body}
    (folder / f"{doc_id}.json").write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, str]:
    docs = tmp_path / "docs"
    for i in range(3):
        write(docs, f"old{i}", f"volcano eruption {article(i)}")
    write(docs, "other", article(50))
    ix = str(tmp_path / "ix")
    build_index([str(docs)], ix)
    return docs, ix


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def new_ids(ix: str, name: str = "volcano") -> tuple[int, list[str]]:
    got = run("watch", "run", name, "--index", ix, "--jsonl")
    return got.exit_code, sorted(json.loads(x)["id"] for x in got.stdout.splitlines())


def test_lifecycle(setup: tuple[Path, str]) -> None:
    docs, ix = setup
    added = run("watch", "add", "volcano", "volcano", "eruption", "--index", ix, "--and")
    assert added.exit_code == 0 and added.stdout == ""
    listed = json.loads(run("watch", "list", "--index", ix, "--json").stdout)
    assert listed["name"] == "volcano" and listed["query"] == "volcano eruption"
    assert listed["mode"] == "all" and listed["last_run"] is None
    assert new_ids(ix) == (0, ["old0", "old1", "old2"])  # the first run shows all
    assert new_ids(ix) == (1, [])  # nothing new: exit 1, for cron
    write(docs, "new1", f"a volcano eruption again {article(60)}")
    write(docs, "unrelated", article(61))
    update_index([str(docs)], ix)
    assert new_ids(ix) == (0, ["new1"])
    assert new_ids(ix) == (1, [])
    table = run("watch", "list", "--index", ix)
    assert "volcano eruption" in table.stdout and "all, top 50" in table.stdout
    assert run("watch", "remove", "volcano", "--index", ix).exit_code == 0
    assert run("watch", "list", "--index", ix, "--json").stdout == ""


def test_a_copy_of_a_story_already_seen_is_not_new(setup: tuple[Path, str]) -> None:
    docs, ix = setup
    run("watch", "add", "volcano", "volcano", "--index", ix)
    assert new_ids(ix)[0] == 0
    body = json.loads((docs / "old1.json").read_text())["body"]
    write(docs, "old1-repeat", body, title="Repeat")
    update_index([str(docs)], ix)
    assert new_ids(ix) == (1, [])
    run("watch", "add", "every", "volcano", "--no-fold", "--index", ix)
    assert "old1-repeat" in new_ids(ix, "every")[1]


def test_every_output_format(setup: tuple[Path, str]) -> None:
    _, ix = setup
    for name in ("a", "b", "c", "d", "e"):
        run("watch", "add", name, "volcano", "--index", ix)
    data = json.loads(run("watch", "run", "a", "--index", ix, "--json").stdout)
    assert data["watches"][0]["watch"] == "a" and data["watches"][0]["total"] == 3
    header, *rows = run("watch", "run", "b", "--index", ix, "--tsv").stdout.splitlines()
    assert header.startswith("watch\trank\tscore\tid") and len(rows) == 3
    assert all(r.startswith("b\t") for r in rows)
    paths = run("watch", "run", "c", "--index", ix, "--paths").stdout.splitlines()
    assert len(paths) == 3 and all(p.endswith(".json") for p in paths)
    terminal = run("watch", "run", "d", "--index", ix)
    assert terminal.stdout.count(".json") == 3 and "d: 3 new" in terminal.stderr
    everything = run("watch", "run", "--index", ix, "--jsonl")  # all watches; only e is new
    assert {json.loads(x)["watch"] for x in everything.stdout.splitlines()} == {"e"}


def test_bad_names_and_bad_saved_searches(setup: tuple[Path, str]) -> None:
    _, ix = setup
    assert run("watch", "add", "v", "volcano", "--index", ix).exit_code == 0
    again = run("watch", "add", "v", "eruption", "--index", ix)
    assert again.exit_code == 2 and "exists already" in again.stderr
    for bad in ("", "-x", "a b", "x" * 65, "a/b"):
        got = run("watch", "add", "--index", ix, "--", bad, "volcano")
        assert got.exit_code == 2 and "bad watch name" in got.stderr, bad
    for command in (("run", "nope"), ("remove", "nope")):
        got = run("watch", *command, "--index", ix)
        assert got.exit_code == 2 and "no watch named 'nope' (saved: v)" in got.stderr
    empty = run("watch", "add", "empty", " ", "--index", ix)
    assert empty.exit_code == 2 and "empty query" in empty.stderr
    # a saved search that no longer runs (here: edited by hand) is reported; the others run
    state = Path(ix) / "watches.json"
    raw = json.loads(state.read_text())
    raw["watches"]["broken"] = {**raw["watches"]["v"], "query": "   "}
    state.write_text(json.dumps(raw))
    got = run("watch", "run", "--index", ix, "--jsonl")
    assert got.exit_code == 2 and "watch 'broken'" in got.stderr and "no longer runs" in got.stderr
    assert len(got.stdout.splitlines()) == 3  # v still ran
    state.write_text("{not json")
    got = run("watch", "list", "--index", ix)
    assert got.exit_code == 2 and "watches.json" in got.stderr


def test_no_index_is_an_error(tmp_path: Path) -> None:
    got = run("watch", "add", "v", "volcano", "--index", str(tmp_path / "none"))
    assert got.exit_code == 2 and "no index" in got.stderr
    got = run("watch", "run", "--index", str(tmp_path / "none"))
    assert got.exit_code == 2 and "no index" in got.stderr


def test_rebuild_keeps_the_watches_and_what_they_have_seen(setup: tuple[Path, str]) -> None:
    docs, ix = setup
    run("watch", "add", "volcano", "volcano", "--index", ix)
    assert new_ids(ix)[0] == 0
    build_index([str(docs)], ix)  # index --rebuild: a new data folder
    assert new_ids(ix) == (1, [])
    write(docs, "new1", f"volcano {article(70)}")
    assert run("index", str(docs), "--index", ix, "--rebuild").exit_code == 0
    assert new_ids(ix) == (0, ["new1"])


def test_overlapping_runs_never_report_a_hit_twice(setup: tuple[Path, str]) -> None:
    docs, ix = setup
    run("watch", "add", "volcano", "volcano", "--index", ix)
    for i in range(20):
        write(docs, f"burst{i}", f"volcano {article(200 + i)}")
    update_index([str(docs)], ix)
    script = "from searchcli.cli import main; main()"
    cmd = [sys.executable, "-c", script, "watch", "run", "volcano", "--index", ix, "--jsonl"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE) for _ in range(4)]
    outputs = [p.communicate()[0].decode().splitlines() for p in procs]
    reported = [json.loads(line)["id"] for out in outputs for line in out]
    assert sorted(reported) == sorted({*reported}) and len(reported) == 23
    assert sorted(p.returncode for p in procs) == [0, 1, 1, 1]


def dated(folder: Path, doc_id: str, day: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    record = {"id": doc_id, "title": doc_id, "body": body, "date": day}
    (folder / f"{doc_id}.json").write_text(json.dumps(record), encoding="utf-8")


def test_a_watch_keeps_its_dates_and_a_relative_one_slides(tmp_path: Path) -> None:
    from datetime import date, timedelta

    docs, ix = tmp_path / "docs", str(tmp_path / "ix")
    today = date.today()
    dated(docs, "ancient", "1987-03-02", f"volcano {article(1)}")
    dated(docs, "eighties", "1989-06-01", f"volcano {article(2)}")
    dated(docs, "lastweek", (today - timedelta(days=6)).isoformat(), f"volcano {article(3)}")
    build_index([str(docs)], ix)
    assert run("watch", "add", "old", "volcano", "--index", ix, "--until", "1988").exit_code == 0
    assert run("watch", "add", "week", "volcano", "--index", ix, "--since", "7d").exit_code == 0
    listed = {
        w["name"]: w
        for w in map(json.loads, run("watch", "list", "--index", ix, "--json").stdout.splitlines())
    }
    assert (listed["old"]["since"], listed["old"]["until"]) == (None, "1988")
    assert (listed["week"]["since"], listed["week"]["until"]) == ("7d", None)
    assert "since 7d" in run("watch", "list", "--index", ix).stdout
    assert new_ids(ix, "old") == (0, ["ancient"])
    assert new_ids(ix, "week") == (0, ["lastweek"])
    # Saved as written: "7d" counts back from each run's day, so a story dated
    # yesterday is new to the watch; a new story from 1987 is not.
    dated(docs, "yesterday", (today - timedelta(days=1)).isoformat(), f"volcano {article(4)}")
    dated(docs, "also1987", "1987-05-05", f"volcano {article(5)}")
    update_index([str(docs)], ix)
    assert new_ids(ix, "week") == (0, ["yesterday"])
    assert new_ids(ix, "old") == (0, ["also1987"])


def test_a_bad_date_saves_nothing(setup: tuple[Path, str]) -> None:
    _, ix = setup
    got = run("watch", "add", "v", "volcano", "--index", ix, "--since", "someday")
    assert got.exit_code == 2 and "--since 'someday' is not a date" in got.stderr
    assert run("watch", "list", "--index", ix, "--json").stdout == ""
    assert run("watch", "add", "v", "volcano", "--index", ix, "--since", "2026-01").exit_code == 0
    state = Path(ix) / "watches.json"
    raw = json.loads(state.read_text())
    raw["watches"]["v"]["since"] = 7  # edited by hand
    state.write_text(json.dumps(raw))
    got = run("watch", "run", "--index", ix)
    assert got.exit_code == 2 and "malformed" in got.stderr
