"""`searchcli watch`: saved searches that report only what is new (for cron)."""

from __future__ import annotations

import sys

import click

from .base import (
    ExitStatus,
    cli,
    consoles,
    fail,
    fold_option,
    index_option,
    mode_options,
    output_options,
    stdout_bytes,
    warn,
)
from .timeopts import date_options


@cli.group()
def watch() -> None:
    """Saved searches: `watch run` shows only the hits that are new since the last run.

    \b
      searchcli watch add opec 'opec oil output' --and
      searchcli watch run opec      # exit 0: new hits shown; 1: nothing new
      searchcli watch list
      searchcli watch remove opec
    """


@watch.command(name="add")
@click.argument("name")
@click.argument("words", nargs=-1, required=True)
@index_option
@mode_options
@click.option(
    "-n",
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1),
    help="How many of the best hits the watch looks at.",
)
@fold_option
@date_options
def watch_add(
    name: str,
    words: tuple[str, ...],
    index_dir: str,
    mode: str | None,
    limit: int,
    no_fold: bool,
    since: str | None,
    until: str | None,
) -> None:
    """Save the search WORDS under NAME (tried on the index first).

    --since 7d keeps the window sliding: each run counts back from its own day.
    """
    from ..watching import Watch, add_watch

    watch = Watch(
        name,
        " ".join(words),
        mode=mode or "auto",
        limit=limit,
        fold=not no_fold,
        since=since,
        until=until,
    )
    w = add_watch(index_dir, watch)
    click.echo(f"saved watch {w.name!r}; `searchcli watch run {w.name}` shows its hits", err=True)


@watch.command(name="remove")
@click.argument("name")
@index_option
def watch_remove(name: str, index_dir: str) -> None:
    """Forget the saved search NAME."""
    from ..watching import remove_watch

    remove_watch(index_dir, name)
    click.echo(f"removed watch {name!r}", err=True)


@watch.command(name="list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON lines, one a watch.")
def watch_list(index_dir: str, as_json: bool) -> None:
    """List the saved searches."""
    from ..watching import list_watches

    watches = list_watches(index_dir)
    if as_json:
        from ..serialize import write_jsonl

        write_jsonl(stdout_bytes(), (w.to_dict() for w in watches))
        return
    if not watches:
        warn("no saved searches; add one with `searchcli watch add NAME WORDS`")
        return
    from ..render import watch_table

    console, _ = consoles()
    console.print(watch_table(watches))


@watch.command(name="run")
@click.argument("name", required=False)
@index_option
@output_options
def watch_run(name: str | None, index_dir: str, fmt: str | None, nul: bool) -> None:
    """Run the saved search NAME (or all of them) and show only new hits.

    Exit 0 when something is new, 1 when nothing is, 2 on an error (a watch
    that no longer runs is reported and the others still run). The first run
    of a watch shows all its current hits.
    """
    from .. import serialize
    from ..watching import run_watches

    runs, failures = run_watches(index_dir, name)
    out = stdout_bytes()
    if fmt == "json":
        serialize.write_json(out, {"watches": [r.to_dict() for r in runs]})
    elif fmt == "jsonl":
        serialize.write_jsonl(
            out, ({"watch": r.watch.name, **h.to_dict()} for r in runs for h in r.result.hits)
        )
    elif fmt == "tsv":
        out.write(("watch\t" + "\t".join(serialize.TSV_KEYS) + "\n").encode())
        for r in runs:
            prefix = serialize.tsv_field(r.watch.name) + "\t"
            for h in r.result.hits:
                row = h.to_dict()
                cells = "\t".join(serialize.tsv_field(row[k]) for k in serialize.TSV_KEYS)
                out.write((prefix + cells + "\n").encode("utf-8", "surrogateescape"))
    elif fmt == "paths":
        hits = [h for r in runs for h in r.result.hits]
        serialize.write_paths(out, hits, nul=nul, escape=not nul and sys.stdout.isatty())
    else:
        from ..render import print_watch_run

        console, err = consoles()
        for r in runs:
            print_watch_run(console, err, r)
    out.flush()
    for message in failures:
        warn(message)
    if failures:
        fail(f"{len(failures)} watch(es) could not run")
    sys.exit(ExitStatus.FOUND if any(r.result.hits for r in runs) else ExitStatus.NOT_FOUND)
