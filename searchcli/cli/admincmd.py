"""`searchcli stats`, `show` and `check`: look at and verify the index."""

from __future__ import annotations

import sys
from typing import Any

import click

from .base import (
    ExitStatus,
    cli,
    consoles,
    fail,
    index_option,
    stdout_bytes,
    warn,
)


def emit_record(record: Any, as_json: bool, renderer: str) -> None:
    """A record as JSON for programs, or drawn by `render.<renderer>` for people."""
    if as_json:
        from ..serialize import write_json

        write_json(stdout_bytes(), record.to_dict())
        return
    from .. import render

    console, _ = consoles()
    getattr(render, renderer)(console, record)


# -- stats ---------------------------------------------------------------------


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def stats(index_dir: str, as_json: bool) -> None:
    """Show what the index holds: documents, size, fields, sources."""
    from ..opening import stats as index_stats

    emit_record(index_stats(index_dir), as_json, "print_stats")


@cli.command()
@click.argument("doc_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def show(doc_id: str, index_dir: str, as_json: bool) -> None:
    """Print the stored document with id DOC_ID, and the ids of its near-duplicates."""
    from ..searching import Searcher

    with Searcher(index_dir) as searcher:
        doc = searcher.document(doc_id)
        copies = searcher.duplicates(doc_id) if doc is not None else ()
    if doc is None:
        warn(f"no document with id {doc_id!r}")
        sys.exit(ExitStatus.NOT_FOUND)
    if as_json:
        from ..serialize import write_json

        write_json(stdout_bytes(), {**doc.to_dict(), "duplicates": list(copies)})
        return
    from .. import render

    console, _ = consoles()
    render.print_document(console, doc, copies)


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def check(index_dir: str, as_json: bool) -> None:
    """Verify the index: every segment opens, every stored document reads,
    the document count matches the manifest. Exit 2 when damaged."""
    from ..checking import check_index

    report = check_index(index_dir)
    if as_json:
        from ..serialize import write_json

        write_json(stdout_bytes(), report.to_dict())
    else:
        click.echo(f"{report.documents} documents checked", err=True)
        for problem in report.problems:
            warn(problem)
    if not report.ok:
        fail(
            f"index {index_dir} is damaged. Rebuild it with: "
            f"searchcli index --rebuild --index {index_dir}"
        )
    click.echo("index is healthy", err=True)
