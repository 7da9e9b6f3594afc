"""`searchcli index`: build and sync the index, with progress and a summary."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from ..models import Skip
from .base import (
    ExitStatus,
    cli,
    consoles,
    fail,
    index_option,
    stdout_bytes,
    warn,
)

if TYPE_CHECKING:
    from rich.console import Console

# -- index ---------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Build anew; the old index serves until done.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "md", "html", "json", "jsonl"]),
    help="Parse every file as this format, whatever its extension.",
)
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=5.0,
    show_default=True,
    help="Seconds to wait for another indexing run to finish.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every skipped file and why.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file or record was skipped.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
def index(
    paths: tuple[str, ...],
    index_dir: str,
    rebuild: bool,
    fmt: str | None,
    wait: float,
    verbose: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """Index PATHS (files, folders, or - for JSON lines on stdin).

    Incremental: new files are added, changed ones re-read, deleted ones
    removed. Without PATHS, the folders the index was built from (or
    ./corpus for a new index).
    """
    from .. import indexing
    from ..render import report_line, skip_line
    from ..store import recorded_roots

    if not paths:
        paths = tuple(recorded_roots(index_dir)) or indexing.DEFAULT_PATHS
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        fail(f"no such file or folder: {missing[0]}")
    stdin = sys.stdin.buffer if "-" in paths else None
    _, err = consoles()

    def on_skip(s: Skip) -> None:
        if verbose:
            err.print(skip_line(s), soft_wrap=True)

    with _stopped_quietly(index_dir, err), _progress(err) as progress:
        report = indexing.update(
            list(paths),
            index_dir,
            rebuild=rebuild,
            fmt=fmt,
            stdin=stdin,
            on_skip=on_skip,
            progress=progress,
            wait=wait,
        )
    if as_json:
        from ..serialize import write_json

        write_json(stdout_bytes(), report.to_dict())
    err.print(report_line(report))
    if report.skipped and not verbose:
        reasons: dict[str, int] = {}
        for s in report.skipped:
            reasons[s.reason.split(" (")[0]] = reasons.get(s.reason.split(" (")[0], 0) + 1
        detail = "; ".join(f"{n} {r}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
        warn(f"{len(report.skipped)} skipped ({detail}); --verbose lists them")
    if strict and report.skipped:
        sys.exit(ExitStatus.ERROR)


@contextlib.contextmanager
def _stopped_quietly(index_dir: str, err: Console) -> Iterator[None]:
    """Ctrl-C (exit 130) or SIGTERM (exit 143, 128 + the signal, as a shell
    reports it): one line on stderr saying what the index holds, no traceback.
    The progress bar inside has been taken down by the time this prints."""
    from ..interrupts import Terminated, index_state, interrupted_message, terminate_raises

    before = index_state(index_dir)
    try:
        with terminate_raises():
            yield
    except KeyboardInterrupt as exc:
        if err.is_terminal:  # the terminal echoed ^C where the cursor was
            err.file.write("\r\x1b[K")
        err.file.write(interrupted_message(before, index_state(index_dir)) + "\n")
        err.file.flush()
        sys.exit(128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT))


class _progress:
    """A Rich progress bar on stderr when it is a terminal; otherwise nothing.

    Two phases: reading files (a bar with the time left), then, once the last
    file is read, writing the index (a spinner: Whoosh's commit merges the
    segments and reports no progress, and it can take a quarter of the run).
    """

    def __init__(self, err: Console) -> None:
        self.err = err
        self.bar: Any = None
        self.task: Any = None
        self.writing = False

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.err.is_terminal:
            return None
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
        )
        self.bar = Progress(*columns, console=self.err, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("reading files", total=None)
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)
        if done >= total and not self.writing:  # the last file: the commit comes next
            self.writing = True
            self.bar.update(self.task, visible=False)
            self.task = self.bar.add_task("writing index", total=None)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
