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
    index_reason,
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
    from dataclasses import replace

    from ..opening import stats as index_stats

    record = replace(index_stats(index_dir), chosen_by=index_reason())
    emit_record(record, as_json, "print_stats")


@cli.command()
@click.argument("ids_or_paths", metavar="ID_OR_PATH...", nargs=-1, required=True)
@index_option
@click.option("--json", "as_json", is_flag=True, help="As JSON (one object a document).")
@click.option(
    "-q", "--query", metavar="WORDS", help="Highlight these words (a pager on a terminal)."
)
def show(ids_or_paths: tuple[str, ...], index_dir: str, as_json: bool, query: str | None) -> None:
    """Print stored documents, each named by its id or by the path of its file
    (absolute, or relative to the current folder): what `search --paths` prints,
    so `searchcli search --paths WORD | xargs searchcli show` works. The ids of
    each document's near-duplicates are listed with it.

    A file with several documents (JSON lines) shows each. With --query, the
    query's matches are highlighted. Exit 1 when any argument names no document.
    """
    from ..models import Document
    from ..searching import Searcher
    from ..text import safe_name

    if query is not None and not query.strip():
        fail("--query needs at least one word to highlight")
    missing = 0
    docs: list[tuple[Document, tuple[str, ...]]] = []
    with Searcher(index_dir) as searcher:
        for name in ids_or_paths:
            doc = searcher.document(name)
            found = [doc] if doc is not None else searcher.documents_at(name)
            if not found:
                warn(f"no document with id or path {safe_name(name)!r}")
                missing += 1
            docs.extend((doc, searcher.duplicates(doc.id)) for doc in found)
        terms = searcher.match_terms(query) if query and docs else frozenset()
    for shown, (doc, copies) in enumerate(docs):
        if query is not None:
            from .showquery import show_highlighted

            show_highlighted(doc, terms, as_json)
        elif as_json:
            from ..serialize import write_json

            write_json(stdout_bytes(), {**doc.to_dict(), "duplicates": list(copies)})
        else:
            from .. import render

            if shown:
                click.echo()  # a blank line between documents
            render.print_document(consoles()[0], doc, copies=copies)
    if missing:
        sys.exit(ExitStatus.NOT_FOUND)


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
