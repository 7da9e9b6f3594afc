"""`searchcli serve` and the thin client, with real server and client processes.

The CLI suite's own cases run through a server too (the `run` fixture of
test_cli.py); here: byte-identical output on a terminal, the fault cases (stale
socket, killed, hung and stopped servers, clients killed or interrupted), fresh
generations, permissions, and what the client imports.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _served import client, command, start, stop, wait_listening

from searchcli import build_index, serveproto, update_index
from searchcli.client import wanted_index
from searchcli.locating import locate

REPO = Path(__file__).resolve().parent.parent

SEED = "000_9c47cbdf3046b2eb.txt"


@pytest.fixture
def ix(corpus_copy: Path, tmp_path: Path) -> Path:
    index = tmp_path / "ix"
    build_index([str(corpus_copy)], str(index))
    return index


@pytest.fixture
def server(ix: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = start(ix)
    yield proc
    stop(proc)


def in_pty(args: list[str], mode: str) -> tuple[int, bytes]:
    """Run the client with stdout and stderr on a terminal 80 columns wide."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="40", SEARCHCLI_SERVER=mode)
    env["PAGER"] = "cat"
    master, slave = pty.openpty()
    proc = subprocess.Popen(command(*args), stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every holder of the terminal closed it
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(), b"".join(chunks)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _stdout(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/fd/1")
    except OSError:
        return None


def answering(pid: int) -> list[int]:
    """The server's children that answer a client: not its spare, which still has
    the server's own stdout while it waits for a request (servespare.py)."""
    own = _stdout(pid)
    return [child for child in children(pid) if _stdout(child) != own]


def spares(pid: int) -> list[int]:
    own = _stdout(pid)
    return [child for child in children(pid) if _stdout(child) == own]


def until(condition, what: str, wait: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + wait
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not {what} after {wait} s")
        time.sleep(0.05)


def batch_in_progress(
    ix: Path,
    mode: str = "require",
    process_group: int | None = None,
    sigint: Any = signal.SIG_DFL,
) -> subprocess.Popen[bytes]:
    """A `batch -` that has answered one query and waits for the next on its stdin.

    SIGINT as a terminal starts a job (`sigint`): the test runner may itself run as a
    script's background job, which inherits it ignored and would pass that on."""
    env = {**os.environ, "SEARCHCLI_SERVER": mode}
    proc = subprocess.Popen(
        command("batch", "-", "--index", str(ix)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        process_group=process_group,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(b"karabakh\n")
    proc.stdin.flush()
    assert json.loads(proc.stdout.readline())["hits"][0]["id"] == SEED
    return proc


# -- the same answer both ways -------------------------------------------------------


CASES = [
    ["search", "karabakh"],
    ["search", "karabakh OR lentil", "--tsv"],
    ["search", "karabakh", "--jsonl"],
    ["search", "qqqqzzzz"],
    ["search", "x", "-n", "0"],
    ["stats"],
    ["show", SEED],
    ["show", SEED, "--query", "karabakh"],  # through the pager (PAGER=cat)
    ["similar", SEED],
    ["timeline", "the"],
    ["check"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
def test_a_terminal_sees_the_same_bytes_both_ways(
    server: subprocess.Popen[bytes], ix: Path, args: list[str]
) -> None:
    full = [*args, "--index", str(ix)]
    served = in_pty(full, "require")
    local = in_pty(full, "off")
    assert served == local
    assert b"error: no server" not in served[1]


def test_colour_reaches_the_terminal_through_the_server(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    code, out = in_pty(["search", "karabakh", "--index", str(ix)], "require")
    assert code == 0 and b"\x1b[" in out and b"Karabakh" in out


def served_imports(ix: Path, *python: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a served `search --paths` imports (`python -X importtime ...`)."""
    args = ["search", "karabakh", "--paths", "--index", str(ix)]
    done = subprocess.run(
        [*python, *args],
        capture_output=True,
        env={**os.environ, "SEARCHCLI_SERVER": "require", **(env or {})},
    )
    assert done.returncode == 0 and SEED.encode() in done.stdout
    return {
        line.split("|")[-1].strip()
        for line in done.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_the_client_imports_only_the_standard_library_when_served(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    imported = served_imports(ix, sys.executable, "-X", "importtime", *command()[1:])
    assert "searchcli.client" in imported
    banned = ("click", "whoosh", "rich", "searchcli.cli", "searchcli.models", "dataclasses")
    for heavy in (*banned, "typing"):
        assert heavy not in imported


def test_the_command_script_imports_next_to_nothing_when_served(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    """bin/searchcli as installed, but without site (whose editable-install finder
    imports half the standard library): a served command loads no module that a
    bare interpreter has not, beyond the client's own and `_socket`."""
    script = str(REPO / "bin" / "searchcli")
    python = [sys.executable, "-S", "-X", "importtime", script]
    imported = served_imports(ix, *python, env={"PYTHONPATH": str(REPO)})
    assert {"searchcli.client", "searchcli.serveproto", "_socket"} <= imported
    heavy = {"re", "enum", "socket", "signal", "struct", "selectors", "typing", "types"}
    heavy |= {"functools", "collections", "importlib", "warnings", "json", "hashlib"}
    assert not heavy & imported


def test_answers_side_by_side_read_the_held_index_correctly(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    """Answers share the server's open searcher; each reads at its own file offsets."""
    words = ["karabakh", "lentil", "armenia", "soup", "the recipe", "oil", "relations"] * 6
    lines = "".join(f"q{i}\t{w}\n" for i, w in enumerate(words)).encode()
    expected = client("batch", "-", "--index", str(ix), input=lines, mode="off").stdout
    env = {**os.environ, "SEARCHCLI_SERVER": "require"}
    procs = [
        subprocess.Popen(
            command("batch", "-", "--index", str(ix)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(3)
    ]
    for proc in procs:
        assert proc.stdin
        proc.stdin.write(lines)
        proc.stdin.close()
    for proc in procs:
        assert proc.stdout and proc.stderr
        out, err = proc.stdout.read(), proc.stderr.read()
        assert proc.wait(120) == 0, err
        assert out.decode() == expected
        proc.stdout.close()
        proc.stderr.close()


def test_an_answer_gets_its_own_file_offsets(tmp_path: Path) -> None:
    from searchcli.serveheld import private_offsets

    path = tmp_path / "data"
    path.write_bytes(bytes(range(256)))
    fd = os.open(path, os.O_RDONLY)
    try:
        os.lseek(fd, 5, os.SEEK_SET)
        pid = os.fork()
        if pid == 0:  # an answer: moves its offset
            try:
                ok = private_offsets() and os.lseek(fd, 0, os.SEEK_CUR) == 5
                os.lseek(fd, 100, os.SEEK_SET)
                os._exit(0 if ok and os.read(fd, 1) == b"\x64" else 1)
            finally:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert os.lseek(fd, 0, os.SEEK_CUR) == 5  # the server's offset did not move
    finally:
        os.close(fd)


# -- faults --------------------------------------------------------------------------


def test_a_stale_socket_falls_back_and_is_removed(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    server.kill()
    server.wait()
    sock = serveproto.socket_path(str(ix))
    assert os.path.exists(sock)  # a killed server leaves its socket
    ran = client("search", "karabakh", "--index", str(ix), "--jsonl", mode="auto")
    assert ran.exit_code == 0 and json.loads(ran.stdout)["id"] == SEED
    assert not os.path.exists(sock)
    required = client("search", "karabakh", "--index", str(ix), mode="require")
    assert required.exit_code == 2 and "no server answers" in required.stderr


def test_a_hung_server_is_timed_out_and_answers_once_it_wakes(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    server.send_signal(signal.SIGSTOP)
    try:
        ran = client(
            "search", "karabakh", "--index", str(ix), "--jsonl",
            env={"SEARCHCLI_SERVER_TIMEOUT": "0.5"}, mode="auto",
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGCONT)
    assert ran.exit_code == 0
    assert [json.loads(line)["id"] for line in ran.stdout.splitlines()] == [SEED]
    assert "did not answer within 0.5 s" in ran.stderr
    again = client("search", "karabakh", "--index", str(ix), "--jsonl")
    assert again.exit_code == 0 and json.loads(again.stdout)["id"] == SEED


def test_a_spare_forked_ahead_answers_the_next_request(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    until(lambda: len(spares(server.pid)) == 1, "one spare waiting")
    (spare,) = spares(server.pid)
    asking = batch_in_progress(ix)  # answered by the spare: no fork on the way
    assert answering(server.pid) == [spare]
    second = client("search", "karabakh", "--index", str(ix), "--paths")  # meanwhile: forked
    assert second.exit_code == 0 and second.stdout.strip().endswith(SEED)
    _, err = asking.communicate(b"lentil\n", timeout=60)
    assert asking.returncode == 0, err
    until(lambda: len(spares(server.pid)) == 1, "a new spare waiting")
    assert spares(server.pid) != [spare]


def test_two_clients_are_answered_at_once(server: subprocess.Popen[bytes], ix: Path) -> None:
    first = batch_in_progress(ix)  # its answer is still running
    second = client("search", "karabakh", "--index", str(ix), "--paths")
    assert second.exit_code == 0 and second.stdout.strip().endswith(SEED)
    assert first.stdin
    first.stdin.close()
    assert first.wait(60) == 0
    first.stdout.close()  # type: ignore[union-attr]
    first.stderr.close()  # type: ignore[union-attr]


def test_a_client_killed_mid_answer_ends_only_its_answer(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    first = batch_in_progress(ix)
    assert answering(server.pid)  # the answer in progress
    first.kill()
    first.wait()
    until(lambda: not answering(server.pid), "the orphaned answer ended")
    assert server.poll() is None
    ran = client("search", "karabakh", "--index", str(ix), "--paths")
    assert ran.exit_code == 0


def test_an_answer_that_crashes_takes_only_itself(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    asking = batch_in_progress(ix)
    (answer,) = answering(server.pid)
    os.kill(answer, signal.SIGSEGV)  # as a crash in C code would end it
    asking.communicate(timeout=60)
    assert asking.returncode == -signal.SIGSEGV  # the client ends as the answer did
    assert server.poll() is None
    assert client("search", "karabakh", "--index", str(ix), "--paths").exit_code == 0


@pytest.mark.parametrize("mode", ["require", "off"])
def test_ctrl_c_stops_the_answer(server: subprocess.Popen[bytes], ix: Path, mode: str) -> None:
    asking = batch_in_progress(ix, mode)
    asking.send_signal(signal.SIGINT)
    assert asking.wait(60) == 130  # stdin still open: only the signal ends it
    _, err = asking.communicate()
    assert err.decode().strip() == "interrupted"


@pytest.mark.parametrize("mode", ["require", "off"])
def test_a_sigint_ignored_from_the_start_stays_ignored(
    server: subprocess.Popen[bytes], ix: Path, mode: str
) -> None:
    """nohup, or a script's background job: in-process and served alike go on."""
    asking = batch_in_progress(ix, mode, sigint=signal.SIG_IGN)
    asking.send_signal(signal.SIGINT)
    out, err = asking.communicate(b"karabakh\n", timeout=60)
    assert asking.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["hits"][0]["id"] == SEED  # the second answer
    assert b"interrupted" not in err


def state(pid: int) -> str:
    """A process's state letter in /proc (T: stopped by a signal)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rfind(")") + 2]


def test_ctrl_z_stops_the_answer_too_and_fg_continues_both(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    # A job of its own, as a shell makes it: a stop signal is not dropped there.
    asking = batch_in_progress(ix, process_group=0)
    (answer,) = answering(server.pid)
    asking.send_signal(signal.SIGTSTP)  # what Ctrl-Z sends the job
    until(lambda: state(asking.pid) == "T" and state(answer) == "T", "both stopped")
    asking.send_signal(signal.SIGCONT)  # what `fg` and `bg` send
    until(lambda: "T" not in (state(asking.pid), state(answer)), "both running again")
    out, err = asking.communicate(b"lentil\n", timeout=60)
    assert asking.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["qid"] == "2"  # the line sent after fg


def test_killing_the_server_leaves_the_index_intact(
    server: subprocess.Popen[bytes], ix: Path
) -> None:
    before = client("search", "karabakh OR lentil", "--index", str(ix), "--jsonl").stdout
    asking = batch_in_progress(ix)
    server.kill()
    server.wait()
    asking.kill()
    asking.communicate()
    checked = client("check", "--index", str(ix), mode="off")
    assert checked.exit_code == 0
    after = client("search", "karabakh OR lentil", "--index", str(ix), "--jsonl", mode="off")
    assert after.stdout == before


def test_a_rebuild_and_a_commit_are_seen_at_once(
    server: subprocess.Popen[bytes], ix: Path, corpus_copy: Path
) -> None:
    assert client("search", "xylophone", "--index", str(ix)).exit_code == 1
    (corpus_copy / "late.md").write_text("# Late arrival\n\nA xylophone recital.\n")
    update_index([str(corpus_copy)], str(ix))  # an incremental commit
    assert client("search", "xylophone", "--index", str(ix)).exit_code == 0
    (corpus_copy / "late.md").write_text("# Later\n\nA marimba recital.\n")
    build_index([str(corpus_copy)], str(ix))  # a rebuild: a new data folder
    assert client("search", "xylophone", "--index", str(ix)).exit_code == 1
    assert client("search", "marimba", "--index", str(ix)).exit_code == 0


def test_idle_server_exits_and_removes_its_socket(ix: Path) -> None:
    proc = start(ix, "--idle", "0.02")  # 1.2 s
    try:
        assert proc.wait(120) == 0
    finally:
        stop(proc)
    assert not os.path.exists(serveproto.socket_path(str(ix)))
    assert client("search", "karabakh", "--index", str(ix), mode="auto").exit_code == 0


# -- who may talk to it -----------------------------------------------------------


def test_only_this_user_may_connect(server: subprocess.Popen[bytes], ix: Path) -> None:
    sock = serveproto.socket_path(str(ix))
    assert os.stat(sock).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(sock)).st_mode & 0o777 == 0o700
    me = os.getuid()
    assert serveproto.allowed(struct.pack("3i", 4242, me, 0))
    assert not serveproto.allowed(struct.pack("3i", 4242, me + 1, 0))
    assert not serveproto.allowed(b"\0\0")  # garbage is never a peer


@pytest.mark.parametrize(
    "message",
    [b"", b"garbage", serveproto.MAGIC, serveproto.MAGIC + b"\0/\0x", b"\xff" * 70000],
)
def test_a_malformed_request_is_declined(
    server: subprocess.Popen[bytes], ix: Path, message: bytes
) -> None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.settimeout(30)
    with conn:
        conn.connect(serveproto.socket_path(str(ix)))
        conn.send(message)
        assert conn.recv(16) == serveproto.DECLINED
    assert server.poll() is None
    assert client("stats", "--index", str(ix), "--json").exit_code == 0


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to become another user")
def test_another_user_cannot_reach_the_server(server: subprocess.Popen[bytes], ix: Path) -> None:
    from searchcli.client import _connect

    sock = serveproto.socket_path(str(ix))
    pid = os.fork()
    if pid == 0:  # a client of another user (nobody)
        try:
            os.setgid(65534)
            os.setuid(65534)
            os._exit(0 if _connect(sock) is None else 1)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.path.exists(sock)  # refused, and not taken for a stale socket


def test_a_served_index_can_be_copied(
    server: subprocess.Popen[bytes], ix: Path, tmp_path: Path
) -> None:
    shutil.copytree(ix, tmp_path / "copy")  # cp -r would stop at a socket in the folder
    ran = client("search", "karabakh", "--index", str(tmp_path / "copy"), "--paths", mode="off")
    assert ran.exit_code == 0 and ran.stdout.strip().endswith(SEED)
    status = subprocess.run(
        command("serve", "--status", "--index", str(tmp_path / "copy")), capture_output=True
    )
    assert status.returncode == 1  # the copied pid file is not a running server


def test_a_long_index_path_gets_a_short_private_socket(corpus_copy: Path, tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "ix"
    build_index([str(corpus_copy)], str(deep))
    sock = serveproto.socket_path(str(deep))
    assert len(os.fsencode(sock)) <= serveproto.MAX_SOCKET_PATH
    assert sock.startswith(serveproto.short_dir() + "/")
    proc = start(deep)
    try:
        assert serveproto.private_folder(serveproto.short_dir())
        ran = client("search", "karabakh", "--index", str(deep), "--paths")
        assert ran.exit_code == 0 and ran.stdout.strip().endswith(SEED)
    finally:
        stop(proc)
    assert not os.path.exists(sock)


# -- managing it -------------------------------------------------------------------


def test_detach_status_stop(ix: Path) -> None:
    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command("serve", "--index", str(ix), *args), capture_output=True, text=True
        )

    assert serve("--status").returncode == 1
    started = serve("--detach")
    assert started.returncode == 0 and "in the background" in started.stderr
    try:
        status = serve("--status")
        assert status.returncode == 0 and "served by process" in status.stdout
        assert serve("--detach").returncode == 0  # already served: fine for a script
        second = serve()
        assert second.returncode == 2 and "already served" in second.stderr
        assert client("stats", "--index", str(ix), "--json").exit_code == 0
    finally:
        stopped = serve("--stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stderr
    assert serve("--status").returncode == 1
    assert serve("--stop").returncode == 1
    assert not os.path.exists(serveproto.socket_path(str(ix)))


def test_serve_needs_an_index(tmp_path: Path) -> None:
    done = subprocess.run(
        command("serve", "--index", str(tmp_path / "none")), capture_output=True, text=True
    )
    assert done.returncode == 2 and "no index at" in done.stderr


def test_indexing_is_not_handed_to_the_server(
    server: subprocess.Popen[bytes], ix: Path, corpus_copy: Path
) -> None:
    ran = client("index", str(corpus_copy), "--index", str(ix), mode="require")
    assert ran.exit_code == 2 and "not one a server answers" in ran.stderr
    assert client("index", str(corpus_copy), "--index", str(ix), mode="auto").exit_code == 0
    wait_listening(ix, server)


# -- which index the client asks for ---------------------------------------------------


def test_the_client_finds_the_index_as_the_program_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_copy: Path
) -> None:
    project = tmp_path / "project"
    build_index([str(corpus_copy)], str(project / "index"))
    sub = project / "a" / "b"
    sub.mkdir(parents=True)
    for cwd in (project, sub):
        assert wanted_index(["search", "x"], os.environ, str(cwd)) == locate(cwd=str(cwd)).path
    assert wanted_index(["search", "x", "--index=/else"], os.environ, None) == "/else"
    assert wanted_index(["search", "x", "--index", "/a", "--index", "/b"], {}, None) == "/b"
    assert wanted_index(["search", "--", "--index", "/q"], {}, str(tmp_path)) != "/q"
    monkeypatch.setenv("SEARCHCLI_INDEX", "/from/env")
    assert wanted_index(["stats"], os.environ, str(sub)) == locate().path == "/from/env"
    monkeypatch.delenv("SEARCHCLI_INDEX")
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    assert wanted_index(["stats"], os.environ, str(nowhere)) == locate(cwd=str(nowhere)).path
    for unsure in (["index", "x"], ["--version"], [], ["serve"]):
        assert wanted_index(unsure, os.environ, str(sub)) is None


@pytest.mark.parametrize(
    "raised",
    [KeyboardInterrupt(), RuntimeError("Error calling __set_name__")],
    ids=["plain", "wrapped"],
)
def test_ctrl_c_while_the_program_loads_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], raised: BaseException
) -> None:
    """Before the program's own handling exists (click, Whoosh still loading), a Ctrl-C
    ends as it would later: "interrupted" and exit 130, no traceback."""
    from searchcli import client

    def loading() -> None:
        if isinstance(raised, KeyboardInterrupt):
            raise raised
        raise raised from KeyboardInterrupt()

    def exit_(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setenv("SEARCHCLI_SERVER", "off")
    monkeypatch.setattr(client, "in_process", loading)
    monkeypatch.setattr(client, "_exit", exit_)
    with pytest.raises(SystemExit) as ended:
        client.main()
    assert ended.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"
