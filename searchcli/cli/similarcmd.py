"""`searchcli similar ID`: the documents most like one document."""

from __future__ import annotations

import sys

import click

from .base import ExitStatus, cli, fold_option, index_option, output_options
from .searchcmd import emit_hits


@cli.command()
@click.argument("doc_id")
@index_option
@click.option(
    "-n", "--limit", default=10, show_default=True, type=click.IntRange(1), help="Hits to show."
)
@click.option(
    "--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results."
)
@fold_option
@output_options
def similar(
    doc_id: str,
    index_dir: str,
    limit: int,
    page: int,
    no_fold: bool,
    fmt: str | None,
    nul: bool,
) -> None:
    """Show the documents most like the one with id DOC_ID.

    Its most telling words (by tf-idf) are searched for with the usual
    ranking. The document itself is left out, and so are its near-duplicates
    (`searchcli show DOC_ID` lists them) unless --no-fold is given. An unknown
    id is an error (exit 2).
    """
    from ..searching import Searcher

    with Searcher(index_dir) as searcher:
        result = searcher.similar(doc_id, limit=limit, page=page, fold=not no_fold)
    emit_hits(result, fmt, nul)
    sys.exit(ExitStatus.FOUND if result.total else ExitStatus.NOT_FOUND)
