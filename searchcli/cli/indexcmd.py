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
from .shardopts import shard_options

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
@click.option(
    "--exclude",
    metavar="GLOB",
    multiple=True,
    help="Leave out files and folders matching GLOB (gitignore syntax; repeatable). "
    "Remembered by the index; given again, replaces the remembered list.",
)
@click.option(
    "--include",
    metavar="GLOB",
    multiple=True,
    help="Take only files matching one GLOB (repeatable). Remembered like --exclude.",
)
@click.option(
    "--forget-globs",
    is_flag=True,
    help="Drop the remembered --exclude and --include globs.",
)
@click.option(
    "--hidden/--no-hidden",
    default=None,
    help="Take hidden files and folders (dot-names) too. Remembered.  [default: no]",
)
@click.option(
    "--no-ignore/--ignore",
    "no_ignore",
    default=None,
    help="Disregard .gitignore, .ignore and .searchignore. Remembered.  [default: --ignore]",
)
@click.option("-v", "--verbose", is_flag=True, help="List every skipped or left-out file and why.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file or record was skipped.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
@shard_options
def index(
    paths: tuple[str, ...],
    index_dir: str,
    rebuild: bool,
    fmt: str | None,
    wait: float,
    exclude: tuple[str, ...],
    include: tuple[str, ...],
    forget_globs: bool,
    hidden: bool | None,
    no_ignore: bool | None,
    verbose: bool,
    strict: bool,
    as_json: bool,
    shards: int | None,
    scheduler: str | None,
) -> None:
    """Index PATHS (files, folders, or - for JSON lines on stdin).

    Incremental: new files are added, changed ones re-read, deleted ones
    removed. Without PATHS, the folders the index was built from (a new
    index: the corpus/ folder beside it, when there is one).

    Hidden files and what .gitignore (in a git repository), .ignore and
    .searchignore name are left out, as ripgrep does.
    """
    from .. import indexing
    from ..render import pass_line, report_line, skip_line

    if not paths:
        paths = _known_paths(index_dir)
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        fail(f"no such file or folder: {missing[0]}")
    stdin = sys.stdin.buffer if "-" in paths else None
    _, err = consoles()

    def on_skip(s: Skip) -> None:
        if verbose:
            err.print(skip_line(s), soft_wrap=True)

    def on_pass(path: str, why: str) -> None:
        if verbose:
            err.print(pass_line(path, why), soft_wrap=True)

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
            on_pass=on_pass,
            exclude=exclude or ([] if forget_globs else None),
            include=include or ([] if forget_globs else None),
            hidden=hidden,
            ignore_files=None if no_ignore is None else not no_ignore,
            shards=shards,
            scheduler=scheduler,
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
    from ..interrupts import Terminated, check, index_state, interrupted_message, stop_signals_raise

    before = index_state(index_dir)
    try:
        with stop_signals_raise():
            yield
            check()  # a signal whose first raise was dropped still ends the run as asked
    except KeyboardInterrupt as exc:
        if err.is_terminal:  # the terminal echoed ^C where the cursor was
            err.file.write("\r\x1b[K")
        err.file.write(interrupted_message(before, index_state(index_dir)) + "\n")
        err.file.flush()
        sys.exit(128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT))


def _known_paths(index_dir: str) -> tuple[str, ...]:
    """What `searchcli index` without paths indexes: the folders the index knows; for a
    new index, the corpus/ folder beside it (the layout of this repository)."""
    from ..store import recorded_roots

    roots = recorded_roots(index_dir)
    if roots:
        return tuple(roots)
    beside = os.path.join(os.path.dirname(os.path.abspath(index_dir)), "corpus")
    if os.path.isdir(beside):
        return (beside,)
    from ..locating import is_index

    state = "knows no folders (it was built from stdin)" if is_index(index_dir) else "is new"
    fail(
        f"nothing to index yet: the index {index_dir} {state}. Give the files or folders "
        "to index, e.g. `searchcli index ~/notes`; later runs without paths update them."
    )
    raise AssertionError("unreachable")


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
