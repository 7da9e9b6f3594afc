"""One answer of `searchcli serve`: the forked process that becomes the client's command.

It takes on the client's stdin, stdout and stderr (the very descriptors, so isatty,
the terminal's width and a pager behave as in the client), its working folder,
environment, umask and text encodings, then runs the normal click program and sends
the exit code back. It opens the index afresh, as an in-process run does: the
answer always comes from the newest commit, and no file offset is shared with the
server or another answer (Whoosh reads its files with seek and read).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import locale
import os
import random
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from typing import NoReturn

from . import serveproto as proto

GO_TIMEOUT = 10.0  # the client acknowledged our pid; it says go at once


@dataclass(frozen=True)
class Request:
    argv: list[str]
    cwd: bytes
    umask: int
    env: dict[bytes, bytes]
    io: list[str]  # stdin/stdout/stderr (encoding, errors), fs encoding, UTF-8 mode
    message: bytes = b""  # as it came (a spare answering process parses it again)

    @classmethod
    def parse(cls, message: bytes) -> Request:
        """The request in `message`; ValueError for anything else."""
        try:
            return cls._parse(message)
        except (IndexError, UnicodeError) as exc:
            raise ValueError(f"a malformed request: {exc}") from None

    @classmethod
    def _parse(cls, message: bytes) -> Request:
        fields = proto.decode(message)
        cwd, umask = fields[0], int(fields[1])
        io_fields = [f.decode("ascii") for f in fields[2 : 2 + proto.IO_FIELDS]]
        argc = int(fields[2 + proto.IO_FIELDS])
        start = 3 + proto.IO_FIELDS
        argv = [os.fsdecode(a) for a in fields[start : start + argc]]
        env = dict(e.partition(b"=")[::2] for e in fields[start + argc :] if b"=" in e)
        if len(io_fields) != proto.IO_FIELDS or len(argv) != argc:
            raise ValueError("a request cut short")
        return cls(argv, cwd, umask, env, io_fields, message)

    def fits_this_interpreter(self) -> bool:
        """Text to and from the file system is decoded as the client would."""
        return self.io[6:] == [sys.getfilesystemencoding(), str(sys.flags.utf8_mode)]


def prepare(unblock: set[signal.Signals]) -> None:
    """The forked process's own signal handlers and session, before it answers."""
    _default_signals()
    os.setsid()  # our own process group (the client signals it) and no terminal
    signal.pthread_sigmask(signal.SIG_UNBLOCK, unblock)


def answer(
    conn: socket.socket,
    request: Request,
    fds: list[int],
    unblock: set[signal.Signals] | None = None,
) -> NoReturn:
    """Run in the forked process (prepared already when `unblock` is None); never
    returns (os._exit)."""
    code = 0
    try:
        if unblock is not None:
            prepare(unblock)
        conn.settimeout(GO_TIMEOUT)
        if conn.recv(16) != proto.GO:
            os._exit(0)  # the client gave up waiting: it answers in-process
        conn.settimeout(None)
        _become_client(request, fds)
        code = _run(request.argv)
        _let_go()
        with contextlib.suppress(OSError):
            conn.send(proto.number(proto.EXITED, code))
    except KeyboardInterrupt:  # Ctrl-C before the command began: as Python would
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:
        with contextlib.suppress(BaseException):
            traceback.print_exc()
        code = 2
    os._exit(code)


def _default_signals() -> None:
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _become_client(request: Request, fds: list[int]) -> None:
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        if fd > 2:
            os.close(fd)
    os.chdir(request.cwd)
    _take_environment(request.env)
    time.tzset()
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")
    os.umask(request.umask)
    random.seed()
    enc = request.io
    sys.stdin = _stream(0, "r", enc[0], enc[1])
    sys.stdout = _stream(1, "w", enc[2], enc[3])
    sys.stderr = _stream(2, "w", enc[4], enc[5])
    # What Python started with, as code that checks sys.__stdout__ expects.
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr  # type: ignore[misc]
    sys.argv = ["searchcli", *request.argv]


def _take_environment(env: dict[bytes, bytes]) -> None:
    """os.environ becomes `env`, changing only what differs (half a millisecond
    saved against clearing and setting every variable)."""
    current = os.environb
    for key in [k for k in current if k not in env]:
        del current[key]
    for key, value in env.items():
        if current.get(key) != value:
            current[key] = value


def _stream(fd: int, mode: str, encoding: str, errors: str) -> io.TextIOWrapper:
    """The text stream Python itself makes for a standard descriptor: line-buffered
    on a terminal (stderr always), no newline translation."""
    tty = os.isatty(fd)
    binary = open(fd, mode + "b", closefd=False)  # noqa: SIM115
    return io.TextIOWrapper(
        binary,  # type: ignore[arg-type]
        encoding=encoding,
        errors=errors,
        newline=None if mode == "r" else "\n",
        line_buffering=tty or fd == 2,
    )


def _run(argv: list[str]) -> int:
    """The exit code Python would give running `searchcli ARGV` in-process."""
    from .cli import cli

    try:
        cli.main(args=argv, prog_name="searchcli")
        return 0
    except SystemExit as exc:
        return _exit_code(exc.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)  # as Python does: die of the signal
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _let_go() -> None:
    """Flush, then close the client's descriptors before saying the exit code: a
    reader of the client's pipe sees its end now, not once this process is gone
    (the kernel closes a dying process's files only after unmapping its memory)."""
    _flush()
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.close(fd)
