"""One writer at a time, readers never blocked, and no lock outlives its holder.

The writer lock is an flock() on DIR/LOCK holding the writer's pid: the kernel
releases it when the holder dies, so a dead writer never blocks the next one,
and a LOCK file left with a stale pid is not a lock at all.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _generated import NEW_WORD, child_env, marker, modify_corpus, searchcli_command, write_corpus
from click.testing import CliRunner

from searchcli import checking, indexing, store
from searchcli.cli import cli
from searchcli.errors import IndexLocked
from searchcli.searching import Searcher

HOLD = """
import sys
from searchcli import store
with store.write_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


class Holder:
    """Another process holding the index's writer lock until released or killed."""

    def __init__(self, index_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(index_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline() == "locked\n"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def release(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.wait(timeout=30) == 0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Any]:
    holders: list[Holder] = []

    def make(index_dir: Path) -> Holder:
        holders.append(Holder(index_dir))
        return holders[-1]

    yield make
    for h in holders:
        if h.proc.poll() is None:
            h.kill()


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40)
    index = tmp_path / "index"
    indexing.rebuild([str(corpus)], str(index))
    return corpus, index


def test_a_second_writer_gives_up_at_once_with_wait_0(built: tuple[Path, Path], holder) -> None:
    corpus, index = built
    h = holder(index)
    for extra in ([], ["--rebuild"]):
        result = CliRunner().invoke(
            cli, ["index", str(corpus), "--index", str(index), "--wait", "0", *extra]
        )
        assert result.exit_code == 2
        assert f"is being updated by process {h.pid}" in result.stderr
        assert "--wait" in result.stderr
    with pytest.raises(IndexLocked) as info:
        indexing.update([str(corpus)], str(index), wait=0)
    assert info.value.pid == h.pid
    # Readers are not writers: search and check answer while the lock is held.
    found = CliRunner().invoke(cli, ["search", marker(3), "--paths", "--index", str(index)])
    assert found.exit_code == 0
    assert checking.check_index(index).ok
    h.release()
    assert indexing.update([str(corpus)], str(index), wait=0).rebuilt is False


def test_a_second_writer_waits_for_the_first(built: tuple[Path, Path], holder) -> None:
    corpus, index = built
    (corpus / "new.txt").write_text(f"Late\n\nlate arrival {NEW_WORD}\n", encoding="utf-8")
    h = holder(index)
    waiting = subprocess.Popen(
        searchcli_command("index", str(corpus), "--index", str(index), "--wait", "60"),
        env=child_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    assert waiting.poll() is None, "the second run should be waiting for the lock"
    h.release()
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "1 added" in err
    with Searcher(index) as s:
        assert s.search(NEW_WORD).total == 1


def test_a_lock_dies_with_its_holder(built: tuple[Path, Path], holder) -> None:
    corpus, index = built
    h = holder(index)
    assert (index / "LOCK").read_text().strip() == str(h.pid)
    h.kill()
    # The LOCK file is still there with the dead pid, but nobody holds the flock.
    assert (index / "LOCK").read_text().strip() == str(h.pid)
    (corpus / "new.txt").write_text(f"After\n\nafter the kill {NEW_WORD}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(index), "--wait", "0"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stderr


def test_a_lock_file_with_a_stale_pid_does_not_block(built: tuple[Path, Path]) -> None:
    corpus, index = built
    # A pid that is not running (the highest possible one is never handed out
    # on a test machine), and a pid that runs but does not hold the lock: ours.
    for pid in (2**22 + 1, os.getpid()):
        (index / "LOCK").write_text(f"{pid}\n")
        result = CliRunner().invoke(
            cli, ["index", str(corpus), "--index", str(index), "--wait", "0", "--rebuild"]
        )
        assert result.exit_code == 0, result.output
    # A LOCK file that is not even a pid, or a missing one.
    (index / "LOCK").write_bytes(b"\x00garbage\xff")
    assert indexing.update([str(corpus)], str(index), wait=0) is not None
    (index / "LOCK").unlink()
    assert indexing.update([str(corpus)], str(index), wait=0) is not None


def test_two_real_index_runs_at_once_leave_one_good_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 400)
    index = tmp_path / "index"
    runs = [
        subprocess.Popen(
            searchcli_command("index", str(corpus), "--index", str(index), *extra),
            env=child_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        # Both that must succeed wait long enough for the other on a loaded machine
        # (the default 5 s did not always suffice in CI-like runs).
        for extra in (
            ["--rebuild", "--wait", "120"],
            ["--rebuild", "--wait", "0"],
            ["--wait", "120"],
        )
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in runs]
    first, impatient, patient = outcomes
    assert first[0] == 0, first[1]
    assert patient[0] == 0, patient[1]
    # The impatient one either got the lock first or was refused with the pid.
    assert impatient[0] == 0 or "is being updated by process" in impatient[1]
    report = checking.check_index(index)
    assert report.ok and report.documents == 400, report
    assert len(list(index.glob("data-*"))) == 1


@pytest.mark.slow
def test_searches_during_an_index_run_answer_from_the_last_commit(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    n = 1000
    write_corpus(corpus, n)
    index = tmp_path / "index"
    indexing.rebuild([str(corpus)], str(index))
    modify_corpus(corpus, n)
    queries = [NEW_WORD, marker(1), marker(n)]

    def answer() -> tuple[int, ...]:
        with Searcher(index) as s:
            return tuple(s.search(q, limit=1000, snippets=False).total for q in queries)

    before = answer()
    run = subprocess.Popen(
        searchcli_command("index", str(corpus), "--index", str(index)),
        env=child_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[tuple[int, ...]] = []
    while run.poll() is None:
        seen.append(answer())
    _, err = run.communicate()
    assert run.returncode == 0, err
    after = answer()
    assert before != after
    assert set(seen) <= {before, after}
    assert len(seen) > 10  # the searches really ran during the run
    print(f"\n{len(seen)} searches during one index run, all answered")


def test_a_search_opening_while_a_rebuild_switches_still_answers(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic form of a race seen with real processes: a search lists the
    live commit's files, then a rebuild switches CURRENT and removes them
    before the search opens them."""
    from whoosh.index import FileIndex

    corpus, index = built
    original = FileIndex._reader.__func__  # type: ignore[attr-defined]
    switched: list[bool] = []

    def reader_after_a_switch(cls, storage, schema, segments, generation, reuse=None):
        if not switched:
            switched.append(True)
            indexing.rebuild([str(corpus)], str(index))  # removes the folder being opened
        return original(cls, storage, schema, segments, generation, reuse)

    monkeypatch.setattr(FileIndex, "_reader", classmethod(reader_after_a_switch))
    with Searcher(index) as s:
        assert s.search(marker(3)).total == 1
    assert switched


def test_leftovers_of_a_killed_rebuild_are_cleared_by_the_next_run(
    built: tuple[Path, Path],
) -> None:
    corpus, index = built
    live = store.read_current(str(index))["data"]
    stale = index / "data-19700101T000000-deadbeef"
    shutil.copytree(index / live, stale)
    (index / "CURRENT.tmp-12345").write_text("{half")
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(index), "--rebuild"])
    assert result.exit_code == 0
    assert not stale.exists() and not (index / "CURRENT.tmp-12345").exists()
    assert len(list(index.glob("data-*"))) == 1


def test_an_open_searcher_keeps_answering_after_a_rebuild_removes_its_files(
    built: tuple[Path, Path],
) -> None:
    """What `searchcli batch` meets when an index run commits while it works."""
    corpus, index = built
    with Searcher(index) as s:
        indexing.rebuild([str(corpus)], str(index))  # deletes the folder s reads from
        result = s.search(marker(3))
        assert result.total == 1 and result.hits[0].title
        assert s.document("part03/doc00003.txt") is not None
