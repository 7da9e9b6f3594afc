"""Ctrl-C and SIGTERM during `index`: real runs with workers, stopped by a signal.

A terminal's Ctrl-C goes to every process of its foreground process group, the
workers included: each run here starts in its own session and the signal is
sent to the whole group, as a terminal does. stderr must be exactly one line,
the index as it was, no worker left behind, and the next run must complete.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _generated import child_env, marker, searchcli_command, write_corpus
from test_crash import PARALLEL, alive, children, data_dirs, fingerprint

from searchcli import checking, indexing

N_FILES = 800
UNCHANGED = "interrupted: the index is as it was before this run"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("interrupts")
    write_corpus(root / "small", 30, seed=3)
    base = root / "base-index"
    indexing.rebuild([str(root / "small")], str(base))
    write_corpus(root / "corpus", N_FILES, words=200)
    return {"root": root, "base": base, "corpus": root / "corpus", "pre": fingerprint(base)}


def start_with_workers(args: list[str]) -> subprocess.Popen[str]:
    command = searchcli_command(*args)
    command[1:3] = ["-c", PARALLEL]  # workers from the first byte
    return subprocess.Popen(
        command,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job
        preexec_fn=default_signals,
    )


def default_signals() -> None:
    """As a terminal starts a job: SIGINT not ignored (a background job of a
    script, as the test runner may be, inherits it ignored, and so keeps it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_workers(proc: subprocess.Popen[str]) -> list[int]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [w for w in children(proc.pid) if alive(w)]
        if workers:
            return workers
        time.sleep(0.02)
    raise AssertionError("the run never started its workers")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "to_group", "code", "rebuild", "after"),
    [
        # `after`: seconds after the first worker appears; 0 is while workers are
        # still being forked, before they have set their own signal handling.
        (signal.SIGINT, True, 130, False, 0.0),  # Ctrl-C in a terminal
        (signal.SIGINT, True, 130, True, 0.3),
        (signal.SIGINT, False, 130, False, 0.3),  # kill -INT PID: the workers get nothing
        (signal.SIGTERM, False, 143, True, 0.0),  # kill PID, a service manager
        (signal.SIGTERM, True, 143, False, 0.3),  # timeout(1), a whole job killed
    ],
    ids=["ctrl-c", "ctrl-c-rebuild", "sigint-pid", "sigterm-pid-rebuild", "sigterm-group"],
)
def test_an_interrupted_run_says_one_line_and_keeps_the_index(
    world: dict[str, Any],
    tmp_path: Path,
    sig: int,
    to_group: bool,
    code: int,
    rebuild: bool,
    after: float,
) -> None:
    import shutil

    work = tmp_path / "index"
    shutil.copytree(world["base"], work)
    before_files = sorted(p.name for p in work.rglob("*"))
    args = ["index", str(world["corpus"]), "--index", str(work), *(["--rebuild"] * rebuild)]
    proc = start_with_workers(args)
    workers = wait_for_workers(proc)
    time.sleep(after)
    if to_group:
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == code, err
    assert err.splitlines() == [UNCHANGED]
    assert out == ""
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), "a worker outlived the interrupted run"

    assert fingerprint(work) == world["pre"]
    assert checking.check_index(work).ok
    if rebuild:  # the unfinished build's folder is gone already
        assert sorted(p.name for p in work.rglob("*")) == before_files
    else:
        assert len(data_dirs(work)) == 1

    # The next run, uninterrupted, completes and finds the new documents.
    again = subprocess.run(
        searchcli_command(*args), env=child_env(), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    with __import__("searchcli").Searcher(work) as s:
        assert s.search(marker(N_FILES - 1), snippets=False).total == 1
    assert checking.check_index(work).ok


def test_a_new_index_interrupted_says_none_was_made(world: dict[str, Any], tmp_path: Path) -> None:
    work = tmp_path / "fresh"
    proc = start_with_workers(["index", str(world["corpus"]), "--index", str(work)])
    wait_for_workers(proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.splitlines() == ["interrupted: no index was made"]
    assert not list(work.glob("data-*"))


# -- a signal whose first raise is dropped --------------------------------------------
# Python runs a signal's handler wherever the main thread is; inside a fork hook or a
# finaliser the KeyboardInterrupt it raises is printed as ignored and dropped. These
# runs make that happen on purpose, where a real Ctrl-C landed at random before.

SIGNAL_IN_FORK_HOOK = """
import os, signal
forks = []
def send_once():
    forks.append(True)
    if len(forks) == 2:  # the queue's thread runs by now, and takes the signal
        os.kill(os.getpid(), signal.SIGINT)
        forks.append(False)  # Python code after the kill: where the handler runs
os.register_at_fork(after_in_parent=send_once)
"""

SIGNAL_IN_FINALISER = """
import os, signal
from searchcli import documents
class Dropped:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        self.after = True  # where the handler runs, inside __del__
real = documents.parse_file
seen = []
def parse_file(sf, *a, **kw):
    seen.append(sf)
    if len(seen) == 5:
        Dropped()
    return real(sf, *a, **kw)
documents.parse_file = parse_file
import searchcli.indexing
searchcli.indexing.parse_file = parse_file
"""


@pytest.mark.parametrize(
    "preamble", [SIGNAL_IN_FORK_HOOK, SIGNAL_IN_FINALISER], ids=["fork", "del"]
)
def test_a_signal_whose_raise_was_dropped_still_stops_the_run(
    world: dict[str, Any], tmp_path: Path, preamble: str
) -> None:
    work = tmp_path / "fresh"
    command = searchcli_command("index", str(world["corpus"]), "--index", str(work))
    command[1:3] = ["-c", preamble + PARALLEL]
    run = subprocess.run(
        command,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=default_signals,
    )
    assert run.returncode == 130, run.stderr
    assert run.stderr.splitlines()[-1] == "interrupted: no index was made"
    if preamble is SIGNAL_IN_FORK_HOOK:  # held while forking: never raised inside the hook
        assert run.stderr.splitlines() == ["interrupted: no index was made"]
    assert not list(work.glob("data-*"))


@pytest.fixture
def sigint_as_in_a_terminal() -> Iterator[None]:
    """A test runner started as a script's background job has SIGINT ignored, and
    stop_signals_raise rightly leaves it so (see the test after the next)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("sigint_as_in_a_terminal")
def test_stop_signals_are_remembered_and_deferred() -> None:
    from searchcli.interrupts import Terminated, check, deferred, stop_signals_raise

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_signals_raise():
        check()  # nothing sent: nothing raised
        with pytest.raises(KeyboardInterrupt):
            with deferred():
                os.kill(os.getpid(), signal.SIGINT)
                reached = True  # the handler ran here and did not raise
        assert reached
        with pytest.raises(KeyboardInterrupt):
            check()  # and again at the next safe point
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    check()  # forgotten with the block

    with stop_signals_raise():
        with pytest.raises(Terminated):
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)
            except KeyboardInterrupt:
                pass  # dropped, as a fork hook or finaliser would drop it
            check()


def test_stop_signals_started_ignored_stay_ignored() -> None:
    from searchcli.interrupts import check, stop_signals_raise

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with stop_signals_raise():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            check()
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_message_says_whether_the_run_had_committed(tmp_path: Path) -> None:
    from searchcli.interrupts import index_state, interrupted_message

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 5)
    assert index_state(str(index)) is None
    indexing.update([str(corpus)], str(index))
    first = index_state(str(index))
    indexing.update([str(corpus)], str(index))  # nothing to do: nothing written
    assert index_state(str(index)) == first
    (corpus / "new.txt").write_text("New\n\nwords\n", encoding="utf-8")
    indexing.update([str(corpus)], str(index))  # a commit: a new generation
    second = index_state(str(index))
    indexing.rebuild([str(corpus)], str(index))  # a new data folder
    third = index_state(str(index))
    assert len({first, second, third}) == 3
    assert interrupted_message(first, first) == UNCHANGED
    assert interrupted_message(None, None) == "interrupted: no index was made"
    assert "holds this run's changes" in interrupted_message(first, second)


def test_the_progress_bar_shows_the_writing_phase() -> None:
    import io

    from rich.console import Console

    from searchcli.cli.indexcmd import _progress

    console = Console(file=io.StringIO(), force_terminal=True, width=80)
    with _progress(console) as update:
        assert update is not None
        bar = _progress_bar(update)
        update(1, 3)
        assert [t.description for t in bar.tasks if t.visible] == ["reading files"]
        update(3, 3)  # the last file read: the commit is next
        assert [t.description for t in bar.tasks if t.visible] == ["writing index"]
        assert bar.tasks[-1].total is None  # a spinner, not a bar stuck at 100%


def _progress_bar(update: Any) -> Any:
    return update.__self__.bar


@pytest.mark.parametrize(
    "raised", [KeyboardInterrupt(), RuntimeError("Error calling __set_name__")]
)
def test_ctrl_c_as_a_module_loads_is_an_interrupt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, raised: BaseException
) -> None:
    """Python 3.11 wraps a KeyboardInterrupt raised while a class is made (a module
    loading when Ctrl-C came) in RuntimeError: it ends as a Ctrl-C, not an internal error."""
    from click.testing import CliRunner

    from searchcli import locating
    from searchcli.cli import cli

    def locate(value: object) -> object:
        if isinstance(raised, KeyboardInterrupt):
            raise raised
        raise raised from KeyboardInterrupt()

    monkeypatch.setattr(locating, "locate", locate)
    result = CliRunner().invoke(cli, ["stats", "--index", str(tmp_path)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted"
