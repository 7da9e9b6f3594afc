"""Starting, finding and stopping the server of an index.

`INDEX/.serve/pid` holds the server's pid and start time, and the server holds an
flock() on it for as long as it runs: the kernel drops the lock when the process
dies however it dies, so a pid file left behind never says "running", and a
reused pid is never taken for the server. Two servers started at once for one
index: the one that gets the lock serves, the other says who does.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import serveproto as proto
from .errors import SearchError

STOP_WAIT = 10.0  # seconds --stop waits for the server to exit


class ServeError(SearchError):
    """Why a server could not start, stop or be found."""


@dataclass(frozen=True)
class Running:
    index: str
    pid: int
    since: str
    socket: str


def pid_path(index_dir: str) -> str:
    return os.path.join(proto.serve_dir(index_dir), proto.PID_NAME)


def claim(index_dir: str) -> int:
    """Take the index's pid file for this process; its descriptor must stay open."""
    folder = proto.serve_dir(index_dir)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        fd = os.open(pid_path(index_dir), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ServeError(f"cannot serve {index_dir}: {exc.strerror} ({folder})") from None
    if not proto.private_folder(folder):
        os.close(fd)
        raise ServeError(f"cannot serve {index_dir}: {folder} is not private to this user")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        who = running(index_dir)
        raise ServeError(
            f"{index_dir} is already served by process {who.pid if who else '?'}"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n{time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode(), 0)
    return fd


def running(index_dir: str) -> Running | None:
    """The server of `index_dir`, or None when none runs."""
    try:
        fd = os.open(pid_path(index_dir), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return None  # nobody holds it
    except OSError:
        lines = os.pread(fd, 200, 0).decode("ascii", "replace").split("\n")
    finally:
        os.close(fd)
    pid = int(lines[0]) if lines[0].isdigit() else 0
    since = lines[1] if len(lines) > 1 else "?"
    return Running(index_dir, pid, since, proto.socket_path(index_dir))


def stop(index_dir: str, wait: float = STOP_WAIT) -> Running | None:
    """Ask the server to stop (SIGTERM) and wait until it has; None when none ran."""
    who = running(index_dir)
    if who is None:
        return None
    with contextlib.suppress(ProcessLookupError):
        os.kill(who.pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while running(index_dir) is not None:
        if time.monotonic() > deadline:
            raise ServeError(f"the server of {index_dir} (process {who.pid}) did not stop")
        time.sleep(0.05)
    return who


def detach(start: Callable[[Callable[[str], None]], None]) -> str:
    """Run start(report) in a daemon (new session, stdio on /dev/null and the log) and
    return the first thing it reports: "ready" or why it failed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as reader:
            return reader.read().decode("utf-8", "replace") or "the server exited at once"
    try:
        os.close(read_end)
        os.setsid()
        if os.fork():
            os._exit(0)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(null, 2)

        def report(message: str) -> None:
            with contextlib.suppress(OSError):
                os.write(write_end, message.encode())
                os.close(write_end)

        start(report)
    finally:
        os._exit(0)
