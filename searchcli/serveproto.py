"""Where the server of an index listens, and the messages its clients exchange with it.

Standard library only, and only modules a bare interpreter has loaded or built in
(no `socket`, `struct`, `signal`: each imports `enum` and more, milliseconds of a
start): the thin client (client.py) imports this before it knows whether a server
answers.

The socket is `/tmp/searchcli-UID/HASH.sock`, HASH naming the index's real path,
in a folder only its owner may enter (0700, checked by the server), the socket 0600.
It is not in the index folder, where `cp -r` of a served index would stop at it
(and a deep folder would pass the 107 bytes a socket path may hold); the pid
file is (`INDEX/.serve/pid`).

One connection is one command, over SOCK_SEQPACKET (each message arrives whole):

    client -> server   REQUEST: arguments, folder, environment, umask, encodings
    server -> client   b"R"         ready (or b"N": declined, the client runs in-process)
    client -> server   b"F" with the client's stdin, stdout, stderr (SCM_RIGHTS)
    server -> client   b"A" + pid   the answering process (its own process group)
    client -> server   b"G"         go: the client waits for this answer now
    server -> client   b"X" + code  the command's exit code
                       b"S" + sig   the command died of this signal

The descriptors travel only to a server that has just shown it is alive: one that
hangs before that holds nothing of the client's (a pipe it held would never end).
The answering process waits for "go", so a client that gave up waiting (and answers
in-process) is never answered twice.
"""

from __future__ import annotations

import _socket
import os
import stat
import sys

SERVE_DIR = ".serve"
PID_NAME = "pid"
MAX_SOCKET_PATH = 107  # sun_path is 108 bytes, the last one NUL
MAGIC = b"searchcli-serve-1"
MAX_REQUEST = 1 << 20
# A server that has not acknowledged a request within this many seconds is taken for
# hung: the client answers in-process. Overridden by $SEARCHCLI_SERVER_TIMEOUT.
ACK_TIMEOUT = 2.0
# Commands a running server answers; every other one runs in-process.
SERVED_COMMANDS = frozenset(
    {"search", "show", "batch", "stats", "check", "similar", "timeline", "eval"}
)

READY, DECLINED, FDS, ACK, GO = b"R", b"N", b"F", b"A", b"G"
EXITED, SIGNALLED = b"X", b"S"
_CRED_SIZE = 12  # struct ucred: pid, uid, gid, C ints


def serve_dir(index_dir: str) -> str:
    return os.path.join(os.path.realpath(index_dir), SERVE_DIR)


def socket_path(index_dir: str) -> str:
    """Where the server of `index_dir` listens (the same for every spelling of the path).

    Not inside the index folder: `cp -r` of a served index would stop at the socket."""
    real = os.fsencode(os.path.realpath(index_dir))
    return os.path.join(short_dir(), f"{_fnv1a(real):016x}-{len(real)}.sock")


def _fnv1a(data: bytes) -> int:
    """64-bit FNV-1a: a fixed hash of the path without importing hashlib (5 ms of a
    start). Two indexes sharing a name could only share a server, which still answers
    each command from the index the command names."""
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def short_dir() -> str:
    return f"/tmp/searchcli-{os.getuid()}"


def private_folder(path: str) -> bool:
    """A real folder (not a link) owned by this user that nobody else may enter."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def peer_credentials(sock: _socket.socket) -> bytes:
    """The other end's struct ucred (pid, uid, gid), from the kernel (SO_PEERCRED)."""
    return sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, _CRED_SIZE)


def allowed(credentials: bytes, uid: int | None = None) -> bool:
    """Whether credentials from SO_PEERCRED are this user's (or `uid`'s)."""
    if len(credentials) != _CRED_SIZE:
        return False
    peer = int.from_bytes(credentials[4:8], sys.byteorder, signed=True)
    return peer == (os.getuid() if uid is None else uid)


def same_user(sock: _socket.socket) -> bool:
    try:
        return allowed(peer_credentials(sock))
    except OSError:
        return False


def number(kind: bytes, value: int) -> bytes:
    return kind + value.to_bytes(4, "big", signed=True)


def read_number(message: bytes) -> int:
    """The number of a message made by number(); ValueError for anything else."""
    if len(message) != 5:
        raise ValueError(f"not a number message: {message!r}")
    return int.from_bytes(message[1:], "big", signed=True)


def fds_message(fds: list[int]) -> list[tuple[int, int, bytes]]:
    """The ancillary data that passes `fds` (SCM_RIGHTS): what socket.send_fds sends."""
    data = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)
    return [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, data)]


def encode(fields: list[bytes]) -> bytes:
    """NUL-separated: no argument, path or environment entry can hold a NUL."""
    return b"\0".join([MAGIC, *fields])


def request(argv: list[bytes], cwd: bytes, umask: int, env: list[bytes], io: list[str]) -> bytes:
    """The request's fields in order: cwd, umask, the six stdio encodings and error
    handlers plus the file system encoding and UTF-8 mode (`io`), argc, argv, then
    the environment as KEY=VALUE."""
    head = [cwd, b"%d" % umask, *(s.encode("ascii", "replace") for s in io), b"%d" % len(argv)]
    return encode([*head, *argv, *env])


IO_FIELDS = 8


def decode(message: bytes) -> list[bytes]:
    fields = message.split(b"\0")
    if fields[0] != MAGIC:
        raise ValueError("not a searchcli request")
    return fields[1:]
