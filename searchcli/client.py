"""The `searchcli` command: a thin client first, the whole program when no server runs.

Before importing click, Whoosh or Rich it works out which index the command would
use (the rules of locating.py and the `--index` option), and when a `searchcli
serve` listens for that index it hands the command over: the argument list, the
working folder, the environment, and its own stdin, stdout and stderr as file
descriptors. The server's answering process writes to those very descriptors, so
bytes, colours, terminal width, pager and exit code are those of an in-process run.
Anything unsure (no server, a stale socket, a server that does not acknowledge
within the timeout, a command that is not a served one) runs in-process as before.

$SEARCHCLI_SERVER: "auto" (default), "off" (never use a server), "require" (exit 2
when no server answers; for scripts and tests that must know the path taken).
Standard library only until it falls back to the full program, and only what a
bare interpreter has loaded or built in: `_socket` and `_signal` rather than
`socket` and `signal`, whose enums and helpers cost more of a start than the
whole round trip to the server.
"""

from __future__ import annotations

import _signal as signal
import _socket as socket
import os
import stat
import sys

from . import serveproto as proto

MODE_ENV = "SEARCHCLI_SERVER"
TIMEOUT_ENV = "SEARCHCLI_SERVER_TIMEOUT"
INDEX_ENV = "SEARCHCLI_INDEX"  # locating.ENV
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGWINCH)


def main() -> None:
    try:
        argv = sys.argv[1:]
        mode = os.environ.get(MODE_ENV, "auto")
        if mode != "off":
            code = through_server(argv, require=mode == "require")
            if code is not None:
                _exit(code)
        in_process()
    except KeyboardInterrupt:  # Ctrl-C before the program's own handling: while loading
        _interrupted()
    except RuntimeError as exc:  # Python 3.11 wraps one raised while a class is made
        if not isinstance(exc.__cause__, KeyboardInterrupt):
            raise
        _interrupted()


def _interrupted() -> None:
    """As the program says it (cli/base.py), without loading it."""
    print("\ninterrupted" if sys.stderr.isatty() else "interrupted", file=sys.stderr)
    _exit(130)


def _exit(code: int) -> None:
    """Exit at once: the answer is written, and this process holds nothing to tidy
    up (tearing an interpreter down costs milliseconds of every served command)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def in_process() -> None:
    from .cli import main as cli_main

    cli_main()


def through_server(argv: list[str], require: bool = False) -> int | None:
    """The exit code of the command answered by a server, or None to run it in-process."""
    index = wanted_index(argv, os.environ, None)
    if index is None:
        return _none_answered("this command is not one a server answers", require)
    path = proto.socket_path(index)
    conn = _connect(path)
    if conn is None:
        return _none_answered(f"no server answers for {index}", require)
    try:
        return _converse(conn, argv, index, require)
    finally:
        conn.close()


def _none_answered(why: str, require: bool) -> int | None:
    if require:
        print(f"searchcli: error: {why} (${MODE_ENV}=require)", file=sys.stderr)
        return 2
    return None


# -- which index ------------------------------------------------------------------


def wanted_index(
    argv: list[str], env: os._Environ[str] | dict[str, str], cwd: str | None
) -> str | None:
    """The index a served command would use, or None when it is not a served command
    or the index cannot be known without the full program (it then runs in-process).

    Mirrors locating.locate(); a wrong guess can only cost speed, never correctness:
    the server runs the real program, which locates the index itself."""
    if not argv or argv[0] not in proto.SERVED_COMMANDS:
        return None
    named = _index_option(argv[1:])
    if named:
        return named
    if env.get(INDEX_ENV):
        return env[INDEX_ENV]
    try:
        here = os.path.abspath(cwd or os.getcwd())
    except OSError:
        return None
    folder = here
    while True:
        candidate = os.path.join(folder, "index")
        if os.path.isfile(os.path.join(candidate, "CURRENT")):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if os.path.isdir(os.path.join(here, "index")):
        return None  # a folder made for an index, not built yet: nothing to serve
    return _user_default(env)


def _index_option(args: list[str]) -> str | None:
    """The last `--index DIR` / `--index=DIR` before `--` (click lets the last one win)."""
    found = None
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        if token == "--index":
            found = next(tokens, None)
        elif token.startswith("--index="):
            found = token[len("--index=") :]
    return found


def _user_default(env: os._Environ[str] | dict[str, str]) -> str:
    if sys.platform.startswith("linux"):
        data = env.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return os.path.join(data, "searchcli", "index")
    from .locating import user_default  # platformdirs knows the other platforms

    return user_default()


# -- talking to the server ------------------------------------------------------


def timeout() -> float:
    try:
        return max(float(os.environ.get(TIMEOUT_ENV, "")), 0.01)
    except ValueError:
        return proto.ACK_TIMEOUT


def _connect(path: str) -> socket.socket | None:
    try:
        before = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISSOCK(before.st_mode):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.settimeout(timeout())
    try:
        conn.connect(path)
    except ConnectionRefusedError:  # nobody listens: the server was killed
        conn.close()
        _remove_stale(path, before)
        return None
    except OSError as exc:
        conn.close()
        if isinstance(exc, TimeoutError):
            _warn_hung(path)
        return None
    if not proto.same_user(conn):  # never hand our terminal to another user's process
        conn.close()
        return None
    return conn


def _remove_stale(path: str, seen: os.stat_result) -> None:
    """Remove a socket nobody listens on, unless a new server has just put its own there."""
    try:
        now = os.lstat(path)
        if (now.st_ino, now.st_dev) == (seen.st_ino, seen.st_dev):
            os.unlink(path)
    except OSError:
        pass


def _warn_hung(path: str) -> None:
    print(
        f"searchcli: the server at {path} did not answer within {timeout():g} s; "
        "answering without it (`searchcli serve --stop` ends it)",
        file=sys.stderr,
    )


def _stdio_fields() -> list[str] | None:
    """Encodings and error handlers of stdin, stdout, stderr, the file system encoding
    and UTF-8 mode, so that the answering process writes text as this one would."""
    fields: list[str] = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if stream is None:
            return None
        fields += [stream.encoding, stream.errors or "strict"]
    return [*fields, sys.getfilesystemencoding(), str(sys.flags.utf8_mode)]


def _request(argv: list[str]) -> bytes | None:
    io = _stdio_fields()
    if io is None:
        return None
    try:
        cwd = os.fsencode(os.getcwd())
    except OSError:
        return None
    umask = os.umask(0o022)
    os.umask(umask)
    env = [k + b"=" + v for k, v in os.environb.items()]
    return proto.request([os.fsencode(a) for a in argv], cwd, umask, env, io)


def _converse(conn: socket.socket, argv: list[str], index: str, require: bool) -> int | None:
    message = _request(argv)
    if message is None or len(message) > proto.MAX_REQUEST:
        return _none_answered("this command cannot be handed over", require)
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)  # a closed standard stream cannot be passed: in-process
        conn.send(message)
        if conn.recv(64) != proto.READY:
            return _none_answered(f"the server for {index} declined", require)
        conn.sendmsg([proto.FDS], proto.fds_message([0, 1, 2]))
        reply = conn.recv(64)
    except TimeoutError:
        _warn_hung(proto.socket_path(index))
        return _none_answered(f"the server for {index} did not answer", require)
    except OSError:
        return _none_answered(f"the server for {index} went away", require)
    try:
        child = proto.read_number(reply) if reply.startswith(proto.ACK) else None
    except ValueError:
        child = None
    if child is None:
        return _none_answered(f"the server for {index} declined", require)
    return _await(conn, child)


def _await(conn: socket.socket, child: int) -> int:
    """Go, then wait for the exit code; signals for this process go to the answer's."""

    def forward(signum: int, _frame: object) -> None:
        try:
            os.killpg(child, signum)
        except ProcessLookupError:  # not yet a group of its own
            try:
                os.kill(child, signum)
            except OSError:
                pass
        except OSError:
            pass

    def suspend(_signum: int, _frame: object) -> None:
        """Ctrl-Z: the answer stops, then this process, as an in-process run would;
        `fg` or `bg` continues both. The answer gets SIGSTOP: in a session of its
        own its process group is orphaned, and the kernel drops SIGTSTP there."""
        forward(signal.SIGSTOP, None)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stopped here until SIGCONT
        signal.signal(signal.SIGTSTP, suspend)
        forward(signal.SIGCONT, None)

    # A signal this process was started to ignore (nohup, a script's background job)
    # stays ignored, as the in-process run would ignore it.
    for signum in FORWARDED:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, forward)
    if signal.getsignal(signal.SIGTSTP) is not signal.SIG_IGN:
        signal.signal(signal.SIGTSTP, suspend)
    conn.settimeout(None)
    try:
        conn.send(proto.GO)
        reply = conn.recv(64)
    except OSError:
        reply = b""
    try:
        if reply.startswith(proto.EXITED):
            return proto.read_number(reply)
        if reply.startswith(proto.SIGNALLED):
            _die_of(proto.read_number(reply))
    except ValueError:
        pass
    print("searchcli: error: the server stopped before it answered", file=sys.stderr)
    return 2


def _die_of(signum: int) -> None:
    """End as the in-process run did: killed by the same signal."""
    sys.stdout.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    sys.exit(128 + signum)


if __name__ == "__main__":
    main()
