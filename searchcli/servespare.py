"""A spare answering process for `searchcli serve`, forked before the request comes.

Forking the server, giving the child its own file offsets (serveheld.py), its
signal handlers and its session cost milliseconds that a client would otherwise
wait through on every command. So while no answer runs, the server forks one
process per index ahead of time that does all of that and then waits on a
socket pair for a request: the request's message, and the client's connection,
stdin, stdout and stderr as descriptors. It then answers as any forked answer
does (servechild.answer). The server hands a request to the spare only when the
spare holds the very searcher the server holds after checking for a newer commit;
otherwise (a commit landed, the spare died, a second client at the same time)
it forks an answer as before and discards a spare that is out of date.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from dataclasses import dataclass
from typing import Any, NoReturn

from . import serveproto as proto
from .servechild import Request, answer, prepare

JOB_FDS = 4  # the client's connection, stdin, stdout, stderr


@dataclass
class Spare:
    """The server's side of a spare answering process."""

    pid: int
    channel: socket.socket  # the server's end of the socket pair
    searcher: Any  # the held searcher (searching.Searcher) it was forked with

    def fits(self, searcher: Any) -> bool:
        return searcher is not None and searcher is self.searcher

    def hand(self, request: Request, conn: socket.socket, fds: list[int]) -> bool:
        """Give the spare its request; False when it cannot take it (gone, too big)."""
        try:
            ancillary = proto.fds_message([conn.fileno(), *fds])
            return self.channel.sendmsg([request.message], ancillary) == len(request.message)
        except OSError:
            return False
        finally:
            self.channel.close()

    def discard(self) -> None:
        self.channel.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)


def wait_for_request(channel: socket.socket, unblock: set[signal.Signals]) -> NoReturn:
    """Run in the spare: prepared, wait for a request, answer it. A server that
    stops or dies closes its end, and the spare exits."""
    try:
        prepare(unblock)
        message, fds, _, _ = socket.recv_fds(channel, proto.MAX_REQUEST, JOB_FDS)
        channel.close()
        if len(fds) != JOB_FDS or not message:
            os._exit(0)
        conn = socket.socket(fileno=fds[0])
        request = Request.parse(message)
    except BaseException:  # noqa: BLE001  (nothing of a client's is ours yet)
        os._exit(0)
    answer(conn, request, fds[1:])
