"""`searchcli serve`: the resident process that answers commands for its clients.

One process, one thread, one poll() loop over the listening sockets (one per index
served), connections that have not sent their request yet, the connections of
running answers (watched only for the client hanging up), and a self-pipe for
signals. Each request is answered by a forked child (servechild.py), forked
ahead of the request when it can be (servespare.py): a crash in one answer
cannot take the server down, answers run side by side, and a client killed
mid-answer ends only its own answer. The server itself only reads: it
cannot harm an index, whenever it is killed.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import time
from dataclasses import dataclass, field

from . import serveproto as proto
from .servechild import Request, answer
from .serveheld import Held
from .servespare import Spare, wait_for_request

REQUEST_TIMEOUT = 5.0  # a connection must send its request within this
TICK = 1.0  # seconds between checks of the idle time and of our sockets
CAUGHT = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
HANGUP = select.POLLHUP | select.POLLERR | select.POLLRDHUP | select.POLLNVAL


@dataclass
class Listener:
    sock: socket.socket
    path: str
    inode: tuple[int, int]
    held: Held | None = None  # the index's searcher, kept open

    def still_ours(self) -> bool:
        """False once our socket file was removed or replaced: nobody can reach us."""
        try:
            st = os.lstat(self.path)
        except OSError:
            return False
        return (st.st_ino, st.st_dev) == self.inode


Pending = tuple[socket.socket, float, Request | None, Listener]


@dataclass
class Server:
    listeners: list[Listener]
    idle_seconds: float | None = None
    # a connection's fd -> (it, its deadline, its request once read, where it came)
    pending: dict[int, Pending] = field(default_factory=dict)
    answers: dict[int, socket.socket] = field(default_factory=dict)  # child pid -> conn
    spares: dict[str, Spare] = field(default_factory=dict)  # by listener path (servespare)
    served: int = 0
    last_active: float = field(default_factory=time.monotonic)
    stopping: bool = False

    def run(self) -> None:
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        old_wakeup = signal.set_wakeup_fd(wake_w.fileno())
        handlers = {s: signal.signal(s, lambda *_: None) for s in CAUGHT}
        try:
            self._refill()
            self._loop(wake_r)
        finally:
            signal.set_wakeup_fd(old_wakeup)
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            wake_r.close()
            wake_w.close()
            self.close()

    def _loop(self, wake: socket.socket) -> None:
        while not self.stopping:
            poller = select.poll()
            poller.register(wake.fileno(), select.POLLIN)
            by_fd: dict[int, object] = {}
            for listener in self.listeners:
                poller.register(listener.sock.fileno(), select.POLLIN)
                by_fd[listener.sock.fileno()] = listener
            for fd in self.pending:
                poller.register(fd, select.POLLIN)
            answering = {c.fileno(): pid for pid, c in self.answers.items() if c.fileno() >= 0}
            for fd in answering:
                poller.register(fd, select.POLLRDHUP)
            for fd, events in poller.poll(TICK * 1000):
                if fd == wake.fileno():
                    self._signals(wake)
                elif fd in by_fd:
                    self._accept(by_fd[fd])  # type: ignore[arg-type]
                elif fd in self.pending:
                    self._request(fd)
                elif fd in answering and events & HANGUP:
                    self._client_gone(answering[fd])
            self._tick()

    # -- events ------------------------------------------------------------------

    def _signals(self, wake: socket.socket) -> None:
        with contextlib.suppress(BlockingIOError):
            for signum in wake.recv(256):
                if signum == signal.SIGCHLD:
                    self._reap()
                else:
                    self.stopping = True

    def _accept(self, listener: Listener) -> None:
        try:
            conn, _ = listener.sock.accept()
        except (BlockingIOError, InterruptedError):
            return
        self.last_active = time.monotonic()
        if not proto.same_user(conn):  # the folder is 0700 already; never serve others
            with contextlib.suppress(OSError):
                conn.send(proto.DECLINED)
            conn.close()
            return
        conn.setblocking(False)
        self.pending[conn.fileno()] = (conn, time.monotonic() + REQUEST_TIMEOUT, None, listener)

    def _request(self, fd: int) -> None:
        """The request, then (once we said ready) the client's descriptors: fork."""
        conn, deadline, request, listener = self.pending.pop(fd)
        fds: list[int] = []
        try:
            if request is None:
                request = Request.parse(conn.recv(proto.MAX_REQUEST))
                if not request.fits_this_interpreter():
                    raise ValueError("the client decodes file names differently")
                conn.send(proto.READY)
                self.pending[fd] = (conn, deadline, request, listener)
                return
            message, fds, _, _ = socket.recv_fds(conn, 16, 3)
            if message != proto.FDS or len(fds) != 3:
                raise ValueError("no standard streams came")
        except (OSError, ValueError):
            for passed in fds:
                os.close(passed)
            with contextlib.suppress(OSError):
                conn.send(proto.DECLINED)
            conn.close()
            return
        self._answer(conn, request, fds, listener)

    def _answer(
        self, conn: socket.socket, request: Request, fds: list[int], listener: Listener
    ) -> None:
        """Hand the request to the spare when it holds the newest commit, else fork."""
        held = listener.held
        if held is not None:
            held.fresh()  # never an older commit than the newest
        pid = self._to_spare(listener, request, conn, fds)
        if pid is None:
            pid = self._fork(held)
            if pid == 0:
                conn.setblocking(True)
                answer(conn, request, fds, unblock=CAUGHT)
        for passed in fds:
            os.close(passed)
        self.served += 1
        try:
            conn.send(proto.number(proto.ACK, pid))
        except OSError:  # the client gave up already: it answers in-process
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        self.answers[pid] = conn

    def _fork(self, held: Held | None, ahead: bool = False) -> int:
        """os.fork(); the child closes the server's sockets and takes the held searcher
        (a spare, forked `ahead` of its request, rehearses with it: Held.hand_over)."""
        # Signals wait until the child has its own handlers: ours would wake this loop.
        signal.pthread_sigmask(signal.SIG_BLOCK, CAUGHT)
        pid = os.fork()
        if pid == 0:
            for listener in self.listeners:
                listener.sock.close()
            for other, *_ in self.pending.values():
                other.close()
            for other in self.answers.values():
                other.close()
            for spare in self.spares.values():
                spare.channel.close()
            if held is not None:
                held.hand_over(rehearse=ahead)
            return 0
        signal.pthread_sigmask(signal.SIG_UNBLOCK, CAUGHT)
        return pid

    def _to_spare(
        self, listener: Listener, request: Request, conn: socket.socket, fds: list[int]
    ) -> int | None:
        """The spare's pid once it has the request; None when there is none that fits."""
        spare = self.spares.pop(listener.path, None)
        if spare is None:
            return None
        held = listener.held.searcher if listener.held is not None else None
        if spare.fits(held) and spare.hand(request, conn, fds):
            return spare.pid
        spare.discard()
        return None

    def _refill(self) -> None:
        """A spare for each index while nothing else runs (servespare.py)."""
        if self.stopping or self.answers or self.pending:
            return
        for listener in self.listeners:
            held = listener.held
            if listener.path in self.spares or held is None:
                continue
            held.fresh()
            if held.searcher is None:
                continue
            held.ready()
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            pid = self._fork(held, ahead=True)
            if pid == 0:
                ours.close()
                wait_for_request(theirs, CAUGHT)
            theirs.close()
            self.spares[listener.path] = Spare(pid, ours, held.searcher)

    def _client_gone(self, pid: int) -> None:
        """The client hung up (killed, or gave up waiting): end its answer."""
        conn = self.answers.get(pid)
        if conn is None:
            return
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGTERM)
        self.answers[pid] = _closed(conn)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            conn = self.answers.pop(pid, None)
            for key, spare in list(self.spares.items()):
                if spare.pid == pid:  # died waiting (killed): another is made
                    spare.channel.close()
                    del self.spares[key]
            self.last_active = time.monotonic()
            if conn is None or conn.fileno() < 0:
                continue
            if os.WIFSIGNALED(status):  # an answer that exits reports its own code
                with contextlib.suppress(OSError):
                    conn.send(proto.number(proto.SIGNALLED, os.WTERMSIG(status)))
            conn.close()

    def _tick(self) -> None:
        now = time.monotonic()
        for fd, (conn, deadline, *_) in list(self.pending.items()):
            if now > deadline:
                del self.pending[fd]
                conn.close()
        self._reap()  # a SIGCHLD lost to a full wake-up pipe
        if not any(listener.still_ours() for listener in self.listeners):
            self.stopping = True
        idle = not self.answers and not self.pending
        if idle and self.idle_seconds is not None:
            if now - self.last_active >= self.idle_seconds:
                self.stopping = True
        self._refill()

    def close(self) -> None:
        """Stop listening. Running answers go on and report their own exit codes."""
        for listener in self.listeners:
            if listener.still_ours():
                with contextlib.suppress(OSError):
                    os.unlink(listener.path)
            listener.sock.close()
            if listener.held is not None:
                listener.held.close()
        for conn, *_ in self.pending.values():
            conn.close()
        self.pending.clear()
        for spare in self.spares.values():
            spare.discard()
        self.spares.clear()


def _closed(conn: socket.socket) -> socket.socket:
    conn.close()
    return conn


def listen(path: str) -> Listener:
    """A listening socket at `path`, owner-only, put in place in one rename, so that a
    socket file found there is always either listening or stale."""
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    if not proto.private_folder(folder):
        raise OSError(f"{folder} is not a private folder of this user")
    tmp = f"{path}.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    old = os.umask(0o177)
    try:
        sock.bind(tmp)
    finally:
        os.umask(old)
    sock.listen(64)
    sock.setblocking(False)
    os.replace(tmp, path)
    st = os.lstat(path)
    return Listener(sock, path, (st.st_ino, st.st_dev))
