"""Where the server of an index listens, and the messages its clients exchange with it.

Standard library only, and only cheap modules: the thin client (client.py) imports
this before it knows whether a server answers.

The socket is `INDEX/.serve/socket` (the folder 0700, the socket 0600). A Unix socket
path holds at most 107 bytes; a longer one becomes `/tmp/searchcli-UID/HASH.sock`,
HASH naming the index's real path, in a folder only its owner may enter.

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

import os
import socket
import stat
import struct

SERVE_DIR = ".serve"
SOCKET_NAME = "socket"
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
_INT = struct.Struct("!i")
_CRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


def serve_dir(index_dir: str) -> str:
    return os.path.join(os.path.realpath(index_dir), SERVE_DIR)


def socket_path(index_dir: str) -> str:
    """Where the server of `index_dir` listens (the same for every spelling of the path)."""
    real = os.path.realpath(index_dir)
    path = os.path.join(real, SERVE_DIR, SOCKET_NAME)
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return path
    import hashlib

    key = hashlib.sha256(os.fsencode(real)).hexdigest()[:32]
    return os.path.join(short_dir(), f"{key}.sock")


def short_dir() -> str:
    return f"/tmp/searchcli-{os.getuid()}"


def private_folder(path: str) -> bool:
    """A real folder (not a link) owned by this user that nobody else may enter."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def peer_credentials(sock: socket.socket) -> bytes:
    """The other end's struct ucred (pid, uid, gid), from the kernel (SO_PEERCRED)."""
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _CRED.size)


def allowed(credentials: bytes, uid: int | None = None) -> bool:
    """Whether credentials from SO_PEERCRED are this user's (or `uid`'s)."""
    try:
        return int(_CRED.unpack(credentials)[1]) == (os.getuid() if uid is None else uid)
    except struct.error:
        return False


def same_user(sock: socket.socket) -> bool:
    try:
        return allowed(peer_credentials(sock))
    except OSError:
        return False


def number(kind: bytes, value: int) -> bytes:
    return kind + _INT.pack(value)


def read_number(message: bytes) -> int:
    return int(_INT.unpack(message[1:5])[0])


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
