"""`searchcli serve`: keep indexes warm and answer commands at once."""

from __future__ import annotations

import os
import sys

import click

from .base import ExitStatus, cli, fail, warn


@cli.command()
@click.option(
    "--index",
    "index_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Index folder to serve (repeat for several). Default: the one `search` would use.",
)
@click.option("--detach", is_flag=True, help="Run in the background (pid file in INDEX/.serve).")
@click.option("--stop", is_flag=True, help="Stop the server of the index.")
@click.option("--status", is_flag=True, help="Say whether a server runs for the index.")
@click.option(
    "--idle",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MINUTES",
    help="Exit after MINUTES without a request (default: run until stopped).",
)
def serve(
    index_dirs: tuple[str, ...], detach: bool, stop: bool, status: bool, idle: float | None
) -> None:
    """Answer search, show, batch, stats and the other reading commands from a
    resident process: the `searchcli` command hands them over when one runs, so
    they skip Python's imports and answer at once. Indexing stays in-process.

    The socket (in /tmp/searchcli-UID/) is for this user only. Every answer runs
    in its own process and reads the newest commit of the index.
    """
    from ..locating import is_index, locate

    indexes = [os.path.abspath(d) for d in index_dirs] or [os.path.abspath(locate().path)]
    if sum((detach, stop, status)) > 1:
        fail("--detach, --stop and --status cannot be used together; choose one")
    if stop or status:
        _stop_or_status(indexes, stop)
        return
    for index in indexes:
        if not is_index(index):
            fail(f"no index at {index}. Build one with: searchcli index [PATH ...] --index {index}")
    if detach:
        _detach(indexes, idle)
    else:
        _serve(indexes, idle, announce=None)


def _stop_or_status(indexes: list[str], stop: bool) -> None:
    from .. import servecontrol

    missing = False
    for index in indexes:
        who = servecontrol.stop(index) if stop else servecontrol.running(index)
        if who is None:
            missing = True
            click.echo(f"{index}: no server runs", err=stop)
        elif stop:
            click.echo(f"{index}: stopped the server (process {who.pid})", err=True)
        else:
            click.echo(f"{index}: served by process {who.pid} since {who.since} ({who.socket})")
    sys.exit(ExitStatus.NOT_FOUND if missing else ExitStatus.FOUND)


def _serve(indexes: list[str], idle: float | None, announce: object) -> None:
    """Claim, warm up, listen, then answer until stopped."""
    from .. import servecontrol, serveproto, servewarm, serving
    from ..serveheld import Held

    claims = [servecontrol.claim(index) for index in indexes]
    try:
        servewarm.warm(indexes)
        listeners = [serving.listen(serveproto.socket_path(index)) for index in indexes]
        for listener, index in zip(listeners, indexes, strict=True):
            listener.held = Held(index)
            listener.held.fresh()
            listener.held.ready()
        servewarm.settle()
        server = serving.Server(listeners, idle * 60 if idle else None)
        message = f"ready {os.getpid()}"
        if callable(announce):
            announce(message)
        else:
            for listener in listeners:
                warn(f"serving at {listener.path} (process {os.getpid()}); Ctrl-C stops it")
        server.run()
    finally:
        for fd in claims:
            os.close(fd)


def _detach(indexes: list[str], idle: float | None) -> None:
    from .. import servecontrol
    from ..errors import SearchError

    for index in indexes:
        who = servecontrol.running(index)
        if who is not None:
            warn(f"{index} is already served by process {who.pid}")
            sys.exit(ExitStatus.FOUND)

    def start(report: object) -> None:
        try:
            _serve(indexes, idle, announce=report)
        except (SearchError, OSError) as exc:
            report(f"error {exc}")  # type: ignore[operator]

    said = servecontrol.detach(start)  # type: ignore[arg-type]
    if not said.startswith("ready "):
        fail(said.removeprefix("error "))
    for index in indexes:
        warn(f"serving {index} in the background (process {said.split()[1]})")
